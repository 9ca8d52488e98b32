"""The monthly class migration against hand-worked books: the matrix, the loans that moved with their
causes, upgrades and downgrades by branch."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, insert

from dashboard.config import Config, load_config
from dashboard.kpi.migration import (
    MOVER_COLUMNS,
    class_migration,
    migration_by_branch,
    migration_movers,
    month_bounds,
    month_migration,
)
from dashboard.kpi.scope import Scope
from db.models import ClassificationProposal, Product
from tests.kpi.book import D, loan, override, pay, reference

MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


def test_march_2025_by_hand(engine: Engine) -> None:
    """Start 2025-02-28, end 2025-03-31.
    A pays on time: normal -> normal, 2,000 -> 1,000.
    B pays nothing: 18 then 49 DPD, special mention -> special mention, 3,000 -> 3,000.
    C pays February only: normal -> special mention (21 DPD), 2,000 -> 2,000.
    D pays on time but is overridden to loss on 03-15: normal -> loss, 2,000 -> 1,000.
    E is disbursed in March: in no pair. F is repaid in March: in no pair."""
    with engine.begin() as conn:
        reference(conn)
        for name in "ABCD":
            loan(conn, name, "3000", "2025-01-10", MONTHLY)
        for name in "ACD":
            pay(conn, name, 1, "2025-02-10", "1000", "10")
        for name in "AD":
            pay(conn, name, 2, "2025-03-10", "1000", "10")
        override(conn, "D", "2025-03-15", "loss")
        loan(conn, "E", "1000", "2025-03-05", [("2025-04-05", "1000", "0")])
        loan(conn, "F", "1000", "2025-01-05", [("2025-03-05", "1000", "0")])
        pay(conn, "F", 1, "2025-03-05", "1000", "0")
    assert month_bounds(2025, 3, as_of=D("2025-04-20")) == (D("2025-02-28"), D("2025-03-31"))
    assert month_bounds(2025, 3, as_of=D("2025-03-20")) == (D("2025-02-28"), D("2025-03-20"))
    with engine.connect() as conn:
        frame = class_migration(
            conn, year=2025, month=3, as_of=D("2025-04-20"), scope=Scope(), config=Config()
        )
    assert len(frame) == 25
    moved = frame[frame["loans"] > 0]
    assert [tuple(r) for r in moved.itertuples(index=False)] == [
        ("normal", "normal", 1, Decimal("2000"), Decimal("1000")),
        ("normal", "special_mention", 1, Decimal("2000"), Decimal("2000")),
        ("normal", "loss", 1, Decimal("2000"), Decimal("1000")),
        ("special_mention", "special_mention", 1, Decimal("3000"), Decimal("3000")),
    ]
    with engine.connect() as conn:
        other = class_migration(
            conn, year=2025, month=3, as_of=D("2025-04-20"), scope=Scope(branch_id="B2"), config=Config()
        )
    assert other["loans"].sum() == 0


def _movers_book(engine: Engine) -> None:
    """March 2025 (2025-02-28 to 2025-03-31), one loan per cause, worked by hand:
    N   B11 pays on time: normal both days, not a mover.
    DF  B11 one instalment due 2024-12-15 unpaid: 75 then 106 DPD: special mention -> substandard (floor).
    C   B2  card product P3 (90/120/180), due 2024-11-20 unpaid: 100 then 131 DPD: substandard -> doubtful
        (on P1's 90/270/360 it would stay substandard: not a mover).
    RP  B11 18 DPD at the start, pays both instalments in March: special mention -> normal (repayment).
    OV  B11 on time, restructured to doubtful on 03-05 (an approved proposal), then overridden to loss on
        03-15 (imported): normal -> loss (override: the restructuring is not what gave the end class).
    RS  B2  on time, an approved proposal ticking "restructured" effective 03-10: normal -> substandard.
    LIFT B11 on time, overridden to doubtful in January, lifted to normal on 03-20: doubtful -> normal
        (override, though it also repaid in March).
    OVSAME B11 like DF, and overridden to substandard on 03-20: DPD alone takes it there (floor)."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Product).values(
                product_id="P3",
                name="信用卡",
                category="consumer",
                repayment_method="equal_instalment",
                dpd_floors="90/120/180",
            )
        )
        for name, branch in (("N", "B11"), ("OV", "B11"), ("RS", "B2"), ("LIFT", "B11"), ("RP", "B11")):
            loan(conn, name, "3000", "2025-01-10", MONTHLY, branch=branch)
        for name in ("N", "OV", "RS", "LIFT"):
            pay(conn, name, 1, "2025-02-10", "1000", "10")
            pay(conn, name, 2, "2025-03-10", "1000", "10")
        pay(conn, "RP", 1, "2025-03-05", "1000", "10")
        pay(conn, "RP", 2, "2025-03-10", "1000", "10")
        for name in ("DF", "OVSAME"):
            loan(conn, name, "2000", "2024-11-15", [("2024-12-15", "1000", "0"), ("2025-06-15", "1000", "0")])
        loan(conn, "C", "1000", "2024-10-20", [("2024-11-20", "1000", "0")], branch="B2", product="P3")
        override(conn, "OV", "2025-03-05", "doubtful")
        override(conn, "OV", "2025-03-15", "loss")
        override(conn, "LIFT", "2025-01-15", "doubtful")
        override(conn, "LIFT", "2025-03-20", "normal")
        override(conn, "OVSAME", "2025-03-20", "substandard")
        override(conn, "RS", "2025-03-10", "substandard")
        conn.execute(
            insert(ClassificationProposal),
            [
                {
                    "loan_id": loan_id,
                    "classification": cls,
                    "reason": "展期重组",
                    "triggers": "business_stopped,restructured",
                    "proposed_by": "O1",
                    "proposed_at": datetime(2025, 3, day - 1, 10, 0),
                    "status": "approved",
                    "decided_by": "R1",
                    "decided_at": datetime(2025, 3, day, 9, 0),
                    "decision_comment": "同意",
                    "effective_on": D(f"2025-03-{day:02d}"),
                }
                for loan_id, cls, day in (("RS", "substandard", 10), ("OV", "doubtful", 5))
            ],
        )


def test_the_loans_that_moved_with_their_causes_and_the_branches(engine: Engine) -> None:
    _movers_book(engine)
    config = load_config(engine)
    args = {"year": 2025, "month": 3, "as_of": D("2025-04-20"), "config": config}
    with engine.connect() as conn:
        movers = migration_movers(conn, scope=Scope(), **args)
        branches = migration_by_branch(conn, scope=Scope(), **args)
        in_b2 = migration_movers(conn, scope=Scope(branch_id="B2"), **args)
        report = month_migration(conn, scope=Scope(), **args)
    columns = [
        "loan_id",
        "from_class",
        "to_class",
        "direction",
        "cause",
        "dpd_start",
        "dpd_end",
        "end_balance",
    ]
    assert movers[columns].values.tolist() == [
        ["OV", "normal", "loss", "downgrade", "override", 0, 0, Decimal("1000")],
        ["C", "substandard", "doubtful", "downgrade", "dpd_floor", 100, 131, Decimal("1000")],
        ["DF", "special_mention", "substandard", "downgrade", "dpd_floor", 75, 106, Decimal("2000")],
        ["OVSAME", "special_mention", "substandard", "downgrade", "dpd_floor", 75, 106, Decimal("2000")],
        ["RS", "normal", "substandard", "downgrade", "restructuring", 0, 0, Decimal("1000")],
        ["LIFT", "doubtful", "normal", "upgrade", "override", 0, 0, Decimal("1000")],
        ["RP", "special_mention", "normal", "upgrade", "repayment", 18, 0, Decimal("1000")],
    ]
    assert movers.set_index("loan_id").loc["RP", "start_balance"] == Decimal("3000")
    assert branches.values.tolist() == [
        ["B11", "朝阳支行", 2, Decimal("2000"), 3, Decimal("5000")],
        ["B2", "上海分行", 0, Decimal("0"), 2, Decimal("2000")],
    ]
    assert in_b2["loan_id"].tolist() == ["C", "RS"]
    assert (report.start, report.end) == (D("2025-02-28"), D("2025-03-31"))
    assert report.movers.equals(movers) and report.by_branch.equals(branches)
    # The matrix and the movers agree: every off-diagonal loan is a mover.
    off_diagonal = report.matrix[report.matrix["from_class"] != report.matrix["to_class"]]["loans"].sum()
    assert off_diagonal == len(movers)


def test_a_month_without_moves_has_empty_lists(engine: Engine) -> None:
    _movers_book(engine)
    with engine.connect() as conn:
        args = {"year": 2025, "month": 1, "as_of": D("2025-04-20"), "scope": Scope(), "config": Config()}
        assert list(migration_movers(conn, **args).columns) == MOVER_COLUMNS
        assert migration_movers(conn, **args).empty
        assert migration_by_branch(conn, **args).empty
