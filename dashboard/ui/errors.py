"""What a user sees when a page fails: a short message with a reference, never a traceback.

The shipped config sets client.showErrorDetails = "none" (the legacy `false` still shows the stack trace,
with source paths); on top of that every run goes through `guarded`, which logs the exception with a
random reference on the server and shows only that reference, so an administrator can find the detail
in the log from what the user reads out. POSTLOAN_RAISE_ERRORS=1 (the tests) raises after showing, so
AppTest still reports the exception.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable

import streamlit as st

from dashboard.ui.i18n import t

log = logging.getLogger("postloan.errors")


def reference() -> str:
    return secrets.token_hex(4)


def guarded(run: Callable[[], None]) -> None:
    """Run a page; an exception becomes a logged detail and a message with its reference. Streamlit's
    stop and rerun are BaseExceptions and pass through."""
    try:
        run()
    except Exception:
        ref = reference()
        log.exception("unexpected error, reference %s", ref)
        st.error(t("error.unexpected", ref=ref), icon=":material/error:")
        if os.environ.get("POSTLOAN_RAISE_ERRORS") == "1":
            raise
