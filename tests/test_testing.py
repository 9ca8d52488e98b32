"""dashboard.testing: AppTests share one component scan, as the pages of one server do."""

from dashboard.testing import app_test
from tests.web.conftest import APP


def test_app_tests_share_one_scanned_component_registry() -> None:
    first, second = app_test(APP, 30), app_test(APP, 30)
    assert first._bidi_component_manager is not None
    assert first._bidi_component_manager is second._bidi_component_manager
