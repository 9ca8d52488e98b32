"""Post-loan work on one loan: inspections, visits, the issues they raise, and classification overrides.

Diligence varies by person, so completion and on-time rates differ between officers as they would.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from dashboard.kpi.periods import shift_months
from db.models.enums import CLASSES
from seed import texts
from seed.case import LoanCase
from seed.dates import DAY, between, days, next_working_day, quarter_start
from seed.draw import Weighted
from seed.reference import Person
from seed.sink import Sink

# DOMAIN rule 12 defaults: the system class is the first whose DPD floor the loan is past.
_CLASS_FLOORS = ((360, 4), (270, 3), (90, 2), (0, 1))

_INSPECTION_METHODS = {
    "consumer": Weighted(("onsite", "offsite", "phone"), (30, 30, 40)),
    "business": Weighted(("onsite", "offsite", "phone"), (80, 15, 5)),
    "housing": Weighted(("onsite", "offsite", "phone"), (70, 25, 5)),
}
_VISIT_METHODS = Weighted(("phone", "in_person", "questionnaire"), (60, 28, 12))
_SATISFACTION = Weighted((1, 2, 3, 4, 5), (3, 6, 16, 35, 40))
_SEVERITIES = Weighted(("general", "important", "major"), (65, 25, 10))
EXTERNAL_SIGNAL_RATE = 0.004
OVERRIDE_SHARE_SIGNAL = 0.3
OVERRIDE_SHARE_DEFAULT = 0.06


def system_class(dpd: int) -> int:
    """Index into CLASSES of the class the DPD alone gives."""
    return next((rank for floor, rank in _CLASS_FLOORS if dpd > floor), 0)


def post_loan_work(rng: Random, sink: Sink, case: LoanCase) -> None:
    _first_check(rng, sink, case)
    _periodic_checks(rng, sink, case)
    signals = _special_checks(rng, sink, case)
    _visits(rng, sink, case)
    _override(rng, sink, case, signals)


def inspect(
    rng: Random,
    sink: Sink,
    case: LoanCase,
    kind: str,
    done_on: date,
    *,
    staff: Person | None = None,
    method: str | None = None,
    risk_signal: bool = False,
) -> None:
    funds_use_ok = rng.random() > 0.015
    if risk_signal:
        notes = rng.choice(texts.INSPECTION_NOTES["special"])
    elif funds_use_ok:
        notes = rng.choice(texts.INSPECTION_NOTES[kind])
    else:
        notes = rng.choice(texts.FUNDS_MISUSED)
    sink.add(
        "inspections",
        {
            "inspection_id": sink.new_id("inspections"),
            "loan_id": case.loan_id,
            "kind": kind,
            "done_on": done_on,
            "method": method or _INSPECTION_METHODS[case.product.category].pick(rng),
            "staff_id": (staff or case.caretaker(done_on)).staff_id,
            "funds_use_ok": funds_use_ok,
            "risk_signal": risk_signal,
            "notes": notes,
        },
    )
    # Misused funds are always an issue; a risk signal is one when the check finds more than the arrears.
    if not funds_use_ok or (risk_signal and rng.random() < 0.4):
        severity = "major" if risk_signal and rng.random() < 0.4 else "important"
        _issue(rng, sink, case, None, done_on, severity, notes)


def _first_check(rng: Random, sink: Sink, case: LoanCase) -> None:
    """DOMAIN rule 3: within 3 days of a self-payment loan, 7 of an entrusted one; some late, a few never."""
    allowed = 3 if case.self_payment else 7
    diligence = case.officer.diligence
    draw = rng.random()
    if draw < diligence:
        done_on = case.disbursed_on + days(rng, 0, allowed)
    elif draw < diligence + (1 - diligence) * 0.7:
        done_on = case.disbursed_on + days(rng, allowed + 1, allowed + 20)
    else:
        return
    if done_on <= case.ledger.as_of:
        inspect(rng, sink, case, "first", done_on)


def _periodic_checks(rng: Random, sink: Sink, case: LoanCase) -> None:
    interval = case.product.periodic_check_months
    if not interval:
        return
    last = case.last_active_day
    n = 1
    while (due := shift_months(case.disbursed_on, n * interval)) <= last:
        diligence = case.caretaker(due).diligence
        draw = rng.random()
        done_on = None
        if draw < diligence:
            earliest = max(
                shift_months(case.disbursed_on, (n - 1) * interval) + DAY, due - timedelta(days=30)
            )
            done_on = between(rng, earliest, due)
        elif draw < diligence + (1 - diligence) * 0.6:
            done_on = due + days(rng, 1, 30)
        if done_on and done_on <= case.ledger.as_of:
            inspect(rng, sink, case, "periodic", done_on, risk_signal=case.ledger.dpd(done_on) > 30)
        n += 1


def _special_checks(rng: Random, sink: Sink, case: LoanCase) -> list[date]:
    """Special checks: on half the loans that pass 30 DPD, and on a few after outside news (returned)."""
    ledger = case.ledger
    for episode in ledger.episodes():
        start = ledger.first_day_past(episode, 30)
        last = episode.end - DAY if episode.end else ledger.as_of
        if start and rng.random() < 0.5 and (d := start + days(rng, 0, 10)) <= last:
            inspect(rng, sink, case, "special", d, method="onsite", risk_signal=True)
    signals = []
    first, last = case.disbursed_on + timedelta(days=30), case.last_active_day
    if rng.random() < EXTERNAL_SIGNAL_RATE and first <= last:
        d = between(rng, first, last)
        inspect(rng, sink, case, "special", d, method="onsite", risk_signal=True)
        signals.append(d)
    return signals


def _visits(rng: Random, sink: Sink, case: LoanCase) -> None:
    """DOMAIN rule 7: a visit per active loan per quarter (when the visitor gets to it), and after overdue."""
    end = case.last_active_day
    quarter = quarter_start(case.disbursed_on)
    while quarter <= end:
        first = max(quarter, case.disbursed_on + DAY)
        last = min(shift_months(quarter, 3) - DAY, end)
        if first <= last and rng.random() < case.caretaker(last).diligence:
            _visit(rng, sink, case, between(rng, first, last), overdue=False)
        quarter = shift_months(quarter, 3)
    ledger = case.ledger
    for episode in ledger.episodes():
        last = episode.end - DAY if episode.end else ledger.as_of
        d = episode.start + days(rng, 3, 15)
        if d <= last and rng.random() < 0.5:
            _visit(rng, sink, case, d, overdue=True)


def _visit(rng: Random, sink: Sink, case: LoanCase, d: date, *, overdue: bool) -> None:
    method = _VISIT_METHODS.pick(rng)
    visit_id = sink.new_id("visits")
    sink.add(
        "visits",
        {
            "visit_id": visit_id,
            "loan_id": case.loan_id,
            "visited_on": d,
            "method": method,
            "staff_id": case.caretaker(d).staff_id,
            "content": texts.OVERDUE_VISIT_CONTENT if overdue else rng.choice(texts.VISIT_CONTENT[method]),
            "feedback": rng.choice(texts.OVERDUE_FEEDBACK if overdue else texts.VISIT_FEEDBACK),
            "satisfaction": _SATISFACTION.pick(rng) if rng.random() < 0.97 else None,
        },
    )
    if rng.random() < (0.15 if overdue else 0.045):
        severity = _SEVERITIES.pick(rng)
        _issue(rng, sink, case, visit_id, d, severity, rng.choice(texts.ISSUES[severity]))


def _issue(
    rng: Random, sink: Sink, case: LoanCase, visit_id: str | None, raised_on: date, severity: str, text: str
) -> None:
    """DOMAIN rule 8: important and major issues reported within a working day (mostly), most resolved."""
    if severity == "general":
        reported_on = raised_on if rng.random() < 0.8 else None
        resolved_on = raised_on + days(rng, 0, 3) if rng.random() < 0.95 else None
    else:
        draw = rng.random()
        if draw < 0.5:
            reported_on = raised_on
        elif draw < 0.85:
            reported_on = next_working_day(raised_on)
        else:
            reported_on = raised_on + days(rng, 2, 10)
        low, high, share = (3, 45, 0.85) if severity == "important" else (10, 120, 0.65)
        resolved_on = raised_on + days(rng, low, high) if rng.random() < share else None
    as_of = case.ledger.as_of
    sink.add(
        "issues",
        {
            "issue_id": sink.new_id("issues"),
            "loan_id": case.loan_id,
            "visit_id": visit_id,
            "severity": severity,
            "raised_on": raised_on,
            "reported_on": reported_on if reported_on and reported_on <= as_of else None,
            "resolved_on": resolved_on if resolved_on and resolved_on <= as_of else None,
            "description": text,
            "resolution": texts.RESOLUTIONS[severity] if resolved_on and resolved_on <= as_of else None,
        },
    )


def _override(rng: Random, sink: Sink, case: LoanCase, signals: list[date]) -> None:
    """A risk manager moves a loan to a worse class than its DPD gives, after outside news or in default."""
    ledger = case.ledger
    when = None
    if signals and rng.random() < OVERRIDE_SHARE_SIGNAL:
        when = signals[0] + days(rng, 1, 10)
    elif case.profile.defaults and rng.random() < OVERRIDE_SHARE_DEFAULT:
        episodes = ledger.episodes()
        start = ledger.first_day_past(episodes[-1], 35) if episodes else None
        when = start + days(rng, 0, 40) if start else None
    if when is None or when > case.last_active_day:
        return
    floor = system_class(ledger.dpd(when))
    if floor == len(CLASSES) - 1:
        return
    sink.add(
        "classification_overrides",
        {
            "loan_id": case.loan_id,
            "effective_on": when,
            "classification": CLASSES[min(len(CLASSES) - 1, floor + rng.choice((1, 1, 2)))],
            "reason": rng.choice(texts.OVERRIDE_REASONS),
            "staff_id": rng.choice(case.sub.region.risk_managers).staff_id,
        },
    )
