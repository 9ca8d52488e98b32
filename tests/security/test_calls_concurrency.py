"""Issue 22 item 6: the calls-per-day limit holds when several sessions save at once, on both databases."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

from sqlalchemy import Connection, Engine, func, select

from dashboard.config import Config
from dashboard.work import collection
from dashboard.work.collection import record_action
from dashboard.work.errors import FormInvalid
from db.models import CollectionAction
from tests.work.test_collection import COLLECTOR, NOW, call
from tests.work.test_collection import book as book

SESSIONS = 6


def test_six_sessions_saving_at_once_store_at_most_the_limit(book: Engine, monkeypatch) -> None:
    count = collection._calls_on

    def slow_count(conn: Connection, loan_id: str, day: date, contact_id: str | None) -> int:
        # Widen the gap between counting and writing, where a second save used to count the same calls.
        found = count(conn, loan_id, day, contact_id)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(collection, "_calls_on", slow_count)
    start = threading.Barrier(SESSIONS)
    outcomes: list[str] = []

    def session(n: int) -> None:
        start.wait()
        form = call(acted_at=datetime(2025, 3, 20, 10, n), result="no_answer", ptp_amount=None, ptp_on=None)
        try:
            record_action(book, COLLECTOR, form, f"tok-{n}", Config(max_calls_per_day=3), now=NOW)
            outcomes.append("saved")
        except FormInvalid as exc:
            assert set(exc.errors) == {"channel"}
            outcomes.append("refused")

    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with book.connect() as conn:
        stored = conn.scalar(
            select(func.count()).select_from(CollectionAction).where(CollectionAction.channel == "call")
        )
    assert stored == 3
    assert sorted(outcomes) == ["refused"] * 3 + ["saved"] * 3
