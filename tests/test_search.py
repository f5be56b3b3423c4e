"""Text search: whole words, wildcards and regular expressions, filters, and the
keyword-in-context lines, on the constructed study of tests/conftest.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gioia import Project
from gioia.analysis.kwic import SearchHit, context, search_pattern
from gioia.errors import InvalidInput, NotFound


def refs(hits: list[SearchHit]) -> list[str]:
    return [hit.ref for hit in hits]


def test_whole_words_in_informant_turns(small_study: Project) -> None:
    hits = small_study.search("buyers")
    assert refs(hits) == ["t1:2", "t2:2"]
    first = hits[0]
    assert (first.case, first.speaker, first.is_interviewer) == ("Case A", "Ann", False)
    # "We started exporting wine to Japan. Buyers want samples."
    assert (first.start, first.end, first.match) == (36, 42, "Buyers")
    assert (first.left, first.right) == ("We started exporting wine to Japan. ", " want samples.")
    assert refs(small_study.search("sample")) == []  # a whole word: not "samples"
    assert refs(small_study.search("SAMPLES")) == ["t1:2", "t2:4"]


def test_a_wildcard_and_a_phrase(small_study: Project) -> None:
    assert [h.match for h in small_study.search("export*")] == ["exporting", "Exporters", "export"]
    assert refs(small_study.search("trust   takes")) == ["t2:2"]


def test_regex_and_interviewer_turns(small_study: Project) -> None:
    assert refs(small_study.search(r"trust\b", regex=True)) == ["t2:2", "t3:2"]
    assert refs(small_study.search(r"trust\b", regex=True, include_interviewer=True)) == [
        "t2:1",
        "t2:2",
        "t3:2",
    ]
    # A speaker's turns are searched even when they are the interviewer's.
    assert refs(small_study.search("trust", speaker="interviewer")) == ["t2:1"]
    with pytest.raises(InvalidInput, match="not a valid regular expression"):
        small_study.search("(", regex=True)
    with pytest.raises(InvalidInput, match="matches empty text"):
        small_study.search("x*", regex=True)


def test_filters(small_study: Project) -> None:
    assert refs(small_study.search("trust", case="case b")) == ["t3:2"]
    assert refs(small_study.search("trust", speaker="Bob")) == ["t2:2"]
    assert refs(small_study.search("trust", transcript="t2")) == ["t2:2"]
    with pytest.raises(NotFound, match="No case 'Case C'"):
        small_study.search("trust", case="Case C")
    with pytest.raises(NotFound, match=re.escape("No turn is by 'Bobby'. Did you mean 'Bob'?")):
        small_study.search("trust", speaker="Bobby")


def test_uncoded_is_blind_to_other_coders(small_study: Project) -> None:
    # Maria coded every informant turn; Tom only t1:2 and t1:4.
    small_study.coder = "Maria"
    assert refs(small_study.search("trust", uncoded=True)) == []
    assert refs(small_study.search("trust", uncoded=True, show_others=True)) == []
    small_study.coder = "Tom"
    assert refs(small_study.search("trust", uncoded=True)) == ["t2:2", "t3:2"]
    small_study.coder = None
    assert refs(small_study.search("trust", uncoded=True)) == []


def test_a_match_never_crosses_into_the_next_turn(small_study: Project) -> None:
    # "…too much." ends t1:4; nothing follows it, and t1:2 ends "samples." before the
    # interviewer's "And the platform?".
    assert refs(small_study.search(r"samples\.\s+And", regex=True, include_interviewer=True)) == []


def test_context_is_cut_at_words() -> None:
    text = "one two three four five six seven eight nine ten"
    start = text.index("five")
    assert context(text, start, start + 4, width=10) == ("…three four ", "five", " six seven…")
    assert context("a\n\nb c", 3, 4) == ("a ", "b", " c")


def whole_context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """The context as it was first written: every word of the segment put on one line,
    then cut (the reference for the windowed reading)."""

    def one_line(part: str) -> str:
        return " ".join(part.split())

    left, right = one_line(text[:start]), one_line(text[end:])
    if len(left) > width:
        cut = left[-width:]
        left = "…" + (cut if left[-width - 1] == " " or " " not in cut else cut.split(" ", 1)[1])
    if len(right) > width:
        cut = right[:width]
        right = (cut if right[width] == " " or " " not in cut else cut.rsplit(" ", 1)[0]) + "…"
    spaced_left = left + (" " if text[:start][-1:].isspace() and left else "")
    spaced_right = (" " if text[end:][:1].isspace() and right else "") + right
    return spaced_left, one_line(text[start:end]), spaced_right


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.text("ab\u00e9", min_size=1, max_size=70), min_size=1, max_size=40),
    gaps=st.lists(st.sampled_from([" ", "  ", "\n\n", " \n"]), min_size=40, max_size=40),
    cut=st.tuples(st.integers(0, 10**6), st.integers(0, 40)),
    width=st.integers(1, 12),
    margins=st.tuples(st.text("x \n", max_size=80), st.text("y \n", max_size=80)),
)
def test_a_long_segment_gives_the_context_its_whole_text_gives(
    words: list[str],
    gaps: list[str],
    cut: tuple[int, int],
    width: int,
    margins: tuple[str, str],
) -> None:
    # Only about 4 × width characters either side are read; the line is the same as when
    # the segment's whole text is put on one line and cut. The segment sits inside a
    # longer text (``within``), as in a transcript.
    body = "".join(word + gap for word, gap in zip(words, gaps, strict=False)).rstrip()
    start = cut[0] % (len(body) + 1)
    end = min(len(body), start + cut[1])
    before, after = margins
    text = before + body + after
    low, high = len(before), len(before) + len(body)
    expected = whole_context(body, start, end, width)
    assert context(text, low + start, low + end, width, within=(low, high)) == expected
    assert context(body, start, end, width) == expected


@pytest.mark.parametrize("pattern", ["", "  ", "*"])
def test_an_empty_pattern(pattern: str) -> None:
    with pytest.raises(InvalidInput):
        search_pattern(pattern)


def test_quotation_marks_are_one(small_study: Project, tmp_path: object) -> None:
    found = search_pattern("don't").finditer("we don’t sell, Don't")
    assert [m.group() for m in found] == ["don’t", "Don't"]


def test_a_word_starts_after_a_match_cut_short() -> None:
    # "a a" inside "ba a a" first matches at 1 (inside "ba"); the search goes on from 2.
    assert [m.span() for m in search_pattern("a a").finditer("ba a a")] == [(3, 6)]
    assert [m.group() for m in search_pattern("an*").finditer("banana an anna")] == ["an", "anna"]
