"""Agreement statistics: published worked examples, the krippendorff package as a
cross-check, and the properties every coefficient must have."""

from __future__ import annotations

import json
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gioia import agreement as ag
from gioia.agreement import Coefficient

from .shared import shared_dir, shared_file

# The reasons given for undefined coefficients, pinned.
ALL_SAME = "Every rating falls in the same category, so chance agreement is 1."
NO_DISAGREEMENT = "Every pairable value is the same, so the expected disagreement is 0."
ONE_CATEGORY = "Only one category is possible: pass every possible value as `categories`."
ONE_SHARED = "Both coders used one and the same category only, so chance agreement is 1."
NO_PAIRS = "No unit was coded by two or more coders."

REFERENCE = shared_dir() / "reference" / "agreement_examples.json"
close = pytest.approx


# --- published worked examples ----------------------------------------------------------


def _reference_cases() -> list[Any]:
    if not REFERENCE.exists():
        return [pytest.param(None, "", 0.0, id="absent")]
    examples = json.loads(REFERENCE.read_text(encoding="utf-8"))["examples"]
    return [
        pytest.param(example, key, value, id=f"{example['name'][:32]}:{key}")
        for example in examples
        for key, value in example["expected"].items()
    ]


def _computed(example: dict[str, Any]) -> dict[str, Coefficient]:
    """Every coefficient the example's form allows, under the file's key names."""
    form, data = example["form"], example["data"]
    if form == "matrix":
        values = np.array(data, dtype=np.float64)  # null -> NaN
        categories = example.get("categories")
    else:
        values = ag.from_table(data) if form == "table" else ag.from_counts(data)
        categories = range(len(data[0]))
    multi = ag.many_coders(values, categories)
    out = {
        "percent_agreement": multi.percent,
        "fleiss_kappa": multi.fleiss_kappa,
        "gwet_ac1": multi.gwet_ac1,
        "brennan_prediger": multi.brennan_prediger,
    }
    for level in ag.LEVELS:
        out[f"krippendorff_alpha_{level}"] = ag.alpha(values, level, categories)
    if form != "counts" and len(values) == 2:  # coder identity is known: Cohen applies
        two = ag.two_coders(values[0], values[1], categories)
        out |= {
            "percent_agreement": two.percent,
            "cohen_kappa": two.cohen_kappa,
            "cohen_kappa_se": two.cohen_kappa_se,
            "scott_pi": two.scott_pi,
            "brennan_prediger": two.brennan_prediger,
            "gwet_ac1": two.gwet_ac1,
            "krippendorff_alpha_nominal": two.krippendorff_alpha,
        }
    return out


@pytest.mark.parametrize(("example", "key", "expected"), _reference_cases())
def test_shared_reference_example(example: dict[str, Any], key: str, expected: float) -> None:
    if example is None:
        shared_file("reference", "agreement_examples.json")  # skips, or fails in CI
    computed = _computed(example)
    assert key in computed, f"No computation for {key!r}: add it to _computed."
    tol = example.get("tol", {})
    assert computed[key].value == close(expected, abs=tol.get(key, tol.get("*", 1e-6)))


# Hayes & Krippendorff (2007), Communication Methods and Measures 1(1), Table 1: five
# observers, 40 news articles, ordinal 0-3, "." missing. Published α (ordinal) = .7598.
HAYES_2007 = """
1 1 2 . 2|1 1 0 1 .|2 3 3 3 .|. 0 0 . 0|0 0 0 . 0|0 0 0 . 0|1 0 2 . 1|1 . 2 0 .|2 2 2 . 2|2 1 1 1 .
. 1 0 0 .|0 0 0 0 .|1 2 2 2 .|3 3 2 2 3|1 1 1 . 1|1 1 1 . 1|2 1 2 . 2|1 2 3 3 .|1 1 0 1 .|0 0 0 . 0
0 0 1 1 .|0 0 . 0 0|2 3 3 3 .|0 0 0 0 .|1 2 . 2 2|0 1 1 1 .|0 0 0 1 0|1 2 1 2 .|1 1 2 2 .|1 1 2 . 2
1 1 0 . 0|2 1 2 1 .|2 2 . 2 2|3 2 2 2 .|2 2 2 . 2|2 2 3 . 2|2 2 2 . 2|2 2 . 1 2|2 2 2 2 .|1 1 1 . 1
"""


def _units(text: str) -> np.ndarray:
    units = [u.split() for u in text.replace("\n", "|").split("|") if u.strip()]
    return np.array([[np.nan if v == "." else float(v) for v in u] for u in units]).T


def test_hayes_krippendorff_2007_ordinal_alpha() -> None:
    data = _units(HAYES_2007)
    assert data.shape == (5, 40)
    assert ag.alpha(data, "ordinal").value == close(0.7598, abs=5e-5)


def test_krippendorff_2011_binary_two_observers() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", A: α = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert ag.alpha([a, b]).value == close(0.095, abs=5e-4)
    assert ag.two_coders(a, b).krippendorff_alpha.value == close(16 / 168)


def test_cohen_kappa_and_standard_error_sas_agreement_study() -> None:
    # SAS/STAT PROC FREQ, "Getting Started: Agreement Study" (two dermatologists, skin
    # condition): κ = 0.3449, ASE = 0.0724, 95% limits 0.2030 and 0.4868. SAS's ASE is
    # the Fleiss, Cohen & Everitt (1969) large-sample standard error.
    table = [[10, 4, 1, 0], [5, 10, 12, 2], [2, 4, 12, 5], [0, 2, 6, 13]]
    a, b = ag.from_table(table)
    result = ag.two_coders(a, b)
    kappa, se = result.cohen_kappa.value, result.cohen_kappa_se.value
    assert kappa is not None and se is not None
    assert kappa == close(0.3449, abs=5e-5)
    assert se == close(0.0724, abs=5e-5)
    assert (kappa - 1.959964 * se, kappa + 1.959964 * se) == close((0.2030, 0.4868), abs=5e-5)


def test_fleiss_1971_psychiatric_diagnoses() -> None:
    # Fleiss (1971), Psychological Bulletin 76(5), Table 1: 30 patients, 6 psychiatrists,
    # 5 diagnoses; published κ = .430 (R irr::kappam.fleiss gives 0.4302445).
    rows = [
        "444444", "222555", "233335", "555555", "222444", "113333", "333355", "113334",
        "114444", "555555", "144444", "124444", "222333", "144444", "224445", "333335",
        "111455", "111112", "224444", "133555", "555555", "244444", "224555", "114444",
        "144445", "222224", "111155", "224444", "133333", "555555",
    ]  # fmt: skip
    data = np.array([[int(c) for c in row] for row in rows], dtype=np.float64).T
    kappa = ag.many_coders(data).fleiss_kappa.value
    assert kappa == close(0.430, abs=5e-4)
    assert kappa == close(0.4302445, abs=1e-7)


# --- the krippendorff package as a cross-check -------------------------------------------


@st.composite
def reliability_data(
    draw: st.DrawFn, coders: tuple[int, int] = (2, 5), missing: bool = True, values: int = 5
) -> np.ndarray:
    """A coders × units array of 0..values-1, with NaN where a coder gave nothing."""
    m = draw(st.integers(*coders))
    n = draw(st.integers(1, 25))
    low = -1 if missing else 0
    cells = draw(st.lists(st.integers(low, values - 1), min_size=m * n, max_size=m * n))
    x = np.array(cells, dtype=np.float64).reshape(m, n)
    x[x < 0] = np.nan
    return x


@settings(deadline=None)
@given(reliability_data(), st.sampled_from(ag.LEVELS))
def test_alpha_matches_the_krippendorff_package(data: np.ndarray, level: ag.Level) -> None:
    ours = ag.alpha(data, level)
    assume(ours.defined)
    assert ours.value == close(krippendorff.alpha(data, level_of_measurement=level), abs=1e-9)


@pytest.mark.parametrize("level", ag.LEVELS)
def test_hayes_2007_every_level_matches_the_package(level: ag.Level) -> None:
    data = _units(HAYES_2007)
    expected = krippendorff.alpha(data, level_of_measurement=level)
    assert ag.alpha(data, level).value == close(expected, abs=1e-12)


# --- properties --------------------------------------------------------------------------


def _coefficients(result: ag.ManyCoderResult | ag.TwoCoderResult) -> dict[str, float | None]:
    return {
        name: getattr(result, name).value
        for name in result.__dataclass_fields__
        if isinstance(getattr(result, name), Coefficient)
    }


def _same(
    first: dict[str, float | None], second: dict[str, float | None], tol: float = 1e-12
) -> None:
    assert first.keys() == second.keys()
    for name, value in first.items():
        if value is None:
            assert second[name] is None, name
        else:
            assert second[name] == close(value, abs=tol), name


@st.composite
def consensus_data(draw: st.DrawFn) -> np.ndarray:
    """Coders who always agree, each of them leaving some units blank."""
    m = draw(st.integers(2, 5))
    n = draw(st.integers(1, 25))
    unit_values = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    blank = draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))
    x = np.tile(np.array(unit_values, dtype=np.float64), (m, 1))
    x[np.array(blank).reshape(m, n)] = np.nan
    return x


@settings(deadline=None)
@given(consensus_data(), st.sampled_from(ag.LEVELS))
def test_perfect_agreement_gives_one_wherever_defined(data: np.ndarray, level: ag.Level) -> None:
    result = ag.many_coders(data, range(5), level)
    for name, value in _coefficients(result).items():
        assert value is None or value == close(1.0), name
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    distinct = len(np.unique(pairable[~np.isnan(pairable)]))
    assert result.percent.defined == result.gwet_ac1.defined == (distinct > 0)
    assert result.krippendorff_alpha.defined == (distinct > 1)
    two = ag.two_coders(data[0], data[1], range(5))
    assert two.cohen_kappa.value is None or two.cohen_kappa.value == close(1.0)
    assert two.cohen_kappa_se.value is None or two.cohen_kappa_se.value == close(0.0, abs=1e-7)


@settings(deadline=None)
@given(reliability_data(), st.randoms(), st.sampled_from(ag.LEVELS))
def test_coder_order_changes_nothing(data: np.ndarray, rnd: Any, level: ag.Level) -> None:
    order = list(range(len(data)))
    rnd.shuffle(order)
    _same(
        _coefficients(ag.many_coders(data, range(5), level)),
        _coefficients(ag.many_coders(data[order], range(5), level)),
    )


@settings(deadline=None)
@given(reliability_data(coders=(2, 2)))
def test_two_coders_are_symmetric_and_agree_with_the_multi_rater_forms(data: np.ndarray) -> None:
    forward = _coefficients(ag.two_coders(data[0], data[1], range(5)))
    backward = _coefficients(ag.two_coders(data[1], data[0], range(5)))
    # The standard error is the square root of a difference: ~1e-8 of noise around 0.
    _same({"se": forward.pop("cohen_kappa_se")}, {"se": backward.pop("cohen_kappa_se")}, 1e-7)
    _same(forward, backward)
    multi = _coefficients(ag.many_coders(data[:, ~np.isnan(data).any(axis=0)], range(5)))
    same_as = {
        "percent": "percent",
        "scott_pi": "fleiss_kappa",
        "gwet_ac1": "gwet_ac1",
        "brennan_prediger": "brennan_prediger",
        "krippendorff_alpha": "krippendorff_alpha",
    }
    _same({k: forward[k] for k in same_as}, {k: multi[m] for k, m in same_as.items()})


@settings(deadline=None)
@given(reliability_data(), st.permutations([0.0, 1.0, 2.0, 3.0, 4.0]), st.floats(-100, 100))
def test_relabelling_categories_changes_nothing_nominal(
    data: np.ndarray, permutation: list[float], shift: float
) -> None:
    labels = np.array(permutation) * 7.5 + shift  # any distinct numbers will do
    relabelled = np.full_like(data, np.nan)
    rated = ~np.isnan(data)
    relabelled[rated] = labels[data[rated].astype(int)]
    _same(
        _coefficients(ag.many_coders(data, range(5))),
        _coefficients(ag.many_coders(relabelled, labels)),
    )
    if len(data) == 2:
        _same(
            _coefficients(ag.two_coders(data[0], data[1], range(5))),
            _coefficients(ag.two_coders(relabelled[0], relabelled[1], labels)),
        )


@settings(deadline=None)
@given(reliability_data(), st.integers(0, 4), st.sampled_from(ag.LEVELS))
def test_a_unit_with_one_rating_changes_neither_alpha_nor_agreement(
    data: np.ndarray, value: int, level: ag.Level
) -> None:
    single = np.full((len(data), 1), np.nan)
    single[0, 0] = value
    before = ag.many_coders(data, range(5), level)
    after = ag.many_coders(np.hstack([data, single]), range(5), level)
    assert after.units == before.units
    _same(
        {"alpha": before.krippendorff_alpha.value, "percent": before.percent.value},
        {"alpha": after.krippendorff_alpha.value, "percent": after.percent.value},
    )
    unrated = np.hstack([data, np.full((len(data), 3), np.nan)])
    _same(_coefficients(before), _coefficients(ag.many_coders(unrated, range(5), level)))


@settings(deadline=None)
@given(reliability_data(coders=(1, 4), values=3), st.sampled_from(ag.LEVELS))
def test_any_data_gives_values_in_range_or_reasons(data: np.ndarray, level: ag.Level) -> None:
    result = ag.many_coders(data, range(3), level)
    for name in ("percent", "fleiss_kappa", "gwet_ac1", "brennan_prediger", "krippendorff_alpha"):
        coefficient = getattr(result, name)
        assert coefficient.defined != (coefficient.reason is not None)
        if coefficient.value is not None:  # chance-corrected values have no lower bound
            assert coefficient.value <= 1.0 + 1e-9
            assert name != "percent" or coefficient.value >= 0


@given(
    st.lists(st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=1, max_size=8),
    st.lists(st.integers(0, 6), min_size=9, max_size=9),
)
def test_counts_and_tables_round_trip(counts: list[list[int]], cells: list[int]) -> None:
    c = np.array(counts, dtype=np.float64)
    assert (ag.unit_counts(ag.from_counts(c), range(3))[0] == c).all()
    table = np.array(cells, dtype=np.float64).reshape(3, 3)
    a, b = ag.from_table(table)
    assert (ag.contingency(a, b, range(3)) == table).all()


# --- undefined coefficients and invalid input ----------------------------------------


def test_one_category_only() -> None:
    result = ag.many_coders([[1, 1, 1], [1, 1, np.nan]])
    assert result.percent.value == 1.0
    assert result.fleiss_kappa == Coefficient(None, ALL_SAME)
    assert result.krippendorff_alpha == Coefficient(None, NO_DISAGREEMENT)
    assert result.gwet_ac1.reason == result.brennan_prediger.reason == ONE_CATEGORY
    given_q = ag.many_coders([[1, 1, 1], [1, 1, np.nan]], categories=[0, 1])
    assert given_q.gwet_ac1.value == given_q.brennan_prediger.value == 1.0
    two = ag.two_coders([0, 0, 0], [0, 0, 0], categories=[0, 1])
    assert two.cohen_kappa.reason == two.cohen_kappa_se.reason == ONE_SHARED
    assert two.scott_pi.value is None and two.krippendorff_alpha.value is None


def test_no_pairable_unit() -> None:
    result = ag.many_coders([[1, np.nan, 2], [np.nan, 2, np.nan]], level="interval")
    assert result.units == 0
    assert all(_coefficients(result)[name] is None for name in _coefficients(result))
    assert result.krippendorff_alpha.reason == NO_PAIRS
    two = ag.two_coders([1, np.nan], [np.nan, 2])
    assert two.units == 0
    assert two.cohen_kappa.reason == "No unit was coded by both coders."
    empty = ag.many_coders(np.empty((3, 0)))
    assert empty.percent.reason == NO_PAIRS


def test_coefficient_is_a_value_or_a_reason() -> None:
    assert Coefficient(np.float64(0.5)).value == 0.5
    assert type(Coefficient(np.float64(0.5)).value) is float
    with pytest.raises(ValueError, match="finite"):
        Coefficient(float("nan"))
    with pytest.raises(ValueError, match="either"):
        Coefficient(0.5, "why")
    with pytest.raises(ValueError, match="either"):
        Coefficient(None)


def test_invalid_input_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"The value 3 is not one of the categories given\."):
        ag.many_coders([[0, 1], [1, 3]], categories=[0, 1])
    with pytest.raises(ValueError, match=r"The value 12\.5 is not one"):
        ag.alpha([list(range(20)), [*range(19), 12.5]], categories=range(20))
    with pytest.raises(ValueError, match="2-D"):
        ag.alpha([1, 2, 3])
    with pytest.raises(ValueError, match="finite numbers, with NaN for a missing value"):
        ag.many_coders([[0, np.inf], [1, 1]])
    with pytest.raises(ValueError, match="Unknown level 'cardinal'"):
        ag.alpha([[1, 2]], "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="square"):
        ag.from_table([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="whole numbers"):
        ag.from_counts([[1, -1]])
    with pytest.raises(ValueError, match="at least one resample"):
        ag.bootstrap_alpha([[1, 2]], n=0)


# --- pooled κ ----------------------------------------------------------------------------

# po = .85, pe = .50, κ = .70 and po = .90, pe = .905, κ = −.005/.095.
TABLES = [[[40, 10], [5, 45]], [[90, 5], [5, 0]]]


def test_pooled_kappa_averages_po_and_pe_over_codes() -> None:
    pooled = ag.pooled_kappa(TABLES)
    assert pooled.pooled.value == close((0.875 - 0.7025) / (1 - 0.7025))
    assert pooled.mean.value == close((0.70 - 0.005 / 0.095) / 2)
    assert [k.value for k in pooled.per_code] == close([0.70, -0.005 / 0.095])
    single = ag.pooled_kappa(TABLES[:1])
    assert single.pooled.value == close(0.70)
    assert single.mean.value == close(0.70)


def test_a_code_nobody_used_leaves_pooled_kappa_unchanged() -> None:
    unused = [[100, 0], [0, 0]]
    empty = [[0, 0], [0, 0]]
    pooled = ag.pooled_kappa([*TABLES, unused, empty])
    assert pooled.pooled.value == close(ag.pooled_kappa(TABLES).pooled.value)
    assert pooled.per_code[2].reason == ONE_SHARED
    assert pooled.per_code[3].reason == "No unit was coded by both coders."
    assert pooled.mean.value == close(ag.pooled_kappa(TABLES).mean.value)
    assert ag.pooled_kappa([unused]).pooled.reason is not None
    assert ag.pooled_kappa([empty]).pooled.reason == "No code has a unit coded by both coders."
    assert ag.pooled_kappa([]).mean.reason == "No code has a defined κ."


# --- bootstrap ---------------------------------------------------------------------------


def _simulated(units: int, agree: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, units)
    other = np.where(rng.random(units) < agree, truth, rng.integers(0, 4, units))
    return np.vstack([truth, other]).astype(np.float64)


@pytest.mark.parametrize("level", ag.LEVELS)
def test_bootstrap_is_reproducible_and_brackets_alpha(level: ag.Level) -> None:
    data = _simulated(300, 0.8, seed=1)
    first = ag.bootstrap_alpha(data, 500, seed=7, level=level)
    assert first == ag.bootstrap_alpha(data, 500, seed=7, level=level)
    assert first != ag.bootstrap_alpha(data, 500, seed=8, level=level)
    assert first.alpha == ag.alpha(data, level)
    assert first.low is not None and first.high is not None and first.alpha.value is not None
    assert first.low < first.alpha.value < first.high
    assert first.p_below.keys() == {0.8, 0.667}
    assert 0 <= first.p_below[0.667] <= first.p_below[0.8] <= 1
    assert (first.resamples, first.undefined, first.reason) == (500, 0, None)


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_bootstrap_matches_a_plain_unit_resampling_loop(level: ag.Level) -> None:
    data = _simulated(200, 0.75, seed=2)
    data[1, ::9] = np.nan  # some units with one value: they drop
    pairable = data[:, ~np.isnan(data).any(axis=0)]
    rng = np.random.default_rng(3)
    draws = rng.integers(0, pairable.shape[1], (2000, pairable.shape[1]))
    plain = np.array([ag.alpha(pairable[:, d], level).value for d in draws], dtype=np.float64)
    fast = ag.bootstrap_alpha(data, 2000, seed=4, level=level)
    assert (fast.low, fast.high) == close(tuple(np.quantile(plain, [0.025, 0.975])), abs=0.015)
    assert fast.p_below[0.8] == close(float(np.mean(plain < 0.8)), abs=0.03)


def test_weighted_coincidences_equal_repeated_units() -> None:
    rng = np.random.default_rng(5)
    counts = rng.integers(0, 3, (30, 4)).astype(np.float64)
    times = rng.integers(0, 4, 30)
    weighted = ag._coincidences(counts, times[None, :].astype(np.float64))[0]
    assert weighted == close(ag._coincidences(np.repeat(counts, times, axis=0)))


def test_bootstrap_of_undefined_alpha_says_why() -> None:
    result = ag.bootstrap_alpha([[1, 1, 1], [1, 1, 1]])
    assert result.alpha.reason == NO_DISAGREEMENT
    assert (result.low, result.high, dict(result.p_below)) == (None, None, {})
    assert result.reason == NO_DISAGREEMENT


def test_bootstrap_leaves_out_resamples_without_alpha() -> None:
    # Two units, one value each way: a resample of the same unit twice has no α.
    result = ag.bootstrap_alpha([[0, 1], [0, 1]], 400, seed=0)
    assert 0 < result.undefined < 400
    assert result.low == result.high == 1.0


# --- interpretation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-0.01, "poor"),
        (0.0, "slight"),
        (0.20, "slight"),
        (0.21, "fair"),
        (0.40, "fair"),
        (0.41, "moderate"),
        (0.60, "moderate"),
        (0.61, "substantial"),
        (0.80, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_bands(value: float, band: str) -> None:
    assert ag.interpret_kappa(value) == band
    assert ag.interpret_kappa(Coefficient(value)) == band


def test_krippendorff_thresholds() -> None:
    assert ag.interpret_alpha(0.800) == ag.interpret_alpha(0.95) == "reliable"
    assert ag.interpret_alpha(0.1 + 0.7) == "reliable"  # 0.7999999999999999
    assert ag.interpret_alpha(0.667) == ag.interpret_alpha(0.799) == "tentative conclusions only"
    assert ag.interpret_alpha(0.666) == ag.interpret_alpha(-0.2) == "unreliable"
    undefined = Coefficient.undefined("No unit was coded by two or more coders.")
    assert ag.interpret_alpha(undefined) == ag.interpret_kappa(undefined) == "undefined"
    with pytest.raises(ValueError, match="not a coefficient"):
        ag.interpret_alpha(float("nan"))


def test_kappa_paradox_points_to_ac1() -> None:
    # 100 units, code present only 3 times: agreement .94, κ ≈ −.03, AC1 ≈ .94.
    a, b = ag.from_table([[94, 3], [3, 0]])
    result = ag.two_coders(a, b)
    note = ag.kappa_paradox(result.percent, result.cohen_kappa)
    assert note is not None and "AC1" in note and "94%" in note
    assert note.endswith(".") and ". " not in note  # one sentence
    assert result.gwet_ac1.value is not None and result.gwet_ac1.value > 0.9
    assert ag.kappa_paradox(0.95, 0.80) is None
    assert ag.kappa_paradox(0.70, 0.10) is None
    assert ag.kappa_paradox(0.90, Coefficient.undefined("why")) is None
