"""What a coefficient means by the published conventions: Landis & Koch's κ bands,
Krippendorff's α thresholds, the kappa paradox."""

from __future__ import annotations

import math

from gioia.agreement.base import _EPS, Coefficient

_LANDIS_KOCH = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))


def _number(value: float | Coefficient) -> float | None:
    if isinstance(value, Coefficient):
        return value.value
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a coefficient: pass the Coefficient when undefined.")
    return float(value)


def interpret_kappa(value: float | Coefficient) -> str:
    """Landis & Koch (1977) band of a κ-type value: poor (< 0), slight (≤ .20), fair
    (≤ .40), moderate (≤ .60), substantial (≤ .80), almost perfect; or "undefined".
    """
    v = _number(value)
    if v is None:
        return "undefined"
    if v < -_EPS:
        return "poor"
    return next((label for bound, label in _LANDIS_KOCH if v <= bound + _EPS), "almost perfect")


def interpret_alpha(value: float | Coefficient) -> str:
    """Krippendorff (2004): α ≥ .800 reliable; ≥ .667 tentative conclusions only; below,
    unreliable; or "undefined".
    """
    v = _number(value)
    if v is None:
        return "undefined"
    if v >= 0.800 - _EPS:
        return "reliable"
    if v >= 0.667 - _EPS:
        return "tentative conclusions only"
    return "unreliable"


def kappa_paradox(
    percent: float | Coefficient,
    kappa: float | Coefficient,
    high: float = 0.85,
    low: float = 0.40,
) -> bool:
    """Whether agreement is high (≥ ``high``) but κ low (< ``low``): the "kappa paradox"
    of extreme prevalence (Feinstein & Cicchetti 1990), where chance agreement is high
    and κ low despite agreement."""
    p, k = _number(percent), _number(kappa)
    return p is not None and k is not None and p >= high - _EPS and k < low
