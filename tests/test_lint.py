"""The code style and types are part of the suite: ruff (check, format) and mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "gioia", "tests", "migrations", "bench"],
    "ruff format": [
        sys.executable,
        "-m",
        "ruff",
        "format",
        "--check",
        "gioia",
        "tests",
        "migrations",
        "bench",
    ],
    "mypy": [sys.executable, "-m", "mypy"],
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_lint(name: str) -> None:
    completed = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
