"""A credit-card product's own DPD floors (products.dpd_floors 90/120/180) on the loan list behind a class."""

from __future__ import annotations

from datetime import timedelta

import pytest
import streamlit as st
from sqlalchemy import Engine

from db.models import Product
from tests.conftest import url_of
from tests.kpi.book import D, loan, reference
from tests.web.conftest import PAGES, TEST_ENV, app

AS_OF = D("2025-12-31")
DPDS = (90, 91, 120, 121, 180, 181)


@pytest.fixture
def card_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """K<dpd> on the card product P3 and L<dpd> on P1 (the settings' 90/270/360), unpaid since as_of - dpd."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            Product.__table__.insert().values(
                product_id="P3",
                name="信用卡",
                category="consumer",
                repayment_method="equal_instalment",
                dpd_floors="90/120/180",
            )
        )
        for dpd in DPDS:
            due = (AS_OF - timedelta(days=dpd)).isoformat()
            loan(conn, f"K{dpd}", "1000", "2025-01-01", [(due, "1000", "0")], product="P3")
            loan(conn, f"L{dpd}", "1000", "2025-01-01", [(due, "1000", "0")], product="P1")
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    st.cache_resource.clear()
    st.cache_data.clear()
    return engine


@pytest.mark.parametrize(
    ("classification", "loans"),
    [
        ("special_mention", ["K90", "L90"]),
        ("substandard", ["K120", "K91", "L120", "L121", "L180", "L181", "L91"]),
        ("doubtful", ["K121", "K180"]),
        ("loss", ["K181"]),
    ],
)
def test_the_loan_list_of_a_class_follows_each_product_s_floors(
    card_db: Engine, classification: str, loans: list[str]
) -> None:
    at = app(lang="en", as_of=AS_OF.isoformat(), classification=classification).run()
    at.switch_page(str(PAGES / "loans.py")).run()
    assert not at.exception
    assert sorted(at.dataframe[0].value["loan_id"]) == sorted(loans)


def test_the_loan_card_shows_the_class_by_dpd_floor_and_the_floor_edits(card_db: Engine) -> None:
    """K121 (due 2025-09-01, unpaid) on the card product: special mention on 09-02, substandard at 91 DPD on
    12-01, doubtful at 121 DPD on 12-31; then the product's floors edited on the Settings page."""
    from dashboard.actor import Actor
    from dashboard.auth.settings import set_product_floors

    set_product_floors(card_db, Actor("root", "admin", name="root"), "P3", "90/150/200", "t1")
    set_product_floors(card_db, Actor("root", "admin", name="root"), "P3", "90/120/180", "t2")
    at = app(lang="en", as_of=AS_OF.isoformat(), loan_id="K121").run()
    at.switch_page(str(PAGES / "loan.py")).run()
    assert not at.exception
    floors = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert floors[["at", "kind", "classification", "dpd"]].values.tolist()[:3] == [
        ["2025-09-02", "DPD floor", "Special mention", "1"],
        ["2025-12-01", "DPD floor", "Substandard", "91"],
        ["2025-12-31", "DPD floor", "Doubtful", "121"],
    ]
    assert floors[["kind", "change", "by"]].values.tolist()[3:] == [
        ["Product floors edited", "90/120/180 → 90/150/200", "root"],
        ["Product floors edited", "90/150/200 → 90/120/180", "root"],
    ]
