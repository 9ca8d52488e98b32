"""The NPL disposal pages (issue 18) under AppTest: the written-off book for an asset-preservation officer."""

from __future__ import annotations

from sqlalchemy import Engine, update
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from db.models import Loan
from tests.kpi.book import D, pay
from tests.web.conftest import PAGES, app, sign_in

AP = Actor("ap1", "asset_preservation", name="AP1", staff_id="C1", branch_id="B1")


def _page(file: str, actor: Actor = AP, **query: str) -> AppTest:
    at = sign_in(app(**query), actor).run()
    return at.switch_page(str(PAGES / file)).run()


def test_the_written_off_book_shows_the_branch_write_offs_and_recoveries(app_db: Engine) -> None:
    with app_db.begin() as conn:
        conn.execute(update(Loan).where(Loan.loan_id.in_(["B", "C"])).values(written_off_on=D("2025-03-01")))
        pay(conn, "B", None, "2025-03-01", "100")  # on the day: lowers what is written off
        pay(conn, "B", None, "2025-03-02", "30", "2")  # after: recovered
    at = _page("writeoffs.py", lang="en")
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    # C is in B2, outside the officer's subtree B1.
    assert tiles["Written-off loans"] == "1"
    assert tiles["Principal written off"] == "¥2,900.00"
    assert tiles["Recovered since write-off"] == "¥32.00"
    assert list(at.dataframe[0].value["loan_id"]) == ["B"]
