"""Seed (when empty) and benchmark every size of issue 6: 20k, 200k and 1M loans on PostgreSQL, 20k and 200k
on SQLite, each with bench/scale.py, which writes its section of bench/RESULTS.md.

    .venv/bin/python bench/scale_all.py [--pg postgresql://postgres@127.0.0.1:5432] [--sizes 20000,200000]
        [--sqlite-sizes 20000] [--repeat 3]

The databases are named postloan_bench_<loans> (PostgreSQL) and data/bench_<loans>.db (SQLite) and kept for
the next run: seeding a million loans takes about half an hour, the benchmark of that size about as long.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _ensure_pg_database(server: str, name: str) -> None:
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _run(url: str, loans: int, repeat: int) -> int:
    env = os.environ | {"DATABASE_URL": url}
    print(f"=== {loans:,} loans on {url}", flush=True)
    # --if-empty: a database seeded by an earlier run is benchmarked as it is.
    # The date the results so far were measured at, pinned: seed's own default is yesterday.
    seed = [BIN / "postloan", "seed", "--loans", str(loans), "--as-of", "2026-10-31", "--if-empty"]
    seeded = subprocess.run(seed, env=env, cwd=ROOT)
    if seeded.returncode:
        return seeded.returncode
    bench = [BIN / "python", ROOT / "bench" / "scale.py", "--repeat", str(repeat)]
    return subprocess.run(bench, env=env, cwd=ROOT).returncode


def _sizes(text_: str) -> list[int]:
    return [int(s) for s in text_.split(",") if s.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="server, no database")
    parser.add_argument("--sizes", default="20000,200000,1000000", help="loans, PostgreSQL")
    parser.add_argument("--sqlite-sizes", default="20000,200000", help="loans, SQLite")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    failed = 0
    for loans in _sizes(args.sizes):
        name = f"postloan_bench_{loans}"
        _ensure_pg_database(args.pg, name)
        failed |= _run(f"{args.pg}/{name}", loans, args.repeat)
    (ROOT / "data").mkdir(exist_ok=True)
    for loans in _sizes(args.sqlite_sizes):
        failed |= _run(f"sqlite:///{ROOT / 'data' / f'bench_{loans}.db'}", loans, args.repeat)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
