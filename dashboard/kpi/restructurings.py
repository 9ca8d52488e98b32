"""Restructured loans under observation (DOMAIN section 4, "Restructured floor"): how many, their balance, and
those re-defaulted within the observation period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, Subquery, and_, case, func, select

from dashboard.config import Config
from dashboard.kpi.money import yuan
from dashboard.kpi.periods import shift_months
from dashboard.kpi.restructured import observation_months
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models import Restructuring
from db.sqlfuncs import add_months


@dataclass(frozen=True)
class RestructuredFigures:
    """The loans under observation at as_of (restructured, observation period not over), their balance, and
    those re-defaulted: past due at as_of on an instalment falling due on or after the restructuring."""

    as_of: date
    loans: int
    balance: Decimal
    redefaulted: int
    redefaulted_balance: Decimal


def _observed(as_of: date, scope: Scope, config: Config, conn: Connection) -> Subquery:
    """The active loans in scope under observation at as_of, with their latest restructuring day."""
    r = Restructuring
    latest = (
        select(r.loan_id, func.max(r.restructured_on).label("restructured_on"))
        .where(r.restructured_on <= as_of, add_months(r.restructured_on, observation_months()) > as_of)
        .group_by(r.loan_id)
        .subquery("latest_restructuring")
    )
    state = loan_state(as_of, scope, config, among=select(latest.c.loan_id), conn=conn)
    return (
        select(state.c.loan_id, state.c.op_cents, state.c.dpd, state.c.first_due, latest.c.restructured_on)
        .join(latest, latest.c.loan_id == state.c.loan_id)
        .subquery("observed")
    )


def restructured_figures(
    conn: Connection, *, as_of: date, scope: Scope, config: Config
) -> RestructuredFigures:
    observed = _observed(as_of, scope, config, conn)
    redefaulted = and_(observed.c.dpd > 0, observed.c.first_due >= observed.c.restructured_on)
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(observed.c.op_cents), 0),
            func.coalesce(func.sum(case((redefaulted, 1), else_=0)), 0),
            func.coalesce(func.sum(case((redefaulted, observed.c.op_cents), else_=0)), 0),
        )
    ).one()
    return RestructuredFigures(as_of, int(row[0]), yuan(row[1]), int(row[2]), yuan(row[3]))


OBSERVED_COLUMNS = ["loan_id", "restructured_on", "observed_until", "balance", "dpd", "redefaulted"]


def restructured_loans(conn: Connection, *, as_of: date, scope: Scope, config: Config) -> pd.DataFrame:
    """restructured_figures loan by loan, latest restructuring first, with the last day of observation."""
    observed = _observed(as_of, scope, config, conn)
    rows = conn.execute(
        select(observed).order_by(observed.c.restructured_on.desc(), observed.c.loan_id)
    ).mappings()
    months = config.restructured_observation_months
    return pd.DataFrame(
        [
            (
                r["loan_id"],
                r["restructured_on"],
                shift_months(r["restructured_on"], months) - timedelta(days=1),
                yuan(r["op_cents"]),
                int(r["dpd"]),
                bool(r["dpd"] > 0 and r["first_due"] >= r["restructured_on"]),
            )
            for r in rows
        ],
        columns=OBSERVED_COLUMNS,
    )
