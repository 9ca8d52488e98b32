"""Snapshot groups: the portfolio, its trend, its breakdowns and the roll rates read from them equal the same
figures computed live, for every scope the groups can answer; writes keep the groups equal to a rebuild."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.importer.extract import import_files
from dashboard.importer.spec import SPECS
from dashboard.kpi import groups
from dashboard.kpi.periods import month_end, month_ends_until
from dashboard.kpi.portfolio import portfolio, portfolio_series
from dashboard.kpi.roll import build_roll_groups, from_roll_groups, roll_rate_series
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import default_dates, prune, refresh
from dashboard.kpi.staff import officer_scores
from dashboard.kpi.trends import portfolio_by
from db.data_version import bump_data_version
from db.models import Loan, LoanStateSnapshot, SnapshotDate, SnapshotGroup, Staff
from seed import generate, write_to_database

AS_OF = date(2026, 10, 31)
CONFIG = Config()
DATES = default_dates(AS_OF)
MONTHS = [(2026, 8), (2026, 9), (2026, 10)]
CUTOFF = date(2025, 6, 30)
PAIRS = [
    (date(2026, 7, 31), date(2026, 8, 31)),
    (date(2026, 8, 31), date(2026, 9, 30)),
    (date(2026, 9, 30), AS_OF),
]


@pytest.fixture
def refreshed(engine: Engine) -> Engine:
    write_to_database(engine, generate(n_loans=400, seed=7, as_of=AS_OF))
    with engine.begin() as conn:
        bump_data_version(conn)
        refresh(conn, dates=DATES)
        build_roll_groups(conn)
    return engine


def _officer_and_branch(engine: Engine) -> tuple[str, str]:
    with engine.connect() as conn:
        return conn.execute(select(Loan.officer_id, Loan.branch_id).order_by(Loan.loan_id)).first()  # type: ignore[return-value]


def _figures(engine: Engine, scope: Scope) -> dict[str, object]:
    with engine.connect() as conn:
        return _figures_on(conn, scope)


def _live_figures(engine: Engine, scope: Scope) -> dict[str, object]:
    """The same figures with every snapshot (and so every group) out of date, rolled back after."""
    with engine.connect() as conn:
        bump_data_version(conn)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(groups, "has_current_snapshot", lambda *_, **__: False)
            return _figures_on(conn, scope)


def _figures_on(conn, scope: Scope) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "portfolio": portfolio(conn, as_of=AS_OF, scope=scope, config=CONFIG),
        "series": portfolio_series(conn, dates=month_ends_until(AS_OF, 4), scope=scope, config=CONFIG),
        "roll": roll_rate_series(conn, months=MONTHS, scope=scope, config=CONFIG),
        "staff": officer_scores(conn, as_of=AS_OF, scope=scope, config=CONFIG),
        # A cut-off inside the book: the loans disbursed by then are taken out of the groups.
        "staff_after_cutoff": officer_scores(conn, as_of=AS_OF, scope=scope, config=CONFIG, cutoff=CUTOFF),
        **{
            by: portfolio_by(conn, as_of=AS_OF, scope=scope, config=CONFIG, by=by).to_dict("records")
            for by in ("branch_id", "product_id", "channel_id")
        },
    }


def _scopes(engine: Engine) -> list[Scope]:
    officer, branch = _officer_and_branch(engine)
    return [
        Scope(),
        Scope(branch_id=branch),
        Scope(product_id="P01"),
        Scope(channel_id="CH03"),
        Scope(officer_id=officer),
        Scope(actor=Actor("boss", "manager", branch_id=branch)),
        Scope(actor=Actor("o", "officer", staff_id=officer), product_id="P01"),
    ]


def test_figures_from_the_groups_equal_the_figures_computed_live(refreshed: Engine) -> None:
    for scope in _scopes(refreshed):
        with refreshed.connect() as conn:
            assert groups.usable(conn, dates=DATES, scope=scope) is not None, scope
            assert from_roll_groups(conn, pairs=PAIRS, scope=scope) is not None, scope
        grouped = _figures(refreshed, scope)
        assert grouped == _live_figures(refreshed, scope), scope
    everything = _figures(refreshed, Scope())
    assert everything["portfolio"].active_loans > 0  # type: ignore[attr-defined]
    before, after = everything["staff"], everything["staff_after_cutoff"]
    assert 0 < sum(o.active_loans for o in after) < sum(o.active_loans for o in before)  # type: ignore[attr-defined]
    assert everything["series"][-1] == everything["portfolio"]  # type: ignore[index]


def test_collectors_and_agencies_are_not_answered_from_the_groups(refreshed: Engine) -> None:
    with refreshed.connect() as conn:
        collector = conn.execute(select(Staff.staff_id).where(Staff.role == "collector")).scalar_one_or_none()
        for actor in (Actor("c", "collector", staff_id=collector), Actor("a", "agency", agency_id="AG01")):
            assert groups.usable(conn, dates=DATES, scope=Scope(actor=actor)) is None
            assert from_roll_groups(conn, pairs=PAIRS, scope=Scope(actor=actor)) is None
        # Nor a date without a current snapshot.
        assert groups.usable(conn, dates=[date(2026, 10, 30)], scope=Scope()) is None


def _group_totals(engine: Engine) -> dict[tuple[object, ...], tuple[int, int, int]]:
    """Net sums per key and date, keys that sum to nothing left out."""
    g = SnapshotGroup
    key = (g.as_of, g.branch_id, g.product_id, g.channel_id, g.officer_id, g.first_due, g.override_rank)
    with engine.connect() as conn:
        rows = conn.execute(
            select(*key, func.sum(g.loans), func.sum(g.op_cents), func.sum(g.overdue_cents)).group_by(*key)
        ).all()
    return {tuple(row[:7]): tuple(int(v) for v in row[7:]) for row in rows if any(row[7:])}  # type: ignore[misc]


def test_the_groups_sum_the_active_snapshot_rows_of_each_date(refreshed: Engine) -> None:
    s = LoanStateSnapshot
    with refreshed.connect() as conn:
        snapshot = conn.execute(
            select(s.as_of, func.count(), func.sum(s.op_cents), func.sum(s.overdue_cents))
            .where(s.active == 1)
            .group_by(s.as_of)
        ).all()
    by_date: dict[date, list[int]] = {}
    for (as_of, *_), sums in _group_totals(refreshed).items():
        totals = by_date.setdefault(as_of, [0, 0, 0])  # type: ignore[arg-type]
        for i, value in enumerate(sums):
            totals[i] += value
    assert by_date == {as_of: [count, int(op), int(overdue)] for as_of, count, op, overdue in snapshot}
    assert len(by_date) == len(DATES)


def _repayment_and_override(engine: Engine, tmp_path: Path) -> dict[str, Path]:
    """A payment of an overdue loan's oldest instalment, and an override of another loan to loss."""
    with engine.connect() as conn:
        s = LoanStateSnapshot
        late = conn.execute(
            select(s.loan_id, s.first_due)
            .where(s.as_of == AS_OF, s.active == 1, s.first_due.is_not(None))
            .order_by(s.loan_id)
        ).all()
        staff_id = conn.execute(select(Staff.staff_id).order_by(Staff.staff_id)).scalars().first()
    (paid_loan, due), (bad_loan, _) = late[0], late[1]
    repayments = tmp_path / "repayments.csv"
    repayments.write_text(
        "repayment_id,loan_id,instalment_no,paid_on,principal_paid,interest_paid\n"
        f"GROUPS-1,{paid_loan},,2026-10-20,500.00,0\n",
        encoding="utf-8",
    )
    overrides = tmp_path / "classification_overrides.csv"
    overrides.write_text(
        f"loan_id,effective_on,classification,reason,staff_id\n{bad_loan},2026-09-15,loss,test,{staff_id}\n",
        encoding="utf-8",
    )
    assert due is not None
    return {"repayments.csv": repayments, "classification_overrides.csv": overrides}


def test_a_small_import_keeps_the_groups_equal_to_a_rebuild(refreshed: Engine, tmp_path: Path) -> None:
    before = _group_totals(refreshed)
    import_files(refreshed, _repayment_and_override(refreshed, tmp_path))
    kept = _group_totals(refreshed)
    assert kept != before
    with refreshed.connect() as conn:
        # The override reaches back to 15 September: the months ending from then on lost their roll groups.
        assert from_roll_groups(conn, pairs=PAIRS[:1], scope=Scope()) is not None
        assert from_roll_groups(conn, pairs=PAIRS[1:], scope=Scope()) is None
    assert _figures(refreshed, Scope()) == _live_figures(refreshed, Scope())
    with refreshed.begin() as conn:
        groups.rebuild_all(conn)
        assert build_roll_groups(conn) == [d for d in DATES if d == month_end(d.year, d.month)][1:]
        assert from_roll_groups(conn, pairs=PAIRS, scope=Scope()) is not None
    assert kept == _group_totals(refreshed)
    assert _figures(refreshed, Scope()) == _live_figures(refreshed, Scope())


def test_a_change_reaching_a_month_end_puts_its_roll_groups_out_of_date(refreshed: Engine) -> None:
    with refreshed.begin() as conn:
        bump_data_version(conn, affects_from=date(2026, 9, 1))
        assert from_roll_groups(conn, pairs=PAIRS[:1], scope=Scope()) is not None
        assert from_roll_groups(conn, pairs=PAIRS[1:2], scope=Scope()) is None
        assert build_roll_groups(conn) == []  # its snapshots are out of date too: nothing to build from


def _loans_csv(engine: Engine, tmp_path: Path, loan_id: str, **changes: object) -> Path:
    spec = SPECS["loans"]
    with engine.connect() as conn:
        row = dict(conn.execute(select(Loan.__table__).where(Loan.loan_id == loan_id)).mappings().one())
    row.update(changes)
    path = tmp_path / "loans.csv"
    cells = ["" if row[name] is None else str(row[name]) for name in spec.names]
    path.write_text(",".join(spec.names) + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    return path


def test_an_import_moving_a_loan_to_another_officer_rebuilds_the_groups(
    refreshed: Engine, tmp_path: Path
) -> None:
    with refreshed.connect() as conn:
        loan_id, officer = conn.execute(
            select(LoanStateSnapshot.loan_id, Loan.officer_id)
            .join(Loan, Loan.loan_id == LoanStateSnapshot.loan_id)
            .where(LoanStateSnapshot.as_of == AS_OF, LoanStateSnapshot.active == 1)
            .order_by(LoanStateSnapshot.loan_id)
        ).first()  # type: ignore[misc]
        other = (
            conn.execute(
                select(Staff.staff_id).where(Staff.role == "account_officer", Staff.staff_id != officer)
            )
            .scalars()
            .first()
        )
    scope = Scope(officer_id=other)
    before = _figures(refreshed, scope)["portfolio"]
    import_files(refreshed, {"loans.csv": _loans_csv(refreshed, tmp_path, loan_id, officer_id=other)})
    after = _figures(refreshed, scope)
    assert after["portfolio"].active_loans == before.active_loans + 1  # type: ignore[attr-defined]
    assert after == _live_figures(refreshed, scope)
    with refreshed.connect() as conn:
        assert groups.usable(conn, dates=DATES, scope=scope) is not None


def test_refresh_rebuilds_a_dates_groups_and_prune_drops_them(refreshed: Engine) -> None:
    extra = date(2026, 10, 28)
    rows = select(func.count()).select_from(SnapshotGroup).where(SnapshotGroup.as_of == extra)
    with refreshed.begin() as conn:
        refresh(conn, dates=[extra])
        once = conn.execute(rows).scalar_one()
        refresh(conn, dates=[extra])
        assert conn.execute(rows).scalar_one() == once > 0
        prune(conn, keep=default_dates(AS_OF, weeks=2))
        kept = set(conn.execute(select(SnapshotDate.as_of)).scalars())
        grouped = set(conn.execute(select(SnapshotGroup.as_of).distinct()).scalars())
    assert grouped == kept
    assert extra not in kept
