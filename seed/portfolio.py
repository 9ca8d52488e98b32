"""The whole demo portfolio: reference data, then loans month by month, yielded in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from random import Random

from dashboard.kpi.periods import shift_months
from seed.dates import between, month_end, month_start
from seed.loans import LoanBook
from seed.reference import Person, Reference, SubBranch, build_reference
from seed.sink import Sink, Tables, empty_tables

DEFAULT_AS_OF = date(2026, 10, 31)
BOOK_MONTHS = 36
MONTHLY_GROWTH = 1.025  # a growing book: each month lends a little more than the one before
# Loans per chunk when seeding: a loan is some 60 rows and 30 kB of Python objects, so about 60 MB held
# at a time, and each chunk still gives COPY tens of thousands of rows per table.
SEED_CHUNK_LOANS = 2000


def iter_chunks(
    n_loans: int = 20000, seed: int = 1, as_of: date = DEFAULT_AS_OF, chunk_size: int = 5000
) -> Iterator[Tables]:
    """The portfolio as it stood at the end of as_of, a few thousand loans at a time.

    The first chunk also holds the reference tables. Each chunk holds whole loans with everything
    that hangs off them, so chunks can be loaded one after another, parents before children.
    """
    rng = Random(seed)
    first_month = shift_months(month_start(as_of), 1 - BOOK_MONTHS)
    reference = build_reference(rng, n_loans, first_month, as_of)
    sink = Sink()
    for name, rows in reference.tables.items():
        sink.tables[name].extend(rows)
    book = LoanBook(rng, reference, as_of, sink)
    months = [shift_months(first_month, i) for i in range(BOOK_MONTHS)]
    weights = [MONTHLY_GROWTH**i for i in range(BOOK_MONTHS)]
    weights[-1] *= as_of.day / month_end(as_of).day
    for month, count in zip(months, _spread(n_loans, weights), strict=True):
        for sub, officer, disbursed in _allocate(rng, reference, month, count, as_of):
            book.book_group(sub, officer, month, disbursed)
            if len(sink.tables["loans"]) >= chunk_size:
                yield sink.take()
    tables = sink.take()
    if any(tables.values()):
        yield tables


def generate(n_loans: int = 20000, seed: int = 1, as_of: date = DEFAULT_AS_OF) -> Tables:
    """Table name -> rows (column name -> value). Same arguments, same rows."""
    tables = empty_tables()
    for chunk in iter_chunks(n_loans, seed, as_of):
        for name, rows in chunk.items():
            tables[name].extend(rows)
    return tables


def _spread(total: int, weights: list[float]) -> list[int]:
    """Split total in proportion to weights, in whole numbers that add up (largest remainders)."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _allocate(
    rng: Random, reference: Reference, month: date, count: int, as_of: date
) -> Iterator[tuple[SubBranch, Person, list[date]]]:
    """Share a month's loans among the officers working that month, with their disbursement dates."""
    last_day = min(month_end(month), as_of)
    candidates = []
    for sub in reference.sub_branches:
        for officer in sub.officers:
            first = max(month, officer.joined_on)
            last = min(last_day, officer.left_on or last_day)
            if first <= last:
                candidates.append(
                    (sub, officer, first, last, officer.productivity * ((last - first).days + 1))
                )
    tally = [0] * len(candidates)
    for i in rng.choices(range(len(candidates)), [c[4] for c in candidates], k=count):
        tally[i] += 1
    for (sub, officer, first, last, _), n in zip(candidates, tally, strict=True):
        if n:
            yield sub, officer, [_business_day(rng, first, last) for _ in range(n)]


def _business_day(rng: Random, first: date, last: date) -> date:
    """Mostly a working day: loans are seldom disbursed at weekends."""
    d = between(rng, first, last)
    if d.weekday() >= 5 and rng.random() < 0.8:
        d = between(rng, first, last)
    return d
