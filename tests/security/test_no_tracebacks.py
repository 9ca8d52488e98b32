"""Issue 22 item 3: no traceback reaches a user; NUL characters are refused as field errors."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from streamlit.testing.v1 import AppTest

from dashboard.i18n import DEFAULT_LANGUAGE, translate
from db.engine import NulInText
from db.models import AuditEntry, Visit
from tests.web.conftest import PAGES, app
from tests.web.test_visit_form import FORM, RISK, after

ROOT = Path(__file__).parents[2]


def test_the_shipped_config_hides_every_error_detail() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # "none": no type, message or trace. The legacy false still shows the stack trace (source paths).
    assert config["client"]["showErrorDetails"] == "none"


def _failing() -> None:
    from dashboard.ui.errors import guarded

    def page() -> None:
        raise RuntimeError("SELECT secret FROM /srv/postloan/dashboard/x.py")

    guarded(page)


def test_an_error_is_a_reference_for_the_user_and_the_detail_for_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("POSTLOAN_RAISE_ERRORS", raising=False)
    with caplog.at_level(logging.ERROR, logger="postloan.errors"):
        at = AppTest.from_function(_failing).run()
    assert not at.exception
    [shown] = [e.value for e in at.error]
    assert "SELECT" not in shown and "/srv" not in shown and "Traceback" not in shown
    [record] = [r for r in caplog.records if r.name == "postloan.errors"]
    ref = record.args[0]  # type: ignore[index]
    assert shown == translate("error.unexpected", DEFAULT_LANGUAGE, ref=ref)
    assert record.exc_info is not None and "SELECT secret" in str(record.exc_info[1])


def test_the_engine_refuses_a_nul_in_any_text_parameter(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(NulInText):
        conn.execute(text("SELECT :x"), {"x": "a\x00b"})


@pytest.mark.parametrize(("page", "name"), [("loans.py", "bucket"), ("issues_work.py", "issue_id")])
def test_a_nul_in_a_url_parameter_is_named_and_ignored(app_db: Engine, page: str, name: str) -> None:
    at = app(lang="en", **{name: "M1\x00x"}).run()
    at = at.switch_page(str(PAGES / page)).run()
    assert not at.exception
    assert any(f"“{name}”" in w.value for w in at.warning)


def test_a_nul_in_a_form_field_is_a_field_error_and_nothing_is_written(app_db: Engine) -> None:
    with app_db.connect() as conn:
        before = [conn.scalar(select(func.count()).select_from(t)) for t in (Visit, AuditEntry)]
    at = app(actor=RISK, lang="en", loan_id="B").run()
    at = at.switch_page(str(PAGES / "visit_form.py")).run()
    at.selectbox(key="visit_B_method").set_value("in_person")
    at.selectbox(key="visit_B_stage").set_value("repayment")
    at.text_area(key=f"{FORM}_content").input("a\x00b")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert after(at, f"{FORM}_content").value == translate("work.err.nul", "en")
    with app_db.connect() as conn:
        assert [conn.scalar(select(func.count()).select_from(t)) for t in (Visit, AuditEntry)] == before


def test_a_nul_typed_into_a_search_is_a_message(app_db: Engine) -> None:
    at = app(lang="en").run()
    at = at.switch_page(str(PAGES / "find.py")).run()
    at.text_input(key="find_text").input("ab\x00cd").run()
    assert not at.exception
    assert [e.value for e in at.error] == [translate("work.err.nul", "en")]
