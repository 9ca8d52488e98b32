"""The weekly review (DOMAIN section 1, 周例会): what changed between last Sunday and this one.

Both loan states are computed once and folded per loan, so the whole week costs two `loan_state` evaluations
(cheap when the Sundays have snapshots). Only loans overdue at either date or newly NPL come back,
and the per-branch / per-officer movers are summed from those rows: no other loan can move the
overdue balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, Subquery, and_, case, func, literal, or_, select, union, union_all
from sqlalchemy.sql.elements import ColumnElement

from dashboard.config import Config
from dashboard.kpi.agencies import AgencyScore, agency_scores
from dashboard.kpi.inspections import FirstChecks, first_checks, pending_first_checks
from dashboard.kpi.migration import MonthMigration, month_migration
from dashboard.kpi.money import yuan
from dashboard.kpi.portfolio import Portfolio, portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import NPL_RANK, bucket_name, class_name, has_current_snapshot, loan_state
from db.models import ClassificationOverride, Issue, Loan, LoanStateSnapshot
from db.models.enums import CLASSES

# The first-check backlog looks back this far, like the overview page.
BACKLOG_DAYS = 90
# The most loans a list of the review holds.
LIMIT = 5000
LOAN_COLUMNS = ["loan_id", "branch_id", "officer_id"]


@dataclass(frozen=True)
class WeekChanges:
    entered_m1: pd.DataFrame
    cures: pd.DataFrame
    new_npls: pd.DataFrame
    movers_by_branch: pd.DataFrame
    movers_by_officer: pd.DataFrame


@dataclass(frozen=True)
class WeekCounts:
    """The count tiles of a week's review."""

    entered_m1: int
    cures: int
    new_npls: int
    open_issues: int
    backlog: int

    def minus(self, other: WeekCounts) -> WeekCounts:
        return WeekCounts(
            self.entered_m1 - other.entered_m1,
            self.cures - other.cures,
            self.new_npls - other.new_npls,
            self.open_issues - other.open_issues,
            self.backlog - other.backlog,
        )


@dataclass(frozen=True)
class WeeklyReview:
    monday: date
    before: date  # the Sunday before the week
    end: date  # min(this Sunday, as-of)
    now: Portfolio
    previous: Portfolio
    changes: WeekChanges
    counts_before: WeekCounts  # the week before's count tiles
    open_issues: pd.DataFrame
    first_checks: FirstChecks
    backlog: pd.DataFrame
    agencies: list[AgencyScore]
    # The class migration of the month the week ends in, from its start to the week's end (issue 15).
    migration: MonthMigration

    @property
    def counts(self) -> WeekCounts:
        return WeekCounts(
            len(self.changes.entered_m1),
            len(self.changes.cures),
            len(self.changes.new_npls),
            len(self.open_issues),
            len(self.backlog),
        )


def week_bounds(monday: date, as_of: date) -> tuple[date, date]:
    """(the Sunday before the week, min(the week's Sunday, as_of))."""
    return monday - timedelta(days=1), min(monday + timedelta(days=6), as_of)


def week_changes(
    conn: Connection, *, before: date, after: date, scope: Scope, config: Config, limit: int = LIMIT
) -> WeekChanges:
    """Loans entering M1, cures and new NPLs between two dates, and the overdue-balance movers."""
    return _changes(_fold(conn, [before, after], scope, config), 0, 1, limit)


def _fold(conn: Connection, dates: list[date], scope: Scope, config: Config) -> pd.DataFrame:
    """Each loan's state at consecutive dates, one row per loan that changed in any of the date pairs
    (columns `<name>_<i>` for the i-th date). Folding three dates at once costs less than two pairs."""
    # The states are stacked and folded per loan (UNION ALL + GROUP BY) rather than outer-joined:
    # SQLite plans a join of two snapshot subqueries as a nested scan.
    candidates = _candidates(conn, dates)
    stacked = union_all(
        *(
            _tagged(loan_state(d, scope, config, active_only=i == 0, among=candidates, conn=conn), i, d)
            for i, d in enumerate(dates)
        )
    ).subquery("stacked")
    u = stacked.c

    def at(tag: int, column: ColumnElement[int], *, if_active: bool = False) -> ColumnElement[int]:
        when = and_(u.tag == tag, u.active == 1) if if_active else u.tag == tag
        return func.coalesce(func.max(case((when, column))), 0)

    columns: dict[str, ColumnElement[int]] = {}
    changed = []
    for i in range(len(dates)):
        # A date in the role of "before" counts only the loans active then (the first date holds no others).
        columns |= {
            f"active_{i}": at(i, u.active),
            f"bucket_{i}": at(i, u.bucket_ix),
            f"class_{i}": at(i, u.class_ix),
            f"was_bucket_{i}": at(i, u.bucket_ix, if_active=True),
            f"was_class_{i}": at(i, u.class_ix, if_active=True),
            f"op_{i}": at(i, u.op_cents),
            f"dpd_{i}": at(i, u.dpd),
            f"overdue_{i}": at(i, u.overdue_cents),
            f"not_written_off_{i}": at(i, u.not_written_off),
        }
    for i in range(1, len(dates)):
        was_bucket, was_class = columns[f"was_bucket_{i - 1}"], columns[f"was_class_{i - 1}"]
        now_active, now_bucket, now_class = (
            columns[f"active_{i}"],
            columns[f"bucket_{i}"],
            columns[f"class_{i}"],
        )
        changed += [
            was_bucket > 0,
            and_(now_active == 1, now_bucket > 0),
            and_(now_active == 1, now_class >= NPL_RANK, was_class < NPL_RANK),
        ]
    rows = conn.execute(
        select(
            u.loan_id,
            func.max(u.branch_id),
            func.max(u.officer_id),
            *(column.label(name) for name, column in columns.items()),
        )
        .group_by(u.loan_id)
        .having(or_(*changed))
        .order_by(u.loan_id)
    ).all()
    return pd.DataFrame(rows, columns=[*LOAN_COLUMNS, *columns])


def _changes(fold: pd.DataFrame, was: int, now: int, limit: int) -> WeekChanges:
    """The week's changes between the fold's dates number `was` and `now`."""
    active = fold[f"active_{now}"] == 1
    frame = pd.DataFrame(
        {
            **{name: fold[name] for name in LOAN_COLUMNS},
            "bucket_before": fold[f"was_bucket_{was}"],
            "class_before": fold[f"was_class_{was}"],
            "op_before": fold[f"op_{was}"].where(fold[f"active_{was}"] == 1, 0),
            "dpd_before": fold[f"dpd_{was}"].where(fold[f"active_{was}"] == 1, 0),
            "active": fold[f"active_{now}"],
            "bucket_now": fold[f"bucket_{now}"],
            "class_now": fold[f"class_{now}"],
            "op_now": fold[f"op_{now}"],
            "dpd_now": fold[f"dpd_{now}"],
            "overdue_now": fold[f"overdue_{now}"],
            "not_written_off": fold[f"not_written_off_{now}"],
        }
    )
    entered = frame[active & (frame["bucket_now"] == 1) & (frame["bucket_before"] == 0)]
    cured = frame[
        (frame["bucket_before"] > 0)
        & ((active & (frame["bucket_now"] == 0)) | (~active & (frame["not_written_off"] == 1)))
    ]
    npl = frame[active & (frame["class_now"] >= NPL_RANK) & (frame["class_before"] < NPL_RANK)]
    return WeekChanges(
        entered_m1=_loans(
            entered.sort_values(["op_now", "loan_id"], ascending=[False, True]),
            {"dpd_now": "dpd", "op_now": "outstanding_principal", "overdue_now": "overdue_amount"},
            limit,
        ),
        cures=_loans(
            cured.assign(
                bucket_before=cured["bucket_before"].map(bucket_name),
                repaid=cured["active"] == 0,
            ).sort_values(["op_before", "loan_id"], ascending=[False, True]),
            {
                "bucket_before": "bucket_before",
                "dpd_before": "dpd_before",
                "op_before": "op_before",
                "repaid": "repaid",
            },
            limit,
        ),
        new_npls=_loans(
            npl.assign(
                class_before=npl["class_before"].map(class_name), class_now=npl["class_now"].map(class_name)
            ).sort_values(["op_now", "loan_id"], ascending=[False, True]),
            {
                "class_before": "class_before",
                "class_now": "class_now",
                "dpd_now": "dpd",
                "op_now": "outstanding_principal",
            },
            limit,
        ),
        movers_by_branch=_movers(frame, "branch_id"),
        movers_by_officer=_movers(frame, "officer_id"),
    )


def _candidates(conn: Connection, dates: list[date]) -> Select[tuple[str]] | None:
    """When every date has a current snapshot: the loans past due at one of them (a partial index holds
    those rows), and those with an override to NPL. Only those can enter M1, cure or turn NPL, and folding
    them alone spares folding the whole book (at a million loans, a few per cent of the rows)."""
    if not all(has_current_snapshot(conn, as_of=d) for d in dates):
        return None
    s = LoanStateSnapshot
    past_due = select(s.loan_id).where(s.as_of.in_(dates), s.first_due.is_not(None))
    overridden = select(ClassificationOverride.loan_id).where(
        ClassificationOverride.classification.in_(CLASSES[NPL_RANK:]),
        ClassificationOverride.effective_on <= max(dates),
    )
    return select(union(past_due, overridden).subquery().c.loan_id)


def _tagged(state: Subquery, tag: int, as_of: date) -> Select[Any]:
    c = state.c
    not_written_off = case((or_(c.written_off_on.is_(None), c.written_off_on > as_of), 1), else_=0)
    return select(
        literal(tag).label("tag"),
        c.loan_id,
        c.branch_id,
        c.officer_id,
        c.active,
        c.bucket_ix,
        c.class_ix,
        c.op_cents,
        c.dpd,
        c.overdue_cents,
        not_written_off.label("not_written_off"),
    )


def _loans(rows: pd.DataFrame, columns: dict[str, str], limit: int) -> pd.DataFrame:
    picked = rows[[*LOAN_COLUMNS, *columns]].rename(columns=columns).head(limit).reset_index(drop=True)
    for name in ("outstanding_principal", "overdue_amount", "op_before"):
        if name in picked:
            picked[name] = [yuan(v) for v in picked[name]]
    return picked


def _movers(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Overdue balance (Σ OP with DPD > 0) per key at both dates, the biggest change first."""
    before = frame["op_before"].where(frame["bucket_before"] > 0, 0)
    after = frame["op_now"].where((frame["active"] == 1) & (frame["bucket_now"] > 0), 0)
    sums = (
        pd.DataFrame({key: frame[key], "before": before.astype("int64"), "after": after.astype("int64")})
        .groupby(key, as_index=False)
        .sum()
    )
    sums["change"] = sums["after"] - sums["before"]
    sums = sums[(sums["before"] != 0) | (sums["after"] != 0)]
    sums = sums.assign(size=sums["change"].abs()).sort_values(["size", key], ascending=[False, True])
    return pd.DataFrame(
        {
            key: sums[key].tolist(),
            "overdue_before": [yuan(v) for v in sums["before"]],
            "overdue_after": [yuan(v) for v in sums["after"]],
            "change": [yuan(v) for v in sums["change"]],
        }
    )


def open_serious_issues(conn: Connection, *, as_of: date, scope: Scope, limit: int = 5000) -> pd.DataFrame:
    """Important and major issues raised by as_of and not resolved by then: major first (they go onto the
    review at once, seed 004 六(二)3), then the oldest."""
    rows = conn.execute(
        select(
            Issue.issue_id,
            Issue.loan_id,
            Loan.officer_id,
            Issue.severity,
            Issue.raised_on,
            Issue.reported_on,
            Issue.description,
        )
        .join(Loan, Loan.loan_id == Issue.loan_id)
        .where(
            Issue.severity.in_(("important", "major")),
            Issue.raised_on <= as_of,
            or_(Issue.resolved_on.is_(None), Issue.resolved_on > as_of),
            scope.condition(),
        )
        .order_by(case((Issue.severity == "major", 0), else_=1), Issue.raised_on, Issue.issue_id)
        .limit(limit)
    ).all()
    frame = pd.DataFrame(
        rows,
        columns=["issue_id", "loan_id", "officer_id", "severity", "raised_on", "reported_on", "description"],
    )
    frame.insert(6, "days_open", [(as_of - raised).days for raised in frame["raised_on"]])
    return frame


def _backlog(conn: Connection, end: date, scope: Scope, config: Config) -> pd.DataFrame:
    return pending_first_checks(
        conn, start=end - timedelta(days=BACKLOG_DAYS), end=end, as_of=end, scope=scope, config=config
    )


def week_counts(conn: Connection, *, monday: date, as_of: date, scope: Scope, config: Config) -> WeekCounts:
    """The count tiles of the week starting on `monday`: what weekly_review(...).counts gives, without the
    portfolios, first checks and agencies."""
    before, end = week_bounds(monday, as_of)
    return _counts(
        conn, week_changes(conn, before=before, after=end, scope=scope, config=config), end, scope, config
    )


def _counts(conn: Connection, changes: WeekChanges, end: date, scope: Scope, config: Config) -> WeekCounts:
    return WeekCounts(
        len(changes.entered_m1),
        len(changes.cures),
        len(changes.new_npls),
        len(open_serious_issues(conn, as_of=end, scope=scope)),
        len(_backlog(conn, end, scope, config)),
    )


def weekly_review(
    conn: Connection, *, monday: date, as_of: date, scope: Scope, config: Config
) -> WeeklyReview:
    """Everything the weekly page and its review pack show, for the week starting on `monday`, with the
    week before's count tiles to compare against."""
    before, end = week_bounds(monday, as_of)
    # The week before ends on `before`; its changes come from the same fold as this week's.
    fold = _fold(conn, [before - timedelta(weeks=1), before, end], scope, config)
    return WeeklyReview(
        monday=monday,
        before=before,
        end=end,
        now=portfolio(conn, as_of=end, scope=scope, config=config),
        previous=portfolio(conn, as_of=before, scope=scope, config=config),
        changes=_changes(fold, 1, 2, LIMIT),
        counts_before=_counts(conn, _changes(fold, 0, 1, LIMIT), before, scope, config),
        open_issues=open_serious_issues(conn, as_of=end, scope=scope),
        first_checks=first_checks(conn, start=monday, end=end, as_of=end, scope=scope, config=config),
        backlog=_backlog(conn, end, scope, config),
        agencies=sorted(
            agency_scores(conn, start=monday, end=end, as_of=end, scope=scope),
            key=lambda s: (s.recovery_rate is None, -(s.recovery_rate or 0), s.agency_id),
        ),
        migration=month_migration(
            conn, year=end.year, month=end.month, as_of=end, scope=scope, config=config
        ),
    )
