"""A page runs under a loading message in the user's language (shown by st.spinner when the page takes more
than half a second), not only under Streamlit's English status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import Engine

from tests.web.conftest import app


@pytest.mark.parametrize(("lang", "text"), [("zh", "正在加载，请稍候…"), ("en", "Loading…")])
def test_the_page_runs_under_the_loading_message(
    app_db: Engine, monkeypatch: pytest.MonkeyPatch, lang: str, text: str
) -> None:
    events: list[str] = []
    spinner, title = st.spinner, st.title

    @contextmanager
    def spy_spinner(message: str, *args: Any, **kwargs: Any) -> Iterator[None]:
        events.append(f"spinner {message}")
        with spinner(message, *args, **kwargs):
            yield
        events.append("done")

    def spy_title(body: Any, *args: Any, **kwargs: Any) -> Any:
        events.append("title")
        return title(body, *args, **kwargs)

    monkeypatch.setattr(st, "spinner", spy_spinner)
    monkeypatch.setattr(st, "title", spy_title)
    at = app(lang=lang).run()
    assert not at.exception
    assert at.title  # the overview ran
    # The page's title is written while the loading message is up, and the message is taken down after.
    assert events[0] == f"spinner {text}"
    assert "title" in events[1:-1] and events[-1] == "done"
