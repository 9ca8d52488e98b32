"""Allocation proposals by the rules (DOMAIN section 3, rules 1 and 2; issue 16): for each overdue loan at D,
where the rules want it that it is not yet.

- `preservation`: over 90 DPD or doubtful or worse, not with an asset preservation officer → the asset
  preservation officer with the fewest open cases. Legal action (rule 1) is the asset preservation post's
  work (seed 002, Wuhan rules 四(2)): the proposal is a collector assignment to that post, which hands the
  loan over from its phone collector on the day it is accepted.
- `agency_31`: over `agency_after_dpd` DPD and not placed → an agency.
- `agency_visits`: up to that, not placed, and two field visits that reached nobody since it fell due
  (results `no_answer` or `lost_contact`) → an agency early (rule 2).
- `phone`: 1 to 30 DPD with no collector → the phone collector with the fewest open cases.

Collectors are chosen among those of the loan's branch or a branch above it, when there are any.

Loans placed or assigned since D (from a later day) count as placed or assigned: actions take effect on
the day they are made, usually after the data date, and are not proposed again.

A loan over 90 DPD and not placed gets two proposals (asset preservation and an agency): a placement and an
assignment are separate holdings. Agencies share the loans in proportion to their recovery rate over the
three months to D, less what they already hold: each loan goes to the agency with the lowest
(open cases + 1) / weight, the weight being the rate (at least 1%; 1 for all when none has a rate).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Row, and_, case, func, or_, select

from dashboard.config import Config
from dashboard.kpi.agencies import agency_scores
from dashboard.kpi.money import yuan
from dashboard.kpi.periods import shift_months
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models import Agency, Branch, CollectionAction, CollectorAssignment, Placement, Staff
from db.models.enums import CLASSES

RULES = ("preservation", "agency_31", "agency_visits", "phone")
FAILED_VISIT_RESULTS = ("no_answer", "lost_contact")
FAILED_VISITS = 2
COLUMNS = ["loan_id", "dpd", "overdue_amount", "rule", "kind", "target_id", "target"]
_MIN_WEIGHT = Decimal("0.01")


def proposals(
    conn: Connection, *, as_of: date, scope: Scope, config: Config, limit: int = 5000
) -> pd.DataFrame:
    """One row per proposal (COLUMNS), worst loans first: `kind` is 'agency' or 'collector', `target_id`
    the agency or staff id, `target` its name. A rule with nobody to hand to proposes nothing."""
    rows = _overdue(conn, as_of, scope, config, limit)
    agencies = _Spread(_agency_weights(conn, as_of), _agency_load(conn, as_of))
    phone = _Spread.even(_collector_load(conn, as_of, "phone_collector"))
    preservers = _Spread.even(_collector_load(conn, as_of, "asset_preservation"))
    names = _names(conn)
    parent = dict(conn.execute(select(Branch.branch_id, Branch.parent_id)).all())
    branch_of = dict(conn.execute(select(Staff.staff_id, Staff.branch_id)).all())
    out = []
    doubtful = CLASSES.index("doubtful")
    for r in rows:
        wanted: list[tuple[str, str, _Spread]] = []
        if (r.dpd > 90 or r.class_ix >= doubtful) and not r.preserved:
            wanted.append(("preservation", "collector", preservers))
        if r.agency_id is None and r.dpd > config.agency_after_dpd:
            wanted.append(("agency_31", "agency", agencies))
        elif r.agency_id is None and r.failed_visits >= FAILED_VISITS:
            wanted.append(("agency_visits", "agency", agencies))
        if r.dpd <= config.agency_after_dpd and r.collector_id is None and r.class_ix < doubtful:
            wanted.append(("phone", "collector", phone))
        # Collectors of the loan's branch or a branch above it, when there are any: a region's collectors
        # work the region's loans. Agencies serve every branch.
        above = _ancestors(r.branch_id, parent)
        local = {s for s, b in branch_of.items() if b in above}
        for rule, kind, spread in wanted:
            target = spread.next(local if kind == "collector" else None)
            if target is not None:
                key = (kind, target)
                out.append(
                    (r.loan_id, r.dpd, yuan(r.overdue_cents), rule, kind, target, names.get(key, target))
                )
    return pd.DataFrame(out, columns=COLUMNS)


def staff_choices(conn: Connection, *, as_of: date, roles: Sequence[str]) -> pd.DataFrame:
    """Staff in these jobs employed at D (joined, not left): staff_id, name, role, open_cases (collector
    assignments holding a loan at D), fewest open cases first: whom work may go to."""
    a = CollectorAssignment
    rows = conn.execute(
        select(Staff.staff_id, Staff.name, Staff.role, func.count(a.assignment_id))
        .outerjoin(
            a,
            and_(
                a.staff_id == Staff.staff_id,
                a.assigned_on <= as_of,
                or_(a.ended_on.is_(None), a.ended_on > as_of),
            ),
        )
        .where(
            Staff.role.in_(roles),
            Staff.joined_on <= as_of,
            or_(Staff.left_on.is_(None), Staff.left_on > as_of),
        )
        .group_by(Staff.staff_id, Staff.name, Staff.role)
        .order_by(func.count(a.assignment_id), Staff.staff_id)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["staff_id", "name", "role", "open_cases"])


def agency_choices(conn: Connection) -> pd.DataFrame:
    """Every agency: agency_id, name."""
    rows = conn.execute(select(Agency.agency_id, Agency.name).order_by(Agency.agency_id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["agency_id", "name"])


class _Spread:
    """Hands out targets one at a time: the lowest (load + 1) / weight, ties by id."""

    def __init__(self, weights: dict[str, Decimal], load: dict[str, int]) -> None:
        self.weights = weights
        self.load = {target: load.get(target, 0) for target in weights}

    @classmethod
    def even(cls, load: dict[str, int]) -> _Spread:
        return cls(dict.fromkeys(load, Decimal(1)), load)

    def next(self, among: set[str] | None = None) -> str | None:
        """The next target, of those `among` when any of them is a target."""
        pool = [t for t in self.weights if among is None or t in among] or list(self.weights)
        if not pool:
            return None
        target = min(pool, key=lambda t: ((self.load[t] + 1) / self.weights[t], t))
        self.load[target] += 1
        return target


def _ancestors(branch_id: str, parent: dict[str, str | None]) -> set[str]:
    found: set[str] = set()
    node: str | None = branch_id
    while node is not None and node not in found:  # the importer refuses loops; stop on one all the same
        found.add(node)
        node = parent.get(node)
    return found


def _overdue(conn: Connection, as_of: date, scope: Scope, config: Config, limit: int) -> Sequence[Row[Any]]:
    state = loan_state(as_of, scope, config, past_due=True, conn=conn)
    p, a, c = Placement, CollectorAssignment, CollectionAction
    # Held at D or from a later day (see the module's docstring).
    placed = (
        select(p.loan_id, func.min(p.agency_id).label("agency_id"))
        .where(or_(p.recalled_on.is_(None), p.recalled_on > as_of))
        .group_by(p.loan_id)
        .subquery("placed")
    )
    preserving = case((Staff.role == "asset_preservation", 1), else_=0)
    assigned = (
        select(a.loan_id, func.min(a.staff_id).label("collector_id"), func.max(preserving).label("preserved"))
        .join(Staff, Staff.staff_id == a.staff_id)
        .where(or_(a.ended_on.is_(None), a.ended_on > as_of))
        .group_by(a.loan_id)
        .subquery("assigned")
    )
    end = datetime.combine(as_of + timedelta(days=1), time())
    failed = (
        select(func.count())
        .where(
            c.loan_id == state.c.loan_id,
            c.channel == "field_visit",
            c.result.in_(FAILED_VISIT_RESULTS),
            c.acted_at >= state.c.first_due,
            c.acted_at < end,
        )
        .scalar_subquery()
    )
    query = (
        select(
            state.c.loan_id,
            state.c.branch_id,
            state.c.dpd,
            state.c.class_ix,
            state.c.overdue_cents,
            placed.c.agency_id,
            assigned.c.collector_id,
            assigned.c.preserved,
            failed.label("failed_visits"),
        )
        .outerjoin(placed, placed.c.loan_id == state.c.loan_id)
        .outerjoin(assigned, assigned.c.loan_id == state.c.loan_id)
        .where(state.c.dpd > 0)
        .order_by(state.c.dpd.desc(), state.c.overdue_cents.desc(), state.c.loan_id)
        .limit(limit)
    )
    return conn.execute(query).all()


def _agency_weights(conn: Connection, as_of: date) -> dict[str, Decimal]:
    scores = agency_scores(
        conn, start=shift_months(as_of, -3) + timedelta(days=1), end=as_of, as_of=as_of, scope=Scope()
    )
    rates = {s.agency_id: s.recovery_rate for s in scores}
    if all(rate is None for rate in rates.values()):
        return dict.fromkeys(rates, Decimal(1))
    return {agency: max(rate or Decimal(0), _MIN_WEIGHT) for agency, rate in rates.items()}


def _agency_load(conn: Connection, as_of: date) -> dict[str, int]:
    p = Placement
    rows = conn.execute(
        select(p.agency_id, func.count())
        .where(p.placed_on <= as_of, or_(p.recalled_on.is_(None), p.recalled_on > as_of))
        .group_by(p.agency_id)
    ).all()
    return {agency: int(n) for agency, n in rows}


def _collector_load(conn: Connection, as_of: date, role: str) -> dict[str, int]:
    """Staff of the role employed at D (joined by then, not left) -> their open cases at D."""
    staff = staff_choices(conn, as_of=as_of, roles=[role])
    return {s: int(n) for s, n in zip(staff["staff_id"], staff["open_cases"], strict=True)}


def _names(conn: Connection) -> dict[tuple[str, str], str]:
    agencies = {("agency", a): n for a, n in conn.execute(select(Agency.agency_id, Agency.name))}
    staff = conn.execute(
        select(Staff.staff_id, Staff.name).where(Staff.role.in_(("phone_collector", "asset_preservation")))
    )
    return agencies | {("collector", s): n for s, n in staff}
