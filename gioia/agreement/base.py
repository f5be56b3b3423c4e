"""The types every coefficient shares: levels, arrays, :class:`Coefficient` and the
results, and the constants and reasons the modules use."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Level = Literal["nominal", "ordinal", "interval", "ratio"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
# Below this, 1 − pe counts as zero: chance agreement sums proportions that add up
# to 1 only up to rounding when every rating is in one category.
_TINY = 1e-12
# Float noise allowed when comparing a coefficient with a published threshold.
_EPS = 1e-9
# Up to this many values, counting them one by one is faster than a binary search.
_FEW_VALUES = 16
# Up to this many possible columns, distinct units are counted, not sorted.
_COUNTED_KEYS = 1 << 20
# From this many values on, coincidences are summed over each unit's pairs of values
# rather than as one dense product.
_MANY_VALUES = 64
# Bootstrap resamples are processed in blocks of about this many array cells.
_BLOCK_CELLS = 4_000_000

_NO_PAIRS = "No unit was coded by two or more coders."
_ONE_CATEGORY = "Only one category is possible: pass every possible value as `categories`."
_ALL_SAME = "Every rating falls in the same category, so chance agreement is 1."
_NO_DISAGREEMENT = "Every pairable value is the same, so the expected disagreement is 0."
_NOT_BOTH = "No unit was coded by both coders."
_ONE_SHARED = "Both coders used one and the same category only, so chance agreement is 1."


@dataclass(frozen=True)
class Coefficient:
    """A coefficient's value, or ``value=None`` with the ``reason`` it is undefined."""

    value: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise ValueError("A Coefficient has either a value or a reason, not both.")
        if self.value is not None:
            if not math.isfinite(self.value):
                raise ValueError("A Coefficient value must be finite: give a reason instead.")
            object.__setattr__(self, "value", float(self.value))

    @classmethod
    def undefined(cls, reason: str) -> Coefficient:
        return cls(None, reason)

    @property
    def defined(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class TwoCoderResult:
    """Agreement of two coders; ``units`` counts those both coded. ``cohen_terms`` are
    Cohen's observed and chance agreement (po, pe), ``None`` when no unit was coded by
    both, for pooling κ over codes."""

    units: int
    percent: Coefficient
    cohen_kappa: Coefficient
    cohen_kappa_se: Coefficient
    scott_pi: Coefficient
    brennan_prediger: Coefficient
    gwet_ac1: Coefficient
    krippendorff_alpha: Coefficient
    cohen_terms: tuple[float, float] | None = None


@dataclass(frozen=True)
class ManyCoderResult:
    """Agreement of any number of coders; ``units`` counts those coded by two or more."""

    units: int
    level: Level
    percent: Coefficient
    fleiss_kappa: Coefficient
    gwet_ac1: Coefficient
    brennan_prediger: Coefficient
    krippendorff_alpha: Coefficient


@dataclass(frozen=True)
class Pooled:
    """Pooled κ over codes (de Vries et al. 2008) beside the mean of the per-code κ."""

    pooled: Coefficient
    mean: Coefficient
    per_code: tuple[Coefficient, ...]


@dataclass(frozen=True)
class Bootstrap:
    """Bootstrap distribution of α: 95% percentile interval and P(α < minimum).

    ``undefined`` resamples (every value the same) are left out of the interval and the
    probabilities. ``low``, ``high`` are ``None`` (and ``p_below`` empty) with a
    ``reason`` when there is no interval.
    """

    alpha: Coefficient
    low: float | None
    high: float | None
    p_below: Mapping[float, float]
    resamples: int
    undefined: int
    reason: str | None = None


def _chance_corrected(pa: float, pe: float, reason: str) -> Coefficient:
    """(pa − pe) / (1 − pe), undefined when pe = 1."""
    if 1.0 - pe <= _TINY:
        return Coefficient.undefined(reason)
    return Coefficient((pa - pe) / (1.0 - pe))
