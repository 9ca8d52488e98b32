"""Allocation on the overdue page and the hand-over queue on the Staff page (issue 16), signed in as a risk
manager: the key interactions only; the rules and refusals are tested on the services (tests/work)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from dashboard.actor import Actor
from db.models import Loan, OfficerHistory, Placement
from tests.kpi.book import D, loan
from tests.web.conftest import PAGES, app

RISK = Actor("risk", "risk_manager", name="Risk", staff_id="R1")  # the whole book


def _page(name: str):  # type: ignore[no-untyped-def]
    at = app(actor=RISK, lang="en").run()
    return at.switch_page(str(PAGES / name)).run()


def test_the_risk_manager_places_selected_loans_and_accepts_proposals(app_db: Engine) -> None:
    at = _page("overdue.py")
    assert not at.exception
    at.multiselect(key="alloc_loans").set_value(["B"]).run()
    at.radio(key="alloc_action").set_value("place").run()
    at.selectbox(key="alloc_agency").set_value("A2").run()
    at.button(key="alloc_go").click().run()
    assert not at.exception
    assert any("1 change(s) saved" in s.value for s in at.success)
    with app_db.connect() as conn:
        assert conn.execute(select(Placement.agency_id).where(Placement.loan_id == "B")).scalars().all() == [
            "A2"
        ]
    # Recalling a loan that is not placed is refused with a message.
    at.multiselect(key="alloc_loans").set_value(["C"]).run()
    at.radio(key="alloc_action").set_value("recall").run()
    at.text_area(key="alloc_reason").set_value("机构考核不达标").run()
    at.button(key="alloc_go").click().run()
    assert any("not placed with an agency" in e.value for e in at.error)
    # C (66 DPD, loss) is proposed for an agency; accepting every proposal places it.
    assert "C" in at.multiselect(key="alloc_chosen").value[0]
    at.button(key="alloc_accept").click().run()
    assert not at.exception
    with app_db.connect() as conn:
        placed = set(conn.execute(select(Placement.loan_id)).scalars())
    assert placed == {"B", "C"}


def test_the_hand_over_queue_gives_a_departed_officers_loans_to_a_successor(app_db: Engine) -> None:
    with app_db.begin() as conn:
        loan(conn, "E", "2000", "2024-05-01", [("2025-04-01", "2000", "20")], officer="O3", branch="B2")
    at = _page("staff.py")
    assert not at.exception
    assert at.selectbox(key="handover_departed").value == "O3"
    assert at.multiselect(key="handover_loans_O3").value == ["E"]
    at.selectbox(key="handover_successor").set_value("O2").run()
    at.button(key="handover_go").click().run()
    assert not at.exception
    with app_db.connect() as conn:
        assert conn.execute(select(Loan.officer_id).where(Loan.loan_id == "E")).scalar_one() == "O2"
        history = conn.execute(
            select(OfficerHistory.officer_id, OfficerHistory.from_on, OfficerHistory.to_on)
            .where(OfficerHistory.loan_id == "E")
            .order_by(OfficerHistory.from_on)
        ).all()
    assert [h.officer_id for h in history] == ["O3", "O2"]
    assert history[0].from_on == D("2024-05-01") and history[0].to_on == history[1].from_on
    assert any("Nothing to hand over" in i.value for i in at.info)
