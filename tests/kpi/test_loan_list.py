"""The drill-down list's total and its complete export rows (issue 14 item 4): the same loans as the
portfolio figure they are opened from, summed by the database, every row streamed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard.kpi.portfolio import LoansTotal, iter_loans_at, loans_at, loans_total, portfolio
from dashboard.kpi.scope import Scope
from db.models.enums import BUCKETS, CLASSES
from tests.kpi.book import D
from tests.kpi.test_portfolio import CONFIG, book  # noqa: F401 (the fixture)

AS_OF = D("2025-03-31")


def test_total_and_rows_match_the_figure_drilled_from(book: Engine) -> None:  # noqa: F811
    with book.connect() as conn:
        figure = portfolio(conn, as_of=AS_OF, scope=Scope(), config=CONFIG)
        assert loans_total(conn, as_of=AS_OF, scope=Scope(), config=CONFIG) == LoansTotal(
            figure.active_loans, figure.balance
        )
        for bucket in BUCKETS:
            total = loans_total(conn, as_of=AS_OF, scope=Scope(), config=CONFIG, bucket=bucket)
            assert (total.loans, total.balance) == (
                figure.count_by_bucket[bucket],
                figure.balance_by_bucket[bucket],
            )
        for name in CLASSES:
            total = loans_total(conn, as_of=AS_OF, scope=Scope(), config=CONFIG, classification=name)
            assert (total.loans, total.balance) == (
                figure.count_by_class[name],
                figure.balance_by_class[name],
            )


@pytest.mark.parametrize("batch", [1, 2, 10_000])
def test_streamed_rows_are_the_whole_list_in_order(book: Engine, batch: int) -> None:  # noqa: F811
    with book.connect() as conn:
        listed = loans_at(conn, as_of=AS_OF, scope=Scope(), config=CONFIG)
        streamed = [
            row
            for rows in iter_loans_at(conn, as_of=AS_OF, scope=Scope(), config=CONFIG, batch=batch)
            for row in rows
        ]
        shown = loans_at(conn, as_of=AS_OF, scope=Scope(), config=CONFIG, limit=1)
    assert len(listed) == 3 and len(shown) == 1
    assert streamed == list(listed.itertuples(index=False, name=None))
