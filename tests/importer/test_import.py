"""A valid extract is written whole, twice is the same as once, a refused one leaves the database alone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from dashboard.importer import (
    ExtractInvalid,
    import_directory,
    import_files,
    load_tables,
    validate_tables,
)
from db.models import Agency, CollectionAction, Customer, Inspection, Issue, Loan, Repayment
from tests.importer.extract import MINIMAL_COUNTS, counts, csv_text, dump, minimal_extract, write_extract

REFERENCE_FILES = ("branches.csv", "staff.csv", "products.csv", "channels.csv", "customers.csv")


def test_valid_extract_is_written_with_exact_values(engine: Engine, tmp_path: Path) -> None:
    summary = import_directory(engine, write_extract(tmp_path / "x", minimal_extract()))

    assert summary.rows == MINIMAL_COUNTS
    assert counts(engine) == MINIMAL_COUNTS
    with engine.connect() as conn:
        l2 = conn.execute(select(Loan).where(Loan.loan_id == "L2")).one()
        assert (l2.principal, l2.annual_rate, l2.channel_id, l2.payment_mode) == (
            Decimal("50000.50"),
            Decimal("0.06"),
            None,
            "self",
        )
        assert conn.execute(select(Loan.written_off_on).where(Loan.loan_id == "L3")).scalar() == date(
            2024, 1, 31
        )
        r3 = conn.execute(select(Repayment).where(Repayment.repayment_id == "R3")).one()
        assert (r3.instalment_no, r3.principal_paid, r3.interest_paid) == (
            None,
            Decimal("100.01"),
            Decimal("0"),
        )
        action = conn.execute(select(CollectionAction)).one()
        assert action.acted_at == datetime(2023, 8, 2, 10, 30)
        assert (action.ptp_amount, action.ptp_on, action.info_repaired) == (
            Decimal("500.00"),
            date(2023, 8, 10),
            False,
        )
        inspection = conn.execute(select(Inspection)).one()
        assert (inspection.funds_use_ok, inspection.risk_signal, inspection.notes) == (True, False, None)
        assert conn.execute(select(Agency.commission_rate)).scalar() == Decimal("0.15")
        assert conn.execute(select(Customer.address).where(Customer.customer_id == "K1")).scalar() == (
            "北京市朝阳区, 1号"
        )
        assert conn.execute(select(Issue.visit_id)).scalar() == "V1"


def test_importing_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    directory = write_extract(tmp_path / "x", minimal_extract())
    import_directory(engine, directory)
    once = dump(engine)

    assert import_directory(engine, directory).rows == MINIMAL_COUNTS
    assert dump(engine) == once


def test_a_row_with_an_existing_key_replaces_the_old_one(engine: Engine, tmp_path: Path) -> None:
    import_directory(engine, write_extract(tmp_path / "day1", minimal_extract()))
    extract = minimal_extract()
    extract["loans.csv"][0]["principal"] = "12500.10"
    extract["loans.csv"][0]["channel_id"] = ""
    extract["customers.csv"][1]["phone"] = "13900000000"
    extract["schedule.csv"][2]["interest_due"] = "15.75"
    import_directory(engine, write_extract(tmp_path / "day2", extract))

    assert counts(engine) == MINIMAL_COUNTS
    with engine.connect() as conn:
        assert conn.execute(select(Loan.principal, Loan.channel_id).where(Loan.loan_id == "L1")).one() == (
            Decimal("12500.10"),
            None,
        )
        assert (
            conn.execute(select(Customer.phone).where(Customer.customer_id == "K2")).scalar() == "13900000000"
        )
    assert dump(engine)["schedule"][2][4] == Decimal("15.75")


@pytest.mark.parametrize("preloaded", [False, True], ids=["empty", "preloaded"])
def test_a_bad_row_in_the_last_file_writes_nothing_anywhere(
    engine: Engine, tmp_path: Path, preloaded: bool
) -> None:
    if preloaded:
        import_directory(engine, write_extract(tmp_path / "day1", minimal_extract()))
    before = dump(engine)
    extract = minimal_extract()
    extract["customers.csv"].append({**extract["customers.csv"][0], "customer_id": "K3"})
    extract["loans.csv"][0]["principal"] = "99.99"
    extract["classification_overrides.csv"][0]["classification"] = "awful"

    with pytest.raises(ExtractInvalid) as refused:
        import_directory(engine, write_extract(tmp_path / "day2", extract))

    assert [str(p) for p in refused.value.problems] == [
        "classification_overrides.csv:2: classification: 'awful' is not an allowed value "
        "(expected one of normal, special_mention, substandard, doubtful, loss)"
    ]
    assert dump(engine) == before


@pytest.mark.parametrize("preloaded", [False, True], ids=["empty", "preloaded"])
def test_a_row_the_database_refuses_at_write_time_rolls_back_everything(
    engine: Engine, tmp_path: Path, preloaded: bool
) -> None:
    """The checks mirror the schema; should they ever miss something, the database still has the last word."""
    if preloaded:
        import_directory(engine, write_extract(tmp_path / "day1", minimal_extract()))
    before = dump(engine)
    extract = minimal_extract()
    extract["loans.csv"][0]["principal"] = "99.99"
    checked = validate_tables(engine, {name: csv_text(rows) for name, rows in extract.items()})
    assert checked.problems == []
    (override,) = checked.rows["classification_overrides"]
    rows = {**checked.rows, "classification_overrides": [(*override[:2], "awful", *override[3:])]}

    with pytest.raises(ExtractInvalid) as refused, engine.begin() as conn:
        load_tables(conn, rows)

    (problem,) = refused.value.problems
    assert (problem.file, problem.line, problem.column) == ("classification_overrides.csv", 1, "-")
    assert problem.message.startswith("the database refused the rows: ")
    assert problem.message.endswith("; nothing was written")
    assert dump(engine) == before


def test_references_may_point_at_rows_already_in_the_database(engine: Engine, tmp_path: Path) -> None:
    extract = minimal_extract()
    import_files(engine, {name: csv_text(extract[name]) for name in REFERENCE_FILES})
    directory = write_extract(tmp_path / "x", {name: extract[name] for name in ("loans.csv", "schedule.csv")})

    summary = import_directory(engine, directory)
    # Repayments point at (loan, instalment) pairs of the schedule now in the database.
    import_files(engine, {"repayments.csv": csv_text(extract["repayments.csv"])})

    assert summary.rows == {"loans": 3, "schedule": 6}
    assert (counts(engine)["loans"], counts(engine)["repayments"]) == (3, 3)


def test_optional_files_may_be_absent_and_other_files_are_ignored(engine: Engine, tmp_path: Path) -> None:
    extract = minimal_extract()
    directory = write_extract(
        tmp_path / "x", {name: extract[name] for name in (*REFERENCE_FILES, "loans.csv", "schedule.csv")}
    )
    (directory / "README.txt").write_text("not an extract file")
    (directory / "._loans.csv").write_bytes(b"\x00\x05\x16\x07")
    (directory / "archive").mkdir()

    summary = import_directory(engine, directory)

    assert set(summary.rows) == {
        "branches",
        "staff",
        "products",
        "channels",
        "customers",
        "loans",
        "schedule",
    }
    assert counts(engine)["repayments"] == 0


def test_a_single_uploaded_file_is_checked_and_loaded_the_same_way(engine: Engine, tmp_path: Path) -> None:
    import_directory(engine, write_extract(tmp_path / "x", minimal_extract()))
    visits = minimal_extract()["visits.csv"]
    visits.append({**visits[0], "visit_id": "V2", "loan_id": "L2", "satisfaction": ""})
    upload = csv_text(visits).encode()

    assert import_files(engine, {"visits.csv": upload}).rows == {"visits": 2}

    visits.append({**visits[0], "visit_id": "V3", "loan_id": "L9"})
    with pytest.raises(ExtractInvalid) as refused:
        import_files(engine, {"visits.csv": csv_text(visits).encode()})
    assert [str(p) for p in refused.value.problems] == ["visits.csv:4: loan_id: unknown loan_id 'L9'"]
    assert counts(engine)["visits"] == 2


def test_bom_crlf_quoted_newlines_and_spaced_date_times_are_read(engine: Engine, tmp_path: Path) -> None:
    extract = minimal_extract()
    extract["inspections.csv"][0]["notes"] = "第一行\n第二行"
    extract["inspections.csv"].append({**extract["inspections.csv"][0], "inspection_id": "I2", "notes": ""})
    extract["collection_actions.csv"][0]["acted_at"] = "2023-08-02 10:30:15"
    directory = write_extract(tmp_path / "x", extract)
    for name in ("loans.csv", "inspections.csv"):
        path = directory / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))

    import_directory(engine, directory)

    with engine.connect() as conn:
        assert conn.execute(select(Inspection.notes).order_by(Inspection.inspection_id)).scalars().all() == [
            "第一行\r\n第二行",
            None,
        ]
        assert conn.execute(select(CollectionAction.acted_at)).scalar() == datetime(2023, 8, 2, 10, 30, 15)
    assert counts(engine)["loans"] == 3


def test_line_numbers_count_physical_lines(engine: Engine, tmp_path: Path) -> None:
    extract = minimal_extract()
    extract["inspections.csv"][0]["notes"] = "第一行\n第二行"
    extract["inspections.csv"].append({**extract["inspections.csv"][0], "inspection_id": "I2", "kind": "x"})

    with pytest.raises(ExtractInvalid) as refused:
        import_directory(engine, write_extract(tmp_path / "x", extract))

    assert [str(p) for p in refused.value.problems] == [
        "inspections.csv:4: kind: 'x' is not an allowed value "
        "(expected one of first, periodic, sampling, special)"
    ]
