"""`postloan`: database, import, demo data and KPIs from the command line.

Bad arguments get one line on stderr and exit code 2; a refused import lists every problem and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from dashboard import clock, jsonout
from dashboard.config import load_config
from dashboard.kpi.agencies import agency_scores
from dashboard.kpi.data_dates import as_of_range, latest_data_date, record_data_date
from dashboard.kpi.inspections import first_checks
from dashboard.kpi.issues import issue_deadlines
from dashboard.kpi.migration import month_migration
from dashboard.kpi.periods import month_end, parse_month
from dashboard.kpi.portfolio import loans_at, portfolio
from dashboard.kpi.roll import build_roll_groups, roll_rates
from dashboard.kpi.scope import Scope, UnknownScopeError
from dashboard.kpi.snapshots import default_dates, prune, refresh_side_by_side, stale_dates
from dashboard.kpi.staff import officer_scores
from dashboard.kpi.tasks import UnknownHolder, tasks
from dashboard.kpi.warnings import warning_figures
from dashboard.kpi.writeoffs import writeoffs
from dashboard.progress import Progress, for_terminal
from dashboard.usage import UsageError
from db.data_version import bump_data_version
from db.engine import make_engine
from db.migrate import ensure_schema, upgrade


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _month(text: str) -> tuple[int, int]:
    try:
        return parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--branch", help="a branch id: the branch and every branch below it")
    parser.add_argument("--product", help="a product id")
    parser.add_argument("--channel", help="a channel id")
    parser.add_argument("--officer", help="an account officer's staff id")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="postloan", description="Post-loan management dashboard tools.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"], help="upgrade: bring the database to the current schema")

    imp = commands.add_parser("import", help="load a core-banking extract (DOMAIN.md section 5)")
    imp.add_argument("directory", type=Path)
    imp.add_argument(
        "--data-date",
        type=_date,
        help="the date through which the extract's repayments are complete, the default as-of date "
        "(default: its latest repayment or disbursement)",
    )

    seed = commands.add_parser("seed", help="write a reproducible demo portfolio")
    seed.add_argument("--loans", type=_positive, default=20000)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument(
        "--as-of",
        type=_date,
        help="the demo's data date: its repayments run to the end of this day (default: yesterday in the "
        "lender's time zone; give it for a reproducible book)",
    )
    seed.add_argument("--out", type=Path, help="write the CSV extract to this directory instead")
    seed.add_argument("--replace", action="store_true", help="delete the data already in the database first")
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database already holds data"
    )

    refresh = commands.add_parser(
        "refresh", help="build the loan-state snapshots the dashboard reads that are missing or out of date"
    )
    refresh.add_argument("--as-of", type=_date, help="the latest date to snapshot (default: the data date)")
    refresh.add_argument("--all", action="store_true", help="rebuild every date, even those still current")

    kpi = commands.add_parser("kpi", help="KPIs as JSON on stdout")
    figures = kpi.add_subparsers(dest="figure", required=True, parser_class=_Parser)
    for name in ("portfolio", "loans"):
        sub = figures.add_parser(name)
        sub.add_argument("--as-of", type=_date)
        _scope_options(sub)
    roll = figures.add_parser("roll")
    roll.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    _scope_options(roll)
    migration = figures.add_parser("migration", help="the monthly class migration: matrix, movers, branches")
    migration.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    migration.add_argument(
        "--as-of", type=_date, help="the month's end when it is not over (default: data date)"
    )
    _scope_options(migration)
    for name in ("first-checks", "agencies", "issues", "warnings"):
        sub = figures.add_parser(name)
        sub.add_argument("--from", dest="start", type=_date, required=True)
        sub.add_argument("--to", dest="end", type=_date, required=True)
        sub.add_argument("--as-of", type=_date)
        _scope_options(sub)
    writeoffs_parser = figures.add_parser(
        "writeoffs", help="loans written off on or before --as-of, with what was recovered since"
    )
    writeoffs_parser.add_argument("--as-of", type=_date)
    _scope_options(writeoffs_parser)
    staff = figures.add_parser("staff")
    staff.add_argument("--as-of", type=_date)
    staff.add_argument(
        "--cutoff", type=_date, help="count loans disbursed after this date (default 2017-12-31)"
    )
    _scope_options(staff)
    task_list = figures.add_parser(
        "tasks", help="the overdue loans a staff member or agency holds, by the rules"
    )
    holder = task_list.add_mutually_exclusive_group(required=True)
    holder.add_argument("--staff", help="a staff id: the loans they hold as officer or collector")
    holder.add_argument("--agency", help="an agency id: the loans placed with it")
    task_list.add_argument("--as-of", type=_date)

    calendar = commands.add_parser("calendar", help="the working-day calendar (holidays, make-up days)")
    calendar_actions = calendar.add_subparsers(dest="action", required=True, parser_class=_Parser)
    fill = calendar_actions.add_parser("fill", help="add the chinesecalendar package's days the table lacks")
    fill.add_argument("--year", type=_positive, action="append", help="only this year (repeatable)")
    calendar_actions.add_parser("check", help="say whether the next 30 days are in the calendar")

    warnings = commands.add_parser("warnings", help="early warnings")
    warning_actions = warnings.add_subparsers(dest="action", required=True, parser_class=_Parser)
    scan = warning_actions.add_parser(
        "scan", help="open a warning for each new signal (run daily after import)"
    )
    scan.add_argument("--as-of", type=_date, help="the day to scan up to (default: the data date)")

    audit = commands.add_parser("audit", help="the audit log")
    audit_actions = audit.add_subparsers(dest="action", required=True, parser_class=_Parser)
    verify = audit_actions.add_parser(
        "verify", help="check the audit log's hash chain: exit 0 when whole, 1 at the first broken row"
    )
    verify.add_argument(
        "--expect",
        type=_head,
        metavar="ID:HASH",
        help="a head printed by an earlier verify, kept elsewhere: that row must still be in the chain",
    )

    from dashboard.auth.cli_users import add_user_parser

    add_user_parser(commands)
    return parser


def _head(text: str) -> tuple[int, str]:
    entry, _, digest = text.partition(":")
    if not entry.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(f"{text!r} is not ENTRY_ID:HASH as verify prints it")
    return int(entry), digest


def _audit(args: argparse.Namespace, engine: Engine) -> int:
    from dashboard.work.audit import verify

    with engine.connect() as conn:
        found = verify(conn, expect=args.expect)
    if found.broken_id is not None:
        what = {
            "content": "its content does not match its hash (edited)",
            "link": "it does not follow the row before it (a row deleted or inserted before it)",
        }[found.problem or "content"]
        print(
            f"audit log: broken at entry {found.broken_id}: {what}; {found.rows} row(s) before it are intact",
            file=sys.stderr,
        )
        return 1
    if found.expected_missing:
        entry, digest = args.expect
        print(
            f"audit log: the chain is whole but entry {entry} is not the expected head {digest}: "
            "the log was rewritten from that entry on, or it was deleted",
            file=sys.stderr,
        )
        return 1
    head = f"{found.head_id}:{found.head_hash}" if found.head_id is not None else "none (the log is empty)"
    print(f"audit log OK: {found.rows} row(s); head {head}")
    return 0


def _scope(args: argparse.Namespace, conn: Connection) -> Scope:
    scope = Scope(
        branch_id=args.branch, product_id=args.product, channel_id=args.channel, officer_id=args.officer
    )
    try:
        scope.check(conn)
    except UnknownScopeError as exc:
        raise UsageError(str(exc)) from None
    return scope


def _in_range(conn: Connection, option: str, value: date) -> None:
    """Refuse a date outside the data's range, by the pages' rule (dashboard.kpi.data_dates.as_of_range):
    far outside it (9999-12-31) the figures' date arithmetic runs for minutes (issue 22 item 9)."""
    bounds = as_of_range(conn, today=clock.today())
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise UsageError(f"{option} {value} is outside the data's range, {bounds[0]} to {bounds[1]}")


def _in_months(conn: Connection, option: str, first: date, last: date, shown: str) -> None:
    """Refuse a period (a month, a --from or --to day) outside the months of the data's range: the pages'
    periods are the months of an as-of date they accept, so a period may start on the first of the month
    the data begins in and end with the month its range ends in."""
    bounds = as_of_range(conn, today=clock.today())
    if bounds is not None and (
        last < bounds[0].replace(day=1) or first > month_end(bounds[1].year, bounds[1].month)
    ):
        raise UsageError(
            f"{option} {shown} is outside the data's range, {bounds[0]:%Y-%m} to {bounds[1]:%Y-%m}"
        )


def _dates_in_range(args: argparse.Namespace, conn: Connection) -> None:
    """Every period option the command was given (--month, --from, --to), checked against the data's
    range; --as-of is checked where it is read (_as_of)."""
    for option, name in (("--from", "start"), ("--to", "end")):
        if (day := getattr(args, name, None)) is not None:
            _in_months(conn, option, day, day, str(day))
    if (month := getattr(args, "month", None)) is not None:
        first = date(*month, 1)
        _in_months(conn, "--month", first, month_end(*month), f"{first:%Y-%m}")


def _check_data_date(option: str, value: date) -> None:
    """A data date (an import's, the seed's) is not after today, when no repayment has happened yet, nor
    before the first day work may be recorded (the seed's date arithmetic fails in year 1)."""
    from dashboard.work.visits import EARLIEST_WORK

    if value > clock.today():
        raise UsageError(f"{option} {value} is after today ({clock.today()})")
    if value < EARLIEST_WORK:
        raise UsageError(f"{option} {value} is before {EARLIEST_WORK}")


def _as_of(args: argparse.Namespace, conn: Connection) -> date:
    latest = latest_data_date(conn)
    if args.as_of:
        _in_range(conn, "--as-of", args.as_of)
        if latest is not None and args.as_of > latest:
            # On stderr: stdout stays the JSON a script reads.
            print(
                f"warning: --as-of {args.as_of} is after the data date {latest}: "
                "repayments after the data date are missing",
                file=sys.stderr,
            )
        return args.as_of
    if latest is None:
        raise UsageError("the database holds no data: give --as-of")
    return latest


def _kpi(args: argparse.Namespace, engine: Engine) -> Any:
    config = load_config(engine)
    with engine.connect() as conn:
        _dates_in_range(args, conn)
        if args.figure == "tasks":
            try:
                frame = tasks(
                    conn, as_of=_as_of(args, conn), config=config, staff_id=args.staff, agency_id=args.agency
                )
            except UnknownHolder as exc:
                raise UsageError(str(exc)) from None
            return jsonout.tasks_json(frame)
        scope = _scope(args, conn)
        if args.figure == "roll":
            return jsonout.roll_json(
                roll_rates(conn, year=args.month[0], month=args.month[1], scope=scope, config=config)
            )
        as_of = _as_of(args, conn)
        if args.figure == "migration":
            year, month = args.month
            return jsonout.migration_json(
                month_migration(conn, year=year, month=month, as_of=as_of, scope=scope, config=config)
            )
        if args.figure == "portfolio":
            return jsonout.portfolio_json(portfolio(conn, as_of=as_of, scope=scope, config=config))
        if args.figure == "writeoffs":
            return jsonout.records_json(writeoffs(conn, as_of=as_of, scope=scope, config=config))
        if args.figure == "loans":
            return loans_at(conn, as_of=as_of, scope=scope, config=config).to_dict("records")
        if args.figure in ("first-checks", "agencies", "issues", "warnings") and args.start > args.end:
            raise UsageError(f"--from {args.start} is after --to {args.end}")
        if args.figure == "first-checks":
            return jsonout.first_checks_json(
                first_checks(conn, start=args.start, end=args.end, as_of=as_of, scope=scope, config=config)
            )
        if args.figure == "issues":
            return issue_deadlines(
                conn, start=args.start, end=args.end, as_of=as_of, scope=scope, config=config
            ).to_dict("records")
        if args.figure == "warnings":
            return warning_figures(conn, start=args.start, end=args.end, as_of=as_of, scope=scope).to_dict(
                "records"
            )
        if args.figure == "agencies":
            return jsonout.agencies_json(
                agency_scores(conn, start=args.start, end=args.end, as_of=as_of, scope=scope)
            )
        return jsonout.staff_json(
            officer_scores(conn, as_of=as_of, scope=scope, config=config, cutoff=args.cutoff),
            officer_scores(conn, as_of=as_of, scope=scope, config=config, cutoff=args.cutoff, departed=True),
        )


def _calendar(args: argparse.Namespace, engine: Engine) -> int:
    from dashboard.workdays import WARN_DAYS, calendar_gap, fill_from_package, package_years

    if args.action == "fill":
        known = package_years()
        years = sorted(set(args.year or known))
        unknown = [year for year in years if year not in known]
        if unknown:
            raise UsageError(
                f"the chinesecalendar package knows {known.start}-{known.stop - 1}, not {unknown}: "
                "import calendar.csv for those years"
            )
        with engine.begin() as conn:
            added = sum(fill_from_package(conn, range(year, year + 1)) for year in years)
            bump_data_version(conn)
        print(f"calendar: added {added} day(s) of {years[0]}-{years[-1]} from the chinesecalendar package")
        return 0
    with engine.connect() as conn:
        missing = calendar_gap(conn, clock.today())
    if missing:
        print(
            f"calendar: {missing} of the next {WARN_DAYS} days have no entry; working-day deadlines over "
            "them count Monday to Friday only. Import calendar.csv for them.",
            file=sys.stderr,
        )
        return 1
    print(f"calendar: the next {WARN_DAYS} days are all in the calendar")
    return 0


def _warnings(args: argparse.Namespace, engine: Engine) -> int:
    from dashboard.work.warnings import open_warnings

    with engine.begin() as conn:
        as_of = _as_of(args, conn)
        opened = open_warnings(conn, as_of=as_of)
        if opened:
            bump_data_version(conn)
    print(f"warnings: opened {opened} as of {as_of}")
    return 0


def _import(args: argparse.Namespace, engine: Engine) -> int:
    from dashboard.importer import ExtractInvalid, import_directory

    if not args.directory.is_dir():
        raise UsageError(f"{args.directory} is not a directory")
    if args.data_date is not None:
        _check_data_date("--data-date", args.data_date)
    progress = for_terminal()
    try:
        summary = import_directory(engine, args.directory, data_date=args.data_date, progress=progress)
    except ExtractInvalid as exc:
        progress.close()
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was imported.", file=sys.stderr)
        return 1
    progress.close()
    for table, count in summary.rows.items():
        print(f"{table}: {count} row(s)")
    if summary.data_date is not None:
        print(f"data date: {summary.data_date}")
    args.as_of = None
    return _refresh(args, engine)


def _refresh(args: argparse.Namespace, engine: Engine) -> int:
    with engine.begin() as conn:
        if args.as_of:
            _in_range(conn, "--as-of", args.as_of)
        latest = args.as_of or latest_data_date(conn)
        if latest is None:
            print("the database holds no data; nothing to snapshot")
            return 0
        dates = default_dates(latest)
        built = dates if getattr(args, "all", False) else stale_dates(conn, dates=dates)
    # Each date is replaced whole at its commit: readers see its previous snapshot until then.
    progress = for_terminal()
    try:
        rows = refresh_side_by_side(engine, dates=built, progress=progress)
    finally:
        progress.close()
    with engine.begin() as conn:
        dropped = prune(conn, keep=dates)
        months = build_roll_groups(conn)
    named = f" ({', '.join(map(str, built))})" if 0 < len(built) <= 3 else ""
    print(
        f"snapshots {dates[0]} to {dates[-1]}: built {len(built)} of {len(dates)} dates{named}, {rows} rows"
        f"{f'; dropped {len(dropped)} old date(s)' if dropped else ''}"
        f"{f'; roll groups of {len(months)} month(s)' if months else ''}"
    )
    return 0


def _seed(args: argparse.Namespace, engine: Engine | None) -> int:
    from dashboard.work.warnings import open_warnings
    from dashboard.workdays import fill_from_package
    from db.reset import database_has_data, delete_all_data
    from seed import iter_chunks, stream_extract, stream_to_database
    from seed.npl import seed_npl
    from seed.portfolio import SEED_CHUNK_LOANS
    from seed.users import SEED_ACTOR, check_demo_password

    if engine is not None:
        check_demo_password()  # before minutes of seeding, not after them
    # The demo opens on current data: a visit recorded today falls the day after the data date.
    if args.as_of is not None:
        _check_data_date("--as-of", args.as_of)
    as_of = args.as_of or clock.today() - timedelta(days=1)
    if engine is not None and args.if_empty and database_has_data(engine):
        print("the database already holds data; not seeding")
        _demo_users(engine)
        return 0
    # Streamed chunk by chunk, so a million loans need no more memory than a few thousand.
    progress = for_terminal()
    progress.begin(args.loans, "seed", unit="loan")
    chunks = _reporting(
        iter_chunks(n_loans=args.loans, seed=args.seed, as_of=as_of, chunk_size=SEED_CHUNK_LOANS), progress
    )
    if args.out:
        stream_extract(chunks, args.out)
        progress.close()
        print(f"wrote the extract of {args.loans} loans as of {as_of} to {args.out}")
        print(f"import it with: postloan import {args.out} --data-date {as_of}")
        return 0
    assert engine is not None
    if database_has_data(engine):
        if not args.replace:
            raise UsageError("the database already holds data: add --replace to delete it and seed anew")
        delete_all_data(engine)
    counts = stream_to_database(engine, chunks)
    progress.close()
    with engine.begin() as conn:
        detail = f"--loans {args.loans} --seed {args.seed} --as-of {as_of}"
        record_data_date(conn, data_date=as_of, source="seed", detail=detail, actor=SEED_ACTOR, rows=counts)
        # --replace emptied the calendar with the rest: put the package's days back.
        fill_from_package(conn)
        # The demo's warning list: the signals of the week before the data date.
        open_warnings(conn, as_of=as_of)
        bump_data_version(conn)
    # The demo's legal cases, restructurings and a write-off waiting for approval (issue 18).
    npl = seed_npl(engine, as_of=as_of, seed=args.seed)
    print(f"seeded {counts.get('loans', 0)} loans as of {as_of} (seed {args.seed})")
    print(
        f"NPL disposal: {npl['legal_cases']} legal cases, {npl['restructurings']} restructurings approved "
        f"and {npl['restructuring_proposals'] - npl['restructurings']} waiting, "
        f"{npl['writeoff_proposals']} write-off waiting"
    )
    args.as_of = None
    refreshed = _refresh(args, engine)
    _demo_users(engine)
    return refreshed


def _reporting(chunks: Iterator[dict[str, Any]], progress: Progress) -> Iterator[dict[str, Any]]:
    for chunk in chunks:
        loans = len(chunk.get("loans", ()))
        yield chunk
        del chunk  # as stream_to_database does: the chunk goes before the next one is built
        progress.advance(n=loans)


def _demo_users(engine: Engine) -> None:
    """One user per role when the database has none yet; their passwords are printed this once."""
    from seed.users import create_demo_users, demo_users_table

    created = create_demo_users(engine)
    if created:
        print(demo_users_table(created))


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "seed" and args.out:
        return _seed(args, None)
    engine = make_engine()
    try:
        if args.command == "db":
            upgrade(engine)
            print("database is at the current schema")
            return 0
        ensure_schema(engine)
        from dashboard.auth.cli_users import run_user

        handlers: dict[str, Callable[[argparse.Namespace, Engine], int]] = {
            "import": _import,
            "seed": _seed,
            "refresh": _refresh,
            "calendar": _calendar,
            "warnings": _warnings,
            "user": run_user,
            "audit": _audit,
        }
        if args.command in handlers:
            return handlers[args.command](args, engine)
        print(jsonout.dumps(_kpi(args, engine)))
        return 0
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"postloan: error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"postloan: error: cannot use the database: {exc.orig}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
