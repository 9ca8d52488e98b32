"""The demo portfolio: reproducible, consistent with the schema's rules and DOMAIN's definitions."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from dashboard.kpi.periods import shift_months
from db.models.enums import CLASSES, REPAYMENT_METHODS, SEVERITIES, STAFF_ROLES
from seed import EXTRACT_COLUMNS, TABLES, generate, iter_chunks
from seed.sink import Tables, empty_tables
from tests.seed.conftest import AS_OF
from tests.seed.figures import Book, system_class

# Dates that are due in the future by nature, not records of something that happened.
FUTURE_DATES = {"due_on", "maturity_on", "ptp_on"}
DAY = timedelta(days=1)


def test_same_seed_same_portfolio_and_another_seed_another() -> None:
    first = generate(n_loans=200, seed=3, as_of=AS_OF)
    assert first == generate(n_loans=200, seed=3, as_of=AS_OF)
    assert first["loans"] != generate(n_loans=200, seed=4, as_of=AS_OF)["loans"]


def test_chunks_make_up_the_whole() -> None:
    whole = empty_tables()
    chunks = list(iter_chunks(n_loans=300, seed=5, as_of=AS_OF, chunk_size=50))
    for chunk in chunks:
        for name, rows in chunk.items():
            whole[name].extend(rows)
    assert len(chunks) > 3
    assert chunks[0]["branches"] and not chunks[1]["branches"]
    assert whole == generate(n_loans=300, seed=5, as_of=AS_OF)


def test_rows_have_the_extract_columns(book: Tables) -> None:
    assert set(book) == set(TABLES)
    for name, columns in EXTRACT_COLUMNS.items():
        assert book[name], name
        if name != "collector_assignments":  # the file's collector_id is the table's staff_id
            assert {tuple(row) for row in book[name]} == {columns}, name
    assert set(book["collector_assignments"][0]) == {
        "assignment_id",
        "loan_id",
        "staff_id",
        "assigned_on",
        "ended_on",
    }
    assert len(book["loans"]) == 2500


def test_nothing_is_dated_after_as_of(book: Tables) -> None:
    for name, rows in book.items():
        for row in rows:
            for column, value in row.items():
                if isinstance(value, datetime):
                    assert value.date() <= AS_OF, (name, row)
                elif isinstance(value, date) and column not in FUTURE_DATES:
                    assert value <= AS_OF, (name, column, row)


@pytest.mark.parametrize("as_of", [date(2026, 12, 6), date(2026, 12, 1), date(2024, 2, 29), date(2027, 1, 1)])
def test_any_as_of_gives_a_book_that_ends_on_it(as_of: date) -> None:
    """`postloan seed` defaults to yesterday, any day of a month: the book still ends that day, with
    repayments up to it and nothing recorded after it."""
    # 1,000 loans: at 300 the overdue share of one book swings from 0.7% to 2.9% by the draw alone.
    book = generate(n_loans=1000, seed=2, as_of=as_of)
    for name, rows in book.items():
        for row in rows:
            for column, value in row.items():
                day = value.date() if isinstance(value, datetime) else value
                if isinstance(day, date) and column not in FUTURE_DATES:
                    assert day <= as_of, (name, column, row)
    assert max(r["paid_on"] for r in book["repayments"]) >= as_of - timedelta(days=3)
    overdue, npl = Book(book).ratios(as_of)
    assert Decimal("0.01") < overdue < Decimal("0.10") and npl < overdue


def test_loans_are_disbursed_over_three_years_more_of_them_lately(book: Tables) -> None:
    months = Counter(loan["disbursed_on"].replace(day=1) for loan in book["loans"])
    assert min(months) == shift_months(AS_OF.replace(day=1), -35)
    first_year = sum(n for m, n in months.items() if m < shift_months(AS_OF.replace(day=1), -23))
    last_year = sum(n for m, n in months.items() if m > shift_months(AS_OF.replace(day=1), -12))
    assert last_year > first_year


def test_schedules_follow_the_repayment_method(book: Tables) -> None:
    methods = {p["product_id"]: p["repayment_method"] for p in book["products"]}
    schedules = Book(book).schedule
    seen = set()
    for loan in book["loans"]:
        items = schedules[loan["loan_id"]]
        method = methods[loan["product_id"]]
        seen.add(method)
        principals = [item["principal_due"] for item in items]
        assert sum(principals) == loan["principal"]
        assert [item["instalment_no"] for item in items] == list(range(1, len(items) + 1))
        assert (
            loan["maturity_on"]
            == items[-1]["due_on"]
            == shift_months(loan["disbursed_on"], loan["term_months"])
        )
        assert all(item["principal_due"].as_tuple().exponent == -2 for item in items)
        assert all(item["interest_due"] > 0 for item in items)
        if method == "bullet":
            assert len(items) == 1
        else:
            assert len(items) == loan["term_months"]
            assert [item["due_on"] for item in items] == [
                shift_months(loan["disbursed_on"], k) for k in range(1, len(items) + 1)
            ]
        if method == "interest_first":
            assert principals[:-1] == [0] * (len(items) - 1)
            assert len({item["interest_due"] for item in items}) == 1
        elif method == "equal_principal":
            assert len(set(principals[:-1])) == 1
            assert [item["interest_due"] for item in items] == sorted(
                (item["interest_due"] for item in items), reverse=True
            )
        elif method == "equal_instalment":
            payments = {item["principal_due"] + item["interest_due"] for item in items[:-1]}
            assert max(payments) - min(payments) <= Decimal("0.01")
    assert seen == set(REPAYMENT_METHODS)


def test_no_instalment_is_overpaid_and_no_loan_repays_more_than_its_principal(book: Tables) -> None:
    due = {(i["loan_id"], i["instalment_no"]): i for i in book["schedule"]}
    paid_principal: dict[tuple, Decimal] = defaultdict(Decimal)
    paid_interest: dict[tuple, Decimal] = defaultdict(Decimal)
    by_loan: dict[str, Decimal] = defaultdict(Decimal)
    for r in book["repayments"]:
        assert r["principal_paid"] >= 0 and r["interest_paid"] >= 0
        assert r["principal_paid"] + r["interest_paid"] > 0
        by_loan[r["loan_id"]] += r["principal_paid"]
        if r["instalment_no"] is not None:
            key = (r["loan_id"], r["instalment_no"])
            assert key in due
            paid_principal[key] += r["principal_paid"]
            paid_interest[key] += r["interest_paid"]
    for key, principal in paid_principal.items():
        assert principal <= due[key]["principal_due"]
        assert paid_interest[key] <= due[key]["interest_due"]
    principals = {loan["loan_id"]: loan["principal"] for loan in book["loans"]}
    assert all(paid <= principals[loan_id] for loan_id, paid in by_loan.items())


def test_every_role_and_product_kind_is_there(book: Tables) -> None:
    assert {s["role"] for s in book["staff"]} == set(STAFF_ROLES)
    assert {p["category"] for p in book["products"]} == {"consumer", "business", "housing"}
    assert {c["grade"] for c in book["channels"]} == {"A", "B", "C"}
    assert {loan["payment_mode"] for loan in book["loans"]} == {"entrusted", "self"}
    branches = {b["branch_id"]: b for b in book["branches"]}
    roots = [b for b in branches.values() if b["parent_id"] is None]
    assert len(roots) == 1
    assert {branches[loan["branch_id"]]["parent_id"] for loan in book["loans"]} <= {
        b["branch_id"] for b in branches.values() if b["parent_id"] == roots[0]["branch_id"]
    }


def test_some_officers_left_and_their_loans_are_still_on_the_books(book: Tables) -> None:
    figures = Book(book)
    left = {s["staff_id"]: s for s in book["staff"] if s["left_on"]}
    assert left and all(s["role"] == "account_officer" for s in left.values())
    assert all(s["left_on"] >= s["joined_on"] for s in left.values())
    handed_over = [loan for loan in book["loans"] if loan["officer_id"] in left]
    assert all(loan["disbursed_on"] <= left[loan["officer_id"]]["left_on"] for loan in handed_over)
    assert any(figures.active(loan["loan_id"], AS_OF) for loan in handed_over)
    # Nobody works after leaving.
    for name, column in (("inspections", "done_on"), ("visits", "visited_on")):
        for row in book[name]:
            if row["staff_id"] in left:
                assert row[column] <= left[row["staff_id"]]["left_on"]


def test_customers_look_chinese(book: Tables) -> None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for customer in book["customers"]:
        number = customer["id_number"]
        assert re.fullmatch(r"\d{17}[\dX]", number)
        assert (
            "10X98765432"[sum(int(c) * w for c, w in zip(number, weights, strict=False)) % 11] == number[-1]
        )
        assert date(int(number[6:10]), int(number[10:12]), int(number[12:14])) < AS_OF
        assert re.fullmatch(r"1[3-9]\d{9}", customer["phone"])
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", customer["name"])
        assert customer["address"].startswith("浙江省")


def test_behaviour_covers_the_cases_a_dashboard_shows(book: Tables) -> None:
    figures = Book(book)
    loans = figures.loans
    written_off = {i for i, loan in loans.items() if loan["written_off_on"]}
    recovered = {
        r["loan_id"]
        for r in book["repayments"]
        if r["loan_id"] in written_off and r["paid_on"] > loans[r["loan_id"]]["written_off_on"]
    }
    assert recovered
    late = {
        r["loan_id"]
        for r in book["repayments"]
        if r["instalment_no"] is not None
        and r["paid_on"]
        > next(
            i["due_on"] for i in figures.schedule[r["loan_id"]] if i["instalment_no"] == r["instalment_no"]
        )
    }
    assert len(late) > 0.1 * len(loans)
    prepaid = [
        loan_id
        for loan_id in loans
        if figures.outstanding(loan_id, AS_OF) == 0 and loans[loan_id]["maturity_on"] > AS_OF
    ]
    assert prepaid
    dpds = [figures.dpd(loan_id, AS_OF) for loan_id in loans if figures.active(loan_id, AS_OF)]
    assert {system_class(d) for d in dpds} >= {0, 1, 2}
    assert sum(1 for d in dpds if d == 0) > 0.9 * len(dpds)


def test_ratios_look_like_a_real_lender(book: Tables) -> None:
    overdue, npl = Book(book).ratios(AS_OF)
    assert Decimal("0.01") < overdue < Decimal("0.08")
    assert Decimal("0.003") < npl < Decimal("0.04")
    assert npl < overdue


def test_placements_start_past_30_dpd_with_agency_actions_while_placed(book: Tables) -> None:
    figures = Book(book)
    placements = book["placements"]
    assert placements and any(p["recalled_on"] for p in placements)
    for p in placements:
        assert figures.dpd(p["loan_id"], p["placed_on"]) > 30
        assert p["placed_amount"] > 0
        assert p["recalled_on"] is None or p["recalled_on"] >= p["placed_on"]
    # A placement holds the loan on [placed_on, recalled_on) (DOMAIN section 5, "End dates"): on the recall
    # day the agency has no access to it, so it records nothing.
    windows = defaultdict(list)
    for p in placements:
        windows[(p["loan_id"], p["agency_id"])].append((p["placed_on"], p["recalled_on"] or AS_OF + DAY))
    agency_actions = [a for a in book["collection_actions"] if a["agency_id"]]
    assert agency_actions
    for a in agency_actions:
        assert a["staff_id"] is None
        on = a["acted_at"].date()
        assert any(start <= on < end for start, end in windows[(a["loan_id"], a["agency_id"])]), a
    by_loan = defaultdict(list)
    for p in placements:
        by_loan[p["loan_id"]].append(p)
    for rows in by_loan.values():
        rows.sort(key=lambda p: p["placed_on"])
        for before, after in pairwise(rows):
            assert before["recalled_on"] is not None and before["recalled_on"] <= after["placed_on"]


def test_collection_actions_and_promises(book: Tables) -> None:
    actions = book["collection_actions"]
    assert {a["channel"] for a in actions} == {"sms", "call", "letter", "field_visit", "legal"}
    assert {"ptp", "lost_contact", "connected", "no_answer", "paid"} <= {a["result"] for a in actions}
    assert any(a["info_repaired"] for a in actions)
    for a in actions:
        assert a["staff_id"] or a["agency_id"]
        assert 8 <= a["acted_at"].hour < 21
        assert (a["result"] == "ptp") == (a["ptp_amount"] is not None) == (a["ptp_on"] is not None)
        if a["ptp_on"]:
            assert a["ptp_amount"] > 0
            assert 0 < (a["ptp_on"] - a["acted_at"].date()).days <= 30
    paid: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for r in book["repayments"]:
        paid[r["loan_id"]].append((r["paid_on"], r["principal_paid"] + r["interest_paid"]))
    kept = [
        sum(amount for on, amount in paid[a["loan_id"]] if a["acted_at"].date() <= on <= a["ptp_on"])
        >= a["ptp_amount"]
        for a in actions
        if a["ptp_on"] and a["ptp_on"] <= AS_OF
    ]
    assert 0.3 < sum(kept) / len(kept) < 0.95


def test_collectors_are_assigned_to_overdue_loans(book: Tables) -> None:
    roles = {s["staff_id"]: s["role"] for s in book["staff"]}
    figures = Book(book)
    assignments = book["collector_assignments"]
    assert {roles[a["staff_id"]] for a in assignments} == {"phone_collector", "asset_preservation"}
    for a in assignments:
        assert figures.dpd(a["loan_id"], a["assigned_on"]) > 0
        assert a["ended_on"] is None or a["ended_on"] > a["assigned_on"]
        if roles[a["staff_id"]] == "asset_preservation":
            assert figures.dpd(a["loan_id"], a["assigned_on"]) > 90


def test_assignments_follow_the_end_date_convention(book: Tables) -> None:
    """An assignment covers [assigned_on, ended_on) (DOMAIN section 5, "End dates"): a loan's assignments
    never overlap, the hand-over day included, and a collector acts on a loan only on the days it is
    theirs, the day the case is cleared included (the collector holds it through that day)."""
    roles = {s["staff_id"]: s["role"] for s in book["staff"]}
    by_loan = defaultdict(list)
    for a in book["collector_assignments"]:
        by_loan[a["loan_id"]].append(a)
    handed_over = 0
    for rows in by_loan.values():
        rows.sort(key=lambda a: a["assigned_on"])
        for before, after in pairwise(rows):
            assert before["ended_on"] is not None and before["ended_on"] <= after["assigned_on"], (
                before,
                after,
            )
            handed_over += before["ended_on"] == after["assigned_on"]
    assert handed_over
    windows = defaultdict(list)
    for a in book["collector_assignments"]:
        windows[(a["loan_id"], a["staff_id"])].append((a["assigned_on"], a["ended_on"] or AS_OF + DAY))
    collector_actions = [
        a
        for a in book["collection_actions"]
        if a["staff_id"] and roles[a["staff_id"]] in ("phone_collector", "asset_preservation")
    ]
    assert any(a["result"] == "paid" for a in collector_actions)
    for a in collector_actions:
        on = a["acted_at"].date()
        assert any(start <= on < end for start, end in windows[(a["loan_id"], a["staff_id"])]), a


def test_overrides_are_worse_than_the_dpd_class(book: Tables) -> None:
    figures = Book(book)
    roles = {s["staff_id"]: s["role"] for s in book["staff"]}
    overrides = book["classification_overrides"]
    assert overrides
    for o in overrides:
        dpd_class = system_class(figures.dpd(o["loan_id"], o["effective_on"]))
        assert CLASSES.index(o["classification"]) > dpd_class
        assert o["reason"].strip()
        assert roles[o["staff_id"]] == "risk_manager"


def test_inspections(book: Tables) -> None:
    loans = {loan["loan_id"]: loan for loan in book["loans"]}
    periodic = {p["product_id"] for p in book["products"] if p["periodic_check_months"]}
    first: dict[str, date] = {}
    for i in book["inspections"]:
        assert i["done_on"] >= loans[i["loan_id"]]["disbursed_on"]
        if i["kind"] == "first":
            first[i["loan_id"]] = i["done_on"]
        elif i["kind"] == "periodic":
            assert loans[i["loan_id"]]["product_id"] in periodic
        elif i["kind"] == "sampling":
            assert i["done_on"].day <= 28
            assert shift_months(loans[i["loan_id"]]["disbursed_on"].replace(day=1), 1) == i[
                "done_on"
            ].replace(day=1)
        elif i["kind"] == "special":
            assert i["risk_signal"]
    on_time = late = missing = 0
    for loan in loans.values():
        due = loan["disbursed_on"].toordinal() + (3 if loan["payment_mode"] == "self" else 7)
        if due > AS_OF.toordinal():
            continue
        done = first.get(loan["loan_id"])
        if done is None:
            missing += 1
        elif done.toordinal() <= due:
            on_time += 1
        else:
            late += 1
    assert on_time > 0.75 * (on_time + late + missing)
    assert late and missing
    assert {i["kind"] for i in book["inspections"]} == {"first", "periodic", "sampling", "special"}
    assert {i["method"] for i in book["inspections"]} == {"onsite", "offsite", "phone"}


def test_visits_and_issues(book: Tables) -> None:
    visits = {v["visit_id"]: v for v in book["visits"]}
    assert {v["method"] for v in visits.values()} == {"phone", "in_person", "questionnaire"}
    assert {v["satisfaction"] for v in visits.values()} - {None} == {1, 2, 3, 4, 5}
    issues = book["issues"]
    assert {i["severity"] for i in issues} == set(SEVERITIES)
    assert any(i["visit_id"] for i in issues) and any(i["visit_id"] is None for i in issues)
    for i in issues:
        if i["visit_id"]:
            assert visits[i["visit_id"]]["visited_on"] == i["raised_on"]
        assert i["reported_on"] is None or i["reported_on"] >= i["raised_on"]
        assert i["resolved_on"] is None or i["resolved_on"] >= i["raised_on"]
    serious = [i for i in issues if i["severity"] != "general"]
    assert any(i["reported_on"] and (i["reported_on"] - i["raised_on"]).days > 3 for i in serious)
    assert any(i["resolved_on"] is None for i in issues)
    assert sum(1 for i in issues if i["resolved_on"]) > 0.6 * len(issues)


def test_output_does_not_depend_on_hash_randomisation() -> None:
    """Set iteration order changes with PYTHONHASHSEED: the rows must not."""
    script = "import hashlib, seed; print(hashlib.sha256(repr(seed.generate(150, 2)).encode()).hexdigest())"
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            cwd=Path(__file__).parents[2],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1
