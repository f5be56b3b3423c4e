"""fsQCA calibration: the direct method against values computed by hand from its formula,
and as a cross-check against Ragin's (2008) national-income example as commonly
reproduced; specs, rubrics and the CSV on a study."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest
import yaml

from gioia import Project
from gioia.analysis.fsqca import Anchors, calibrate_direct, parse_spec
from gioia.errors import GioiaError, ImportFailed, InvalidInput

DATA = Path(__file__).parent / "data"
LN19 = math.log(0.95 / 0.05)  # the log-odds of full membership, 0.95


def logistic(log_odds: float) -> float:
    return math.exp(log_odds) / (1 + math.exp(log_odds))


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (2.0, 0.05),  # full non-membership
        (5.0, 0.5),  # crossover
        (11.0, 0.95),  # full membership
        # Between the crossover and full membership: 3/6 of the way, log-odds ln19 / 2,
        # odds √19.
        (8.0, math.sqrt(19) / (1 + math.sqrt(19))),
        # Between full non-membership and the crossover: half way, odds 1/√19.
        (3.5, 1 / (1 + math.sqrt(19))),
        # Beyond full membership: 9/6 of the way, odds 19^1.5.
        (14.0, 19**1.5 / (1 + 19**1.5)),
        # Below full non-membership: 5/3 of the way down, odds 19^(-5/3).
        (0.0, 1 / (1 + 19 ** (5 / 3))),
    ],
)
def test_direct_calibration_by_hand(x: float, expected: float) -> None:
    anchors = Anchors(exclusion=2, crossover=5, inclusion=11)
    assert calibrate_direct(x, anchors) == pytest.approx(expected, abs=1e-12)


def test_separate_scales_above_and_below_the_crossover() -> None:
    # 1 unit above the crossover is 1/6 of its way up, 1 unit below 1/3 of its way down.
    anchors = Anchors(2, 5, 11)
    assert calibrate_direct(6, anchors) == pytest.approx(logistic(LN19 / 6))
    assert calibrate_direct(4, anchors) == pytest.approx(logistic(-LN19 / 3))


def test_a_decreasing_set() -> None:
    # Full membership at the low end: the mirror image of the increasing set.
    anchors = Anchors(exclusion=11, crossover=5, inclusion=2)
    assert calibrate_direct(2, anchors) == pytest.approx(0.95)
    assert calibrate_direct(11, anchors) == pytest.approx(0.05)
    assert calibrate_direct(8, anchors) == pytest.approx(1 / (1 + math.sqrt(19)))


def test_extremes_round_to_zero_and_one_as_qca_does() -> None:
    anchors = Anchors(2, 5, 11)
    # 19^(-10/3) ≈ 5.5e-5 < 0.0001: 0; 19^(-3) ≈ 1.5e-4 stays.
    assert calibrate_direct(-5, anchors) == 0.0
    assert calibrate_direct(-4, anchors) == pytest.approx(1 / (1 + 19**3))
    assert calibrate_direct(35, anchors) == 1.0


def test_full_membership_degree() -> None:
    # Ragin's book uses log-odds 3 at the anchors: membership e³ / (1 + e³) = 0.9526.
    ragin = math.exp(3) / (1 + math.exp(3))
    assert calibrate_direct(20000, Anchors(2500, 5000, 20000), ragin) == pytest.approx(ragin)


def test_ragin_2008_national_income() -> None:
    """A cross-check beside the hand-computed tests above: every country of Ragin's (2008)
    direct-method example (the chapter on calibration) gets the membership the example is
    commonly reproduced with, to two decimals. The values were not re-checked against the
    printed page (see the data file's header)."""
    lines = (DATA / "ragin2008_national_income.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert len(rows) == 24
    anchors = Anchors(exclusion=2500, crossover=5000, inclusion=20000)
    idm = math.exp(3) / (1 + math.exp(3))
    for row in rows:
        membership = calibrate_direct(float(row["national_income"]), anchors, idm)
        assert f"{membership:.2f}" == row["membership"], row["country"]


def test_anchors_must_put_the_crossover_between() -> None:
    with pytest.raises(InvalidInput, match="strictly between"):
        Anchors(2, 12, 11)
    with pytest.raises(InvalidInput, match="strictly between"):
        Anchors(5, 5, 11)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "write a mapping with `conditions:`"),
        ({"conditions": {"ready": {"theme": "X", "direct": {}}}}, "needs exclusion"),
        ({"conditions": {"1X": {"theme": "X", "rubric": {"A": 1}}}}, "CSV column"),
        ({"conditions": {"X": {"rubric": {"A": 1}}}}, "name one source"),
        ({"conditions": {"X": {"theme": "T", "attribute": "a", "rubric": {"A": 1}}}}, "one source"),
        ({"conditions": {"X": {"theme": "T"}}}, "give one calibration"),
        ({"conditions": {"X": {"theme": "T", "measure": "mean", "rubric": {"A": 1}}}}, "measure"),
        ({"conditions": {"X": {"theme": "T", "rubric": {"A": 1.5}}}}, "between 0 and 1"),
        ({"conditions": {"X": {"theme": "T", "rubric": {"A": "high"}}}}, "must be a number"),
        ({"conditions": {"X": {"theme": "T", "rubric": {"A": 1}, "colour": 1}}}, "colour"),
        ({"conditions": {"X": {"attribute": "a", "measure": "share", "rubric": {"A": 1}}}}, "drop"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_spec(spec, "spec.yaml")


SPEC = {
    "conditions": {
        "COSTS": {
            "theme": "Costs",
            "measure": "share",
            "direct": {"exclusion": 0.1, "crossover": 0.25, "inclusion": 0.5},
            "rationale": "Half of a case's turns on costs is full membership.",
        },
        "TRUST": {
            "concept": "Trust",
            "rubric": {
                "Case A": {
                    "score": 0.67,
                    "rationale": "Trust is built slowly.",
                    "quotes": ["t2:2"],
                },
                "case b": {"score": 0.5},
            },
        },
        "SIZE": {
            "attribute": "employees",
            "direct": {"exclusion": 10, "crossover": 25, "inclusion": 50},
        },
    },
    "coder": "Maria",
}


def test_calibrate_a_study(small_study: Project, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False), encoding="utf-8")
    table, csv, record = small_study.write_fsqca(spec, tmp_path / "conditions.csv")
    assert (csv.path, csv.replaced, csv.count) == (tmp_path / "conditions.csv", False, 2)
    # COSTS: Maria's share of Costs is 2/4 in Case A (full membership, 0.95) and 0/1 in
    # Case B: (0 − 0.25) / (0.25 − 0.1) = −5/3 of the way down, 1 / (1 + 19^(5/3)) = 0.007.
    # SIZE: Case A has 40 employees, 15/25 of the way up: 19^0.6 / (1 + 19^0.6) = 0.854;
    # Case B 5, 20/15 of the way down: 1 / (1 + 19^(4/3)) = 0.019.
    assert f"{1 / (1 + 19 ** (5 / 3)):.3f}" == "0.007"
    assert f"{19**0.6 / (1 + 19**0.6):.3f}" == "0.854"
    assert f"{1 / (1 + 19 ** (4 / 3)):.3f}" == "0.019"
    assert (tmp_path / "conditions.csv").read_text(encoding="utf-8") == (
        "case,COSTS,TRUST,SIZE\nCase A,0.950,0.670,0.854\nCase B,0.007,0.500,0.019\n"
    )
    assert table.half_memberships() == [("Case B", "TRUST")]
    assert (record.path, record.replaced, record.count) == (
        tmp_path / "conditions.spec.yaml",
        False,
        3,
    )
    written = yaml.safe_load(record.path.read_text(encoding="utf-8"))
    costs = written["conditions"]["COSTS"]
    assert costs["anchors"] == {"exclusion": 0.1, "crossover": 0.25, "inclusion": 0.5}
    assert costs["rationale"] == "Half of a case's turns on costs is full membership."
    assert costs["cases"]["Case A"] == {"raw": 0.5, "membership": 0.95}
    trust = written["conditions"]["TRUST"]["cases"]
    assert trust["Case A"]["quotes"] == [
        {
            "segment": "t2:2",
            "text": "Trust takes time. Buyers visit us.",
            "attribution": "(Case A, Sales Manager)",
        }
    ]
    assert trust["Case B"]["flag"].startswith("membership exactly 0.5")
    assert written["conditions"]["SIZE"]["cases"]["Case B"] == {"raw": 5.0, "membership": 0.019}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"TRUST": {"concept": "Trust", "rubric": {"Case A": 1}}}, "gives no score to Case B"),
        (
            {"TRUST": {"concept": "Trust", "rubric": {"Case A": 1, "Case B": 0, "Case Z": 1}}},
            "'Case Z', which is not a case",
        ),
        (
            {
                "TRUST": {
                    "concept": "Trust",
                    "rubric": {"Case A": {"score": 1, "quotes": ["t9:1"]}, "Case B": 0},
                }
            },
            "Condition TRUST: No transcript 't9'",
        ),
        (
            {
                "TRUST": {
                    "concept": "Trusted",
                    "measure": "count",
                    "direct": {"exclusion": 0, "crossover": 1, "inclusion": 2},
                }
            },
            "Condition TRUST: there is no concept 'Trusted'. Did you mean 'Trust'?",
        ),
        (
            {
                "SIZE": {
                    "attribute": "founded",
                    "direct": {"exclusion": 0, "crossover": 1, "inclusion": 2},
                }
            },
            "no case attribute 'founded' for Case A, Case B",
        ),
    ],
)
def test_calibration_errors_name_the_condition(
    small_study: Project, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({"conditions": change}), encoding="utf-8")
    with pytest.raises(GioiaError, match=re.escape(message)):
        small_study.calibrate_fsqca(spec)
    assert not (tmp_path / "conditions.csv").exists()


def test_a_spec_that_is_not_yaml(small_study: Project, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("conditions: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^spec.yaml is not valid YAML: line 2, column 1: "):
        small_study.calibrate_fsqca(spec)


def test_conditions_follow_shared_concepts(shared_study: Project, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    conditions = {
        # Everyone's Trust codings: t1:4 (Tom), t2:2 (Maria) in Case A; t3:2 in Case B.
        "REPUTATION": {
            "theme": "Reputation",
            "measure": "count",
            "direct": {"exclusion": 0, "crossover": 1, "inclusion": 2},
        },
        # Economics in Case A: 7 codings, Fees once though under two of its themes; in
        # Case B: 2 (Export start and Trust on t3:2).
        "ECONOMICS": {
            "dimension": "Economics",
            "measure": "count",
            "direct": {"exclusion": 2, "crossover": 5, "inclusion": 7},
        },
    }
    spec.write_text(yaml.safe_dump({"conditions": conditions}, sort_keys=False), encoding="utf-8")
    table = shared_study.calibrate_fsqca(spec, show_others=True)
    assert [
        [(c.case, c.raw, round(c.membership, 12)) for c in condition.cases]
        for condition in table.conditions
    ] == [
        [("Case A", 2.0, 0.95), ("Case B", 1.0, 0.5)],
        [("Case A", 7.0, 0.95), ("Case B", 2.0, 0.05)],
    ]
