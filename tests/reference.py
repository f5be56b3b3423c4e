"""The worked examples the agreement tests check against, kept in tests/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
#: Published worked examples, each with its citation and where it prints them.
EXAMPLES: list[dict[str, Any]] = json.loads(
    (DATA / "agreement_examples.json").read_text(encoding="utf-8")
)["examples"]
#: Reliability data with missing values and irrCAC's values for them (derived).
GWET_MISSING: list[dict[str, Any]] = json.loads(
    (DATA / "gwet_missing.json").read_text(encoding="utf-8")
)["examples"]


def example(name: str) -> dict[str, Any]:
    """A published example by the start of its name."""
    return next(e for e in EXAMPLES if e["name"].startswith(name))
