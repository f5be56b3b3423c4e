"""A trail with no gaps: every public ``Project`` method that writes leaves events with
the state before and after, cascades included; undo refuses what it cannot reverse.

``WRITES`` lists the methods that write; ``tests/test_blind.py`` lists those that read
(``API_READS``); ``test_every_public_method_is_a_read_or_a_write`` keeps both complete.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from gioia import InvalidInput, Project
from gioia.importers.manifest import TranscriptMeta
from gioia.ops.refi_import import ProjectImportOptions

from .conftest import SAMPLE
from .test_blind import API_READS
from .test_refi_import import foreign

A, B = "case_a_ceo_w1", "case_b_export_w1"
HOME = "The home market is not enough any more"
FOUND = "We joined to be found by buyers we could never reach ourselves"
DAILY = "Someone has to look after the platform every day"
THEME, OTHER_THEME = "Internationalisation drive", "Organisational readiness"
QUOTE = "we cannot depend on them alone any more"

#: Every public Project method that changes the store.
WRITES = {
    "import_file",
    "import_files",
    "import_structure",
    "import_codings",
    "allow_shared",
    "set_phase",
    "tag",
    "untag",
    "undo",
    "add_memo",
    "edit_memo",
    "share_memo",
    "delete_memo",
    "review",
    "unreview",
    "rename_coder",
    "add_item",
    "rename_item",
    "describe_item",
    "assign",
    "unassign",
    "merge_items",
    "split_concept",
    "delete_item",
    "pick_quotes",
    "reconcile",
    "resolve",
    "undo_decision",
    "reconcile_auto",
    "merge_segments",
    "split_segment",
    "delete_segment",
    "import_project",
}
#: Public members that neither read nor write a store's content.
OTHERS = {
    "open",
    "init",
    "close",
    "created",
    "upgrade",
    "location",
    "schema_revisions",
    "schema_history",
    "upgrade_schema",
    "matrix_agreement",  # a file a researcher brings, no store
    "write_agreement",  # writes a report computed already (the structure gives its order)
    "write_matrix",  # these three write a result computed already, no store
    "write_cooccurrence",
    "write_saturation",
}


def test_every_public_method_is_a_read_or_a_write() -> None:
    public = {name for name, _ in inspect.getmembers(Project) if not name.startswith("_")}
    assert public == WRITES | set(API_READS) | OTHERS
    assert not WRITES & set(API_READS)


class Trail:
    """The events a step of the walk wrote, read back as the project lead; each names
    who ran the step (``actor``: the acting coder, None for the project lead)."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.seen = 0
        self.walked: set[str] = set()
        self.actor: str | None = None

    def acting(self, coder: str | None) -> Any:
        """The project opened as ``coder``, telling the trail who runs each step."""
        project = Project.open(self.store, coder=coder)
        trail = self

        class Acting:
            def __getattr__(self, name: str) -> Any:
                found = getattr(project, name)
                if not callable(found):
                    return found

                def run(*args: Any, **kwargs: Any) -> Any:
                    trail.actor = coder
                    return found(*args, **kwargs)

                return run

        return Acting()

    def new(self, method: str) -> list[tuple[str | None, str, str, Any, Any]]:
        """(coder, action, subject, before, after) of the events since the last call;
        each must say what changed: a before, an after, or both."""
        self.walked.add(method)
        with Project.open(self.store) as lead:
            events = [e for e in lead.log() if e.id > self.seen]
        assert events, f"{method} wrote no event"
        self.seen = events[-1].id
        for event in events:
            assert event.before or event.after, (method, event.summary)
            assert event.actor == self.actor, (method, event.summary, event.actor)
        return [(e.coder, e.action, e.subject, e.before, e.after) for e in events]


def _codings_file(path: Path, rows: list[str]) -> Path:
    path.write_text("coder,segment,concept,quote\n" + "".join(f"{row}\n" for row in rows))
    return path


def test_every_write_leaves_its_before_and_after(store: str, tmp_path: Path) -> None:
    trail = Trail(store)
    lead, maria, tom = (trail.acting(c) for c in (None, "Maria", "Tom"))

    # --- transcripts, and an update that must not take other transcripts' attributes ---
    lead.import_files([SAMPLE / f"{A}.txt", SAMPLE / f"{B}.txt"], manifest=SAMPLE / "manifest.csv")
    events = trail.new("import_files")
    assert [e[1:3] for e in events] == [
        ("create", "case"),
        ("create", "informant"),
        ("import", "transcript"),
    ] * 2
    assert events[1][4] == {"role": "CEO", "case": "Case A"}
    imported = events[2][4]
    assert {k: imported[k] for k in ("source", "segments", "case", "wave", "date")} == {
        "source": f"{A}.txt",
        "segments": 28,
        "case": "Case A",
        "wave": "1",
        "date": "2022-03-14",
    }
    assert imported["attributes"] == {
        "case.country": "Italy",
        "case.employees": "18",
        "case.founded": "1962",
        "case.industry": "Olive oil",
        "case.stayed_on_platform": "yes",
    }
    (tmp_path / "solo.txt").write_text("Interviewer: Why?\n\nAnna: Because.\n")
    lead.import_file(tmp_path / "solo.txt")
    trail.new("import_file")
    lead.import_file(tmp_path / "solo.txt", TranscriptMeta(attributes={"language": "Italian"}))
    ((_, action, _, before, after),) = trail.new("import_file")
    blank = {"case": None, "informant": None, "role": None, "wave": None, "date": None}
    assert (action, before, after) == (  # no case, no informant: only its own attributes
        "update",
        {**blank, "attributes": {}},
        {**blank, "attributes": {"language": "Italian"}},
    )

    # --- the structure: a merge import that moves a concept says where it was ----------
    lead.import_structure(SAMPLE / "structure.csv")
    events = trail.new("import_structure")
    moves = [e for e in events if e[1] == "assign" and e[2] == "concept"]
    assert len(moves) == 20 and all(e[3] == {"themes": []} for e in moves)
    moving = tmp_path / "moving.csv"
    moving.write_text(f"concept,theme,dimension\n{HOME},{OTHER_THEME},Exporter disposition\n")
    with pytest.raises(InvalidInput, match="would move 1 item"):  # a move must be asked for
        lead.import_structure(moving)
    result = lead.import_structure(moving, move=True)
    assert result.moved == (f"concept {HOME!r} from {THEME!r} to {OTHER_THEME!r} (row 2)",)
    assert trail.new("import_structure") == [
        (None, "move", "concept", {"themes": [THEME]}, {"themes": [OTHER_THEME]}),
        (
            None,
            "import",
            "structure",
            {"parents": [{"level": "concept", "name": HOME, "from": [THEME]}]},
            {
                "file": "moving.csv",
                "mode": "merge",
                "created": {"concept": 0, "theme": 0, "dimension": 0},
                "assigned": 1,
                "moved": 1,
                "parents": [{"level": "concept", "name": HOME, "to": [OTHER_THEME]}],
            },
        ),
    ]
    lead.allow_shared(True)
    assert trail.new("allow_shared") == [
        (None, "setting", "project", {"allow_shared": False}, {"allow_shared": True})
    ]
    lead.allow_shared(False)
    trail.new("allow_shared")
    lead.set_phase("codebook")
    assert trail.new("set_phase") == [
        (None, "phase", "project", {"phase": "open"}, {"phase": "codebook"})
    ]

    # --- coding, a codings file, undo once and only what it can reverse -----------------
    maria.tag([f"{A}:4"], HOME, quote=QUOTE)
    assert trail.new("tag") == [
        ("Maria", "create", "coder", None, {"name": "Maria"}),
        (
            "Maria",
            "tag",
            "coding",
            None,
            {"segment": f"{A}:4", "concept": HOME, **_quote_span(store)},
        ),
        (
            "Maria",
            "review",
            "segment",
            None,
            {
                "segments": [
                    _label(store, f"{A}:4", "Mostly in Italy, still. Maybe seventy percent. A…")
                ]
            },
        ),
    ]
    maria.tag([f"{A}:4", f"{A}:10"], DAILY)
    trail.new("tag")
    maria.untag([f"{A}:10"], DAILY)
    ((coder, action, _, before, after),) = trail.new("untag")
    assert (coder, action, after) == ("Maria", "untag", None)
    assert before == {
        "segment": f"{A}:10",
        "segment_id": _segment(store, f"{A}:10"),
        "concept": DAILY,
        **_segment_span(store, f"{A}:10"),
    }
    tom_file = _codings_file(
        tmp_path / "tom.csv", [f"Tom,{A}:4,{HOME},", f"Tom,{A}:10,{DAILY},", f"Tom,{A}:6,{FOUND},"]
    )
    result = lead.import_codings(tom_file)
    assert (result.added, result.reviewed) == (3, {"Tom": 3})
    events = trail.new("import_codings")
    assert [e[1:3] for e in events] == [("create", "coder")] + [("tag", "coding")] * 3 + [
        ("review", "segment")
    ]
    assert events[1][4] == {
        "segment": f"{A}:4",
        "concept": HOME,
        **_segment_span(store, f"{A}:4"),
        "source": "tom.csv",
    }
    file_tag = _event_ids(store, "Tom", "tag")[0]
    assert tom.undo([file_tag]) == [f"Tagged {A}:4 with {HOME!r} (from tom.csv row 2)"]
    ((coder, action, _, before, after),) = trail.new("undo")
    assert (coder, action, before, after) == ("Tom", "undo", events[1][4], None)
    assert [r.segment for r in tom.codings()] == [f"{A}:6", f"{A}:10"]  # really gone
    with pytest.raises(InvalidInput, match="was undone already"):
        tom.undo([file_tag])
    tom.untag([f"{A}:10"], DAILY)
    trail.new("untag")
    other_tag = _event_ids(store, "Tom", "tag")[1]
    with pytest.raises(InvalidInput, match="that coding is gone already"):
        tom.undo([other_tag])

    # --- memos: written, edited, shared, deleted ----------------------------------------
    memo = maria.add_memo(f"{A}:4", "First thought.")
    assert trail.new("add_memo") == [
        (
            "Maria",
            "memo",
            "memo",
            None,
            {"kind": "segment", "target": f"{A}:4", "text": "First thought.", "shared": False},
        )
    ]
    assert [e.summary for e in lead.log() if e.action == "memo"] == [f"Memo #1 on {A}:4"]
    maria.edit_memo(memo.ref, "Second thought.")
    assert trail.new("edit_memo") == [
        (
            "Maria",
            "edit",
            "memo",
            {"target": f"{A}:4", "text": "First thought."},
            {"target": f"{A}:4", "text": "Second thought."},
        )
    ]
    maria.share_memo(memo.ref)
    assert trail.new("share_memo") == [
        (
            "Maria",
            "share",
            "memo",
            {"target": f"{A}:4", "shared": False},
            {"target": f"{A}:4", "shared": True},
        )
    ]
    (memo_id,) = [m.id for m in lead.memos()]  # the lead reads the store's ids
    maria.delete_memo(memo.ref)
    assert trail.new("delete_memo") == [
        (
            "Maria",
            "delete",
            "memo",
            {
                "id": memo_id,
                "memo": "Maria#1",
                "kind": "segment",
                "target": f"{A}:4",
                "coder": "Maria",
                "text": "Second thought.",
                "shared": True,
            },
            None,
        )
    ]

    # --- review coverage and coders -----------------------------------------------------
    maria.review(transcript=B)
    ((_, action, _, before, after),) = trail.new("review")
    assert (action, before, len(after["segments"])) == ("review", None, 13)
    maria.unreview([f"{B}:2"])
    assert trail.new("unreview") == [
        (
            "Maria",
            "unreview",
            "segment",
            {
                "segments": [
                    _label(store, f"{B}:2", "Of course. I'm the export manager, which here…")
                ]
            },
            None,
        )
    ]
    lead.rename_coder("Tom", "Tomás")
    assert trail.new("rename_coder") == [
        ("Tomás", "rename", "coder", {"name": "Tom"}, {"name": "Tomás"})
    ]
    tom.close()
    tom = trail.acting("Tomás")

    # --- shaping the structure: what goes with a merge or a delete is kept --------------
    maria.add_item("concept", "Fast replies", "Answers within hours.")
    assert trail.new("add_item") == [
        (
            "Maria",
            "create",
            "concept",
            None,
            {"name": "Fast replies", "definition": "Answers within hours."},
        )
    ]
    lead.rename_item("concept", "Fast replies", "Quick replies")
    assert trail.new("rename_item") == [
        (None, "rename", "concept", {"name": "Fast replies"}, {"name": "Quick replies"})
    ]
    lead.describe_item("concept", "Quick replies", "Same day.")
    assert trail.new("describe_item") == [
        (
            None,
            "describe",
            "concept",
            {"definition": "Answers within hours."},
            {"definition": "Same day."},
        )
    ]
    lead.assign(["Quick replies"], theme=OTHER_THEME)
    assert trail.new("assign") == [
        (
            None,
            "assign",
            "concept",
            {"theme": None, "themes": []},
            {"theme": OTHER_THEME, "themes": [OTHER_THEME]},
        )
    ]
    lead.unassign(["Quick replies"])
    assert trail.new("unassign") == [
        (
            None,
            "unassign",
            "concept",
            {"theme": OTHER_THEME, "themes": [OTHER_THEME]},
            {"themes": []},
        )
    ]
    maria.tag([f"{A}:4"], "Quick replies")
    maria.add_memo("Quick replies", "Close to the daily care.")
    trail.new("tag")
    lead.pick_quotes("Quick replies", [f"{A}:4"])
    assert trail.new("pick_quotes") == [
        (
            None,
            "pick",
            "coding",
            {"picks": []},
            {
                "picks": [
                    {
                        "id": _coding_id(store, f"{A}:4", "Quick replies"),
                        "coder": "Maria",
                        "segment": f"{A}:4",
                        **_segment_span(store, f"{A}:4"),
                        "pick_rank": 1,
                    }
                ]
            },
        )
    ]
    quick = {
        "id": _coding_id(store, f"{A}:4", "Quick replies"),
        "coder": "Maria",
        "segment": f"{A}:4",
        "concept": "Quick replies",
        **_segment_span(store, f"{A}:4"),
        "pick_rank": 1,
    }
    lead.merge_items("concept", ["Quick replies"], DAILY)  # Maria coded both on A:4
    ((_, action, _, before, after),) = trail.new("merge_items")
    assert action == "merge"
    assert before == {
        "sources": [
            {
                "id": before["sources"][0]["id"],
                "name": "Quick replies",
                "definition": "Same day.",
                "themes": [],
                "codings": [quick],  # each coding that moved or went: id, T:N, coder
                "moved by coder": {},  # its one coding was a duplicate: none moved
            }
        ]
    }
    assert after["dropped"] == [  # the duplicate coding dropped, with the pick it had
        {
            "id": quick["id"],
            "coder": "Maria",
            "segment": f"{A}:4",
            "concept": "Quick replies",
            **_segment_span(store, f"{A}:4"),
            "pick_rank": 1,
        }
    ]
    assert (after["moved"], after["duplicates"], len(after["memos"])) == (0, 1, 1)
    maria.tag([f"{A}:8", f"{A}:12"], FOUND)
    trail.new("tag")
    split_off = _coding_id(store, f"{A}:12", FOUND)
    moved = lead.split_concept(FOUND, "Found abroad", refs=[f"{A}:12"])
    assert moved == 1
    events = trail.new("split_concept")
    assert [e[1:3] for e in events] == [
        ("create", "concept"),
        ("split", "concept"),
        ("split", "concept"),
    ]
    assert events[2][4]["themes"] == [THEME]  # the new concept goes where its source is
    assert events[1][3] == {
        "concept": FOUND,
        "codings": [
            {
                "id": split_off,
                "coder": "Maria",
                "segment": f"{A}:12",
                "concept": FOUND,
                **_segment_span(store, f"{A}:12"),
            }
        ],
    }
    maria.add_memo("Found abroad", "Keep apart from the fairs.")
    trail.new("add_memo")
    lead.delete_item("concept", "Found abroad", force=True)
    ((_, action, _, before, after),) = trail.new("delete_item")
    assert (action, after) == ("delete", None)
    assert before["codings"] == [
        {
            "id": split_off,
            "coder": "Maria",
            "segment": f"{A}:12",
            "concept": "Found abroad",
            **_segment_span(store, f"{A}:12"),
        }
    ]
    assert [(m["coder"], m["text"]) for m in before["memos"]] == [
        ("Maria", "Keep apart from the fairs.")
    ]
    assert (before["name"], before["themes"]) == ("Found abroad", [THEME])
    lead.add_item("theme", "Spare theme")
    trail.new("add_item")
    maria.add_memo("Spare theme", "Nothing yet.")
    trail.new("add_memo")
    replacing = tmp_path / "replace.csv"
    replacing.write_text(f"concept,theme,dimension\n{HOME},{THEME},Exporter disposition\n")
    lead.import_structure(replacing, mode="replace")
    events = trail.new("import_structure")
    deleted = [e for e in events if e[1] == "delete" and e[3]["name"] == "Spare theme"]
    assert [m["text"] for m in deleted[0][3]["memos"]] == ["Nothing yet."]
    unassigned = [e[3] for e in events if e[1] == "unassign" and e[2] == "concept"]
    assert {"themes": [OTHER_THEME]} in unassigned  # DAILY left the tree, its theme named

    # --- reconciliation: copies, decisions with their spans, undo of a decision ----------
    for coder in (maria, tom):
        coder.review(transcript=A)
        trail.new("review")
    state = lead.reconcile("Consensus", coders=["Maria", "Tomás"])
    events = trail.new("reconcile")
    assert [e[1:3] for e in events] == [("create", "coder"), ("reconcile", "coder")]
    assert events[1][4]["copied"] == state.copied
    assert len(events[1][4]["codings"]) == state.copied
    pending = {p.ref: p for p in state.pending}
    decision = lead.resolve("Consensus", f"{A}:4", "other", concepts=[HOME], note="Maria's words")
    ((coder, action, subject, before, after),) = trail.new("resolve")
    assert (coder, action, subject) == ("Consensus", "reconcile", "segment")
    assert before == {
        "segment": f"{A}:4",
        "coders": {"Maria": sorted(pending[f"{A}:4"].first.codes), "Tomás": []},
        "consensus": [],  # what the decision replaces: nothing was decided there yet
    }
    assert (after["choice"], after["concepts"], after["note"]) == ("other", [HOME], "Maria's words")
    assert [(c["concept"], c["start"], c["end"]) for c in after["added"]] == [
        (HOME, *_quote_span(store).values())  # Maria's quote of it, not the whole segment
    ]
    with Project.open(store) as reader:
        kept = [
            (r.concept, r.quote) for r in reader.codings(["Consensus"]) if r.segment == f"{A}:4"
        ]
    assert (HOME, QUOTE) in kept  # Maria's quote span, not the whole segment
    lead.undo_decision("Consensus", decision.event)
    ((coder, action, _, before, after),) = trail.new("undo_decision")
    assert (coder, action, after["segment"]) == ("Consensus", "undo", f"{A}:4")
    with pytest.raises(InvalidInput, match="was undone already"):
        lead.undo_decision("Consensus", decision.event)
    lead.reconcile_auto("Consensus", "union", coders=["Maria", "Tomás"])
    events = trail.new("reconcile_auto")
    assert {e[1] for e in events} == {"reconcile"}
    assert all(e[4]["choice"] == "both" for e in events if e[2] == "segment")

    # --- correcting segments: each edit with the segments before and after -------------
    lead.split_segment(f"{B}:2", before="I joined six years ago")
    ((_, action, subject, before, after),) = trail.new("split_segment")
    assert (action, subject, before["segment"]["segment"]) == ("split", "segment", f"{B}:2")
    assert [part["segment"] for part in after["segments"]] == [f"{B}:2", f"{B}:3"]
    assert after["segments"][1]["text"].startswith("I joined six years ago")
    assert before["segment"]["text"] == " ".join(part["text"] for part in after["segments"])
    lead.merge_segments([f"{B}:2", f"{B}:3"])
    ((_, action, _, before, after),) = trail.new("merge_segments")
    assert (action, after["segment"]["text"]) == (
        "merge",
        " ".join(part["text"] for part in before["segments"]),
    )
    lead.delete_segment(f"{B}:1")
    ((_, action, _, before, after),) = trail.new("delete_segment")
    assert (action, before["segment"]) == ("delete", f"{B}:1")
    assert before["removed_text"].startswith("Thanks, Marta. Can you start by telling me")
    assert after["renumbered"]["by"] == -1

    # --- a REFI-QDA project merged in: every item, coding, memo and read mark an event --
    lead.import_project(foreign(tmp_path), ProjectImportOptions(merge=True))
    events = trail.new("import_project")
    assert [e[1:3] for e in events if e[1] in ("create", "tag")] == [
        ("create", "coder"),  # Tom is known as Tomás here: the file's Tom is new
        ("create", "dimension"),
        ("create", "theme"),
        ("create", "concept"),
        ("create", "concept"),
        ("create", "concept"),
        ("create", "case"),
        ("create", "informant"),
        ("tag", "coding"),
        ("tag", "coding"),
        ("tag", "coding"),
    ]
    made = {e[4]["name"]: e[4]["parent"] for e in events if e[2] == "concept"}
    assert made == {"Trust": "Relations", "Price": "Relations", "Loose": None}
    tagged = [
        (e[0], c["segment"], c["concept"]) for e in events if e[1] == "tag" for c in e[4]["codings"]
    ]
    assert tagged == [
        ("Maria", "interview:2", "Trust"),
        ("Maria", "interview:4", "Trust"),
        ("Tom", "interview:2", "Price"),
        ("Tom", "interview:3", "Price"),
        ("Tom", "second:1", "Loose"),
    ]
    assert [(e[0], len(e[4]["segments"])) for e in events if e[1] == "review"] == [
        ("Maria", 2),
        ("Tom", 3),
    ]
    assert [e[4]["text"] for e in events if e[1] == "memo"] == [
        "Trust first.",
        "Short answer.",
        "On interview: Noisy recording.",
        "On interview: Recorded at the fair.",
        "Overall impression.",
        "Not attached.",
    ]
    assert events[-1][1:3] == ("import", "project") and events[-1][4]["codings"] == 5

    assert trail.walked == WRITES
    for project in (lead, maria, tom):
        project.close()


def _event_ids(store: str, coder: str, action: str) -> list[int]:
    """The coder's events of this action as the coder names them in their trail (blind:
    by handle, which undo takes)."""
    with Project.open(store, coder=coder) as reader:
        return [e.id for e in reader.log() if e.coder == coder and e.action == action]


def _segment(store: str, ref: str) -> int:
    with Project.open(store) as lead:
        return lead.segment_id(ref)


def _label(store: str, ref: str, text: str) -> dict[str, object]:
    """A segment as an event names it: id, reference, the start of its text."""
    return {"id": _segment(store, ref), "segment": ref, "text": text}


def _coding_id(store: str, ref: str, concept: str, coder: str = "Maria") -> int:
    with Project.open(store) as lead, lead._read() as tx:
        found = tx.session.execute(
            text(
                "SELECT codings.id FROM codings JOIN concepts ON concepts.id = concept_id"
                " JOIN coders ON coders.id = coder_id JOIN segments ON segments.id = segment_id"
                " JOIN transcripts ON transcripts.id = segments.transcript_id"
                " WHERE concepts.name = :concept AND coders.name = :coder"
                " AND transcripts.name || ':' || segments.position = :ref"
            ),
            {"concept": concept, "coder": coder, "ref": ref},
        ).scalar_one()
    return int(found)


def _segment_span(store: str, ref: str) -> dict[str, int]:
    with Project.open(store) as lead:
        segment = next(s for s in lead.segments(include_interviewer=True) if s.ref == ref)
    return {"start": segment.char_start, "end": segment.char_end}


def _quote_span(store: str) -> dict[str, int]:
    """Where QUOTE is in the transcript's text, found in A:4's text."""
    with Project.open(store) as lead:
        segment = next(s for s in lead.segments() if s.ref == f"{A}:4")
    start = segment.char_start + segment.text.index(QUOTE)
    return {"start": start, "end": start + len(QUOTE)}


def test_a_tag_names_the_segments_it_marks_read_as_a_review_does(
    project: Project, tmp_path: Path
) -> None:
    """A tag names the segments it marks as read from the words it has at hand; a review
    reads them from the store: the same labels (id, T:N, the start of the text on one
    line, cut at 50 characters), short segments and long ones, accents and line breaks."""
    words = "Ça dépend: we looked\nat three suppliers and the fee was small in the end, really."
    (tmp_path / "t.txt").write_text(f"Ann: Short.\n\nBob: {words}\n\nAnn: Éé.\n\nBob: {words}\n")
    Project(project._store).import_file(tmp_path / "t.txt")
    tagged = project.tag(["t:1", "t:2"], "Fees", create=True)
    project.review(["t:3", "t:4"])
    events = {e.id: e for e in project.log()}
    by_tag = events[tagged.events[-1]].after["segments"]
    by_review = next(e for e in events.values() if e.summary.startswith("Reviewed t:3")).after[
        "segments"
    ]
    long = "Ça dépend: we looked at three suppliers and the…"
    assert [(s["segment"], s["text"]) for s in by_tag] == [("t:1", "Short."), ("t:2", long)]
    assert [(s["segment"], s["text"]) for s in by_review] == [("t:3", "Éé."), ("t:4", long)]
