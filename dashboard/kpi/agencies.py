"""Agency scorecard for a period [P1, P2] as of D (DOMAIN section 4, "Agencies")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, and_, case, exists, func, or_, select, true

from dashboard.kpi.money import ratio, round_yuan, yuan
from dashboard.kpi.scope import Scope
from db.models import Agency, CollectionAction, Loan, Placement, Repayment
from db.sqlfuncs import as_date, cents


@dataclass(frozen=True)
class AgencyScore:
    agency_id: str
    name: str
    commission_rate: Decimal
    cases: int
    placed_amount: Decimal
    recovered: Decimal
    covered: int
    field_visited: int
    calls: int
    promises: int
    promises_kept: int

    @property
    def recovery_rate(self) -> Decimal | None:
        return ratio(self.recovered, self.placed_amount)

    @property
    def coverage(self) -> Decimal | None:
        return ratio(self.covered, self.cases)

    @property
    def field_visit_rate(self) -> Decimal | None:
        return ratio(self.field_visited, self.cases)

    @property
    def calls_per_case(self) -> Decimal | None:
        return ratio(self.calls, self.cases)

    @property
    def ptp_kept_rate(self) -> Decimal | None:
        return ratio(self.promises_kept, self.promises)

    @property
    def commission(self) -> Decimal:
        return round_yuan(self.recovered * self.commission_rate)


def agency_scores(
    conn: Connection, *, start: date, end: date, as_of: date, scope: Scope
) -> list[AgencyScore]:
    """Every agency, with its placements active in the period; windows end at min(P2, D).

    A placement holds the loan on [placed_on, recalled_on): on the recall day the loan, its payments and
    its actions are no longer the agency's (DOMAIN section 5, "End dates"). `we` is the window's first day
    after its end."""
    last = min(end, as_of)
    window_start = case((Placement.placed_on > start, Placement.placed_on), else_=start)
    window_end = case(
        (and_(Placement.recalled_on.is_not(None), Placement.recalled_on <= last), Placement.recalled_on),
        else_=last + timedelta(days=1),
    )
    placements = select(
        Placement.placement_id,
        Placement.agency_id,
        Placement.loan_id,
        cents(Placement.placed_amount).label("placed_cents"),
        window_start.label("ws"),
        window_end.label("we"),
    ).where(
        Placement.placed_on <= last,
        or_(
            Placement.recalled_on.is_(None),
            and_(Placement.recalled_on > start, Placement.recalled_on > Placement.placed_on),
        ),
    )
    if not scope.is_everything:  # joining every loan for no condition is not free
        placements = placements.join(Loan, Loan.loan_id == Placement.loan_id).where(scope.condition())
    placements = placements.subquery("active_placements")
    p = placements.c
    recovered = (
        select(func.coalesce(func.sum(cents(Repayment.principal_paid + Repayment.interest_paid)), 0))
        .where(Repayment.loan_id == p.loan_id, Repayment.paid_on >= p.ws, Repayment.paid_on < p.we)
        .scalar_subquery()
    )

    def agency_actions(*conditions):  # type: ignore[no-untyped-def]
        # On the days from ws to before we, as a range of acted_at the (loan_id, acted_at) index reads; the
        # day of each action (as_date) would have it read every action of the loan.
        return and_(
            CollectionAction.loan_id == p.loan_id,
            CollectionAction.acted_at >= p.ws,
            CollectionAction.acted_at < p.we,
            CollectionAction.agency_id == p.agency_id,
            *conditions,
        )

    calls = select(func.count()).where(agency_actions(CollectionAction.channel == "call")).scalar_subquery()
    per_agency = {
        row[0]: row[1:]
        for row in conn.execute(
            select(
                p.agency_id,
                func.count(),
                func.sum(p.placed_cents),
                func.sum(recovered),
                func.sum(case((exists().where(agency_actions()), 1), else_=0)),
                func.sum(
                    case(
                        (exists().where(agency_actions(CollectionAction.channel == "field_visit")), 1),
                        else_=0,
                    )
                ),
                func.sum(calls),
            ).group_by(p.agency_id)
        ).all()
    }
    promises = _promises(conn, start, last, scope)
    scores = []
    for agency_id, name, rate in conn.execute(
        select(Agency.agency_id, Agency.name, Agency.commission_rate).order_by(Agency.agency_id)
    ).all():
        cases_, placed, rec, covered, visited, call_count = per_agency.get(agency_id, (0, 0, 0, 0, 0, 0))
        made, kept = promises.get(agency_id, (0, 0))
        scores.append(
            AgencyScore(
                agency_id=agency_id,
                name=name,
                commission_rate=Decimal(str(rate)),
                cases=int(cases_),
                placed_amount=yuan(placed),
                recovered=yuan(rec),
                covered=int(covered or 0),
                field_visited=int(visited or 0),
                calls=int(call_count or 0),
                promises=made,
                promises_kept=kept,
            )
        )
    return scores


def _promises(conn: Connection, start: date, last: date, scope: Scope) -> dict[str, tuple[int, int]]:
    """Per agency: promises falling due in [start, last], and those met by repayments in time."""
    a = CollectionAction
    paid = (
        select(func.coalesce(func.sum(cents(Repayment.principal_paid + Repayment.interest_paid)), 0))
        .where(Repayment.loan_id == a.loan_id, Repayment.paid_on.between(as_date(a.acted_at), a.ptp_on))
        .scalar_subquery()
    )
    rows = conn.execute(
        select(a.agency_id, func.count(), func.sum(case((paid >= cents(a.ptp_amount), 1), else_=0)))
        .where(
            a.agency_id.is_not(None),
            a.ptp_on.is_not(None),
            a.ptp_on.between(start, last),
            true() if scope.is_everything else a.loan_id.in_(scope.loan_ids()),
        )
        .group_by(a.agency_id)
    ).all()
    return {agency_id: (int(made), int(kept or 0)) for agency_id, made, kept in rows}
