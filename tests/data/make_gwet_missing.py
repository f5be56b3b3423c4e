"""Make gwet_missing.json: reliability data with missing values and the coefficients of
Gwet's missing-data forms as irrCAC computes them (an independent implementation).

Not run by the tests: run it by hand, with irrCAC installed (it pins an old SciPy, so
use a separate virtual environment), to remake the file:

    python3 -m venv /tmp/irr && /tmp/irr/bin/pip install irrcac==0.4.4
    /tmp/irr/bin/python tests/data/make_gwet_missing.py > tests/data/gwet_missing.json
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version

import numpy as np
import pandas as pd
from irrCAC.raw import CAC

METHODS = {
    "percent_agreement": ("fleiss", "pa"),
    "fleiss_kappa": ("fleiss", "coefficient_value"),
    "gwet_ac1": ("gwet", "coefficient_value"),
    "brennan_prediger": ("bp", "coefficient_value"),
    "conger_kappa": ("conger", "coefficient_value"),
}


def example(rng: np.random.Generator, coders: int, units: int, q: int, missing: float) -> dict:
    """One reliability matrix (coders × units, None = missing) and irrCAC's values."""
    while True:
        truth = rng.integers(1, q + 1, units)
        noise = rng.integers(1, q + 1, (coders, units))
        x = np.where(rng.random((coders, units)) < 0.7, truth, noise).astype(float)
        x[rng.random((coders, units)) < missing] = np.nan
        rated = (~np.isnan(x)).sum(axis=0)
        if (rated >= 2).sum() >= 3 and (rated == 1).any() == (missing > 0):
            break
    declared = list(range(1, q + (1 if q == 2 else 2)))  # beyond two, one more than occurs
    cac = CAC(pd.DataFrame(x.T), categories=[float(c) for c in declared], digits=15)
    values = {}
    for key, (method, field) in METHODS.items():
        if key == "conger_kappa" and coders != 2:
            continue
        values[key] = float(getattr(cac, method)()["est"][field])
    return {
        "data": [[None if np.isnan(v) else int(v) for v in row] for row in x],
        "categories": declared,
        "expected": values,
    }


def main() -> None:
    rng = np.random.default_rng(20260401)
    shapes = [(2, 12, 2, 0.0), (2, 20, 2, 0.2), (2, 30, 3, 0.25), (2, 16, 4, 0.2)]
    shapes += [(3, 12, 2, 0.2), (3, 25, 3, 0.3), (4, 18, 4, 0.25), (5, 10, 3, 0.4)]
    shapes += [(2, 40, 2, 0.1), (3, 40, 2, 0.15)]
    examples = [example(rng, *shape) for shape in shapes]
    json.dump(
        {
            "_about": (
                "Derived values, not published ones: reliability data (rows = coders, "
                "columns = units, null = missing) drawn at random, and the coefficients "
                "of Gwet's forms with missing values (Gwet 2014, Handbook of Inter-Rater "
                "Reliability, 4th ed., ch. 2 and 5) as computed by irrCAC "
                f"{version('irrcac')} (the Python port of Gwet's own R package irrCAC), "
                "an implementation independent of gioia. percent_agreement is irrCAC's "
                "pa; conger_kappa (two coders) is Cohen's κ with each coder's category "
                "shares over the units that coder rated. 'categories' lists the possible "
                "values: with more than two, one more than can occur, so q matters. Made "
                "by make_gwet_missing.py."
            ),
            "examples": examples,
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
