"""Plain-text (.txt) and Markdown (.md) transcripts, and the speaker-label parser.

The label parser works on :class:`Block` objects, a line of a text file or a
paragraph of a Word document, so that :mod:`gioia.importers.word` and
:mod:`gioia.importers.captions` share it.

A *label* is looked for at the start of a block only, in these shapes
(times in ``h:mm:ss``, ``mm:ss`` or ``m:ss``, with optional fraction)::

    Anna Rossi: text          [00:12:03] Anna: text     Anna [00:12:03]: text
    (00:12:03) Anna: text     00:12:03 Anna: text       Anna Rossi (00:03):
    [Anna] text               **Anna:** text            Anna Rossi  0:03
    INTERVIEWER               (alone on its line, the text on the next lines)

and, in Word, a bold run that starts a paragraph (``**Anna Rossi** text``).
A speaker name has at most five words and 40 characters, starts with a
letter and holds only letters, digits, marks, spaces, apostrophes and
``.&-``; a colon must be followed by a space or end the line, so
``https://…``, ``10:30`` and ``ratio 3:1`` never match, and neither does a
long phrase ending in a colon ("The three things we considered were:").

A candidate is a speaker label when its name (compared case- and
space-insensitively) is that of a *sure* speaker, one that somewhere in the
file:

1. carries a time (the inline-time, Rev and Otter shapes: transcription
   services write times only for speakers); or
2. is a well-known role in the colon or bracket shape: Interviewer,
   Interviewee, Respondent, Participant, Moderator, Facilitator, Researcher,
   Speaker, Question, Answer, Q, A, I, R, P, Int, Resp, optionally numbered
   (``P1``, ``Speaker 2``); or
3. starts at least two blocks and looks like a name; or
4. in the colon or bracket shape, opens at least three paragraphs (``RECURRING``)
   and looks like a role in any case ("Export manager", "head of sales",
   "EXPORT MANAGER"): no word that often ends in a colon first ("Note",
   "However", "Step 2") and no pronoun, verb or question word ("What we did").

A speaker who talks once is a label too when the candidate starts a
paragraph, has the colon or bracket shape, and the file has another sure
speaker. Rule 3 and this one need a name that looks like one (each word
capitalised, except particles such as "de" or "of") and neither is nor starts
with a word that often ends in a colon ("Note", "Summary", "Yes") or a sound
annotation ("[Laughter]"). A name alone on its line or a bold run must also be
followed by text rather than by another likely label, so that a recurring
one-word answer does not become a speaker.

Before the first sure speaker, a title or metadata block (short paragraphs
without a label, or with a label used once before words that do not end a
sentence: "Interview: Clinic C, IT Lead") is left out with a warning that
names it. Other text before the first label gives one turn without speaker
per paragraph; after a label, text without a label continues the turn (lines
joined by ``\\n``, paragraphs by a blank line). A text file without any blank line
(Word's "Plain text" export) has one paragraph per line. In Markdown, heading
lines (``# Interview 3``) are titles, not what was said: they are left out,
with a warning naming them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gioia.errors import ImportFailed
from gioia.importers.base import ParsedTranscript, Turn
from gioia.importers.decode import read_text
from gioia.text import name_key

# One timestamp syntax for every reader: [h:]mm:ss or m:ss, optional fraction.
TIMESTAMP = r"\d+:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_TIMESTAMP = re.compile(TIMESTAMP)

_NAME = r"[^\W\d_][^\s:\[\]()*]*(?:[ \t]+[^\s:\[\]()*]+){0,4}"


def _time_tag(group: str) -> str:
    """A time in square or round brackets, captured as ``group``."""
    return rf"[\[(](?P<{group}>{TIMESTAMP})[\])]"


_COLON_LABEL = re.compile(
    rf"(?:{_time_tag('t1')}[ \t]*|(?P<t2>{TIMESTAMP})[ \t]+)?"
    rf"(?P<name>{_NAME})"
    rf"(?:[ \t]*{_time_tag('t3')})?"
    rf"[ \t]*:(?=\s|$)[ \t]*"
    rf"(?:{_time_tag('t4')}[ \t]*)?"
)
_BRACKET_LABEL = re.compile(rf"\[(?P<name>{_NAME})\][ \t]*:?(?=\s|$)[ \t]*")
_OTTER_HEADER = re.compile(rf"(?P<name>{_NAME})(?:[ \t]{{2,}}|\t)(?P<t1>{TIMESTAMP})[ \t]*")
_BARE_LABEL = re.compile(rf"(?P<name>{_NAME})[ \t]*")
_MARKDOWN_BOLD = re.compile(r"(\*\*|__)([^*_\n]{1,60}?)\1[ \t]*")
_MARKDOWN_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")

_NAME_PUNCTUATION = frozenset(".'\u2019&-")
#: A label in any case (a role such as "Export manager") that opens this many
#: paragraphs of a file is a speaker's.
RECURRING = 3
#: A title or metadata block before the first speaker is left out when each of its
#: paragraphs is at most this long.
TITLE_BLOCK_CHARACTERS = 200
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSING_MARKS = "\"'\u201d\u2019)]"
_KNOWN_ROLE = re.compile(
    r"(?:interviewer|interviewee|respondent|participant|moderator|facilitator|researcher"
    r"|speaker|question|answer|q|a|i|r|p|int|resp)(?: ?\d{1,3})?"
)
# Words that often end in a colon at the start of a line without naming a
# speaker, and the usual sound annotations in brackets; lower-case particles
# of names.
# fmt: off
_NOT_SPEAKERS = frozenset({
    "note", "notes", "nb", "ps", "example", "examples", "source", "sources", "update", "edit",
    "comment", "comments", "remark", "reminder", "summary", "context", "background", "date",
    "time", "location", "place", "subject", "topic", "re", "cc", "to", "from", "url", "link",
    "website", "email", "e-mail", "tel", "phone", "address", "total", "result", "results",
    "conclusion", "definition", "quote", "translation", "aside", "observation", "memo",
    "todo", "yes", "no", "ok", "okay", "well", "so", "and", "but", "also", "then", "now",
    "first", "second", "third", "finally", "basically", "important", "warning", "tip",
    "laughter", "laughs", "laughing", "crosstalk", "inaudible", "unintelligible", "unclear",
    "music", "applause", "pause", "silence", "noise", "cough", "coughs", "sighs",
    "overlapping", "overtalk", "yeah", "yep", "right", "sure", "exactly", "absolutely", "true",
    "thanks", "hmm", "mhm", "uh", "um", "however", "therefore", "moreover", "furthermore",
    "meanwhile", "instead", "otherwise", "besides", "anyway", "actually", "honestly", "frankly",
    "again", "still", "indeed", "hence", "thus", "consequently", "nevertheless", "nonetheless",
    "additionally", "lastly", "overall", "meaning", "caveat", "disclaimer", "hint", "step",
    "part", "section", "chapter", "appendix",
    "in short", "in other words", "for example", "for instance", "in fact", "of course",
    "by the way", "on the other hand", "that said", "in summary", "in sum", "in brief",
})
# Words that make a phrase ending in a colon a piece of prose, not a role.
_PROSE_WORDS = frozenset({
    "i", "we", "you", "he", "she", "it", "they", "me", "us", "them", "my", "our", "your",
    "his", "its", "their", "this", "that", "these", "those", "there", "here", "is", "are",
    "was", "were", "be", "been", "am", "do", "does", "did", "have", "has", "had", "will",
    "would", "can", "could", "should", "may", "might", "must", "what", "why", "how", "when",
    "where", "which", "who", "whom", "not", "if", "because", "as", "than", "then",
})
_PARTICLES = frozenset({
    "of", "the", "and", "for", "de", "da", "di", "del", "della", "dos", "das", "du", "la", "le",
    "van", "von", "der", "den", "ter", "y", "e", "al", "el", "bin",
})
# fmt: on


def parse_timestamp(value: str) -> float | None:
    """Return ``h:mm:ss``, ``mm:ss`` or ``m:ss`` (fraction after ``.`` or ``,``) in seconds.

    None when ``value`` is not such a time or a field is out of range.
    """
    value = value.strip()
    if not _TIMESTAMP.fullmatch(value):
        return None
    *fields, seconds_field = value.replace(",", ".").split(":")
    hours, minutes = (int(fields[0]), int(fields[1])) if len(fields) == 2 else (0, int(fields[0]))
    seconds = float(seconds_field)
    if seconds >= 60 or (len(fields) == 2 and minutes >= 60):
        return None
    return round(hours * 3600 + minutes * 60 + seconds, 3)


@dataclass(frozen=True)
class Label:
    """A speaker label found at the start of a block, and the text after it."""

    speaker: str
    rest: str
    start: float | None = None
    sure: bool = False
    """The shape alone shows a speaker: a time, as only transcription services
    write them, or a table's speaker column."""
    alone: bool = False
    """A name alone on its line without colon, or a bold run: weaker evidence."""


@dataclass(frozen=True)
class Block:
    """A unit that can start a turn: a line of a text file or a Word paragraph.

    ``new_paragraph`` tells whether it joins the turn before with a blank
    line (True) or a line break. ``bold`` is the bold text it starts with, if
    any; ``label``, when set, is the speaker given by the layout (a table
    column, with ``sure=True``). ``line`` (1-based) is for warnings.
    """

    text: str
    new_paragraph: bool = True
    bold: str = ""
    label: Label | None = None
    line: int | None = None


def find_label(text: str, *, bold: str = "", alone: bool = True) -> Label | None:
    """Return the label candidate that starts ``text``, or None.

    ``bold`` is the bold text that starts ``text``, if any; ``alone`` allows
    a name alone on the first line. Whether the candidate is a speaker is
    decided by :func:`choose_labels`.
    """
    first, newline, more = text.partition("\n")
    markdown = _MARKDOWN_BOLD.match(first)
    if markdown is not None and not bold:
        bold = markdown.group(2).strip()
        first = f"{bold} {first[markdown.end() :]}".rstrip()
    label = _match_label(first, alone and (not bold or bold == first))
    if label is None and bold and first.startswith(bold) and len(bold) < len(first):
        name = bold.rstrip(": \t")
        if is_name(name):
            label = Label(name, first[len(bold) :].lstrip(": \t"), alone=True)
    if label is None or not is_name(label.speaker):
        return None
    if not newline:
        return label
    rest = f"{label.rest}\n{more}" if label.rest else more
    return Label(label.speaker, rest.strip(), label.start, label.sure, label.alone)


def _match_label(line: str, alone: bool) -> Label | None:
    """Match the label shapes against one line."""
    match = _COLON_LABEL.match(line)
    if match is not None:
        times = [match.group(t) for t in ("t1", "t2", "t3", "t4") if match.group(t)]
        start = parse_timestamp(times[0]) if times else None
        return Label(_clean(match.group("name")), line[match.end() :], start, sure=bool(times))
    match = _BRACKET_LABEL.match(line)
    if match is not None:
        return Label(_clean(match.group("name")), line[match.end() :])
    match = _OTTER_HEADER.fullmatch(line)
    if match is not None:
        start = parse_timestamp(match.group("t1"))
        return Label(_clean(match.group("name")), "", start, sure=True)
    if alone and _BARE_LABEL.fullmatch(line) and line[-1] not in ".,;!?":
        return Label(_clean(line), "", alone=True)
    return None


def _clean(name: str) -> str:
    """Return ``name`` with its spaces collapsed."""
    return " ".join(name.split())


def is_name(name: str) -> bool:
    """Whether ``name`` can be a speaker's name: a few words of letters, not a sentence."""
    return (
        0 < len(name) <= 40
        and len(name.split()) <= 5
        and name[0].isalpha()
        and (name.replace(" ", "").isalnum() or _name_characters(name))
    )


def _name_characters(name: str) -> bool:
    """Whether every character of ``name`` can be in a speaker's name."""
    return all(
        ch.isalnum() or ch == " " or ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] == "M"
        for ch in name
    )


def _looks_like_role(name: str) -> bool:
    """Whether ``name``, in any case, can be a role or a name rather than the start of a
    sentence: no word that often ends in a colon first, no pronoun, verb or question
    word ("Export manager", "head of sales", "IT lead", but not "However", "What we
    did"). A word in capitals inside a label that is not all capitals is an acronym."""
    words = name.split()
    shouting = name.isupper()
    return (
        name_key(name) not in _NOT_SPEAKERS
        and words[0].casefold() not in _NOT_SPEAKERS
        and not any(
            word.casefold() in _PROSE_WORDS and (shouting or len(word) < 2 or not word.isupper())
            for word in words
        )
    )


def _looks_like_name(name: str) -> bool:
    """Whether ``name`` is capitalised like a name and neither is nor starts with a word
    that often ends in a colon ("Note", "Step 2")."""
    words = name.split()
    if name_key(name) in _NOT_SPEAKERS or words[0].casefold() in _NOT_SPEAKERS:
        return False
    if words[0][0].islower() or words[-1][0].islower():
        return False
    return all(not word[0].islower() or word.casefold() in _PARTICLES for word in words)


def sure_speakers(candidates: Sequence[Label | None], paragraph_starts: Sequence[bool]) -> set[str]:
    """The name keys of the candidates that are speakers by rules 1 to 4 of the module
    docstring (not the speakers who talk once)."""
    keys = [None if label is None else name_key(label.speaker) for label in candidates]
    counts = Counter(key for key in keys if key is not None)
    opening = Counter(
        key
        for label, key, starts in zip(candidates, keys, paragraph_starts, strict=True)
        if label is not None and key is not None and starts and not label.alone
    )

    def sure(label: Label, key: str) -> bool:
        if label.sure or (not label.alone and _KNOWN_ROLE.fullmatch(key)):
            return True
        if counts[key] >= 2 and _looks_like_name(label.speaker):
            return True
        return opening[key] >= RECURRING and _looks_like_role(label.speaker)

    return {
        key
        for label, key in zip(candidates, keys, strict=True)
        if label is not None and key is not None and sure(label, key)
    }


def choose_labels(
    candidates: Sequence[Label | None], paragraph_starts: Sequence[bool]
) -> list[Label | None]:
    """Keep the candidates that are speaker labels (rules in the module docstring)."""
    sure_keys = sure_speakers(candidates, paragraph_starts)
    chosen: list[Label | None] = []
    for label, starts in zip(candidates, paragraph_starts, strict=True):
        key = None if label is None else name_key(label.speaker)
        keep = label is not None and (
            key in sure_keys
            or (
                starts
                and not label.alone
                and bool(sure_keys - {key})
                and _looks_like_name(label.speaker)
            )
        )
        chosen.append(label if keep else None)
    return chosen


def parse_blocks(blocks: Sequence[Block]) -> tuple[list[Turn], list[str]]:
    """Return the turns that ``blocks`` hold, and warnings."""
    found = [block.label or find_label(block.text, bold=block.bold) for block in blocks]
    counts = Counter(name_key(label.speaker) for label in found if label is not None)

    def is_text(index: int) -> bool:
        """Whether block ``index`` exists and is text rather than a likely label."""
        if index >= len(blocks):
            return False
        label = found[index]
        return label is None or (
            label.alone
            and (counts[name_key(label.speaker)] < 2 or not _looks_like_name(label.speaker))
        )

    # A name alone on its line must be followed by text.
    candidates = [
        None
        if label is not None and label.alone and not label.rest and not is_text(i + 1)
        else label
        for i, label in enumerate(found)
    ]
    paragraph_starts = [block.new_paragraph for block in blocks]
    labels = choose_labels(candidates, paragraph_starts)
    skip, warnings = _title_block(blocks, labels, sure_speakers(candidates, paragraph_starts))
    blocks, labels = blocks[skip:], labels[skip:]

    turns: list[Turn] = []
    speaker: str | None = None
    start: float | None = None
    parts: list[str] = []
    labelled = False
    opened_at: int | None = None

    def close() -> None:
        text = "".join(parts).strip()
        if text:
            turns.append(Turn(speaker, text, start))
        elif speaker is not None:
            where = f"line {opened_at}: " if opened_at is not None else ""
            warnings.append(f"{where}the label '{speaker}' has no text after it; skipped.")
        parts.clear()

    for block, label in zip(blocks, labels, strict=True):
        if label is not None:
            close()
            speaker, start, labelled, opened_at = label.speaker, label.start, True, block.line
            parts.append(label.rest)
            continue
        if not labelled and block.new_paragraph:
            close()
            speaker, start = None, None
        if parts and parts[-1]:
            parts.append("\n\n" if block.new_paragraph else "\n")
        parts.append(block.text)
    close()
    return turns, warnings


def _title_block(
    blocks: Sequence[Block], labels: Sequence[Label | None], sure: set[str]
) -> tuple[int, list[str]]:
    """How many blocks before the first sure speaker are a title or metadata block to
    leave out, and a warning that names them. They are when every one is short and
    has no label, or a label used once before words that do not end a sentence
    ("Interview: Clinic C, IT Lead", "Date: 12 May"); otherwise they stay."""
    first = next(
        (i for i, label in enumerate(labels) if label and name_key(label.speaker) in sure), 0
    )
    leading = list(zip(blocks[:first], labels[:first], strict=True))
    if not leading or not all(
        len(block.text) <= TITLE_BLOCK_CHARACTERS
        and (label is None or not label.rest.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_ENDS))
        for block, label in leading
    ):
        return 0, []
    lines = [block.line for block, _ in leading if block.line is not None]
    if lines:
        where = f"line {lines[0]}" if lines[0] == lines[-1] else f"lines {lines[0]}-{lines[-1]}"
    else:
        where = "paragraph 1" if first == 1 else f"paragraphs 1-{first}"
    title = " / ".join(" ".join(block.text.split()) for block, _ in leading)
    return first, [
        f"{where} before the first speaker left out as a title or metadata block: {title!r}."
    ]


def text_blocks(text: str, *, markdown: bool = False) -> tuple[list[Block], list[str]]:
    """Split decoded (normalised) text into line blocks; in Markdown, leave headings out."""
    lines = text.split("\n")
    every_line_a_paragraph = "\n\n" not in text.strip()
    blocks: list[Block] = []
    headings: list[int] = []
    after_blank = True
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            after_blank = True
            continue
        if markdown and _MARKDOWN_HEADING.match(line):
            headings.append(number)
            after_blank = True
            continue
        blocks.append(Block(line, after_blank or every_line_a_paragraph, line=number))
        after_blank = False
    warnings = []
    if headings:
        where = ", ".join(str(number) for number in headings)
        word = "line" if len(headings) == 1 else "lines"
        warnings.append(
            f"Markdown heading {word} {where} left out: headings are not transcript text."
        )
    return blocks, warnings


def parse_text(text: str, *, markdown: bool = False) -> tuple[list[Turn], list[str]]:
    """The turns of decoded, normalised text, and warnings (a file's reading, without the
    file: also for text that comes from elsewhere, such as a REFI-QDA source)."""
    blocks, block_warnings = text_blocks(text, markdown=markdown)
    turns, turn_warnings = parse_blocks(blocks)
    return turns, block_warnings + turn_warnings


def read_plain(path: Path) -> ParsedTranscript:
    """Read a .txt or .md transcript."""
    text, warnings = read_text(path)
    markdown = path.suffix.lower() == ".md"
    turns, parse_warnings = parse_text(text, markdown=markdown)
    if not turns:
        raise ImportFailed(f"{path.name} has no transcript text to import.")
    return ParsedTranscript(turns, "md" if markdown else "txt", warnings + parse_warnings)
