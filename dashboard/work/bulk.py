"""Bulk upload of collection actions and visits (issue 4 item 7), for agencies that keep their own records,
and of legal cases (issue 18), for asset preservation and risk managers who keep a lawyer's case list.

A file is checked like a file of the core-banking extract (the importer's parse and reference steps, so
the same `file:line: column: what is wrong` reports), then row by row against the rules of the form the
record would otherwise be entered with (issue 22 item 5): the form's permission (collection actions need
"collection_action", visits "visit"), only loans in the uploader's scope, records credited to the uploader
(an agency acts as itself; only a role with "credit_others" credits a staff member of its own branch
subtree), no work dated before the loan's disbursement or 2000-01-01, contact hours and the promise and
follow-up horizons of the settings, the calls-per-day limit, and only new records (an upload adds, it never
replaces). Any problem and nothing is written; otherwise one transaction through `saving.save` writes every
record with one audit row each, which names whom the record is credited to.

Legal cases go row by row through the case form's own checks and writes (dashboard.work.legal.case_changes:
the loan in scope, the stage rules, amounts that add up), in the one transaction: a row whose case_id is
stored updates that case (on the same loan), a new one opens it under the file's id, and every stage change
is a row of the case's timeline. Any row refused and nothing is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from dashboard import clock
from dashboard.access import branch_subtree, loan_condition
from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.i18n import translate
from dashboard.importer.parse import parse_file
from dashboard.importer.problems import FILE_LEVEL, ExtractInvalid, Problem
from dashboard.importer.read import Source, decode, records
from dashboard.importer.references import check_references
from dashboard.importer.spec import SPECS, FileSpec
from dashboard.work.access import can, require
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.legal import CaseForm, case_changes
from dashboard.work.saving import Change, save
from dashboard.work.visits import EARLIEST_WORK
from db.models import Base, CollectionAction, Contact, LegalCase, Loan, Staff

KINDS = ("collection_actions", "visits", "legal_cases")
# The permission of the form each kind of record is otherwise entered with.
FORM_PERMISSION = {"collection_actions": "collection_action", "visits": "visit", "legal_cases": "legal_case"}
MAX_ROWS = 5000  # one audit row per record: bigger files belong to the core-banking import
_CHUNK = 500  # keys per IN (...) query


def kinds_for(actor: Actor) -> tuple[str, ...]:
    """What the user may upload: the kinds whose form their role may use. An agency uploads actions only
    (a visit names a staff member; check_upload explains it to one who tries)."""
    if actor.role == "agency":
        return ("collection_actions",)
    return tuple(kind for kind in KINDS if can(actor, FORM_PERMISSION[kind]))


@dataclass
class UploadSummary:
    rows: dict[str, int] = field(default_factory=dict)  # table -> records written
    duplicate: bool = False  # this upload had been written before: nothing new


@dataclass
class CheckedUpload:
    records: list[dict[str, Any]]
    problems: list[Problem]


def template_csv(kind: str, *, today: date, note: str, loan_id: str, staff_id: str | None = None) -> bytes:
    """A CSV to fill in for `kind`: the header row the upload checks (the importer's names for the file's
    columns) and one example row that passes the form's rules for a loan in the uploader's scope: a call
    with a promise to pay a week later, or a phone visit, on `today`. UTF-8 with a byte-order mark, so Excel
    opens it right and the upload reads it."""
    spec = SPECS[kind]
    if kind == "collection_actions":
        example = {
            "action_id": "AC-EXAMPLE-1",
            "loan_id": loan_id,
            "acted_at": f"{today.isoformat()} 10:30",
            "channel": "call",
            "result": "ptp",
            "ptp_amount": "1000.00",
            "ptp_on": (today + timedelta(days=7)).isoformat(),
            "info_repaired": "0",
            "notes": note,
        }
    elif kind == "legal_cases":
        example = {
            "case_id": "LC-EXAMPLE-1",
            "loan_id": loan_id,
            "filed_on": today.isoformat(),
            "stage": "filed",
            "claimed": "50000.00",
            "note": note,
        }
    else:
        example = {
            "visit_id": "V-EXAMPLE-1",
            "loan_id": loan_id,
            "visited_on": today.isoformat(),
            "method": "phone",
            "staff_id": staff_id or "",
            "content": note,
            "stage": "repayment",
        }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.names)
    writer.writerow([example.get(name, "") for name in spec.names])
    return buffer.getvalue().encode("utf-8-sig")


def upload_token(form_token: str, kind: str, data: bytes) -> str:
    """The idempotency token of one file uploaded from one rendered page: a double click or a resubmit
    writes once, while a different (corrected) file is a new upload."""
    digest = hashlib.sha256()
    for part in (form_token.encode(), kind.encode(), data):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def upload(
    engine: Engine,
    actor: Actor,
    kind: str,
    file_name: str,
    data: Source,
    token: str | None,
    config: Config,
    now: datetime | None = None,
) -> UploadSummary:
    """Check the file and write all its records, or raise ExtractInvalid with every problem and write
    nothing. NotAllowed for a user who may not upload."""
    moment = now or clock.now()

    def write(conn: Connection) -> list[Change]:
        require(actor, "bulk_upload")
        if kind == "legal_cases":
            return legal_case_changes(conn, actor, file_name, data, moment.date())
        checked = check_upload(conn, actor, kind, file_name, data, config, moment)
        if checked.problems:
            raise ExtractInvalid(checked.problems)
        table = Base.metadata.tables[kind]
        conn.execute(insert(table), checked.records)
        key = SPECS[kind].key[0]
        return [
            Change("insert", kind, record[key], None, record | {"credited_to": credited_to(record)})
            for record in checked.records
        ]

    saved = save(engine, actor, token, write)
    if saved.duplicate:
        return UploadSummary(duplicate=True)
    # The records of the file's kind (a case's timeline rows are audited, not counted).
    return UploadSummary(rows=dict(Counter(change.table for change in saved.changes if change.table == kind)))


def credited_to(record: dict[str, Any]) -> str | None:
    """Whom a record is credited to: its staff member, else its agency."""
    return record.get("staff_id") or record.get("agency_id")


def check_upload(
    conn: Connection,
    actor: Actor,
    kind: str,
    file_name: str,
    data: Source,
    config: Config,
    now: datetime,
) -> CheckedUpload:
    """Every problem of the file, reported under the uploaded file's name, and the records to write."""
    if kind not in KINDS:
        raise ValueError(f"unknown upload kind {kind!r} (expected one of {', '.join(KINDS)})")
    spec = SPECS[kind]
    if actor.role != "agency" or kind != "visits":  # an agency's visits get the explanation below
        require(actor, FORM_PERMISSION[kind])
    if actor.role == "agency":
        if not actor.agency_id:
            raise NotAllowed("action.err.no_actor")
        if kind == "visits":
            # visits.staff_id is required and names a staff member; an agency's people are not staff.
            message = (
                "an agency cannot upload visits (a visit names the staff member who made it); "
                "upload field visits as collection actions with channel field_visit"
            )
            return CheckedUpload([], [Problem(file_name, 1, FILE_LEVEL, message)])
        spec = _blank_means(spec, "agency_id", actor.agency_id)

    problems: list[Problem] = []
    parsed = parse_file(spec, decode(spec.file_name, data, problems), problems)
    before = len(problems)
    check_references(conn, {kind: parsed}, set(), problems)
    # Loans (and for an agency, who acted) are checked against the user's scope below, with one message
    # for an unknown loan and a loan of someone else's, so an upload cannot probe which loans exist.
    hidden = {"loan_id", "staff_id", "agency_id"} if actor.role == "agency" else {"loan_id"}

    def shown(problem: Problem) -> bool:
        if problem.file == spec.file_name:
            return problem.column not in hidden
        # "missing, and the database holds no staff": kept for staff, whose rows would not be reported
        return actor.role != "agency" and problem.file != SPECS["loans"].file_name

    problems[before:] = [p for p in problems[before:] if shown(p)]
    rows = [dict(zip(spec.names, row, strict=True)) for row in parsed.rows]
    lines = parsed.lines
    if not rows and not problems:
        problems.append(Problem(spec.file_name, 1, FILE_LEVEL, "no records below the header"))
    if len(rows) > MAX_ROWS:
        message = f"{len(rows)} records; at most {MAX_ROWS} per upload (split the file)"
        problems.append(Problem(spec.file_name, 1, FILE_LEVEL, message))
    else:
        in_scope = _in_scope(conn, actor, {r["loan_id"] for r in rows if r["loan_id"]}, now)
        creditable = _creditable(conn, actor)
        problems += _row_problems(spec, actor, rows, lines, in_scope, config, now)
        # A cell the importer's checks already found wrong (an unknown staff id, a time outside the
        # schema's hours) is reported once.
        flagged = {(p.line, p.column) for p in problems}
        rules = _form_rules(spec, actor, rows, lines, in_scope, creditable, config)
        problems += [p for p in rules if (p.line, p.column) not in flagged]
        problems += _existing(conn, spec, rows, lines)
        if kind == "collection_actions":
            problems += _foreign_contacts(conn, spec, rows, lines, in_scope)
            problems += _too_many_calls(conn, spec, rows, lines, in_scope, config)

    names = spec.names
    problems.sort(key=lambda p: (p.line, names.index(p.column) if p.column in names else -1))
    # The importer names problems after the extract's file; the user knows their file by its own name.
    problems = [replace(p, file=file_name) if p.file == spec.file_name else p for p in problems]
    return CheckedUpload(rows, problems)


# The case form's fields by the file's column: a stage's reason is the row's note, as in the import.
_CASE_COLUMN = {"reason": "note"}
# The form's rules the importer's row rules also make, by the column the importer reports them under: one
# message for one mistake.
_SAME_RULE = {"legal.err.above_awarded": "recovered", "legal.err.filed_on": "filed_on"}


def legal_case_changes(
    conn: Connection, actor: Actor, file_name: str, data: Source, today: date
) -> list[Change]:
    """Check and write every row of a legal_cases.csv through the case form (case_changes), in the caller's
    transaction; raise ExtractInvalid with every problem, by line and column in English, when any row is
    refused (the caller's transaction then rolls back what earlier rows wrote)."""
    require(actor, "legal_case")
    spec = SPECS["legal_cases"]
    problems: list[Problem] = []
    parsed = parse_file(spec, decode(spec.file_name, data, problems), problems)
    before = len(problems)
    check_references(conn, {"legal_cases": parsed}, set(), problems)
    # An unknown loan reads as one outside the scope, below, so an upload cannot probe which loans exist.
    problems[before:] = [
        p for p in problems[before:] if not (p.file == spec.file_name and p.column == "loan_id")
    ]
    rows = [dict(zip(spec.names, row, strict=True)) for row in parsed.rows]
    changes: list[Change] = []
    if not rows and not problems:
        problems.append(Problem(spec.file_name, 1, FILE_LEVEL, "no records below the header"))
    elif len(rows) > MAX_ROWS:
        message = f"{len(rows)} records; at most {MAX_ROWS} per upload (split the file)"
        problems.append(Problem(spec.file_name, 1, FILE_LEVEL, message))
    else:
        stored = {
            case_id
            for chunk in _chunks(sorted({r["case_id"] for r in rows if r["case_id"]}))
            for case_id in conn.scalars(select(LegalCase.case_id).where(LegalCase.case_id.in_(chunk)))
        }
        for row, line in zip(rows, parsed.lines, strict=True):
            flagged = {p.column for p in problems if p.line == line}
            if row["loan_id"] is None or row["case_id"] is None:
                continue  # reported by the parse: nothing to check the form's rules against
            update = row["case_id"] in stored
            form = CaseForm(
                loan_id=row["loan_id"],
                stage=row["stage"],
                case_id=row["case_id"] if update else None,
                **{name: row[name] for name in _CASE_FIELDS},
                reason=row["note"],
            )
            try:
                changes += case_changes(conn, actor, form, today, open_as=row["case_id"], write=not flagged)
            except FormInvalid as exc:
                problems += [
                    Problem(spec.file_name, line, _CASE_COLUMN.get(field, field), translate(k, "en", **v))
                    for field, (k, v) in exc.errors.items()
                    if _CASE_COLUMN.get(field, field) not in flagged and _SAME_RULE.get(k) not in flagged
                ]
            except NotAllowed as exc:
                column = "case_id" if exc.key == "legal.err.no_case" else "loan_id"
                text = (
                    str(exc)
                    if column == "case_id"
                    else f"loan {row['loan_id']!r} is not one of yours (or does not exist)"
                )
                problems.append(Problem(spec.file_name, line, column, text))
    if problems:
        names = spec.names
        problems.sort(key=lambda p: (p.line, names.index(p.column) if p.column in names else -1))
        raise ExtractInvalid(
            [replace(p, file=file_name) if p.file == spec.file_name else p for p in problems]
        )
    return changes


_CASE_FIELDS = (
    "filed_on",
    "court",
    "case_number",
    "claimed",
    "awarded",
    "recovered",
    "costs",
    "lawyer",
    "agency_id",
    "next_hearing_on",
    "note",
)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _blank_means(spec: FileSpec, column: str, value: str) -> FileSpec:
    columns = tuple(replace(c, default=value) if c.name == column else c for c in spec.columns)
    return replace(spec, columns=columns)


def _in_scope(conn: Connection, actor: Actor, loan_ids: Iterable[str], now: datetime) -> dict[str, date]:
    """The loans of the file in the uploader's scope, with their disbursement dates."""
    wanted = sorted(loan_ids)
    found: dict[str, date] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(Loan.loan_id, Loan.disbursed_on).where(
            Loan.loan_id.in_(wanted[start : start + _CHUNK]), loan_condition(actor, now.date())
        )
        found.update({loan_id: disbursed_on for loan_id, disbursed_on in conn.execute(query)})
    return found


def _creditable(conn: Connection, actor: Actor) -> set[str] | None:
    """The staff ids a record of this uploader may be credited to: their own, or with "credit_others" the
    staff of their branch subtree (None: any staff member, for one whose scope is the whole book)."""
    if not can(actor, "credit_others"):
        return {actor.staff_id} if actor.staff_id else set()
    if not actor.branch_id:
        return None
    return set(
        conn.scalars(select(Staff.staff_id).where(Staff.branch_id.in_(branch_subtree(actor.branch_id))))
    )


def _form_rules(
    spec: FileSpec,
    actor: Actor,
    rows: list[dict[str, Any]],
    lines: list[int],
    in_scope: dict[str, date],
    creditable: set[str] | None,
    config: Config,
) -> list[Problem]:
    """The checks of the visit and action forms that the importer's parse does not make, per row."""
    file = spec.file_name
    found: list[Problem] = []
    start, end = time(config.contact_from_hour), time(config.contact_to_hour)
    for row, line in zip(rows, lines, strict=True):
        staff_id = row.get("staff_id")
        if (
            staff_id is not None
            and actor.role != "agency"
            and creditable is not None
            and staff_id not in creditable
        ):
            message = f"{staff_id!r} is not yours to credit: a record names its uploader" + (
                " or a staff member of your branches" if can(actor, "credit_others") else ""
            )
            found.append(Problem(file, line, "staff_id", message))
        if spec.table == "collection_actions" and actor.role != "agency" and row.get("agency_id") is not None:
            found.append(Problem(file, line, "agency_id", "only the agency itself uploads its actions"))
        disbursed_on = in_scope.get(row["loan_id"])
        day_column = "visited_on" if spec.table == "visits" else "acted_at"
        moment = row[day_column]
        if moment is None:
            continue
        day = moment if spec.table == "visits" else moment.date()
        first = max(disbursed_on, EARLIEST_WORK) if disbursed_on else EARLIEST_WORK
        if day < first:
            found.append(
                Problem(file, line, day_column, f"{day} is before {first} (the loan's disbursement)")
            )
        if spec.table == "visits":
            follow_up = row.get("next_follow_up_on")
            last = day + timedelta(days=config.follow_up_max_days)
            if follow_up is not None and follow_up > last:
                message = f"{follow_up} is more than {config.follow_up_max_days} days after the visit"
                found.append(Problem(file, line, "next_follow_up_on", message))
            continue
        if not start <= moment.time() <= end:
            message = f"{moment:%H:%M} is outside contact hours ({start:%H:%M}-{end:%H:%M})"
            found.append(Problem(file, line, "acted_at", message))
        if row["ptp_on"] is not None and row["ptp_on"] <= day:
            found.append(Problem(file, line, "ptp_on", f"{row['ptp_on']} is not after the contact day {day}"))
    return found


def _row_problems(
    spec: FileSpec,
    actor: Actor,
    rows: list[dict[str, Any]],
    lines: list[int],
    in_scope: Collection[str],
    config: Config,
    now: datetime,
) -> list[Problem]:
    file = spec.file_name
    found: list[Problem] = []
    for row, line in zip(rows, lines, strict=True):
        loan_id = row["loan_id"]
        if loan_id and loan_id not in in_scope:
            found.append(
                Problem(file, line, "loan_id", f"loan {loan_id!r} is not one of yours (or does not exist)")
            )
        if spec.table == "visits":
            if row["visited_on"] and row["visited_on"] > now.date():
                found.append(Problem(file, line, "visited_on", f"{row['visited_on']} is after today"))
            continue
        if actor.role == "agency":
            if row["staff_id"] is not None:
                found.append(Problem(file, line, "staff_id", "must be blank in an agency's upload"))
            if row["agency_id"] is not None and row["agency_id"] != actor.agency_id:
                message = f"{row['agency_id']!r} is not your agency ({actor.agency_id}); leave it blank"
                found.append(Problem(file, line, "agency_id", message))
        acted_at, ptp_on = row["acted_at"], row["ptp_on"]
        if acted_at is None:
            continue
        if acted_at > now:
            found.append(Problem(file, line, "acted_at", f"{acted_at:%Y-%m-%d %H:%M} is later than now"))
        last = acted_at.date() + timedelta(days=config.ptp_max_days)
        if ptp_on is not None and ptp_on > last:
            message = f"{ptp_on} is more than {config.ptp_max_days} days after the contact (at most {last})"
            found.append(Problem(file, line, "ptp_on", message))
    return found


def _existing(
    conn: Connection, spec: FileSpec, rows: list[dict[str, Any]], lines: list[int]
) -> list[Problem]:
    key = spec.key[0]
    column = Base.metadata.tables[spec.table].c[key]
    wanted = sorted({r[key] for r in rows if r[key] is not None})
    stored: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        stored.update(conn.scalars(select(column).where(column.in_(wanted[start : start + _CHUNK]))))
    message = "{!r} already exists (an upload adds records; it does not replace them)"
    return [
        Problem(spec.file_name, line, key, message.format(row[key]))
        for row, line in zip(rows, lines, strict=True)
        if row[key] in stored
    ]


def _foreign_contacts(
    conn: Connection, spec: FileSpec, rows: list[dict[str, Any]], lines: list[int], in_scope: set[str]
) -> list[Problem]:
    """A contact named on an action must be one of the loan's customer's contacts."""
    named = {(row["loan_id"], row["contact_id"]) for row in rows if row.get("contact_id") and row["loan_id"]}
    named = {pair for pair in named if pair[0] in in_scope}
    if not named:
        return []
    loans = sorted({loan for loan, _ in named})
    known: set[tuple[str, str]] = set()
    for start in range(0, len(loans), _CHUNK):
        query = (
            select(Loan.loan_id, Contact.contact_id)
            .join(Contact, Contact.customer_id == Loan.customer_id)
            .where(Loan.loan_id.in_(loans[start : start + _CHUNK]))
        )
        known.update((loan, contact) for loan, contact in conn.execute(query))
    return [
        Problem(
            spec.file_name,
            line,
            "contact_id",
            f"{row['contact_id']!r} is not a contact of loan {row['loan_id']!r}",
        )
        for row, line in zip(rows, lines, strict=True)
        if (row["loan_id"], row.get("contact_id")) in named
        and (row["loan_id"], row["contact_id"]) not in known
    ]


def _too_many_calls(
    conn: Connection,
    spec: FileSpec,
    rows: list[dict[str, Any]],
    lines: list[int],
    in_scope: Collection[str],
    config: Config,
) -> list[Problem]:
    """At most config.max_calls_per_day calls per loan, number called (the borrower's, or a contact's) and
    calendar day, counting the stored calls and the file's. Not a CHECK constraint (it counts across rows),
    so it is enforced here in the write's transaction, with the loans locked as in the action form."""
    calls = [
        (row["loan_id"], row.get("contact_id"), row["acted_at"].date(), line)
        for row, line in zip(rows, lines, strict=True)
        if row["channel"] == "call" and row["loan_id"] in in_scope and row["acted_at"] is not None
    ]
    if not calls:
        return []
    loans = sorted({loan for loan, _, _, _ in calls})
    first = datetime.combine(min(day for _, _, day, _ in calls), time())
    last = datetime.combine(max(day for _, _, day, _ in calls), time()) + timedelta(days=1)
    stored: Counter[tuple[str, str | None, Any]] = Counter()
    for start in range(0, len(loans), _CHUNK):
        chunk = loans[start : start + _CHUNK]
        conn.execute(select(Loan.loan_id).where(Loan.loan_id.in_(chunk)).with_for_update())
        query = select(
            CollectionAction.loan_id, CollectionAction.contact_id, CollectionAction.acted_at
        ).where(
            CollectionAction.loan_id.in_(chunk),
            CollectionAction.channel == "call",
            CollectionAction.acted_at >= first,
            CollectionAction.acted_at < last,
        )
        stored.update((loan, contact, acted_at.date()) for loan, contact, acted_at in conn.execute(query))
    seen: Counter[tuple[str, str | None, Any]] = Counter()
    found = []
    for loan, contact, day, line in calls:
        key = (loan, contact, day)
        seen[key] += 1
        number = stored[key] + seen[key]
        if number > config.max_calls_per_day:
            whom = f"contact {contact!r}" if contact else "the borrower"
            message = (
                f"call number {number} to {whom} of loan {loan!r} on {day}: at most "
                f"{config.max_calls_per_day} a day per number ({stored[key]} already recorded)"
            )
            found.append(Problem(spec.file_name, line, "channel", message))
    return found


def preview(data: Source, limit: int = 10) -> pd.DataFrame:
    """The header and first rows of a file as text, whatever is wrong with it (bad bytes show as �)."""
    ignored: list[Problem] = []
    rows = records("upload", decode("upload", data, ignored), ignored)
    header = next(rows, None)
    if header is None:
        return pd.DataFrame()
    names: list[str] = []
    for i, raw in enumerate(header[1]):
        name = raw.strip() or f"({i + 1})"
        names.append(name if name not in names else f"{name} ({i + 1})")
    body = []
    for _, fields in rows:
        body.append([*fields[: len(names)], *[""] * (len(names) - len(fields))])
        if len(body) >= limit:
            break
    return pd.DataFrame(body, columns=names, dtype=str)
