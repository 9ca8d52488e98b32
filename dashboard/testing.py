"""AppTest as the server runs a page: the component scan done once per process, not once per AppTest.

A Streamlit server scans the installed packages for components once, when it starts. AppTest does it on the
first run of every AppTest object (a cost that grows with the packages installed), which the tests
and the page benchmark would otherwise pay, and count, on every page they open.
"""

from __future__ import annotations

from functools import cache

from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

_MANAGER_ATTRIBUTE = "_bidi_component_manager"


@cache
def _components() -> BidiComponentManager:
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def app_test(script: str, timeout: float) -> AppTest:
    """AppTest.from_file(script) sharing one scanned component registry with every other AppTest."""
    at = AppTest.from_file(script, default_timeout=timeout)
    if not hasattr(at, _MANAGER_ATTRIBUTE):
        raise RuntimeError(f"streamlit's AppTest has no {_MANAGER_ATTRIBUTE}: update dashboard/testing.py")
    setattr(at, _MANAGER_ATTRIBUTE, _components())
    return at
