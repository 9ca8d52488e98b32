"""The bulk upload page, driven through st.file_uploader (AppTest supports it in the installed Streamlit)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dashboard.actor import Actor
from dashboard.testing import app_test
from db.models import CollectionAction
from tests.kpi.book import place
from tests.web.conftest import PAGES, app

AGENCY = Actor("a1", "agency", name="甲催收", agency_id="A1")
HEADER = "action_id,loan_id,acted_at,channel,staff_id,agency_id,result,ptp_amount,ptp_on,info_repaired\n"
GOOD = (
    HEADER + "U1,B,2025-03-18 10:00,call,,,ptp,500,2025-03-28,0\n"
    "U2,B,2025-03-19 20:00,field_visit,,A1,connected,,,1\n"
).encode()
BAD = (
    HEADER + "U1,B,2025-03-18 07:00,call,,,connected,,,0\n"  # before 08:00
    "U2,C,2025-03-18 10:00,sms,,,connected,,,0\n"  # C is not placed with A1
    "U3,B,2025-03-18 11:00,sms,,,已接通,,,0\n"
).encode("gbk")  # and not UTF-8


@pytest.fixture
def placed_db(app_db: Engine) -> Engine:
    with app_db.begin() as conn:
        place(conn, "B", "A1", "2025-03-01", "3000")
    return app_db


def _page(actor: Actor = AGENCY) -> AppTest:
    at = app(actor, lang="en").run()
    return at.switch_page(str(PAGES / "upload.py")).run()


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, data, "text/csv"))
    at.run()
    at.button(key="upload_submit").click()
    return at.run()


def _written(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count()).select_from(CollectionAction).where(CollectionAction.agency_id == "A1")
            )
            or 0
        )


def test_a_good_file_is_previewed_and_written(placed_db: Engine) -> None:
    at = _page()
    assert not at.exception
    # An agency uploads collection actions only.
    assert at.selectbox(key="upload_kind").options == ["Collection actions"]
    at = _upload(at, "march.csv", GOOD)
    assert not at.exception
    preview = at.dataframe[0].value
    assert preview["action_id"].tolist() == ["U1", "U2"]
    assert at.success[0].value == "Uploaded 2 record(s): Collection actions 2"
    assert _written(placed_db) == 2
    # Clicking again with the same file writes nothing more.
    at.button(key="upload_submit").click()
    at.run()
    assert at.info[-1].value == "This file was already uploaded from this page; nothing new was written"
    assert _written(placed_db) == 2


def test_a_bad_file_lists_every_problem_and_writes_nothing(placed_db: Engine) -> None:
    at = _upload(_page(), "march.csv", BAD)
    assert not at.exception
    assert (
        at.error[0].value == "4 problem(s) found; nothing was written. Correct the file and upload it again."
    )
    problems = at.dataframe[1].value
    rows = problems.values.tolist()
    assert rows[:3] == [
        ["march.csv", 2, "acted_at", "07:00 is outside contact hours 08:00-21:00"],
        ["march.csv", 3, "loan_id", "loan 'C' is not one of yours (or does not exist)"],
        ["march.csv", 4, "-", "not valid UTF-8 (byte 0xd2 at position 29); save the file as UTF-8"],
    ]
    # The undecodable cell is shown with replacement characters, and still checked.
    assert rows[3][:3] == ["march.csv", 4, "result"] and "is not an allowed value" in rows[3][3]
    downloads = [b.proto.label for b in at.get("download_button")]
    assert "Download CSV" in downloads
    assert _written(placed_db) == 0
    # The corrected file is a new upload, not a duplicate of the refused one.
    at = _upload(at, "march-fixed.csv", GOOD)
    assert at.success[0].value == "Uploaded 2 record(s): Collection actions 2"
    assert _written(placed_db) == 2


def test_the_page_itself_refuses_a_session_without_a_user(app_db: Engine) -> None:
    # The app never routes a signed-out session here; the page's own guard is the second line.
    at = app_test(str(PAGES / "upload.py"), 60).run()
    assert at.info[0].value == "请登录后录入"
    assert not at.get("file_uploader")


@pytest.mark.parametrize(("lang", "label"), [("en", "Download a template"), ("zh", "下载模板")])
def test_the_page_offers_a_template_for_the_kind_chosen(app_db: Engine, lang: str, label: str) -> None:
    risk = Actor("r1", "risk_manager", name="R1", staff_id="R1", branch_id="B1")
    at = app(risk, lang=lang).run().switch_page(str(PAGES / "upload.py")).run()
    assert not at.exception
    templates = [b for b in at.get("download_button") if b.proto.label == label]
    assert len(templates) == 1
    first = templates[0].proto.url
    at.selectbox(key="upload_kind").select_index(1).run()  # visits
    templates = [b for b in at.get("download_button") if b.proto.label == label]
    assert len(templates) == 1 and templates[0].proto.url != first
