"""Property tests: on random books, the SQL loan state equals a plain-Python reading of DOMAIN section 4,
and the balances by bucket and by class each add up to the balance."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.portfolio import loans_at, portfolio
from dashboard.kpi.scope import Scope
from db.reset import delete_all_data
from tests.kpi.book import loan, pay, reference

START = date(2025, 1, 1)
CONFIG = Config()
cents = st.integers(min_value=0, max_value=50_000)


@st.composite
def books(draw: st.DrawFn) -> tuple[list[dict], date]:
    loans = []
    for n in range(draw(st.integers(min_value=1, max_value=6))):
        disbursed = START + timedelta(days=draw(st.integers(0, 60)))
        instalments = [
            (
                disbursed + timedelta(days=30 * (k + 1)),
                Decimal(draw(cents) + 1) / 100,
                Decimal(draw(cents)) / 100,
            )
            for k in range(draw(st.integers(1, 4)))
        ]
        payments = []
        for _ in range(draw(st.integers(0, 5))):
            k = draw(st.integers(0, len(instalments) - 1))
            due, p_due, i_due = instalments[k]
            payments.append(
                (
                    k + 1,
                    due + timedelta(days=draw(st.integers(-20, 120))),
                    min(p_due, Decimal(draw(cents)) / 100),
                    min(i_due, Decimal(draw(cents)) / 100),
                )
            )
        written_off = draw(st.one_of(st.none(), st.integers(0, 400)))
        loans.append(
            {
                "id": f"L{n}",
                "disbursed": disbursed,
                "instalments": instalments,
                "payments": payments,
                "written_off": disbursed + timedelta(days=written_off) if written_off is not None else None,
            }
        )
    return loans, START + timedelta(days=draw(st.integers(0, 500)))


def oracle(book: dict, as_of: date) -> dict | None:
    """DOMAIN section 4, "Loan state at D", read literally."""
    principal = sum(p for _, p, _ in book["instalments"])
    paid = [p for p in book["payments"] if p[1] <= as_of]
    op = principal - sum(p[2] for p in paid)
    if (
        book["disbursed"] > as_of
        or (book["written_off"] and book["written_off"] <= as_of)
        or op < Decimal("0.005")
    ):
        return None
    dpd, overdue = 0, Decimal(0)
    for k, (due, p_due, i_due) in enumerate(book["instalments"], start=1):
        remaining = p_due + i_due - sum(p[2] + p[3] for p in paid if p[0] == k)
        if remaining >= Decimal("0.005") and due < as_of:
            dpd = max(dpd, (as_of - due).days)
            overdue += remaining
    bucket = "M0" if dpd == 0 else "M1" if dpd <= 30 else "M2" if dpd <= 60 else "M3" if dpd <= 90 else "M3+"
    cls = (
        "normal"
        if dpd == 0
        else "special_mention"
        if dpd <= 90
        else "substandard"
        if dpd <= 270
        else "doubtful"
        if dpd <= 360
        else "loss"
    )
    return {
        "dpd": dpd,
        "bucket": bucket,
        "classification": cls,
        "outstanding_principal": op,
        "overdue_amount": overdue,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=books())
def test_sql_state_equals_the_definition(sqlite_engine: Engine, data: tuple[list[dict], date]) -> None:
    book, as_of = data
    delete_all_data(sqlite_engine)
    with sqlite_engine.begin() as conn:
        reference(conn)
        for b in book:
            loan(
                conn,
                b["id"],
                str(sum(p for _, p, _ in b["instalments"])),
                b["disbursed"].isoformat(),
                [(d.isoformat(), str(p), str(i)) for d, p, i in b["instalments"]],
                written_off_on=b["written_off"].isoformat() if b["written_off"] else None,
            )
            for k, paid_on, p, i in b["payments"]:
                pay(conn, b["id"], k, paid_on.isoformat(), str(p), str(i))
    with sqlite_engine.connect() as conn:
        frame = loans_at(conn, as_of=as_of, scope=Scope(), config=CONFIG)
        figures = portfolio(conn, as_of=as_of, scope=Scope(), config=CONFIG)
    got = {r.pop("loan_id"): r for r in frame.to_dict("records")}
    expected = {b["id"]: s for b in book if (s := oracle(b, as_of)) is not None}
    assert got == expected
    assert sum(figures.balance_by_bucket.values()) == figures.balance
    assert sum(figures.balance_by_class.values()) == figures.balance
    assert sum(figures.count_by_bucket.values()) == figures.active_loans == len(expected)
    assert figures.balance == sum((s["outstanding_principal"] for s in expected.values()), Decimal(0))
