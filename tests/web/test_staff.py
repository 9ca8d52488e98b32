"""Staff KPIs page: officer figures equal the engine's, filters, links, hand-over, both languages."""

from __future__ import annotations

from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.scope import Scope
from dashboard.kpi.staff import officer_scores
from dashboard.ui.widgets import percent
from dashboard.work.allocation import hand_over
from dashboard.work.saving import save
from tests.kpi.book import D, loan
from tests.web.conftest import MANAGER, PAGES, app


def _page(**query: str):  # type: ignore[no-untyped-def]
    at = app(**query).run()
    return at.switch_page(str(PAGES / "staff.py")).run()


def test_officer_table_equals_the_engine(app_db: Engine) -> None:
    at = _page(lang="en")
    assert not at.exception
    with app_db.connect() as conn:
        scores = {
            s.staff_id: s for s in officer_scores(conn, as_of=D("2025-03-20"), scope=Scope(), config=Config())
        }
    officers = at.dataframe[0].value.set_index("officer_id")
    assert officers.loc["O1", "overdue_ratio"] == float(scores["O1"].overdue_ratio) == 0.75
    assert officers.loc["O2", "npl_ratio"] == float(scores["O2"].npl_ratio) == 1.0
    assert officers.loc["O1", "balance"] == 4000.0
    assert officers.loc["O1", "open"] == "loans?lang=en&as_of=2025-03-20&officer=O1"
    shown = {m.label: m.value for m in at.metric}
    overdue = sum(s.overdue_balance for s in scores.values()) / sum(s.balance for s in scores.values())
    assert shown["Overdue ratio (after cut-off)"] == percent(overdue) == "88.89%"  # B 3,000 + C 5,000
    assert shown["Officers meeting targets"] == "0 / 2"
    assert at.get("vega_lite_chart"), "the overdue-ratio chart is drawn"
    assert "Download Excel" in [b.proto.label for b in at.get("download_button")]


def test_branch_filter_changes_the_figures(app_db: Engine) -> None:
    at = _page(lang="en")
    at.selectbox(key="branch").set_value("B2").run()
    assert not at.exception
    assert at.dataframe[0].value["officer_id"].tolist() == ["O2"]
    assert {m.label: m.value for m in at.metric}["Officers meeting targets"] == "0 / 1"


def test_handover_list_links_to_the_loan_card(app_db: Engine) -> None:
    with app_db.begin() as conn:  # O3 left in 2024
        loan(conn, "H", "2000", "2025-01-05", [("2025-12-05", "2000", "0")], branch="B2", officer="O3")
    at = _page(lang="en")
    assert not at.exception
    handover = at.dataframe[-1].value
    assert handover["loan_id"].tolist() == ["H"]
    assert handover["open"].tolist() == ["loan?lang=en&as_of=2025-03-20&loan_id=H"]


def test_empty_state_and_chinese(app_db: Engine) -> None:
    empty = _page(lang="en", product="P2")  # no loans (an as-of before the first loan is refused)
    assert not empty.exception
    assert "No account officer has active loans" in empty.info[0].value
    chinese = _page()
    assert not chinese.exception
    assert chinese.title[0].value == "人员考核"
    assert "逾期率（基准日后）" in {m.label for m in chinese.metric}


def test_the_phone_collectors_m3_roll_beside_the_inherited_checks(app_db: Engine) -> None:
    # O3 left in 2024; X goes to C1 (a phone collector), Y to O2 (an account officer) on 15 Jan 2025. Both are
    # 72 DPD (M3) at the end of January and over 90 (M3+) at the end of February, the month judged.
    with app_db.begin() as conn:
        for loan_id in ("X", "Y"):
            loan(conn, loan_id, "1000", "2024-10-01", [("2024-11-20", "1000", "10")], officer="O3")
    for loan_id, successor in (("X", "C1"), ("Y", "O2")):
        save(
            app_db,
            MANAGER,
            None,
            lambda conn, i=loan_id, s=successor: hand_over(
                conn, MANAGER, loan_ids=[i], departed_id="O3", successor_id=s, on=D("2025-01-15")
            ),
        )
    at = _page(lang="en")
    assert not at.exception
    (inherited,) = [d.value for d in at.dataframe if "m3_roll_rate" in d.value.columns]
    rows = inherited.set_index("officer_id")
    assert rows.loc["C1", "m3_roll_rate"] == 1.0
    assert rows.loc["C1", "m3_within"] is not None and not rows.loc["C1", "m3_within"]
    assert rows.loc["C1", "overdue_ratio"] == 1.0
    # O2 is assessed on overdue and NPL only.
    assert rows.loc["O2", "overdue_ratio"] == 1.0
    assert rows.loc["O2", ["m3_roll_rate", "m3_within"]].isna().all()
    assert any("2025-02" in c.value and "95%" in c.value for c in at.caption)
