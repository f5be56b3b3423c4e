"""gioia.text: normalisation, name keys, documents and segments."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gioia.errors import InvalidInput
from gioia.importers.base import Turn
from gioia.text import (
    SegmentSpan,
    build_document,
    name_key,
    normalize_text,
    split_sentences,
)

# Text that stresses offsets: emoji (with ZWJ and skin tones), combining
# marks, CRLF and other line ends, no-break and ideographic spaces.
_SPECIAL = st.sampled_from(
    [
        "\U0001f600",
        "\U0001f469\u200d\U0001f4bb",
        "\U0001f44d\U0001f3fd",
        "e\u0301",
        "\u0301",
        "\r\n",
        "\r",
        "\n",
        "\n\n",
        "\u2028",
        "\u00a0",
        "\u3000",
        "\ufeff",
        ". ",
        "? ",
        "… ",
        "e.g. ",
        "Dr. ",
        "3.5 ",
        " A",
        '"',
        "\t",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=8), _SPECIAL), max_size=12).map("".join)
TURNS = st.lists(
    st.builds(
        Turn,
        speaker=st.one_of(st.none(), st.text(max_size=5)),
        text=TEXT,
        start=st.one_of(st.none(), st.floats(0, 1e4)),
        end=st.one_of(st.none(), st.floats(0, 1e4)),
    ),
    max_size=5,
)


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans are ordered, disjoint, trimmed, and cover every non-space character."""
    covered = [False] * len(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace()
        assert not text[end - 1].isspace()
        covered[start:end] = [True] * (end - start)
        previous_end = end
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))


# normalize_text


def test_normalize_text_line_ends_bom_and_trailing_spaces() -> None:
    assert normalize_text("\ufeffAnna: hi  \r\nthere\t\rnext \u2028last") == (
        "Anna: hi\nthere\nnext\nlast"
    )


def test_normalize_text_nfd_to_nfc() -> None:
    assert normalize_text("caffe\u0300 perche\u0301") == "caff\u00e8 perch\u00e9"


def test_normalize_text_invisible_junk_and_no_break_spaces() -> None:
    assert (
        normalize_text("co\u00adoperation\u200b de\u00a0la 10\u202f%") == "cooperation de la 10 %"
    )


def test_normalize_text_keeps_zero_width_joiner() -> None:
    family = "\U0001f469\u200d\U0001f4bb"
    assert normalize_text(family) == family


def test_normalize_text_paragraph_separator_and_page_break() -> None:
    assert normalize_text("one\u2029two\x0cthree\x0bfour") == "one\n\ntwo\nthree\nfour"


@given(st.text())
def test_normalize_text_properties(s: str) -> None:
    result = normalize_text(s)
    assert normalize_text(result) == result
    assert unicodedata.is_normalized("NFC", result)
    assert "\r" not in result
    assert "\ufeff" not in result
    assert all(line == line.rstrip() for line in result.split("\n"))


def _normalized_by_every_pass(s: str) -> str:
    """normalize_text as first written: every substitution run on every text."""
    import re

    s = re.sub("[\ufeff\u200b\u2060\u00ad\x00-\x08\x0e-\x1f\x7f]", "", s)
    s = re.sub("\r\n|[\r\x0b\x0c\x85\u2028]", "\n", s).replace("\u2029", "\n\n")
    s = re.sub("[\u00a0\u2007\u202f]", " ", s)
    s = unicodedata.normalize("NFC", s)
    return "\n".join(line.rstrip() for line in s.split("\n"))


_TREATED = "ab \t\n\r\x0b\x0c\x1c\x85\u2028\u2029\u00a0\u2007\u202f\u3000\x00\x07\x08\x0e\x1f\x7f"


@given(st.text(alphabet=_TREATED + "\ufeff\u200b\u2060\u00ad\u0301e\u00e9"))
def test_normalize_text_skips_no_pass_it_needs(s: str) -> None:
    """A pass is skipped only where none of its characters occurs: the result is what
    running every pass gives."""
    assert normalize_text(s) == _normalized_by_every_pass(s)


# name_key


def test_name_key_ignores_case_and_spacing() -> None:
    assert name_key("  Anna \t ROSSI ") == "anna rossi"


def test_name_key_nfd_equals_nfc() -> None:
    assert name_key("Ine\u0302s") == name_key("In\u00eas") == "in\u00eas"


def test_name_key_casefolds() -> None:
    assert name_key("STRASSE") == name_key("Stra\u00dfe")


# build_document


def test_build_document_joins_turns_with_blank_lines() -> None:
    turns = [Turn("Anna", "One."), Turn(None, "Two.")]
    assert build_document(turns)[0] == "One.\n\nTwo."


def test_build_document_exact_offsets_after_emoji_and_combining_mark() -> None:
    turns = [
        Turn("Anna", "Hi \U0001f600 e\u0301. Next one.", 1.5, 4.0),
        Turn("Bob", "Ok\n\nFine. Yes"),
    ]
    text, segments = build_document(turns, "sentence")
    assert text == "Hi \U0001f600 e\u0301. Next one.\n\nOk\n\nFine. Yes"
    assert segments == [
        SegmentSpan(0, 8, "Anna", 0, 1.5, 4.0),
        SegmentSpan(9, 18, "Anna", 0, 1.5, 4.0),
        SegmentSpan(20, 22, "Bob", 1, None, None),
        SegmentSpan(24, 29, "Bob", 1, None, None),
        SegmentSpan(30, 33, "Bob", 1, None, None),
    ]
    assert text[9:18] == "Next one."


def test_build_document_by_turn() -> None:
    turns = [Turn("Anna", "\U0001f44d\U0001f3fd Yes.\n\nAnd more."), Turn("Bob", "Ok")]
    text, segments = build_document(turns)
    assert [(s.start, s.end, s.turn) for s in segments] == [(0, 18, 0), (20, 22, 1)]
    assert text[0:18] == "\U0001f44d\U0001f3fd Yes.\n\nAnd more."


def test_build_document_by_paragraph() -> None:
    turns = [Turn("Anna", "First para.\nSame para.\n\n  \n\nSecond para.", 3.0)]
    text, segments = build_document(turns, "paragraph")
    assert [text[s.start : s.end] for s in segments] == [
        "First para.\nSame para.",
        "Second para.",
    ]
    assert [(s.start, s.end) for s in segments] == [(0, 22), (28, 40)]
    assert all(s.speaker == "Anna" and s.time_start == 3.0 for s in segments)


def test_build_document_skips_blank_turns() -> None:
    text, segments = build_document([Turn("Anna", "  "), Turn("Bob", "Hi")])
    assert text == "  \n\nHi"
    assert segments == [SegmentSpan(4, 6, "Bob", 1, None, None)]


def test_build_document_empty() -> None:
    assert build_document([]) == ("", [])


def test_build_document_rejects_unknown_segmentation() -> None:
    with pytest.raises(InvalidInput) as error:
        build_document([Turn(None, "x")], "word")
    assert str(error.value) == (
        "Unknown segmentation 'word': use 'turn', 'paragraph' or 'sentence'."
    )


@pytest.mark.parametrize("segment_by", ["turn", "paragraph", "sentence"])
@given(turns=TURNS)
def test_build_document_invariants(segment_by: str, turns: list[Turn]) -> None:
    text, segments = build_document(turns, segment_by)
    assert text == "\n\n".join(turn.text for turn in turns)
    check_spans(text, [(s.start, s.end) for s in segments])
    offset = 0
    bounds = []
    for turn in turns:
        bounds.append((offset, offset + len(turn.text)))
        offset += len(turn.text) + 2
    for segment in segments:
        turn = turns[segment.turn]
        low, high = bounds[segment.turn]
        assert low <= segment.start and segment.end <= high
        assert (segment.speaker, segment.time_start, segment.time_end) == (
            turn.speaker,
            turn.start,
            turn.end,
        )


@given(turns=TURNS)
def test_finer_segments_nest_in_coarser_ones(turns: list[Turn]) -> None:
    _, by_turn = build_document(turns, "turn")
    _, by_paragraph = build_document(turns, "paragraph")
    _, by_sentence = build_document(turns, "sentence")
    for finer, coarser in ((by_paragraph, by_turn), (by_sentence, by_paragraph)):
        for segment in finer:
            assert any(c.start <= segment.start and segment.end <= c.end for c in coarser)


# split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_split_sentences_on_terminators() -> None:
    assert sentences("We chose it. Why? Because it was cheap! And… Then we left.") == [
        "We chose it.",
        "Why?",
        "Because it was cheap!",
        "And…",
        "Then we left.",
    ]


def test_split_sentences_keeps_abbreviations_decimals_and_initials() -> None:
    text = "Dr. Rossi, i.e. the CEO, e.g. Zoom and Mr. J. K. Smith grew 3.5 times in the U.S. too."
    assert sentences(text) == [text]


def test_split_sentences_needs_a_capital_quote_or_digit_after() -> None:
    assert sentences('It was fine etc. and so on. "Really?" she asked. 40 people came.') == [
        "It was fine etc. and so on.",
        '"Really?" she asked.',
        "40 people came.",
    ]


def test_split_sentences_etc_followed_by_a_capital_ends_a_sentence() -> None:
    assert sentences("Cars, bikes, etc. Then we stopped.") == [
        "Cars, bikes, etc.",
        "Then we stopped.",
    ]


def test_split_sentences_closing_quotes_and_brackets_stay_with_the_sentence() -> None:
    assert sentences('He said "stop." (Then it ended.) Fine.') == [
        'He said "stop."',
        "(Then it ended.)",
        "Fine.",
    ]


def test_split_sentences_list_numbers_and_paragraphs() -> None:
    assert sentences("1. First point. Second.\n2. Other point.\n\nNew paragraph") == [
        "1. First point.",
        "Second.",
        "2. Other point.",
        "New paragraph",
    ]


def test_split_sentences_accented_capitals() -> None:
    assert sentences("Fine. \u00c9tienne came. \u00ccsola too.") == [
        "Fine.",
        "\u00c9tienne came.",
        "\u00ccsola too.",
    ]


@given(TEXT)
def test_split_sentences_invariants(text: str) -> None:
    check_spans(text, split_sentences(text))


def test_one_line_cuts_after_a_word() -> None:
    from gioia.text import one_line

    assert one_line("a  b\nc") == "a b c"
    assert one_line("They came from Asia, mostly. Some from the U.S. too.") == (
        "They came from Asia, mostly. Some from the U.S.…"
    )
    assert one_line("x" * 60, 10) == "x" * 9 + "…"
