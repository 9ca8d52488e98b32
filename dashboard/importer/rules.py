"""Checks within one row that mirror the CHECK constraints of db/models, so the database never has to refuse.

Enumerations and NOT NULL are handled per column in spec.py; these are the value ranges and cross-field rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Any

Finding = tuple[str, str] | None  # (column, message) or None when the row passes


@dataclass(frozen=True)
class Rule:
    """check is called with the values of `columns`, only when all of them parsed (blank is None)."""

    columns: tuple[str, ...]
    check: Callable[..., Finding]


def above_zero(column: str) -> Rule:
    return Rule((column,), lambda v: (column, f"{v} is not above zero") if v is not None and v <= 0 else None)


def not_negative(column: str) -> Rule:
    return Rule((column,), lambda v: (column, f"{v} is negative") if v is not None and v < 0 else None)


def within(column: str, low: Any, high: Any) -> Rule:
    def check(v: Any) -> Finding:
        if v is not None and not low <= v <= high:
            return column, f"{v} is outside {low}-{high}"
        return None

    return Rule((column,), check)


def not_before(column: str, earlier: str) -> Rule:
    def check(later_value: Any, earlier_value: Any) -> Finding:
        if later_value is not None and earlier_value is not None and later_value < earlier_value:
            return column, f"{later_value} is before {earlier} {earlier_value}"
        return None

    return Rule((column, earlier), check)


def after(column: str, earlier: str) -> Rule:
    def check(later_value: Any, earlier_value: Any) -> Finding:
        if later_value is not None and earlier_value is not None and later_value <= earlier_value:
            return column, f"{later_value} is not after {earlier} {earlier_value}"
        return None

    return Rule((column, earlier), check)


def _contact_hours(acted_at: Any) -> Finding:
    if acted_at is not None and not time(8) <= acted_at.time() <= time(21):
        return "acted_at", f"{acted_at:%H:%M} is outside contact hours 08:00-21:00"
    return None


def _ptp_after_contact(acted_at: Any, ptp_on: Any) -> Finding:
    if acted_at is not None and ptp_on is not None and ptp_on <= acted_at.date():
        return "ptp_on", f"{ptp_on} is not after the contact on {acted_at.date()}"
    return None


def _not_blank(column: str) -> Rule:
    def check(v: Any) -> Finding:
        if v is not None and not str(v).strip():
            return column, "only spaces"
        return None

    return Rule((column,), check)


def _actor(staff_id: str | None, agency_id: str | None) -> Finding:
    if staff_id is None and agency_id is None:
        return "staff_id", "blank, and agency_id is blank too (an action needs staff_id or agency_id)"
    return None


def _ptp_date(ptp_amount: Any, ptp_on: Any) -> Finding:
    if ptp_amount is not None and ptp_on is None:
        return "ptp_on", "blank, but ptp_amount is given (a promise needs both an amount and a date)"
    return None


def _ptp_amount(ptp_amount: Any, ptp_on: Any) -> Finding:
    if ptp_amount is None and ptp_on is not None:
        return "ptp_amount", "blank, but ptp_on is given (a promise needs both an amount and a date)"
    return None


def _ptp_result(result: str, ptp_amount: Any, ptp_on: Any) -> Finding:
    if result == "ptp" and ptp_amount is None and ptp_on is None:
        return "ptp_amount", "blank, but result is 'ptp' (a promise to pay needs ptp_amount and ptp_on)"
    return None


def _reason_with_recall(recalled_on: Any, recall_reason: Any) -> Finding:
    if recall_reason is not None and recalled_on is None:
        return "recall_reason", "given, but recalled_on is blank (a reason belongs to a recall)"
    return None


def _filed(stage: str, filed_on: Any) -> Finding:
    if stage != "preparing" and filed_on is None:
        return "filed_on", f"blank, but stage is '{stage}' (a case past preparing has a filing date)"
    return None


def _within_awarded(recovered: Any, awarded: Any, note: Any) -> Finding:
    if recovered is not None and awarded is not None and recovered > awarded and not (note or "").strip():
        return "recovered", f"{recovered} is above awarded {awarded}, and note is blank (say why)"
    return None


def _one_source(visit_id: str | None, inspection_id: str | None) -> Finding:
    if visit_id is not None and inspection_id is not None:
        return "inspection_id", "given, and visit_id is given too (an issue is found on one or the other)"
    return None


def _about_someone(customer_id: str | None, loan_id: str | None) -> Finding:
    if customer_id is None and loan_id is None:
        return "loan_id", "blank, and customer_id is blank too (a signal is about a customer or a loan)"
    return None


RULES: dict[str, tuple[Rule, ...]] = {
    "signals": (Rule(("customer_id", "loan_id"), _about_someone), _not_blank("notes")),
    "staff": (not_before("left_on", "joined_on"),),
    "products": (above_zero("periodic_check_months"),),
    "contacts": (_not_blank("name"), _not_blank("phone")),
    "agencies": (within("commission_rate", 0, 1),),
    "loans": (
        above_zero("principal"),
        not_negative("annual_rate"),
        above_zero("term_months"),
        not_before("maturity_on", "disbursed_on"),
        not_before("written_off_on", "disbursed_on"),
    ),
    "schedule": (above_zero("instalment_no"), not_negative("principal_due"), not_negative("interest_due")),
    "repayments": (not_negative("principal_paid"), not_negative("interest_paid")),
    "placements": (
        not_negative("placed_amount"),
        not_before("recalled_on", "placed_on"),
        _not_blank("recall_reason"),
        Rule(("recalled_on", "recall_reason"), _reason_with_recall),
    ),
    # An end date is exclusive (DOMAIN section 5): ending on the start day would hold the loan on no day.
    "collector_assignments": (after("ended_on", "assigned_on"),),
    "collection_actions": (
        Rule(("staff_id", "agency_id"), _actor),
        Rule(("ptp_amount", "ptp_on"), _ptp_date),
        Rule(("ptp_amount", "ptp_on"), _ptp_amount),
        Rule(("result", "ptp_amount", "ptp_on"), _ptp_result),
        above_zero("ptp_amount"),
        Rule(("acted_at",), _contact_hours),
        Rule(("acted_at", "ptp_on"), _ptp_after_contact),
    ),
    "visits": (
        within("satisfaction", 1, 5),
        _not_blank("content"),
        not_before("next_follow_up_on", "visited_on"),
    ),
    "legal_cases": (
        not_negative("claimed"),
        not_negative("awarded"),
        not_negative("recovered"),
        not_negative("costs"),
        Rule(("stage", "filed_on"), _filed),
        not_before("next_hearing_on", "filed_on"),
        Rule(("recovered", "awarded", "note"), _within_awarded),
    ),
    "restructurings": (_not_blank("reason"),),
    "issues": (
        Rule(("visit_id", "inspection_id"), _one_source),
        not_before("reported_on", "raised_on"),
        not_before("resolved_on", "raised_on"),
        _not_blank("description"),
    ),
}
