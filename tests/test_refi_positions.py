"""REFI-QDA text positions: code points and UTF-16, detection, and where another
program's offsets land in the text gioia stores."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from gioia.refi.align import labelled_document, normalize_with_offsets, read_document
from gioia.refi.positions import Positions, detect
from gioia.text import normalize_text

# "a😀b": the emoji is one code point and two UTF-16 units.
EMOJI = "a😀b"


def test_utf16_and_code_points_convert_both_ways() -> None:
    positions = Positions(EMOJI)
    assert (positions.length, positions.utf16_length, positions.agree) == (3, 4, False)
    assert [positions.to_utf16(cp) for cp in range(4)] == [0, 1, 3, 4]
    assert [positions.from_utf16(u) for u in (0, 1, 3, 4)] == [0, 1, 2, 3]
    assert positions.from_utf16(2) == 2  # inside the surrogate pair: after the emoji
    assert Positions("plain é").agree is True


def test_astral_characters_found_past_bmp_text_and_lone_surrogates() -> None:
    assert Positions("Ça va, 你好 \u2029").agree is True
    assert Positions("x\udc80y").agree is True  # a lone surrogate is one unit, not two
    positions = Positions("é 你 😀 x 𝔸")
    assert (positions.agree, positions.utf16_length, positions.to_utf16(8)) == (False, 11, 9)


def test_detection_scores_texts_with_and_without_astral_characters_together() -> None:
    found = detect([("Trust matters.", [(0, 5), (1, 5)]), ("🙂 Price", [(2, 7), (3, 8)])])
    assert (found.convention, found.scores, found.selections) == (
        "codepoints",
        {"codepoints": 2, "utf16": 2},
        4,
    )


def test_detection_prefers_the_reading_that_lands_on_word_boundaries() -> None:
    text = "🙂🙂 Trust matters. 😀 Price matters too."
    # "Price" is at code point 20, UTF-16 unit 23 (three emoji before it).
    assert text[20:25] == "Price"
    utf16 = detect([(text, [(23, 28)])])
    assert (utf16.convention, utf16.scores, utf16.decided) == (
        "utf16",
        {"codepoints": 0, "utf16": 1},
        True,
    )
    points = detect([(text, [(20, 25)])])
    assert (points.convention, points.scores) == ("codepoints", {"codepoints": 1, "utf16": 0})


def test_without_astral_characters_the_readings_agree_and_the_standard_wins() -> None:
    found = detect([("Trust matters.", [(0, 5)])])
    assert (found.convention, found.decided, found.scores) == (
        "codepoints",
        False,
        {"codepoints": 1, "utf16": 1},
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"ab é\t\n\r", "\r\n", "\u00a0", "\ufeff", "\u2028", "\u2029", "e\u0301", "😀", "  \n"]
        ),
        max_size=30,
    ).map("".join)
)
def test_normalising_with_offsets_is_normalize_text(raw: str) -> None:
    text, offsets = normalize_with_offsets(raw)
    assert text == normalize_text(raw)
    assert len(offsets) == len(raw) + 1
    assert offsets[0] == 0 and offsets[-1] == len(text)
    assert all(a <= b for a, b in itertools.pairwise(offsets))


def test_offsets_through_bom_crlf_and_composed_letters() -> None:
    raw = "Cafe\u0301 ok\r\nnext  \r\nend"
    text, offsets = normalize_with_offsets(raw)
    assert text == "Café ok\nnext\nend"
    assert offsets[raw.index("ok")] == text.index("ok")
    assert offsets[raw.index("next")] == text.index("next")
    assert offsets[raw.index("end")] == text.index("end")


def test_a_source_maps_onto_turns_without_its_labels() -> None:
    raw = "\ufeffInterviewer: Why?\r\n\r\nAna Souza: Because 😀 it works.\r\nIt does.\r\n"
    document = read_document(raw[1:])  # positions count without the BOM
    assert document.text == "Why?\n\nBecause 😀 it works.\nIt does."
    assert [(s.speaker, document.text[s.start : s.end]) for s in document.spans] == [
        ("Interviewer", "Why?"),
        ("Ana Souza", "Because 😀 it works.\nIt does."),
    ]
    source = raw[1:]
    start = source.index("Because")
    end = source.index("It does.") + len("It does.")
    a, b, trimmed = document.locate(start, end)
    assert (document.text[a:b], trimmed) == ("Because 😀 it works.\nIt does.", False)
    # from inside a label: moved to the turn's text, and said so
    a, b, trimmed = document.locate(source.index("Ana"), start + len("Because"))
    assert (document.text[a:b], trimmed) == ("Because", True)
    # a label alone holds nothing
    assert document.locate(source.index("Ana"), source.index("Ana") + 5) is None


def test_a_selection_across_turns_is_cut_at_segment_boundaries() -> None:
    raw = "Q: One two.\n\nA: Three four.\n"
    document = read_document(raw)
    a, b, _ = document.locate(raw.index("two"), raw.index("Three") + 5)
    assert [(i, document.text[x:y]) for i, x, y in document.split(a, b)] == [
        (0, "two."),
        (1, "Three"),
    ]


def test_what_gioia_wrote_comes_back_with_its_segments() -> None:
    written = "Interviewer: Why?\n\nAna: Because."
    document = labelled_document(
        written, [[0, 13], [19, 5]], [(0, 4, "Interviewer", None, None), (6, 14, "Ana", 1.5, 2.0)]
    )
    assert document is not None
    assert document.text == "Why?\n\nBecause."
    assert document.locate(written.index("Because"), len(written)) == (6, 14, False)
    # a record that does not fit the text is not used
    assert labelled_document(written, [[0, 13]], [(0, 99, None, None, None)]) is None
