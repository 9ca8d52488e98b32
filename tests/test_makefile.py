"""`make run` serves on the port given (PORT=, 8501 by default), as the README says."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _served_port(*args: str) -> str:
    # -n: print the commands only (nothing installed, seeded or served).
    shown = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    ports = re.findall(r"--server\.port (\S+)", shown)
    assert len(ports) == 1, shown
    return ports[0]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_takes_the_port() -> None:
    assert _served_port() == "8501"
    assert _served_port("PORT=8502") == "8502"
    assert "make run PORT=8502" in (ROOT / "README.md").read_text(encoding="utf-8")
