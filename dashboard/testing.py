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

import streamlit as st
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime.caching import cache_data_api
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


def clear_caches(*keep: object) -> None:
    """st.cache_resource and st.cache_data cleared, as for a new database, except the data caches of the
    cached functions in `keep`: those whose result follows from their arguments alone, never from the
    database (such as a table's Excel file, keyed on the digest of its content). A test that opens a page
    showing the same table as an earlier test then reuses its file instead of building it again."""
    st.cache_resource.clear()
    if not keep:
        st.cache_data.clear()
        return
    kept = set()
    for function in keep:
        key = getattr(function, "_function_key", None)
        if key is None:
            raise RuntimeError(f"{function!r} is not an st.cache_data function: update dashboard/testing.py")
        kept.add(key)
    registry = getattr(cache_data_api._data_caches, "_function_caches", None)
    if not isinstance(registry, dict):
        raise RuntimeError("streamlit's DataCaches has no _function_caches: update dashboard/testing.py")
    for scope, caches in list(registry.items()):
        for key, data_cache in list(caches.items()):
            if scope is not None or key not in kept:
                data_cache.clear()
