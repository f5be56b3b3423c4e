"""The team's part of ``Project``: blind coding, memos, review coverage and sessions,
undo and the audit trail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from gioia.project_base import ProjectBase
from gioia.views_core import Written

if TYPE_CHECKING:
    from gioia.views import (
        CoderSummary,
        ConceptChoice,
        ConceptInfo,
        EventView,
        MemoView,
        ProgressRow,
        ReviewResult,
        Step,
    )


class TeamMixin(ProjectBase):
    """Blind coding, memos, review coverage, sessions, undo and the trail."""

    # --- blind coding ------------------------------------------------------------------

    def phase(self) -> str:
        """The project's phase of blind coding: ``open`` or ``codebook``."""
        from gioia.ops import visibility

        with self._read() as tx:
            return visibility.phase(tx)

    def set_phase(self, phase: str) -> str:
        """Move the project to a phase of blind coding; returns the phase it was in."""
        from gioia.ops import visibility

        with self._lead_write("Changing the phase of blind coding") as tx:
            return visibility.set_phase(tx, phase)

    # --- memos -------------------------------------------------------------------------

    def add_memo(
        self, target: str, text: str, *, level: str | None = None, share: bool = False
    ) -> MemoView:
        """Attach a memo to a segment (``T:N``), a concept, a theme or a dimension
        (``level`` says which when a name is both); private to you during blind coding
        unless ``share``."""
        from gioia.ops import memos

        with self._write() as tx:
            return memos.add(tx, target, text, level=level, share=share)

    def edit_memo(self, memo: int | str, text: str) -> MemoView:
        """Replace the text of one of your memos (``memo`` is its number)."""
        from gioia.ops import memos

        with self._write() as tx:
            return memos.edit(tx, memo, text)

    def share_memo(self, memo: int | str) -> MemoView:
        """Let every coder read one of your memos during blind coding."""
        from gioia.ops import memos

        with self._write() as tx:
            return memos.share(tx, memo)

    def delete_memo(self, memo: int | str) -> MemoView:
        """Delete one of your memos (the trail keeps its text)."""
        from gioia.ops import memos

        with self._write() as tx:
            return memos.delete(tx, memo)

    def memos(
        self, target: str | None = None, *, level: str | None = None, show_others: bool = False
    ) -> list[MemoView]:
        """The memos you may read (yours and shared ones, when blind): all, on one
        target (a segment, a transcript's segments, or an item), or of one ``level``."""
        from gioia.ops import memos

        with self._read(show_others=show_others, reading="memos") as tx:
            return memos.memos(tx, target, level=level)

    def write_memos(
        self,
        path: Path,
        target: str | None = None,
        *,
        level: str | None = None,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> Written:
        """Write the memos you may read to .md or .docx; ``count`` is how many."""
        from gioia.publish import MEMO_FORMATS, write_memos

        with self._output(path, MEMO_FORMATS, no_clobber) as out:
            rows = self.memos(target, level=level, show_others=show_others)
            write_memos(rows, out.temp)
        return Written(out.path, out.replaced, len(rows))

    # --- review coverage and sessions --------------------------------------------------

    def review(
        self, refs: list[str] | None = None, *, transcript: str | None = None
    ) -> ReviewResult:
        """Mark segments (or a whole transcript) as read by the current coder."""
        from gioia.ops import reviews

        return self._write_retrying(lambda tx: reviews.review(tx, refs, transcript))

    def unreview(
        self, refs: list[str] | None = None, *, transcript: str | None = None
    ) -> ReviewResult:
        """Take back the current coder's "read" marks (codings stay)."""
        from gioia.ops import reviews

        with self._write() as tx:
            return reviews.unreview(tx, refs, transcript)

    def progress(self, *, show_others: bool = False) -> list[ProgressRow]:
        """Per coder and transcript: segments reviewed out of those to code, and codings
        (yours only, during blind coding)."""
        from gioia.ops import reviews

        with self._read(show_others=show_others, reading="progress") as tx:
            return reviews.progress(tx)

    def coders(self, *, show_others: bool = False) -> list[CoderSummary]:
        """Every coder with what they have reviewed and coded (you only, during blind
        coding)."""
        from gioia.ops import reviews

        with self._read(show_others=show_others, reading="coders") as tx:
            return reviews.coders(tx)

    def rename_coder(self, old: str, new: str) -> str:
        """Rename a coder; their codings, reviews and events follow."""
        from gioia.ops import reviews

        with self._lead_write("Renaming a coder") as tx:
            return reviews.rename_coder(tx, old, new)

    def queue(
        self, *, transcript: str | None = None, include_interviewer: bool = False
    ) -> list[int]:
        """The ids of the segments the current coder has not reviewed yet, in reading order."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.queue(tx, transcript=transcript, include_interviewer=include_interviewer)

    def first_unreviewed(self, segment_ids: list[int], *, after: int | None = None) -> int | None:
        """The first of these segments (a :meth:`queue`) the current coder has not
        reviewed yet; with ``after``, the first after that segment in reading order (in
        the queue or not), going round to the queue's start. None: the queue is done."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.first_unreviewed(tx, segment_ids, after=after)

    def segment_id(self, ref: str) -> int:
        """The id of the segment ``TRANSCRIPT:N``."""
        from gioia.ops.objects import resolve_refs

        with self._read() as tx:
            ((_, segment),) = resolve_refs(tx, [ref])
            return segment.id

    def step(self, segment_id: int, *, show_others: bool = False) -> Step:
        """What a coding session shows for a segment: it, the one before, and context."""
        from gioia.ops import reviews

        with self._read(show_others=show_others, reading="segments in a coding session") as tx:
            return reviews.step(tx, segment_id)

    def concept_choices(self, *, show_others: bool = False) -> list[ConceptChoice]:
        """Every concept you may see with its theme, your most recently used first."""
        from gioia.ops import reviews

        with self._read(show_others=show_others, reading="concept names") as tx:
            return reviews.concept_choices(tx)

    def concept_info(self, name: str) -> ConceptInfo:
        """A concept's definition, theme, dimension and memos, and two of your codings."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.concept_info(tx, name)

    def undo(self, events: list[int]) -> list[str]:
        """Reverse the current coder's events (tags, untags, memos, reviews, creations);
        refused for an event undone already or one that can no longer be reversed."""
        from gioia.ops import undo

        with self._write() as tx:
            return undo.undo(tx, events)

    # --- the audit trail ---------------------------------------------------------------

    def log(
        self,
        *,
        since: dt.datetime | None = None,
        by: str | None = None,
        concept: str | None = None,
        limit: int | None = None,
        show_others: bool = False,
    ) -> list[EventView]:
        """The audit trail, oldest first, filtered by time, author (``by``) or concept.

        Blind coding: other coders' codings, reviews, memos and private concepts are
        left out unless ``show_others``.
        """
        from gioia.ops import listing

        with self._read(show_others=show_others, reading="the audit trail") as tx:
            return listing.log(tx, since=since, by=by, concept=concept, limit=limit)
