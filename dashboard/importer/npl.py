"""Checks and timeline rows of the NPL disposal files (issue 18) that need what the database holds: a legal
case moved back to an earlier stage needs a note as its reason, a written-off loan cannot be restructured;
every stage an imported case enters is a row of its timeline (legal_case_stages); a write-off approved in the
app stays while the extract has not booked it (keep_approved_writeoffs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from dashboard import clock
from dashboard.importer.parse import ParsedFile, Row
from dashboard.importer.problems import Problem
from dashboard.importer.spec import SPECS
from dashboard.kpi.data_dates import IMPORT_ACTOR
from db.models import LegalCase, LegalCaseStage, Loan, WriteoffProposal
from db.models.enums import LEGAL_STAGES

_CHUNK = 500


def _stored(conn: Connection, column: Any, key: Any, values: Sequence[str]) -> dict[str, Any]:
    """key -> column of the stored rows whose key is among values."""
    found: dict[str, Any] = {}
    unique = sorted(set(values))
    for start in range(0, len(unique), _CHUNK):
        rows = conn.execute(select(key, column).where(key.in_(unique[start : start + _CHUNK])))
        found.update({k: v for k, v in rows})
    return found


def check_npl_files(conn: Connection, parsed: dict[str, ParsedFile], problems: list[Problem]) -> None:
    if "legal_cases" in parsed:
        _check_stages(conn, parsed["legal_cases"], problems)
    if "restructurings" in parsed:
        _check_restructurings(conn, parsed, problems)


def _check_stages(conn: Connection, cases: ParsedFile, problems: list[Problem]) -> None:
    names = cases.spec.names
    at_id, at_stage, at_note = names.index("case_id"), names.index("stage"), names.index("note")
    rank = {stage: n for n, stage in enumerate(LEGAL_STAGES)}
    ids = [row[at_id] for row in cases.rows if row[at_id] is not None]
    before = _stored(conn, LegalCase.stage, LegalCase.case_id, ids)
    for row, line in zip(cases.rows, cases.lines, strict=True):
        old, new = before.get(row[at_id]), row[at_stage]
        if old is None or new is None or rank[new] >= rank[str(old)] or (row[at_note] or "").strip():
            continue
        message = f"moves case {row[at_id]!r} back from {old} to {new}, and note is blank (give the reason)"
        problems.append(Problem(cases.spec.file_name, line, "stage", message))


def _check_restructurings(conn: Connection, parsed: dict[str, ParsedFile], problems: list[Problem]) -> None:
    rows = parsed["restructurings"]
    names = rows.spec.names
    at_loan, at_on = names.index("loan_id"), names.index("restructured_on")
    loans = [row[at_loan] for row in rows.rows if row[at_loan] is not None]
    written_off = _stored(conn, Loan.written_off_on, Loan.loan_id, loans)
    if "loans" in parsed:  # the extract's own loans replace the stored ones
        loan_names = SPECS["loans"].names
        at_id, at_off = loan_names.index("loan_id"), loan_names.index("written_off_on")
        written_off |= {row[at_id]: row[at_off] for row in parsed["loans"].rows}
        # A blank written_off_on keeps a write-off approved in the app (keep_approved_writeoffs).
        approved = _approved_writeoffs(conn, loans)
        written_off |= {k: v for k, v in approved.items() if written_off.get(k) is None}
    for row, line in zip(rows.rows, rows.lines, strict=True):
        off = written_off.get(row[at_loan])
        if isinstance(off, date) and row[at_on] is not None and off <= row[at_on]:
            message = (
                f"loan {row[at_loan]!r} is written off on {off}: a written-off loan cannot be restructured"
            )
            problems.append(Problem(rows.spec.file_name, line, "loan_id", message))


def stages_before(conn: Connection, rows: Sequence[Row]) -> dict[str, str]:
    """The stored stage of each case the rows write (call before writing them)."""
    at_id = SPECS["legal_cases"].names.index("case_id")
    return {
        str(k): str(v)
        for k, v in _stored(conn, LegalCase.stage, LegalCase.case_id, [r[at_id] for r in rows]).items()
    }


def write_stage_changes(conn: Connection, rows: Sequence[Row], before: dict[str, str]) -> None:
    """A timeline row, dated today, for each case the import opened or moved to another stage; its reason
    is the row's note."""
    names = SPECS["legal_cases"].names
    at_id, at_stage, at_note = names.index("case_id"), names.index("stage"), names.index("note")
    today = clock.today()
    changes = [
        {
            "case_id": row[at_id],
            "changed_on": today,
            "from_stage": before.get(row[at_id]),
            "to_stage": row[at_stage],
            "reason": (row[at_note] or "").strip() or None,
            "username": IMPORT_ACTOR.username,
        }
        for row in rows
        if before.get(row[at_id]) != row[at_stage]
    ]
    if changes:
        conn.execute(insert(LegalCaseStage), changes)


def _approved_writeoffs(conn: Connection, loans: Sequence[str]) -> dict[str, Any]:
    """loan_id -> the write-off day approved in the app, for those of the loans that have one."""
    p = WriteoffProposal
    found: dict[str, Any] = {}
    unique = sorted(set(loans))
    for start in range(0, len(unique), _CHUNK):
        rows = conn.execute(
            select(p.loan_id, p.written_off_on).where(
                p.loan_id.in_(unique[start : start + _CHUNK]), p.status == "approved"
            )
        )
        found.update({k: v for k, v in rows})
    return found


def keep_approved_writeoffs(conn: Connection) -> int:
    """Put back the write-off day of a write-off approved in the app on each loan the import left without
    one: the core system has not booked it yet, and the approval stands (an extract that gives the loan a
    write-off day of its own is taken as booked and wins). Returns the loans put back. A loan whose
    disbursement the extract moved after the approved day keeps its blank (the schema's CHECK)."""
    p = WriteoffProposal
    day = select(p.written_off_on).where(p.loan_id == Loan.loan_id, p.status == "approved").scalar_subquery()
    approved = (
        select(p.proposal_id)
        .where(p.loan_id == Loan.loan_id, p.status == "approved", p.written_off_on >= Loan.disbursed_on)
        .exists()
    )
    done = conn.execute(
        update(Loan).where(and_(Loan.written_off_on.is_(None), approved)).values(written_off_on=day)
    )
    return int(done.rowcount or 0)
