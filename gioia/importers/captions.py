"""Captions: WebVTT (.vtt, from Zoom and Teams) and SubRip (.srt).

webvtt-py is not used (nor declared) because its parsers silently drop a cue
whose timing line is broken or cut off, take the next cue's number for text when
a blank line is missing, and report errors without a line number, so this module
has its own small parser that tolerates what real exports do wrong.

Cue text is read as ``<v Name>text`` (Teams) or ``Name: text`` (Zoom, with
the label rules of :mod:`gioia.importers.plain`); a cue without a speaker
continues the one before. Consecutive cues of one speaker make one turn,
from the first cue's start to the last cue's end, texts joined by a space.
Tags are dropped and HTML entities decoded. A cue that ends before it starts
is kept with a warning (a file where every cue does is refused); a cut-off
last cue is left out with a warning; a broken timing line anywhere else is an
``ImportFailed`` naming its line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from gioia.errors import ImportFailed
from gioia.importers.base import ParsedTranscript, Turn
from gioia.importers.decode import read_text
from gioia.importers.plain import TIMESTAMP, Label, choose_labels, find_label, parse_timestamp
from gioia.text import name_key, normalize_text

_TIMING = re.compile(rf"[ \t]*({TIMESTAMP})[ \t]*-->[ \t]*({TIMESTAMP})(?:[ \t].*)?")
# Cue identifiers that can be told from text without a blank line before
# them: SRT numbers and Teams ids such as "7b2c9e1f-…/12-0".
_CUE_ID = re.compile(r"\d+|[0-9A-Za-z-]+/\d+-\d+")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG = re.compile(r"<[^>]*>")
# What is left of a cue cut off after its number or in its timing line.
_CUT_OFF = re.compile(r"[\d:.,\s>-]+")
_METADATA_BLOCKS = ("NOTE", "STYLE", "REGION", "WEBVTT")


@dataclass(frozen=True)
class _Piece:
    """The text of one cue, or of one voice span in it."""

    voice: str | None
    text: str
    start: float
    end: float


def read_captions(path: Path) -> ParsedTranscript:
    """Read a .vtt or .srt captions file."""
    text, warnings = read_text(path)
    vtt = path.suffix.lower() == ".vtt"
    if vtt and not text.lstrip().startswith("WEBVTT"):
        warnings.append("no 'WEBVTT' line at the top; read as WebVTT captions anyway.")
    pieces = _parse_cues(text.split("\n"), path.name, warnings)
    if not pieces:
        raise ImportFailed(f"{path.name} has no caption text.")
    return ParsedTranscript(_merge(pieces), "vtt" if vtt else "srt", warnings)


def _parse_cues(lines: list[str], name: str, warnings: list[str]) -> list[_Piece]:
    """Return the pieces of text of the cues in ``lines``, in order."""
    timings = [i for i, line in enumerate(lines) if "-->" in line and line.lstrip()[:1].isdigit()]
    if not timings:
        raise ImportFailed(f"{name} has no caption cues (no 'start --> end' timing line).")
    last_line = max(i for i, line in enumerate(lines) if line.strip())
    heads = [_cue_head(lines, t, timings[k - 1] + 1 if k else 0) for k, t in enumerate(timings)]

    preamble = [
        block
        for block in _blocks(lines, 0, heads[0])
        if not lines[block[0]].startswith(_METADATA_BLOCKS)
    ]
    if preamble:
        warnings.append(
            f"lines {preamble[0][0] + 1}-{preamble[-1][-1] + 1} before the first cue "
            "are not captions; left out."
        )

    pieces: list[_Piece] = []
    backwards: list[int] = []  # timing lines of cues that end before they start
    for k, timing in enumerate(timings):
        match = _TIMING.fullmatch(lines[timing])
        start = parse_timestamp(match.group(1)) if match else None
        end = parse_timestamp(match.group(2)) if match else None
        if start is None or end is None:
            if timing == last_line:
                warnings.append(
                    f"line {timing + 1}: the last cue is cut off "
                    f"('{lines[timing].strip()}'); it was not imported."
                )
                break
            raise ImportFailed(
                f"{name} line {timing + 1}: '{lines[timing].strip()}' is not a valid cue timing."
            )
        ident = lines[heads[k]].strip() if heads[k] < timing else None
        if end < start:
            backwards.append(timing)
            cue = f"cue {ident}" if ident else "a cue"
            warnings.append(
                f"line {timing + 1}: {cue} ends before it starts "
                f"('{lines[timing].strip()}'); kept as it is."
            )
        stop = heads[k + 1] if k + 1 < len(timings) else len(lines)
        text = [
            (i, lines[i].strip())
            for block in _blocks(lines, timing + 1, stop)
            if not lines[block[0]].startswith(_METADATA_BLOCKS)
            for i in block
        ]
        if k + 1 == len(timings):
            text = _drop_cut_off(text, warnings)
            if not text:
                warnings.append(
                    f"line {timing + 1}: the last cue has no text; the file may be cut off."
                )
        pieces.extend(_pieces([line for _, line in text], start, end))
    if pieces and len(backwards) == len(timings):
        first = backwards[0]
        raise ImportFailed(
            f"{name}: every cue ends before it starts (line {first + 1}: "
            f"'{lines[first].strip()}'), so these are not captions gioia can place in time."
        )
    return pieces


def _cue_head(lines: list[str], timing: int, low: int) -> int:
    """Return the index of the first line of the cue whose timing line is ``timing``.

    The line before the timing line is the cue's identifier when it follows
    a blank line (or starts the file) or looks like one; otherwise it is text
    of the cue before, whose blank line is missing.
    """
    before = timing - 1
    if before < low or not lines[before].strip() or lines[before].startswith("WEBVTT"):
        return timing
    if (before > low and not lines[before - 1].strip()) or before == 0:
        return before
    return before if _CUE_ID.fullmatch(lines[before].strip()) else timing


def _blocks(lines: list[str], start: int, stop: int) -> list[list[int]]:
    """Return the indices of ``lines[start:stop]`` grouped in blocks split by blank lines."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for i in range(start, stop):
        if lines[i].strip():
            current.append(i)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _drop_cut_off(text: list[tuple[int, str]], warnings: list[str]) -> list[tuple[int, str]]:
    """Remove from the last cue's text the start of a further cue cut off by the file's end.

    That is the trailing lines of digits and time punctuation, when they hold
    a colon (part of a time) or come after a blank line (a cue number).
    """
    keep = len(text)
    while keep and _CUT_OFF.fullmatch(text[keep - 1][1]):
        keep -= 1
    tail = [line for _, line in text[keep:]]
    own_block = 0 < keep < len(text) and text[keep][0] > text[keep - 1][0] + 1
    if own_block or any(":" in line for line in tail):
        warnings.append(
            f"line {text[keep][0] + 1}: the last cue is cut off ('{' '.join(tail)}'); "
            "it was not imported."
        )
        return text[:keep]
    return text


def _pieces(lines: list[str], start: float, end: float) -> list[_Piece]:
    """Split a cue's lines at voice spans and clean each part.

    A voice span goes on over the following lines of the cue; each line
    outside one can start with a speaker label.
    """
    pieces = []
    voice: str | None = None
    for line in lines:
        position = 0
        for match in _VOICE.finditer(line):
            text = _clean(line[position : match.start()])
            if text:
                pieces.append(_Piece(voice, text, start, end))
            voice, position = _clean(match.group(1)), match.end()
        text = _clean(line[position:])
        if text:
            pieces.append(_Piece(voice, text, start, end))
    return pieces


def _clean(text: str) -> str:
    """Drop tags, decode entities, normalise and collapse whitespace."""
    return " ".join(normalize_text(html.unescape(_TAG.sub("", text))).split())


def _merge(pieces: list[_Piece]) -> list[Turn]:
    """Give each piece its speaker and merge consecutive pieces of one speaker."""
    found = [None if p.voice else find_label(p.text, alone=False) for p in pieces]
    labels: list[Label | None] = choose_labels(found, [True] * len(pieces))
    turns: list[Turn] = []
    speaker: str | None = None
    texts: list[str] = []
    first = pieces[0]
    last = first
    for piece, label in zip(pieces, labels, strict=True):
        text = piece.text
        new_speaker = speaker
        if piece.voice:
            new_speaker = piece.voice
        elif label is not None:
            new_speaker, text = label.speaker, label.rest
        if texts and _key(new_speaker) != _key(speaker):
            turns.append(Turn(speaker, " ".join(texts), first.start, last.end))
            texts = []
        if not texts:
            first, speaker = piece, new_speaker
        if text:
            texts.append(text)
        last = piece
    if texts:
        turns.append(Turn(speaker, " ".join(texts), first.start, last.end))
    return turns


def _key(speaker: str | None) -> str | None:
    return None if speaker is None else name_key(speaker)
