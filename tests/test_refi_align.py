"""Placing a source's selections at once (numpy) gives what placing each one gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from gioia.ops.refi_sources import SourceText, place, place_all
from gioia.refi import model as m
from gioia.refi.align import read_document

TEXTS = {
    "plain": "Interviewer: How did it start?\nAna: It started slowly.\nThen fast.\n\n"
    "Interviewer: Why?\nAna: Because of money.\n",
    "astral, CRLF, BOM": "\ufeffInterviewer: Tell me 😀 about it?\r\nBen: 🎉 We won\u00a0the "
    "cup 👍🏽, really.\r\n\r\nInterviewer: And then?\r\nBen: e\u0301te and 🙂 more.   \r\n",
    "labels only between": "A: one two\nB: three 𝔸 four\nA: five\n",
}


def _selections(length: int, rng: random.Random, count: int) -> list[m.Selection]:
    """Random spans, some outside the text, empty or reversed, most crossing turns."""
    found = []
    for n in range(count):
        start = rng.randint(-2, length + 2)
        end = start + rng.choice([0, 1, 3, 10, 40, rng.randint(-5, length)])
        found.append(m.Selection(f"s{n}", start, end, codings=[m.Coding(f"c{n}", "x")]))
    return found


@pytest.mark.parametrize("name", list(TEXTS))
@pytest.mark.parametrize("convention", ["codepoints", "utf16"])
def test_place_all_gives_what_place_gives(name: str, convention: str) -> None:
    raw = TEXTS[name].removeprefix("\ufeff")
    document = read_document(raw)
    text = SourceText(m.Source("g", "TextSource"), name, raw, document, "txt", "f.txt")
    text.segment_ids = [100 + i for i in range(len(document.spans))]
    rng = random.Random(11)
    length = text.positions.utf16_length if convention == "utf16" else len(raw)
    selections = _selections(length, rng, 3000)
    expected = [place(text, s, convention) for s in selections]
    assert place_all(text, selections, convention) == expected
    reasons = {e.split(" ")[1] for e in expected if isinstance(e, str)}
    assert {"span", "covers"} <= reasons  # outside the text; on labels or blank space only
    assert any(not isinstance(e, str) and len(e.parts) > 1 for e in expected)  # across turns
    assert any(not isinstance(e, str) and e.trimmed for e in expected)


@pytest.mark.parametrize("name", list(TEXTS))
def test_locate_and_split_many_give_what_locate_and_split_give(name: str) -> None:
    raw = TEXTS[name].removeprefix("\ufeff")
    document = read_document(raw)
    rng = random.Random(3)
    pairs = [
        (a, a + rng.randint(1, 30)) for a in (rng.randint(0, len(raw) - 1) for _ in range(500))
    ]
    pairs = [(a, min(b, len(raw))) for a, b in pairs]
    starts = np.array([a for a, _ in pairs], dtype=np.int64)
    ends = np.array([b for _, b in pairs], dtype=np.int64)
    a, b, trimmed, ok = document.locate_many(starts, ends)
    expected = [document.locate(x, y) for x, y in pairs]
    got = [
        (x, y, t) if good else None
        for x, y, t, good in zip(a.tolist(), b.tolist(), trimmed.tolist(), ok.tolist(), strict=True)
    ]
    assert got == expected
    spans = [(x, y) for x, y, _ in filter(None, expected)]
    owner, segment, part_a, part_b = document.split_many(
        np.array([x for x, _ in spans], dtype=np.int64),
        np.array([y for _, y in spans], dtype=np.int64),
    )
    parts = [[] for _ in spans]
    for k, index, x, y in zip(
        owner.tolist(), segment.tolist(), part_a.tolist(), part_b.tolist(), strict=True
    ):
        parts[k].append((index, x, y))
    assert parts == [document.split(x, y) for x, y in spans]


def test_a_source_without_pieces_places_nothing() -> None:
    document = read_document("A: one\n")
    document.pieces = []
    document.__post_init__()
    *_, ok = document.locate_many(np.array([0, 2]), np.array([3, 7]))
    assert ok.tolist() == [False, False]
    assert [document.locate(0, 3), document.locate(2, 7)] == [None, None]
