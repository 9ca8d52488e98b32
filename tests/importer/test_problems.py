"""Every refusal names file, line and column and says what was expected; all of them come at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.importer import ExtractInvalid, import_directory, import_files
from dashboard.importer.spec import BY_FILE_NAME
from tests.importer.extract import counts, csv_text, minimal_extract, write_extract

Extract = dict[str, list[dict[str, str]]]
Case = tuple[Callable[[Extract], None], list[str]]  # a change to the minimal extract, the problems


def problems_of(engine: Engine, directory: Path) -> list[str]:
    """The problems of importing into an empty database, which must stay empty."""
    with pytest.raises(ExtractInvalid) as refused:
        import_directory(engine, directory)
    assert counts(engine) == dict.fromkeys(counts(engine), 0)
    return [str(p) for p in refused.value.problems]


def test_bad_cells_in_many_files_are_all_reported_in_file_and_line_order(
    engine: Engine, tmp_path: Path
) -> None:
    x = minimal_extract()
    x["staff.csv"][0]["role"] = "pilot"
    x["staff.csv"][1]["left_on"] = "2019-01-01"
    x["products.csv"][0]["category"] = ""
    x["products.csv"][1]["periodic_check_months"] = "0"
    x["customers.csv"][0]["id_number"] = "1" * 31
    x["agencies.csv"][0]["commission_rate"] = "1.5"
    x["loans.csv"][0]["disbursed_on"] = "2024-13-01"
    x["loans.csv"][1]["maturity_on"] = "2024-01-31"
    x["loans.csv"][2].update(principal="12.345", annual_rate="4.35%", term_months="1.5")
    x["schedule.csv"][1]["instalment_no"] = "0"
    x["schedule.csv"][5]["interest_due"] = "-1.00"
    x["repayments.csv"][0]["paid_on"] = ""
    x["placements.csv"][0]["recalled_on"] = "2023-09-01"
    action = x["collection_actions.csv"][0]
    x["collection_actions.csv"] = [
        {**action, "ptp_on": ""},
        {**action, "action_id": "CA2", "staff_id": "", "result": "no_answer", "ptp_amount": "", "ptp_on": ""},
        {**action, "action_id": "CA3", "ptp_amount": "", "ptp_on": ""},
        {**action, "action_id": "CA4", "acted_at": "2023-08-02T25:00"},
        {**action, "action_id": "CA5", "info_repaired": "yes", "channel": "fax"},
        {**action, "action_id": "CA6", "ptp_amount": "0"},
    ]
    x["inspections.csv"][0]["funds_use_ok"] = "2"
    x["visits.csv"][0]["satisfaction"] = "6"
    x["issues.csv"][0]["reported_on"] = "2024-02-28"
    x["classification_overrides.csv"][0]["reason"] = "  "

    assert problems_of(engine, write_extract(tmp_path / "x", x)) == [
        "staff.csv:2: role: 'pilot' is not an allowed value (expected one of account_officer, "
        "post_loan_officer, phone_collector, risk_manager, asset_preservation, manager)",
        "staff.csv:3: left_on: 2019-01-01 is before joined_on 2019-05-01",
        "products.csv:2: category: required, but blank",
        "products.csv:3: periodic_check_months: 0 is not above zero",
        "customers.csv:2: id_number: too long: 31 characters, at most 30 allowed",
        "agencies.csv:2: commission_rate: 1.5 is outside 0-1",
        "loans.csv:2: disbursed_on: '2024-13-01' is not a date (expected YYYY-MM-DD)",
        "loans.csv:3: maturity_on: 2024-01-31 is before disbursed_on 2024-02-01",
        "loans.csv:4: principal: '12.345' is not an amount (expected a number with at most 2 decimals, "
        "like 1234.56)",
        "loans.csv:4: annual_rate: '4.35%' is not a decimal (expected a number with at most 6 decimals, "
        "like 0.0435)",
        "loans.csv:4: term_months: '1.5' is not a whole number",
        "schedule.csv:3: instalment_no: 0 is not above zero",
        "schedule.csv:7: interest_due: -1.00 is negative",
        "repayments.csv:2: paid_on: required, but blank",
        "repayments.csv:3: instalment_no: unknown schedule row loan_id 'L1' with instalment_no 2",
        "placements.csv:2: recalled_on: 2023-09-01 is before placed_on 2023-10-01",
        # C1 left (before joining): no case may be assigned to them from then on.
        "assignments.csv:2: collector_id: 'C1' left on 2019-01-01, on or before assigned_on 2023-07-02",
        "assignments.csv:3: collector_id: 'C1' left on 2019-01-01, on or before assigned_on 2024-03-16",
        "collection_actions.csv:2: ptp_on: blank, but ptp_amount is given "
        "(a promise needs both an amount and a date)",
        "collection_actions.csv:3: staff_id: blank, and agency_id is blank too "
        "(an action needs staff_id or agency_id)",
        "collection_actions.csv:4: ptp_amount: blank, but result is 'ptp' "
        "(a promise to pay needs ptp_amount and ptp_on)",
        "collection_actions.csv:5: acted_at: '2023-08-02T25:00' is not a date-time "
        "(expected YYYY-MM-DDTHH:MM[:SS] or YYYY-MM-DD HH:MM[:SS])",
        "collection_actions.csv:6: channel: 'fax' is not an allowed value "
        "(expected one of sms, call, letter, field_visit, legal)",
        "collection_actions.csv:6: info_repaired: 'yes' is not 0 or 1",
        "collection_actions.csv:7: ptp_amount: 0 is not above zero",
        "inspections.csv:2: funds_use_ok: '2' is not 0 or 1",
        "visits.csv:2: satisfaction: 6 is outside 1-5",
        "issues.csv:2: reported_on: 2024-02-28 is before raised_on 2024-03-01",
        "classification_overrides.csv:2: reason: required, but blank",
    ]


def _drop_column(x: Extract, name: str, column: str) -> None:
    for row in x[name]:
        del row[column]


def _add_column(x: Extract, name: str, column: str) -> None:
    for row in x[name]:
        row[column] = "red"


def _remove(x: Extract, name: str) -> None:
    del x[name]


def _raw(x: Extract, name: str, text: str) -> None:
    x[name] = text  # type: ignore[assignment]


def _duplicate(x: Extract, file: str, index: int, **changes: str) -> None:
    x[file].append({**x[file][index], **changes})


# Problems found in one file alone: the database plays no part, so SQLite is enough.
FILE_CASES: dict[str, Case] = {
    "missing required column": (
        lambda x: _drop_column(x, "customers.csv", "name"),
        ["customers.csv:1: name: missing required column"],
    ),
    "unknown column": (
        lambda x: _add_column(x, "channels.csv", "colour"),
        ["channels.csv:1: colour: unknown column (expected channel_id, name, grade)"],
    ),
    "column twice": (
        lambda x: _raw(x, "channels.csv", "channel_id,name,grade,name\nCH1,网点,A,网点\n"),
        ["channels.csv:1: name: appears twice (columns 2 and 4)"],
    ),
    "blank column name": (
        lambda x: _raw(x, "channels.csv", "channel_id,name,grade,\nCH1,网点,A,\n"),
        ["channels.csv:1: -: column 4 of the header is blank"],
    ),
    "wrong number of fields": (
        lambda x: _raw(x, "channels.csv", "channel_id,name,grade\nCH1,网点,A\nCH2,线上\nCH3,x,A,extra\n"),
        [
            "channels.csv:3: -: 2 fields, but the header has 3",
            "channels.csv:4: -: 4 fields, but the header has 3",
        ],
    ),
    "broken quoting": (
        lambda x: _raw(x, "channels.csv", 'channel_id,name,grade\nCH1,网点,A\nCH2,"x"y,A\n'),
        ["channels.csv:3: -: not valid CSV (',' expected after '\"'); the rest of the file was not read"],
    ),
    "empty file": (
        lambda x: _raw(x, "inspections.csv", ""),
        ["inspections.csv:1: -: empty file (expected a header row)"],
    ),
    "too long key": (
        lambda x: x["channels.csv"].append({"channel_id": "C" * 41, "name": "x", "grade": ""}),
        ["channels.csv:3: channel_id: too long: 41 characters, at most 40 allowed"],
    ),
    "duplicate keys": (
        lambda x: (
            _duplicate(x, "products.csv", 0, name="again"),
            _duplicate(x, "schedule.csv", 1),
            _duplicate(x, "classification_overrides.csv", 0, reason="again"),
        ),
        [
            "products.csv:4: product_id: duplicate product_id 'P1' (first on line 2)",
            "schedule.csv:8: instalment_no: duplicate loan_id 'L1' with instalment_no 2 (first on line 3)",
            "classification_overrides.csv:3: effective_on: duplicate loan_id 'L3' with effective_on "
            "2023-09-01 (first on line 2)",
        ],
    ),
    "invalid UTF-8": (
        lambda x: _raw(
            x, "customers.csv", csv_text(x["customers.csv"]).encode().replace("赵".encode(), b"\xff")
        ),
        ["customers.csv:3: -: not valid UTF-8 (byte 0xff at position 4); save the file as UTF-8"],
    ),
    "unknown file": (
        lambda x: _raw(x, "loans_2023.csv", "loan_id\n"),
        [f"loans_2023.csv:1: -: unknown file (expected one of {', '.join(BY_FILE_NAME)})"],
    ),
}

# Problems that need the database (its keys, its branches) or a write: both backends.
CASES: dict[str, Case] = {
    "missing optional column": (lambda x: _drop_column(x, "customers.csv", "phone"), []),
    "unknown references": (
        lambda x: (x["loans.csv"][0].update(product_id="P9"), x["loans.csv"][1].update(officer_id="S9")),
        [
            "loans.csv:2: product_id: unknown product_id 'P9'",
            "loans.csv:3: officer_id: unknown staff_id 'S9'",
        ],
    ),
    "unknown loan, not also an unknown instalment": (
        lambda x: x["repayments.csv"][0].update(loan_id="L9"),
        ["repayments.csv:2: loan_id: unknown loan_id 'L9'"],
    ),
    "unknown instalment": (
        lambda x: x["repayments.csv"][0].update(instalment_no="9"),
        ["repayments.csv:2: instalment_no: unknown schedule row loan_id 'L1' with instalment_no 9"],
    ),
    "branch loop": (
        lambda x: x["branches.csv"][1].update(parent_id="B1"),
        [
            "branches.csv:2: parent_id: 'HQ' makes a loop: B1 -> HQ -> B1 "
            "(a branch cannot be its own ancestor)"
        ],
    ),
    "branch its own parent": (
        lambda x: x["branches.csv"][1].update(parent_id="HQ"),
        ["branches.csv:3: parent_id: 'HQ' makes a loop: HQ -> HQ (a branch cannot be its own ancestor)"],
    ),
    "required file missing": (
        lambda x: _remove(x, "schedule.csv"),
        ["schedule.csv:1: -: required file is missing"],
    ),
    "referenced file missing": (
        lambda x: _remove(x, "staff.csv"),
        [
            "staff.csv:1: -: missing, and the database holds no staff (referred to by loans.csv, "
            "assignments.csv, collection_actions.csv, inspections.csv, visits.csv, "
            "classification_overrides.csv)"
        ],
    ),
}


def _check_case(engine: Engine, tmp_path: Path, case: Case) -> None:
    change, expected = case
    x = minimal_extract()
    change(x)
    directory = write_extract(tmp_path / "x", x)  # type: ignore[arg-type]
    if expected:
        assert problems_of(engine, directory) == expected
    else:
        import_directory(engine, directory)


@pytest.mark.parametrize("case", FILE_CASES)
def test_each_kind_of_file_problem_is_reported_exactly(
    sqlite_engine: Engine, tmp_path: Path, case: str
) -> None:
    _check_case(sqlite_engine, tmp_path, FILE_CASES[case])


@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_reference_problem_is_reported_exactly(
    engine: Engine, tmp_path: Path, case: str
) -> None:
    _check_case(engine, tmp_path, CASES[case])


def test_a_reference_to_a_row_neither_in_the_files_nor_in_the_database(
    engine: Engine, tmp_path: Path
) -> None:
    x = minimal_extract()
    import_files(engine, {name: csv_text(x[name]) for name in ("branches.csv", "staff.csv", "products.csv")})
    x["loans.csv"][2]["product_id"] = "P9"
    directory = write_extract(tmp_path / "x", {name: x[name] for name in ("customers.csv", "loans.csv")})

    with pytest.raises(ExtractInvalid) as refused:
        import_directory(engine, directory)

    assert [str(p) for p in refused.value.problems] == [
        "channels.csv:1: -: missing, and the database holds no channels (referred to by loans.csv)",
        "loans.csv:4: product_id: unknown product_id 'P9'",
        "schedule.csv:1: -: required file is missing",
    ]


def test_a_loop_through_a_branch_already_in_the_database(engine: Engine, tmp_path: Path) -> None:
    x = minimal_extract()
    import_files(engine, {"branches.csv": csv_text(x["branches.csv"])})

    with pytest.raises(ExtractInvalid) as refused:
        import_files(engine, {"branches.csv": "branch_id,name,parent_id\nHQ,总行,B1\n"})

    assert [str(p) for p in refused.value.problems] == [
        "branches.csv:2: parent_id: 'B1' makes a loop: HQ -> B1 -> HQ (a branch cannot be its own ancestor)"
    ]


def test_a_path_that_is_not_a_directory(sqlite_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ExtractInvalid) as refused:
        import_directory(sqlite_engine, tmp_path / "nowhere")
    assert [str(p) for p in refused.value.problems] == [f"{tmp_path / 'nowhere'}:1: -: not a directory"]


def test_dpd_floors_that_do_not_rise_or_are_not_three_numbers_are_refused_with_their_line(
    engine: Engine, tmp_path: Path
) -> None:
    x = minimal_extract()
    x["products.csv"][0]["dpd_floors"] = "120/180/180"
    x["products.csv"][1]["dpd_floors"] = "90-120-180"
    assert problems_of(engine, write_extract(tmp_path / "x", x)) == [
        "products.csv:2: dpd_floors: '120/180/180' does not rise: substandard < doubtful < loss is required",
        "products.csv:3: dpd_floors: '90-120-180' is not written S/D/L with three whole numbers of days, "
        "e.g. 90/120/180",
    ]


def test_a_card_product_s_floors_are_imported_and_a_blank_means_the_settings(
    engine: Engine, tmp_path: Path
) -> None:
    from dashboard.config import load_config

    x = minimal_extract()
    x["products.csv"][0]["dpd_floors"] = " 90/120/180 "
    x["products.csv"][1]["dpd_floors"] = ""
    import_directory(engine, write_extract(tmp_path / "x", x))
    config = load_config(engine)
    first, second = (row["product_id"] for row in x["products.csv"][:2])
    assert config.floors(first) == (90, 120, 180)
    assert config.floors(second) == (90, 270, 360)


def test_contacts_csv_refusals_name_file_line_and_column(engine: Engine, tmp_path: Path) -> None:
    x = minimal_extract()
    first = x["contacts.csv"][0]
    x["contacts.csv"] += [
        {**first, "contact_id": "K9a", "customer_id": "K9"},
        {**first, "contact_id": "K1b", "phone": "  "},
        {**first, "contact_id": "K1c", "name": ""},
        {**first},
        {**first, "contact_id": "K1d", "phone": "1" * 31},
    ]
    x["collection_actions.csv"][0]["contact_id"] = "K7"
    x["collection_actions.csv"].append(
        {**x["collection_actions.csv"][0], "action_id": "CA2", "contact_id": "K2a"}
    )
    x["contacts.csv"].append({**first, "contact_id": "K2a", "customer_id": "K2"})
    assert problems_of(engine, write_extract(tmp_path / "x", x)) == [
        "contacts.csv:3: customer_id: unknown customer_id 'K9'",
        "contacts.csv:4: phone: required, but blank",
        "contacts.csv:5: name: required, but blank",
        "contacts.csv:6: contact_id: duplicate contact_id 'K1a' (first on line 2)",
        "contacts.csv:7: phone: too long: 31 characters, at most 30 allowed",
        "collection_actions.csv:2: contact_id: unknown contact_id 'K7'",
        "collection_actions.csv:3: contact_id: 'K2a' is a contact of customer 'K2'; "
        "the loan's customer is 'K1'",
    ]
