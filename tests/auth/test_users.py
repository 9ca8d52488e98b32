"""User management (dashboard.auth.users), on SQLite and PostgreSQL: bcrypt hashes only, every field
checked at once, audited without the hash, admin only."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select

from dashboard.actor import Actor
from dashboard.auth.passwords import MIN_LENGTH
from dashboard.auth.users import (
    NewUser,
    add_user,
    check_password,
    list_users,
    load_actor,
    reset_password,
    set_disabled,
    unlock,
)
from dashboard.work.errors import FormInvalid, NotAllowed
from db.models import AuditEntry, User
from tests.auth.conftest import ADMIN


def _user(**changes: str | None) -> NewUser:
    values: dict = {
        "username": "wang.wei",
        "name": "王伟",
        "role": "officer",
        "password": "correct horse",
        "staff_id": "O1",
    }
    return NewUser(**(values | changes))


def _row(engine: Engine, username: str):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(User.__table__).where(User.username == username)).first()


def test_add_stores_a_bcrypt_hash_and_audits_without_it(people: Engine) -> None:
    saved = add_user(people, ADMIN, _user())
    row = _row(people, "wang.wei")
    assert saved.record_key == "wang.wei"
    assert row.password_hash.startswith("$2b$") and "correct horse" not in row.password_hash
    assert check_password("correct horse", row.password_hash)
    assert not check_password("correct horsE", row.password_hash)
    with people.connect() as conn:
        audit = conn.execute(select(AuditEntry).where(AuditEntry.table_name == "users")).one()
        actor = load_actor(conn, "wang.wei")
    after = json.loads(audit.after)
    assert audit.username == "admin" and audit.action == "insert"
    assert "password_hash" not in after and "correct horse" not in audit.after
    assert after["role"] == "officer" and after["staff_id"] == "O1"
    assert actor == Actor("wang.wei", "officer", name="王伟", staff_id="O1")


def test_every_problem_is_reported_at_once_and_nothing_written(people: Engine) -> None:
    bad = NewUser("X y", " ", "boss", "short", staff_id="NOPE", agency_id=None, branch_id="B9")
    with pytest.raises(FormInvalid) as refused:
        add_user(people, ADMIN, bad)
    assert set(refused.value.errors) == {"username", "name", "role", "staff_id", "branch_id", "password"}
    assert refused.value.field_texts("en")["password"] == f"At least {MIN_LENGTH} characters"
    assert refused.value.field_texts("en")["staff_id"] == "NOPE does not exist"
    with people.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(AuditEntry)).scalar() == 0


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"role": "officer", "staff_id": None}, "staff_id", "Required for the role officer"),
        ({"role": "collector", "staff_id": None}, "staff_id", "Required for the role collector"),
        ({"role": "agency", "staff_id": None}, "agency_id", "Required for the role agency"),
        ({"password": " padded password "}, "password", "No spaces at the start or the end"),
        ({"password": "密" * 30}, "password", "At most 72 bytes"),
        ({"username": "Wang"}, "username", None),
    ],
)
def test_role_ties_and_password_rules(people: Engine, changes: dict, field: str, text: str | None) -> None:
    with pytest.raises(FormInvalid) as refused:
        add_user(people, ADMIN, _user(**changes))
    assert set(refused.value.errors) == {field}
    if text:
        assert refused.value.field_texts("en")[field] == text


def test_a_username_is_taken_once(people: Engine) -> None:
    add_user(people, ADMIN, _user())
    with pytest.raises(FormInvalid) as refused:
        add_user(people, ADMIN, _user(name="Another"))
    assert refused.value.field_texts("en") == {"username": "wang.wei already exists"}


@pytest.mark.parametrize("role", ["manager", "risk_manager", "officer", "collector", "agency", "auditor"])
def test_only_an_admin_manages_users(people: Engine, role: str) -> None:
    with pytest.raises(NotAllowed):
        add_user(people, Actor("someone", role, staff_id="O1"), _user())
    add_user(people, ADMIN, _user())
    with pytest.raises(NotAllowed):
        reset_password(people, Actor("someone", role), "wang.wei", "a new password")
    with pytest.raises(NotAllowed):
        set_disabled(people, Actor("someone", role), "wang.wei", True)


def test_reset_password_clears_the_lock(people: Engine) -> None:
    add_user(people, ADMIN, _user())
    with people.begin() as conn:
        conn.execute(User.__table__.update().values(failed_attempts=3, locked_until=func.now()))
    reset_password(people, ADMIN, "wang.wei", "brand new secret")
    row = _row(people, "wang.wei")
    assert check_password("brand new secret", row.password_hash)
    assert not check_password("correct horse", row.password_hash)
    assert (row.failed_attempts, row.locked_until) == (0, None)
    with people.connect() as conn:
        audit = conn.execute(select(AuditEntry).where(AuditEntry.action == "reset_password")).one()
    assert json.loads(audit.after)["password"] == "changed"
    assert "brand new secret" not in audit.after and "$2b$" not in audit.after


def test_disable_enable_unlock_and_list(people: Engine) -> None:
    add_user(people, ADMIN, _user())
    set_disabled(people, ADMIN, "wang.wei", True)
    with people.connect() as conn:
        assert load_actor(conn, "wang.wei") is None
        listed = list_users(conn)
    assert listed["disabled"].tolist() == [True]
    assert "password_hash" not in listed.columns
    set_disabled(people, ADMIN, "wang.wei", False)
    with people.begin() as conn:
        conn.execute(User.__table__.update().values(failed_attempts=4))
    unlock(people, ADMIN, "wang.wei")
    with people.connect() as conn:
        assert load_actor(conn, "wang.wei") is not None
        actions = conn.execute(select(AuditEntry.action).order_by(AuditEntry.entry_id)).scalars().all()
    assert _row(people, "wang.wei").failed_attempts == 0
    assert actions == ["insert", "disable", "enable", "unlock"]


def test_unknown_user_and_disabling_oneself_are_refused(people: Engine) -> None:
    with pytest.raises(NotAllowed, match="There is no user nobody"):
        reset_password(people, ADMIN, "nobody", "long enough for the rules")
    with pytest.raises(NotAllowed, match="You cannot disable yourself"):
        set_disabled(people, ADMIN, "admin", True)
