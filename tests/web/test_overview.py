"""Overview page: the engine's figures, filters from the sidebar and the URL, both languages, drill-down."""

from __future__ import annotations

from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.ui.widgets import money, percent
from tests.kpi.book import D
from tests.web.conftest import app


def _metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def _expected(engine: Engine, scope: Scope):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return portfolio(conn, as_of=D("2025-03-20"), scope=scope, config=Config())


def test_overview_shows_the_engine_figures(app_db: Engine) -> None:
    at = app(lang="en").run()
    assert not at.exception
    assert at.date_input(key="as_of").value == D("2025-03-20")
    expected = _expected(app_db, Scope())
    shown = _metrics(at)
    assert shown["Balance"] == money(expected.balance) == "¥9,000.00"
    assert shown["Overdue ratio"] == percent(expected.overdue_ratio)
    assert shown["NPL ratio"] == percent(expected.npl_ratio) == "55.56%"
    assert shown["Active loans"] == "3"


def test_branch_filter_changes_the_figures(app_db: Engine) -> None:
    at = app(lang="en").run()
    at.selectbox(key="branch").set_value("B1").run()
    assert not at.exception
    assert _metrics(at)["Balance"] == money(_expected(app_db, Scope(branch_id="B1")).balance) == "¥4,000.00"
    assert at.query_params["branch"] == "B1"


def test_filters_come_from_the_url(app_db: Engine) -> None:
    at = app(lang="en", branch="B2", as_of="2025-02-28").run()
    assert not at.exception
    assert at.selectbox(key="branch").value == "B2"
    assert _metrics(at)["Balance"] == "¥5,000.00"


def test_a_bad_url_value_is_ignored(app_db: Engine) -> None:
    at = app(branch="NOPE", as_of="2025-02-31").run()
    assert not at.exception
    assert at.selectbox(key="branch").value is None
    assert at.date_input(key="as_of").value == D("2025-03-20")


def test_both_languages_render(app_db: Engine) -> None:
    chinese = app().run()
    english = app(lang="en").run()
    assert not chinese.exception and not english.exception
    assert "贷款余额" in _metrics(chinese)
    assert "Balance" in _metrics(english)
    assert chinese.title[0].value == "资产质量概览"
    assert english.title[0].value == "Portfolio overview"


def test_drill_down_links_and_downloads(app_db: Engine) -> None:
    at = app(lang="en").run()
    tables = at.dataframe
    assert tables, "the bucket and class tables are shown"
    downloads = [b.proto.label for b in at.get("download_button")]
    assert "Download CSV" in downloads and "Download Excel" in downloads
    # The by-bucket table links each bucket to the loan list, carrying the filters.
    bucket_table = tables[0].value
    assert bucket_table["open"].tolist()[2] == "loans?lang=en&as_of=2025-03-20&bucket=M2"


def test_empty_filter_says_why(app_db: Engine) -> None:
    at = app(product="P2", lang="en").run()  # no loans of P2
    assert not at.exception
    assert "No active loans on 2025-03-20" in at.info[0].value


def test_an_as_of_before_the_first_loan_is_refused(app_db: Engine) -> None:
    # Before the first disbursement there is nothing to count: the link's date is named and ignored
    # (issue 22 item 9), the page shows the data date.
    at = app(as_of="2024-01-01", lang="en").run()
    assert not at.exception
    assert any("“as_of”" in w.value for w in at.warning)
    assert at.date_input(key="as_of").value.isoformat() == "2025-03-20"


def test_definitions_are_one_click_away(app_db: Engine) -> None:
    at = app(lang="en").run()
    assert at.expander[0].label == "How this is computed"
    assert any("DPD counts from the oldest instalment" in m.value for m in at.expander[0].markdown)


def test_needs_attention_counts(app_db: Engine) -> None:
    at = app(lang="en").run()
    shown = _metrics(at)
    # B's first check (due 17 Jan) was never done; no loan is 1-7 DPD; nobody lost contact;
    # B's major issue (1 Mar) is still open.
    assert shown["First checks overdue"] == "1"
    assert shown["Newly overdue (DPD 1–7)"] == "0"
    assert shown["Lost contact, no field visit"] == "0"
    assert shown["Open important and major issues"] == "1"
