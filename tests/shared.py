"""Third-party files the tests read from ``../shared`` (never copied into the repository).

The folder is ``GIOIA_SHARED_DIR`` when set, else ``shared`` beside the repository. A test
that needs a file skips with the reason when it is absent, and fails instead when
``GIOIA_REQUIRE_SHARED=1`` (CI sets it, so CI never skips them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """Where the shared files are: ``GIOIA_SHARED_DIR``, else ``../shared``."""
    configured = os.environ.get("GIOIA_SHARED_DIR")
    return Path(configured) if configured else REPO.parent / "shared"


def required() -> bool:
    """Whether a missing shared file fails the test (CI) rather than skipping it."""
    return os.environ.get("GIOIA_REQUIRE_SHARED") == "1"


def missing_reason(path: Path) -> str:
    return (
        f"{path} is absent: the shared files are not beside the repository "
        "(set GIOIA_SHARED_DIR to their folder)"
    )


def shared_file(*parts: str) -> Path:
    """The shared file ``parts``; skips the test (fails it under GIOIA_REQUIRE_SHARED=1)
    when it is absent."""
    path = shared_dir().joinpath(*parts)
    if not path.is_file():
        if required():
            pytest.fail(missing_reason(path) + " and GIOIA_REQUIRE_SHARED=1")
        pytest.skip(missing_reason(path))
    return path
