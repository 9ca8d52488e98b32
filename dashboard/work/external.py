"""What an external collection agency may see (issue 14 item 12).

An agency works the loans placed with it: their collection data (state, schedule, payments, actions, the
next step the rules require) and nothing of the lender's own: no officers' or collectors' names, no other
collector's task list, no inspection, visit, issue or classification, no management figure. Its navigation
has no dashboard (dashboard.ui.pages); these rules cover the pages it does have, field by field, and run on
the server with the query that reads the rows.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select

from dashboard.actor import Actor
from dashboard.work.access import can
from db.models import Agency

# The sidebar filters an agency is not offered: the lender's branch tree and its account officers.
INTERNAL_FILTERS = ("branch", "officer")
# Overdue-list columns that are the lender's: who manages and who collects the loan in house, its
# regulatory classification, and the breaches of the lender's own collection rules (internal targets).
INTERNAL_OVERDUE_COLUMNS = (
    "classification",
    "officer",
    "agency",  # always the agency itself
    "collector",
    "big_no_visit",
    "not_placed",
    "lost_no_visit",
)


def sees_internal(actor: Actor | None) -> bool:
    """Whether this user may see the lender's internal information (everyone signed in but an agency; the
    tests' pages run without a user as a manager)."""
    return actor is None or can(actor, "see_internal")


def own_name(conn: Connection, actor: Actor) -> str | None:
    """The name of the agency this user works for."""
    if not actor.agency_id:
        return None
    return conn.execute(select(Agency.name).where(Agency.agency_id == actor.agency_id)).scalar_one_or_none()


def agency_history(conn: Connection, actor: Actor, history: pd.DataFrame, other: str) -> pd.DataFrame:
    """A loan's history (dashboard.kpi.loan_card.timeline) as an agency may see it: the collection actions
    only, and who did each named only when it was the agency itself (`other` stands for anyone else: the
    lender's collectors and other agencies)."""
    mine = own_name(conn, actor)
    shown = history[history["kind"] == "action"].reset_index(drop=True)
    shown["by"] = [by if mine is not None and by == mine else other for by in shown["by"]]
    return shown
