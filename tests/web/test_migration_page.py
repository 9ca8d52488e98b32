"""The Portfolio page's monthly class migration matrix (issue 15): the engine's figures, with downloads."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.web.conftest import PAGES, app


def test_the_migration_matrix_of_the_as_of_month_is_on_the_portfolio_page(app_db: Engine) -> None:
    """2025-02-28 to 2025-03-20: A stays normal, B special mention; C (46 DPD) is overridden to loss."""
    at = app(lang="en").run().switch_page(str(PAGES / "portfolio.py")).run()
    assert not at.exception
    assert at.selectbox(key="portfolio_migration_month").value == (2025, 3)
    counts, balances = (d.value for d in at.dataframe if "mig_from" in d.value.columns)
    counts = counts.set_index("mig_from")
    assert counts.loc["Normal", "normal"] == 1
    assert counts.loc["Special mention", "special_mention"] == 1
    assert counts.loc["Special mention", "loss"] == 1
    assert int(counts.to_numpy().sum()) == 3
    assert balances.set_index("mig_from").loc["Special mention", "loss"] == 5000.0
    keys = {getattr(b, "key", None) for b in at.get("download_button")}  # CSV of each matrix
    assert {"portfolio_migration_loans_csv", "portfolio_migration_end_balance_csv"} <= keys
