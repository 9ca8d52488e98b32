"""AppTest as the server runs a page: the component scan and the compiled scripts done once per process,
not once per AppTest or per run.

A Streamlit server scans the installed packages for components once, when it starts, and compiles each
script once (until the file changes). AppTest scans on the first run of every AppTest object (a cost that
grows with the packages installed) and reads, rewrites ("magic") and compiles the entry script and the
page on every run; the tests and the page benchmark would otherwise pay, and count, both on every page
they open.
"""

from __future__ import annotations

from functools import cache

from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.testing.v1 import app_test as app_test_module

_MANAGER_ATTRIBUTE = "_bidi_component_manager"


@cache
def _components() -> BidiComponentManager:
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


@cache
def _share_compiled_scripts() -> None:
    # AppTest makes a new ScriptCache for every run (in app_test and in local_script_runner): make it
    # the one of this process. Scripts are not edited while the tests run.
    scripts = ScriptCache()
    for module in (app_test_module, local_script_runner):
        if getattr(module, "ScriptCache", None) is not ScriptCache:
            raise RuntimeError(
                f"{module.__name__} no longer makes a ScriptCache: update dashboard/testing.py"
            )
        module.ScriptCache = lambda: scripts  # type: ignore[attr-defined,assignment]


def app_test(script: str, timeout: float) -> AppTest:
    """AppTest.from_file(script) sharing one scanned component registry and one cache of compiled scripts
    with every other AppTest."""
    _share_compiled_scripts()
    at = AppTest.from_file(script, default_timeout=timeout)
    if not hasattr(at, _MANAGER_ATTRIBUTE):
        raise RuntimeError(f"streamlit's AppTest has no {_MANAGER_ATTRIBUTE}: update dashboard/testing.py")
    setattr(at, _MANAGER_ATTRIBUTE, _components())
    return at
