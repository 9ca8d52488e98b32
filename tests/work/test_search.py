"""Finding a loan: by each key, inside the user's scope only, with typed text taken literally.
Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, insert, select, update

from dashboard.actor import Actor
from dashboard.work.search import search_loans
from db.models import Customer, Loan
from tests.kpi.book import loan, reference

RISK_HQ = Actor("r0", "risk_manager", staff_id="R1", branch_id="HQ")
RISK_B1 = Actor("r1", "risk_manager", staff_id="R1", branch_id="B1")
OFFICER = Actor("o1", "officer", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", staff_id="O2")
ONE = [("2025-06-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """L2025001 and L2025002 of 王伟 (K1, ID …1234, officer O1, B11); L2025010 of 李 50%_off (K2, ID …567X,
    O2, B2); LX1 of 李 50xxoff (K3, ID …9999, O1)."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Customer),
            [
                {"customer_id": "K2", "name": "李 50%_off", "id_number": "31010119850202567X"},
                {"customer_id": "K3", "name": "李 50xxoff", "id_number": "310101198503039999"},
            ],
        )
        loan(conn, "L2025001", "1000", "2025-01-10", ONE)
        loan(conn, "L2025002", "2000", "2025-01-11", ONE)
        loan(conn, "L2025010", "3000", "2025-01-12", ONE, branch="B2", officer="O2")
        loan(conn, "LX1", "4000", "2025-01-13", ONE)
        conn.execute(update(Loan).where(Loan.loan_id == "L2025010").values(customer_id="K2"))
        conn.execute(update(Loan).where(Loan.loan_id == "LX1").values(customer_id="K3"))
    return engine


def found(engine: Engine, text: str, actor: Actor = RISK_HQ) -> list[str]:
    with engine.connect() as conn:
        return search_loans(conn, actor, text)["loan_id"].tolist()


def test_by_contract_number_prefix_with_an_exact_match_first(book: Engine) -> None:
    assert found(book, "L20250") == ["L2025001", "L2025002", "L2025010"]
    assert found(book, "l2025001") == ["L2025001"]  # case ignored
    assert found(book, "LX1") == ["LX1"]
    assert found(book, "2025001") == []  # a prefix, not any substring


def test_an_exact_contract_number_comes_before_longer_ones(book: Engine) -> None:
    with book.begin() as conn:
        loan(conn, "L20250011", "1000", "2025-01-10", ONE)
        loan(conn, "L2025000", "1000", "2025-01-10", ONE)
    assert found(book, "L2025001") == ["L2025001", "L20250011"]


def test_by_customer_name_substring(book: Engine) -> None:
    assert found(book, "王伟") == ["L2025001", "L2025002"]
    assert found(book, "50xx") == ["LX1"]
    assert found(book, "OFF") == ["L2025010", "LX1"]  # case ignored


def test_by_the_last_four_of_the_id_number(book: Engine) -> None:
    assert found(book, "1234") == ["L2025001", "L2025002"]
    assert found(book, "567x") == ["L2025010"]
    assert found(book, "9999") == ["LX1"]
    assert found(book, "0101") == []  # four characters from the middle do not match


def test_columns_and_the_masked_id_number(book: Engine) -> None:
    with book.connect() as conn:
        frame = search_loans(conn, RISK_HQ, "L2025010")
    assert frame.columns.tolist() == [
        "loan_id",
        "customer",
        "id_number",
        "product",
        "branch",
        "officer",
        "disbursed_on",
        "principal",
    ]
    row = frame.iloc[0].to_dict()
    assert row["id_number"] == "3101**********567X"
    assert (row["customer"], row["product"], row["branch"], row["officer"]) == (
        "李 50%_off",
        "消费贷",
        "上海分行",
        "O2",
    )
    assert str(row["principal"]) == "3000.00"


def test_only_loans_in_the_users_scope(book: Engine) -> None:
    assert found(book, "L2025", OFFICER) == ["L2025001", "L2025002"]
    assert found(book, "L2025", OFFICER_2) == ["L2025010"]
    assert found(book, "567X", OFFICER) == []
    assert found(book, "李 50", RISK_B1) == ["LX1"]
    assert found(book, "1234", Actor("c1", "collector", staff_id="C1")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%_", ["L2025010"]),  # only the name that really contains "%_"
        ("0%_o", ["L2025010"]),
        ("%%", []),
        ("__", []),
        ("L_025", []),
        ("'; DROP TABLE loans; --", []),
        ("王伟' OR '1'='1", []),
        ("\\%", []),
        ("/%", []),
        ("/_", []),
    ],
)
def test_typed_text_is_searched_literally(book: Engine, text: str, expected: list[str]) -> None:
    assert found(book, text) == expected
    with book.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Loan)).scalar_one() == 4


@pytest.mark.parametrize("text", ["", " ", "L", " 王 ", None, "x" * 101])
def test_too_short_or_too_long_finds_nothing(book: Engine, text: str | None) -> None:
    with book.connect() as conn:
        frame = search_loans(conn, RISK_HQ, text)
    assert frame.empty and "loan_id" in frame.columns


def test_the_limit_caps_the_rows(book: Engine) -> None:
    with book.connect() as conn:
        assert search_loans(conn, RISK_HQ, "L2025", limit=2)["loan_id"].tolist() == ["L2025001", "L2025002"]
