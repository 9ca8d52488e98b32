"""The scale benchmark (issue 6) on the database of DATABASE_URL: pages, KPI commands, import, refresh, a
visit save, the server's peak memory over a click-through, and the pandas way of computing the headline.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postloan_scale \\
        .venv/bin/python bench/scale.py [--repeat 3] [--skip pages,server] [--import-loans 2000] \\
        [--full-refresh] [--results bench/RESULTS.md]

Steps (for --skip): pages, kpi, import, refresh, visits, server, baseline. Writes the section
"## Scale benchmark: <N> loans on <backend>" of the results file (other sections are kept) and prints it.
The benchmarked data is left as it was: the refresh is rolled back, the saved visits and the bench user are
deleted afterwards with the token and sign-in rows they wrote, but not their audit rows, whose deletion
would break the audit log's hash chain (the data version moves on, as after any write, so no cached
figure is reused).
A failed step is reported in its place and makes the exit code 1.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from calendar import monthrange
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from sqlalchemy import Engine, create_engine, delete, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline
import server_memory

import pages as page_bench
from dashboard.actor import Actor
from dashboard.cli import main as postloan
from dashboard.config import load_config
from dashboard.importer import import_directory
from dashboard.kpi.data_dates import latest_data_date
from dashboard.kpi.snapshots import default_dates, refresh
from dashboard.work.visits import IssueFound, VisitForm, record_visit
from db.data_version import bump_data_version
from db.engine import make_engine
from db.migrate import upgrade
from db.models import FormSubmission, Issue, Loan, Staff, Visit

STEPS = ("pages", "kpi", "import", "refresh", "visits", "server", "baseline")
IMPORT_DB = "postloan_bench_import"


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s | {max(values):.3f} s"


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def last_full_month(latest: date) -> tuple[date, date]:
    """The last calendar month that ends on or before `latest`."""
    if latest.day == monthrange(latest.year, latest.month)[1]:
        end = latest
    else:
        end = latest.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def run_cli(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = postloan(argv)
    if code:
        raise RuntimeError(f"postloan {' '.join(argv)}: exit {code}: {err.getvalue().strip()}")


# --- the steps: each returns its Markdown lines -------------------------------------------------------


def step_pages(repeat: int, sample_loan: str) -> list[str]:
    rows = page_bench.time_pages(repeat, sample_loan)
    return [
        f"Each page's script run through AppTest, signed in as a manager over the whole book, {repeat} runs "
        "each; cold = st.cache_data cleared before the run.",
        "",
        "| page | cold median | cold max | warm median | warm max |",
        "|---|---|---|---|---|",
        *(f"| {t.page} | {seconds(t.cold)} | {seconds(t.warm)} |" for t in rows),
    ]


def step_kpi(repeat: int, latest: date) -> list[str]:
    start, end = last_full_month(latest)
    as_of = ["--as-of", latest.isoformat()]
    period = ["--from", start.isoformat(), "--to", end.isoformat()]
    figures = {
        "portfolio": ["portfolio", *as_of],
        "loans": ["loans", *as_of],
        "roll": ["roll", "--month", f"{end:%Y-%m}"],
        "migration": ["migration", "--month", f"{end:%Y-%m}", *as_of],
        "first-checks": ["first-checks", *period, *as_of],
        "agencies": ["agencies", *period, *as_of],
        "staff": ["staff", *as_of],
    }
    lines = [
        f"`postloan kpi <figure>` run in-process (`dashboard.cli.main`, output to a buffer: engine, schema "
        f"check, settings, the query and the JSON; no interpreter start), {repeat} runs each.",
        "",
        "| command | median | max |",
        "|---|---|---|",
    ]
    for name, argv in figures.items():
        runs = [timed(lambda argv=argv: run_cli(["kpi", *argv])) for _ in range(repeat)]
        lines.append(f"| `postloan kpi {' '.join(argv)}` | {seconds(runs)} |")
        print(f"kpi {name}: {statistics.median(runs):.3f} s", flush=True)
    return lines


def _scratch_url(engine: Engine, folder: Path) -> str:
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{folder / 'import.db'}"
    return make_url(engine.url).set(database=IMPORT_DB).render_as_string(hide_password=False)


def _pg_admin(engine: Engine, statement: str) -> None:
    admin_url = make_url(engine.url).set(database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def step_import(engine: Engine, loans: int) -> list[str]:
    postgres = engine.dialect.name == "postgresql"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        extract = folder / "extract"
        generate = timed(
            lambda: run_cli(["seed", "--loans", str(loans), "--as-of", "2026-10-31", "--out", str(extract)])
        )
        in_files = sum(
            sum(1 for _ in csv.reader(f.open(encoding="utf-8"))) - 1 for f in extract.glob("*.csv")
        )
        if postgres:
            _pg_admin(engine, f"DROP DATABASE IF EXISTS {IMPORT_DB}")
            _pg_admin(engine, f"CREATE DATABASE {IMPORT_DB}")
        scratch = make_engine(_scratch_url(engine, folder))
        try:
            schema = timed(lambda: upgrade(scratch))
            start = time.perf_counter()
            summary = import_directory(scratch, extract)
            load = time.perf_counter() - start
            with scratch.begin() as conn:
                dates = default_dates(latest_data_date(conn) or date.today())
                snap = timed(lambda: refresh(conn, dates=dates))
        finally:
            scratch.dispose()
            if postgres:
                _pg_admin(engine, f"DROP DATABASE IF EXISTS {IMPORT_DB}")
    rows = sum(summary.rows.values())
    where = f"database `{IMPORT_DB}` on the same server" if postgres else "a new SQLite file"
    print(f"import: {rows} rows in {load:.2f} s", flush=True)
    return [
        f"`postloan seed --loans {loans:,} --out DIR`, then `import_directory` (what `postloan import` "
        f"runs before its refresh) into {where}, schema created first; "
        f"{rows:,} rows written ({in_files:,} CSV rows in {len(summary.rows)} files).",
        "",
        "| step | time | rows/s |",
        "|---|---|---|",
        f"| generate the extract (`seed --out`) | {generate:.2f} s | |",
        f"| create the schema (`db upgrade`) | {schema:.2f} s | |",
        f"| **import** (check everything, then write) | {load:.2f} s | **{rows / load:,.0f}** |",
        f"| the refresh `postloan import` runs after ({len(dates)} dates) | {snap:.2f} s | |",
    ]


def step_refresh(engine: Engine, repeat: int, latest: date, full: bool) -> list[str]:
    def once(dates: list[date]) -> float:
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                return timed(lambda: refresh(conn, dates=dates))
            finally:
                trans.rollback()

    daily = [once([latest]) for _ in range(repeat)]
    print(f"refresh of {latest}: {statistics.median(daily):.2f} s", flush=True)
    lines = [
        "`refresh(conn, dates)` inside a transaction that is rolled back afterwards (the stored snapshots "
        "stay as they were).",
        "",
        "| refresh | median | max |",
        "|---|---|---|",
        f"| the daily refresh: the latest date ({latest}) | {seconds(daily)} |",
    ]
    if full:
        dates = default_dates(latest)
        whole = once(dates)
        lines.append(f"| every default date ({len(dates)} dates, one run) | {whole:.3f} s | {whole:.3f} s |")
    return lines


def step_visits(engine: Engine, count: int, latest: date) -> list[str]:
    with engine.connect() as conn:
        staff_id = conn.execute(
            select(Staff.staff_id).order_by((Staff.role == "risk_manager").desc(), Staff.staff_id).limit(1)
        ).scalar_one()
        loan_id = conn.execute(
            select(Loan.loan_id).where(Loan.disbursed_on <= latest).order_by(Loan.loan_id).limit(1)
        ).scalar_one()
    actor = Actor(f"bench.{uuid4().hex[:8]}", "risk_manager", name="Bench", staff_id=staff_id)
    form = VisitForm(
        loan_id=loan_id,
        visited_on=latest,  # not after the latest data date, so the default as-of stays where it was
        method="phone",
        stage="repayment",
        content="bench: a visit saved by bench/scale.py and deleted afterwards",
        issues=[IssueFound("important", "bench: an issue found on the visit")],
    )
    saved, times = [], []
    try:
        for _ in range(count):
            start = time.perf_counter()
            saved.append(record_visit(engine, actor, form, f"bench-{uuid4().hex}", today=latest).record_key)
            times.append(time.perf_counter() - start)
    finally:
        with engine.begin() as conn:
            # The audit rows stay: deleting them would break the audit log's hash chain.
            conn.execute(delete(Issue).where(Issue.visit_id.in_(saved)))
            conn.execute(delete(Visit).where(Visit.visit_id.in_(saved)))
            conn.execute(delete(FormSubmission).where(FormSubmission.username == actor.username))
            bump_data_version(conn, state=False)
            left = conn.execute(select(func.count()).select_from(Visit).where(Visit.visit_id.in_(saved)))
            assert left.scalar_one() == 0
    ms = [t * 1000 for t in times]
    print(f"visit save: {statistics.median(ms):.1f} ms", flush=True)
    return [
        f"{count} saves of a visit with one issue through `record_visit` (what the visit form calls: checks, "
        "insert, audit rows, form token, data version, one transaction), each with a new token; the rows "
        "but the audit rows were deleted afterwards in one transaction.",
        "",
        "| save | median | max |",
        "|---|---|---|",
        f"| visit + 1 issue | {statistics.median(ms):.1f} ms | {max(ms):.1f} ms |",
    ]


def step_server(engine: Engine, sample_loan: str) -> list[str]:
    url = engine.url.render_as_string(hide_password=False)
    result = server_memory.measure(engine, url, sample_loan)
    print(f"server: {result if isinstance(result, str) else f'peak {result.peak_mb:.0f} MB'}", flush=True)
    return server_memory.table(result)


def step_baseline(engine: Engine, repeat: int, latest: date) -> list[str]:
    lines = baseline.table(baseline.compare(engine, latest, load_config(engine), repeat))
    return [f"{repeat} runs each, as of {latest}. {lines[0]}", *lines[1:]]


# --- the section ---------------------------------------------------------------------------------------


def commit() -> str:
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=page_bench.ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return page_bench.commit() + (" (with uncommitted changes)" if dirty else "")


def machine(engine: Engine) -> str:
    memory = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    parts = [
        f"{platform.platform()}, {os.cpu_count()} cores, {memory / 2**20:.1f} GB RAM",
        f"Python {platform.python_version()}",
    ]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            parts.append(f"PostgreSQL {conn.execute(text('SHOW server_version')).scalar_one()}")
    else:
        import sqlite3

        parts.append(f"SQLite {sqlite3.sqlite_version}")
    return " · ".join(parts)


def options(args: argparse.Namespace) -> str:
    given = f"--repeat {args.repeat} --import-loans {args.import_loans} --visits {args.visits}"
    given += " --full-refresh" if args.full_refresh else ""
    return given + (f" --skip {args.skip}" if args.skip else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", default="", help=f"comma-separated steps to leave out: {','.join(STEPS)}")
    parser.add_argument("--import-loans", type=int, default=2000)
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument("--full-refresh", action="store_true", help="also time the refresh of every date")
    parser.add_argument("--results", type=Path, default=page_bench.RESULTS)
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if skip - set(STEPS):
        parser.error(f"unknown steps {sorted(skip - set(STEPS))}; the steps are {','.join(STEPS)}")
    page_bench.set_bench_env()
    engine = make_engine()
    with engine.connect() as conn:
        loans = conn.execute(select(func.count()).select_from(Loan)).scalar_one()
        latest = latest_data_date(conn)
        sample_loan = conn.execute(select(Loan.loan_id).order_by(Loan.loan_id).limit(1)).scalar_one()
    if latest is None:
        parser.error("the database holds no data")
    steps: dict[str, tuple[str, Callable[[], list[str]]]] = {
        "kpi": ("KPI commands", lambda: step_kpi(args.repeat, latest)),
        "refresh": ("Refresh", lambda: step_refresh(engine, args.repeat, latest, args.full_refresh)),
        "visits": ("Visit save", lambda: step_visits(engine, args.visits, latest)),
        "baseline": ("Ours against the pandas way", lambda: step_baseline(engine, args.repeat, latest)),
        "import": ("Import throughput", lambda: step_import(engine, args.import_loans)),
        "server": ("Server memory over a click-through", lambda: step_server(engine, sample_loan)),
        "pages": ("Pages", lambda: step_pages(args.repeat, sample_loan)),
    }
    body, failed = [], False
    for name, (title, run) in steps.items():
        if name in skip:
            continue
        print(f"--- {name}", flush=True)
        started = time.perf_counter()
        try:
            lines = run()
        except Exception as exc:  # report the step as failed and go on with the others
            traceback.print_exc()
            lines, failed = [f"**FAILED**: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"], True
        body += [f"### {title}", "", *lines, ""]
        print(f"--- {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    backend = engine.dialect.name
    heading = f"## Scale benchmark: {loans:,} loans on {backend}"
    now = datetime.now(UTC)
    section = [
        heading,
        "",
        f"{now:%Y-%m-%d %H:%M} UTC · commit {commit()} · {machine(engine)} · data as of {latest} · "
        f"`bench/scale.py {options(args)}`",
        "",
        *body,
    ]
    page_bench.write_section(heading, "\n".join(section), args.results)
    engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
