"""From another program's code tree to dimensions, themes and concepts."""

from __future__ import annotations

import pytest

from gioia.errors import InvalidInput
from gioia.limits import NAME_LENGTH
from gioia.refi.levels import MAX_NAME, Rule, clean_code_name, map_codes, parse_rule
from gioia.refi.model import Code


def tree(spec: dict[str, object], counter: list[int] | None = None) -> list[Code]:
    """Codes from a nested dict {name: {child: {...}}}; a name ending in '!' is not
    codable. GUIDs are the names."""
    codes = []
    for name, children in spec.items():
        codable = not name.endswith("!")
        label = name.rstrip("!")
        kids = tree(children, counter) if isinstance(children, dict) else []
        codes.append(Code(label, label.split("#")[0], codable, children=kids))
    return codes


def roles(codes: list[Code], rule: Rule | None = None, coded: set[str] = frozenset()) -> dict:
    mapping = map_codes(codes, rule or Rule(), set(coded))
    return {
        p.guid: (p.role, p.name, p.parent, [kind for kind, _ in p.notes])
        for p in mapping.placements
    }


THREE = {"Dim": {"Theme": {"Concept A": {}, "Concept B": {}}}}


def test_a_three_level_tree_maps_directly() -> None:
    assert roles(tree(THREE)) == {
        "Dim": ("dimension", "Dim", None, []),
        "Theme": ("theme", "Theme", "Dim", []),
        "Concept A": ("concept", "Concept A", "Theme", []),
        "Concept B": ("concept", "Concept B", "Theme", []),
    }
    assert roles(tree(THREE), parse_rule("1,2,3")) == roles(tree(THREE))


def test_leaves_are_concepts_parents_themes_and_deeper_codes_flattened() -> None:
    codes = tree({"Top": {"Dim": {"Theme": {"Concept": {"Sub": {}}, "Other": {}, "Third": {}}}}})
    found = roles(codes)
    assert found["Top"] == ("left out", None, None, ["left out"])
    assert found["Dim"] == ("dimension", "Dim", None, [])
    assert found["Theme"] == ("theme", "Theme", "Dim", [])
    # "Concept" has a leaf below it, yet under a theme it is a concept; "Sub" beside it
    assert found["Concept"] == ("concept", "Concept", "Theme", ["flattened"])
    assert found["Sub"] == ("concept", "Sub", "Theme", ["flattened"])


def test_a_shallow_tree_gives_themes_without_dimensions() -> None:
    found = roles(tree({"Theme": {"A": {}, "B": {}}, "Loose": {}}))
    assert found == {
        "Theme": ("theme", "Theme", None, []),
        "A": ("concept", "A", "Theme", []),
        "B": ("concept", "B", "Theme", []),
        "Loose": ("concept", "Loose", None, []),
    }


def test_a_code_takes_the_level_most_of_its_leaves_give_it() -> None:
    # Dim has one leaf as a child and four as grandchildren: a dimension
    found = roles(tree({"Dim": {"Stray": {}, "T": {"a": {}, "b": {}, "c": {}, "d": {}}}}))
    assert found["Dim"][0] == "dimension"
    assert found["Stray"] == ("concept", "Stray", None, ["no theme"])
    assert found["T"][:3] == ("theme", "T", "Dim")


def test_depth_rule_with_folders_between_levels() -> None:
    codes = tree({"Folder": {"Dim": {"Group": {"Theme": {"C1": {"C2": {}}}}}, "Leaf": {}}})
    found = roles(codes, parse_rule("2,4,5"))
    assert found["Folder"] == ("left out", None, None, ["left out"])
    assert found["Dim"][:3] == ("dimension", "Dim", None)
    assert found["Group"] == ("left out", None, None, ["left out"])
    assert found["Theme"][:3] == ("theme", "Theme", "Dim")
    assert found["C1"][:3] == ("concept", "C1", "Theme")
    assert found["C2"][:3] == ("concept", "C2", "Theme")
    # a leaf above the concepts' depth is a concept
    assert found["Leaf"][:3] == ("concept", "Leaf", None)


def test_not_codable_folders_are_left_out_and_their_codes_keep_their_place() -> None:
    found = roles(tree({"Roots!": {"Theme": {"A": {}, "B": {}}}}))
    assert found["Roots"] == ("left out", None, None, ["left out"])
    assert found["Theme"] == ("theme", "Theme", None, [])
    assert found["A"] == ("concept", "A", "Theme", [])


def test_duplicate_names_at_one_level_are_renamed_after_their_parent() -> None:
    codes = tree(
        {
            "T1": {"citizenship#1": {}, "x": {}},
            "T2": {"citizenship#2": {}, "y": {}},
            "T3": {"Citizenship#3": {}, "z": {}},
        }
    )
    found = roles(codes)
    assert found["citizenship#1"][1] == "citizenship"
    assert found["citizenship#2"][1:] == ("citizenship (T2)", "T2", ["renamed"])
    assert found["Citizenship#3"][1] == "Citizenship (T3)"


def test_a_theme_with_codings_of_its_own_gives_them_to_a_concept_of_its_name() -> None:
    mapping = map_codes(tree({"Theme": {"A": {}, "B": {}}}), Rule(), {"Theme"})
    theme = mapping.placements[0]
    assert (theme.role, theme.name, theme.concept, theme.concept_theme) == (
        "theme",
        "Theme",
        "Theme",
        "Theme",
    )
    assert [kind for kind, _ in theme.notes] == ["codings"]


def test_levels_given_per_code_override_the_rule() -> None:
    codes = tree({"D": {"T": {}}, "C": {}})
    rule = Rule(given={"D": "dimension", "T": "theme", "C": "concept"})
    found = roles(codes, rule)
    assert found["T"] == ("theme", "T", "D", [])
    assert found["C"] == ("concept", "C", None, [])


def test_a_deep_tree_does_not_recurse() -> None:
    deep = Code("0", "level 0")
    node = deep
    for depth in range(1, 5000):
        child = Code(str(depth), f"level {depth}")
        node.children.append(child)
        node = child
    mapping = map_codes([deep], parse_rule("1,2,3"), set())
    assert len(mapping.placements) == 5000
    assert mapping.placements[-1].role == "concept"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2", "is not a rule"),
        ("a,b,c", "is not a rule"),
        ("3,2,1", "must grow"),
        ("1,2,-", "must grow"),
        ("0,1,2", "must grow"),
    ],
)
def test_bad_rules_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_rule(text)


def test_names_are_cleaned_to_what_gioia_holds() -> None:
    assert MAX_NAME == NAME_LENGTH
    assert clean_code_name("  a\tb\x00c  ") == "a b c"
    assert clean_code_name("") == "(unnamed code)"
    long = clean_code_name("x" * 300)
    assert (len(long), long[-1]) == (MAX_NAME, "…")
