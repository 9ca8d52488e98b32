"""Issue 22 item 9: as-of dates outside the data's range are refused, every dashboard statement has a
timeout, and settings are range-checked on the Settings page and when the config is loaded."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import OperationalError

from dashboard.actor import Actor
from dashboard.auth.settings import set_setting
from dashboard.config import Config, load_config
from dashboard.work.errors import FormInvalid
from db.engine import make_engine
from db.models import Setting
from tests.conftest import url_of
from tests.web.conftest import app

ADMIN = Actor("admin", "admin")
# A recursive count that runs for minutes unless something stops it.
SLOW = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


@pytest.mark.parametrize("as_of", ["2024-11-30", "2099-01-01"])
def test_an_as_of_outside_the_data_is_refused(app_db: Engine, as_of: str) -> None:
    """The book's first loan was disbursed 2024-12-01; nothing is later than today."""
    at = app(lang="en", as_of=as_of).run()
    assert not at.exception
    assert any("“as_of”" in w.value for w in at.warning)
    assert at.date_input(key="as_of").value.isoformat() == "2025-03-20"


def test_an_as_of_inside_the_data_is_taken(app_db: Engine) -> None:
    at = app(lang="en", as_of="2024-12-01").run()
    assert not at.exception
    assert at.date_input(key="as_of").value.isoformat() == "2024-12-01"


def test_a_statement_past_the_timeout_is_stopped(engine: Engine) -> None:
    bounded = make_engine(url_of(engine), statement_timeout=0.5)
    try:
        began = time.monotonic()
        with bounded.connect() as conn, pytest.raises(OperationalError):
            conn.execute(text(SLOW)).scalar()
        assert time.monotonic() - began < 10
        with bounded.connect() as conn:  # the connection is usable again, for a quick statement
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        bounded.dispose()


@pytest.mark.parametrize(
    ("name", "value"),
    [("ptp_max_days", "99999999999999999999"), ("ptp_max_days", "0"), ("lost_contact_days", "100000")],
)
def test_a_setting_out_of_range_is_refused_on_the_settings_page(
    engine: Engine, name: str, value: str
) -> None:
    with pytest.raises(FormInvalid) as caught:
        set_setting(engine, ADMIN, name, value)
    assert caught.value.errors["value"][0] == "admin.err.range"


def test_a_stored_setting_out_of_range_falls_back_to_the_default(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Setting),
            [
                {"key": "ptp_max_days", "value": "99999999999999999999"},
                {"key": "max_calls_per_day", "value": "2"},
            ],
        )
    with caplog.at_level(logging.WARNING, logger="postloan.config"):
        config = load_config(engine)
    assert config.ptp_max_days == Config().ptp_max_days
    assert config.max_calls_per_day == 2
    assert any("ptp_max_days" in r.getMessage() for r in caplog.records)
