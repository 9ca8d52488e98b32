"""The way most Streamlit dashboards are written, as the yardstick for bench/scale.py: read the tables into
pandas whole and compute the portfolio headline there (DOMAIN.md section 4, "Loan state at D" and
"Portfolio at D"), against our `dashboard.kpi.portfolio.portfolio` on the same data.

Both must agree on the active count and on the balance, overdue balance and NPL balance to the cent.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

import dashboard.kpi.state as state_module
from dashboard.config import Config
from dashboard.kpi.portfolio import Portfolio, portfolio
from dashboard.kpi.scope import Scope
from db.engine import make_engine
from db.models.enums import CLASSES


@dataclass(frozen=True)
class Headline:
    active_loans: int
    balance_cents: int
    overdue_cents: int  # Σ OP of the loans with DPD > 0
    npl_cents: int  # Σ OP of substandard, doubtful and loss

    def ratios(self) -> tuple[float | None, float | None]:
        if not self.balance_cents:
            return None, None
        return self.overdue_cents / self.balance_cents, self.npl_cents / self.balance_cents


@dataclass(frozen=True)
class Measured:
    seconds: list[float]
    peak_mb: float  # the most the resident set grew during a run (VmHWM - VmRSS before), over the runs
    headline: Headline


def _cents(values: pd.Series) -> pd.Series:
    return np.round(values.astype(float) * 100).astype("int64")


def _read(engine: Engine, table: str, dates: list[str]) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(f"SELECT * FROM {table}", conn, parse_dates=dates)


def pandas_headline(engine: Engine, as_of: date, config: Config) -> Headline:
    """Read loans, schedule, repayments and overrides whole, then compute in pandas."""
    loans = _read(engine, "loans", ["disbursed_on", "written_off_on"])
    schedule = _read(engine, "schedule", ["due_on"])
    repayments = _read(engine, "repayments", ["paid_on"])
    overrides = _read(engine, "classification_overrides", ["effective_on"])
    d = pd.Timestamp(as_of)

    loans = loans[loans["disbursed_on"] <= d]
    paid = repayments[repayments["paid_on"] <= d]
    principal_paid = paid.groupby("loan_id")["principal_paid"].sum()
    op = loans["principal"].astype(float) - loans["loan_id"].map(principal_paid).fillna(0).astype(float)
    loans = loans.assign(op_cents=_cents(op))

    by_instalment = (
        paid.dropna(subset=["instalment_no"])
        .assign(amount=lambda f: f["principal_paid"].astype(float) + f["interest_paid"].astype(float))
        .groupby(["loan_id", "instalment_no"], as_index=False)["amount"]
        .sum()
    )
    due = schedule[schedule["due_on"] < d].merge(by_instalment, on=["loan_id", "instalment_no"], how="left")
    remaining = due["principal_due"].astype(float) + due["interest_due"].astype(float)
    due = due[remaining - due["amount"].fillna(0) >= 0.005]
    first_due = due.groupby("loan_id")["due_on"].min()

    latest = overrides[overrides["effective_on"] <= d].sort_values("effective_on").groupby("loan_id").last()
    override_rank = latest["classification"].map({name: rank for rank, name in enumerate(CLASSES)})

    active = loans[
        (loans["written_off_on"].isna() | (loans["written_off_on"] > d)) & (loans["op_cents"] > 0)
    ].set_index("loan_id")
    dpd = (d - active.index.map(first_due).to_series(index=active.index)).dt.days.fillna(0)
    system = np.select(
        [dpd > config.loss_after_dpd, dpd > config.doubtful_after_dpd, dpd > config.substandard_after_dpd],
        [4, 3, 2],
        default=np.where(dpd > 0, 1, 0),
    )
    effective = np.maximum(system, active.index.map(override_rank).fillna(0).to_numpy())
    op_cents = active["op_cents"]
    return Headline(
        active_loans=len(active),
        balance_cents=int(op_cents.sum()),
        overdue_cents=int(op_cents[dpd.to_numpy() > 0].sum()),
        npl_cents=int(op_cents[effective >= CLASSES.index("substandard")].sum()),
    )


def _to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def ours_headline(engine: Engine, as_of: date, config: Config) -> Headline:
    with engine.connect() as conn:
        result: Portfolio = portfolio(conn, as_of=as_of, scope=Scope(), config=config)
    return Headline(
        result.active_loans,
        _to_cents(result.balance),
        _to_cents(result.overdue_balance),
        _to_cents(result.npl_balance),
    )


@contextmanager
def no_snapshots() -> Iterator[None]:
    """Make loan_state compute live from schedule and repayments, as if no snapshot were current."""
    original = state_module.has_current_snapshot
    state_module.has_current_snapshot = lambda conn, *, as_of: False
    try:
        yield
    finally:
        state_module.has_current_snapshot = original


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _run_once(way: str, url: str, as_of: date, config: Config) -> tuple[float, float, Headline]:
    """In a fresh child process: seconds, peak resident-set growth in MB, and the figures."""
    engine = make_engine(url)
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current resident set
    before = _status_kb("VmRSS")
    start = time.perf_counter()
    if way == "pandas":
        headline = pandas_headline(engine, as_of, config)
    elif way == "ours_live":
        with no_snapshots():
            headline = ours_headline(engine, as_of, config)
    else:
        headline = ours_headline(engine, as_of, config)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, (_status_kb("VmHWM") - before) / 1024, headline


def measure(way: str, url: str, as_of: date, config: Config, repeat: int) -> Measured:
    """`repeat` runs, each in a process forked for it (so each is cold and its memory is its own)."""
    runs = []
    for _ in range(repeat):
        with multiprocessing.get_context("fork").Pool(1) as pool:
            runs.append(pool.apply(_run_once, (way, url, as_of, config)))
    return Measured([r[0] for r in runs], max(r[1] for r in runs), runs[-1][2])


def compare(engine: Engine, as_of: date, config: Config, repeat: int) -> dict[str, Measured]:
    """Time the pandas way, ours from the snapshot and ours live; raise if the figures differ."""
    url = engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:  # load pandas' lazy imports once, so no forked run pays for them
        pd.read_sql("SELECT loan_id, disbursed_on FROM loans LIMIT 1", conn, parse_dates=["disbursed_on"])
    measured = {way: measure(way, url, as_of, config, repeat) for way in ("pandas", "ours", "ours_live")}
    theirs = measured["pandas"].headline
    for name in ("ours", "ours_live"):
        if measured[name].headline != theirs:
            raise AssertionError(f"{name} {measured[name].headline} differs from pandas {theirs}")
    return measured


def table(measured: dict[str, Measured]) -> list[str]:
    theirs = measured["pandas"]
    head = theirs.headline
    overdue, npl = head.ratios()
    lines = [
        f"Portfolio headline at the as-of date: {head.active_loans:,} active loans, balance "
        f"{head.balance_cents / 100:,.2f}, overdue ratio {overdue:.4%}, NPL ratio {npl:.4%} "
        "(pandas and ours agree on count, balance, overdue and NPL balance to the cent). "
        "pandas: `pd.read_sql` of loans, schedule, repayments and overrides whole, computed in pandas. "
        "Each run in a process of its own forked for it; peak memory = the most its resident set grew "
        "during the run (VmHWM after − VmRSS before).",
        "",
        "| way | median | max | peak memory | ours / theirs (time) |",
        "|---|---|---|---|---|",
    ]
    labels = {
        "pandas": "pandas (read whole + compute)",
        "ours": "ours, `portfolio()` (snapshot when current)",
        "ours_live": "ours, `portfolio()` live from schedule and repayments",
    }
    base = statistics.median(theirs.seconds)
    for name, label in labels.items():
        m = measured[name]
        median = statistics.median(m.seconds)
        worst = max(m.seconds)
        lines.append(
            f"| {label} | {median:.3f} s | {worst:.3f} s | {m.peak_mb:.1f} MB | {median / base:.3f} |"
        )
    return lines
