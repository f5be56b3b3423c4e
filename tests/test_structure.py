"""Operating the Gioia structure through the API: items, merge, split, assign, files, check."""

from __future__ import annotations

from pathlib import Path

import pytest

from gioia import ImportFailed, InvalidInput, NotAllowed, NotFound, Project
from gioia.views_structure import Counts

from .conftest import SAMPLE, as_lead

A, B, C = "case_a_ceo_w1:2", "case_b_export_w2:10", "case_c_sales_w1:4"


@pytest.fixture
def coded(sample_project: Project) -> Project:
    """Three concepts with codings by Maria and Tom (codebook coding: they share the
    concepts), two themes, one dimension; then the project lead (no coder) shapes it."""
    p = sample_project
    as_lead(p).set_phase("codebook")
    p.tag([A, B], "Family firm", create=True)
    p.tag([B], "Family business", create=True)
    p.tag([B], "Family business", quote="A video call is a meeting", create=True)
    p.tag([C], "Taste first", create=True)
    p.coder = "Tom"
    p.tag([A], "Family business")
    p.coder = "Maria"
    as_lead(p).assign(["Family firm", "Family business"], theme="Ownership", create=True)
    as_lead(p).assign(["Taste first"], theme="Trust", create=True)
    as_lead(p).assign(["Ownership", "Trust"], dimension="Disposition", create=True)
    p.coder = None
    return p


def tree(project: Project) -> list[tuple[str, ...]]:
    view = project.structure()
    return [(d.name, t.name, c.name) for d in view.dimensions for t in d.themes for c in t.concepts]


def test_add_rename_describe(project: Project) -> None:
    assert project.add_item("concept", "  Need  for speed ", "Replies within hours.") == (
        "Need for speed"
    )
    with pytest.raises(InvalidInput) as error:
        project.add_item("concept", "need for SPEED")
    assert error.value.message == "A concept named 'Need for speed' already exists."
    assert project.rename_item("concept", "need for speed", "Need for Speed") == "Need for Speed"
    project.add_item("concept", "Slow replies")
    with pytest.raises(InvalidInput) as error:
        project.rename_item("concept", "Slow replies", "need for speed")
    assert error.value.message == (
        "A concept named 'Need for Speed' already exists: merge them with `gioia concept merge`."
    )
    project.describe_item("concept", "Need for Speed", "Buyers expect answers the same day.")
    (row, _) = project.items("concept")
    assert (row.name, row.definition, row.parent) == (
        "Need for Speed",
        "Buyers expect answers the same day.",
        None,
    )
    assert [(e.action, e.subject) for e in project.log()] == [
        ("create", "coder"),
        ("create", "concept"),
        ("rename", "concept"),
        ("create", "concept"),
        ("describe", "concept"),
    ]
    with pytest.raises(InvalidInput, match="'topic' is not a level"):
        project.add_item("topic", "x")
    with pytest.raises(NotAllowed) as refused:
        project.add_item("theme", "Speed")
    assert refused.value.message == (
        "Adding a theme is the project lead's step: run it without --coder or GIOIA_CODER."
    )


def test_tree_counts(coded: Project) -> None:
    view = coded.structure()
    (dimension,) = view.dimensions
    ownership, trust = dimension.themes
    assert [c.name for c in ownership.concepts] == ["Family firm", "Family business"]
    family_firm, family_business = ownership.concepts
    assert family_firm.counts == Counts(
        codings=2, segments=2, transcripts=2, cases=2, informants=2, quotes=0
    )
    # Maria's whole-segment coding and her quote on B count once.
    assert family_business.counts == Counts(
        codings=2, segments=2, transcripts=2, cases=2, informants=2, quotes=1
    )
    assert ownership.counts == Counts(4, 2, 2, 2, 2, 1)
    assert trust.counts == Counts(1, 1, 1, 1, 1, 0)
    assert dimension.counts == Counts(5, 3, 3, 3, 3, 1)
    assert coded.structure(evidence="Tom").dimensions[0].counts == Counts(1, 1, 1, 1, 1, 0)
    by_count = coded.structure(order="alpha").dimensions[0].themes[0].concepts
    assert [c.name for c in by_count] == ["Family business", "Family firm"]


def test_merge_concepts_moves_codings_without_duplicates(coded: Project) -> None:
    coded.coder = "Maria"
    coded.add_memo("Family business", "Close to the firm label.")
    coded.coder = None
    result = as_lead(coded).merge_items("concept", ["Family business"], "family firm")
    assert (result.target, result.sources, result.moved, result.duplicates) == (
        "Family firm",
        ("Family business",),
        2,
        1,
    )
    rows = [(r.coder, r.segment, r.concept, r.quote) for r in coded.codings()]
    assert rows == [
        ("Maria", A, "Family firm", ""),
        ("Tom", A, "Family firm", ""),
        ("Maria", B, "Family firm", ""),
        ("Maria", B, "Family firm", "A video call is a meeting"),
        ("Maria", C, "Taste first", ""),
    ]
    merge = coded.log(concept="Family firm")[-1]
    assert merge.action == "merge"
    assert merge.summary == (
        "Merged concept(s) 'Family business' into 'Family firm' "
        "(2 coding(s) moved, 1 duplicate(s) dropped)"
    )
    assert [(m.action, m.summary) for m in coded.log() if m.action == "memo"] == [
        ("memo", "Memo #1 on Family business")
    ]
    with pytest.raises(NotFound):
        as_lead(coded).rename_item("concept", "Family business", "x")


def test_merge_themes_moves_concepts(coded: Project) -> None:
    result = as_lead(coded).merge_items("theme", ["Trust"], "Ownership")
    assert (result.moved, result.duplicates) == (1, 0)
    assert tree(coded) == [
        ("Disposition", "Ownership", "Family firm"),
        ("Disposition", "Ownership", "Family business"),
        ("Disposition", "Ownership", "Taste first"),
    ]
    with pytest.raises(InvalidInput, match=r"^Cannot merge 'Ownership' into itself\.$"):
        as_lead(coded).merge_items("theme", ["ownership"], "Ownership")


def test_delete_is_refused_while_in_use(coded: Project) -> None:
    with pytest.raises(InvalidInput) as error:
        as_lead(coded).delete_item("concept", "Taste first")
    assert error.value.message == (
        "The concept 'Taste first' has 1 coding(s): merge it into another concept, "
        "or pass --force to delete it anyway."
    )
    with pytest.raises(InvalidInput, match="has 1 concept"):
        as_lead(coded).delete_item("theme", "Trust")
    result = as_lead(coded).delete_item("theme", "Trust", force=True)
    assert (result.codings, result.children) == (0, 1)
    assert [c.name for c in coded.structure().concepts_without_theme] == ["Taste first"]
    result = as_lead(coded).delete_item("concept", "Taste first", force=True)
    assert (result.codings, result.children) == (1, 0)
    assert [r.concept for r in coded.codings()].count("Taste first") == 0
    assert coded.log()[-1].summary == "Deleted concept 'Taste first' and its 1 coding(s)"


def test_split_a_concept(coded: Project) -> None:
    moved = as_lead(coded).split_concept("Family business", "Family video", grep="video call")
    assert moved == 2
    assert [(r.segment, r.concept, r.coder) for r in coded.codings() if r.segment == B] == [
        (B, "Family firm", "Maria"),
        (B, "Family video", "Maria"),
        (B, "Family video", "Maria"),
    ]
    assert ("Disposition", "Ownership", "Family video") in tree(coded)
    assert as_lead(coded).split_concept("Family firm", "Firm on B", refs=[B]) == 1
    coded.coder = "Maria"
    coded.tag([C], "Family firm")
    coded.coder = None
    assert as_lead(coded).split_concept("Family firm", "Firm in A", transcript="case_a_ceo_w1") == 1
    assert [r.concept for r in coded.codings() if r.segment in (A, C) and r.coder == "Maria"] == [
        "Firm in A",
        "Family firm",
        "Taste first",
    ]
    with pytest.raises(InvalidInput) as error:
        as_lead(coded).split_concept("Family business", "Tom's", refs=[A])
    assert (
        error.value.message
        == "That would move every coding of 'Family business': rename it instead."
    )
    with pytest.raises(InvalidInput, match="nothing to split"):
        as_lead(coded).split_concept("Taste first", "None", grep="zzz")
    with pytest.raises(InvalidInput, match="Choose the codings to split off"):
        as_lead(coded).split_concept("Taste first", "None")


def test_assign_and_unassign(coded: Project) -> None:
    with pytest.raises(NotFound) as error:
        as_lead(coded).assign(["Taste first"], theme="Trsut")
    assert error.value.message == "No theme 'Trsut'. Did you mean 'Trust'? Add --new to create it."
    assert as_lead(coded).assign(["Taste first"], theme="Ownership") == 1
    assert as_lead(coded).assign(["Taste first"], theme="Ownership") == 0
    assert as_lead(coded).unassign(["Taste first", "Trust"]) == 2
    view = coded.structure()
    assert [t.name for t in view.themes_without_dimension] == ["Trust"]
    assert [c.name for c in view.concepts_without_theme] == ["Taste first"]
    assert [e.summary for e in coded.log()][-2:] == [
        "Took concept 'Taste first' out of theme 'Ownership'",
        "Took theme 'Trust' out of dimension 'Disposition'",
    ]
    with pytest.raises(InvalidInput, match="Assign to a theme or to a dimension"):
        as_lead(coded).assign(["Trust"])


def test_import_the_sample_structure(sample_project: Project) -> None:
    as_lead(sample_project).import_codings(SAMPLE / "codings_maria.csv")
    result = as_lead(sample_project).import_structure(SAMPLE / "structure.csv")
    assert result.created == {"concept": 0, "theme": 6, "dimension": 3}
    assert (result.assigned, result.defined, result.warnings) == (26, 20, ())
    view = sample_project.structure()
    assert [d.name for d in view.dimensions] == [
        "Exporter disposition",
        "Platform value proposition",
        "Relationship trajectory",
    ]
    assert [len(t.concepts) for d in view.dimensions for t in d.themes] == [4, 3, 4, 3, 3, 3]
    assert view.dimensions[0].themes[0].concepts[1].name == (
        "We need to answer buyers within hours, not days"
    )
    again = as_lead(sample_project).import_structure(SAMPLE / "structure.csv")
    assert (again.created, again.assigned, again.defined) == (
        {"concept": 0, "theme": 0, "dimension": 0},
        0,
        0,
    )


def test_structure_file_conflicts_are_all_listed(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "concept,theme,dimension\n"
        "Speed,Readiness,Disposition\n"
        "Speed,Engagement,Disposition\n"
        "Trust,Readiness,Outcomes\n"
        ",Readiness,Disposition\n"
        "speed ,Readiness,Disposition\n"
        "Lonely,Readiness\n"
        "Trust,Readiness,Outcomes\n"
    )
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_structure(path)
    assert error.value.message == (
        "s.csv has 5 conflict(s); nothing imported. To keep an item under several parents, "
        "as thematic analysis does, import with --allow-shared."
    )
    assert error.value.details == [
        "row 3: concept 'Speed' is under theme 'Engagement' here but under 'Readiness' in row 2.",
        "row 4: theme 'Readiness' is under dimension 'Outcomes' here but under 'Disposition' "
        "in row 2.",
        "row 5: blank concept name.",
        "row 6: concept 'speed' differs from 'Speed' (row 2) only in case or spacing.",
        "row 7: 2 column(s), but concept, theme and dimension need 3.",
    ]
    assert project.structure().dimensions == ()


def test_duplicate_rows_are_merged_with_a_warning(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("concept,theme,dimension\nA,T,D\nB,T,D\nA,T,D\n")
    result = as_lead(project).import_structure(path)
    assert result.warnings == ("row 4 repeats row 2; merged.",)
    assert tree(project) == [("D", "T", "A"), ("D", "T", "B")]


def test_replace_mode(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("concept,theme,dimension\nTaste first,Tasting,Relations\n")
    result = as_lead(coded).import_structure(path, mode="replace")
    assert (result.created, result.removed) == ({"concept": 0, "theme": 1, "dimension": 1}, 3)
    assert tree(coded) == [("Relations", "Tasting", "Taste first")]
    view = coded.structure()
    assert [c.name for c in view.concepts_without_theme] == ["Family firm", "Family business"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".yaml"])
def test_export_and_import_round_trip(
    coded: Project, tmp_path: Path, suffix: str, store: str
) -> None:
    as_lead(coded).describe_item("theme", "Ownership", "Who owns | decides.")
    path = tmp_path / f"structure{suffix}"
    assert coded.export_structure(path).count == 3
    with Project.init(str(tmp_path / "other.db")) as other:
        result = as_lead(other).import_structure(path)
        assert result.created == {"concept": 3, "theme": 2, "dimension": 1}
        assert tree(other) == tree(coded)
        assert other.items("theme")[0].definition == "Who owns | decides."


def test_yaml_conflicts_name_lines(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "dimensions:\n"
        "  - name: D\n"
        "    themes:\n"
        "      - name: T\n"
        "        concepts:\n"
        "          - A\n"
        "          - name: ''\n"
    )
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_structure(path)
    assert error.value.details == ["line 7: blank concept name."]


def test_check(coded: Project) -> None:
    coded.add_item("concept", "Family firms")
    as_lead(coded).add_item("theme", "Empty")
    as_lead(coded).add_item("dimension", "Nothing")
    codes = [(f.code, f.message) for f in coded.check()]
    assert codes == [
        ("concept-without-theme", "Concept 'Family firms' is not under a theme."),
        ("theme-without-dimension", "Theme 'Empty' is not under a dimension."),
        ("empty-dimension", "Dimension 'Nothing' has no themes."),
        ("single-concept-theme", "Theme 'Trust' has a single concept ('Taste first')."),
        ("empty-theme", "Theme 'Empty' has no concepts."),
        ("no-quote", "Concept 'Family firm' has no quote span, only whole segments."),
        ("one-transcript-concept", "Concept 'Taste first' is coded in one transcript only."),
        ("one-case-concept", "Concept 'Taste first' is coded in one case only."),
        ("no-quote", "Concept 'Taste first' has no quote span, only whole segments."),
        ("uncoded-concept", "Concept 'Family firms' has no codings."),
        (
            "near-duplicate",
            "The concepts 'Family firm' and 'Family firms' have nearly the same name.",
        ),
    ]


def test_check_counts_concepts_in_the_final_structure(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "concept,theme,dimension\n"
        + "".join(f"Concept number {n:02d} of many,T{n % 9},D\n" for n in range(26))
    )
    as_lead(project).import_structure(path)
    (finding,) = [f for f in project.check() if f.code == "too-many-concepts"]
    assert finding.message == (
        "The structure has 26 concepts; guidance asks for at most about 25 in the final figure."
    )
