"""Issue 22: a new password has at least 12 characters and is refused when it is on the breach list shipped
with zxcvbn or easy to guess, with a message naming what is wrong: on the Users page, in `postloan user`
and for the demo users; a generated password always passes."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine, func, select
from zxcvbn.matching import RANKED_DICTIONARIES

from dashboard.actor import Actor
from dashboard.auth.passwords import MIN_LENGTH, password_problem
from dashboard.auth.users import NewUser, add_user, check_password, new_password, reset_password
from dashboard.cli import main
from dashboard.i18n import translate
from dashboard.usage import UsageError
from dashboard.work.errors import FormInvalid
from db.models import AuditEntry, User
from seed.users import check_demo_password
from tests.conftest import url_of
from tests.kpi.book import reference
from tests.web.conftest import PAGES, app

ADMIN = Actor("admin", "admin", name="Admin")
GOOD = "x7Kp2mQv9LzR4a"


def _text(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    problem = password_problem(password, user_inputs)
    return None if problem is None else translate(problem[0], "en", **problem[1])


def _breached_of_length(length: int) -> str:
    """A password of the breach list at least this long (the list is ranked, most used first)."""
    listed = sorted(RANKED_DICTIONARIES["passwords"].items(), key=lambda item: item[1])
    return next(word for word, _ in listed if len(word) >= length)


def test_eleven_characters_are_too_few_and_twelve_enough() -> None:
    assert _text("x7Kp2mQv9Lz") == f"At least {MIN_LENGTH} characters"
    assert MIN_LENGTH == 12 and _text("x7Kp2mQv9LzR") is None


def test_a_password_on_the_breach_list_is_refused_in_any_case() -> None:
    breached = _breached_of_length(MIN_LENGTH)
    expected = "This password is on a list of passwords leaked in breaches: choose another"
    assert _text(breached) == expected
    assert _text(breached.upper()) == expected


@pytest.mark.parametrize(
    ("password", "weakness"),
    [
        ("Password123!", "it is built on a common password"),
        ("iloveyou1234", "it is built on a common password"),
        ("asdfghjkl;'z", "it follows a keyboard pattern"),
        ("ABCabcABCabc", "it repeats characters or groups"),
        ("abcdefghijklmn", "it is a sequence"),
        ("198712311987", "it is made of dates or years"),
        ("wangwei-x7Kp2mQ", "it contains the username or the person's name"),
        ("Wang.Wei.2024.x7Kp", "it contains the username or the person's name"),
    ],
)
def test_an_easy_password_is_refused_naming_why(password: str, weakness: str) -> None:
    assert len(password) >= MIN_LENGTH
    text = _text(password, ("wang.wei", "Wang Wei"))
    assert text is not None and text.startswith("Too easy to guess: " + weakness)
    assert _text(GOOD, ("wang.wei", "Wang Wei")) is None


def test_the_name_is_a_weakness_only_for_its_own_user() -> None:
    assert _text("wangwei-x7Kp2mQ", ("li.na", "Li Na")) is None
    assert _text("the office key ring", ("o1", "Officer One")) is None  # "o1" is too short to look for


def test_the_message_is_in_chinese_too() -> None:
    problem = password_problem("abcdefghijklmn")
    assert problem is not None and translate(problem[0], "zh", **problem[1]).startswith("太容易被猜中")


def test_a_generated_password_always_passes() -> None:
    for _ in range(300):
        password = new_password()
        assert len(password) >= MIN_LENGTH and password_problem(password) is None


@pytest.fixture
def people(engine: Engine) -> Engine:
    with engine.begin() as conn:
        reference(conn)
    return engine


def test_adding_and_resetting_refuse_a_weak_password_and_write_nothing(people: Engine) -> None:
    user = NewUser("wang.wei", "Wang Wei", "officer", "wang.wei-2024-office", staff_id="O1")
    with pytest.raises(FormInvalid) as refused:
        add_user(people, ADMIN, user)
    assert refused.value.field_texts("en") == {
        "password": "Too easy to guess: it contains the username or the person's name"
    }
    add_user(people, ADMIN, NewUser(**{**user.__dict__, "password": GOOD}))
    with pytest.raises(FormInvalid) as refused:
        reset_password(people, ADMIN, "wang.wei", "WangWei_password")  # the name, from the database
    assert set(refused.value.errors) == {"password"}
    with pytest.raises(FormInvalid):
        reset_password(people, ADMIN, "wang.wei", _breached_of_length(MIN_LENGTH))
    with people.connect() as conn:
        row = conn.execute(select(User.password_hash).where(User.username == "wang.wei")).one()
        audited = conn.scalar(select(func.count()).select_from(AuditEntry))
    assert check_password(GOOD, row.password_hash) and audited == 1


def test_the_cli_refuses_a_weak_password(
    people: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(people))
    monkeypatch.setattr("sys.stdin", io.StringIO("abcdefghijklmn\n"))
    assert main(["user", "add", "aud", "--name", "Auditor", "--role", "auditor", "--password-stdin"]) == 1
    assert "postloan: password: Too easy to guess: it is a sequence" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    assert main(["user", "add", "aud", "--name", "Auditor", "--role", "auditor", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short pw\n"))
    assert main(["user", "reset-password", "aud", "--password-stdin"]) == 1
    assert f"postloan: password: At least {MIN_LENGTH} characters" in capsys.readouterr().err


def test_the_users_page_shows_what_is_wrong_next_to_the_password(app_db: Engine) -> None:
    at = app(actor=ADMIN, lang="en").run()
    at.switch_page(str(PAGES / "users.py")).run()
    at.text_input(key="user_add_username").input("zhang")
    at.text_input(key="user_add_name").input("张三")
    at.selectbox(key="user_add_role").set_value("auditor")
    at.text_input(key="user_add_password").input("qwertyuiop1234")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("Too easy to guess: it is built on a common password") for e in errors)
    with app_db.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(User).where(User.username == "zhang")) == 0


def test_the_demo_password_must_pass_the_rules_before_seeding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    check_demo_password("demo pass 123")  # the tests' and the browser tests' demo passwords pass
    check_demo_password("browser-demo-pass-1")
    with pytest.raises(UsageError, match=r"POSTLOAN_DEMO_PASSWORD .*: At least 12 characters"):
        check_demo_password("demo")
    with pytest.raises(UsageError, match=r"for the demo user manager.*username"):
        check_demo_password("manager-x7Kp2mQ")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("POSTLOAN_DEMO_PASSWORD", "password1234")
    assert main(["seed", "--loans", "10", "--as-of", "2025-03-31"]) == 2
    assert "POSTLOAN_DEMO_PASSWORD" in capsys.readouterr().err
