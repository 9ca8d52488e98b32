"""Time `postloan seed` phase by phase: generation, load, snapshot refresh, demo users (bench/SCALE.md).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postloan_scale \\
        .venv/bin/python bench/scale_seed.py --loans 200000

Does what `postloan seed --replace` does, with the same functions, but times the time spent inside
the chunk generator apart from the time spent writing, which the command itself cannot tell apart.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Iterable, Iterator

from dashboard.kpi.data_dates import latest_data_date
from dashboard.kpi.snapshots import default_dates, refresh
from db.data_version import bump_data_version
from db.engine import make_engine
from db.migrate import ensure_schema
from db.reset import database_has_data, delete_all_data
from seed import DEFAULT_AS_OF, iter_chunks, stream_to_database
from seed.sink import Tables
from seed.users import create_demo_users


class Timed:
    """Wraps the chunk iterator: seconds spent producing chunks, apart from what the consumer does."""

    def __init__(self, chunks: Iterable[Tables]) -> None:
        self._chunks = iter(chunks)
        self.seconds = 0.0
        self.chunks = 0

    def __iter__(self) -> Iterator[Tables]:
        while True:
            start = time.perf_counter()
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self.seconds += time.perf_counter() - start
                return
            self.seconds += time.perf_counter() - start
            self.chunks += 1
            yield chunk
            del chunk  # hold no chunk while the next one is generated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("--no-refresh", action="store_true")
    args = parser.parse_args()

    engine = make_engine()
    phases: dict[str, float] = {}
    start = time.perf_counter()
    ensure_schema(engine)
    if database_has_data(engine):
        delete_all_data(engine)
    phases["delete"] = time.perf_counter() - start

    t = time.perf_counter()
    chunks = Timed(iter_chunks(args.loans, args.seed, DEFAULT_AS_OF, args.chunk_size))
    counts = stream_to_database(engine, chunks)
    with engine.begin() as conn:
        bump_data_version(conn)
    elapsed = time.perf_counter() - t
    phases["generate"] = chunks.seconds
    phases["load"] = elapsed - chunks.seconds

    if not args.no_refresh:
        t = time.perf_counter()
        with engine.begin() as conn:
            latest = latest_data_date(conn)
            assert latest is not None
            snapshot_rows = refresh(conn, dates=default_dates(latest))
        phases["refresh"] = time.perf_counter() - t
        counts["loan_state_snapshots"] = snapshot_rows

    t = time.perf_counter()
    create_demo_users(engine)
    phases["users"] = time.perf_counter() - t
    total = time.perf_counter() - start
    engine.dispose()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"loans {args.loans}, {engine.dialect.name}, chunk size {args.chunk_size}, {chunks.chunks} chunks")
    print(f"total {total:.1f} s; " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    print(f"peak RSS {peak_mb:.0f} MB")
    for name, count in counts.items():
        print(f"  {name}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
