"""The collection action form page: a valid call with a promise, a refused one, and what the page keeps."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.auth.text import plain
from dashboard.testing import app_test
from db.models import CollectionAction
from db.models.enums import ACTION_CHANNELS, ACTION_RESULTS
from tests.web.conftest import PAGES, app

OFFICER = Actor("o1", "officer", name="O1", staff_id="O1")


def _page(actor: Actor = OFFICER, **query: str) -> AppTest:
    at = app(actor, lang="en", **query).run()
    return at.switch_page(str(PAGES / "action_form.py")).run()


def _actions(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    CollectionAction.loan_id,
                    CollectionAction.channel,
                    CollectionAction.result,
                    CollectionAction.ptp_amount,
                    CollectionAction.ptp_on,
                    CollectionAction.staff_id,
                    CollectionAction.notes,
                )
                .where(CollectionAction.staff_id == "O1")
                .order_by(CollectionAction.acted_at)
            )
        ]


def _fill(at: AppTest, *, at_time: time, amount: str, notes: str) -> AppTest:
    # By position: the options are shown translated, and the test process has no page language.
    at.selectbox(key="action_channel").select_index(ACTION_CHANNELS.index("call"))
    at.date_input(key="action_date").set_value(date(2025, 3, 20))
    at.time_input(key="action_time").set_value(at_time)
    at.selectbox(key="action_result").select_index(ACTION_RESULTS.index("ptp"))
    at.text_input(key="action_ptp_amount").set_value(amount)
    at.date_input(key="action_ptp_on").set_value(date(2025, 3, 28))
    at.text_area(key="action_notes").set_value(notes)
    return at


def _layout(at: AppTest) -> list[str]:
    """The form's elements in order, nesting flattened: widgets by key, error messages by text."""
    found: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        for child in getattr(node, "children", {}).values():
            if child.type == "error":
                found.append(f"error: {child.value}")
            elif getattr(child, "key", None):
                found.append(child.key)
            walk(child)

    walk(at.get("form")[0])
    return found


def _submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Save").click()
    return at.run()


def test_a_valid_call_with_a_promise_is_saved_and_listed(app_db: Engine) -> None:
    at = _page(loan_id="B")
    assert not at.exception
    assert at.caption[0].value == "Loan B"
    _submit(_fill(at, at_time=time(10, 0), amount="1,010.00", notes="<b>will pay</b> **soon**"))
    assert not at.exception
    assert at.success[0].value.startswith("Saved as AC")
    assert not at.error
    assert _actions(app_db) == [
        ("B", "call", "ptp", Decimal("1010.00"), date(2025, 3, 28), "O1", "<b>will pay</b> **soon**")
    ]
    # The loan's latest actions, as plain text, newest first.
    recent = at.dataframe[0].value
    assert recent["Notes"].tolist()[0] == "<b>will pay</b> **soon**"
    assert recent["Promise"].tolist()[0] == "1,010.00 / 2025-03-28"
    assert recent["Contact time"].tolist() == ["2025-03-20 10:00", "2025-03-15 10:00"]
    # A second click on Save (same token) writes nothing more.
    _submit(at)
    assert "already submitted" in at.success[0].value
    assert len(_actions(app_db)) == 1


def test_a_refused_call_shows_each_message_by_its_field_and_keeps_the_values(app_db: Engine) -> None:
    at = _page(loan_id="B")
    _submit(_fill(at, at_time=time(7, 30), amount="12.345", notes="客户说明天再打"))
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors[0] == "2 field(s) need correcting; nothing was saved"
    # The values in a message are escaped for Markdown (issue 22 item 4): what was typed shows as text.
    hours_text = f"{plain('07:30')} is outside contact hours ({plain('08:00')}-{plain('21:00')})"
    amount_text = f"{plain(repr('12.345'))} is not an amount (a number with at most 2 decimals, like 1234.56)"
    assert hours_text in errors
    assert amount_text in errors
    assert not at.success
    assert _actions(app_db) == []
    # Each message sits right under its field.
    layout = _layout(at)
    hours = layout.index(f"error: {hours_text}")
    assert layout[hours - 1] == "action_time"
    amount = layout.index(f"error: {amount_text}")
    assert layout[amount - 1] == "action_ptp_amount"
    # What the user typed stays.
    assert at.time_input(key="action_time").value == time(7, 30)
    assert at.text_input(key="action_ptp_amount").value == "12.345"
    assert at.text_area(key="action_notes").value == "客户说明天再打"
    assert at.date_input(key="action_ptp_on").value == date(2025, 3, 28)
    fixed = _submit(_fill(at, at_time=time(9, 30), amount="12.34", notes="客户说明天再打"))
    assert fixed.success and not fixed.error
    assert len(_actions(app_db)) == 1


def test_a_loan_outside_the_officers_scope(app_db: Engine) -> None:
    at = _page(loan_id="C")  # C belongs to O2: the link's loan is checked before the form is offered
    assert not at.exception
    assert [e.value for e in at.error] == ["Loan C is not one of yours (or does not exist)"]
    assert not at.get("form")
    assert _actions(app_db) == []
    assert not at.dataframe  # nobody else's history is listed


def test_typed_loan_id_and_chinese(app_db: Engine) -> None:
    at = app(OFFICER).run()
    at = at.switch_page(str(PAGES / "action_form.py")).run()
    assert at.title[0].value == "催收记录"
    at.text_input(key="action_loan_id").set_value("B")
    _fill(at, at_time=time(11, 0), amount="", notes="")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert "承诺还款需填写金额" in [e.value for e in at.error]
    assert at.text_input(key="action_loan_id").value == "B"


def test_the_page_itself_refuses_a_session_without_a_user(app_db: Engine) -> None:
    # The app never routes a signed-out session here; the page's own guard is the second line.
    at = app_test(str(PAGES / "action_form.py"), 60).run()
    assert at.info[0].value == "请登录后录入"
    assert not at.button


def test_channel_and_result_start_unchosen_and_a_save_without_them_is_refused_at_each(app_db: Engine) -> None:
    at = _page(loan_id="B")
    channel, result = at.selectbox(key="action_channel"), at.selectbox(key="action_result")
    assert channel.value is None and result.value is None
    assert channel.placeholder == result.placeholder == "Choose…"
    at.time_input(key="action_time").set_value(time(10, 0))
    at.date_input(key="action_date").set_value(date(2025, 3, 20))
    _submit(at)
    assert not at.exception and not at.success
    assert at.error[0].value == "2 field(s) need correcting; nothing was saved"
    layout = _layout(at)
    assert layout[layout.index("action_channel") + 1] == "error: Required"
    assert layout[layout.index("action_result") + 1] == "error: Required"
    assert _actions(app_db) == []
