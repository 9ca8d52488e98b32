"""The restructured floor of the class derivation (issue 18; the 2023 classification rules): a restructured
loan is at least substandard from restructured_on for the observation period (the setting
restructured_observation_months, 12 by default), up to but not including its anniversary; then it falls
back to its DPD floor. Kept apart from dashboard.kpi.state, which folds it into each loan's override rank."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Integer, Subquery, cast, func, literal, or_, select, true

from dashboard.config import Config
from db.models import Restructuring, Setting
from db.sqlfuncs import add_months

SUBSTANDARD_RANK = 2  # CLASSES.index("substandard")
SETTING = "restructured_observation_months"


def observation_months() -> ColumnElement[int]:
    """The setting as SQL (the settings table over the default), so snapshots built without a Config read
    the same period the pages do."""
    stored = select(cast(Setting.value, Integer)).where(Setting.key == SETTING).scalar_subquery()
    return func.coalesce(stored, Config().restructured_observation_months)


def restructured_floor(as_of: date, loans: Sequence[str] | None = None) -> Subquery:
    """loan_id, rank: the loans under observation at as_of (a restructuring with restructured_on <= as_of <
    restructured_on + the period), each with the substandard rank."""
    r = Restructuring
    return (
        select(r.loan_id, literal(SUBSTANDARD_RANK).label("rank"))
        .where(
            r.restructured_on <= as_of,
            add_months(r.restructured_on, observation_months()) > as_of,
            true() if loans is None else r.loan_id.in_(loans),
        )
        .group_by(r.loan_id)
        .subquery("restructured")
    )


def observation_moved(loan_id: ColumnElement[str], start: date, end: date) -> ColumnElement[bool]:
    """The loan entered or left a restructuring's observation period in (start, end]: the restructured floor
    may be what moved its class then (the class migration report names the cause)."""
    r = Restructuring
    ends = add_months(r.restructured_on, observation_months())
    return (
        select(r.restructuring_id)
        .where(
            r.loan_id == loan_id,
            or_(
                r.restructured_on.between(start + timedelta(days=1), end),
                ends.between(start + timedelta(days=1), end),
            ),
        )
        .exists()
    )
