"""Agreement from the store: reliability data at each level and unit, and consensus.

Published examples (tests/data) are laid out in a store, coded through the API, and must
come back with their published values at segment, transcript and character units.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gioia import InvalidInput, NotFound, Project
from gioia.cli import cli
from gioia.views_agreement import AgreementReport, OneReader

from .conftest import SAMPLE, as_lead
from .reference import GWET_MISSING, example

close = pytest.approx


def _both_coders(project: Project) -> Project:
    """The sample's codings, both coders having read every informant turn, coded from
    one concept list (codebook coding)."""
    as_lead(project).set_phase("codebook")
    for coder in ("Maria", "Tom"):
        as_lead(project).import_codings(SAMPLE / f"codings_{coder.lower()}.csv")
        project.coder = coder
        for transcript in project.transcripts():
            project.review(transcript=transcript.name)
    project.coder = None
    return project


def _transcript(project: Project, tmp_path: Path, name: str, texts: list[str]) -> list[str]:
    """A transcript of one informant turn per text; its segment references."""
    path = tmp_path / f"{name}.txt"
    path.write_text("".join(f"Anna: {text}\n\n" for text in texts), encoding="utf-8")
    as_lead(project).import_file(path)
    return [f"{name}:{n}" for n in range(1, len(texts) + 1)]


def _study(project: Project, tmp_path: Path, units: int) -> None:
    _transcript(project, tmp_path, "t", [f"Answer number {n}." for n in range(1, units + 1)])


def _code(project: Project, coder: str, rows: dict[str, list[str | None]]) -> None:
    """``rows``: segment ref -> concept per unit (None: read, nothing applied); the
    coders code from one concept list (codebook coding)."""
    as_lead(project).set_phase("codebook")
    project.coder = coder
    for ref, concepts in rows.items():
        for concept in concepts:
            if concept is None:
                project.review([ref])
            else:
                project.tag([ref], concept, create=True)
    project.coder = None  # the lead compares them


def _lay_out(
    project: Project, data: list[list[Any]], refs: list[str], concept: dict[Any, str | None]
) -> None:
    """Reliability data (a row per coder, None = not read) as codings on ``refs``: each
    value read is coded with ``concept[value]`` (None: read, nothing applied); the coders
    code from one concept list (codebook coding)."""
    as_lead(project).set_phase("codebook")
    for number, row in enumerate(data, start=1):
        project.coder = f"Coder {number}"
        read = [ref for ref, value in zip(refs, row, strict=True) if value is not None]
        project.review(read)
        for value, name in concept.items():
            tagged = [ref for ref, v in zip(refs, row, strict=True) if v == value]
            if name is not None and tagged:
                project.tag(tagged, name, create=True)
    project.coder = None


def _units_for(project: Project, tmp_path: Path, unit: str, count: int) -> list[str]:
    """``count`` units to lay data out on: segments of one transcript, one-segment
    transcripts, or one-character segments (so that a character is a unit)."""
    if unit == "transcript":
        return [_transcript(project, tmp_path, f"u{n}", [f"Unit {n}."])[0] for n in range(count)]
    texts = [chr(ord("a") + n) for n in range(count)] if unit == "character" else None
    return _transcript(project, tmp_path, "t", texts or [f"Unit {n}." for n in range(count)])


# --- published examples through the store ------------------------------------------------


def _agreement_json(store: str, *options: str) -> dict[str, Any]:
    """``gioia agreement --json`` on the store: what a researcher would copy."""
    result = CliRunner().invoke(
        cli, ["--store", store, "agreement", *options, "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _values(coefficients: dict[str, Any]) -> dict[str, float | None]:
    return {key: c["value"] for key, c in coefficients.items()}


@pytest.mark.parametrize("unit", ["segment", "transcript", "character"])
def test_krippendorff_2011_as_a_theme_through_the_store(
    project: Project, store: str, tmp_path: Path, unit: str
) -> None:
    """Krippendorff's 4 observers × 12 units, values 1–5 as the concepts of one theme,
    tagged through the API and read back with `gioia agreement --json`."""
    published = example("Krippendorff: nominal data")
    refs = _units_for(project, tmp_path, unit, 12)
    for number in range(1, 6):
        project.add_item("concept", f"K{number}")
    as_lead(project).assign([f"K{n}" for n in range(1, 6)], theme="Scale", create=True)
    _lay_out(project, published["data"], refs, {v: f"K{v}" for v in range(1, 6)})
    report = _agreement_json(store, "--exclusive", "--unit", unit)
    (group,) = report["groups"]
    assert (group["group"], group["categories"], group["units"], group["violations"]) == (
        "Scale",
        ["K1", "K2", "K3", "K4", "K5"],
        11,
        0,
    )
    expected, tol = published["expected"], published["tol"]
    g = _values(group["coefficients"])
    assert g["krippendorff_alpha"] == close(expected["krippendorff_alpha_nominal"], abs=1e-9)
    assert g["fleiss_kappa"] == close(expected["fleiss_kappa"], abs=tol["fleiss_kappa"])
    assert g["gwet_ac1"] == close(expected["gwet_ac1"], abs=tol["gwet_ac1"])
    assert g["brennan_prediger"] == close(expected["brennan_prediger"], abs=tol["brennan_prediger"])
    assert g["percent"] == close(expected["percent_agreement"], abs=1e-6)
    counts = [report[f"units_{k}"] for k in ("in_scope", "compared", "read_by_one", "read_by_none")]
    assert counts == [12, 11, 1, 0]
    assert report["missing"] == {"Coder 1": 2, "Coder 2": 1, "Coder 3": 1, "Coder 4": 0}


@pytest.mark.parametrize("unit", ["segment", "transcript", "character"])
def test_krippendorff_2011_binary_as_one_concept(
    project: Project, store: str, tmp_path: Path, unit: str
) -> None:
    published = example("Krippendorff: binary data")
    refs = _units_for(project, tmp_path, unit, 10)
    _lay_out(project, published["data"], refs, {0: None, 1: "Trust"})
    (code,) = _agreement_json(store, "--unit", unit)["codes"]
    alpha = code["coefficients"]["krippendorff_alpha"]["value"]
    tol = published["tol"]["krippendorff_alpha_nominal"]
    assert alpha == close(published["expected"]["krippendorff_alpha_nominal"], abs=tol)
    assert (code["units"], code["both"], code["only"], code["neither"]) == (
        10,
        1,
        {"Coder 1": 1, "Coder 2": 3},
        5,
    )


@pytest.mark.parametrize("unit", ["segment", "transcript", "character"])
def test_a_code_with_missing_values_matches_irrcac(
    project: Project, store: str, tmp_path: Path, unit: str
) -> None:
    """Two coders, 20 units, some read by one coder only: the per-code row has Gwet's
    missing-data forms (irrCAC's values) and Krippendorff's α (the krippendorff package)."""
    derived = GWET_MISSING[1]
    data = derived["data"]
    refs = _units_for(project, tmp_path, unit, len(data[0]))
    _lay_out(project, data, refs, {1: None, 2: "Trust"})
    report = _agreement_json(store, "--unit", unit)
    (code,) = report["codes"]
    c, expected = _values(code["coefficients"]), derived["expected"]
    assert c["percent"] == close(expected["percent_agreement"], abs=1e-12)
    assert c["cohen_kappa"] == close(expected["conger_kappa"], abs=1e-12)
    assert c["scott_pi"] == close(expected["fleiss_kappa"], abs=1e-12)
    assert c["fleiss_kappa"] == close(expected["fleiss_kappa"], abs=1e-12)
    assert c["gwet_ac1"] == close(expected["gwet_ac1"], abs=1e-12)
    assert c["brennan_prediger"] == close(expected["brennan_prediger"], abs=1e-12)
    matrix = np.array(data, dtype=np.float64)
    alpha = krippendorff.alpha(matrix, level_of_measurement="nominal")
    assert c["krippendorff_alpha"] == close(alpha, abs=1e-12)
    single = int((np.isnan(matrix).sum(axis=0) == 1).sum())
    assert code["coefficients"]["cohen_kappa_se"] == {
        "value": None,
        "reason": "The large-sample standard error assumes complete data, but "
        f"{single} unit(s) were coded by one coder only.",
    }
    assert (report["units_compared"], report["units_read_by_one"]) == (20 - single, single)
    # One convention for every row: the overall figures are those of the one code.
    assert report["overall"]["percent"]["value"] == c["percent"]
    assert report["overall"]["pooled_kappa"]["value"] == close(c["cohen_kappa"], abs=1e-12)
    assert report["convention"] == "gwet-2014"


# --- units, counts and the missing-data convention ---------------------------------------


def test_missing_is_not_absent(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 5)
    _code(project, "Ann", {"t:1": ["Trust"], "t:2": [None], "t:3": ["Trust"]})
    _code(project, "Ben", {"t:1": ["Trust"], "t:2": ["Trust"], "t:4": [None]})
    report = project.agreement()
    assert report.coders == ("Ann", "Ben")
    counts = (report.units_in_scope, report.units_compared, report.units_read_by_one)
    assert (*counts, report.units_read_by_none) == (5, 2, 2, 1)
    (code,) = report.codes
    assert (code.code, code.units, code.both, code.only, code.neither) == (
        "Trust",
        2,
        1,
        {"Ann": 0, "Ben": 1},
        0,
    )
    assert code.applied == {"Ann": 2, "Ben": 2}
    assert code.coefficients["percent"].value == 0.5
    # Cohen's κ with each coder's shares over every unit they read (Gwet 2014): Ann
    # applied it on 2 of 3, Ben on 2 of 3, so pe = (2/3)(2/3) + (1/3)(1/3) = 5/9.
    assert code.coefficients["cohen_kappa"].value == close((0.5 - 5 / 9) / (1 - 5 / 9))
    assert report.missing == {"Ann": 0, "Ben": 0}


def test_a_coded_segment_counts_as_read(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 2)
    _code(project, "Ann", {"t:1": ["Trust"], "t:2": [None]})
    _code(project, "Ben", {"t:1": ["Trust"], "t:2": ["Trust"]})
    project.coder = "Ben"
    project.unreview(["t:1"])  # Ben takes back the "read" mark; his coding stays
    project.coder = None
    report = project.agreement()
    assert report.units_compared == 2
    (code,) = report.codes
    assert (code.both, code.only) == (1, {"Ann": 0, "Ben": 1})


def test_theme_level_and_exclusive_violations(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 3)
    project.add_item("concept", "Speed")
    project.add_item("concept", "Slowness")
    as_lead(project).assign(["Speed", "Slowness"], theme="Pace", create=True)
    _code(project, "Ann", {"t:1": ["Speed"], "t:2": ["Speed", "Slowness"], "t:3": [None]})
    _code(project, "Ben", {"t:1": ["Slowness"], "t:2": ["Speed"], "t:3": [None]})
    concepts = project.agreement()
    assert [c.code for c in concepts.codes] == ["Slowness", "Speed"]
    themes = project.agreement(level="theme")
    (pace,) = themes.codes
    assert (pace.code, pace.both, pace.neither) == ("Pace", 2, 1)
    assert pace.coefficients["percent"].value == 1.0
    exclusive = project.agreement(exclusive=True)
    (group,) = exclusive.groups
    assert (group.units, group.violations, group.categories) == (
        2,
        1,
        ("Speed", "Slowness", "none"),
    )
    (violation,) = exclusive.violations
    assert (violation.unit, violation.coder, violation.codes, violation.characters) == (
        "t:2",
        "Ann",
        ("Speed", "Slowness"),
        None,
    )
    by_character = project.agreement(exclusive=True, unit="character")
    (violation,) = by_character.violations
    assert (violation.unit, violation.coder, violation.characters) == ("t:2", "Ann", 16)
    (group,) = by_character.groups
    assert (group.units, group.violations) == (32, 16)  # "Answer number N." × 3, one left out


def test_characters_of_every_transcript_form_one_matrix(project: Project, tmp_path: Path) -> None:
    """α at character units is Krippendorff's α over all characters, not a mean of the
    transcripts' α: checked against the krippendorff package on the same characters."""
    first = _transcript(project, tmp_path, "a", ["abcdefghij", "klmnopqrst"])
    second = _transcript(project, tmp_path, "b", ["uvwxyz", "0123456789ABCDEF"])
    project.coder = None  # the lead's concept: every coder sees it
    project.add_item("concept", "Trust")
    project.coder = "Ann"
    project.tag([first[0]], "Trust", quote="cdefg")
    project.tag([second[1]], "Trust")
    project.review([*first, *second])
    project.coder = "Ben"
    project.tag([first[0]], "Trust", quote="efghij")
    project.tag([second[1]], "Trust", quote="23456789AB")
    project.review([*first, *second])
    project.coder = None
    report = project.agreement(unit="character")
    (code,) = report.codes
    ann = [0, 0, 1, 1, 1, 1, 1, 0, 0, 0] + [0] * 10 + [0] * 6 + [1] * 16
    ben = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1] + [0] * 10 + [0] * 6 + [0, 0] + [1] * 10 + [0] * 4
    pooled = krippendorff.alpha([ann, ben], level_of_measurement="nominal")
    assert code.coefficients["krippendorff_alpha"].value == close(pooled, abs=1e-12)
    assert (report.units_in_scope, report.units_compared, code.units) == (42, 42, 42)
    assert (code.both, code.only, code.neither) == (13, {"Ann": 8, "Ben": 3}, 18)
    per_transcript = [
        krippendorff.alpha([ann[:20], ben[:20]], level_of_measurement="nominal"),
        krippendorff.alpha([ann[20:], ben[20:]], level_of_measurement="nominal"),
    ]
    assert code.coefficients["krippendorff_alpha"].value != close(
        (20 * per_transcript[0] + 22 * per_transcript[1]) / 42, abs=1e-3
    )
    assert code.coefficients["cohen_kappa_se"].reason == (
        "Characters are not independent units: see the bootstrap of α, which resamples segments."
    )


def test_the_demo_character_alpha_is_over_all_characters(sample_project: Project) -> None:
    _both_coders(sample_project)
    concept = "Buyers look at our reviews and ratings before they write"
    report = sample_project.agreement(unit="character", concept=concept, bootstrap=500)
    (code,) = report.codes
    alpha = code.coefficients["krippendorff_alpha"].value
    assert alpha == close(0.829, abs=5e-4)
    assert code.bootstrap is not None
    assert code.bootstrap.low is not None and code.bootstrap.high is not None
    assert code.bootstrap.low <= alpha <= code.bootstrap.high
    assert report.bootstrap is not None and report.bootstrap.resampled == "segment"


@pytest.mark.parametrize(
    ("level", "unit", "intervals"),
    [
        ("concept", "segment", 26),
        ("concept", "transcript", 23),
        ("concept", "character", 26),
        ("theme", "segment", 9),
        ("theme", "character", 9),
    ],
)
def test_every_demo_interval_contains_its_estimate(
    sample_project: Project, level: str, unit: str, intervals: int
) -> None:
    """Every code and exclusive group of the demo: the interval contains α, or α itself is
    undefined and the bootstrap says the same."""
    _both_coders(sample_project)
    as_lead(sample_project).import_structure(SAMPLE / "structure.csv")
    report = sample_project.agreement(level=level, unit=unit, exclusive=True, bootstrap=200)
    rows = [(c.coefficients, c.bootstrap) for c in report.codes]
    rows += [(g.coefficients, g.bootstrap) for g in report.groups]
    assert len(rows) == (26 if level == "concept" else 9)
    inside = 0
    for coefficients, boot in rows:
        alpha = coefficients["krippendorff_alpha"]
        assert boot is not None
        if boot.low is None or boot.high is None:
            assert (alpha.value, boot.reason) == (None, alpha.reason)
            continue
        assert alpha.value is not None
        assert boot.low - 1e-9 <= alpha.value <= boot.high + 1e-9
        inside += 1
    assert inside == intervals


def test_longer_segments_do_not_narrow_the_character_interval(
    project: Project, tmp_path: Path
) -> None:
    """The bootstrap resamples segments: the same codings on segments ten times longer
    give about the same interval, though they hold ten times the characters."""
    data = GWET_MISSING[8]["data"]  # two coders, 40 units, binary
    as_lead(project).set_phase("codebook")
    widths = []
    for name, size in (("short", 3), ("long", 30)):
        refs = _transcript(project, tmp_path, name, ["x" * size] * len(data[0]))
        for number, row in enumerate(data, start=1):
            project.coder = f"{name} {number}"
            project.review([r for r, v in zip(refs, row, strict=True) if v is not None])
            tagged = [r for r, v in zip(refs, row, strict=True) if v == 2]
            project.tag(tagged, "Trust", create=True)
        project.coder = None
        report = project.agreement(
            unit="character", coders=[f"{name} 1", f"{name} 2"], bootstrap=1000, seed=4
        )
        boot = report.codes[0].bootstrap
        assert boot is not None and boot.low is not None and boot.high is not None
        alpha = report.codes[0].coefficients["krippendorff_alpha"].value
        assert alpha is not None and boot.low <= alpha <= boot.high
        widths.append(boot.high - boot.low)
    assert widths[1] == close(widths[0], abs=0.02)


def test_breakdowns_and_bootstrap(sample_project: Project) -> None:
    _both_coders(sample_project)
    report = sample_project.agreement(by="transcript", bootstrap=200, seed=3)
    assert report.breakdown_by == "transcript"
    assert [row.label for row in report.breakdown][:2] == ["case_a_ceo_w1", "case_a_ceo_w2"]
    assert [row.units for row in report.breakdown] == [14, 12, 13, 15, 15, 14, 15]
    assert sum(row.units for row in report.breakdown) == report.units_compared
    code = next(c for c in report.codes if c.code == "Buyers want to taste before they trust")
    assert code.bootstrap is not None
    assert set(code.bootstrap.below) == {"0.800", "0.667"}
    again = sample_project.agreement(by="transcript", bootstrap=200, seed=3)
    assert again.codes == report.codes
    pairs = sample_project.agreement(by="coder-pair")
    assert [row.label for row in pairs.breakdown] == ["Maria / Tom"]
    assert pairs.breakdown[0].overall == pairs.overall


def test_the_report_reads_once_what_each_level_gives(sample_project: Project) -> None:
    """The report's agreement at the three levels, from one read of the reviews and
    codings, is ``agreement`` at each level: with a concept outside the structure and a
    theme without a dimension, each level drops other codings."""
    _both_coders(sample_project)
    lead = as_lead(sample_project)
    lead.import_structure(SAMPLE / "structure.csv")
    lead.unassign(["Organisational readiness"], level="theme")
    sample_project.coder = "Tom"
    sample_project.tag(["case_a_ceo_w1:2", "case_b_export_w1:2"], "Tom's own", create=True)
    sample_project.coder = None
    each = [lead.agreement(level=level) for level in ("concept", "theme", "dimension")]
    assert [len(r.codes) for r in each] == [21, 6, 3]
    assert [a.report for a in lead.report_data().agreement] == each
    sample_project.coder = "Maria"  # blind: every level says why there is none
    reasons = {a.reason for a in sample_project.report_data().agreement}
    assert reasons == {
        "Comparing coders is not blind: during blind codebook coding Maria sees their own "
        "work only; pass --show-others to compare (recorded in the audit trail)."
    }


def test_bad_requests(sample_project: Project) -> None:
    as_lead(sample_project).set_phase("codebook")
    with pytest.raises(InvalidInput) as error:
        sample_project.agreement()
    assert error.value.message == (
        "Comparing coders is not blind: during blind codebook coding Maria sees their own "
        "work only; pass --show-others to compare (recorded in the audit trail)."
    )
    sample_project.coder = None
    with pytest.raises(InvalidInput) as error:
        sample_project.agreement()
    assert error.value.message == (
        "Agreement needs two or more coders who reviewed segments in scope (found: none)."
    )
    as_lead(sample_project).import_codings(SAMPLE / "codings_maria.csv")
    with pytest.raises(InvalidInput, match=r"\(found: Maria\)\.$"):
        sample_project.agreement()
    as_lead(sample_project).import_codings(SAMPLE / "codings_tom.csv")
    with pytest.raises(NotFound, match="No coder 'Zed'"):
        sample_project.agreement(coders=["Maria", "Zed"])
    sample_project.add_item("concept", "Never used")
    with pytest.raises(InvalidInput, match=r"^Nobody in scope applied 'Never used'\.$"):
        sample_project.agreement(concept="Never used")
    with pytest.raises(InvalidInput, match=r"^Cannot break down by 'case'"):
        sample_project.agreement(by="case")


def test_undefined_is_said_not_zero(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 2)
    _code(project, "Ann", {"t:1": ["Trust"], "t:2": ["Trust"]})
    _code(project, "Ben", {"t:1": ["Trust"], "t:2": ["Trust"]})
    (code,) = project.agreement().codes
    kappa = code.coefficients["cohen_kappa"]
    assert (kappa.value, kappa.reason) == (
        None,
        "Both coders used one and the same category only, so chance agreement is 1.",
    )
    assert code.coefficients["percent"].value == 1.0


def _paradox(project: Project, tmp_path: Path) -> AgreementReport:
    """20 units: Rare used once by each coder, never together; Lonely by Ben only."""
    _study(project, tmp_path, 20)
    _code(project, "Ann", {"t:1": ["Rare"], "t:5": ["Shared"]})
    _code(
        project, "Ben", {"t:2": ["Rare"], "t:3": ["Lonely"], "t:4": ["Lonely"], "t:5": ["Shared"]}
    )
    for coder in ("Ann", "Ben"):
        project.coder = coder
        project.review(transcript="t")
    project.coder = None
    return project.agreement()


def test_the_kappa_paradox_and_codes_one_coder_used(project: Project, tmp_path: Path) -> None:
    lonely, rare, shared = _paradox(project, tmp_path).codes
    # Rare: agreement 18/20 = .90, pe = .05² + .95² = .905, κ = −.005/.095 = −1/19.
    assert rare.coefficients["percent"].value == close(0.9)
    assert rare.coefficients["cohen_kappa"].value == close(-1 / 19)
    assert (rare.used_by, rare.kappa_paradox) == (("Ann", "Ben"), True)
    # Lonely: as high an agreement and κ 0, but one coder used it: plain disagreement.
    assert lonely.coefficients["percent"].value == close(0.9)
    assert lonely.coefficients["cohen_kappa"].value == close(0.0)
    assert (lonely.used_by, lonely.applied, lonely.kappa_paradox) == (
        ("Ben",),
        {"Ann": 0, "Ben": 2},
        False,
    )
    assert (shared.coefficients["cohen_kappa"].value, shared.kappa_paradox) == (1.0, False)


# --- disagreements and consensus -------------------------------------------------------


def test_disagreements(sample_project: Project) -> None:
    _both_coders(sample_project)
    found = sample_project.disagreements(concept="Buyers want to taste before they trust")
    assert [(d.unit, d.applied_by, d.not_by) for d in found] == [
        ("case_a_ceo_w1:26", ("Tom",), ("Maria",)),
        ("case_b_export_w2:10", ("Maria",), ("Tom",)),
    ]
    maria = found[1].coders[0]
    assert maria.coder == "Maria"
    start, end = maria.spans["Buyers want to taste before they trust"][0]
    assert found[1].text[start:end] == (
        "we even did a tasting on Zoom: he had the samples, I had the bottles, we tasted together"
    )


def test_reconcile_step_by_step_and_resume(sample_project: Project) -> None:
    _both_coders(sample_project)
    state = as_lead(sample_project).reconcile("Consensus")
    assert state.coders == ("Maria", "Tom")
    # 82 concepts on segments both coders agree on (86 rows of codings: some carry two quotes)
    assert (state.copied, state.decided, len(state.pending)) == (82, 0, 13)
    first = state.pending[0]
    summary = as_lead(sample_project).resolve(
        "Consensus", first.ref, "a", note="Maria read it closer."
    )
    assert summary.summary.startswith(f"Reconciled {first.ref} into Consensus: Maria's (")
    with pytest.raises(InvalidInput, match="'maybe' is not a choice"):
        as_lead(sample_project).resolve("Consensus", state.pending[1].ref, "maybe")
    as_lead(sample_project).resolve(
        "Consensus",
        state.pending[1].ref,
        "other",
        concepts=["Free samples and shipping eat the margin"],
    )
    again = as_lead(sample_project).reconcile("Consensus")
    assert (again.copied, again.decided, len(again.pending)) == (0, 87, 11)
    assert sample_project.log()[-1].summary.startswith("Reconciled ")
    with pytest.raises(InvalidInput, match="'Maria' is a coder, not a consensus"):
        as_lead(sample_project).reconcile("Maria")


def test_auto_union_and_the_consensus_as_default_evidence(sample_project: Project) -> None:
    _both_coders(sample_project)
    as_lead(sample_project).import_structure(SAMPLE / "structure.csv")
    state = as_lead(sample_project).reconcile_auto("Consensus", "union")
    assert (state.copied, state.decided, state.pending) == (82, 13, ())
    view = sample_project.structure()
    assert view.evidence == "Consensus"
    # 115 rows of codings; a concept on a segment counts once, however many quotes mark it.
    assert len(sample_project.codings(["Consensus"])) == 115
    assert sum(d.counts.codings for d in view.dimensions) == 98
    maria = sample_project.structure(evidence="Maria")  # 90 concepts on segments in her file
    assert sum(d.counts.codings for d in maria.dimensions) == 90
    assert "Consensus" not in sample_project.agreement().coders


def _interview(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "i.txt"
    path.write_text(
        "Interviewer: So the platform found you buyers you could never reach?\n\n"
        "Anna: Yes, exactly that.\n\n"
        "Interviewer: And the fee?\n\n"
        "Anna: Small.\n",
        encoding="utf-8",
    )
    as_lead(project).import_file(path)


@pytest.mark.parametrize("mode", [None, "union", "intersection"])
def test_evidence_on_an_interviewer_turn_reaches_the_consensus(
    project: Project, tmp_path: Path, mode: str | None
) -> None:
    """Both coders code the interviewer's question (the informant's "Yes, exactly that"
    only makes sense with it): agreement compares it, reconciliation keeps it, and the
    structure counts it as the consensus's evidence."""
    _interview(project, tmp_path)
    project.add_item("concept", "Found by new buyers")
    as_lead(project).assign(["Found by new buyers"], theme="Visibility", create=True)
    for coder in ("Ann", "Ben"):
        project.coder = coder
        project.tag(["i:1"], "Found by new buyers")
        project.review(transcript="i")
    project.coder = None
    report = project.agreement()
    assert (report.units_in_scope, report.units_compared) == (3, 3)  # i:3 nobody read
    (code,) = report.codes
    assert (code.both, code.neither) == (1, 2)
    state = (
        as_lead(project).reconcile("Consensus")
        if mode is None
        else as_lead(project).reconcile_auto("Consensus", mode)
    )
    assert (state.copied, state.pending) == (1, ())
    codings = project.codings(["Consensus"])
    assert [(c.segment, c.concept) for c in codings] == [("i:1", "Found by new buyers")]
    view = project.structure()
    assert view.evidence == "Consensus"
    (theme,) = view.themes_without_dimension
    (concept,) = theme.concepts
    assert (concept.name, concept.counts.codings, theme.counts.codings) == (
        "Found by new buyers",
        1,
        1,
    )


def test_every_unit_unpairable(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 2)
    _code(project, "Ann", {"t:1": ["Trust"]})
    _code(project, "Ben", {"t:2": ["Trust"]})
    with pytest.raises(InvalidInput) as error:
        project.agreement()
    assert error.value.message == (
        "Every unit is unpairable: no segment in scope was reviewed by two or more of Ann, Ben."
    )


def test_an_unknown_wave_is_named(sample_project: Project) -> None:
    _both_coders(sample_project)
    with pytest.raises(NotFound) as error:
        sample_project.agreement(wave="9")
    assert error.value.message == "No transcript in wave '9' (waves: 1, 2)."
    assert sample_project.agreement(wave="2").units_compared == 57


def test_a_row_without_an_interval_says_why(project: Project, tmp_path: Path) -> None:
    from gioia.agreement_document import agreement_document

    _paradox(project, tmp_path)
    report = project.agreement(bootstrap=1, seed=4)  # one resample: no percentile interval
    rare = next(c for c in report.codes if c.code == "Rare")
    assert rare.bootstrap is not None and rare.coefficients["krippendorff_alpha"].defined
    assert (rare.bootstrap.low, rare.bootstrap.high, rare.bootstrap.below) == (None, None, {})
    reason = rare.bootstrap.reason
    assert reason is not None and reason.startswith("The resamples' 95% range [")
    blocks = agreement_document(report).blocks
    assert f"No interval for Rare: {reason}" in blocks


# --- every code at once ---------------------------------------------------------------


@st.composite
def _presence(draw: st.DrawFn) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Who read each unit and, per code, who applied it (only where read)."""
    coders, units, codes = (
        draw(st.integers(2, 5)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 4)),
    )
    cells = st.lists(st.booleans(), min_size=coders * units, max_size=coders * units)
    read = np.array(draw(cells)).reshape(coders, units)
    read[0] |= ~read.any(axis=0)  # every unit read by someone, as a matrix holds
    applied = {10 + c: np.array(draw(cells)).reshape(coders, units) & read for c in range(codes)}
    return read, {c: grid for c, grid in applied.items() if grid.any()}


@settings(deadline=None, max_examples=80)
@given(_presence())
def test_every_code_at_once_equals_each_code_alone(
    data: tuple[np.ndarray, dict[int, np.ndarray]],
) -> None:
    """The rows computed for all codes together (profiles of units counted across codes)
    equal each code's coefficients and counts computed from its own array."""
    from gioia.ops.reliability_codes import _code_rows, coefficients
    from gioia.ops.reliability_data import Codings, Matrix, Scope

    read, applied = data
    assume(applied)
    coders = [(i + 1, f"C{i}") for i in range(len(read))]
    cells = [np.nonzero(grid) for grid in applied.values()]
    codes = np.concatenate([np.full(len(r), c) for c, (r, _) in zip(applied, cells, strict=True)])
    matrix = Matrix(
        read,
        (codes, np.concatenate([r for r, _ in cells]), np.concatenate([u for _, u in cells])),
        np.arange(read.shape[1]),
        [f"u{j}" for j in range(read.shape[1])],
    )
    empty = np.zeros(0, dtype=np.intp)
    scope = Scope(
        "concept",
        coders,
        {},
        {},
        {},
        Codings(empty, empty, empty, empty, empty),
        {c: f"code {c}" for c in applied},
    )
    rows = _code_rows(scope, matrix, list(applied), "segment", None, 0)
    paired = read.sum(axis=0) >= 2
    for row, (code, grid) in zip(rows, applied.items(), strict=True):
        expected, _ = coefficients(matrix.values(code), two=len(read) == 2)
        for name, value in expected.items():
            got = row.view.coefficients[name]
            assert (got.value is None) == (value.value is None), name
            if value.value is not None:
                assert got.value == close(value.value, abs=1e-12), name
            assert got.reason == value.reason, name
        appliers = grid[:, paired].sum(axis=0)
        readers = read[:, paired].sum(axis=0)
        assert row.view.units == int(paired.sum())
        assert row.view.both == int(((appliers == readers) & (appliers > 0)).sum())
        assert row.view.neither == int((appliers == 0).sum())
        assert row.view.only == {
            n: int((grid[i, paired] & (appliers < readers)).sum())
            for i, (_, n) in enumerate(coders)
        }
        assert row.view.applied == {n: int(grid[i].sum()) for i, (_, n) in enumerate(coders)}


@pytest.mark.parametrize("copy_one_reader", [False, True])
def test_codings_only_one_coder_read_are_not_agreed(
    project: Project, tmp_path: Path, copy_one_reader: bool
) -> None:
    """Agreed means both coders read the segment and coded it alike: Ann's codings on
    segments Ben never read are reported apart, left to decide, or copied as they are
    only when asked."""
    _study(project, tmp_path, 4)
    _code(project, "Ann", {"t:1": ["Trust"], "t:2": ["Fees", "Trust"], "t:3": [None]})
    _code(project, "Ben", {"t:1": ["Trust"], "t:4": ["Fees"]})
    state = as_lead(project).reconcile("Consensus", copy_one_reader=copy_one_reader)
    assert (state.copied, state.settled) == (1, 4 if copy_one_reader else 1)
    assert state.one_reader == (
        OneReader("Ann", 1, 2, copy_one_reader),
        OneReader("Ben", 1, 1, copy_one_reader),
    )
    consensus = sorted((r.segment, r.concept) for r in project.codings(["Consensus"]))
    if copy_one_reader:
        assert (state.pending, state.disagreements) == ((), 0)
        assert consensus == [("t:1", "Trust"), ("t:2", "Fees"), ("t:2", "Trust"), ("t:4", "Fees")]
    else:
        assert [(p.ref, p.only) for p in state.pending] == [("t:2", "Ann"), ("t:4", "Ben")]
        assert (state.disagreements, state.pending[0].second.read) == (0, False)
        assert consensus == [("t:1", "Trust")]
        as_lead(project).resolve("Consensus", "t:2", "a")
        assert len(as_lead(project).reconcile("Consensus").pending) == 1
    event = next(e for e in project.log() if e.action == "reconcile" and e.subject == "coder")
    assert event.after is not None
    assert event.after["copied"] == 1
    assert event.after["copied from one reader"] == (
        {"Ann": 2, "Ben": 1} if copy_one_reader else {}
    )
    assert [(s["segment"], s["text"]) for s in event.after["segments"]] == (
        [(f"t:{n}", f"Answer number {n}.") for n in range(1, 5)]
        if copy_one_reader
        else [("t:1", "Answer number 1.")]
    )


def test_auto_leaves_one_readers_codings_to_decide(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 3)
    _code(project, "Ann", {"t:1": ["Trust"], "t:2": ["Fees"]})
    _code(project, "Ben", {"t:1": ["Fees"]})
    state = as_lead(project).reconcile_auto("Consensus", "union")
    assert (state.copied, state.decided) == (0, 1)
    assert [(p.ref, p.only) for p in state.pending] == [("t:2", "Ann")]
    assert state.one_reader == (OneReader("Ann", 1, 1, False),)
    assert sorted((r.segment, r.concept) for r in project.codings(["Consensus"])) == [
        ("t:1", "Fees"),
        ("t:1", "Trust"),
    ]
