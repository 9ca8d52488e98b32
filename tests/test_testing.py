"""dashboard.testing: AppTests share one component scan, as the pages of one server do; the tests' cache
clearing keeps only the caches named."""

import streamlit as st

from dashboard.testing import app_test, clear_caches
from tests.web.conftest import APP


def test_app_tests_share_one_scanned_component_registry() -> None:
    first, second = app_test(APP, 30), app_test(APP, 30)
    assert first._bidi_component_manager is not None
    assert first._bidi_component_manager is second._bidi_component_manager


def test_clear_caches_keeps_the_data_caches_named_and_clears_the_rest() -> None:
    calls: list[tuple[str, int]] = []

    @st.cache_data
    def kept(x: int) -> int:
        calls.append(("kept", x))
        return x

    @st.cache_data
    def dropped(x: int) -> int:
        calls.append(("dropped", x))
        return x

    @st.cache_resource
    def resource(x: int) -> int:
        calls.append(("resource", x))
        return x

    for function in (kept, dropped, resource):
        function(1)
    clear_caches(kept)
    for function in (kept, dropped, resource):
        function(1)
    assert calls == [("kept", 1), ("dropped", 1), ("resource", 1), ("dropped", 1), ("resource", 1)]
    clear_caches()
    kept(1)
    assert calls[-1] == ("kept", 1)
