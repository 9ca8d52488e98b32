"""The loan card's class history by DPD floor, and the floor edits that apply to the loan, against a
hand-worked book."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert

from dashboard.actor import Actor
from dashboard.auth.settings import clear_setting, set_dpd_floors, set_product_floors
from dashboard.config import load_config
from dashboard.kpi.loan_card import FLOOR_HISTORY_COLUMNS, floor_history
from db.models import Product
from tests.kpi.book import D, loan, pay, reference

AS_OF = D("2025-09-30")
ADMIN = Actor("root", "admin", name="root")


def _book(engine: Engine) -> None:
    """K on the card product P3 (90/120/180): instalments due 02-01 and 03-01, the first paid on 03-15, so
    its oldest unpaid due date is 02-01, then 03-01. Q on P1 (the settings' 90/270/360): due 02-01 (and
    12-01), paid on 06-15."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(
            insert(Product).values(
                product_id="P3",
                name="信用卡",
                category="consumer",
                repayment_method="equal_instalment",
                dpd_floors="90/120/180",
            )
        )
        loan(
            conn,
            "K",
            "2000",
            "2025-01-01",
            [("2025-02-01", "1000", "0"), ("2025-03-01", "1000", "0")],
            product="P3",
        )
        pay(conn, "K", 1, "2025-03-15", "1000")
        loan(conn, "Q", "2000", "2025-01-01", [("2025-02-01", "1000", "0"), ("2025-12-01", "1000", "0")])
        pay(conn, "Q", 1, "2025-06-15", "1000")


def _dpd_rows(engine: Engine, loan_id: str) -> list[tuple]:
    with engine.connect() as conn:
        frame = floor_history(conn, loan_id=loan_id, as_of=AS_OF, config=load_config(engine))
    assert list(frame.columns) == FLOOR_HISTORY_COLUMNS
    dpd = frame[frame["kind"] == "dpd"]
    return [(r.at, r.classification, r.dpd) for r in dpd.itertuples()]


def test_class_changes_by_dpd_floor_over_time(engine: Engine) -> None:
    _book(engine)
    # K: 1 DPD on 02-02; the repayment of 03-15 moves the oldest unpaid to 03-01 (14 DPD, still special
    # mention; 02-01 + 91 = 05-03 passes without a change); 03-01 + 91, + 121, + 181 days.
    assert _dpd_rows(engine, "K") == [
        (D("2025-02-02"), "special_mention", 1),
        (D("2025-05-31"), "substandard", 91),
        (D("2025-06-30"), "doubtful", 121),
        (D("2025-08-29"), "loss", 181),
    ]
    # Q: over 90 DPD on 05-03 (02-01 + 91 days), current again when it pays on 06-15.
    assert _dpd_rows(engine, "Q") == [
        (D("2025-02-02"), "special_mention", 1),
        (D("2025-05-03"), "substandard", 91),
        (D("2025-06-15"), "normal", 0),
    ]
    with engine.connect() as conn:
        assert floor_history(conn, loan_id="NOPE", as_of=AS_OF, config=load_config(engine)).empty


def test_floor_edits_that_apply_to_the_loan(engine: Engine) -> None:
    _book(engine)
    set_product_floors(engine, ADMIN, "P3", "90/150/200", "t1")
    set_product_floors(engine, ADMIN, "P2", "60/120/180", "t2")  # not K's product
    # Saved together, only substandard changes (the others are saved at their defaults).
    set_dpd_floors(
        engine,
        ADMIN,
        {"substandard_after_dpd": "60", "doubtful_after_dpd": "270", "loss_after_dpd": "360"},
        "t3",
    )
    clear_setting(engine, ADMIN, "substandard_after_dpd", "t4")
    with engine.connect() as conn:
        config = load_config(conn.engine)
        k = floor_history(conn, loan_id="K", as_of=AS_OF, config=config)
        q = floor_history(conn, loan_id="Q", as_of=AS_OF, config=config)
    edits = k[k["kind"] != "dpd"]
    assert edits[["kind", "before", "after", "by"]].values.tolist() == [
        ["product_floors", "90/120/180", "90/150/200", "root"]
    ]
    assert isinstance(edits.iloc[0]["at"], datetime)
    # The DPD history is read with the floors as they stand now (class is derived at query time).
    assert [(r.at, r.classification) for r in k[k["kind"] == "dpd"].itertuples()][2:] == [
        (D("2025-07-30"), "doubtful"),
        (D("2025-09-18"), "loss"),
    ]
    q_edits = q[q["kind"] == "default_floor"]
    assert q_edits[["setting", "before", "after", "by"]].values.tolist() == [
        ["substandard_after_dpd", "90", "60", "root"],
        ["substandard_after_dpd", "60", "90", "root"],
    ]
    # The edits sit in time after the DPD changes of 2025 (they were made today, in 2026 or later).
    assert q["kind"].tolist()[-2:] == ["default_floor", "default_floor"]
