"""Overdue lists and collectors' daily task lists (DOMAIN section 3, rules 1, 2 and 11).

Each overdue loan comes with its last action, last contact, lost-contact run, agency and collector,
the breaches of rule 2, and the next action the rules require (dashboard.kpi.tasks.next_action, the one
definition the task lists use too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, ScalarSelect, Select, Subquery, and_, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql.elements import ColumnElement

from dashboard.config import Config
from dashboard.kpi.money import yuan
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import bucket_name, class_name, has_current_snapshot, loan_state
from dashboard.kpi.tasks import ActionFacts, action_facts, next_action
from db.models import Agency, CollectionAction, CollectorAssignment, Placement, Staff
from db.models.enums import COLLECTOR_ROLES
from db.sqlfuncs import as_date, cents, days_between

# Results that mean somebody was reached: the borrower or a contact answered.
CONTACTED = ("connected", "ptp", "refused", "paid")

LIST_COLUMNS = [
    "loan_id",
    "dpd",
    "bucket",
    "classification",
    "overdue_amount",
    "outstanding_principal",
    "officer",
    "agency",
    "collector",
    "last_action_on",
    "last_channel",
    "last_result",
    "days_since_contact",
    "lost_contact_since",
    "lost_contact_days",
    "field_visited",
    "big_no_visit",
    "not_placed",
    "lost_no_visit",
    "next_action",
    "collector_id",  # not for display: picks a collector's task list out of a complete list
]


def _end_of(as_of: date) -> datetime:
    """Actions count when acted_at is before the next midnight: 'as at the end of day D'."""
    return datetime.combine(as_of + timedelta(days=1), time())


def _actions(as_of: date, loan_ids: Select[tuple[str]] | None) -> Subquery:
    """Per loan: last action (channel, result, when), last contact and last field visit, up to D.

    One grouped pass over the loans' actions gives the dates; the last action's channel and result and the
    start of the lost-contact run are then looked up per loan on the (loan_id, acted_at) index. Sorting or
    joining every action again for them cost several times as much (bench/RESULTS.md).
    Given `loan_ids`, only for those: the index then spares a scan of every action."""
    a = CollectionAction
    end = _end_of(as_of)
    wanted = a.acted_at < end
    if loan_ids is not None:
        wanted = and_(wanted, a.loan_id.in_(loan_ids))
    summary = (
        select(
            a.loan_id,
            func.max(a.acted_at).label("last_action_at"),
            func.max(case((a.result.in_(CONTACTED), a.acted_at))).label("last_contact_at"),
            func.max(case((a.result != "lost_contact", a.acted_at))).label("last_other_at"),
            func.max(case((a.channel == "field_visit", a.acted_at))).label("last_field_visit_at"),
        )
        .where(wanted)
        .group_by(a.loan_id)
        .subquery("summary")
    )
    last = aliased(CollectionAction)

    def of_last_action(column: InstrumentedAttribute[str]) -> ScalarSelect[str]:
        # Two actions at the same moment: the later-recorded (higher action_id) is the last.
        return (
            select(column)
            .where(last.loan_id == summary.c.loan_id, last.acted_at == summary.c.last_action_at)
            .order_by(last.action_id.desc())
            .limit(1)
            .scalar_subquery()
        )

    # The lost-contact run: lost_contact results after the last result of any other kind.
    in_run = [last.loan_id == summary.c.loan_id, last.result == "lost_contact", last.acted_at < end]
    run_start = select(func.min(last.acted_at))
    lost_since = case(
        (summary.c.last_other_at.is_(None), run_start.where(*in_run).scalar_subquery()),
        (
            summary.c.last_action_at > summary.c.last_other_at,
            run_start.where(*in_run, last.acted_at > summary.c.last_other_at).scalar_subquery(),
        ),
    )
    return select(
        summary.c.loan_id,
        summary.c.last_action_at,
        of_last_action(last.channel).label("last_channel"),
        of_last_action(last.result).label("last_result"),
        summary.c.last_contact_at,
        summary.c.last_field_visit_at,
        lost_since.label("lost_since"),
    ).subquery("actions")


def _placed(as_of: date) -> Subquery:
    p = Placement
    return (
        select(p.loan_id, func.min(p.agency_id).label("agency_id"))
        .where(p.placed_on <= as_of, or_(p.recalled_on.is_(None), p.recalled_on > as_of))
        .group_by(p.loan_id)
        .subquery("placed")
    )


def _assigned(as_of: date) -> Subquery:
    a = CollectorAssignment
    return (
        select(a.loan_id, func.min(a.staff_id).label("collector_id"))
        .where(a.assigned_on <= as_of, or_(a.ended_on.is_(None), a.ended_on > as_of))  # exclusive: DOMAIN 5
        .group_by(a.loan_id)
        .subquery("assigned")
    )


def _overdue_rows(conn: Connection, as_of: date, scope: Scope, config: Config) -> Subquery:
    """Every overdue loan at D with what it needs for the list, the breaches as 0/1 columns."""
    state = loan_state(as_of, scope, config, past_due=True, conn=conn)
    overdue = state.c.dpd > 0
    # Restricting the actions to the overdue loans pays only when their state is read from a snapshot:
    # computed live, the state would be computed again inside the IN.
    fresh = has_current_snapshot(conn, as_of=as_of)
    actions = _actions(as_of, select(state.c.loan_id).where(overdue) if fresh else None)
    placed, assigned = _placed(as_of), _assigned(as_of)
    threshold = cents(literal(config.field_visit_amount))
    big = or_(state.c.overdue_cents >= threshold, state.c.op_cents >= threshold)
    visited = and_(
        actions.c.last_field_visit_at.is_not(None),
        as_date(actions.c.last_field_visit_at) >= state.c.first_due,
    )
    lost_days = days_between(literal(as_of), as_date(actions.c.lost_since))
    lost_too_long = and_(actions.c.lost_since.is_not(None), lost_days >= config.lost_contact_days)

    def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return case((condition, 1), else_=0)

    return (
        select(
            state.c.loan_id,
            state.c.dpd,
            state.c.bucket_ix,
            state.c.class_ix,
            state.c.overdue_cents,
            state.c.op_cents,
            state.c.officer_id,
            actions.c.last_action_at,
            actions.c.last_channel,
            actions.c.last_result,
            actions.c.last_contact_at,
            actions.c.lost_since,
            placed.c.agency_id,
            assigned.c.collector_id,
            flag(visited).label("field_visited"),
            flag(and_(big, ~visited)).label("big_no_visit"),
            flag(and_(state.c.dpd > config.agency_after_dpd, placed.c.agency_id.is_(None))).label(
                "not_placed"
            ),
            flag(and_(lost_too_long, ~visited)).label("lost_no_visit"),
        )
        .outerjoin(actions, actions.c.loan_id == state.c.loan_id)
        .outerjoin(placed, placed.c.loan_id == state.c.loan_id)
        .outerjoin(assigned, assigned.c.loan_id == state.c.loan_id)
        .where(overdue)
        .subquery("overdue")
    )


@dataclass(frozen=True)
class OverdueCounts:
    overdue: int
    big_no_visit: int
    not_placed: int
    lost_no_visit: int


def overdue_counts(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> OverdueCounts:
    rows = _overdue_rows(conn, as_of, scope, config)
    total, big, not_placed, lost = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(rows.c.big_no_visit), 0),
            func.coalesce(func.sum(rows.c.not_placed), 0),
            func.coalesce(func.sum(rows.c.lost_no_visit), 0),
        )
    ).one()
    return OverdueCounts(int(total), int(big), int(not_placed), int(lost))


def _day(value: datetime | str | None) -> date | None:
    """SQLite hands back datetime text from a subquery; PostgreSQL a datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date()


def overdue_list(
    conn: Connection,
    *,
    as_of: date,
    scope: Scope,
    config: Config,
    collector_id: str | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """Overdue loans at D, worst first (DPD, then overdue amount), with LIST_COLUMNS.

    Given a collector, only the loans assigned to them at D: their daily task list."""
    rows = _overdue_rows(conn, as_of, scope, config)
    officer, collector = Staff.__table__.alias("officer"), Staff.__table__.alias("collector")
    query = (
        select(
            rows, officer.c.name.label("officer_name"), collector.c.name.label("collector_name"), Agency.name
        )
        .outerjoin(officer, officer.c.staff_id == rows.c.officer_id)
        .outerjoin(collector, collector.c.staff_id == rows.c.collector_id)
        .outerjoin(Agency, Agency.agency_id == rows.c.agency_id)
        .order_by(rows.c.dpd.desc(), rows.c.overdue_cents.desc(), rows.c.loan_id)
        .limit(limit)
    )
    if collector_id is not None:
        query = query.where(rows.c.collector_id == collector_id)
    fetched = conn.execute(query).mappings().all()
    facts = action_facts(conn, loans=[r["loan_id"] for r in fetched], as_of=as_of, config=config)
    nothing = ActionFacts()
    records = []
    for r in fetched:
        fact = facts.get(r["loan_id"], nothing)
        lost_since = _day(r["lost_since"])
        lost_days = (as_of - lost_since).days if lost_since else None
        last_contact = _day(r["last_contact_at"])
        overdue, outstanding = yuan(r["overdue_cents"]), yuan(r["op_cents"])
        records.append(
            (
                r["loan_id"],
                r["dpd"],
                bucket_name(r["bucket_ix"]),
                class_name(r["class_ix"]),
                overdue,
                outstanding,
                r["officer_name"] or r["officer_id"],
                r["name"],
                r["collector_name"],
                _day(r["last_action_at"]),
                r["last_channel"],
                r["last_result"],
                (as_of - last_contact).days if last_contact else None,
                lost_since,
                lost_days,
                bool(r["field_visited"]),
                bool(r["big_no_visit"]),
                bool(r["not_placed"]),
                bool(r["lost_no_visit"]),
                next_action(
                    as_of=as_of,
                    dpd=int(r["dpd"]),
                    class_ix=r["class_ix"],
                    overdue_amount=overdue,
                    outstanding=outstanding,
                    placed=r["agency_id"] is not None,
                    lost_on=fact.lost_on,
                    last_visit=fact.last_visit,
                    last_repair=fact.last_repair,
                    config=config,
                ),
                r["collector_id"],
            )
        )
    return pd.DataFrame(records, columns=LIST_COLUMNS)


def counts_of(frame: pd.DataFrame) -> OverdueCounts:
    """overdue_counts from a complete overdue_list of the same date and scope (fewer rows than its
    limit): the same rows, so the same figures, without building the overdue rows a second time."""
    return OverdueCounts(
        len(frame),
        int(frame["big_no_visit"].sum()),
        int(frame["not_placed"].sum()),
        int(frame["lost_no_visit"].sum()),
    )


def tasks_of(frame: pd.DataFrame, collector_id: str) -> pd.DataFrame:
    """A collector's task list out of a complete overdue_list: the rows overdue_list(collector_id=...)
    returns, in the same order."""
    return frame[frame["collector_id"] == collector_id].reset_index(drop=True)


def collectors(conn: Connection, *, as_of: date, scope: Scope) -> pd.DataFrame:
    """Collectors with loans in scope assigned to them at D: staff_id, name, role, loans."""
    a = CollectorAssignment
    rows = conn.execute(
        select(a.staff_id, Staff.name, Staff.role, func.count(func.distinct(a.loan_id)))
        .join(Staff, Staff.staff_id == a.staff_id)
        .where(
            Staff.role.in_(COLLECTOR_ROLES),
            a.assigned_on <= as_of,
            or_(a.ended_on.is_(None), a.ended_on > as_of),
            a.loan_id.in_(scope.loan_ids()),
        )
        .group_by(a.staff_id, Staff.name, Staff.role)
        .order_by(a.staff_id)
    ).all()
    return pd.DataFrame(rows, columns=["staff_id", "name", "role", "loans"])
