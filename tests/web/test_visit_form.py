"""The visit form page: a risk officer records a visit with two issues and sees it on the loan card; a bad
submit shows each message under its field, keeps what was typed and writes nothing; both languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dashboard import clock
from dashboard.actor import Actor
from db.models import AuditEntry, Issue, Visit
from tests.web.conftest import PAGES, app

RISK = Actor("risk", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
FORM = "visit_B"


def leaves(block: Any) -> Iterator[Any]:
    """The elements of a block in page order, columns and containers flattened."""
    children = getattr(block, "children", None)
    if not children:
        yield block
        return
    for child in children.values():
        yield from leaves(child)


def after(at: AppTest, key: str) -> Any:
    """The element right below the widget with this key."""
    shown = list(leaves(at.get("form")[0]))
    index = next(i for i, element in enumerate(shown) if getattr(element, "key", None) == key)
    return shown[index + 1]


def page(actor: Actor = RISK, **query: str) -> AppTest:
    at = app(actor=actor, **query).run()
    return at.switch_page(str(PAGES / "visit_form.py")).run()


def rows(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (Visit, Issue, AuditEntry)
        )


def test_a_risk_officer_records_a_visit_with_two_issues(app_db: Engine) -> None:
    before = rows(app_db)  # the book has one visit and one issue on B
    at = page(lang="en", loan_id="B")
    assert not at.exception
    assert at.title[0].value == "Record a visit"
    at.number_input(key=f"{FORM}_issue_count").set_value(2).run()
    at.selectbox(key=f"{FORM}_method").set_value("in_person")
    at.selectbox(key=f"{FORM}_stage").set_value("repayment")
    at.text_area(key=f"{FORM}_content").input("上门核实还款意愿 **not bold** <b>x</b>")
    at.text_area(key=f"{FORM}_feedback").input("下月补足")
    at.selectbox(key=f"{FORM}_satisfaction").set_value(3)
    at.selectbox(key=f"{FORM}_issue_1_severity").set_value("major")
    at.text_area(key=f"{FORM}_issue_1_description").input("担保人失联")
    at.selectbox(key=f"{FORM}_issue_2_severity").set_value("general")
    at.text_area(key=f"{FORM}_issue_2_description").input("电话号码变更")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert not at.error
    assert at.success[0].value.startswith("Saved as V")
    assert rows(app_db) == (before[0] + 1, before[1] + 2, before[2] + 3)
    with app_db.connect() as conn:
        visit = conn.execute(select(Visit).where(Visit.staff_id == "R1")).mappings().one()
        issues = conn.execute(select(Issue).where(Issue.visit_id == visit["visit_id"])).mappings().all()
    assert (visit["loan_id"], visit["method"], visit["stage"], visit["satisfaction"]) == (
        "B",
        "in_person",
        "repayment",
        3,
    )
    assert sorted((i["severity"], i["description"]) for i in issues) == [
        ("general", "电话号码变更"),
        ("major", "担保人失联"),
    ]
    # A second click on the same rendered form writes nothing.
    at.button(key=f"{FORM}_submit").click().run()
    assert rows(app_db) == (before[0] + 1, before[1] + 2, before[2] + 3)
    assert "already submitted" in at.success[0].value

    at.switch_page(str(PAGES / "loan.py")).run()
    assert not at.exception
    history = at.dataframe[-1].value
    mine = history[history["by"] == "R1"]
    assert mine["kind"].tolist() == ["Visit", "Issue", "Issue"]
    assert mine["what"].iloc[0] == "In person: 上门核实还款意愿 **not bold** <b>x</b>"
    assert set(mine["what"].iloc[1:]) == {"Major: 担保人失联 · open", "General: 电话号码变更 · open"}


def test_a_bad_submit_says_what_is_wrong_under_each_field_and_keeps_the_input(app_db: Engine) -> None:
    before = rows(app_db)
    at = page(lang="en", loan_id="B")
    at.number_input(key=f"{FORM}_issue_count").set_value(1).run()
    at.selectbox(key=f"{FORM}_method").set_value("phone")
    at.text_area(key=f"{FORM}_content").input("   ")
    at.text_area(key=f"{FORM}_feedback").input("客户说下周还")
    at.text_area(key=f"{FORM}_issue_1_description").input("没有选严重程度")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception
    assert rows(app_db) == before
    assert at.error[0].value == "3 field(s) need correcting; nothing was saved"
    assert after(at, f"{FORM}_stage").value == "Required"
    assert after(at, f"{FORM}_content").value == "Required"
    assert after(at, f"{FORM}_issue_1_description").value == "Each issue needs a severity and a description"
    assert after(at, f"{FORM}_method").key == f"{FORM}_stage"  # a good field has no message under it
    # What was typed is still there.
    assert at.selectbox(key=f"{FORM}_method").value == "phone"
    assert at.text_area(key=f"{FORM}_feedback").value == "客户说下周还"
    assert at.text_area(key=f"{FORM}_issue_1_description").value == "没有选严重程度"

    # Corrected, the same form saves.
    at.selectbox(key=f"{FORM}_stage").set_value("other")
    at.text_area(key=f"{FORM}_content").input("电话回访")
    at.selectbox(key=f"{FORM}_issue_1_severity").set_value("important")
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.error and at.success
    assert rows(app_db) == (before[0] + 1, before[1] + 1, before[2] + 2)


def test_adding_an_issue_after_a_refused_submit_keeps_what_was_typed(app_db: Engine) -> None:
    at = page(lang="en", loan_id="B")
    at.text_area(key=f"{FORM}_content").input("先写内容")
    at.button(key=f"{FORM}_submit").click().run()  # refused: no method, no stage
    at.number_input(key=f"{FORM}_issue_count").set_value(3).run()
    assert at.text_area(key=f"{FORM}_content").value == "先写内容"
    assert [s.key for s in at.selectbox if s.key.endswith("_severity")] == [
        f"{FORM}_issue_{n}_severity" for n in (1, 2, 3)
    ]


def test_a_loan_outside_the_scope_gets_no_form(app_db: Engine) -> None:
    at = page(OFFICER_2, lang="en", loan_id="B")
    assert not at.exception
    assert "Loan B is not one of yours" in at.error[0].value
    assert not at.get("form")


def test_the_loan_id_can_be_typed(app_db: Engine) -> None:
    at = page(lang="en")
    assert not at.get("form")
    at.text_input(key="visit_loan").input("A").run()
    assert not at.exception
    assert at.get("form") and at.get("page_link")[0].proto.query_string == "loan_id=A"


def test_chinese(app_db: Engine) -> None:
    at = page(loan_id="B")
    assert not at.exception
    assert at.title[0].value == "回访记录"
    assert at.selectbox(key=f"{FORM}_method").options == ["电话", "面谈", "问卷"]
    at.button(key=f"{FORM}_submit").click().run()
    assert after(at, f"{FORM}_content").value == "必填"


def test_without_a_loan_it_says_how_to_choose_one(app_db: Engine) -> None:
    at = page(lang="en")
    assert not at.exception and not at.get("form")
    assert "Type the contract number above" in at.caption[0].value
    assert [x.proto.page for x in at.get("page_link")] == ["find"]
    at.text_input(key="visit_loan").input("B").run()
    assert at.get("form")


def fill(at: AppTest, content: str) -> AppTest:
    at.selectbox(key=f"{FORM}_method").set_value("phone")
    at.selectbox(key=f"{FORM}_stage").set_value("repayment")
    at.text_area(key=f"{FORM}_content").input(content)
    return at


def test_a_shared_form_link_saves_for_the_colleague_who_opens_it(app_db: Engine) -> None:
    """Issue 14 item 5: the token is not in the URL, so a link (even one from before, still carrying a
    token) opened by a colleague saves the colleague's visit; a second click still writes once."""
    colleague = Actor("risk2", "risk_manager", name="R2", staff_id="R1", branch_id="B1")
    before = rows(app_db)
    first = page(lang="en", loan_id="B", t_visit_B="shared")
    assert not [key for key in first.query_params if key.startswith("t_")]
    fill(first, "第一位").button(key=f"{FORM}_submit").click().run()
    assert first.success[0].value.startswith("Saved as V")
    assert not [key for key in first.query_params if key.startswith("t_")]
    second = page(colleague, lang="en", loan_id="B", t_visit_B="shared")
    fill(second, "第二位").button(key=f"{FORM}_submit").click().run()
    assert not second.exception
    assert second.success[0].value.startswith("Saved as V")
    assert second.success[0].value != first.success[0].value
    second.button(key=f"{FORM}_submit").click().run()
    assert "already submitted" in second.success[0].value
    assert rows(app_db)[0] == before[0] + 2
    with app_db.connect() as conn:
        contents = conn.execute(select(Visit.content).where(Visit.staff_id == "R1")).scalars().all()
    assert sorted(contents) == ["第一位", "第二位"]


def test_a_visit_date_after_today_refuses_the_save(app_db: Engine) -> None:
    """Issue 14 item 2: a date past the widget's old max_value was replaced by today and saved; now the save
    is refused with the date's message under the field and nothing is written."""
    before = rows(app_db)
    later = clock.today() + timedelta(days=38)
    at = fill(page(lang="en", loan_id="B"), "上门回访")
    at.date_input(key=f"{FORM}_visited_on").set_value(later)
    at.button(key=f"{FORM}_submit").click().run()
    assert not at.exception and not at.success
    assert rows(app_db) == before
    assert at.error[0].value == "1 field(s) need correcting; nothing was saved"
    assert after(at, f"{FORM}_visited_on").value == f"{later} is after today"
    assert at.date_input(key=f"{FORM}_visited_on").value == later  # kept, for the user to correct


def test_a_saved_record_is_corrected_with_a_reason_and_audited(app_db: Engine) -> None:
    at = page(loan_id="B", lang="en")
    assert not at.exception
    name = "correct_B"
    at.text_area(key=f"{name}_content").input("回访内容已补记合同编号")
    at.button(key=f"{name}_submit").click().run()
    assert not at.exception
    assert any(e.value == "Required" for e in at.error), [e.value for e in at.error]  # the reason
    at.text_area(key=f"{name}_reason").input("漏记合同编号")
    at.button(key=f"{name}_submit").click().run()
    assert not at.exception
    with app_db.connect() as conn:
        assert (
            conn.execute(select(Visit.content).where(Visit.loan_id == "B")).scalar()
            == "回访内容已补记合同编号"
        )
        actions = (
            conn.execute(select(AuditEntry.action).where(AuditEntry.table_name == "visits")).scalars().all()
        )
    assert actions == ["correct"]
