"""The screenshot modules' app and browser (module-scoped: one per module, so each half starts its own)."""

from tests.browser.screens import screens_browser, screens_server

__all__ = ["screens_browser", "screens_server"]
