"""Progress of long commands (seed, refresh, import): a bar on a terminal, nothing otherwise.

Library code takes a `Progress` and reports to it; the default, QUIET, does nothing, so the pages and the
tests pay nothing. The CLI hands over `for_terminal()`: tqdm bars on stderr when stderr is a terminal, and
silence in a pipe, a log file or a cron mail, where bar redraws would only be noise. POSTLOAN_PROGRESS=1
shows them anyway, =0 never.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Protocol, TextIO

from tqdm import tqdm

PROGRESS_ENV = "POSTLOAN_PROGRESS"


class Progress(Protocol):
    def begin(self, total: int, what: str, unit: str = "it") -> None:
        """A new stage of `total` steps (ends the one before)."""

    def advance(self, label: str = "", n: int = 1) -> None:
        """`n` steps of the current stage done; `label` names the last one."""

    def close(self) -> None:
        """The work is over."""


class _Quiet:
    def begin(self, total: int, what: str, unit: str = "it") -> None:
        pass

    def advance(self, label: str = "", n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


QUIET: Progress = _Quiet()


class TerminalProgress:
    """One tqdm bar per stage on `stream`. Safe to advance from several threads (tqdm locks)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._bar: Any = None

    def begin(self, total: int, what: str, unit: str = "it") -> None:
        self.close()
        self._bar = tqdm(total=total, desc=what, unit=unit, file=self._stream, dynamic_ncols=True)

    def advance(self, label: str = "", n: int = 1) -> None:
        if self._bar is None:
            return
        if label:
            self._bar.set_postfix_str(label, refresh=False)
        self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def shown(stream: TextIO) -> bool:
    """Whether bars go to `stream`: POSTLOAN_PROGRESS=1 or 0 decides, else whether it is a terminal."""
    forced = os.environ.get(PROGRESS_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams (capture, daemons)
        return False


def for_terminal(stream: TextIO | None = None) -> Progress:
    """Bars on `stream` (stderr) when shown(), else QUIET."""
    stream = stream or sys.stderr
    return TerminalProgress(stream) if shown(stream) else QUIET
