"""Speaker labels of an imported file: refused when beyond the limits, and warnings
when some were probably missed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gioia.errors import ImportFailed, InvalidInput
from gioia.limits import clean_label
from gioia.text import SegmentSpan

if TYPE_CHECKING:
    from gioia.ops.importing import ImportOptions

#: A speaker holding this share of a file's text (or more) is probably hiding others;
#: so is the interviewer holding this much of it (informants usually talk most).
NEARLY_ALL = 0.97
INTERVIEWER_MOST = 0.5


def check_speakers(path: Path, speakers: list[str | None]) -> None:
    """Refuse the file when a speaker label is beyond the limits (too long, controls)."""
    seen: set[str] = set()
    for position, speaker in enumerate(speakers, start=1):
        if speaker is not None and speaker not in seen:
            seen.add(speaker)
            try:
                clean_label(speaker, "A speaker name")
            except InvalidInput as exc:
                raise ImportFailed(f"{path.name}, segment {position}: {exc.message}") from None


def speaker_warnings(text: str, spans: list[SegmentSpan], options: ImportOptions) -> list[str]:
    """Warnings about speakers that were probably missed (their turns then run on inside
    another speaker's): no turn but the interviewer's, and, in a file of three turns or
    more, one speaker holding nearly all the text or the interviewer holding most of it."""
    if not spans:
        return []
    if all(options.is_interviewer(span.speaker) for span in spans):
        labels = ", ".join(sorted({repr(span.speaker) for span in spans}))
        return [
            f"no informant turn: every segment is the interviewer's ({labels}), so nothing "
            "here is offered for coding; check the speaker labels, or name the "
            "interviewer's with --interviewer."
        ]
    if len({span.turn for span in spans}) < 3:
        return []
    held: dict[str, int] = {}
    for span in spans:
        if span.speaker is not None:
            held[span.speaker] = held.get(span.speaker, 0) + span.end - span.start
    total = sum(span.end - span.start for span in spans)
    asking = sum(n for speaker, n in held.items() if options.is_interviewer(speaker))
    speaker, most = max(held.items(), key=lambda item: item[1], default=("", 0))
    check = (
        "check that every speaker's label was found (a label not taken as a speaker's "
        "is read as part of the turn before it)."
    )
    if most >= NEARLY_ALL * total:
        return [f"{speaker!r} holds {most / total:.0%} of the text: {check}"]
    if asking >= INTERVIEWER_MOST * total:
        return [f"the interviewer's turns hold {asking / total:.0%} of the text: {check}"]
    return []
