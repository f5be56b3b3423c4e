"""Inter-coder agreement: pure statistics over numpy arrays.

Reliability data are a ``coders × units`` array of numbers (codes already mapped to
numbers), ``np.nan`` where a coder gave no value: a coder who looked and found nothing
must be coded as a value (say 0 for "code absent"), not as missing. ``categories`` lists
the possible values when some do not occur; Brennan–Prediger and Gwet's AC1 depend on
their number q.

Every coefficient is a :class:`Coefficient`: a value, or ``None`` with the reason it is
undefined for these data (no pairable unit, or zero expected disagreement). Invalid
input (wrong shape, a value outside ``categories``) raises ``ValueError``.

Sources: Cohen (1960); Fleiss, Cohen & Everitt (1969) for κ's standard error; Scott
(1955); Fleiss (1971); Brennan & Prediger (1981); Gwet, *Handbook of Inter-Rater
Reliability* (4th ed., 2014) for AC1 and the multi-rater forms with missing values;
Krippendorff, *Computing Krippendorff's Alpha-Reliability* (2011); de Vries et al.,
*Field Methods* 20 (2008) for pooled κ; Landis & Koch (1977); Krippendorff, *Content
Analysis* (2004) for the .800/.667 thresholds.

The package, by concern: base (types, results, reasons), tables (counts and contingency
tables), kappa (the κ family), alpha (Krippendorff's α and its bootstrap), coders (every
coefficient of two or many coders), interpret (what a value means).
"""

from gioia.agreement.alpha import alpha, bootstrap_alpha, cluster_coincidences
from gioia.agreement.base import (
    LEVELS,
    Bootstrap,
    Coefficient,
    FloatArray,
    IntArray,
    Level,
    ManyCoderResult,
    Pooled,
    TwoCoderResult,
)
from gioia.agreement.coders import many_coders, two_coders
from gioia.agreement.interpret import interpret_alpha, interpret_kappa, kappa_paradox
from gioia.agreement.kappa import pool_kappa, pooled_kappa
from gioia.agreement.tables import contingency, distinct_units, from_counts, from_table, unit_counts

__all__ = [
    "LEVELS",
    "Bootstrap",
    "Coefficient",
    "FloatArray",
    "IntArray",
    "Level",
    "ManyCoderResult",
    "Pooled",
    "TwoCoderResult",
    "alpha",
    "bootstrap_alpha",
    "cluster_coincidences",
    "contingency",
    "distinct_units",
    "from_counts",
    "from_table",
    "interpret_alpha",
    "interpret_kappa",
    "kappa_paradox",
    "many_coders",
    "pool_kappa",
    "pooled_kappa",
    "two_coders",
    "unit_counts",
]
