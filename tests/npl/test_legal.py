"""Legal cases (issue 18): opening, stage moves with a timeline, the refusals (a stage going back without a
reason, recovered above awarded without a note), scope, and the page's figures."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from dashboard.actor import Actor
from dashboard.kpi.legal import legal_book, legal_cases
from dashboard.kpi.scope import Scope
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.legal import CaseForm, case_timeline, save_case
from db.models import AuditEntry, LegalCase, LegalCaseStage
from tests.kpi.book import D, act, loan, reference

AP = Actor("ap", "asset_preservation", staff_id="C1", branch_id="B1")
ONE = [("2024-02-10", "1000", "10")]
TODAY = D("2025-03-20")


@pytest.fixture
def book(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "W", "1000", "2024-01-10", ONE, written_off_on="2025-01-31")
        loan(conn, "X", "1000", "2024-01-10", ONE, branch="B2", officer="O2", written_off_on="2025-01-31")
        loan(conn, "N", "1000", "2024-01-10", ONE)
        act(conn, "N", "2025-02-03 10:00", "call", staff="C1")
    return engine


FILED = CaseForm(
    loan_id="W", stage="filed", filed_on=D("2025-02-10"), court="朝阳法院", claimed=Decimal("1010")
)


def _rows(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_open_then_move_to_judgment_keeps_a_timeline(book: Engine) -> None:
    saved = save_case(book, AP, FILED, "t1", today=TODAY)
    case_id = saved.record_key
    judged = replace(FILED, case_id=case_id, stage="judgment", awarded=Decimal("900"))
    save_case(book, AP, judged, "t2", today=D("2025-03-21"))
    with book.connect() as conn:
        stage = conn.execute(select(LegalCase.stage).where(LegalCase.case_id == case_id)).scalar_one()
        timeline = case_timeline(conn, case_id)
        audited = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    assert stage == "judgment"
    assert list(zip(timeline.from_stage.fillna("-"), timeline.to_stage, strict=True)) == [
        ("-", "filed"),
        ("filed", "judgment"),
    ]
    assert list(timeline.changed_on) == [TODAY, D("2025-03-21")]
    assert audited == 4  # two case rows, two timeline rows


def test_a_stage_going_back_needs_a_reason(book: Engine) -> None:
    case_id = save_case(book, AP, replace(FILED, stage="judgment"), "t1", today=TODAY).record_key
    back = replace(FILED, case_id=case_id, stage="filed")
    with pytest.raises(FormInvalid) as refused:
        save_case(book, AP, back, "t2", today=TODAY)
    assert set(refused.value.errors) == {"reason"}
    assert _rows(book, LegalCaseStage) == 1
    save_case(book, AP, replace(back, reason="judgment set aside on appeal"), "t3", today=TODAY)
    assert _rows(book, LegalCaseStage) == 2


def test_recovered_above_awarded_needs_a_note(book: Engine) -> None:
    over = replace(FILED, stage="enforcement", awarded=Decimal("900"), recovered=Decimal("950"))
    with pytest.raises(FormInvalid) as refused:
        save_case(book, AP, over, "t1", today=TODAY)
    assert set(refused.value.errors) == {"note"}
    assert _rows(book, LegalCase) == 0
    save_case(book, AP, replace(over, note="court costs awarded on top"), "t2", today=TODAY)
    assert _rows(book, LegalCase) == 1


def test_other_refusals_at_their_fields(book: Engine) -> None:
    bad = replace(
        FILED, filed_on=None, costs=Decimal("-1"), next_hearing_on=None, agency_id="NOPE", stage="filed"
    )
    with pytest.raises(FormInvalid) as refused:
        save_case(book, AP, bad, "t1", today=TODAY)
    assert set(refused.value.errors) == {"filed_on", "costs", "agency_id"}
    with pytest.raises(FormInvalid) as future:
        save_case(book, AP, replace(FILED, filed_on=D("2025-03-21")), "t2", today=TODAY)
    assert set(future.value.errors) == {"filed_on"}


def test_out_of_scope_loans_and_roles_are_refused(book: Engine) -> None:
    with pytest.raises(NotAllowed):
        save_case(book, AP, replace(FILED, loan_id="X"), "t1", today=TODAY)  # another branch
    with pytest.raises(NotAllowed):
        save_case(book, AP, replace(FILED, loan_id="N"), "t2", today=TODAY)  # not handed to legal
    with pytest.raises(NotAllowed):
        save_case(book, Actor("o1", "officer", staff_id="O1"), FILED, "t3", today=TODAY)
    assert _rows(book, LegalCase) == 0


def test_the_schema_refuses_a_backward_stage_without_a_reason(book: Engine) -> None:
    save_case(book, AP, FILED, "t1", today=TODAY)
    with pytest.raises(IntegrityError), book.begin() as conn:
        case_id = conn.execute(select(LegalCase.case_id)).scalar_one()
        conn.execute(
            insert(LegalCaseStage).values(
                case_id=case_id, changed_on=TODAY, from_stage="judgment", to_stage="filed", username="x"
            )
        )
    with pytest.raises(IntegrityError), book.begin() as conn:
        conn.execute(
            insert(LegalCase).values(
                case_id="LC9", loan_id="W", stage="judgment", filed_on=TODAY, awarded=1, recovered=2
            )
        )


def test_book_by_stage_and_age_hearings_this_week(book: Engine) -> None:
    cases = [
        ("C1", "W", "preparing", None, "0", "0", "0", None),
        # 90 days old on 2025-03-20, hearing today: this week.
        ("C2", "W", "filed", "2024-12-20", "1000", "0", "100", "2025-03-20"),
        # 91 days old, hearing on the 7th day after today: next week.
        ("C3", "W", "filed", "2024-12-19", "500", "150", "50", "2025-03-27"),
        ("C4", "X", "closed", "2024-01-02", "9", "0", "0", None),
        ("C5", "W", "filed", "2025-03-21", "1", "0", "0", None),  # filed after the as-of date: not known yet
    ]
    with book.begin() as conn:
        for case_id, loan_id, stage, filed, claimed, recovered, costs, hearing in cases:
            conn.execute(
                insert(LegalCase).values(
                    case_id=case_id,
                    loan_id=loan_id,
                    stage=stage,
                    filed_on=D(filed) if filed else None,
                    claimed=Decimal(claimed),
                    recovered=Decimal(recovered),
                    costs=Decimal(costs),
                    next_hearing_on=D(hearing) if hearing else None,
                )
            )
    with book.connect() as conn:
        by_stage = legal_book(conn, as_of=TODAY, scope=Scope()).set_index("stage")
        week = legal_cases(conn, as_of=TODAY, scope=Scope(), hearings_within_days=7)
        mine = legal_book(conn, as_of=TODAY, scope=Scope(actor=AP)).set_index("stage")
    assert list(by_stage.index) == ["preparing", "filed", "judgment", "enforcement", "closed"]
    filed = by_stage.loc["filed"]
    assert (filed.cases, filed.age_up_to_90, filed.age_91_180) == (2, 1, 1)
    assert filed.recovered == Decimal("150.00") and filed.costs == Decimal("150.00")
    assert filed.recovered_to_costs == Decimal(1)
    assert by_stage.loc["preparing"].cases == 1 and by_stage.loc["closed"].age_over_365 == 1
    assert by_stage.loc["judgment"].recovered_to_costs is None
    assert list(week.case_id) == ["C2"]
    assert mine.loc["closed"].cases == 0  # X is in B2
