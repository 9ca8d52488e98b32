"""`postloan user ...` and the demo users `postloan seed` creates (one per role, passwords printed once)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import Engine, insert, select

from dashboard.auth.passwords import MIN_LENGTH
from dashboard.auth.users import check_password
from dashboard.cli import main
from db.models import AuditEntry, CollectorAssignment, User
from tests.conftest import url_of
from tests.kpi.book import D, place


@pytest.fixture
def cli_people(people: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", url_of(people))
    return people


def _users(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r["username"]: dict(r) for r in conn.execute(select(User.__table__)).mappings()}


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_add_with_the_password_on_stdin(
    cli_people: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "s3cret password\n")
    code = main(
        [
            "user",
            "add",
            "o1",
            "--name",
            "Officer One",
            "--role",
            "officer",
            "--staff",
            "O1",
            "--password-stdin",
        ]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out == "added o1 (officer)\n"
    user = _users(cli_people)["o1"]
    assert (user["name"], user["role"], user["staff_id"]) == ("Officer One", "officer", "O1")
    assert check_password("s3cret password", user["password_hash"])
    with cli_people.connect() as conn:
        assert conn.execute(select(AuditEntry.username, AuditEntry.action)).one() == ("cli", "insert")


def test_a_generated_password_is_printed_once_and_only_hashed(
    cli_people: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["user", "add", "risk", "--name", "R", "--role", "risk_manager", "--branch", "B1", "--generate"])
        == 0
    )
    out = capsys.readouterr().out
    password = re.search(r"password of risk \(shown this once\): (\S+)", out).group(1)  # type: ignore[union-attr]
    stored = _users(cli_people)["risk"]["password_hash"]
    assert password not in stored and check_password(password, stored)


def test_every_problem_is_listed_and_nothing_written(
    cli_people: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "short\n")
    code = main(["user", "add", "A B", "--name", "x", "--role", "collector", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 1
    assert "postloan: username: 2–60 characters" in err
    assert "postloan: staff_id: Required for the role collector" in err
    assert f"postloan: password: At least {MIN_LENGTH} characters" in err
    assert _users(cli_people) == {}


def test_bad_arguments_exit_2(cli_people: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "x1", "--name", "x", "--role", "boss", "--generate"]) == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err
    assert (
        main(["user", "add", "x1", "--name", "x", "--role", "admin", "--generate", "--password-stdin"]) == 2
    )


def test_without_a_terminal_a_password_option_is_needed(
    cli_people: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "")
    assert main(["user", "add", "x1", "--name", "x", "--role", "admin"]) == 2
    assert "give --password-stdin or --generate" in capsys.readouterr().err


def test_reset_disable_enable_unlock_and_list(
    cli_people: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["user", "add", "aud", "--name", "Auditor", "--role", "auditor", "--generate"]) == 0
    with cli_people.begin() as conn:
        conn.execute(User.__table__.update().values(failed_attempts=5))
    _stdin(monkeypatch, "another password\n")
    assert main(["user", "reset-password", "aud", "--password-stdin"]) == 0
    user = _users(cli_people)["aud"]
    assert check_password("another password", user["password_hash"]) and user["failed_attempts"] == 0
    assert main(["user", "disable", "aud"]) == 0
    assert _users(cli_people)["aud"]["disabled"]
    assert main(["user", "enable", "aud"]) == 0
    assert main(["user", "unlock", "aud"]) == 0
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    listing = capsys.readouterr().out
    assert listing.splitlines()[0].split() == [
        "username",
        "name",
        "role",
        "staff_id",
        "agency_id",
        "branch_id",
        "disabled",
        "failed_attempts",
        "locked_until",
    ]
    assert listing.splitlines()[1].split() == ["aud", "Auditor", "auditor", "False", "0"]
    assert "$2b$" not in listing
    assert main(["user", "disable", "nobody"]) == 1
    assert "There is no user nobody" in capsys.readouterr().err


def test_seed_if_empty_adds_demo_users_to_a_book_without_users(
    app_db: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POSTLOAN_DEMO_PASSWORD", raising=False)
    with app_db.begin() as conn:
        place(conn, "C", "A2", "2025-03-01", "5000")
        conn.execute(
            insert(CollectorAssignment),
            [{"loan_id": "B", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
        )
    assert main(["seed", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("the database already holds data; not seeding\ndemo users")
    users = _users(app_db)
    ties = {u: (r["role"], r["staff_id"], r["agency_id"], r["branch_id"]) for u, r in users.items()}
    assert ties == {
        "admin": ("admin", None, None, None),
        "manager": ("manager", None, None, "HQ"),
        "risk": ("risk_manager", "R1", None, "B1"),
        "auditor": ("auditor", None, None, None),
        "officer": ("officer", "O1", None, None),  # O1 books two loans, O2 one
        "collector": ("collector", "C1", None, None),
        "agency": ("agency", None, "A2", None),
    }
    printed = dict(re.findall(r"^  (\w+)\s+\w+\s+(\S+)", out, re.MULTILINE)[1:])
    assert set(printed) == set(users)
    for username, password in printed.items():
        assert check_password(password, users[username]["password_hash"])
        assert password not in users[username]["password_hash"]
    assert len(set(printed.values())) == len(printed)  # each its own
    assert main(["seed", "--if-empty"]) == 0
    assert capsys.readouterr().out == "the database already holds data; not seeding\n"


def test_demo_password_from_the_environment(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(sqlite_engine))
    monkeypatch.setenv("POSTLOAN_DEMO_PASSWORD", "demo pass 123")
    assert main(["seed", "--loans", "40", "--as-of", "2026-10-31"]) == 0
    out = capsys.readouterr().out
    assert "$POSTLOAN_DEMO_PASSWORD" in out and "demo pass 123" not in out
    users = _users(sqlite_engine)
    assert {r["role"] for r in users.values()} == {
        "admin",
        "manager",
        "risk_manager",
        "officer",
        "collector",
        "agency",
        "auditor",
        "asset_preservation",
    }
    assert all(check_password("demo pass 123", r["password_hash"]) for r in users.values())
