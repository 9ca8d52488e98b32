"""No dashboard table shows the words None or nan: a missing value (no agency, no last action, a ratio
without a denominator) is an empty cell. The book has such loans: A has no collection action, C no
collector, B no agency, and the April roll-rate of M3+ has no value."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine

from dashboard.ui.pages import for_role
from tests.web.conftest import PAGES, app

# The words pandas and Python produce for a missing value when it is turned into text.
MISSING_AS_TEXT = re.compile(r"(^|\W)(None|nan|NaN|NaT|<NA>)($|\W)")
DASHBOARD = [p.file for p in for_role("manager") if p.file not in ("find.py", "issues_work.py", "audit.py")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", DASHBOARD)
def test_missing_values_are_empty_cells(app_db: Engine, page: str, lang: str) -> None:
    query = {"lang": lang} | ({"loan_id": "B"} if page == "loan.py" else {})
    at = app(**query).run()
    at.switch_page(str(PAGES / page)).run()
    assert not at.exception
    missing = 0
    for table in at.dataframe:
        frame = table.value
        missing += int(frame.isna().sum().sum())
        # Tables drawn with dashboard.ui.widgets.table leave a missing value's cell empty.
        if page != "loan.py":
            # Unset means Streamlit's default, the word "None"; HasField tells it from an empty string.
            assert table.proto.HasField("placeholder") and table.proto.placeholder == "", list(frame.columns)
        for column in frame.columns:
            words = [v for v in frame[column] if isinstance(v, str) and MISSING_AS_TEXT.search(v)]
            assert not words, (page, column, words)
    for text in [m.value for m in at.markdown] + [c.value for c in at.caption]:
        assert not MISSING_AS_TEXT.search(text), (page, text)
    if page == "overdue.py":
        assert missing > 0  # the book does exercise missing values (C has no collector, B no agency)
