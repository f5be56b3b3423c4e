"""Concepts under more than one theme (and themes under more than one dimension): the
project setting, assign and unassign, structure files, counts, agreement, quotes,
codebook, check, merge and delete. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gioia import ImportFailed, InvalidInput, NotFound, Project
from gioia.views_structure import Counts

from .conftest import SAMPLE, as_lead

DATA = Path(__file__).parent / "data"
B2B = DATA / "synthetic_b2b_shared_structure.csv"
A, B, C = "case_a_ceo_w1:2", "case_b_export_w2:10", "case_c_sales_w1:4"


@pytest.fixture
def shared(sample_project: Project) -> Project:
    """ "Family firm" under the themes Ownership and Trust, both in one dimension; "Taste"
    under Trust only; sharing allowed. Maria coded A and B with "Family firm" and C with
    "Taste"; Tom coded A with "Family firm"."""
    p = sample_project
    as_lead(p).set_phase("codebook")  # Tom codes with Maria's concept
    p.tag([A, B], "Family firm", create=True)
    p.tag([C], "Taste", create=True)
    p.coder = "Tom"
    p.tag([A], "Family firm")
    p.coder = "Maria"
    assert as_lead(p).allow_shared() is True
    as_lead(p).assign(["Family firm"], theme="Ownership", create=True)
    as_lead(p).assign(["Family firm", "Taste"], theme="Trust", create=True)
    as_lead(p).assign(["Ownership", "Trust"], dimension="Disposition", create=True)
    return p


def placements(project: Project) -> list[tuple[str, str, str, tuple[str, ...]]]:
    view = project.structure()
    return [
        (d.name, t.name, c.name, c.themes)
        for d in view.dimensions
        for t in d.themes
        for c in t.concepts
    ]


def test_the_setting_is_off_by_default_and_audited(project: Project) -> None:
    assert project.settings() == {"allow_shared": "false"}
    assert project.shared_allowed() is False
    assert as_lead(project).allow_shared(False) is False
    assert as_lead(project).allow_shared() is True
    assert as_lead(project).allow_shared() is False
    assert project.settings() == {"allow_shared": "true"}
    (event,) = project.log()
    assert (event.action, event.summary, event.before, event.after) == (
        "setting",
        "Allowed concepts under several themes",
        {"allow_shared": False},
        {"allow_shared": True},
    )


def test_without_sharing_assign_moves(sample_project: Project) -> None:
    p = sample_project
    p.add_item("concept", "Family firm")
    as_lead(p).assign(["Family firm"], theme="Ownership", create=True)
    as_lead(p).assign(["Family firm"], theme="Trust", create=True)
    assert p.parents("Family firm") == ("Trust",)
    assert p.log()[-1].before == {"theme": "Ownership", "themes": ["Ownership"]}
    assert p.log()[-1].after == {"theme": "Trust", "themes": ["Trust"]}


def test_with_sharing_assign_adds_and_unassign_names_the_theme(shared: Project) -> None:
    assert shared.parents("Family firm") == ("Ownership", "Trust")
    assert shared.parents("Ownership", level="theme") == ("Disposition",)
    assert placements(shared) == [
        ("Disposition", "Ownership", "Family firm", ("Ownership", "Trust")),
        ("Disposition", "Trust", "Family firm", ("Ownership", "Trust")),
        ("Disposition", "Trust", "Taste", ("Trust",)),
    ]
    added = next(e for e in shared.log() if e.summary.endswith("(also under 'Ownership')"))
    assert (
        added.summary == "Assigned concept 'Family firm' to theme 'Trust' (also under 'Ownership')"
    )
    assert as_lead(shared).assign(["Family firm"], theme="Trust") == 0  # already there
    with pytest.raises(InvalidInput) as error:
        as_lead(shared).unassign(["Family firm"])
    assert error.value.message == (
        "The concept 'Family firm' is under 2 themes ('Ownership', 'Trust'): name the one to "
        "take it out of with --theme."
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(shared).unassign(["Taste"], theme="Ownership")
    assert error.value.message == (
        "The concept 'Taste' is not under theme 'Ownership' (it is under 'Trust')."
    )
    assert as_lead(shared).unassign(["Family firm"], theme="Ownership") == 1
    assert shared.parents("Family firm") == ("Trust",)  # the extra theme became the first
    event = shared.log()[-1]
    assert (event.summary, event.before, event.after) == (
        "Took concept 'Family firm' out of theme 'Ownership'",
        {"theme": "Ownership", "themes": ["Ownership", "Trust"]},
        {"themes": ["Trust"]},
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(shared).unassign(["Family firm"], theme="Trust", dimension="Disposition")
    assert error.value.message == "Take items out of a theme or of a dimension (one of them)."


def test_sharing_cannot_be_turned_off_while_used(shared: Project) -> None:
    with pytest.raises(InvalidInput) as error:
        as_lead(shared).allow_shared(False)
    assert error.value.message == (
        "1 item(s) are under more than one parent: 'Family firm' (also under 'Trust'). "
        "Take them out of the extra ones (gioia unassign NAME --theme THEME) first."
    )
    as_lead(shared).unassign(["Family firm"], theme="Trust")
    assert as_lead(shared).allow_shared(False) is True


def test_counts_count_each_coding_once(shared: Project) -> None:
    view = shared.structure(evidence="Maria")
    (dimension,) = view.dimensions
    ownership, trust = dimension.themes
    assert ownership.counts == Counts(codings=2, segments=2, transcripts=2, cases=2, informants=2)
    assert trust.counts == Counts(codings=3, segments=3, transcripts=3, cases=3, informants=3)
    # "Family firm"'s two codings reach the dimension through both themes: counted once.
    assert dimension.counts == Counts(codings=3, segments=3, transcripts=3, cases=3, informants=3)
    shared.coder = None  # the lead sees every coder's codings
    everyone = shared.structure().dimensions[0]
    assert everyone.counts.codings == 4 and everyone.themes[0].counts.codings == 3


def test_agreement_follows_the_mapping(shared: Project) -> None:
    for coder in ("Maria", "Tom"):
        shared.coder = coder
        shared.review([A, B, C])
    shared.coder = None  # the lead compares them
    report = shared.agreement(level="theme", coders=["Maria", "Tom"])
    codes = {code.code: (code.units, code.both, code.only) for code in report.codes}
    # Maria: Family firm on A and B (Ownership and Trust), Taste on C (Trust); Tom: A only.
    assert codes == {
        "Ownership": (3, 1, {"Maria": 1, "Tom": 0}),
        "Trust": (3, 1, {"Maria": 2, "Tom": 0}),
    }
    dimension = shared.agreement(level="dimension", coders=["Maria", "Tom"])
    assert [(c.code, c.both, c.only) for c in dimension.codes] == [
        ("Disposition", 1, {"Maria": 2, "Tom": 0})
    ]
    groups = shared.agreement(level="concept", coders=["Maria", "Tom"], exclusive=True).groups
    assert [(g.group, g.categories) for g in groups] == [
        ("Ownership", ("Family firm", "none")),
        ("Trust", ("Family firm", "Taste", "none")),
    ]


def test_quotes_codebook_and_check_show_each_placement(shared: Project, tmp_path: Path) -> None:
    rows = shared.quotes()
    assert [(r.theme, r.concept, r.also_under) for r in rows] == [
        ("Ownership", "Family firm", ("Trust",)),
        ("Trust", "Family firm", ("Ownership",)),
        ("Trust", "Taste", ()),
    ]
    assert rows[0].quotes == rows[1].quotes
    shared.write_codebook(tmp_path / "codebook.csv")
    with (tmp_path / "codebook.csv").open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    assert [(r["level"], r["theme"], r["concept"], r["also_under"]) for r in records] == [
        ("dimension", "", "", ""),
        ("theme", "Ownership", "", ""),
        ("concept", "Ownership", "Family firm", "Trust"),
        ("theme", "Trust", "", ""),
        ("concept", "Trust", "Family firm", "Ownership"),
        ("concept", "Trust", "Taste", ""),
    ]
    shared.write_quotes(tmp_path / "quotes.md")
    assert "| Family firm<br>*also under Trust* |" in (tmp_path / "quotes.md").read_text()
    findings = [f for f in shared.check() if f.code == "shared-concept"]
    assert [(f.message, f.advice) for f in findings] == [
        (
            "Concept 'Family firm' is under 2 themes ('Ownership', 'Trust'): the Gioia method "
            "puts each concept under one theme.",
            "report it as a deviation (thematic analysis allows it), or keep one theme: "
            "gioia unassign 'Family firm' --theme 'Trust'",
        )
    ]
    assert sum(f.code == "uncoded-concept" for f in shared.check()) == 0
    assert [r.parent for r in shared.items("concept")] == ["Ownership, Trust", "Trust"]


def test_merging_and_deleting_keep_the_links(shared: Project) -> None:
    as_lead(shared).add_item("theme", "Heritage")
    as_lead(shared).merge_items("theme", ["Trust"], "Heritage")
    assert shared.parents("Family firm") == ("Ownership", "Heritage")
    assert shared.parents("Taste") == ("Heritage",)
    assert as_lead(shared).delete_item("theme", "Ownership", force=True).children == 1
    assert shared.parents("Family firm") == ("Heritage",)  # its extra theme moved up
    shared.add_item("concept", "Kin")
    as_lead(shared).assign(["Kin"], theme="Legacy", create=True)
    as_lead(shared).merge_items("concept", ["Kin"], "Family firm")
    assert shared.parents("Family firm") == ("Heritage", "Legacy")


def test_importing_a_shared_structure(project: Project) -> None:
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_structure(B2B)
    assert error.value.message == (
        "synthetic_b2b_shared_structure.csv has 11 conflict(s); nothing imported. To keep an "
        "item under several parents, as thematic analysis does, import with --allow-shared."
    )
    assert project.items("concept") == []
    result = as_lead(project).import_structure(B2B, allow_shared=True)
    assert (result.created, result.assigned, result.shared, result.allowed_shared) == (
        {"concept": 93, "theme": 8, "dimension": 3},
        112,
        11,
        True,
    )
    rows = project.items("concept")
    assert len(rows) == 93
    assert sum(", " in (r.parent or "") for r in rows) == 11
    assert project.parents("Trust is built over many years") == (
        "Trust and credibility",
        "Commitment and loyalty",
    )
    again = as_lead(project).import_structure(B2B)  # the same file again changes nothing
    assert (again.created, again.assigned) == ({"concept": 0, "theme": 0, "dimension": 0}, 0)


def test_a_merge_import_does_not_move_silently(sample_project: Project, tmp_path: Path) -> None:
    p = sample_project
    as_lead(p).import_structure(SAMPLE / "structure.csv")
    moved = tmp_path / "moved.csv"
    moved.write_text(
        "concept,theme,dimension\n"
        "The home market is not enough any more,Organisational readiness,Exporter disposition\n"
        "Free samples and shipping eat the margin,Trust building at a distance,"
        "Relationship trajectory\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as error:
        as_lead(p).import_structure(moved)
    assert error.value.message == (
        "moved.csv would move 2 item(s) to another parent: concept 'The home market is not "
        "enough any more' from 'Internationalisation drive' to 'Organisational readiness' "
        "(row 2); concept 'Free samples and shipping eat the margin' from 'Cost-benefit "
        "calculus' to 'Trust building at a distance' (row 3). Nothing imported: pass --move "
        "to move them, or --allow-shared to keep them under both."
    )
    assert p.parents("The home market is not enough any more") == ("Internationalisation drive",)
    result = as_lead(p).import_structure(moved, move=True)
    assert len(result.moved) == 2
    assert p.parents("The home market is not enough any more") == ("Organisational readiness",)
    events = [e for e in p.log() if e.action == "move"]
    assert [(e.before, e.after) for e in events] == [
        ({"themes": ["Internationalisation drive"]}, {"themes": ["Organisational readiness"]}),
        ({"themes": ["Cost-benefit calculus"]}, {"themes": ["Trust building at a distance"]}),
    ]
    back = as_lead(p).import_structure(SAMPLE / "structure.csv", allow_shared=True)
    assert back.shared == 2  # now under both themes
    assert p.parents("The home market is not enough any more") == (
        "Organisational readiness",
        "Internationalisation drive",
    )


def test_exporting_a_shared_structure_round_trips(project: Project, tmp_path: Path) -> None:
    as_lead(project).import_structure(B2B, allow_shared=True)
    assert project.export_structure(tmp_path / "out.csv").count == 104
    exported = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8")))
    original = list(csv.reader(B2B.open(encoding="utf-8")))
    assert [row[:3] for row in exported] == original


def test_parents_of_unknown_items(project: Project) -> None:
    with pytest.raises(NotFound) as error:
        project.parents("Nothing")
    assert error.value.message == "No concept 'Nothing'."
    with pytest.raises(InvalidInput) as error:
        project.parents("Nothing", level="dimension")
    assert error.value.message == "Only concepts and themes have parents, not dimensions."
