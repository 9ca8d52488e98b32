"""A realistic, reproducible demo portfolio: generate it, load it into the database, or write the extract."""

from seed.portfolio import DEFAULT_AS_OF, generate, iter_chunks
from seed.sink import TABLES
from seed.write import EXTRACT_COLUMNS, stream_extract, stream_to_database, write_extract, write_to_database

__all__ = [
    "DEFAULT_AS_OF",
    "EXTRACT_COLUMNS",
    "TABLES",
    "generate",
    "iter_chunks",
    "stream_extract",
    "stream_to_database",
    "write_extract",
    "write_to_database",
]
