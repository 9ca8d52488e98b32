"""Loading the portfolio into the database, and writing it as the core-banking extract."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select

from db.models import Base, Repayment, ScheduleItem
from seed import EXTRACT_COLUMNS, TABLES, generate, write_extract, write_to_database
from seed.sink import Tables
from tests.seed.conftest import AS_OF


def test_write_to_database_loads_every_row(engine: Engine) -> None:
    tables = generate(n_loans=200, seed=11, as_of=AS_OF)
    counts = write_to_database(engine, tables)
    assert counts == {name: len(tables[name]) for name in TABLES}
    with engine.connect() as conn:
        for name in TABLES:
            table = Base.metadata.tables[name]
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == counts[name], name
        principal_due = conn.execute(select(func.sum(ScheduleItem.principal_due))).scalar_one()
        paid = conn.execute(select(func.sum(Repayment.principal_paid + Repayment.interest_paid))).scalar_one()
    assert Decimal(str(principal_due)).quantize(Decimal("0.01")) == sum(
        (loan["principal"] for loan in tables["loans"]), Decimal(0)
    )
    assert Decimal(str(paid)).quantize(Decimal("0.01")) == sum(
        (r["principal_paid"] + r["interest_paid"] for r in tables["repayments"]), Decimal(0)
    )


def test_write_extract_writes_the_fifteen_files(book: Tables, tmp_path: Path) -> None:
    write_extract(book, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.csv" for name in EXTRACT_COLUMNS)
    assert len(EXTRACT_COLUMNS) == 15
    files = {}
    for name, columns in EXTRACT_COLUMNS.items():
        with (tmp_path / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert tuple(rows[0]) == columns
        assert len(rows) - 1 == len(book[name])
        files[name] = [dict(zip(columns, row, strict=True)) for row in rows[1:]]

    amount = re.compile(r"\d+\.\d\d")
    iso_date = re.compile(r"\d{4}-\d\d-\d\d")
    assert all(amount.fullmatch(r["principal"]) for r in files["loans"])
    assert all(
        amount.fullmatch(r["principal_due"]) and amount.fullmatch(r["interest_due"])
        for r in files["schedule"]
    )
    assert all(iso_date.fullmatch(r["disbursed_on"]) for r in files["loans"])
    assert {r["written_off_on"] == "" for r in files["loans"]} == {True, False}
    assert {r["instalment_no"] == "" for r in files["repayments"]} == {True, False}
    actions = files["collection_actions"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", a["acted_at"]) for a in actions)
    assert {a["info_repaired"] for a in actions} == {"0", "1"}
    assert all((a["ptp_amount"] == "") == (a["ptp_on"] == "") for a in actions)
    assert {i["funds_use_ok"] for i in files["inspections"]} == {"0", "1"}
    assert {r["parent_id"] for r in files["branches"]} >= {""}
    first = files["loans"][0]
    assert Decimal(first["annual_rate"]) == book["loans"][0]["annual_rate"]
    assert date.fromisoformat(first["maturity_on"]) == book["loans"][0]["maturity_on"]
    assert not (tmp_path / "collector_assignments.csv").exists()
    assert AS_OF.isoformat() >= max(r["paid_on"] for r in files["repayments"])


def test_the_demo_card_product_is_classified_by_its_own_floors(engine: Engine, book: Tables) -> None:
    """P08 (credit-card instalments) carries 90/120/180 into the database: each of its active loans has the
    class its DPD gives under those floors, not under the settings' 90/270/360."""
    from dashboard.config import load_config
    from dashboard.kpi.portfolio import loans_at
    from dashboard.kpi.scope import Scope
    from dashboard.work.overrides import dpd_floor_class

    assert [p["dpd_floors"] for p in book["products"]] == [None] * 7 + ["90/120/180"]
    write_to_database(engine, book)
    config = load_config(engine)
    assert config.floors("P08") == (90, 120, 180) and config.floors("P01") == (90, 270, 360)
    with engine.connect() as conn:
        cards = loans_at(conn, as_of=AS_OF, scope=Scope(product_id="P08"), config=config)
    overridden = {o["loan_id"] for o in book["classification_overrides"]}
    cards = cards[~cards["loan_id"].isin(overridden)]
    assert len(cards) > 50
    assert cards["classification"].tolist() == [dpd_floor_class(int(d), (90, 120, 180)) for d in cards["dpd"]]
