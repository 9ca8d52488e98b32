"""Asset-preservation assessment (issue 18; seed 002, Wuhan rules 四(2)): recovered this year on loans
non-performing at the cut-off date and on written-off loans, per person (while assigned) and per branch,
against targets; NPL reduction per branch against its target."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Engine, insert

from dashboard.config import Config
from dashboard.kpi.assessment import npl_reduction, recovery_by_branch, recovery_by_person
from dashboard.kpi.scope import Scope
from db.models import CollectorAssignment, Staff
from tests.kpi.book import D, loan, pay, reference

CONFIG = replace(Config(), staff_cutoff=D("2024-06-30"), asset_preservation_recovery_target=Decimal("600"))
AS_OF = D("2025-03-20")


def _book(engine: Engine) -> None:
    """P (B11) 141 DPD at the cut-off: in the pool. Q (B11) past due only after it: not. W (B2) written off
    2024-12-31: what is paid after that day is in the pool. AP1 held P up to 2025-01-05, AP2 from then."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff),
            [
                {
                    "staff_id": s,
                    "name": s,
                    "role": "asset_preservation",
                    "branch_id": b,
                    "joined_on": D("2015-01-01"),
                }
                for s, b in (("AP1", "B11"), ("AP2", "B2"))
            ],
        )
        loan(conn, "P", "1000", "2024-01-10", [("2024-02-10", "1000", "0")])
        loan(conn, "Q", "1000", "2024-06-01", [("2024-07-01", "1000", "0")])
        loan(
            conn,
            "W",
            "1000",
            "2024-01-10",
            [("2024-02-10", "1000", "0")],
            branch="B2",
            officer="O2",
            written_off_on="2024-12-31",
        )
        pay(conn, "P", 1, "2024-12-31", "50")  # last year
        pay(conn, "P", 1, "2025-01-05", "100")  # the hand-over day: AP2's
        pay(conn, "Q", 1, "2025-02-01", "30")
        pay(conn, "W", None, "2024-12-31", "5")  # on the write-off day: before it
        pay(conn, "W", None, "2025-03-01", "20")
        conn.execute(
            insert(CollectorAssignment),
            [
                {
                    "loan_id": "P",
                    "staff_id": "AP1",
                    "assigned_on": D("2024-07-01"),
                    "ended_on": D("2025-01-05"),
                },
                {"loan_id": "P", "staff_id": "AP2", "assigned_on": D("2025-01-05"), "ended_on": None},
                {"loan_id": "W", "staff_id": "AP2", "assigned_on": D("2025-01-01"), "ended_on": None},
            ],
        )


def test_recovered_per_person_while_assigned(engine: Engine) -> None:
    _book(engine)
    with engine.connect() as conn:
        people = recovery_by_person(conn, as_of=AS_OF, scope=Scope(), config=CONFIG).set_index("staff_id")
    assert people.loc["AP1"].recovered == Decimal("0.00")
    assert people.loc["AP2"].recovered == Decimal("120.00")
    assert people.loc["AP2"].loans == 2
    assert people.loc["AP2"].progress == Decimal("0.2")


def test_recovered_per_branch_against_its_staff_targets(engine: Engine) -> None:
    _book(engine)
    with engine.connect() as conn:
        branches = recovery_by_branch(conn, as_of=AS_OF, scope=Scope(), config=CONFIG).set_index("branch_id")
    assert branches.loc["B11"].recovered == Decimal("100.00")  # Q is not in the pool
    assert branches.loc["B2"].recovered == Decimal("20.00")
    assert (branches.loc["B11"].staff, branches.loc["B11"].target) == (1, Decimal("600"))


def test_npl_reduction_per_branch(engine: Engine) -> None:
    _book(engine)
    with engine.connect() as conn:
        reduction = npl_reduction(conn, as_of=AS_OF, scope=Scope(), config=CONFIG).set_index("branch_id")
    b11 = reduction.loc["B11"]
    assert (b11.npl_at_start, b11.npl_now, b11.reduction) == (
        Decimal("1950.00"),
        Decimal("1820.00"),
        Decimal("130.00"),
    )
    assert b11.target == Decimal("390.00")
    assert b11.progress == Decimal("130") / Decimal("390")
    assert "B2" not in reduction.index  # W was written off at the start of the year
