"""Issue 22: the audit log is a hash chain. An untouched chain verifies; a row edited, deleted or slipped in
is found at that row (or, once the attacker recomputed its hash, at the row after it); concurrent writers
still make one chain; `postloan audit verify` exits 0 or 1; migration 0017 chains the rows it finds."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from dashboard.actor import Actor
from dashboard.cli import main
from dashboard.work import audit
from dashboard.work.audit import GENESIS, append_entries, entry_hash, verify, write_audit
from db.models import AuditEntry
from tests.conftest import url_of

WRITER = Actor("r1", "risk_manager", name="R1")
ROWS = 6
MIDDLE = 3  # the entry a test tampers with: rows before it stay intact


def _entry(n: int) -> dict:
    return {
        "at": datetime(2025, 3, 1, 9, n, n, 1000 * n),
        "username": f"user{n}",
        "action": "insert",
        "table_name": "visits",
        "record_key": f"V{n}",
        "before": None if n % 2 else '{"notes": "旧"}',
        "after": '{"notes": "走访 ' + str(n) + '"}',
    }


@pytest.fixture
def chain(engine: Engine) -> Engine:
    with engine.begin() as conn:
        append_entries(conn, [_entry(n) for n in range(1, ROWS + 1)])
    return engine


def _ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return conn.execute(select(AuditEntry.entry_id).order_by(AuditEntry.entry_id)).scalars().all()


def _verify(engine: Engine, expect: tuple[int, str] | None = None) -> audit.Verified:
    with engine.connect() as conn:
        return verify(conn, expect=expect)


def test_an_untouched_chain_verifies(chain: Engine) -> None:
    with chain.begin() as conn:  # and rows written the usual way follow on
        write_audit(
            conn, WRITER, "update", "visits", "V1", {"amount": 1}, {"amount": 2, "on": datetime(2025, 3, 2)}
        )
    found = _verify(chain)
    with chain.connect() as conn:
        rows = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.entry_id)).all()
    assert found.ok and found.rows == ROWS + 1 == len(rows)
    assert (found.head_id, found.head_hash) == (rows[-1].entry_id, rows[-1].row_hash)
    assert rows[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.row_hash for earlier, later in itertools.pairwise(rows))
    # The hash is of what the database gives back: the same on both databases for the same rows.
    assert rows[0].row_hash == entry_hash(GENESIS, _entry(1))


def test_an_empty_log_verifies(engine: Engine) -> None:
    found = _verify(engine)
    assert found.ok and (found.rows, found.head_id, found.head_hash) == (0, None, GENESIS)


@pytest.mark.parametrize(
    "change",
    [
        {"after": '{"notes": "changed"}'},
        {"username": "someone else"},
        {"at": datetime(2025, 3, 1, 9, 3, 3, 3001)},  # a millisecond later
        {"before": "{}"},
    ],
)
def test_an_edited_row_is_found_at_that_row(chain: Engine, change: dict) -> None:
    target = _ids(chain)[MIDDLE - 1]
    with chain.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.entry_id == target).values(**change))
    found = _verify(chain)
    assert (found.broken_id, found.problem, found.rows) == (target, "content", MIDDLE - 1)


def test_an_edited_row_with_its_hash_recomputed_is_found_at_the_next_row(chain: Engine) -> None:
    ids = _ids(chain)
    with chain.begin() as conn:
        row = conn.execute(select(AuditEntry.__table__).where(AuditEntry.entry_id == ids[MIDDLE - 1])).one()
        forged = dict(row._mapping) | {"after": '{"notes": "changed"}'}
        conn.execute(
            update(AuditEntry)
            .where(AuditEntry.entry_id == row.entry_id)
            .values(after=forged["after"], row_hash=entry_hash(row.prev_hash, forged))
        )
    found = _verify(chain)
    assert (found.broken_id, found.problem) == (ids[MIDDLE], "link")


def test_a_deleted_row_is_found_at_the_row_after_it(chain: Engine) -> None:
    ids = _ids(chain)
    with chain.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.entry_id == ids[MIDDLE - 1]))
    found = _verify(chain)
    assert (found.broken_id, found.problem, found.rows) == (ids[MIDDLE], "link", MIDDLE - 1)


def test_deleting_the_last_rows_is_found_only_against_a_head_kept_elsewhere(chain: Engine) -> None:
    head = _verify(chain)
    with chain.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.entry_id == head.head_id))
    assert _verify(chain).ok  # a shorter chain is still a chain
    found = _verify(chain, expect=(head.head_id, head.head_hash))  # type: ignore[arg-type]
    assert not found.ok and found.expected_missing and found.broken_id is None


def _make_room(conn: Connection, after: int) -> None:
    """Move the rows after `after` up by 100, so a row can be slipped in after it."""
    conn.execute(
        update(AuditEntry).where(AuditEntry.entry_id > after).values(entry_id=AuditEntry.entry_id + 100)
    )


def test_a_row_slipped_in_is_found_at_that_row(chain: Engine) -> None:
    before = _ids(chain)[MIDDLE - 1]
    forged = _entry(50) | {"entry_id": before + 1, "prev_hash": "f" * 64, "row_hash": "e" * 64}
    with chain.begin() as conn:
        _make_room(conn, before)
        conn.execute(insert(AuditEntry).values(**forged))
    found = _verify(chain)
    assert (found.broken_id, found.problem, found.rows) == (before + 1, "link", MIDDLE)


def test_a_row_slipped_in_with_the_right_link_is_refused_by_the_schema(chain: Engine) -> None:
    """The forger's row would follow the same row as the real next one: the unique prev_hash refuses it (and
    were the constraint dropped, the real next row's link would no longer match)."""
    before = _ids(chain)[MIDDLE - 1]
    with chain.connect() as conn:
        link = conn.scalar(select(AuditEntry.row_hash).where(AuditEntry.entry_id == before))
    forged = _entry(50) | {
        "entry_id": before + 1,
        "prev_hash": link,
        "row_hash": entry_hash(link, _entry(50)),
    }
    with pytest.raises(IntegrityError), chain.begin() as conn:
        _make_room(conn, before)
        conn.execute(insert(AuditEntry).values(**forged))
    assert _verify(chain).ok  # rolled back as a whole


def test_a_rewritten_chain_verifies_but_not_against_the_head_kept_elsewhere(chain: Engine) -> None:
    head = _verify(chain)
    ids = _ids(chain)
    with chain.begin() as conn:  # edit a row and recompute every hash from it on, as an attacker could
        conn.execute(update(AuditEntry).where(AuditEntry.entry_id == ids[MIDDLE - 1]).values(after="{}"))
        prev = conn.scalar(select(AuditEntry.row_hash).where(AuditEntry.entry_id == ids[MIDDLE - 2]))
        for row in conn.execute(
            select(AuditEntry.__table__)
            .where(AuditEntry.entry_id >= ids[MIDDLE - 1])
            .order_by(AuditEntry.entry_id)
        ).all():
            row_hash = entry_hash(prev, row._mapping)
            conn.execute(
                update(AuditEntry)
                .where(AuditEntry.entry_id == row.entry_id)
                .values(prev_hash=prev, row_hash=row_hash)
            )
            prev = row_hash
    assert _verify(chain).ok
    assert _verify(chain, expect=(head.head_id, head.head_hash)).expected_missing  # type: ignore[arg-type]
    earlier = _hash_of(chain, ids[MIDDLE - 2])
    assert _verify(chain, expect=(ids[MIDDLE - 2], earlier)).ok  # rows before the edit are as they were


def _hash_of(engine: Engine, entry_id: int) -> str:
    with engine.connect() as conn:
        return conn.scalar(select(AuditEntry.row_hash).where(AuditEntry.entry_id == entry_id))  # type: ignore[return-value]


def test_the_cli_says_ok_or_names_the_first_broken_row(
    chain: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(chain))
    ids = _ids(chain)
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    head = f"{ids[-1]}:{_hash_of(chain, ids[-1])}"
    assert out == f"audit log OK: {ROWS} row(s); head {head}\n"
    assert main(["audit", "verify", "--expect", head]) == 0
    assert main(["audit", "verify", "--expect", f"{ids[-1]}:{'a' * 64}"]) == 1
    assert f"entry {ids[-1]} is not the expected head" in capsys.readouterr().err
    assert main(["audit", "verify", "--expect", "12:abc"]) == 2
    assert "is not ENTRY_ID:HASH" in capsys.readouterr().err
    with chain.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.entry_id == ids[MIDDLE - 1]).values(action="delete"))
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"broken at entry {ids[MIDDLE - 1]}: its content does not match its hash" in err
    assert f"{MIDDLE - 1} row(s) before it are intact" in err


WRITERS = 6
EACH = 5


def _race(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Threads append at once, each in its own transaction begun without a write (as the unmask and the
    failed sign-in do); reading the head is slowed, where two writers would otherwise both read it."""
    head = audit._head

    def slow_head(conn: Connection) -> str:
        found = head(conn)
        time.sleep(0.01)
        return found

    monkeypatch.setattr(audit, "_head", slow_head)
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        start.wait()
        for k in range(EACH):
            try:
                with engine.begin() as conn:
                    conn.execute(select(1))  # a read first, as a save's checks do
                    write_audit(conn, WRITER, "insert", "visits", f"W{n}-{k}", None, {"n": n, "k": k})
                    if k % 2:
                        write_audit(conn, WRITER, "update", "visits", f"W{n}-{k}", {"n": n}, {"k": k})
            except Exception as exc:
                failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return failures


def test_concurrent_writers_make_one_chain(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _race(engine, monkeypatch) == []
    found = _verify(engine)
    assert found.ok and found.rows == WRITERS * (EACH + EACH // 2)


def test_without_the_lock_writers_collide_and_the_schema_refuses_a_fork(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the lock prevents: two writers read the same head. The second row to follow it is refused (the
    unique prev_hash), so even then a race fails a save rather than forking the chain."""
    monkeypatch.setattr(audit, "lock_chain", lambda conn: None)
    failures = _race(engine, monkeypatch)
    assert failures and all(isinstance(exc, IntegrityError) for exc in failures)
    found = _verify(engine)
    assert found.ok and found.rows > 0


def test_migration_0017_chains_the_rows_already_there(engine: Engine) -> None:
    from alembic import command

    from db.migrate import alembic_config

    config = alembic_config(engine)
    command.downgrade(config, "0015")
    with engine.begin() as conn:
        for n in range(1, ROWS + 1):
            entry = _entry(n)
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, username, action, table_name, record_key, before, after) "
                    "VALUES (:at, :username, :action, :table_name, :record_key, :before, :after)"
                ),
                entry,
            )
    command.upgrade(config, "head")
    found = _verify(engine)
    assert found.ok and found.rows == ROWS
    with engine.begin() as conn:  # and new rows follow on from the migrated head
        write_audit(conn, WRITER, "insert", "visits", "V9", None, {})
    assert _verify(engine).rows == ROWS + 1
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(update(AuditEntry).values(prev_hash=None))
