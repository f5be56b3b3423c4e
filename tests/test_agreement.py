"""Agreement statistics: published worked examples, the krippendorff package as a
cross-check, and the properties every coefficient must have."""

from __future__ import annotations

from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gioia import agreement as ag
from gioia.agreement import Coefficient

from .reference import EXAMPLES, GWET_MISSING, example

# The reasons given for undefined coefficients, pinned.
ALL_SAME = "Every rating falls in the same category, so chance agreement is 1."
NO_DISAGREEMENT = "Every pairable value is the same, so the expected disagreement is 0."
ONE_CATEGORY = "Only one category is possible: pass every possible value as `categories`."
ONE_SHARED = "Both coders used one and the same category only, so chance agreement is 1."
NO_PAIRS = "No unit was coded by two or more coders."

close = pytest.approx


def reliability_matrix(example: dict[str, Any]) -> np.ndarray:
    """The example's data as coders × units (NaN = missing)."""
    form, data = example["form"], example["data"]
    if form == "table":
        return ag.from_table(data)
    if form == "counts":
        return ag.from_counts(data)
    values = np.array(data, dtype=np.float64)  # null -> NaN
    return values.T if example.get("layout") == "units-in-rows" else values


# --- published worked examples (tests/data, never skipped) -----------------------------


def _published_cases() -> list[Any]:
    return [
        pytest.param(e, key, value, id=f"{e['name'][:40]}:{key}")
        for e in EXAMPLES
        for key, value in e["expected"].items()
    ]


def _computed(example: dict[str, Any]) -> dict[str, float | None]:
    """Every coefficient the example's form allows, under the file's key names."""
    values = reliability_matrix(example)
    categories = example.get("categories")
    if example["form"] != "matrix":
        categories = range(len(example["data"][0]))
    multi = ag.many_coders(values, categories)
    out = {
        "percent_agreement": multi.percent.value,
        "fleiss_kappa": multi.fleiss_kappa.value,
        "gwet_ac1": multi.gwet_ac1.value,
        "brennan_prediger": multi.brennan_prediger.value,
    }
    for level in ag.LEVELS:
        out[f"krippendorff_alpha_{level}"] = ag.alpha(values, level, categories).value
    if example["form"] != "counts" and len(values) == 2:  # coder identity is known: Cohen
        two = ag.two_coders(values[0], values[1], categories)
        kappa, se = two.cohen_kappa.value, two.cohen_kappa_se.value
        out |= {
            "percent_agreement": two.percent.value,
            "cohen_kappa": kappa,
            "cohen_kappa_se": se,
            "scott_pi": two.scott_pi.value,
            "brennan_prediger": two.brennan_prediger.value,
            "gwet_ac1": two.gwet_ac1.value,
            "krippendorff_alpha_nominal": two.krippendorff_alpha.value,
        }
        if kappa is not None and se is not None:  # the 95% limits SAS prints
            out["cohen_kappa_low"] = kappa - 1.959964 * se
            out["cohen_kappa_high"] = kappa + 1.959964 * se
    return out


def test_the_published_examples_are_in_the_repository() -> None:
    assert len(EXAMPLES) == 9
    assert sum(len(e["expected"]) for e in EXAMPLES) == 33
    for e in EXAMPLES:
        assert e["citation"] and e["where"], e["name"]
        assert set(e.get("derived", {}).get("keys", [])) <= set(e["expected"]), e["name"]


@pytest.mark.parametrize(("example", "key", "expected"), _published_cases())
def test_published_example(example: dict[str, Any], key: str, expected: float) -> None:
    computed = _computed(example)
    assert key in computed, f"No computation for {key!r}: add it to _computed."
    tol = example.get("tol", {})
    assert computed[key] == close(expected, abs=tol.get(key, tol.get("*", 1e-6)))


@pytest.mark.parametrize(
    "example", GWET_MISSING, ids=[f"{len(e['data'])}x{len(e['data'][0])}" for e in GWET_MISSING]
)
def test_gwet_forms_with_missing_values_match_irrcac(example: dict[str, Any]) -> None:
    """Fleiss' κ, AC1, Brennan–Prediger, percent agreement and (two coders) Cohen's κ with
    missing values, against irrCAC's values recorded in tests/data/gwet_missing.json."""
    data = np.array(example["data"], dtype=np.float64)
    categories = example["categories"]
    expected = example["expected"]
    multi = ag.many_coders(data, categories)
    assert multi.percent.value == close(expected["percent_agreement"], abs=1e-12)
    assert multi.fleiss_kappa.value == close(expected["fleiss_kappa"], abs=1e-12)
    assert multi.gwet_ac1.value == close(expected["gwet_ac1"], abs=1e-12)
    assert multi.brennan_prediger.value == close(expected["brennan_prediger"], abs=1e-12)
    if len(data) == 2:
        two = ag.two_coders(data[0], data[1], categories)
        assert two.cohen_kappa.value == close(expected["conger_kappa"], abs=1e-12)
        assert two.scott_pi.value == close(expected["fleiss_kappa"], abs=1e-12)
        assert two.gwet_ac1.value == close(expected["gwet_ac1"], abs=1e-12)
        assert two.percent.value == close(expected["percent_agreement"], abs=1e-12)


def test_the_irrcac_examples_have_missing_values_and_both_kinds_of_q() -> None:
    missing = [bool(np.isnan(np.array(e["data"], dtype=np.float64)).any()) for e in GWET_MISSING]
    assert missing.count(True) == 9
    assert {len(e["data"]) for e in GWET_MISSING} == {2, 3, 4, 5}
    assert {len(e["categories"]) for e in GWET_MISSING} == {2, 4, 5}


def test_cohen_kappa_with_missing_values_has_no_large_sample_error() -> None:
    data = np.array(GWET_MISSING[1]["data"], dtype=np.float64)
    two = ag.two_coders(data[0], data[1], (1, 2))
    single = int((np.isnan(data).sum(axis=0) == 1).sum())
    assert single > 0
    assert two.units == int((~np.isnan(data)).all(axis=0).sum())
    assert two.cohen_kappa_se.reason == (
        "The large-sample standard error assumes complete data, but "
        f"{single} unit(s) were coded by one coder only."
    )
    complete = data[:, ~np.isnan(data).any(axis=0)]
    assert ag.two_coders(complete[0], complete[1], (1, 2)).cohen_kappa_se.defined


def test_a_count_of_categories_counts_those_never_used() -> None:
    # q = 5 where at most 4 values occur: irrCAC's values for the declared five.
    e = next(e for e in GWET_MISSING if len(e["categories"]) == 5 and len(e["data"]) == 2)
    data = np.array(e["data"], dtype=np.float64)
    by_count = ag.many_coders(data, q=5)
    assert by_count.brennan_prediger.value == close(e["expected"]["brennan_prediger"], abs=1e-12)
    assert by_count.gwet_ac1.value == close(e["expected"]["gwet_ac1"], abs=1e-12)
    pair = ag.two_coders(data[0], data[1], q=5)
    assert pair.brennan_prediger.value == close(e["expected"]["brennan_prediger"], abs=1e-12)
    seen = len(np.unique(data[~np.isnan(data)]))
    with pytest.raises(ValueError, match=rf"^{seen} categories occur, more than the 2 possible\.$"):
        ag.many_coders(data, q=2)


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


@settings(deadline=None, max_examples=150)
@given(reliability_data(), st.sampled_from(ag.LEVELS))
def test_alpha_matches_the_krippendorff_package(data: np.ndarray, level: ag.Level) -> None:
    ours = ag.alpha(data, level)
    assume(ours.defined)
    assert ours.value == close(krippendorff.alpha(data, level_of_measurement=level), abs=1e-9)
    # Every row of a report computes α through many_coders (and two_coders for a pair).
    assert ag.many_coders(data, level=level).krippendorff_alpha.value == close(ours.value)
    if level == "nominal" and len(data) == 2:
        assert ag.two_coders(data[0], data[1]).krippendorff_alpha.value == close(ours.value)


@settings(deadline=None, max_examples=60)
@given(reliability_data(coders=(2, 6), values=120), st.sampled_from(ag.LEVELS))
def test_alpha_over_many_categories_matches_the_package(data: np.ndarray, level: ag.Level) -> None:
    """From 64 categories on, coincidences are summed over each unit's pairs of values:
    the same α as the package's."""
    ours = ag.alpha(data, level, categories=range(120))
    assume(ours.defined)
    assert ours.value == close(krippendorff.alpha(data, level_of_measurement=level), abs=1e-9)


@pytest.mark.parametrize("level", ag.LEVELS)
def test_hayes_2007_every_level_matches_the_package(level: ag.Level) -> None:
    data = reliability_matrix(example("Hayes & Krippendorff"))
    assert data.shape == (5, 40)
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


@settings(deadline=None)
@given(reliability_data(coders=(2, 4), values=3), st.integers(1, 4))
def test_distinct_units_with_their_weights_give_the_same(data: np.ndarray, times: int) -> None:
    """Thousands of characters coded alike are computed once: the distinct columns with
    their multiplicities give every coefficient of the data repeated."""
    repeated = np.tile(data, times)
    columns, weights = ag.distinct_units(repeated)
    assert weights.sum() == repeated.shape[1]
    assert len(np.unique(np.nan_to_num(columns, nan=9), axis=1).T) == columns.shape[1]
    _same(
        _coefficients(ag.many_coders(repeated, range(3), "ordinal")),
        _coefficients(ag.many_coders(columns, range(3), "ordinal", weights=weights)),
    )
    _same(
        _coefficients(ag.two_coders(repeated[0], repeated[1], range(3))),
        _coefficients(ag.two_coders(columns[0], columns[1], range(3), weights=weights)),
        1e-7,
    )
    _same(
        {"alpha": ag.alpha(columns, "interval", range(3), weights).value},
        {"alpha": ag.alpha(repeated, "interval", range(3)).value},
    )


@settings(deadline=None)
@given(reliability_data(coders=(1, 8), values=3))
def test_distinct_units_counted_are_those_sorted(data: np.ndarray) -> None:
    """Counting the columns' keys gives the columns np.unique gives, in its order."""
    rated = ~np.isnan(data)
    keys = np.where(rated, data, 9.0)
    place = 10.0 ** np.arange(len(data))
    _, first, times = np.unique((keys * place[:, None]).sum(axis=0), True, return_counts=True)
    columns, weights = ag.distinct_units(data)
    np.testing.assert_array_equal(columns, data[:, first])
    np.testing.assert_array_equal(weights, times)


def test_distinct_units_of_many_coders_and_bad_weights() -> None:
    many = np.tile(np.array([[0.0], [1.0]]), (20, 50))  # 40 coders: 3**40 ≥ 2**62
    many[0, ::2] = np.nan
    columns, weights = ag.distinct_units(many)
    assert columns.shape == (40, 2) and sorted(weights.tolist()) == [25.0, 25.0]
    with pytest.raises(ValueError, match="one weight per unit"):
        ag.many_coders([[0, 1], [0, 1]], weights=[1])
    with pytest.raises(ValueError, match="none negative"):
        ag.alpha([[0, 1], [0, 1]], weights=[1, -1])


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
def test_two_coders_are_symmetric_and_use_the_multi_rater_forms(data: np.ndarray) -> None:
    """One convention: a pair's π, AC1, κn, α and agreement are the multi-rater forms
    with missing values (Gwet 2014), units coded by one coder included."""
    forward = _coefficients(ag.two_coders(data[0], data[1], range(5)))
    backward = _coefficients(ag.two_coders(data[1], data[0], range(5)))
    # The standard error is the square root of a difference: ~1e-8 of noise around 0.
    _same({"se": forward.pop("cohen_kappa_se")}, {"se": backward.pop("cohen_kappa_se")}, 1e-7)
    _same(forward, backward)
    multi = _coefficients(ag.many_coders(data, range(5)))
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


def test_pooled_kappa_of_one_code_is_its_published_kappa() -> None:
    cohen = example("Cohen: two raters")
    published = cohen["expected"]["cohen_kappa"]
    for tables in ([cohen["data"]], [cohen["data"]] * 3):
        pooled = ag.pooled_kappa(tables)
        assert pooled.pooled.value == close(published, abs=1e-12)
        assert pooled.mean.value == close(published, abs=1e-12)


def test_pooled_kappa_averages_po_and_pe_over_codes() -> None:
    # Worked by hand (de Vries et al. 2008): the first table has po = 85/100, pe = .50;
    # the second po = 90/100, pe = .95 × .95 + .05 × .05 = .905. Pooled κ =
    # (.875 − .7025)/(1 − .7025) = 69/119; their κ are 7/10 and −1/19.
    tables = [[[40, 10], [5, 45]], [[90, 5], [5, 0]]]
    pooled = ag.pooled_kappa(tables)
    assert pooled.pooled.value == close(69 / 119, abs=1e-12)
    assert [k.value for k in pooled.per_code] == close([7 / 10, -1 / 19], abs=1e-12)
    assert pooled.mean.value == close((7 / 10 - 1 / 19) / 2, abs=1e-12)
    unused, empty = [[100, 0], [0, 0]], [[0, 0], [0, 0]]
    more = ag.pooled_kappa([*tables, empty])
    assert (more.pooled.value, more.mean.value) == close((69 / 119, (7 / 10 - 1 / 19) / 2))
    assert more.per_code[2].reason == "No unit was coded by both coders."
    assert ag.pooled_kappa([unused]).per_code[0].reason == ONE_SHARED
    assert ag.pooled_kappa([unused]).pooled.reason == (
        "In every code both coders used one category only."
    )
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
    assert first.alpha.value == close(krippendorff.alpha(data, level_of_measurement=level))
    assert first.low is not None and first.high is not None and first.alpha.value is not None
    assert first.low < first.alpha.value < first.high
    assert first.p_below.keys() == {0.8, 0.667}
    assert (first.resamples, first.undefined, first.reason) == (500, 0, None)


def _plain_quantiles(data: np.ndarray, clusters: np.ndarray, level: ag.Level) -> np.ndarray:
    """Resample the clusters with replacement and compute α with the krippendorff package:
    the textbook loop, 2,000 times."""
    rng = np.random.default_rng(3)
    ids = np.unique(clusters[(~np.isnan(data)).sum(axis=0) >= 2])
    members = {c: np.flatnonzero(clusters == c) for c in ids}
    alphas = []
    for draw in rng.integers(0, len(ids), (2000, len(ids))):
        columns = np.concatenate([members[ids[d]] for d in draw])
        alphas.append(krippendorff.alpha(data[:, columns], level_of_measurement=level))
    return np.quantile(alphas, [0.025, 0.975])


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_bootstrap_matches_a_plain_unit_resampling_loop(level: ag.Level) -> None:
    data = _simulated(200, 0.75, seed=2)
    data[1, ::9] = np.nan  # some units with one value: they drop
    fast = ag.bootstrap_alpha(data, 2000, seed=4, level=level)
    expected = _plain_quantiles(data, np.arange(200), level)
    assert (fast.low, fast.high) == close(tuple(expected), abs=0.015)


def test_cluster_bootstrap_matches_a_plain_cluster_resampling_loop() -> None:
    # 60 "segments" of 1 to 30 "characters", each coded over a run of its characters.
    rng = np.random.default_rng(6)
    lengths = rng.integers(1, 31, 60)
    clusters = np.repeat(np.arange(60), lengths)
    data = np.zeros((2, len(clusters)))
    for c in range(60):
        where = np.flatnonzero(clusters == c)
        for coder in range(2):
            start = rng.integers(0, len(where))
            data[coder, where[start : start + rng.integers(0, len(where))]] = 1
    fast = ag.bootstrap_alpha(data, 2000, seed=5, clusters=clusters)
    assert fast.alpha.value == close(krippendorff.alpha(data, level_of_measurement="nominal"))
    expected = _plain_quantiles(data, clusters, "nominal")
    assert (fast.low, fast.high) == close(tuple(expected), abs=0.02)


def test_the_interval_follows_the_clusters_not_their_size() -> None:
    """Segments ten times longer, coded the same, give about the same interval (α differs
    only by its small-sample factor n − 1): characters are not independent, so their
    number adds no information, while resampling them as if independent would narrow
    the interval about √10 times."""
    short = _simulated(40, 0.7, seed=9)
    clusters = np.arange(40)
    long = np.repeat(short, 10, axis=1)
    first = ag.bootstrap_alpha(short, 1000, seed=2, clusters=clusters)
    second = ag.bootstrap_alpha(long, 1000, seed=2, clusters=np.repeat(clusters, 10))
    assert second.alpha.value == close(krippendorff.alpha(long, level_of_measurement="nominal"))
    assert first.low is not None and first.high is not None
    assert (second.low, second.high) == close((first.low, first.high), abs=0.01)
    as_units = ag.bootstrap_alpha(long, 1000, seed=2)
    assert as_units.low is not None and as_units.high is not None
    ratio = (as_units.high - as_units.low) / (first.high - first.low)
    assert ratio == close(1 / np.sqrt(10), abs=0.06)


def test_the_interval_narrows_with_more_independent_units() -> None:
    data = _simulated(50, 0.7, seed=11)
    widths = []
    for times in (1, 4, 16):
        found = ag.bootstrap_alpha(np.tile(data, times), 2000, seed=1)
        assert found.low is not None and found.high is not None and found.alpha.value is not None
        assert found.low <= found.alpha.value <= found.high
        widths.append(found.high - found.low)
    # The width of a percentile interval shrinks as 1/√n: halving for four times the units.
    assert widths[1] / widths[0] == close(0.5, abs=0.08)
    assert widths[2] / widths[1] == close(0.5, abs=0.08)


@settings(deadline=None, max_examples=60)
@given(reliability_data(coders=(2, 3), values=3), st.sampled_from(ag.LEVELS), st.integers(1, 6))
def test_every_interval_contains_its_estimate(data: np.ndarray, level: ag.Level, size: int) -> None:
    clusters = np.arange(data.shape[1]) // size
    found = ag.bootstrap_alpha(data, 200, seed=0, level=level, clusters=clusters)
    if found.low is not None and found.high is not None:
        assert found.alpha.value is not None
        assert found.low - 1e-9 <= found.alpha.value <= found.high + 1e-9
    else:
        assert found.reason is not None


def test_cluster_coincidences_add_up_to_the_whole() -> None:
    rng = np.random.default_rng(5)
    data = rng.integers(0, 3, (3, 200)).astype(np.float64)
    data[rng.random(data.shape) < 0.3] = np.nan
    counts, _ = ag.unit_counts(data)
    clusters = np.sort(rng.integers(0, 17, 200))
    per_cluster = ag.cluster_coincidences(counts, clusters)
    assert (counts.sum(axis=1) == 1).any()  # units with one value add nothing
    pairable_clusters = np.unique(clusters[counts.sum(axis=1) >= 2])
    assert per_cluster.shape == (len(pairable_clusters), 3, 3)
    whole = ag.cluster_coincidences(counts, np.zeros(200))
    assert per_cluster.sum(axis=0) == close(whole[0], abs=1e-12)
    # Krippendorff's coincidence matrix has the pairable values as its total.
    assert whole[0].sum() == counts[counts.sum(axis=1) >= 2].sum()


def test_too_few_resamples_give_no_interval() -> None:
    data = _simulated(30, 0.6, seed=4)
    found = ag.bootstrap_alpha(data, 1, seed=0)
    assert found.alpha.value is not None
    assert (found.low, found.high, found.p_below) == (None, None, {})
    assert found.reason is not None
    assert found.reason.startswith("The resamples' 95% range [")
    assert found.reason.endswith(
        f"does not contain the estimate {found.alpha.value:.3f}: 30 independent unit(s) and"
        " 1 resample(s) are too few for a percentile interval."
    )
    with pytest.raises(ValueError, match="one cluster label per unit"):
        ag.bootstrap_alpha(data, 10, clusters=[0, 1])


def test_bootstrap_of_undefined_alpha_says_why() -> None:
    result = ag.bootstrap_alpha([[1, 1, 1], [1, 1, 1]])
    assert result.alpha.reason == NO_DISAGREEMENT
    assert (result.low, result.high, dict(result.p_below)) == (None, None, {})
    assert result.reason == NO_DISAGREEMENT


def test_bootstrap_leaves_out_resamples_without_alpha() -> None:
    # Two units, one value each way: a resample of the same unit twice has no α; the
    # multinomial draws of seed 0 give 205 such resamples out of 400 (P = 1/2 each).
    result = ag.bootstrap_alpha([[0, 1], [0, 1]], 400, seed=0)
    draws = np.random.default_rng(0).multinomial(2, [0.5, 0.5], size=400)
    assert result.undefined == int((draws.max(axis=1) == 2).sum())
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


def test_kappa_paradox() -> None:
    # 100 units, code present only 3 times: agreement .94, κ = −.0309 (Feinstein &
    # Cicchetti's first paradox), AC1 high.
    a, b = ag.from_table([[94, 3], [3, 0]])
    result = ag.two_coders(a, b)
    assert result.percent.value == close(0.94)
    assert result.cohen_kappa.value == close((0.94 - 0.9418) / (1 - 0.9418))
    assert ag.kappa_paradox(result.percent, result.cohen_kappa)
    assert not ag.kappa_paradox(0.95, 0.80)
    assert not ag.kappa_paradox(0.70, 0.10)
    assert not ag.kappa_paradox(0.90, Coefficient.undefined("why"))
