"""`import --replace` on a coded transcript: codings, quote picks, memos and read marks
carried over to the corrected text, exactly (offsets in code points)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from gioia import ImportFailed, Project
from gioia.models import Coder, Memo, Review, Segment
from gioia.ops.importing import ImportOptions
from gioia.relocate import Relocator
from gioia.views import CarriedItem

from .conftest import as_lead, assert_spans_hold, stored_codings

REPLACE = ImportOptions(replace=True)
OLD = (
    "Interviewer: How did you choose the platform?\n\n"
    "Anna Rossi: We looked at three. The fee was small.\n\n"
    "Interviewer: And the buyers?\n\n"
    "Anna Rossi: They came from Asia, mostly. Some from the U.S. too.\n"
)
# A title turn added, "three" corrected, "Asia" in capitals with more spaces after it,
# and "the U.S." gone.
NEW = (
    "Interviewer: Hello, thank you for your time.\n\n"
    "Interviewer: How did you choose the platform?\n\n"
    "Anna Rossi: We looked at four. The fee was small.\n\n"
    "Interviewer: And the buyers?\n\n"
    "Anna Rossi: They came from ASIA,   mostly. Some from Canada too.\n"
)


def stored(project: Project) -> list[tuple[object, ...]]:
    """Every coding as stored: segment position, concept, coder, span, pick rank."""
    return [
        (int(str(ref).rsplit(":", 1)[1]), concept, coder, start, end, rank)
        for ref, concept, coder, start, end, _, rank in stored_codings(project)
    ]


def marks(project: Project) -> list[tuple[object, ...]]:
    """The read marks and memos: (segment position, coder or memo text)."""
    with project._read() as tx:
        reviews = tx.session.execute(
            select(Segment.position, Coder.name)
            .select_from(Review)
            .join(Segment, Segment.id == Review.segment_id)
            .join(Coder, Coder.id == Review.coder_id)
            .order_by(Segment.position, Coder.name)
        )
        memos = tx.session.execute(
            select(Segment.position, Memo.text)
            .select_from(Memo)
            .join(Segment, Segment.id == Memo.segment_id)
        )
        found: list[tuple[object, ...]] = [("read", *row) for row in reviews]
        return found + [("memo", *row) for row in memos]


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Path:
    """OLD imported and coded by Maria (with a picked quote and a memo) and Tom, who
    share the concept list (codebook coding)."""
    path = tmp_path / "anna.txt"
    path.write_text(OLD)
    as_lead(project).import_file(path)
    as_lead(project).set_phase("codebook")
    project.tag(["anna:2"], "Small fee", create=True)
    project.tag(["anna:2"], "Fee", quote="The fee was small", create=True)
    project.pick_quotes("Fee", ["anna:2"])
    project.tag(["anna:4"], "Asia", quote="from Asia", create=True)
    project.tag(["anna:4"], "US", quote="U.S.", create=True)
    project.add_memo("anna:4", "Which buyers?")
    project.coder = "Tom"
    project.tag(["anna:4"], "Asia")
    project.review(["anna:2"])
    project.coder = "Maria"
    return path


def test_codings_whose_words_are_gone_stop_the_replacement(project: Project, coded: Path) -> None:
    before = (stored(project), marks(project), len(project.log()))
    coded.write_text(NEW)
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_file(coded, options=REPLACE)
    assert error.value.message == (
        "anna.txt: the words of 1 coding(s) of 'anna' are not in the new text, so they "
        "cannot be carried over; correct the file, or pass --force to drop them (they go "
        "to the audit trail and to a file beside the store)."
    )
    assert error.value.details == ["anna:4 'US' by Maria: 'U.S.'"]
    assert (stored(project), marks(project), len(project.log())) == before
    assert project.transcript("anna").segments[1].text == "We looked at three. The fee was small."
    assert list(Path.cwd().glob("*.csv")) == []


def test_replace_carries_every_coding_pick_memo_and_read_mark(
    project: Project, coded: Path, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = coded.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    coded.write_text(NEW)
    result = as_lead(project).import_file(coded, options=ImportOptions(replace=True, force=True))
    assert (result.status, result.segments) == ("replaced", 5)
    assert result.carried is not None
    assert result.carried.items == (
        CarriedItem(
            "coding",
            "Maria",
            "Small fee",
            "anna:2",
            "anna:3",
            "changed",
            "nearest",
            "We looked at three. The fee was small.",
            "We looked at four. The fee was small.",
        ),
        CarriedItem(
            "coding",
            "Maria",
            "Fee",
            "anna:2",
            "anna:3",
            "kept",
            "exact",
            "The fee was small",
            "The fee was small",
            picked=True,
        ),
        CarriedItem(
            "coding",
            "Tom",
            "Asia",
            "anna:4",
            "anna:5",
            "changed",
            "nearest",
            "They came from Asia, mostly. Some from the U.S. too.",
            "They came from ASIA,   mostly. Some from Canada too.",
        ),
        CarriedItem(
            "coding",
            "Maria",
            "Asia",
            "anna:4",
            "anna:5",
            "changed",
            "loose",
            "from Asia",
            "from ASIA",
        ),
        CarriedItem("coding", "Maria", "US", "anna:4", None, "dropped", None, "U.S.", None),
        CarriedItem(
            "memo",
            "Maria",
            None,
            "anna:4",
            "anna:5",
            "kept",
            None,
            "Which buyers?",
            "Which buyers?",
        ),
    )
    assert (result.carried.reviews_kept, result.carried.reviews_dropped) == (4, 0)
    # New text: [0,31) title, [33,65), [67,104) "We looked at four…", [106,121),
    # [123,175) "They came from ASIA,   mostly…".
    assert stored(project) == [
        (3, "Small fee", "Maria", 67, 104, None),
        (3, "Fee", "Maria", 86, 103, 1),
        (5, "Asia", "Tom", 123, 175, None),
        (5, "Asia", "Maria", 133, 142, None),
    ]
    assert marks(project) == [
        ("read", 3, "Maria"),
        ("read", 3, "Tom"),
        ("read", 5, "Maria"),
        ("read", 5, "Tom"),
        ("memo", 5, "Which buyers?"),
    ]
    view = project.transcript("anna", show_others=True)
    assert [(m.concept, m.coder, m.quote) for m in view.segments[2].codings] == [
        ("Fee", "Maria", "The fee was small"),
        ("Small fee", "Maria", None),
    ]
    # Beside a SQLite store; in the current folder for a server store.
    (export,) = (elsewhere if "://" in store else Path(store).parent).glob("anna-dropped-*.csv")
    assert result.carried.export == str(export)
    with export.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["kind", "coder", "segment", "concept", "quote", "memo", "text"],
            [
                "coding",
                "Maria",
                "anna:4",
                "US",
                "U.S.",
                "",
                "They came from Asia, mostly. Some from the U.S. too.",
            ],
        ]
    assert_spans_hold(project)


def test_replace_is_audited_with_before_and_after(project: Project, coded: Path) -> None:
    coded.write_text(NEW)
    as_lead(project).import_file(coded, options=ImportOptions(replace=True, force=True))
    *_, dropped, replaced = project.log(show_others=True)
    assert (dropped.action, dropped.subject, dropped.summary) == (
        "drop",
        "coding",
        "Dropped the coding of anna:4 with 'US' by Maria (its words are not in the new text)",
    )
    assert dropped.before is not None and dropped.after is None
    assert {
        k: dropped.before[k] for k in ("segment", "concept", "coder", "start", "end", "text")
    } == {
        "segment": "anna:4",
        "concept": "US",
        "coder": "Maria",
        "start": 134,
        "end": 138,
        "text": "U.S.",
    }
    assert replaced.summary == "Replaced anna from anna.txt (5 segments)"
    assert replaced.before is not None and replaced.after is not None
    assert (replaced.before["segments"], replaced.after["segments"]) == (4, 5)
    assert [(c["segment"], c["start"], c["end"]) for c in replaced.before["codings"]] == [
        ("anna:2", 34, 72),
        ("anna:2", 54, 71),
        ("anna:4", 91, 143),
        ("anna:4", 101, 110),
        ("anna:4", 134, 138),
    ]
    assert [
        (c["segment"], c["start"], c["end"], c["status"], c["how"])
        for c in replaced.after["codings"]
    ] == [
        ("anna:3", 67, 104, "changed", "nearest"),
        ("anna:3", 86, 103, "kept", "exact"),
        ("anna:5", 123, 175, "changed", "nearest"),
        ("anna:5", 133, 142, "changed", "loose"),
    ]
    assert (replaced.before["reviews"], replaced.after["reviews"]) == (
        {"Maria": 2, "Tom": 2},
        {"Maria": 2, "Tom": 2},
    )
    assert replaced.after["memos"] == [{"id": 1, "segment": "anna:5", "coder": "Maria"}]
    assert replaced.after["dropped"] == 1
    # The wording replaced stays in the trail: every old span reads its words again.
    old_text = (
        "How did you choose the platform?\n\nWe looked at three. The fee was small.\n\n"
        "And the buyers?\n\nThey came from Asia, mostly. Some from the U.S. too."
    )
    assert replaced.before["text"] == old_text
    assert replaced.before["segment_spans"] == [[0, 32], [34, 72], [74, 89], [91, 143]]
    assert [old_text[c["start"] : c["end"]] for c in replaced.before["codings"]][1:] == [
        "The fee was small",
        "They came from Asia, mostly. Some from the U.S. too.",
        "from Asia",
        "U.S.",
    ]


def test_emoji_combining_marks_and_crlf(project: Project, tmp_path: Path) -> None:
    """Code points: 😀 and 🎉 are one each, 👩‍💻 three, q̇ two; é arrives decomposed."""
    path = tmp_path / "emoji.txt"
    path.write_bytes(
        "Interviewer: Cafe\u0301 first? 😀\n\n"
        "Anna: The cafe\u0301 q\u0307 sells 👩\u200d💻 laptops.\nWe like it.\n".encode()
    )
    as_lead(project).import_file(path)
    project.tag(["emoji:2"], "Laptops", quote="q\u0307 sells 👩\u200d💻 laptops", create=True)
    project.tag(["emoji:2"], "Liking", create=True)
    project.tag(["emoji:1"], "Emoji", quote="😀", create=True)
    assert stored(project) == [
        (1, "Emoji", "Maria", 12, 13, None),
        (2, "Liking", "Maria", 15, 57, None),
        (2, "Laptops", "Maria", 24, 44, None),
    ]
    path.write_bytes(
        "Interviewer: 🎉 Caf\u00e9 first? 😀\r\n\r\n"
        "Anna: The caf\u00e9 q\u0307 sells 👩\u200d💻 laptops. We love it.\r\n".encode()
    )
    result = as_lead(project).import_file(path, options=REPLACE)
    assert result.carried is not None
    assert [(i.concept, i.before, i.after, i.status, i.how) for i in result.carried.items] == [
        ("Emoji", "emoji:1", "emoji:1", "kept", "exact"),
        ("Liking", "emoji:2", "emoji:2", "changed", "nearest"),
        ("Laptops", "emoji:2", "emoji:2", "kept", "exact"),
    ]
    assert stored(project) == [
        (1, "Emoji", "Maria", 14, 15, None),
        (2, "Liking", "Maria", 17, 59, None),
        (2, "Laptops", "Maria", 26, 46, None),
    ]
    (first, second) = project.transcript("emoji").segments
    assert [(m.concept, m.start, m.end, m.quote) for m in first.codings] == [
        ("Emoji", 14, 15, "😀")
    ]
    assert [(m.concept, m.start, m.end, m.quote) for m in second.codings] == [
        ("Laptops", 9, 29, "q\u0307 sells 👩\u200d💻 laptops"),
        ("Liking", 0, 42, None),
    ]
    assert second.text == "The café q\u0307 sells 👩\u200d💻 laptops. We love it."
    assert_spans_hold(project)


def test_codings_that_become_one_are_stored_once(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text(
        "Interviewer: And prices?\n\nAnna: Prices went up. Prices went up. Then down.\n"
    )
    as_lead(project).import_file(path)
    project.tag(["p:2"], "Prices", span=(0, 15), create=True)
    project.tag(["p:2"], "Prices", span=(16, 31))
    project.pick_quotes("Prices", ["p:2"])
    assert [row[3:] for row in stored(project)] == [(13, 28, 1), (29, 44, None)]
    path.write_text("Interviewer: And prices?\n\nAnna: Prices went up. Then down.\n")
    result = as_lead(project).import_file(path, options=REPLACE)
    assert result.carried is not None
    assert [(i.status, i.how, i.new_text) for i in result.carried.items] == [
        ("kept", "exact", "Prices went up."),
        ("merged", "exact", "Prices went up."),
    ]
    assert stored(project) == [(2, "Prices", "Maria", 13, 28, 1)]
    assert_spans_hold(project)


def test_a_passage_moved_to_another_turn_takes_its_coding(project: Project, tmp_path: Path) -> None:
    stays = "We chose it after a long talk with the whole family, at dinner, one evening in May."
    moved = "The fee was small compared with one stand at a fair."
    path = tmp_path / "m.txt"
    path.write_text(
        f"Interviewer: Why?\n\nAnna: {stays} {moved}\n\nInterviewer: And?\n\nAnna: Fine."
    )
    as_lead(project).import_file(path)
    project.tag(["m:2"], "Fee", quote=moved, create=True)
    path.write_text(
        f"Interviewer: Why?\n\nAnna: {stays}\n\nInterviewer: And?\n\nAnna: Fine. {moved}"
    )
    result = as_lead(project).import_file(path, options=REPLACE)
    assert result.carried is not None
    assert [(i.before, i.after, i.status, i.how) for i in result.carried.items] == [
        ("m:2", "m:4", "moved", "exact")
    ]
    assert stored(project) == [(4, "Fee", "Maria", 103, 155, None)]
    assert_spans_hold(project)


def test_a_replacement_without_work_reports_nothing_to_carry(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(OLD)
    as_lead(project).import_file(path)
    path.write_text(NEW)
    result = as_lead(project).import_file(path, options=REPLACE)
    assert (result.status, result.carried) == ("replaced", None)


def test_a_memo_on_a_segment_whose_words_are_gone(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text("Interviewer: Hi.\n\nAnna: Completely different words here.\n")
    as_lead(project).import_file(path)
    project.add_memo("m:2", "Ask again.")
    path.write_text("Interviewer: Hi.\n\nAnna: Nothing alike at all, sorry.\n")
    with pytest.raises(ImportFailed) as error:
        as_lead(project).import_file(path, options=REPLACE)
    assert error.value.details == ["m:2 memo by Maria: 'Ask again.'"]
    result = as_lead(project).import_file(path, options=ImportOptions(replace=True, force=True))
    assert result.carried is not None
    assert [(i.kind, i.status) for i in result.carried.items] == [("memo", "dropped")]
    assert project.log()[-2].summary == (
        "Dropped the memo on m:2 by Maria (its words are not in the new text)"
    )


@pytest.mark.parametrize(
    ("old", "new", "span", "expected"),
    [
        # exact, the nearest of two occurrences
        ("a b. X y. c d. X y.", "a b. X y. c d e. X y.", (15, 19), ("exact", "X y.")),
        # loose: spacing and case
        ("we were\nvery happy", "We were   very happy", (0, 18), ("loose", "We were   very happy")),
        # nearest: a word corrected inside the span
        ("They recieve goods.", "They receive goods.", (5, 18), ("nearest", "receive goods")),
        # a short phrase edited in place is not moved to a far occurrence
        (
            "the price " + "x " * 200 + "the price",
            "the prize " + "x " * 200 + "the price",
            (0, 9),
            ("nearest", "the prize"),
        ),
    ],
)
def test_relocator(old: str, new: str, span: tuple[int, int], expected: tuple[str, str]) -> None:
    placed = Relocator(old, new).place(*span)
    assert placed is not None
    assert (placed.how, new[placed.start : placed.end]) == expected


def test_relocator_gives_up_on_words_that_are_gone() -> None:
    assert Relocator("Some from the U.S. too.", "Some from Canada too.").place(10, 18) is None
    assert Relocator("abc", "xyz").place(0, 0) is None


def test_a_replacement_keeps_the_metadata_it_does_not_change(
    project: Project, tmp_path: Path
) -> None:
    from gioia.importers.manifest import TranscriptMeta

    path = tmp_path / "anna.txt"
    path.write_text(OLD)
    meta = TranscriptMeta("Case A", "Anna Rossi", "CEO", "1", None, {"channel": "Zoom"})
    as_lead(project).import_file(path, meta)
    path.write_text(NEW)
    as_lead(project).import_file(path, options=REPLACE)
    (row,) = project.transcripts()
    assert (row.case, row.informant, row.role, row.wave, row.attributes) == (
        "Case A",
        "Anna Rossi",
        "CEO",
        "1",
        {"channel": "Zoom"},
    )
    path.write_text(OLD)
    as_lead(project).import_file(path, TranscriptMeta(wave="2"), options=REPLACE)
    (row,) = project.transcripts()
    assert (row.case, row.wave) == ("Case A", "2")
    replaced = project.log()[-1]
    assert replaced.before is not None and replaced.after is not None
    assert (replaced.before["wave"], replaced.after["wave"]) == ("1", "2")
    assert replaced.before["attributes"] == replaced.after["attributes"] == {"channel": "Zoom"}


def test_a_whole_segment_coding_stays_whole_when_its_turn_gains_words(
    project: Project, tmp_path: Path
) -> None:
    """A turn coded as a whole gains a sentence in the corrected file: its coding codes
    the whole corrected turn (not the old words as a quote), and is reported kept."""
    path = tmp_path / "w.txt"
    path.write_text("Interviewer: Why?\n\nAnna: The fee was small.\n")
    as_lead(project).import_file(path)
    project.tag(["w:2"], "Fee", create=True)
    project.tag(["w:2"], "Small", quote="small", create=True)
    assert stored(project) == [
        (2, "Fee", "Maria", 6, 24, None),
        (2, "Small", "Maria", 18, 23, None),
    ]
    path.write_text(
        "Interviewer: Why?\n\nAnna: The fee was small. It paid for itself in a month.\n"
    )
    result = as_lead(project).import_file(path, options=REPLACE)
    assert result.carried is not None
    assert [(i.concept, i.status, i.how, i.new_text) for i in result.carried.items] == [
        ("Fee", "kept", "exact", "The fee was small. It paid for itself in a month."),
        ("Small", "kept", "exact", "small"),
    ]
    assert stored(project) == [
        (2, "Fee", "Maria", 6, 55, None),
        (2, "Small", "Maria", 18, 23, None),
    ]
    marks = project.transcript("w").segments[1].codings
    assert [(m.concept, m.start, m.end, m.quote) for m in marks] == [
        ("Fee", 0, 49, None),
        ("Small", 12, 17, "small"),
    ]
    assert_spans_hold(project)
