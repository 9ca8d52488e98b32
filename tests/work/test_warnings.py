"""Early warnings (issue 17): each internal signal at its edge, signals.csv, response deadlines in working
days, the response rules (verification before disposition, scope at the field, a downgrade into the
classification workflow), the list's order and the figures, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert, select, update

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.importer import ExtractInvalid, import_files
from dashboard.kpi.inspection_lists import exit_checks
from dashboard.kpi.scope import Scope
from dashboard.kpi.warnings import warning_figures
from dashboard.work.errors import FormInvalid, NotAllowed, WorkError
from dashboard.work.warnings import Response, open_warnings, respond, warning_list
from db.models import ClassificationProposal, Customer, EarlyWarning, Inspection, Loan
from tests.kpi.book import D, act, issue, loan, pay, reference

CONFIG = Config()
OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
RISK_B2 = Actor("r2", "risk_manager", name="R1", staff_id="R1", branch_id="B2")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10"), ("2025-04-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """A: instalment 1 paid on time, 2 unpaid (first overdue 03-11). B: instalment 1 paid two days late
    (late before). C (O2, B2): promises to pay."""
    with engine.begin() as conn:
        reference(conn)
        conn.execute(insert(Customer).values(customer_id="K2", name="李娜", id_number="110101199202021234"))
        loan(conn, "A", "3000", "2025-01-10", MONTHLY)
        pay(conn, "A", 1, "2025-02-10", "1000", "10")
        loan(conn, "B", "3000", "2025-01-10", MONTHLY)
        pay(conn, "B", 1, "2025-02-12", "1000", "10")
        loan(conn, "C", "3000", "2025-01-10", MONTHLY, branch="B2", officer="O2")
        conn.execute(update(Loan).where(Loan.loan_id == "C").values(customer_id="K2"))
        pay(conn, "C", 1, "2025-02-10", "1000", "10")
        pay(conn, "C", 2, "2025-03-10", "1000", "10")
    return engine


def _scan(engine: Engine, as_of: str, config: Config = CONFIG) -> list[tuple[str, str, date, date, str]]:
    with engine.begin() as conn:
        open_warnings(conn, as_of=D(as_of), config=config)
        return [
            tuple(row)
            for row in conn.execute(
                select(
                    EarlyWarning.source_key,
                    EarlyWarning.kind,
                    EarlyWarning.observed_on,
                    EarlyWarning.respond_by,
                    EarlyWarning.officer_id,
                ).order_by(EarlyWarning.source_key)
            )
        ]


def test_first_overdue_of_a_loan_never_late_before(book: Engine) -> None:
    assert _scan(book, "2025-03-10") == []  # due today is not late
    # A is late for the first time; B was late in February: none for B now. 03-11 (Tue) + 2 working days.
    assert _scan(book, "2025-03-11") == [
        ("first_overdue:A", "first_overdue", D("2025-03-11"), D("2025-03-13"), "O1")
    ]
    assert len(_scan(book, "2025-03-12")) == 1  # scanning again opens nothing new


def test_an_old_first_overdue_is_history_not_a_warning(book: Engine) -> None:
    assert _scan(book, "2025-03-19") == []  # seen 03-11, more than 7 days before
    assert _scan(book, "2025-03-18") == [
        ("first_overdue:A", "first_overdue", D("2025-03-11"), D("2025-03-13"), "O1")
    ]


def test_the_second_broken_promise_opens_a_warning(book: Engine) -> None:
    with book.begin() as conn:
        act(
            conn,
            "C",
            "2025-03-01T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="500",
            ptp_on="2025-03-05",
        )
        act(
            conn,
            "C",
            "2025-03-06T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="500",
            ptp_on="2025-03-08",
        )
    assert _scan(book, "2025-03-06") == []  # the first broken promise
    assert _scan(book, "2025-03-08") == []  # the second is due today: not broken yet
    # 03-09 is a Sunday: + 2 working days is Tuesday 03-11.
    assert _scan(book, "2025-03-09") == [
        ("broken_promise:C", "broken_promise", D("2025-03-09"), D("2025-03-11"), "O2")
    ]


def test_a_kept_promise_does_not_count(book: Engine) -> None:
    with book.begin() as conn:
        act(
            conn,
            "C",
            "2025-03-01T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="500",
            ptp_on="2025-03-05",
        )
        pay(conn, "C", 3, "2025-03-04", "500")
        act(
            conn,
            "C",
            "2025-03-06T10:00:00",
            "call",
            staff="C1",
            result="ptp",
            ptp_amount="500",
            ptp_on="2025-03-08",
        )
    assert _scan(book, "2025-03-09") == []  # one broken promise only


def test_inspections_and_major_issues_open_warnings(book: Engine) -> None:
    with book.begin() as conn:
        rows = [
            ("I1", "A", True, True),  # risk signal
            ("I2", "B", False, False),  # funds used against the contract
            ("I3", "A", True, False),  # all well
        ]
        for inspection_id, loan_id, funds_ok, risk in rows:
            conn.execute(
                insert(Inspection).values(
                    inspection_id=inspection_id,
                    loan_id=loan_id,
                    kind="periodic",
                    done_on=D("2025-02-14"),
                    method="onsite",
                    staff_id="O1",
                    funds_use_ok=funds_ok,
                    risk_signal=risk,
                )
            )
        issue(conn, "B", "major", "2025-02-14")
        issue(conn, "B", "important", "2025-02-14")
    found = _scan(book, "2025-02-14")
    # B paid instalment 1 two days late: its first overdue, seen 02-11, is within the week too.
    # Friday 02-14: 2 working days -> Tuesday, 1 -> Monday.
    assert [(kind, respond_by) for _, kind, _, respond_by, _ in found] == [
        ("first_overdue", D("2025-02-13")),
        ("inspection_risk", D("2025-02-18")),
        ("funds_misused", D("2025-02-17")),
        ("major_issue", D("2025-02-17")),
    ]


def test_response_deadlines_follow_the_calendar_and_the_settings(book: Engine) -> None:
    with book.begin() as conn:
        issue(conn, "A", "major", "2025-09-30")  # the Tuesday before National Day
    found = _scan(book, "2025-09-30", Config(warning_days_major_issue=1))
    assert [(kind, respond_by) for _, kind, _, respond_by, _ in found] == [("major_issue", D("2025-10-09"))]
    with book.begin() as conn:
        issue(conn, "B", "major", "2025-09-30")
    found = _scan(book, "2025-09-30", Config(warning_days_major_issue=0))
    assert found[-1][3] == D("2025-09-30")  # 0: the same working day


def _signals(*lines: str) -> dict[str, str]:
    return {
        "signals.csv": "signal_id,customer_id,loan_id,kind,observed_on,source,notes\n"
        + "\n".join(lines)
        + "\n"
    }


def test_signals_csv_opens_warnings_at_once(book: Engine) -> None:
    import_files(
        book,
        _signals(
            "S1,K1,,lawsuit,2025-09-30,法院公告,被诉欠款",  # customer K1: loans A and B
            "S2,,C,rating_downgrade,2025-03-03,征信,",
        ),
    )
    with book.connect() as conn:
        rows = conn.execute(
            select(
                EarlyWarning.source_key, EarlyWarning.kind, EarlyWarning.respond_by, EarlyWarning.officer_id
            ).order_by(EarlyWarning.source_key)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("signal:S1:A", "lawsuit", D("2025-10-09"), "O1"),
        ("signal:S1:B", "lawsuit", D("2025-10-09"), "O1"),
        ("signal:S2:C", "rating_downgrade", D("2025-03-06"), "O2"),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("S1,K9,,lawsuit,2025-09-30,,", "signals.csv:2: customer_id: unknown customer_id 'K9'"),
        ("S1,,L9,lawsuit,2025-09-30,,", "signals.csv:2: loan_id: unknown loan_id 'L9'"),
        ("S1,K1,,divorce,2025-09-30,,", "signals.csv:2: kind:"),
        ("S1,,,lawsuit,2025-09-30,,", "signals.csv:2: loan_id: blank"),
        ("S1,K1,,lawsuit,2025-13-01,,", "signals.csv:2: observed_on:"),
    ],
)
def test_a_bad_signal_is_refused_by_line_and_nothing_written(book: Engine, line: str, problem: str) -> None:
    with pytest.raises(ExtractInvalid) as refused:
        import_files(book, _signals("S0,,A,other,2025-09-30,,fine", line))
    texts = [str(p).replace("signals.csv:3", "signals.csv:2") for p in refused.value.problems]
    assert any(text.startswith(problem) for text in texts), texts
    with book.connect() as conn:
        assert conn.execute(select(EarlyWarning.warning_id)).first() is None


def _lawsuit(book: Engine) -> tuple[int, int]:
    import_files(book, _signals("S1,,A,lawsuit,2025-03-17,法院公告,被诉"))
    with book.connect() as conn:
        return tuple(conn.execute(select(EarlyWarning.warning_id, EarlyWarning.version)).one())  # type: ignore[return-value]


def test_a_disposition_needs_a_verification_first(book: Engine) -> None:
    warning_id, version = _lawsuit(book)
    with pytest.raises(FormInvalid) as refused:
        respond(
            book,
            OFFICER,
            warning_id,
            version,
            Response(None, None, None, "no_risk"),
            "t1",
            CONFIG,
            D("2025-03-18"),
        )
    assert set(refused.value.errors) == {"disposition"}
    with pytest.raises(FormInvalid) as refused:
        respond(
            book,
            OFFICER,
            warning_id,
            version,
            Response("phone", D("2025-03-16"), "问过", "watch"),
            "t2",
            CONFIG,
            D("2025-03-18"),
        )
    assert set(refused.value.errors) == {"verified_on"}  # before the signal was seen
    # Verified today, decided tomorrow.
    respond(
        book,
        OFFICER,
        warning_id,
        version,
        Response("phone", D("2025-03-18"), "确认被诉"),
        "t3",
        CONFIG,
        D("2025-03-18"),
    )
    respond(
        book,
        OFFICER,
        warning_id,
        version + 1,
        Response(None, None, None, "watch"),
        "t4",
        CONFIG,
        D("2025-03-19"),
    )
    with book.connect() as conn:
        row = conn.execute(select(EarlyWarning)).mappings().one()
    assert (row["verification"], row["disposition"], row["responded_on"], row["responded_by"]) == (
        "phone",
        "watch",
        D("2025-03-19"),
        "O1",
    )
    with pytest.raises(WorkError):
        respond(
            book,
            OFFICER,
            warning_id,
            version + 2,
            Response(None, None, None, "no_risk"),
            "t5",
            CONFIG,
            D("2025-03-19"),
        )


def test_a_response_outside_the_loans_scope_is_refused_at_the_field(book: Engine) -> None:
    warning_id, version = _lawsuit(book)
    for outsider in (OFFICER_2, RISK_B2):
        with pytest.raises(FormInvalid) as refused:
            respond(
                book,
                outsider,
                warning_id,
                version,
                Response("phone", D("2025-03-18"), "x", "no_risk"),
                "t",
                CONFIG,
                D("2025-03-18"),
            )
        assert set(refused.value.errors) == {"warning_id"}
    with pytest.raises(NotAllowed):
        respond(
            book,
            Actor("c", "collector", staff_id="C1"),
            warning_id,
            version,
            Response("phone", D("2025-03-18"), "x"),
            "t",
            CONFIG,
        )


def test_a_verified_lawsuit_proposes_a_downgrade(book: Engine) -> None:
    warning_id, version = _lawsuit(book)
    with pytest.raises(FormInvalid) as refused:
        respond(
            book,
            OFFICER,
            warning_id,
            version,
            Response("onsite", D("2025-03-18"), "已起诉", "propose_downgrade"),
            "t1",
            CONFIG,
            D("2025-03-18"),
        )
    assert set(refused.value.errors) == {"proposed_class"}
    respond(
        book,
        OFFICER,
        warning_id,
        version,
        Response("onsite", D("2025-03-18"), "已起诉", "propose_downgrade", "substandard"),
        "t2",
        CONFIG,
        D("2025-03-18"),
    )
    with book.connect() as conn:
        proposal = conn.execute(select(ClassificationProposal)).mappings().one()
        linked = conn.execute(select(EarlyWarning.proposal_id)).scalar_one()
    assert (proposal["loan_id"], proposal["classification"], proposal["status"]) == (
        "A",
        "substandard",
        "pending",
    )
    assert proposal["triggers"] == "other" and proposal["other_trigger"] == "lawsuit"
    assert linked == proposal["proposal_id"]


def test_the_list_puts_overdue_responses_first_and_the_figures_count_in_time(book: Engine) -> None:
    import_files(
        book,
        _signals(
            "S1,,A,lawsuit,2025-03-10,,",  # due 03-11: overdue on 03-13
            "S2,,B,other,2025-03-12,,",  # due 03-19
            "S3,,C,lawsuit,2025-03-10,,",  # O2
        ),
    )
    with book.connect() as conn:
        ids = dict(conn.execute(select(EarlyWarning.signal_id, EarlyWarning.warning_id)).all())
    respond(
        book,
        OFFICER,
        ids["S2"],
        1,
        Response("phone", D("2025-03-13"), "ok", "no_risk"),
        "t1",
        CONFIG,
        D("2025-03-13"),
    )
    with book.connect() as conn:
        mine = warning_list(conn, OFFICER, D("2025-03-13"))
        every = warning_list(conn, OFFICER, D("2025-03-13"), state="all")
        figures = warning_figures(
            conn, start=D("2025-03-01"), end=D("2025-03-31"), as_of=D("2025-03-13"), scope=Scope()
        )
    assert mine["loan_id"].tolist() == ["A"] and mine["overdue"].tolist() == [True]
    assert every["loan_id"].tolist() == ["A", "B"]  # C is O2's
    rows = figures.set_index("officer_id")
    assert rows.loc["O1", ["opened", "open", "responded", "due", "responded_in_time"]].tolist() == [
        2,
        1,
        1,
        2,
        1,
    ]
    assert rows.loc["O1", "in_time_rate"] == Decimal("0.5")
    assert rows.loc["O2", ["branch_id", "open", "due"]].tolist() == ["B2", 1, 1]


def test_the_exit_list_needs_an_on_site_check_every_month(book: Engine) -> None:
    import_files(book, _signals("S1,,A,business_closed,2025-02-03,,", "S2,,B,lawsuit,2025-02-03,,"))
    with book.connect() as conn:
        ids = dict(conn.execute(select(EarlyWarning.loan_id, EarlyWarning.warning_id)).all())
    exit_now = Response("onsite", D("2025-02-04"), "已停业", "propose_exit")
    respond(book, OFFICER, ids["A"], 1, exit_now, "t1", CONFIG, D("2025-02-04"))
    respond(book, OFFICER, ids["B"], 1, replace(exit_now, disposition="watch"), "t2", CONFIG, D("2025-02-04"))
    with book.begin() as conn:
        for inspection_id, done_on, method in (("I1", "2025-02-20", "onsite"), ("I2", "2025-03-05", "phone")):
            conn.execute(
                insert(Inspection).values(
                    inspection_id=inspection_id,
                    loan_id="A",
                    kind="special",
                    done_on=D(done_on),
                    method=method,
                    staff_id="O1",
                )
            )
    with book.connect() as conn:
        january = exit_checks(conn, year=2025, month=1, as_of=D("2025-03-20"), scope=Scope())
        february = exit_checks(conn, year=2025, month=2, as_of=D("2025-03-20"), scope=Scope())
        march = exit_checks(conn, year=2025, month=3, as_of=D("2025-03-20"), scope=Scope())
        in_b2 = exit_checks(conn, year=2025, month=3, as_of=D("2025-03-20"), scope=Scope(branch_id="B2"))
    assert january.marked == 0 and january.completion is None  # marked in February
    assert february.loans.values.tolist() == [["A", "B11", "O1", D("2025-02-04"), D("2025-02-20")]]
    assert (february.checked, february.completion) == (1, Decimal(1))
    assert (march.marked, march.checked, march.completion) == (
        1,
        0,
        Decimal(0),
    )  # a phone check does not count
    assert in_b2.marked == 0
