"""Warnings page (issue 17): an officer's list, overdue responses first; a disposition without a verification
refused at its field; a verified lawsuit proposing a downgrade; both languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from dashboard import clock
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.importer import import_files
from dashboard.work.warnings import Response, respond
from db.models import ClassificationProposal, EarlyWarning
from tests.kpi.book import loan
from tests.web.conftest import PAGES, app

OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")


@pytest.fixture
def warned(app_db: Engine) -> Engine:
    """A lawsuit on A seen long ago (overdue), a rating downgrade on B seen today, one on C (O2's)."""
    today = clock.today().isoformat()
    import_files(
        app_db,
        {
            "signals.csv": "signal_id,customer_id,loan_id,kind,observed_on,source,notes\n"
            "S1,,A,lawsuit,2025-03-17,法院公告,被诉\n"
            f"S2,,B,rating_downgrade,{today},征信,\n"
            "S3,,C,lawsuit,2025-03-17,,\n"
        },
    )
    return app_db


def _page(actor: Actor, lang: str = "en") -> AppTest:
    at = app(actor=actor, lang=lang).run()
    return at.switch_page(str(PAGES / "warnings.py")).run()


def test_the_officer_sees_their_warnings_overdue_first(warned: Engine) -> None:
    at = _page(OFFICER)
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown["loan_id"].tolist() == ["A", "B"]  # C is O2's
    assert shown["overdue"].tolist() == [True, False]
    figures = at.dataframe[1].value
    assert figures["officer_id"].tolist() == ["O1"]  # the lawsuit of March is older than the 30 days shown


def test_a_verified_lawsuit_proposes_a_downgrade_from_the_page(warned: Engine) -> None:
    with warned.connect() as conn:
        warning_id = conn.execute(
            select(EarlyWarning.warning_id).where(EarlyWarning.signal_id == "S1")
        ).scalar_one()
    at = _page(OFFICER)
    at.selectbox(key="warnings_pick").set_value(warning_id).run()
    name = f"warn_{warning_id}_v1"
    at.selectbox(key=f"{name}_disposition").set_value("propose_downgrade")
    at.button(key=f"{name}_submit").click().run()
    assert not at.exception
    assert any("Record how the signal was verified" in e.value for e in at.error), [e.value for e in at.error]
    with warned.connect() as conn:
        assert conn.execute(select(ClassificationProposal.proposal_id)).first() is None
    at.selectbox(key=f"{name}_verification").set_value("onsite")
    at.text_area(key=f"{name}_verification_notes").input("法院已立案")
    at.selectbox(key=f"{name}_proposed_class").set_value("substandard")
    at.button(key=f"{name}_submit").click().run()
    assert not at.exception and not at.error
    assert any(f"Response to warning {warning_id} saved" in s.value for s in at.success)
    with warned.connect() as conn:
        proposal = conn.execute(
            select(ClassificationProposal.loan_id, ClassificationProposal.classification)
        ).one()
        answered = conn.execute(
            select(EarlyWarning.disposition).where(EarlyWarning.warning_id == warning_id)
        ).scalar()
    assert tuple(proposal) == ("A", "substandard") and answered == "propose_downgrade"
    assert at.dataframe[0].value["loan_id"].tolist() == ["B"]  # answered: off the open list


def test_the_page_in_chinese(warned: Engine) -> None:
    at = _page(OFFICER_2, lang="zh")
    assert not at.exception
    assert at.title[0].value == "风险预警"
    assert at.dataframe[0].value["kind"].tolist() == ["涉诉"]


def test_the_manager_sees_the_loans_marked_for_exit_still_unchecked_this_month(warned: Engine) -> None:
    with warned.connect() as conn:
        warning_id = conn.execute(
            select(EarlyWarning.warning_id).where(EarlyWarning.signal_id == "S1")
        ).scalar_one()
    respond(
        warned,
        OFFICER,
        warning_id,
        1,
        Response("onsite", date(2025, 3, 18), "已停业", "propose_exit"),
        "t1",
        Config(),
        date(2025, 3, 18),
    )
    at = app(lang="en").run()  # a manager over the whole book, as of the data date 2025-03-20
    at = at.switch_page(str(PAGES / "inspections.py")).run()
    assert not at.exception
    assert any("2025-03: 0 of 1 loans marked for exit checked on site" in c.value for c in at.caption)
    listed = next(df.value for df in at.dataframe if "marked_on" in df.value.columns)
    assert listed["loan_id"].tolist() == ["A"] and listed["checked_on"].isna().all()


def test_the_reminders_page_marks_an_item_reminded(app_db: Engine) -> None:
    soon = clock.today() + timedelta(days=2)
    with app_db.begin() as conn:
        loan(conn, "R", "2000", "2025-01-10", [(soon.isoformat(), "2000", "20")])
    at = app(actor=OFFICER, lang="en").run()
    at = at.switch_page(str(PAGES / "reminders.py")).run()
    assert not at.exception
    items = at.dataframe[0].value
    assert items[["kind", "loan_id"]].values.tolist() == [["Instalment due", "R"]]
    at.selectbox(key="remind_item").set_value(f"instalment|R|{soon}")
    at.selectbox(key="remind_channel").set_value("call")
    at.button(key="remind_submit").click().run()
    assert not at.exception and not at.error
    assert at.dataframe[0].value["reminded_on"].tolist() == [clock.today()]
    coverage = at.dataframe[-1].value
    assert coverage["kind"].tolist() == ["Instalment due", "Maturity", "Revisit after first overdue"]
