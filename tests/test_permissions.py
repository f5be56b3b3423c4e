"""Who may do what: a coder adds only their own work; shaping the project is the project
lead's step (no coder named); every event names who ran the command (``actor``) beside
whose work it is (``coder``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import NotAllowed, Project
from gioia.cli import cli

from .test_blind import ADOPTED, SEG, T, _lead_sets_up

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
