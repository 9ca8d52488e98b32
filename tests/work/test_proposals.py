"""Classification proposals with a second approver (issue 15): propose, approve, reject, lift after cure;
no self-approval; scope; bad input refused with nothing written; two approvers at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import refresh
from dashboard.kpi.state import has_current_snapshot
from dashboard.work.errors import FormInvalid, NotAllowed, StaleRecord
from dashboard.work.overrides import (
    classification_history,
    decide_proposal,
    loan_class_now,
    pending_proposals,
    propose_override,
)
from db.models import AuditEntry, ClassificationOverride, ClassificationProposal, Inspection, Loan, Staff
from tests.kpi.book import D, loan, override, pay, reference

TODAY = D("2025-03-20")
CONFIG = Config()
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
RM = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
RM2 = Actor("r2", "risk_manager", name="R2", staff_id="R2", branch_id="HQ")
RM_B2 = Actor("r3", "risk_manager", name="R3", staff_id="R3", branch_id="B2")


@pytest.fixture
def book(engine: Engine) -> Engine:
    """As of 2025-03-20: A current, B 38 DPD (special mention), both B11/O1; X in B2; W written off."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Staff),
            [
                {
                    "staff_id": s,
                    "name": s,
                    "role": "risk_manager",
                    "branch_id": b,
                    "joined_on": D("2015-01-01"),
                }
                for s, b in (("R2", "HQ"), ("R3", "B2"))
            ],
        )
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        pay(conn, "A", 2, "2025-03-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY)
        loan(conn, "X", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
        loan(conn, "W", "3000", "2024-01-10", [("2024-02-10", "3000", "10")], written_off_on="2025-01-31")
    return engine


def _propose(engine: Engine, loan_id: str = "B", cls: str | None = "substandard", **kw: Any):  # type: ignore[no-untyped-def]
    return propose_override(
        engine,
        kw.pop("actor", OFFICER),
        loan_id,
        cls,
        kw.pop("reason", "客户停产 / production halted"),
        kw.pop("triggers", ["business_stopped"]),
        kw.pop("other", None),
        kw.pop("token", None),
        CONFIG,
        today=kw.pop("today", TODAY),
        **kw,
    )


def _decide(engine: Engine, proposal: Any, approve: bool = True, **kw: Any):  # type: ignore[no-untyped-def]
    return decide_proposal(
        engine,
        kw.pop("actor", RM),
        int(proposal.record_key),
        approve,
        kw.pop("comment", "同意 / agreed"),
        kw.pop("token", None),
        CONFIG,
        today=kw.pop("today", TODAY),
    )


def _npl(engine: Engine, on: Any) -> Any:
    with engine.connect() as conn:
        return portfolio(conn, as_of=on, scope=Scope(), config=CONFIG).npl_balance


def _npl_ratio(engine: Engine, on: Any) -> Any:
    with engine.connect() as conn:
        return portfolio(conn, as_of=on, scope=Scope(), config=CONFIG).npl_ratio


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (ClassificationProposal, ClassificationOverride, AuditEntry)
        )


def _status(engine: Engine, proposal: Any) -> str:
    with engine.connect() as conn:
        p = ClassificationProposal
        return conn.execute(select(p.status).where(p.proposal_id == int(proposal.record_key))).scalar_one()


def test_done_when_downgrade_approved_moves_npl_and_a_lift_after_cure_moves_it_back(book: Engine) -> None:
    with book.begin() as conn:
        refresh(conn, dates=[TODAY])  # the figures then come from the snapshot and its groups
    assert _npl(book, TODAY) == 0
    proposed = _propose(book)
    assert _status(book, proposed) == "pending"
    assert _npl(book, TODAY) == 0  # a proposal changes nothing
    _decide(book, proposed)
    assert _status(book, proposed) == "approved"
    with book.connect() as conn:
        assert has_current_snapshot(conn, as_of=TODAY)  # kept current by the approval
    assert _npl(book, TODAY) == 3000
    assert _npl_ratio(book, TODAY) == Decimal(3000) / Decimal(7000)  # of A 1,000 + B 3,000 + X 3,000
    # The loan cures: everything due is paid; the downgrade still holds it substandard.
    cured = D("2025-03-25")
    with book.begin() as conn:
        pay(conn, "B", 1, "2025-03-25", "1000", "10")
        pay(conn, "B", 2, "2025-03-25", "1000", "10")
    with book.connect() as conn:
        now = loan_class_now(conn, "B", cured, CONFIG)
    assert now is not None and (now.dpd, now.floor, now.effective) == (0, "normal", "substandard")
    assert _npl(book, cured) == 1000
    lift = _propose(
        book, cls="normal", today=cured, reason="已复产并结清逾期 / cured", triggers=["other"], other="cured"
    )
    assert _npl_ratio(book, cured) == Decimal("0.2")  # B's 1,000 of 5,000
    _decide(book, lift, actor=RM2, today=cured)
    assert _npl(book, cured) == 0
    assert _npl_ratio(book, cured) == 0
    assert _npl(book, TODAY) == 3000  # the downgrade stays in the past
    with book.connect() as conn:
        history = classification_history(conn, "B")
    assert history[["classification", "status", "proposed_by", "decided_by"]].values.tolist() == [
        ["normal", "approved", "O1", "R2"],
        ["substandard", "approved", "O1", "R1"],
    ]


def test_a_rejection_changes_no_class_and_is_audited(book: Engine) -> None:
    proposed = _propose(book)
    before = _counts(book)
    _decide(book, proposed, approve=False, comment="证据不足 / not enough evidence")
    assert _status(book, proposed) == "rejected"
    assert _counts(book) == (before[0], before[1], before[2] + 1)
    assert _npl(book, TODAY) == 0
    with book.connect() as conn:
        assert loan_class_now(conn, "B", TODAY, CONFIG).effective == "special_mention"  # type: ignore[union-attr]
        audit = conn.execute(
            select(AuditEntry.table_name, AuditEntry.action).order_by(AuditEntry.entry_id)
        ).all()
    assert audit == [("classification_proposals", "insert"), ("classification_proposals", "update")]


def test_the_proposer_may_not_approve_and_nothing_is_written(book: Engine) -> None:
    proposed = _propose(book, actor=RM)
    before = _counts(book)
    with pytest.raises(FormInvalid) as refused:
        _decide(book, proposed, actor=RM)
    assert set(refused.value.errors) == {"decision"}
    assert refused.value.errors["decision"][0] == "cls.err.self_approval"
    assert _counts(book) == before and _status(book, proposed) == "pending"
    _decide(book, proposed, actor=RM2)  # a second person may
    assert _status(book, proposed) == "approved"


def test_scope_a_risk_manager_of_another_branch_or_an_officer_may_not_decide(book: Engine) -> None:
    proposed = _propose(book)
    before = _counts(book)
    with pytest.raises(NotAllowed):
        _decide(book, proposed, actor=RM_B2)  # B2's subtree does not cover B11
    with pytest.raises(NotAllowed):
        _decide(book, proposed, actor=OFFICER)
    with pytest.raises(NotAllowed):
        _propose(book, "X")  # not O1's loan
    assert _counts(book) == before and _status(book, proposed) == "pending"
    with book.connect() as conn:
        assert pending_proposals(conn, RM_B2, as_of=TODAY, config=CONFIG).empty
        assert pending_proposals(conn, RM, as_of=TODAY, config=CONFIG)["loan_id"].tolist() == ["B"]


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"cls": "normal"}, "classification", "cls.err.better_than_floor.special_mention"),
        ({"cls": "special_mention"}, "classification", "cls.err.no_change.special_mention"),
        ({"reason": "   "}, "reason", "work.err.required"),
        ({"triggers": []}, "triggers", "work.err.required"),
        ({"triggers": ["other"], "other": " "}, "other_trigger", "cls.err.other_blank"),
        ({"triggers": ["moon_phase"]}, "triggers", "cls.err.unknown_trigger"),
        ({"loan_id": "W", "cls": "loss"}, "loan_id", "cls.err.written_off"),
        ({"inspection_id": "NOPE"}, "inspection_id", "cls.err.inspection"),
    ],
)
def test_bad_proposals_are_refused_at_the_field_with_nothing_written(
    book: Engine, change: dict[str, Any], field: str, key: str
) -> None:
    if field == "triggers" and not change["triggers"]:
        key = "cls.err.no_trigger"
    before = _counts(book)
    with pytest.raises(FormInvalid) as refused:
        _propose(book, **change)
    assert refused.value.errors[field][0] == key
    assert _counts(book) == before


def test_two_approvers_at_once_one_approval_the_other_told_it_was_decided(book: Engine) -> None:
    proposed = _propose(book)
    _decide(book, proposed, actor=RM)
    with pytest.raises(StaleRecord) as late:
        _decide(book, proposed, actor=RM2, approve=False, comment="no")
    assert late.value.key == "cls.err.already_decided"
    assert _status(book, proposed) == "approved"
    with book.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ClassificationOverride)).scalar_one() == 1


def test_the_conditional_update_refuses_a_decision_made_between_read_and_write(
    book: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second approver read 'pending'; the first one's approval lands before the UPDATE: the UPDATE ...
    WHERE status = 'pending' touches nothing, and the second is told so."""
    import dashboard.work.overrides as overrides

    proposed = _propose(book)
    real = overrides.loan_class_now

    def first_approver_meanwhile(conn, loan_id, on, config):  # type: ignore[no-untyped-def]
        p = ClassificationProposal
        conn.execute(
            update(p)
            .where(p.proposal_id == int(proposed.record_key))
            .values(status="rejected", decided_by="R2", decided_at=D("2025-03-20"), decision_comment="x")
        )
        return real(conn, loan_id, on, config)

    monkeypatch.setattr(overrides, "loan_class_now", first_approver_meanwhile)
    with pytest.raises(StaleRecord):
        _decide(book, proposed, actor=RM)
    monkeypatch.undo()
    assert _status(book, proposed) == "pending"  # the whole transaction rolled back
    with book.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ClassificationOverride)).scalar_one() == 0


def test_a_proposal_from_a_risk_signal_inspection_keeps_the_link_and_the_pending_list(book: Engine) -> None:
    with book.begin() as conn:
        conn.execute(
            insert(Inspection).values(
                inspection_id="I1",
                loan_id="B",
                kind="special",
                done_on=D("2025-03-15"),
                method="onsite",
                staff_id="O1",
                risk_signal=True,
            )
        )
        override(conn, "A", "2025-03-01", "special_mention")  # imported: approved by the core system
    _propose(book, inspection_id="I1")
    with book.connect() as conn:
        pending = pending_proposals(conn, RM, as_of=TODAY, config=CONFIG)
        history = classification_history(conn, "A")
    row = pending.iloc[0]
    assert (row.loan_id, row.dpd, row.balance, row.current_class, row.proposed_class, row.inspection_id) == (
        "B",
        38,
        3000,
        "special_mention",
        "substandard",
        "I1",
    )
    assert history["status"].tolist() == ["imported"]


def test_the_schema_refuses_self_approval_a_blank_reason_and_an_unknown_status(book: Engine) -> None:
    base = {
        "loan_id": "B",
        "classification": "loss",
        "reason": "r",
        "triggers": "fraud",
        "proposed_by": "O1",
        "proposed_at": D("2025-03-20"),
        "status": "pending",
    }
    for bad in (
        {"status": "approved", "decided_by": "O1", "decided_at": D("2025-03-20"), "decision_comment": "ok"},
        {"reason": "  "},
        {"triggers": ""},
        {"status": "maybe"},
        {"status": "rejected", "decided_by": "R1", "decided_at": D("2025-03-20")},  # no comment
    ):
        with pytest.raises(IntegrityError), book.begin() as conn:
            conn.execute(insert(ClassificationProposal).values(**(base | bad)))
    with book.begin() as conn:
        conn.execute(insert(ClassificationProposal).values(**base))
    with pytest.raises(IntegrityError), book.begin() as conn:  # one pending proposal per loan
        conn.execute(insert(ClassificationProposal).values(**base))
    with book.connect() as conn:
        assert conn.execute(select(Loan.loan_id).where(Loan.loan_id == "B")).scalar_one() == "B"


def test_an_approval_checks_the_floor_again_and_needs_a_comment(book: Engine) -> None:
    """B (38 DPD on 2025-03-20) is downgraded to doubtful; a lift back to special mention proposed then is
    refused when approved on 2025-06-15, at 125 DPD (its oldest unpaid instalment is due 2025-02-10): the
    floor is substandard by then."""
    downgrade = _propose(book, cls="doubtful")
    _decide(book, downgrade)
    back = _propose(
        book, cls="special_mention", reason="原因消除 / reason gone", triggers=["other"], other="ok"
    )
    before = _counts(book)
    with pytest.raises(FormInvalid) as blank:
        _decide(book, back, comment="  ")
    assert blank.value.errors["comment"][0] == "work.err.required"
    with pytest.raises(FormInvalid) as floor:
        _decide(book, back, today=D("2025-06-15"))
    assert floor.value.errors["decision"][0] == "cls.err.better_than_floor.substandard"
    assert _counts(book) == before and _status(book, back) == "pending"
    _decide(book, back, approve=False, comment="逾期已超90天 / past 90 DPD", today=D("2025-06-15"))
    assert _status(book, back) == "rejected"


def test_an_approval_of_a_loan_written_off_since_is_refused(book: Engine) -> None:
    proposed = _propose(book)
    with book.begin() as conn:
        conn.execute(update(Loan).where(Loan.loan_id == "B").values(written_off_on=D("2025-03-19")))
    before = _counts(book)
    with pytest.raises(FormInvalid) as refused:
        _decide(book, proposed)
    assert refused.value.errors["decision"][0] == "cls.err.written_off"
    assert _counts(book) == before


def test_every_problem_at_once_and_the_same_form_twice_writes_once(book: Engine) -> None:
    with pytest.raises(FormInvalid) as refused:
        _propose(book, cls="normal", reason="", triggers=[])
    assert set(refused.value.errors) == {"classification", "reason", "triggers"}
    first = _propose(book, token="same")
    before = _counts(book)
    again = _propose(book, token="same")
    assert again.duplicate and again.record_key == first.record_key
    assert _counts(book) == before
    with pytest.raises(FormInvalid) as second:  # one pending proposal per loan
        _propose(book, cls="loss", token="other")
    assert second.value.errors["loan_id"][0] == "cls.err.pending_exists"


def test_a_user_without_a_staff_record_may_neither_propose_nor_decide(book: Engine) -> None:
    proposed = _propose(book)
    before = _counts(book)
    for call in (
        lambda: _propose(book, "A", actor=Actor("o9", "officer", branch_id="B11")),
        lambda: _decide(book, proposed, actor=Actor("r9", "risk_manager", branch_id="B1")),
    ):
        with pytest.raises(NotAllowed) as refused:
            call()
        assert refused.value.key == "ovr.err.no_staff"
    assert _counts(book) == before
