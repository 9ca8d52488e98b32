"""Classification overrides: only worse, only risk managers, a reason, a valid date; the figures move from
the effective date, also when a loan-state snapshot had been built before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh
from dashboard.kpi.state import has_current_snapshot
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.overrides import loan_class, loan_overrides, record_override, worse_classes
from db.data_version import bump_data_version
from db.models import AuditEntry, ClassificationOverride, DataVersion, FormSubmission
from tests.kpi.book import D, loan, override, pay, reference

TODAY = D("2025-03-20")
RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]
CONFIG = Config()


@pytest.fixture
def book(engine: Engine) -> Engine:
    """As of 2025-03-20: A current (normal), B 38 DPD (special mention), P repaid, X in B2 (out of scope)."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        pay(conn, "A", 2, "2025-03-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY)
        loan(conn, "P", "1000", "2025-01-10", [("2025-02-10", "1000", "10")])
        pay(conn, "P", 1, "2025-02-10", "1000", "10")
        loan(conn, "X", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
    return engine


def written(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(ClassificationOverride)).scalar_one(),
            conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
            conn.execute(select(func.count()).select_from(FormSubmission)).scalar_one(),
            conn.execute(select(DataVersion.version, DataVersion.state_version)).one(),
        )


def _save(engine: Engine, loan_id: str, on: str | None, cls: str | None, reason: str | None, **kw: Any):  # type: ignore[no-untyped-def]
    actor = kw.pop("actor", RM)
    token = kw.pop("token", "t")
    return record_override(
        engine,
        actor,
        loan_id,
        D(on) if on else None,
        cls,
        reason,
        token,
        CONFIG,
        today=kw.pop("today", TODAY),
    )


def _refused(engine: Engine, *args: Any, kind: type[Exception] = FormInvalid, **kw: Any):  # type: ignore[no-untyped-def]
    before = written(engine)
    with pytest.raises(kind) as caught:
        _save(engine, *args, **kw)
    assert written(engine) == before
    return caught.value


def test_current_class_and_worse_ones(book: Engine) -> None:
    with book.connect() as conn:
        assert loan_class(conn, "A", TODAY, CONFIG) == "normal"
        assert loan_class(conn, "B", TODAY, CONFIG) == "special_mention"
        assert loan_class(conn, "B", D("2025-02-10"), CONFIG) == "normal"  # due today is not late
        assert loan_class(conn, "P", TODAY, CONFIG) is None  # repaid
        assert loan_class(conn, "NOPE", TODAY, CONFIG) is None
    assert worse_classes("special_mention") == ["substandard", "doubtful", "loss"]
    assert worse_classes("loss") == []


def test_override_saved_with_audit_and_state_version(book: Engine) -> None:
    before = written(book)
    saved = _save(book, "B", "2025-03-15", "doubtful", "  担保人失联  ")
    assert (saved.table, saved.record_key) == ("classification_overrides", "B:2025-03-15")
    with book.connect() as conn:
        stored = conn.execute(select(ClassificationOverride)).mappings().one()
        entry = conn.execute(select(AuditEntry)).mappings().one()
        assert loan_overrides(conn, "B").to_dict("records") == [
            {
                "effective_on": D("2025-03-15"),
                "classification": "doubtful",
                "reason": "担保人失联",
                "staff": "R1",
            }
        ]
    assert dict(stored) == {
        "loan_id": "B",
        "effective_on": D("2025-03-15"),
        "classification": "doubtful",
        "reason": "担保人失联",
        "staff_id": "R1",
    }
    assert (entry["username"], entry["action"], entry["table_name"]) == (
        "r1",
        "insert",
        "classification_overrides",
    )
    assert entry["before"] is None
    assert json.loads(entry["after"]) == {
        "loan_id": "B",
        "effective_on": "2025-03-15",
        "classification": "doubtful",
        "reason": "担保人失联",
        "staff_id": "R1",
    }
    # Both versions move: the dashboards' caches recompute (the snapshots were brought up to date).
    (version, state_version) = written(book)[3]
    assert (version, state_version) == (before[3][0] + 1, before[3][1] + 1)


@pytest.mark.parametrize(
    ("loan_id", "cls", "expected"),
    [
        (
            "A",
            "normal",
            "The loan is already Normal on 2025-03-20; an override may only move it to a worse class",
        ),
        (
            "B",
            "normal",
            "The loan is already Special mention on 2025-03-20; an override may only move it to a worse "
            "class",
        ),
        (
            "B",
            "special_mention",
            "The loan is already Special mention on 2025-03-20; an override may only move it to a worse "
            "class",
        ),
    ],
)
def test_better_or_equal_class_refused(book: Engine, loan_id: str, cls: str, expected: str) -> None:
    error = _refused(book, loan_id, "2025-03-20", cls, "reason")
    assert error.field_texts("en") == {"classification": expected}


@pytest.mark.parametrize("cls", ["substandard", "doubtful", "loss"])
def test_worse_class_accepted(book: Engine, cls: str) -> None:
    _save(book, "B", "2025-03-20", cls, "reason")
    with book.connect() as conn:
        assert loan_class(conn, "B", TODAY, CONFIG) == cls


def test_worse_is_judged_against_earlier_overrides(book: Engine) -> None:
    with book.begin() as conn:
        override(conn, "B", "2025-03-01", "loss")
    error = _refused(book, "B", "2025-03-10", "doubtful", "reason")
    assert error.field_texts("zh") == {
        "classification": "该贷款在 2025-03-10 已为损失类；人工调整只能调至更差的分类"
    }
    # Before that override the loan was normal, so a worse class then is fine.
    _save(book, "B", "2025-02-20", "substandard", "reason")


def test_figures_move_from_the_effective_date(book: Engine) -> None:
    scope = Scope()
    with book.begin() as conn:
        # Snapshots built before the override must show it from the effective date on.
        refresh(conn, dates=[D("2025-03-14"), TODAY])
        assert has_current_snapshot(conn, as_of=TODAY)
        assert portfolio(conn, as_of=TODAY, scope=scope, config=CONFIG).count_by_class["substandard"] == 0
    _save(book, "A", "2025-03-15", "substandard", "经营异常")
    with book.connect() as conn:
        # The save rebuilt A's snapshot rows from 15 March in its transaction: both dates stay current.
        assert has_current_snapshot(conn, as_of=TODAY) and has_current_snapshot(conn, as_of=D("2025-03-14"))
        now = portfolio(conn, as_of=TODAY, scope=scope, config=CONFIG)
        day_before = portfolio(conn, as_of=D("2025-03-14"), scope=scope, config=CONFIG)
        bump_data_version(conn)  # every snapshot stale: the same figures computed live
        assert not has_current_snapshot(conn, as_of=TODAY)
        assert portfolio(conn, as_of=TODAY, scope=scope, config=CONFIG) == now
        assert portfolio(conn, as_of=D("2025-03-14"), scope=scope, config=CONFIG) == day_before
    assert now.count_by_class["substandard"] == 1
    assert now.balance_by_class["substandard"] == now.npl_balance == 1000  # A's outstanding principal
    assert day_before.count_by_class["substandard"] == 0
    assert day_before.npl_balance == 0


@pytest.mark.parametrize(
    ("args", "field", "expected"),
    [
        (("B", "2025-03-21", "loss", "r"), "effective_on", "2025-03-21 is after today"),
        (("B", "2025-01-09", "loss", "r"), "effective_on", "2025-01-09 is before 2025-01-10"),
        (("B", None, "loss", "r"), "effective_on", "Required"),
        (
            ("P", "2025-03-20", "loss", "r"),
            "effective_on",
            "The loan is not active on 2025-03-20 (not yet disbursed, repaid or written off)",
        ),
        (("B", "2025-03-20", "loss", "   "), "reason", "Required"),
        (("B", "2025-03-20", "loss", "x" * 2001), "reason", "At most 2000 characters"),
        (("B", "2025-03-20", "worst", "r"), "classification", "Choose one of the five classes"),
        (("B", "2025-03-20", None, "r"), "classification", "Choose one of the five classes"),
    ],
)
def test_field_refusals(book: Engine, args: tuple[Any, ...], field: str, expected: str) -> None:
    error = _refused(book, *args)
    assert error.field_texts("en") == {field: expected}


def test_every_problem_at_once(book: Engine) -> None:
    error = _refused(book, "B", "2025-03-20", "normal", "")
    assert set(error.field_texts("en")) == {"classification", "reason"}


def test_one_override_per_loan_and_day(book: Engine) -> None:
    _save(book, "B", "2025-03-20", "substandard", "first", token="t1")
    error = _refused(book, "B", "2025-03-20", "loss", "second", token="t2")
    assert error.field_texts("en") == {
        "effective_on": "This loan already has an override effective 2025-03-20; choose another date"
    }


@pytest.mark.parametrize(
    ("actor", "loan_id", "expected"),
    [
        # Applied at once, without a second person: risk managers only (officers propose, issue 15).
        (Actor("m1", "manager", branch_id="HQ"), "B", "A manager may not do this (override_approve)"),
        (Actor("o1", "officer", staff_id="O1"), "B", "A officer may not do this (override_approve)"),
        (
            Actor("r9", "risk_manager", branch_id="B1"),
            "B",
            "Your user has no staff record; an override must name the risk manager who made it",
        ),
        (RM, "X", "Loan X is not one of yours (or does not exist)"),
        (RM, "NOPE", "Loan NOPE is not one of yours (or does not exist)"),
    ],
)
def test_who_may_override(book: Engine, actor: Actor, loan_id: str, expected: str) -> None:
    error = _refused(book, loan_id, "2025-03-20", "loss", "r", actor=actor, kind=NotAllowed)
    assert str(error) == expected


def test_same_token_twice_writes_once(book: Engine) -> None:
    _save(book, "B", "2025-03-20", "substandard", "r", token="same")
    before = written(book)
    again = _save(book, "B", "2025-03-20", "substandard", "r", token="same")
    assert again.duplicate and again.record_key == "B:2025-03-20"
    assert written(book) == before
