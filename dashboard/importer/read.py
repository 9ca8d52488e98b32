"""Turning an uploaded or on-disk file into text and CSV records with their physical line numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from dashboard.importer.problems import FILE_LEVEL, Problem

Source = str | bytes | Path  # text, the bytes of an upload, or a file on disk


def decode(name: str, source: Source, problems: list[Problem]) -> str:
    """UTF-8 text with any BOM removed; each line holding bytes that are not UTF-8 is a problem."""
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    data = source.read_bytes() if isinstance(source, Path) else source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    name,
                    number,
                    FILE_LEVEL,
                    f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at position {exc.start + 1}); "
                    "save the file as UTF-8",
                )
            )
    # Go on with the rest of the file so its other problems are reported in the same run.
    return data.decode("utf-8-sig", errors="replace")


def records(name: str, text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of every non-empty record, header included.

    A record may span lines (a quoted newline), so the line is tracked rather than counted.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        for fields in reader:
            if fields:
                yield line, fields
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(
            Problem(
                name, reader.line_num, FILE_LEVEL, f"not valid CSV ({exc}); the rest of the file was not read"
            )
        )
