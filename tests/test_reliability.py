"""Agreement from the store: reliability data at each level and unit, and consensus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gioia import InvalidInput, NotFound, Project

from .conftest import SAMPLE

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "agreement_examples.json"


def _both_coders(project: Project) -> Project:
    """The sample's codings, both coders having read every informant turn."""
    for coder in ("Maria", "Tom"):
        project.import_codings(SAMPLE / f"codings_{coder.lower()}.csv")
        project.coder = coder
        for transcript in project.transcripts():
            project.review(transcript=transcript.name)
    project.coder = None
    return project


def _study(project: Project, tmp_path: Path, units: int) -> None:
    text = "".join(f"Anna: Answer number {n}.\n\n" for n in range(1, units + 1))
    (tmp_path / "t.txt").write_text(text)
    project.import_file(tmp_path / "t.txt")


def _code(project: Project, coder: str, rows: dict[str, list[str | None]]) -> None:
    """``rows``: segment ref -> concept per unit (None: read, nothing applied)."""
    project.coder = coder
    for ref, concepts in rows.items():
        for concept in concepts:
            if concept is None:
                project.review([ref])
            else:
                project.tag([ref], concept, create=True)
    project.coder = None  # the lead compares them


@pytest.fixture
def krippendorff_2011(project: Project, tmp_path: Path) -> Project:
    """Krippendorff's 4 observers × 12 units, values 1–5 as the concepts of one theme."""
    if not REFERENCE.is_file():
        pytest.skip("../shared/reference/agreement_examples.json is not here")
    example = json.loads(REFERENCE.read_text())["examples"][0]
    _study(project, tmp_path, 12)
    for number in range(1, 6):
        project.add_item("concept", f"K{number}")
    project.assign([f"K{n}" for n in range(1, 6)], theme="Scale", create=True)
    for coder, values in enumerate(example["data"], start=1):
        project.coder = f"Observer {coder}"
        for unit, value in enumerate(values, start=1):
            if value is not None:
                project.tag([f"t:{unit}"], f"K{value}")
    project.coder = None
    return project


def test_a_published_example_through_the_store(krippendorff_2011: Project) -> None:
    expected = json.loads(REFERENCE.read_text())["examples"][0]["expected"]
    report = krippendorff_2011.agreement(exclusive=True)
    (group,) = report.groups
    assert (group.group, group.categories, group.units, group.violations) == (
        "Scale",
        ("K1", "K2", "K3", "K4", "K5"),
        11,
        0,
    )
    g = group.coefficients
    assert g["krippendorff_alpha"].value == pytest.approx(
        expected["krippendorff_alpha_nominal"], abs=1e-9
    )
    assert g["fleiss_kappa"].value == pytest.approx(expected["fleiss_kappa"], abs=1e-5)
    assert g["gwet_ac1"].value == pytest.approx(expected["gwet_ac1"], abs=1e-5)
    assert g["brennan_prediger"].value == pytest.approx(expected["brennan_prediger"], abs=1e-5)
    assert g["percent"].value == pytest.approx(expected["percent_agreement"], abs=1e-6)
    assert (report.units_in_scope, report.units_pairable, report.units_dropped) == (12, 11, 1)
    assert report.missing == {"Observer 1": 2, "Observer 2": 1, "Observer 3": 1, "Observer 4": 0}


def test_missing_is_not_absent(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 4)
    _code(project, "Ann", {"t:1": ["Trust"], "t:2": [None], "t:3": ["Trust"]})
    _code(project, "Ben", {"t:1": ["Trust"], "t:2": ["Trust"], "t:4": [None]})
    report = project.agreement()
    assert report.coders == ("Ann", "Ben")
    assert (report.units_in_scope, report.units_pairable, report.units_dropped) == (4, 2, 2)
    (code,) = report.codes
    assert (code.code, code.units, code.both, code.only, code.neither) == (
        "Trust",
        2,
        1,
        {"Ann": 0, "Ben": 1},
        0,
    )
    assert code.coefficients["percent"].value == 0.5
    assert code.coefficients["cohen_kappa"].value == 0.0
    assert report.missing == {"Ann": 0, "Ben": 0}


def test_theme_level_and_exclusive_violations(project: Project, tmp_path: Path) -> None:
    _study(project, tmp_path, 3)
    project.add_item("concept", "Speed")
    project.add_item("concept", "Slowness")
    project.assign(["Speed", "Slowness"], theme="Pace", create=True)
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
    assert (violation.unit, violation.coder, violation.codes) == (
        "t:2",
        "Ann",
        ("Speed", "Slowness"),
    )


def test_transcript_and_character_units(sample_project: Project) -> None:
    _both_coders(sample_project)
    by_transcript = sample_project.agreement(unit="transcript")
    assert (by_transcript.units_in_scope, by_transcript.units_pairable) == (7, 7)
    characters = sample_project.agreement(
        unit="character", concept="Buyers want to taste before they trust"
    )
    (code,) = characters.codes
    assert code.units == characters.units_pairable > 1000
    assert code.both + sum(code.only.values()) + code.neither == code.units
    assert 0 < code.coefficients["krippendorff_alpha"].value < 1  # type: ignore[operator]


def test_breakdowns_and_bootstrap(sample_project: Project) -> None:
    _both_coders(sample_project)
    report = sample_project.agreement(by="transcript", bootstrap=200, seed=3)
    assert [row.label for row in report.breakdown][:2] == ["case_a_ceo_w1", "case_a_ceo_w2"]
    assert sum(row.units for row in report.breakdown) == report.units_pairable
    code = next(c for c in report.codes if c.alpha_interval is not None)
    low, high = code.alpha_interval  # type: ignore[misc]
    assert low <= high
    assert set(code.alpha_below or {}) == {"0.800", "0.667"}
    again = sample_project.agreement(by="transcript", bootstrap=200, seed=3)
    assert again.codes == report.codes
    pairs = sample_project.agreement(by="coder-pair")
    assert [row.label for row in pairs.breakdown] == ["Maria / Tom"]


def test_bad_requests(sample_project: Project) -> None:
    with pytest.raises(InvalidInput) as error:
        sample_project.agreement()
    assert error.value.message == (
        "Comparing coders shows other coders' work, which is hidden from Maria during blind "
        "open coding: pass --show-others to see them (recorded in the audit trail)."
    )
    sample_project.coder = None
    with pytest.raises(InvalidInput) as error:
        sample_project.agreement()
    assert error.value.message == (
        "Agreement needs two or more coders who reviewed segments in scope (found: none)."
    )
    sample_project.import_codings(SAMPLE / "codings_maria.csv")
    with pytest.raises(InvalidInput, match=r"\(found: Maria\)\.$"):
        sample_project.agreement()
    sample_project.import_codings(SAMPLE / "codings_tom.csv")
    with pytest.raises(NotFound, match="No coder 'Zed'"):
        sample_project.agreement(coders=["Maria", "Zed"])
    sample_project.add_item("concept", "Never used")
    with pytest.raises(InvalidInput, match=r"^Nobody in scope applied 'Never used'\.$"):
        sample_project.agreement(concept="Never used")


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
    state = sample_project.reconcile("Consensus")
    assert state.coders == ("Maria", "Tom")
    # 82 concepts on segments both coders agree on (86 rows of codings: some carry two quotes)
    assert (state.copied, state.decided, len(state.pending)) == (82, 0, 13)
    first = state.pending[0]
    summary = sample_project.resolve("Consensus", first.ref, "a", note="Maria read it closer.")
    assert summary.summary.startswith(f"Reconciled {first.ref} into Consensus: Maria's (")
    with pytest.raises(InvalidInput, match="'maybe' is not a choice"):
        sample_project.resolve("Consensus", state.pending[1].ref, "maybe")
    sample_project.resolve(
        "Consensus",
        state.pending[1].ref,
        "other",
        concepts=["Free samples and shipping eat the margin"],
    )
    again = sample_project.reconcile("Consensus")
    assert (again.copied, again.decided, len(again.pending)) == (0, 87, 11)
    assert sample_project.log()[-1].summary.startswith("Reconciled ")
    with pytest.raises(InvalidInput, match="'Maria' is a coder, not a consensus"):
        sample_project.reconcile("Maria")


def test_auto_union_and_the_consensus_as_default_evidence(sample_project: Project) -> None:
    _both_coders(sample_project)
    sample_project.import_structure(SAMPLE / "structure.csv")
    everyone = sample_project.structure().dimensions[0].counts.codings
    state = sample_project.reconcile_auto("Consensus", "union")
    assert (state.decided, state.pending) == (13, ())
    view = sample_project.structure()
    assert view.evidence == "Consensus"
    consensus = view.dimensions[0].counts
    assert consensus.codings < everyone
    assert (
        sample_project.structure(evidence="Maria").dimensions[0].counts.codings != consensus.codings
    )
    assert "Consensus" not in sample_project.agreement().coders


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
    assert sample_project.agreement(wave="2").units_pairable == 57
