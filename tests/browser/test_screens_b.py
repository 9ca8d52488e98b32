"""Every page of these roles renders in a real browser, in both languages (tests/browser/screens.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.screens import every_page_renders


@pytest.mark.parametrize("username", ["risk", "auditor", "agency", "collector", "preservation"])
def test_every_page_of_the_role_renders(
    screens_server: tuple[str, str], screens_browser: Any, username: str
) -> None:
    every_page_renders(screens_server, screens_browser, username)
