"""seed, refresh and import show progress bars on a terminal and print nothing extra anywhere else."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard.cli import main
from dashboard.progress import PROGRESS_ENV, QUIET, TerminalProgress, for_terminal, shown
from tests.conftest import url_of

ROOT = Path(__file__).parents[1]
SEED = ["seed", "--loans", "40", "--seed", "3", "--as-of", "2026-06-30"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != PROGRESS_ENV}


def test_bars_only_on_a_terminal_unless_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert shown(_Terminal()) and not shown(io.StringIO())
    assert isinstance(for_terminal(_Terminal()), TerminalProgress)
    assert for_terminal(io.StringIO()) is QUIET
    monkeypatch.setenv(PROGRESS_ENV, "1")
    assert shown(io.StringIO())
    monkeypatch.setenv(PROGRESS_ENV, "0")
    assert not shown(_Terminal())


def test_the_cli_prints_no_progress_when_not_on_a_terminal(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    monkeypatch.setenv("DATABASE_URL", url_of(sqlite_engine))
    monkeypatch.setenv("POSTLOAN_DEMO_PASSWORD", "demo pass 123")
    assert main(SEED) == 0
    assert main(["refresh", "--all"]) == 0
    assert main([*SEED, "--out", str(tmp_path / "extract")]) == 0
    assert main(["import", str(tmp_path / "extract")]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "\r" not in out and "%|" not in out
    assert "seeded 40 loans" in out and "loans: 40 row(s)" in out

    # A subprocess with its output piped, as from cron or a CI log.
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *SEED, "--out", str(tmp_path / "piped")],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stderr == "" and done.stdout.startswith("wrote the extract of 40 loans")


def test_forced_bars_cover_seed_refresh_and_import(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PROGRESS_ENV, "1")
    monkeypatch.setenv("DATABASE_URL", url_of(sqlite_engine))
    monkeypatch.setenv("POSTLOAN_DEMO_PASSWORD", "demo pass 123")
    assert main(SEED) == 0
    err = capsys.readouterr().err
    assert "seed: 100%" in err and "40/40" in err and "snapshots: 100%" in err

    assert main([*SEED, "--out", str(tmp_path / "extract")]) == 0
    capsys.readouterr()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'imported.db'}")
    assert main(["import", str(tmp_path / "extract")]) == 0
    out, err = capsys.readouterr()
    assert "check: 100%" in err and "write: 100%" in err and "snapshots: 100%" in err
    assert "%|" not in out  # the bars stay on stderr: stdout keeps only the results


def test_a_real_terminal_gets_the_bar(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    # A new pseudo-terminal is 0 columns wide; a real one has a size.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dashboard.cli", *SEED, "--out", str(tmp_path / "x")],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
            check=True,
        )
        os.close(terminal)
        shown_on_terminal = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # Linux: EIO once the terminal side is closed and drained
                break
            if not chunk:
                break
            shown_on_terminal += chunk
    finally:
        os.close(controller)
    assert b"seed: 100%" in shown_on_terminal
    assert b"%|" not in done.stdout
