"""Who may do what: a coder adds only their own work; shaping the project is the project
lead's step (no coder named); every event names who ran the command (``actor``) beside
whose work it is (``coder``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gioia import InvalidInput, NotAllowed, Project
from gioia.cli import cli
from gioia.ops.importing import ImportOptions

from .conftest import SAMPLE
from .test_blind import ADOPTED, ANA_OWN, SEG, THEME, T, _lead_sets_up
from .test_refi_import import foreign

FORGED = "ForgedByBen"


def _codings_file(path: Path, rows: list[str]) -> Path:
    path.write_text("coder,segment,concept,quote\n" + "".join(f"{row}\n" for row in rows))
    return path


def _state(store: str) -> tuple[list[tuple[str, str, str]], int, bool]:
    """(coder, segment, concept) of every coding, how many events, and whether the forged
    concept exists, read by the project lead."""
    with Project.open(store) as lead:
        codings = [(r.coder, r.segment, r.concept) for r in lead.codings()]
        return codings, len(lead.log()), lead.concept_exists(FORGED)


def test_a_coder_imports_only_their_own_codings(store: str, tmp_path: Path) -> None:
    _lead_sets_up(store)
    with Project.open(store, coder="Ana") as ana:
        ana.tag([SEG], ADOPTED)
    before = _state(store)
    forged = _codings_file(
        tmp_path / "forge.csv", [f"Ben,{T}:6,{ADOPTED},", f"Ana,{T}:8,{FORGED},"]
    )
    with Project.open(store, coder="Ben") as ben, pytest.raises(NotAllowed) as refused:
        ben.import_codings(forged)
    assert refused.value.message == (
        "forge.csv row 3 is a coding by 'Ana': as Ben you import only your own codings "
        "(the project lead, with no --coder or GIOIA_CODER, imports them for anyone); "
        "nothing imported."
    )
    assert _state(store) == before  # not even Ben's own row, nor Ben as a coder

    own = _codings_file(tmp_path / "own.csv", [f"ben,{T}:6,{ADOPTED},"])  # any case
    with Project.open(store, coder="Ben") as ben:
        assert ben.import_codings(own).added == 1
    with Project.open(store) as lead:
        tags = [(e.coder, e.actor, e.action) for e in lead.log() if e.action == "tag"]
    assert tags == [("Ana", "Ana", "tag"), ("Ben", "Ben", "tag")]


def test_the_lead_imports_for_anyone_and_the_trail_names_the_lead(
    store: str, tmp_path: Path
) -> None:
    _lead_sets_up(store)
    rows = _codings_file(tmp_path / "team.csv", [f"Ana,{T}:8,{FORGED},"])
    with Project.open(store) as lead:
        assert lead.import_codings(rows).added == 1
        events = [(e.coder, e.actor, e.action, e.subject) for e in lead.log()][-4:]
    assert events == [
        ("Ana", None, "create", "coder"),
        ("Ana", None, "create", "concept"),  # Ana's concept, made by the lead's import
        ("Ana", None, "tag", "coding"),
        ("Ana", None, "review", "segment"),
    ]
    with Project.open(store, coder="Ana") as ana:  # Ana's own work, in her log
        assert [e.summary for e in ana.log() if e.action == "tag"] == [
            f"Tagged {T}:8 with {FORGED!r} (from team.csv row 2)"
        ]
    with Project.open(store, coder="Ben") as ben:
        assert [e for e in ben.log() if e.coder == "Ana"] == []


def test_the_log_shows_who_ran_a_change_for_a_coder(store: str, tmp_path: Path) -> None:
    _lead_sets_up(store)
    rows = _codings_file(tmp_path / "team.csv", [f"Ana,{T}:8,{FORGED},"])
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["--store", store, "codings", "import", str(rows)], env={"GIOIA_CODER": "Ben"}
    )
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: team.csv row 2 is a coding by 'Ana': as Ben you import only your own codings "
        "(the project lead, with no --coder or GIOIA_CODER, imports them for anyone); "
        "nothing imported.\n",
    )
    assert _state(store) == ([], 62, False)
    done = runner.invoke(cli, ["--store", store, "codings", "import", str(rows)])
    assert done.exit_code == 0, done.output
    log = runner.invoke(cli, ["--store", store, "log"], catch_exceptions=False)
    assert [line[21:] for line in log.output.splitlines()[-3:-1]] == [
        f"Ana (run by the project lead)  Tagged {T}:8 with {FORGED!r} (from team.csv row 2)",
        f"Ana (run by the project lead)  Reviewed {T}:8",
    ]
    assert log.output.endswith("\n66 event(s).\n")


LEAD = "is the project lead's step: run it without --coder or GIOIA_CODER."
OTHER_CONCEPTS = "a concept other than your own new ones"

#: Every step that shapes the project, tried by a coder: (what it is called, the call).
LEAD_STEPS: list[tuple[str, Callable[[Project, Path], Any]]] = [
    ("Changing the phase of blind coding", lambda p, d: p.set_phase("codebook")),
    ("Changing the project's settings", lambda p, d: p.allow_shared(True)),
    ("Renaming a coder", lambda p, d: p.rename_coder("Ana", "X")),
    ("Importing a structure file", lambda p, d: p.import_structure(SAMPLE / "structure.csv")),
    ("Placing items in the structure", lambda p, d: p.assign([BEN_NEW], theme=THEME)),
    ("Taking items out of the structure", lambda p, d: p.unassign([ADOPTED])),
    ("Adding a theme", lambda p, d: p.add_item("theme", "Ben's theme")),
    ("Adding a dimension", lambda p, d: p.add_item("dimension", "Ben's dimension")),
    (f"Renaming {OTHER_CONCEPTS}", lambda p, d: p.rename_item("concept", ADOPTED, "X")),
    ("Renaming a theme", lambda p, d: p.rename_item("theme", THEME, "X")),
    (f"Defining {OTHER_CONCEPTS}", lambda p, d: p.describe_item("concept", ADOPTED, "X")),
    (f"Merging {OTHER_CONCEPTS}", lambda p, d: p.merge_items("concept", [ADOPTED], BEN_NEW)),
    (f"Deleting {OTHER_CONCEPTS}", lambda p, d: p.delete_item("concept", ADOPTED, force=True)),
    ("Deleting a theme", lambda p, d: p.delete_item("theme", THEME)),
    (f"Splitting {OTHER_CONCEPTS}", lambda p, d: p.split_concept(ADOPTED, "X", refs=[SEG])),
    ("Importing or replacing transcripts", lambda p, d: p.import_files([SAMPLE])),
    (
        "Importing or replacing transcripts",
        lambda p, d: p.import_file(
            SAMPLE / f"{T}.txt", options=ImportOptions(replace=True, force=True)
        ),
    ),
    ("Editing segments", lambda p, d: p.merge_segments([f"{T}:1", f"{T}:2"])),
    ("Editing segments", lambda p, d: p.split_segment(SEG, at=5)),
    ("Editing segments", lambda p, d: p.delete_segment(f"{T}:1", force=True)),
    ("Reconciling into a consensus coder", lambda p, d: p.reconcile("C", show_others=True)),
    (
        "Reconciling into a consensus coder",
        lambda p, d: p.reconcile_auto("C", "union", show_others=True),
    ),
    ("Importing a REFI-QDA project", lambda p, d: p.import_project(foreign(d))),
]
BEN_NEW = "Ben's new concept"


def test_a_coder_cannot_shape_the_project(store: str, tmp_path: Path) -> None:
    _lead_sets_up(store)
    with Project.open(store, coder="Ana") as ana:
        ana.tag([SEG], ADOPTED)
        ana.tag([SEG], ANA_OWN, create=True)
    with Project.open(store, coder="Ben") as ben:
        ben.tag([SEG], BEN_NEW, create=True)
    before = _everything(store)
    with Project.open(store, coder="Ben") as ben:
        refused = []
        for _, step in LEAD_STEPS:
            with pytest.raises(NotAllowed) as error:
                step(ben, tmp_path)
            refused.append(error.value.message)
    assert refused == [f"{name} {LEAD}" for name, _ in LEAD_STEPS]
    assert _everything(store) == before  # nothing written, not even an unblinding
    with Project.open(store) as lead:  # the lead takes every step
        assert lead.set_phase("codebook") == "open"
        lead.assign([BEN_NEW], theme=THEME)
        assert lead.rename_coder("Ana", "Anna") == "Anna"


def test_a_coder_shapes_their_own_new_concepts(store: str) -> None:
    _lead_sets_up(store)
    with Project.open(store, coder="Ben") as ben:
        ben.tag([SEG], BEN_NEW, create=True)
        ben.tag([f"{T}:6"], BEN_NEW)
        assert ben.add_item("concept", "Ben's spare") == "Ben's spare"
        assert ben.rename_item("concept", BEN_NEW, "Ben's renamed") == "Ben's renamed"
        ben.describe_item("concept", "Ben's renamed", "What Ben means.")
        assert ben.split_concept("Ben's renamed", "Ben's split", refs=[f"{T}:6"]) == 1
        assert ben.merge_items("concept", ["Ben's split"], ADOPTED).moved == 1
        with pytest.raises(InvalidInput) as held:
            ben.delete_item("concept", "Ben's renamed")
        assert held.value.message == (
            'The concept "Ben\'s renamed" has 1 coding(s): merge it into another concept, '
            "or pass --force to delete it anyway."
        )
        assert ben.delete_item("concept", "Ben's renamed", force=True).codings == 1
        assert ben.delete_item("concept", "Ben's spare").codings == 0
        assert [(r.segment, r.concept) for r in ben.codings()] == [(f"{T}:6", ADOPTED)]
    with Project.open(store) as lead:
        assert not lead.concept_exists("Ben's renamed")


def test_a_concept_another_coder_uses_is_the_leads_to_change(store: str) -> None:
    """Once the structure adopts a coder's concept, it is the team's: its maker may no
    longer rename or delete it (the message says nothing of who uses it)."""
    _lead_sets_up(store)
    with Project.open(store, coder="Ben") as ben:
        ben.tag([SEG], BEN_NEW, create=True)
    with Project.open(store) as lead:
        lead.assign([BEN_NEW], theme=THEME)
    with Project.open(store, coder="Ben") as ben, pytest.raises(NotAllowed) as refused:
        ben.delete_item("concept", BEN_NEW, force=True)
    assert refused.value.message == f"Deleting {OTHER_CONCEPTS} {LEAD}"


def _everything(store: str) -> tuple[Any, ...]:
    """What the store holds, as the project lead reads it."""
    with Project.open(store) as lead:
        return (
            [(e.id, e.action, e.summary) for e in lead.log()],
            [(r.coder, r.segment, r.concept, r.quote) for r in lead.codings()],
            [(s.ref, s.text) for s in lead.transcript(T).segments],
            lead.phase(),
            lead.settings(),
            [(c.name, c.reviewed) for c in lead.coders()],
        )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["coders", "phase", "codebook"], "Changing the phase of blind coding"),
        (["concept", "merge", ANA_OWN, "--into", ADOPTED], None),
        (["concept", "delete", ADOPTED], f"Deleting {OTHER_CONCEPTS}"),
        (["coders", "rename", "Ana", "X"], "Renaming a coder"),
        (["coders", "rename", "Nobody", "X"], "Renaming a coder"),
        (["settings", "allow-shared", "on"], "Changing the project's settings"),
        (["import", str(SAMPLE / f"{T}.txt"), "--replace", "--force"], None),
    ],
)
def test_a_coder_is_told_in_one_line_and_learns_nothing(
    store: str, args: list[str], said: str | None
) -> None:
    _lead_sets_up(store)
    with Project.open(store, coder="Ana") as ana:
        ana.tag([SEG, f"{T}:6"], ADOPTED)
        ana.tag([SEG], ANA_OWN, create=True)
    before = _everything(store)
    result = CliRunner().invoke(cli, ["--store", store, *args], env={"GIOIA_CODER": "Ben"})
    if said is None and args[0] == "concept":  # Ana's private name is no concept to Ben
        assert (result.exit_code, result.output) == (1, f"Error: No concept {ANA_OWN!r}.\n")
    elif said is None:
        assert result.exit_code == 1
        assert result.output.endswith(
            "Error: Importing or replacing transcripts is the project lead's step: run it "
            "without --coder or GIOIA_CODER.\n"
        )
    else:
        assert (result.exit_code, result.output) == (1, f"Error: {said} {LEAD}\n")
    assert _everything(store) == before
