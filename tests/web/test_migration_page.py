"""The Portfolio page's monthly class migration (issue 15): the matrix, the loans that moved with their cause
and the moves by branch, each with CSV and Excel downloads."""

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
    # The loan that moved, with its cause, and the branch it moved in.
    movers = next(d.value for d in at.dataframe if "cause" in d.value.columns)
    assert movers[["loan_id", "from_class", "to_class", "direction", "cause"]].values.tolist() == [
        ["C", "Special mention", "Loss", "Downgrade", "Override"]
    ]
    assert movers["open"].tolist()[0].startswith("loan?") and "loan_id=C" in movers["open"].tolist()[0]
    branches = next(d.value for d in at.dataframe if "downgrades" in d.value.columns)
    assert branches[["branch_id", "upgrades", "downgrades", "downgrade_balance"]].values.tolist() == [
        ["B2", 0, 1, 5000.0]
    ]
    keys = {getattr(b, "key", None) for b in at.get("download_button")}  # CSV and Excel of each table
    assert {
        f"portfolio_migration_{name}_{kind}"
        for name in ("loans", "end_balance", "movers", "branches")
        for kind in ("csv", "xlsx")
    } <= keys
