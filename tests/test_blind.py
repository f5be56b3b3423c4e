"""Blind coding by construction: every read path, as coder Ana, shows exactly the same
before and after Ben codes (open coding), and only ``show_others`` shows Ben's work.

The read paths are listed below: ``API_READS`` (every public ``Project`` method that
reads the store) and ``CLI_READS`` (every command that reads it, with its outputs).
``tests/test_trail.py`` lists the methods that write, and checks that every public
method is in one of the two lists.
"""

from __future__ import annotations

import dataclasses
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gioia import GioiaError, Project
from gioia.cli import cli

from .conftest import SAMPLE

T = "case_a_ceo_w1"
SEG, SEG2, SEG3 = f"{T}:4", f"{T}:10", f"{T}:6"
ADOPTED = "The home market is not enough any more"  # in the structure: everyone sees it
ADOPTED2 = "Someone has to look after the platform every day"
ANA_OWN = "Chains squeeze the price"  # Ana's new concept, not in the structure
BEN_OWN = "Zebra crossing QX"  # Ben's new concept, not in the structure
BEN_OWN2 = "Ben's spare label QX"
BEN_MEMO = "Ben thinks the chains matter most QX"
THEME, DIMENSION = "Internationalisation drive", "Exporter disposition"


def _lead_sets_up(store: str) -> None:
    """Two interviews of the sample study and its structure, by the project lead."""
    with Project.open(store) as lead:  # no coder
        files = [SAMPLE / "case_a_ceo_w1.txt", SAMPLE / "case_b_export_w1.txt"]
        lead.import_files(files, manifest=SAMPLE / "manifest.csv")
        lead.import_structure(SAMPLE / "structure.csv")


def _ana_codes(store: str) -> None:
    with Project.open(store, coder="Ana") as ana:
        ana.tag([SEG], ADOPTED)
        ana.tag([SEG2], ANA_OWN, quote="at least one hour every morning", create=True)
        ana.tag([SEG3], ADOPTED2, quote="the buyer finds us")
        ana.add_memo(SEG, "Ana: the chains push them abroad.")
        ana.add_memo(ADOPTED, "Ana's note on the concept.")
        ana.review([f"{T}:8"])


def _ben_codes(store: str) -> None:
    """Everything Ben can do that leaves work behind, on the same segments and concepts."""
    with Project.open(store, coder="Ben") as ben:
        ben.tag([SEG, SEG2], ADOPTED)
        ben.tag([SEG], ADOPTED2, quote="we cannot depend on them alone any more")
        ben.tag([SEG2, f"{T}:12"], BEN_OWN, create=True)
        ben.tag([SEG3], ANA_OWN, create=True)  # Ana's private name: a new one of his own
        ben.untag([SEG3], ANA_OWN)
        ben.add_item("concept", BEN_OWN2, "Ben's private definition QX")
        ben.add_memo(SEG, BEN_MEMO)
        ben.add_memo(ADOPTED, f"On the concept: {BEN_MEMO}")
        ben.add_memo(BEN_OWN, f"On his own concept: {BEN_MEMO}")
        ben.add_memo(THEME, f"On the theme: {BEN_MEMO}")
        ben.review(transcript="case_b_export_w1")
        ben.pick_quotes(ADOPTED, [SEG2])
        ben.rename_item("concept", BEN_OWN2, f"{BEN_OWN2} renamed")


def _outcome(call: Callable[[], Any]) -> Any:
    """What a read gives: its value, or the one-line error it raises."""
    try:
        return call()
    except GioiaError as exc:
        return ("error", exc.message)


def _undated(text: str) -> str:
    """A report's text without the minute it was written."""
    return re.sub(r"Written \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Written DATE UTC", text)


def _content(path: Path) -> str:
    """What a written file holds: its text, or every member of a REFI-QDA zip."""
    if path.suffix != ".qdpx":
        return _undated(path.read_text(encoding="utf-8"))
    with zipfile.ZipFile(path) as archive:
        return "".join(
            f"{name}\n{archive.read(name).decode('utf-8', 'replace')}\n"
            for name in sorted(archive.namelist())
        )


def _written(write: Callable[[Path], Any], path: Path) -> str:
    write(path)
    return _content(path)


def _spec(folder: Path, concept: str) -> Path:
    """An fsQCA spec with one condition: the segments of ``concept`` per case."""
    path = folder / f"spec{len(concept)}.yaml"
    path.write_text(
        "conditions:\n  X:\n"
        f"    concept: {concept}\n    measure: segments\n"
        "    direct: {exclusion: 0, crossover: 0.5, inclusion: 2}\n",
        encoding="utf-8",
    )
    return path


#: Every public Project method that reads the store, and how this test calls it.
API_READS: dict[str, list[Callable[[Project, Path], Any]]] = {
    "phase": [lambda p, d: p.phase()],
    "settings": [lambda p, d: p.settings()],
    "shared_allowed": [lambda p, d: p.shared_allowed()],
    "parents": [lambda p, d: p.parents(ADOPTED), lambda p, d: p.parents(BEN_OWN)],
    "transcripts": [lambda p, d: p.transcripts()],
    "cases": [lambda p, d: p.cases()],
    "segments": [
        lambda p, d: p.segments(),
        lambda p, d: p.segments(transcript=T, include_interviewer=True),
        lambda p, d: p.segments(uncoded=True),
        lambda p, d: p.segments(concept=ADOPTED),
        lambda p, d: p.segments(concept=BEN_OWN),
        lambda p, d: p.segments(grep="chains"),
    ],
    "iter_segments": [
        lambda p, d: list(p.iter_segments()),
        lambda p, d: list(p.iter_segments(transcript=T, include_interviewer=True)),
        lambda p, d: list(p.iter_segments(concept=BEN_OWN)),
    ],
    "transcript": [lambda p, d: p.transcript(T)],
    "codings": [
        lambda p, d: p.codings(),
        lambda p, d: p.codings(["Ana"]),
        lambda p, d: p.codings(["Ben"]),
    ],
    "concept_exists": [
        lambda p, d: p.concept_exists(BEN_OWN),
        lambda p, d: p.concept_exists(ANA_OWN),
    ],
    "memos": [
        lambda p, d: p.memos(),
        lambda p, d: p.memos(SEG),
        lambda p, d: p.memos(T),
        lambda p, d: p.memos(ADOPTED),
        lambda p, d: p.memos(BEN_OWN),
        lambda p, d: p.memos(THEME),
        lambda p, d: p.memos(level="theme"),
    ],
    "export_codings": [
        lambda p, d: _written(p.export_codings, d / "codings.csv"),
        lambda p, d: _written(lambda f: p.export_codings(f, ["Ben"]), d / "ben.csv"),
    ],
    "write_memos": [lambda p, d: _written(lambda f: p.write_memos(f), d / "memos.md")],
    "progress": [lambda p, d: p.progress()],
    "coders": [lambda p, d: p.coders()],
    "queue": [lambda p, d: p.queue(), lambda p, d: p.queue(transcript=T)],
    "first_unreviewed": [
        lambda p, d: p.first_unreviewed(p.queue(transcript=T)),
        lambda p, d: p.first_unreviewed(p.queue(transcript=T), after=p.segment_id(f"{T}:3")),
    ],
    "segment_id": [lambda p, d: p.segment_id(SEG)],
    "step": [lambda p, d: p.step(p.segment_id(SEG)), lambda p, d: p.step(p.segment_id(SEG2))],
    "concept_choices": [lambda p, d: [(c.name, c.theme) for c in p.concept_choices()]],
    "concept_info": [
        lambda p, d: p.concept_info(ADOPTED),
        lambda p, d: p.concept_info(ANA_OWN),
        lambda p, d: p.concept_info(BEN_OWN),
    ],
    "items": [lambda p, d, w=w: p.items(w) for w in ("concept", "theme", "dimension")]
    + [lambda p, d: p.items("concept", evidence="Ben")],
    "item_info": [
        lambda p, d: p.item_info("concept", ADOPTED),
        lambda p, d: p.item_info("concept", BEN_OWN),
        lambda p, d: p.item_info("concept", f"{BEN_OWN2} renamed"),
        lambda p, d: p.item_info("theme", THEME),
        lambda p, d: p.item_info("dimension", DIMENSION),
    ],
    "structure": [
        lambda p, d: p.structure(),
        lambda p, d: p.structure(order="count"),
        lambda p, d: p.structure(evidence="Ben"),
    ],
    "export_structure": [lambda p, d: _written(p.export_structure, d / "structure.yaml")],
    "check": [lambda p, d: p.check()],
    "quotes": [lambda p, d: p.quotes(), lambda p, d: p.quotes(evidence="Ben")],
    "write_quotes": [lambda p, d: _written(p.write_quotes, d / "quotes.md")],
    "write_codebook": [
        lambda p, d: _written(lambda f: p.write_codebook(f, with_memos=True), d / "codebook.csv")
    ],
    "write_cases": [lambda p, d: _written(p.write_cases, d / "cases.md")],
    "figure_dot": [lambda p, d: p.figure_dot()],
    "draw_figure": [lambda p, d: _written(p.draw_figure, d / "figure.dot")],
    "log": [
        lambda p, d: p.log(),
        lambda p, d: p.log(concept=ADOPTED),
        lambda p, d: p.log(concept=BEN_OWN),
        lambda p, d: p.log(by="Ben"),
    ],
    "agreement": [lambda p, d: p.agreement()],
    "disagreements": [lambda p, d: p.disagreements()],
    "search": [
        lambda p, d: p.search("chains"),
        lambda p, d: p.search("the", uncoded=True),
        lambda p, d: p.search("one hour", transcript=T, include_interviewer=True),
    ],
    "cooccurrence": [
        lambda p, d: p.cooccurrence(),
        lambda p, d: p.cooccurrence(level="theme", within="transcript"),
        lambda p, d: p.cooccurrence(evidence="Ben"),
    ],
    "matrix": [
        lambda p, d: p.matrix(),
        lambda p, d: p.matrix(rows="transcript", level="concept", value="count"),
        lambda p, d: p.matrix(evidence="Ben"),
    ],
    "saturation": [lambda p, d: p.saturation(), lambda p, d: p.saturation(level="theme")],
    "calibrate_fsqca": [
        lambda p, d: p.calibrate_fsqca(_spec(d, ADOPTED)),
        lambda p, d: p.calibrate_fsqca(_spec(d, BEN_OWN)),
    ],
    "write_fsqca": [
        lambda p, d: _written(lambda f: p.write_fsqca(_spec(d, ADOPTED), f), d / "conditions.csv")
    ],
    "export_qdpx": [
        lambda p, d: _written(p.export_qdpx, d / "study.qdpx"),
        lambda p, d: _written(lambda f: p.export_qdpx(f, coders=["Ben"]), d / "ben.qdpx"),
    ],
    "export_qdc": [lambda p, d: _written(p.export_qdc, d / "codebook.qdc")],
    "report_data": [lambda p, d: dataclasses.replace(p.report_data(), generated=None)],
    "write_report": [lambda p, d: _written(p.write_report, d / "report.html")],
}


def _api_snapshot(store: str, folder: Path, *, show_others: bool = False) -> dict[str, Any]:
    folder.mkdir(exist_ok=True)
    with Project.open(store, coder="Ana") as ana:
        if show_others:
            return {"codings": ana.codings(show_others=True), "memos": ana.memos(show_others=True)}
        return {
            f"{name}[{n}]": _outcome(lambda call=call: call(ana, folder))
            for name, calls in API_READS.items()
            for n, call in enumerate(calls)
        }


def test_every_api_read_is_blind(store: str, tmp_path: Path) -> None:
    _lead_sets_up(store)
    _ana_codes(store)
    before = _api_snapshot(store, tmp_path / "before")
    _ben_codes(store)
    after = _api_snapshot(store, tmp_path / "after")
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    # the reads are not empty: Ana sees her own work, and nothing of Ben's by name
    assert [r.concept for r in before["codings[0]"]] == [ADOPTED, ADOPTED2, ANA_OWN]
    assert [m.text for m in before["memos[0]"]] == [
        "Ana: the chains push them abroad.",
        "Ana's note on the concept.",
    ]
    assert before["segments[4]"] == ("error", f"No concept {BEN_OWN!r}.")
    assert before["codings[2]"] == (
        "error",
        "Ben's codings are hidden from Ana during blind open coding: pass --show-others to "
        "see them (recorded in the audit trail).",
    )
    assert BEN_MEMO not in repr(after)
    asked = [k for k, v in after.items() if "QX" in repr(v)]  # only errors echoing the name
    echoed = ("No ", "Condition X: there is no ")
    assert all(after[k][0] == "error" and after[k][1].startswith(echoed) for k in asked), asked
    # and the test would see Ben's work if it were shown: show_others shows it
    unblinded = _api_snapshot(store, tmp_path / "open", show_others=True)
    assert {r.coder for r in unblinded["codings"]} == {"Ana", "Ben"}
    assert sum(BEN_MEMO in m.text for m in unblinded["memos"]) == 4


#: Every command that reads the store, as Ana; FILE names an output file to compare too.
CLI_READS: list[tuple[str, ...]] = [
    ("transcripts", "--json"),
    ("cases",),
    ("cases", "-o", "FILE.md"),
    ("segments",),
    ("segments", "--json", "-t", T, "--all"),
    ("segments", "--uncoded"),
    ("segments", "-c", ADOPTED),
    ("segments", "-c", BEN_OWN),
    ("show", T),
    ("show", T, "--json"),
    ("codings", "export"),
    ("codings", "export", "--only", "Ben"),
    ("codings", "export", "-o", "FILE.csv"),
    ("memo", "list"),
    ("memo", "list", "--json"),
    ("memo", "list", "--target", T),
    ("memo", "list", "--target", ADOPTED),
    ("memo", "list", "-o", "FILE.md"),
    ("progress",),
    ("coders",),
    ("concept", "list", "--json"),
    ("concept", "list", "--evidence", "Ben"),
    ("theme", "list"),
    ("dimension", "list", "--json"),
    ("concept", "info", ADOPTED),
    ("concept", "info", BEN_OWN),
    ("theme", "info", THEME),
    ("dimension", "info", DIMENSION, "--json"),
    ("structure",),
    ("structure", "--json"),
    ("structure", "--evidence", "Ben"),
    ("structure", "export", "FILE.csv"),
    ("check",),
    ("figure",),
    ("figure", "-o", "FILE.dot"),
    ("quotes", "-o", "FILE.md"),
    ("quotes", "-o", "FILE.csv", "--evidence", "Ben"),
    ("codebook", "-o", "FILE.md", "--memos"),
    ("log",),
    ("log", "--json"),
    ("log", "-c", ADOPTED),
    ("log", "--by", "Ben"),
    ("agreement",),
    ("disagreements",),
    ("reconcile", "--into", "Consensus"),
    ("search", "chains"),
    ("search", "the", "--uncoded", "--json"),
    ("cooccurrence", "--level", "concept"),
    ("cooccurrence", "-o", "FILE.csv"),
    ("matrix", "--level", "concept", "--rows", "transcript"),
    ("matrix", "--evidence", "Ben"),
    ("matrix", "-o", "FILE.csv"),
    ("saturation",),
    ("saturation", "-o", "FILE.csv"),
    ("fsqca", "calibrate", "SPEC", "-o", "FILE.csv"),
    ("report", "-o", "FILE.html"),
    ("export", "qdpx", "-o", "FILE.qdpx"),
    ("export", "qdpx", "-o", "FILE.qdpx", "--coders", "Ben"),
    ("export", "qdc", "-o", "FILE.qdc"),
    ("code", "-t", T, "--from", SEG),  # a session that only reads: see INPUT
]
SESSION_INPUT = f"?\nd {ADOPTED}\nm\ns\ng {SEG2}\nd {BEN_OWN}\nx\n"


def _cli_snapshot(store: str, folder: Path) -> list[tuple[int, str, str]]:
    folder.mkdir()
    runner = CliRunner()
    found = []
    for number, args in enumerate(CLI_READS):
        target = next((a for a in args if a.startswith("FILE")), None)
        path = folder / f"{number}{target[4:]}" if target else None
        line = [str(path) if a == target else a for a in args]
        line = [str(_spec(folder, ADOPTED)) if a == "SPEC" else a for a in line]
        result = runner.invoke(
            cli,
            ["--store", store, "--coder", "Ana", *line],
            input=SESSION_INPUT if args[0] == "code" else None,
        )
        content = _content(path) if path and path.exists() else ""
        found.append((result.exit_code, result.output.replace(str(folder), "DIR"), content))
    return found


def test_every_command_that_reads_is_blind(store: str, tmp_path: Path) -> None:
    _lead_sets_up(store)
    _ana_codes(store)
    before = _cli_snapshot(store, tmp_path / "before")
    _ben_codes(store)
    after = _cli_snapshot(store, tmp_path / "after")
    changed = [CLI_READS[n] for n, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
    assert changed == []
    for args, out in zip(CLI_READS, after, strict=True):  # unless the command names them
        if not any("QX" in a or "Ben" in a for a in args) and args[0] != "code":
            assert "QX" not in repr(out) and "Ben" not in repr(out), args
    outputs = dict(zip(CLI_READS, after, strict=True))
    assert outputs[("coders",)][1].splitlines()[-1].split() == ["Ana", "4", "3", "3", "1"]
    assert outputs[("agreement",)][:2] == (
        1,
        "Error: Comparing coders is not blind: during blind open coding Ana sees their own "
        "work only; pass --show-others to compare (recorded in the audit trail).\n",
    )
    session = outputs[("code", "-t", T, "--from", SEG)][1]
    assert "  ✎ 1 memo(s) here: m to read" in session
    assert "Ana: the chains push them abroad." in session
    assert f"Error: No concept {BEN_OWN!r}." in session
    assert BEN_MEMO not in session and "Ben" not in session
    shown = CliRunner().invoke(
        cli, ["--store", store, "--coder", "Ana", "show", T, "--show-others"]
    )
    assert f"{BEN_OWN} [Ben]" in shown.output and BEN_MEMO in shown.output


def test_looking_at_others_work_is_in_the_trail(store: str) -> None:
    _lead_sets_up(store)
    _ana_codes(store)
    _ben_codes(store)
    with Project.open(store, coder="Ana") as ana:
        assert len(ana.segments(concept=BEN_OWN, show_others=True)) == 2
        ana.segments(show_others=True)  # the same reading is recorded once per opening
        ana.transcript(T, show_others=True)
        report = ana.agreement(show_others=True)
        assert report.coders == ("Ana", "Ben")
    with Project.open(store) as lead:
        looked = [(e.coder, e.summary, e.after) for e in lead.log() if e.action == "unblind"]
    assert looked == [
        ("Ana", "Ana looked at other coders' work: segments", {"blind": False, "read": "segments"}),
        (
            "Ana",
            f"Ana looked at other coders' work: the transcript {T}",
            {"blind": False, "read": f"the transcript {T}"},
        ),
        (
            "Ana",
            "Ana looked at other coders' work: the agreement",
            {"blind": False, "read": "the agreement"},
        ),
    ]


def test_codebook_coding_shares_the_concept_names_only(store: str) -> None:
    _lead_sets_up(store)
    with Project.open(store) as lead:
        lead.set_phase("codebook")
    _ana_codes(store)
    _ben_codes(store)
    with Project.open(store, coder="Ana") as ana:
        names = {c.name for c in ana.concept_choices()}
        assert {BEN_OWN, f"{BEN_OWN2} renamed", ANA_OWN} <= names
        assert ana.segments(concept=BEN_OWN) == []  # the name is shared, his codings are not
        info = ana.item_info("concept", f"{BEN_OWN2} renamed")
        assert (info.definition, info.memos, info.counts.codings) == (
            "Ben's private definition QX",
            (),
            0,
        )
        assert ana.log(concept=BEN_OWN) == []  # his creating it is his event
        assert {r.coder for r in ana.codings()} == {"Ana"}
        assert all(BEN_MEMO not in m.text for m in ana.memos())


def test_a_shared_memo_is_read_by_everyone(store: str) -> None:
    _lead_sets_up(store)
    _ana_codes(store)
    with Project.open(store, coder="Ben") as ben:
        memo = ben.add_memo(SEG, "Ben shares this.")
        private = ben.add_memo(SEG2, "Ben keeps this.")
    with Project.open(store, coder="Ana") as ana:
        assert [m.text for m in ana.memos(SEG)] == ["Ana: the chains push them abroad."]
    with Project.open(store, coder="Ben") as ben:
        shared = ben.share_memo(memo.ref)
        assert (shared.shared, private.shared) == (True, False)
    with Project.open(store, coder="Ana") as ana:
        assert [(m.coder, m.text) for m in ana.memos(SEG)] == [
            ("Ana", "Ana: the chains push them abroad."),
            ("Ben", "Ben shares this."),
        ]
        assert [m.text for m in ana.segments(transcript=T)[1].memos] == [
            "Ana: the chains push them abroad.",
            "Ben shares this.",
        ]
        assert ana.memos(SEG2) == []
        with pytest.raises(GioiaError, match=r"^Memo Ben#1 is Ben's: only its author can change"):
            ana.edit_memo("Ben#1", "Ana rewrites Ben.")


#: What Ana reads as JSON, compared whole (times and her events' handles aside).
JSON_READS: list[tuple[str, ...]] = [
    ("log", "--json"),
    ("memo", "list", "--json"),
    ("show", T, "--json"),
    ("segments", "--json", "-t", T),
    ("concept", "info", ADOPTED, "--json"),
    ("search", "chains", "--tag", ANA_OWN, "--json", "--yes"),
]
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?")


def _as_ana(store: str, args: tuple[str, ...]) -> Any:
    """A command's JSON as Ana reads it: times as TIME, and each event of hers (whose
    ``id`` is the handle undo takes: opaque, see ``gioia.ops.handles``) as HANDLE, after
    checking that every other event has no id and nothing names a row by its id."""
    result = CliRunner().invoke(cli, ["--store", store, "--coder", "Ana", *args])
    assert result.exit_code == 0, result.output
    found = json.loads(_TIME.sub("TIME", result.output))
    if args[0] == "log":
        assert {type(e["id"]) for e in found if e["coder"] == "Ana"} == {int}
        assert [e["id"] for e in found if e["coder"] != "Ana"] == [None] * sum(
            e["coder"] != "Ana" for e in found
        )
        for event in found:
            if event["coder"] == "Ana":
                event["id"] = "HANDLE"
    if args[0] == "search":
        found["tagged"]["events"] = ["HANDLE" for _ in found["tagged"]["events"]]
    assert _id_keys(found) == set(), args
    return found


def _id_keys(value: Any) -> set[str]:
    """The keys naming a row by its store id (``…_id``), anywhere in a JSON value, and
    ``id`` where it holds a number (a memo's, an event's: but not a handle)."""
    if isinstance(value, list):
        return set().union(*(_id_keys(v) for v in value))
    if isinstance(value, dict):
        keys = {
            k
            for k, v in value.items()
            if k.endswith("_id") or (k == "id" and v not in (None, "HANDLE"))
        }
        return keys.union(*(_id_keys(v) for v in value.values()))
    return set()


def _ana_after_the_lead_corrects(
    store: str, folder: Path
) -> tuple[list[str], list[Any], list[Any]]:
    """What Ana reads once she writes a memo and the lead replaces her transcript with a
    corrected text: her command lines' outputs, her trail, and her JSON reads."""
    from gioia.demo import corrected_transcript
    from gioia.ops.importing import ImportOptions

    runner = CliRunner()
    lines = [
        _TIME.sub("TIME", runner.invoke(cli, ["--store", store, "--coder", "Ana", *args]).output)
        for args in (
            ("memo", SEG3, "--text", "Ana's third memo."),
            ("memo", "list"),
            ("memo", "edit", "3", "--text", "Ana's third memo, edited."),
        )
    ]
    folder.mkdir()
    corrected = folder / f"{T}.txt"
    corrected.write_text(
        corrected_transcript((SAMPLE / f"{T}.txt").read_text(encoding="utf-8")), encoding="utf-8"
    )
    with Project.open(store) as lead:
        lead.import_file(corrected, options=ImportOptions(replace=True, force=True))
    with Project.open(store, coder="Ana") as ana:
        trail = [
            ("HANDLE" if isinstance(e.id, int) else e.id, e.action, e.summary, e.before, e.after)
            for e in ana.log()
        ]
    return lines, trail, [_as_ana(store, args) for args in JSON_READS]


def test_what_ana_writes_after_ben_counts_nothing_of_his(store: str, tmp_path: Path) -> None:
    """Memo numbers count their author's memos only; a replace event counts Ana's read
    marks only; her trail, memos, segments and info carry no store id (ids number every
    coder's rows, so their gaps would count Ben's); whether or not Ben coded and wrote
    memos first."""
    other = str(tmp_path / "without-ben.db")
    Project.init(other).close()
    for where in (store, other):
        _lead_sets_up(where)
    _ben_codes(store)  # Ben first: his memos, codings and read marks
    for where in (store, other):
        _ana_codes(where)
    with_ben = _ana_after_the_lead_corrects(store, tmp_path / "a")
    without = _ana_after_the_lead_corrects(other, tmp_path / "b")
    assert with_ben == without
    lines, trail, reads = with_ben
    assert lines[0] == f"Memo #3 added to {SEG3}.\n"
    assert lines[2] == f"Memo #3 on {SEG3} edited.\n"
    (replaced,) = [t for t in trail if t[1] == "replace"]
    assert (replaced[3]["reviews"], replaced[4]["reviews"]) == ({"Ana": 4}, {"Ana": 4})
    assert {t[0] for t in trail} == {"HANDLE", None}
    log, memos, shown, segments, info, search = reads
    assert set(log[0]) == {
        "id", "at", "coder", "action", "subject", "summary", "before", "after", "actor"
    }  # fmt: skip
    assert (log[0]["id"], log[0]["coder"], log[0]["summary"]) == (
        None,
        None,
        "Created case 'Case A'",
    )
    tagged = next(e for e in log if e["action"] == "tag")
    assert (tagged["id"], set(tagged["after"])) == (
        "HANDLE",
        {"segment", "concept", "start", "end"},
    )
    reviewed = next(e for e in log if e["action"] == "review")
    assert [set(s) for s in reviewed["after"]["segments"]] == [{"segment", "text"}]
    memo_keys = {
        "id", "kind", "target", "coder", "text", "shared", "created_at", "updated_at", "event",
        "ref",
    }  # fmt: skip
    assert [set(m) for m in memos] == [memo_keys] * 3
    assert [(m["id"], m["event"], m["ref"], m["target"]) for m in memos] == [
        (None, None, "#1", SEG),
        (None, None, "#2", ADOPTED),
        (None, None, "#3", SEG3),
    ]
    assert [m["ref"] for s in shown["segments"] for m in s["memos"]] == ["#1", "#3"]
    assert [m["ref"] for s in segments for m in s["memos"]] == ["#1", "#3"]
    assert [(m["id"], m["ref"]) for m in info["memos"]] == [(None, "#2")]
    assert (search["segments"], search["tagged"]["events"]) == ([SEG], ["HANDLE"])


def test_an_event_s_readers_show_a_blind_coder_only_themself() -> None:
    from gioia.ops.visibility import Viewer

    ana = Viewer(me=1, name="Ana", phase="open", unblinded=False)
    merged = {
        "read marks kept": ["Ana", "Ben"],
        "read marks withdrawn": ["Consensus"],
        "reviews": {"Ana": 3, "Ben": 4},
        "codings": [{"coder": "Ben", "id": 9}, {"coder": "Ana", "id": 7}],
    }
    assert ana.redact(merged) == {
        "read marks kept": ["Ana"],
        "read marks withdrawn": [],
        "reviews": {"Ana": 3},
        "codings": [{"coder": "Ana", "id": 7}],
    }
    lead = Viewer(me=None, name=None, phase="open", unblinded=True)
    assert lead.redact(merged) == merged


def test_the_lead_s_steps_on_a_private_concept_deleted_since_stay_hidden(store: str) -> None:
    """The lead renames, defines and deletes Ben's private concepts, and renames Ben: Ana
    reads none of it in the trail (their names are Ben's, and the deletion counts his
    codings), while the lead's deletion of a concept no coder touched stays in everyone's
    trail."""
    _lead_sets_up(store)
    _ben_codes(store)
    with Project.open(store, coder="Ana") as ana:
        before = [e.summary for e in ana.log()]
    renamed = "Ben's label, the lead's QX"
    with Project.open(store) as lead:
        lead.rename_item("concept", f"{BEN_OWN2} renamed [Ben]", renamed)
        lead.describe_item("concept", f"{renamed} [Ben]", "Defined QX")
        lead.delete_item("concept", f"{renamed} [Ben]")
        lead.delete_item("concept", f"{BEN_OWN} [Ben]", force=True)
        lead.add_item("concept", "Lead's own")
        lead.delete_item("concept", "Lead's own")
        lead.rename_coder("Ben", "Benjamin")  # his event: not Ana's to read
        steps = [e.summary for e in lead.log() if e.coder is None and "QX" in e.summary]
    assert len(steps) == 4, steps  # rename, define, delete, delete
    with Project.open(store, coder="Ana") as ana:
        after = [e.summary for e in ana.log()]
    assert after == [*before, 'Created concept "Lead\'s own"', 'Deleted concept "Lead\'s own"']


def _merge_summary(sources: str, target: str, moved: int) -> str:
    return (
        f"Merged concept(s) {sources} into {target!r} ({moved} coding(s) moved, "
        "0 duplicate(s) dropped)"
    )


def test_the_lead_s_merges_show_each_coder_their_own_part_only(store: str, tmp_path: Path) -> None:
    """The lead merges Ben's private "Trust" into Ana's, Ana's private concept into an
    adopted one, and an adopted concept both coded into another: each coder reads the
    merges of their own concepts and of shared ones with their own codings counted and
    their own memos moved (named ``Ana#1``), and nothing of the other's private names,
    counts or memos (log, its before and after, the CLI, the count of events a REFI-QDA
    export leaves behind); the lead and ``show_others`` read every event whole."""
    _lead_sets_up(store)
    with Project.open(store, coder="Ana") as ana:
        ana.tag([SEG], "Trust", create=True)
        ana.tag([SEG3], "Chains squeeze us QA", create=True)
        ana.tag([f"{T}:8"], ADOPTED2)
        ana.add_memo("Chains squeeze us QA", "Ana's memo on her concept.")
    with Project.open(store, coder="Ben") as ben:
        ben.tag([SEG, SEG2], "Trust", create=True)
        ben.tag([f"{T}:12"], ADOPTED2)
        ben.add_memo("Trust", "Ben's memo on his concept.")
        ben.add_memo(ADOPTED2, "Ben's memo on the team's concept.")
    last = {}  # each coder's newest event before the merges (a blind coder has no ids)
    for coder in ("Ana", "Ben"):
        with Project.open(store, coder=coder) as reader:
            last[coder] = reader.log()[-1]
    with Project.open(store) as lead:
        lead.merge_items("concept", ["Trust [Ben]"], "Trust [Ana]")
        lead.merge_items("concept", ["Chains squeeze us QA [Ana]"], ADOPTED)
        lead.merge_items("concept", [ADOPTED2], ADOPTED)
        merges = [e for e in lead.log() if e.action == "merge"]
        memo_id = {m.text: m.id for m in lead.memos()}
    assert [e.after["memos"] for e in merges] == [
        [{"memo": "Ben#1", "coder": "Ben", "id": memo_id["Ben's memo on his concept."]}],
        [{"memo": "Ana#1", "coder": "Ana", "id": memo_id["Ana's memo on her concept."]}],
        [{"memo": "Ben#2", "coder": "Ben", "id": memo_id["Ben's memo on the team's concept."]}],
    ]
    assert [e.summary for e in merges] == [
        _merge_summary("'Trust [Ben]'", "Trust", 2),
        _merge_summary("'Chains squeeze us QA [Ana]'", ADOPTED, 1),
        _merge_summary(repr(ADOPTED2), ADOPTED, 2),
    ]
    assert [e.before["sources"][0]["moved by coder"] for e in merges] == [
        {"Ben": 2},
        {"Ana": 1},
        {"Ana": 1, "Ben": 1},
    ]
    assert [e.after["moved"] for e in merges] == [2, 1, 2]
    expected = {  # Ana's "Trust" is shared by the merge: only she reads it was hers
        "Ana": [
            "Ana's concept 'Trust' is shared with the team",
            _merge_summary("'Chains squeeze us QA'", ADOPTED, 1),
        ],
        "Ben": [
            "Concept 'Trust' is now shared with the team",
            _merge_summary("'Trust'", "Trust", 2),
        ],
    }
    moved_memos = {
        "Ana": [[{"memo": "Ana#1", "coder": "Ana"}], None],
        "Ben": [[{"memo": "Ben#1", "coder": "Ben"}], [{"memo": "Ben#2", "coder": "Ben"}]],
    }
    for coder, other in (("Ana", "Ben"), ("Ben", "QA")):
        with Project.open(store, coder=coder) as reader:
            events = reader.log()
            newest = reader.log(limit=2)
            unblinded = reader.log(show_others=True)
            exported = reader.export_qdpx(tmp_path / f"{coder}.qdpx")
            read = len(reader.log())
        assert exported.warnings[0] == (
            f"REFI-QDA has no place for the audit trail: its {read} event(s) stay in this store."
        )
        assert read == len(events) + 1  # and the unblinding, theirs
        new = events[events.index(last[coder]) + 1 :]
        assert [e.after.get("memos") for e in new if e.action == "merge"] == moved_memos[coder]
        assert [e.summary for e in new] == [
            *expected[coder],
            _merge_summary(repr(ADOPTED2), ADOPTED, 1),
        ]
        assert [e.after["moved"] for e in new if e.action == "merge"] == [
            2 if coder == "Ben" else 1,
            1,
        ]
        assert other not in repr([dataclasses.astuple(e) for e in events])
        assert [e.summary for e in newest] == [e.summary for e in new[-2:]]
        assert [e.summary for e in unblinded if e.action == "merge"] == [e.summary for e in merges]
        shown = CliRunner().invoke(cli, ["--store", store, "--coder", coder, "log", "--json"])
        assert shown.exit_code == 0 and other not in shown.output
        assert _merge_summary(repr(ADOPTED2), ADOPTED, 1) in shown.output


def test_a_blind_coder_names_events_by_handles_undo_takes(store: str) -> None:
    """The events a blind coder's step returns, and those of theirs in their trail, are
    named by handles, not the store's ids (whose gaps would count the others' work):
    the same handle in both places, which undo takes, and an id is not one."""
    _lead_sets_up(store)
    with Project.open(store, coder="Ana") as ana:
        tagged = ana.tag([SEG, SEG2], ADOPTED)
        memo = ana.add_memo(SEG, "Ana's memo.")
        trail = [e.id for e in ana.log() if e.coder == "Ana"]
    with Project.open(store) as lead:
        ids = [e.id for e in lead.log() if e.coder == "Ana"]
    assert len(ids) == 5 and ids == sorted(ids)  # create coder, tag, tag, review, memo
    assert trail[1:] == [*tagged.events, memo.event]
    assert not set(trail) & set(ids)
    assert all(isinstance(h, int) and 0 <= h < 2**48 for h in trail)
    with Project.open(store, coder="Ana") as ana:
        with pytest.raises(GioiaError, match=rf"^Event {ids[1]} is not one of Ana's"):
            ana.undo([ids[1]])
        assert ana.undo([tagged.events[0]]) == [f"Tagged {SEG} with {ADOPTED!r}"]
        assert [r.segment for r in ana.codings()] == [SEG2]


def test_the_lead_s_deletions_and_splits_say_nothing_of_others_work(store: str) -> None:
    """The lead deletes a theme that holds both coders' memos, splits a segment Ben coded
    whole and deletes one only he coded: Ana reads her own memo counted, no word of
    Ben's whole-segment coding or of work dropped, and only her codings' spans; the
    lead reads it all."""
    _lead_sets_up(store)
    with Project.open(store, coder="Ana") as ana:
        ana.add_memo(THEME, "Ana on the theme.")
        ana.tag([SEG], ADOPTED, quote="we cannot depend on them alone any more")
    with Project.open(store, coder="Ben") as ben:
        ben.add_memo(THEME, "Ben on the theme.")
        ben.tag([SEG], ADOPTED2)  # whole segment
        ben.tag([f"{T}:12"], ADOPTED2)
    with Project.open(store) as lead:
        lead.delete_item("theme", THEME, force=True)
        lead.delete_segment(f"{T}:12", force=True)
        lead.split_segment(SEG, sentences=True, whole="first")
        told = [e.summary for e in lead.log() if e.action in ("delete", "split")]
    with Project.open(store, coder="Ana") as ana:
        read = [e for e in ana.log() if e.action in ("delete", "split")]
    assert len(told) == len(read) == 3
    assert told[0] == f"Deleted theme {THEME!r} and 2 memo(s); its 3 concept(s) are unassigned"
    assert read[0].summary == (
        f"Deleted theme {THEME!r} and 1 memo(s); its 3 concept(s) are unassigned"
    )
    assert told[1].endswith(", dropping the work on it (see before)")
    assert read[1].summary == told[1].removesuffix(", dropping the work on it (see before)")
    assert told[2].endswith("; whole-segment codings to first part")
    assert read[2].summary == told[2].removesuffix("; whole-segment codings to first part")
    assert [c["coder"] for c in read[2].after["codings"]] == ["Ana"]
    assert "Ben" not in repr(read)


@pytest.mark.parametrize("phase", ["open", "codebook"])
def test_a_blind_coder_reads_no_event_of_another_coder(store: str, phase: str) -> None:
    """Ana codes, writes memos and makes a new concept, which the lead adopts: Ben's
    trail (API and ``log --json``) holds his own events and the lead's only, and reads
    the adoption with no word of whose concept it was; Ana and the lead read it was
    hers, and ``show_others`` shows Ben every event."""
    _lead_sets_up(store)
    with Project.open(store) as lead:
        lead.set_phase(phase)
    with Project.open(store, coder="Ana") as ana:
        ana.tag([SEG], "Trust", create=True)
        ana.tag([SEG2], ADOPTED)
        ana.add_memo(SEG, "Ana: the chains push them abroad.")
        ana.add_memo("Trust", "Ana on trust.")
    with Project.open(store, coder="Ben") as ben:
        ben.tag([SEG3], ADOPTED2)
    with Project.open(store) as lead:
        lead.assign(["Trust"], theme=THEME)
        told = [e.summary for e in lead.log()[-2:]]
    with Project.open(store, coder="Ben") as ben:
        read = ben.log()
    with Project.open(store, coder="Ana") as ana:
        owner = [e.summary for e in ana.log()[-2:]]
    assigned = f"Assigned concept 'Trust' to theme {THEME!r}"
    if phase == "open":
        assert told == owner == ["Ana's concept 'Trust' is shared with the team", assigned]
        assert [e.summary for e in read[-2:]] == [
            "Concept 'Trust' is now shared with the team",
            assigned,
        ]
        assert (read[-2].before, read[-2].after) == ({"shared": False}, {"shared": True})
    else:  # codebook coding: the concept was the team's from the start
        assert (told, owner) == ([f"Reviewed {SEG3}", assigned], ["Memo #2 on Trust", assigned])
        assert [e.summary for e in read[-1:]] == [assigned]
    assert {e.coder for e in read} == {None, "Ben"}
    assert "Ana" not in repr([dataclasses.astuple(e) for e in read])
    assert [e.summary for e in read if e.coder == "Ben"] == [
        "Created coder 'Ben'",
        f"Tagged {SEG3} with {ADOPTED2!r}",
        f"Reviewed {SEG3}",
    ]
    shown = CliRunner().invoke(cli, ["--store", store, "--coder", "Ben", "log", "--json"])
    assert shown.exit_code == 0 and "Ana" not in shown.output
    with Project.open(store, coder="Ben") as ben:
        everyone = ben.log(show_others=True)
    assert {"Ana", "Ben", None} <= {e.coder for e in everyone}


def test_an_adoption_worded_otherwise_reads_with_no_name_at_all() -> None:
    """The neutral reading of an adoption takes the concept's name out of the summary
    ``scopes.share`` writes; a summary in any other wording (an older or changed one)
    reads as a concept shared, never as written (it might name the owner)."""
    from gioia.ops.blind_trail import shared_as_read_by

    before, after = {"private_to": "Ana"}, {"private_to": None}
    assert shared_as_read_by(
        "Ben", "Ana's concept 'Trust' is shared with the team", before, after
    ) == (
        "Concept 'Trust' is now shared with the team",
        {"shared": False},
        {"shared": True},
    )
    assert shared_as_read_by("Ben", "Ana shared 'Trust'", before, after) == (
        "A concept is now shared with the team",
        {"shared": False},
        {"shared": True},
    )
    assert shared_as_read_by("ana", "Ana shared 'Trust'", before, after) == (
        "Ana shared 'Trust'",
        before,
        after,
    )
