"""Collection of past-due loans: collector assignments, agency placements, actions and promises to pay.

Follows DOMAIN section 3 rules 1 and 2: SMS and calls from DPD 1 (twice a day for three days), letters,
a field visit for large loans and at 61-90 DPD, legal action over 90, agencies from 31 DPD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from seed.case import LoanCase
from seed.dates import DAY, at_time, days
from seed.draw import Weighted, randint
from seed.ledger import Episode
from seed.reference import AgencySpec, Person
from seed.sink import Sink, yuan

FIELD_VISIT_AMOUNT = 5_000_000  # cents: 50,000 yuan and over get an early field visit
MAX_PLACEMENTS = 3


@dataclass(frozen=True)
class _Placement:
    agency: AgencySpec
    placed_on: date
    until: date  # last day the agency works the case: the day before the recall (DOMAIN 5, "End dates")


@dataclass
class _Contact:
    """When the borrower could not be reached, and when new contact details were found."""

    lost_from: date | None = None
    repaired_on: date | None = None
    repair_reported: bool = False

    def lost(self, d: date) -> bool:
        return (
            self.lost_from is not None
            and d >= self.lost_from
            and (self.repaired_on is None or d < self.repaired_on)
        )

    def repair_news(self, d: date) -> bool:
        """True for the first action after the repair, which records it."""
        if self.repaired_on is None or self.repair_reported or d < self.repaired_on:
            return False
        self.repair_reported = True
        return True


def collect(rng: Random, sink: Sink, case: LoanCase, agencies: tuple[AgencySpec, ...]) -> None:
    for episode in case.ledger.episodes():
        _Episode(rng, sink, case, episode, agencies).work()


class _Episode:
    def __init__(
        self, rng: Random, sink: Sink, case: LoanCase, episode: Episode, agencies: tuple[AgencySpec, ...]
    ) -> None:
        self.rng, self.sink, self.case, self.episode = rng, sink, case, episode
        self.ledger = case.ledger
        self.last = episode.end - DAY if episode.end else self.ledger.as_of
        region = case.sub.region
        self.collector = rng.choice(region.collectors)
        self.preserver = rng.choice(region.preservers)
        self.handover = self.ledger.first_day_past(episode, 91)
        self.contact = _Contact()
        # DOMAIN rule 2: five days unreachable makes a borrower lost contact.
        if case.profile.lost_contact and (lost_from := self.ledger.first_day_past(episode, 6)):
            self.contact.lost_from = lost_from
            if rng.random() < 0.4:
                self.contact.repaired_on = lost_from + days(rng, 15, 120)
        self.placements = self._place(agencies)

    def work(self) -> None:
        self._assign()
        self._milestones()
        self._staff_calls()
        for placement in self.placements:
            self._agency_work(placement)
        self._promises_kept()

    def _assign(self) -> None:
        """End dates are exclusive (DOMAIN section 5, "End dates"): the collector's assignment ends on the
        hand-over day, the preserver's starts on it; whoever has the case keeps it through the day it is
        cleared (its payment is theirs, and they record it), so that assignment ends the day after."""
        episode = self.episode
        cleared = episode.end + DAY if episode.end and episode.end + DAY <= self.ledger.as_of else None
        ended = self.handover or cleared
        self._add_assignment(self.collector, episode.start, ended)
        if self.handover:
            self._add_assignment(self.preserver, self.handover, cleared)

    def _add_assignment(self, staff: Person, assigned_on: date, ended_on: date | None) -> None:
        row = {
            "assignment_id": self.sink.new_id("collector_assignments"),
            "loan_id": self.case.loan_id,
            "staff_id": staff.staff_id,
            "assigned_on": assigned_on,
            "ended_on": ended_on,
        }
        self.sink.add("collector_assignments", row)

    def _place(self, agencies: tuple[AgencySpec, ...]) -> list[_Placement]:
        """Every case at 31+ DPD goes to an agency; cases that do not pay move to another after 3-6 months."""
        rng, ledger, episode = self.rng, self.ledger, self.episode
        placements: list[_Placement] = []
        start = ledger.first_day_past(episode, 31)
        previous = None
        while start is not None and len(placements) < MAX_PLACEMENTS:
            placed_on = start + days(rng, 0, 2)
            if ledger.dpd(placed_on) <= 30:  # a part payment in between: place it the day it was due
                placed_on = start
            if placed_on > self.last or ledger.dpd(placed_on) <= 30:
                break
            agency = rng.choices(agencies, [0 if a is previous else a.weight for a in agencies])[0]
            recall = placed_on + days(rng, 90, 180)
            if episode.end and episode.end <= recall:
                recalled_on: date | None = episode.end + days(rng, 0, 7)
                start = None
            elif recall <= self.last:
                recalled_on = recall
                start = recall + days(rng, 0, 5) if rng.random() < 0.7 else None
            else:
                recalled_on = None
                start = None
            if recalled_on is not None and recalled_on > ledger.as_of:
                recalled_on = None
            # The first placement hands over the arrears; later ones the whole balance.
            amount = ledger.overdue(placed_on) if not placements else ledger.outstanding_on(placed_on)
            self.sink.add(
                "placements",
                {
                    "placement_id": self.sink.new_id("placements"),
                    "loan_id": self.case.loan_id,
                    "agency_id": agency.agency_id,
                    "placed_on": placed_on,
                    "recalled_on": recalled_on,
                    "placed_amount": yuan(amount),
                },
            )
            until = recalled_on - DAY if recalled_on else self.last
            placements.append(_Placement(agency, placed_on, min(until, self.last)))
            previous = agency
        return placements

    def _placed(self, d: date) -> _Placement | None:
        return next((p for p in self.placements if p.placed_on <= d <= p.until), None)

    def _milestones(self) -> None:
        rng, ledger, episode = self.rng, self.ledger, self.episode
        self._act(episode.start, "sms", self.collector)
        for dpd in (15, 45):
            self._act_from(dpd, randint(rng, 0, 3), "letter", self.collector)
        if ledger.outstanding_on(episode.start) >= FIELD_VISIT_AMOUNT:
            self._act_from(5, randint(rng, 0, 5), "field_visit")
        if self.contact.lost_from:
            self._act_from(6, randint(rng, 0, 3), "field_visit")
        self._act_from(61, randint(rng, 0, 14), "field_visit")
        if rng.random() < 0.7:
            self._act_from(91, randint(rng, 0, 40), "legal", self.preserver)
        if episode.end and rng.random() < 0.3:
            self._act(episode.end, "call", self._worker(episode.end), result="paid")

    def _act_from(self, dpd: int, delay: int, channel: str, staff: Person | None = None) -> None:
        """Act once, delay days after the episode first reaches dpd; visits by the officer until handover."""
        d = self.ledger.first_day_past(self.episode, dpd)
        if d is not None and d + timedelta(days=delay) <= self.last:
            d += timedelta(days=delay)
            handed_over = self.handover is not None and d >= self.handover
            self._act(d, channel, staff or (self.preserver if handed_over else self.case.caretaker(d)))

    def _staff_calls(self) -> None:
        """Calls while the bank works the case itself: fewer as DPD grows, none while an agency has it."""
        rng, ledger = self.rng, self.ledger
        d = self.episode.start
        while d <= self.last:
            dpd = ledger.dpd(d)
            written_off = ledger.written_off_on is not None and d >= ledger.written_off_on
            if not self._placed(d):
                caller = self._worker(d)
                result = self._act(d, "call", caller)
                if dpd <= 3 and result == "no_answer":
                    self._act(d, "call", caller)
            if written_off:
                d += days(rng, 30, 60)
            elif dpd <= 3:
                d += DAY
            elif dpd <= 30:
                d += days(rng, 2, 4)
            elif dpd <= 90:
                d += days(rng, 4, 8)
            else:
                d += days(rng, 10, 20)

    def _agency_work(self, placement: _Placement) -> None:
        rng, agency = self.rng, placement.agency
        d = placement.placed_on + days(rng, 0, 2)
        while d <= placement.until:
            self._act(d, "call", None, agency=agency)
            d += days(rng, *agency.call_gap)
        d = placement.placed_on + days(rng, 3, 20)
        while d <= placement.until:
            if rng.random() < agency.field_visit_share:
                self._act(d, "field_visit", None, agency=agency)
            d += days(rng, 25, 40)

    def _promises_kept(self) -> None:
        """Most payments in collection were promised a few days before, by whoever had the case then."""
        rng, episode = self.rng, self.episode
        paid: dict[date, int] = {}
        end = episode.end or self.ledger.as_of
        for _, on, principal, interest in self.ledger.payments:
            if episode.start <= on <= end:
                paid[on] = paid.get(on, 0) + principal + interest
        for on, amount in paid.items():
            if rng.random() < 0.55:
                promised = max(episode.start, on - days(rng, 0, 6))
                due = max(on, promised + DAY) + days(rng, 0, 2)
                placement = self._placed(promised)
                self._act(
                    promised,
                    rng.choice(("call", "call", "call", "field_visit")),
                    None if placement else self._worker(promised),
                    agency=placement.agency if placement else None,
                    result="ptp",
                    promise=(amount, due),
                )

    def _worker(self, d: date) -> Person:
        return self.preserver if self.handover and d >= self.handover else self.collector

    def _act(
        self,
        d: date,
        channel: str,
        staff: Person | None,
        *,
        agency: AgencySpec | None = None,
        result: str | None = None,
        promise: tuple[int, date] | None = None,
    ) -> str:
        rng = self.rng
        repaired = self.contact.repair_news(d)
        if result is None:
            result = _result(rng, channel, self.contact.lost(d), self.case.profile.defaults)
        if result == "ptp" and promise is None:
            overdue = self.ledger.overdue(d)
            if overdue <= 0:
                result = "connected"
            else:
                # Borrowers in default promise part of the arrears; the rest promise it all.
                share = randint(rng, 20, 100) if self.case.profile.defaults else 100
                promise = (max(100, overdue * share // 100), d + days(rng, 1, 14))
        acted_at = at_time(rng, d, 9, 10) if channel == "sms" else at_time(rng, d)
        self.sink.add(
            "collection_actions",
            {
                "action_id": self.sink.new_id("collection_actions"),
                "loan_id": self.case.loan_id,
                "acted_at": acted_at,
                "channel": channel,
                "staff_id": staff.staff_id if staff else None,
                "agency_id": agency.agency_id if agency else None,
                "result": result,
                "ptp_amount": yuan(promise[0]) if promise else None,
                "ptp_on": promise[1] if promise else None,
                "info_repaired": repaired,
            },
        )
        return result


_RESULTS = {
    "sms": Weighted(("connected", "no_answer"), (90, 10)),
    "letter": Weighted(("connected", "no_answer"), (85, 15)),
    "call": Weighted(("connected", "no_answer", "ptp", "refused"), (35, 40, 15, 10)),
    "field_visit": Weighted(
        ("connected", "no_answer", "ptp", "refused", "lost_contact"), (50, 12, 20, 13, 5)
    ),
    "legal": Weighted(("connected",), (1,)),
}


def _result(rng: Random, channel: str, lost: bool, defaulted: bool) -> str:
    if lost and channel in ("call", "field_visit"):
        return "lost_contact" if rng.random() < 0.85 else "no_answer"
    result = _RESULTS[channel].pick(rng)
    if result == "ptp" and defaulted and rng.random() < 0.6:
        return "refused"  # borrowers who will not pay seldom bother to promise
    return result
