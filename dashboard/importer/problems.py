"""What is wrong with an extract, one problem per cell, row or file."""

from __future__ import annotations

from dataclasses import dataclass

FILE_LEVEL = "-"  # the column of a problem about a whole row or file


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # physical line in the file: the header is line 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ExtractInvalid(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
