"""``Project``: every use case of gioia, one transaction per public method."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gioia import store as store_module
from gioia.errors import GioiaError, ImportFailed, StoreError, WriteConflict
from gioia.importers import SUPPORTED_SUFFIXES
from gioia.ops.base import find_concept_row, resolve_segments
from gioia.project_analysis import AnalysisMethods
from gioia.project_exchange import ExchangeMethods
from gioia.project_publish import PublishMethods
from gioia.schema import utcnow
from gioia.store import open_store

if TYPE_CHECKING:
    from gioia.importers.manifest import TranscriptMeta
    from gioia.migrate import Revision
    from gioia.ops.importing import ImportOptions
    from gioia.views import (
        AgreementReport,
        CaseSummary,
        CoderSummary,
        CodingRow,
        CodingsImportResult,
        ConceptChoice,
        ConceptInfo,
        Disagreement,
        EventView,
        ImportResult,
        MatrixAgreement,
        MemoView,
        ProgressRow,
        ReconcileState,
        ReviewResult,
        SchemaUpgrade,
        SegmentEdit,
        SegmentView,
        Step,
        TagResult,
        TranscriptSummary,
        TranscriptView,
        UntagResult,
    )

ImportProgress = Callable[[int, int, "ImportResult"], None]


class Project(AnalysisMethods, PublishMethods, ExchangeMethods):
    """An open gioia project (one store), acting as one coder (or none, for reading).

    Use ``Project.open(...)`` or ``Project.init(...)``, ideally as a context manager.
    Its methods on the structure are in :class:`~gioia.project_structure.StructureMethods`,
    those that write what a paper prints in :class:`~gioia.project_publish.PublishMethods`,
    what every method shares in :class:`~gioia.project_base.ProjectBase`.
    """

    @classmethod
    def open(
        cls,
        location: str | None = None,
        *,
        coder: str | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> Project:
        """Open an existing store (path or URL; default ``GIOIA_STORE`` or ``./gioia.db``).

        A SQLite store from an older gioia is backed up and upgraded (see ``upgrade``);
        ``on_wait`` is told when a write waits for another process to finish.
        """
        return cls(open_store(location, on_wait=on_wait), coder)

    @classmethod
    def init(cls, location: str | None = None, *, coder: str | None = None) -> Project:
        """Create the store (or open it, if it exists already) at the newest schema."""
        return cls(open_store(location, create=True), coder)

    @staticmethod
    def schema_revisions(location: str | None = None) -> tuple[str | None, str]:
        """The store's schema revision (None before ``init``) and the one this gioia needs."""
        return store_module.schema_revisions(location)

    @staticmethod
    def upgrade_schema(location: str | None = None) -> SchemaUpgrade:
        """Upgrade the store's schema, backing up a SQLite file first."""
        return store_module.upgrade_schema(location)

    @staticmethod
    def schema_history() -> list[Revision]:
        """Every schema migration, oldest first."""
        from gioia.migrate import history

        return history()

    # --- import ------------------------------------------------------------------

    def import_file(
        self,
        path: Path,
        meta: TranscriptMeta | None = None,
        options: ImportOptions | None = None,
    ) -> ImportResult:
        """Import one transcript file in one transaction; raises on a bad file.

        Replacing a transcript (``options.replace``) carries its codings, quote picks,
        memos and read marks over to the new text (see ``ImportResult.carried``); with
        ``options.force`` what cannot be placed is dropped, audited, and listed in a CSV
        file beside the store.
        """
        from gioia.importers.manifest import TranscriptMeta
        from gioia.ops import importing
        from gioia.views import ImportResult

        with self._write() as tx:
            outcome = importing.import_file(
                tx, path, meta or TranscriptMeta(), options or importing.ImportOptions()
            )
            carried = outcome.carried
            if outcome.dropped and carried is not None:
                export = self._export_dropped(outcome.transcript, outcome.dropped)
                carried = dataclasses.replace(carried, export=str(export))
        return ImportResult(
            str(path),
            outcome.status,
            outcome.transcript,
            outcome.segments,
            outcome.warnings,
            carried=carried,
        )

    def _export_dropped(self, transcript: str, rows: Sequence[dict[str, str]]) -> Path:
        """Write the codings and memos dropped from a transcript beside the store (inside
        the transaction that drops them: if the file cannot be written, nothing is lost)."""
        from gioia.ops import carry

        stamp = utcnow().strftime("%Y%m%d-%H%M%S")
        path = self._store.folder / f"{transcript}-dropped-{stamp}.csv"
        number = 1
        while path.exists():  # a second drop in the same second
            number += 1
            path = path.with_name(f"{transcript}-dropped-{stamp}-{number}.csv")
        carry.write_dropped(path, rows)
        return path

    def import_files(
        self,
        paths: list[Path],
        meta: TranscriptMeta | None = None,
        options: ImportOptions | None = None,
        *,
        manifest: Path | None = None,
        progress: ImportProgress | None = None,
    ) -> list[ImportResult]:
        """Import files and folders, each file in its own transaction.

        A bad file is reported in its result (status ``failed``) and the others go on;
        a failure of the store itself (a full disk, …) stops the batch.
        With a manifest, its rows give each file's metadata (``meta`` fills the gaps)
        and, when no paths are given, the files to import; a file it does not list gets
        a warning that says so.
        """
        from gioia.importers.manifest import TranscriptMeta, checked_meta, read_manifest
        from gioia.views import ImportResult

        base = checked_meta(meta or TranscriptMeta())
        listed = read_manifest(manifest) if manifest else {}
        files = expand_paths(paths) if paths else list(listed)
        if not files:
            raise ImportFailed(
                f"No transcript files found (gioia reads {', '.join(SUPPORTED_SUFFIXES)})."
            )
        results = []
        for number, path in enumerate(files, start=1):
            file_meta = listed.get(path.resolve(), TranscriptMeta()).overlaid(base)
            try:
                result = self.import_file(path, file_meta, options)
            except (StoreError, WriteConflict):
                raise  # the store failed (full, read-only, busy, gone): the next file would too
            except GioiaError as exc:
                result = ImportResult(
                    str(path), "failed", error=exc.message, details=tuple(exc.details)
                )
            except MemoryError:
                result = ImportResult(
                    str(path), "failed", error=f"{path.name} is too large to read in memory."
                )
            if manifest is not None and path.resolve() not in listed:
                unlisted = (
                    f"not listed in {manifest.name}: imported without the case, informant, "
                    "role, date or wave a manifest row gives.",
                )
                result = dataclasses.replace(result, warnings=unlisted + result.warnings)
            results.append(result)
            if progress is not None:
                progress(number, len(files), result)
        return results

    def transcripts(self) -> list[TranscriptSummary]:
        """Every transcript with its metadata and counts."""
        from gioia.ops import listing

        with self._read() as tx:
            return listing.transcripts(tx)

    def cases(self) -> list[CaseSummary]:
        """Every case with its attributes, informants and counts."""
        from gioia.ops import listing

        with self._read() as tx:
            return listing.cases(tx)

    # --- reading segments ---------------------------------------------------------

    def segments(
        self,
        *,
        transcript: str | None = None,
        uncoded: bool = False,
        concept: str | None = None,
        grep: str | None = None,
        include_interviewer: bool = False,
        show_others: bool = False,
    ) -> list[SegmentView]:
        """Segments in reading order with the current coder's codings (everyone's if no
        coder, or with ``show_others``).

        ``grep`` is a case-insensitive regular expression; interviewer turns are left
        out unless ``include_interviewer``.
        """
        from gioia.ops import listing

        with self._read() as tx:
            return listing.segments(
                tx,
                transcript=transcript,
                uncoded=uncoded,
                concept=concept,
                grep=grep,
                include_interviewer=include_interviewer,
                coder=None if show_others else self.coder,
            )

    def iter_segments(
        self,
        *,
        transcript: str | None = None,
        uncoded: bool = False,
        concept: str | None = None,
        grep: str | None = None,
        include_interviewer: bool = False,
        show_others: bool = False,
    ) -> Generator[SegmentView, None, None]:
        """The segments of ``segments``, as they are read from the store: the first come
        at once however large the transcript. One read transaction lasts until the
        iteration ends (close the iterator to end it early)."""
        from gioia.ops import listing

        with self._read() as tx:
            for page in listing.segment_pages(
                tx,
                transcript=transcript,
                uncoded=uncoded,
                concept=concept,
                grep=grep,
                include_interviewer=include_interviewer,
                coder=None if show_others else self.coder,
            ):
                yield from page

    def transcript(self, name: str, *, show_others: bool = False) -> TranscriptView:
        """A transcript segment by segment with the current coder's codings (everyone's
        if no coder, or with ``show_others``)."""
        from gioia.ops import listing

        with self._read() as tx:
            return listing.transcript_view(tx, name, coder=None if show_others else self.coder)

    # --- editing segments ------------------------------------------------------------

    def merge_segments(self, refs: list[str]) -> SegmentEdit:
        """Merge consecutive segments (``T:N``) into the first; codings, memos and quote
        picks are kept (see :func:`gioia.ops.segments.merge`)."""
        from gioia.ops import segments

        with self._write() as tx:
            return segments.merge(tx, refs)

    def split_segment(
        self,
        ref: str,
        *,
        at: int | None = None,
        before: str | None = None,
        sentences: bool = False,
    ) -> SegmentEdit:
        """Split a segment at a character offset of its text, before some words, or at
        every sentence; codings, memos and read marks follow the parts."""
        from gioia.ops import segments

        with self._write() as tx:
            return segments.split(tx, ref, at=at, before=before, sentences=sentences)

    def delete_segment(self, ref: str, *, force: bool = False) -> SegmentEdit:
        """Delete a segment and its words (a title line, a false turn); refused while it
        holds codings or memos unless ``force``, which drops them (audited, and listed in
        a CSV file beside the store)."""
        from gioia.ops import segments

        with self._write() as tx:
            outcome = segments.delete_segment(tx, ref, force=force)
            edit = outcome.edit
            if outcome.dropped:
                name = edit.before[0].rsplit(":", 1)[0]
                export = self._export_dropped(name, outcome.dropped)
                carried = dataclasses.replace(edit.carried, export=str(export))
                edit = dataclasses.replace(edit, carried=carried)
        return edit

    # --- coding ------------------------------------------------------------------

    def tag(
        self,
        refs: list[str],
        concept: str,
        *,
        quote: str | None = None,
        span: tuple[int, int] | None = None,
        create: bool = False,
    ) -> TagResult:
        """Code segments (``T:N``) with a concept, whole or on a quote or span.

        A concept that does not exist is created only when ``create`` is true.
        """
        from gioia.ops import tagging

        return self._write_retrying(
            lambda tx: tagging.tag(tx, refs, concept, quote=quote, span=span, create=create)
        )

    def untag(
        self,
        refs: list[str],
        concept: str,
        *,
        quote: str | None = None,
        span: tuple[int, int] | None = None,
    ) -> UntagResult:
        """Remove the current coder's codings of a concept from segments."""
        from gioia.ops import coding

        with self._write() as tx:
            return coding.untag(tx, refs, concept, quote=quote, span=span)

    def concept_exists(self, name: str) -> bool:
        """Whether a concept of this name exists (case- and space-insensitively)."""
        with self._read() as tx:
            return find_concept_row(tx, name) is not None

    def add_memo(self, target: str, text: str) -> MemoView:
        """Attach a memo to a segment (``T:N``) or a concept."""
        from gioia.ops import coding

        with self._write() as tx:
            return coding.add_memo(tx, target, text)

    def import_codings(self, path: Path) -> CodingsImportResult:
        """Add codings from a CSV/XLSX file (coder, segment, concept[, quote]); all or nothing."""
        from gioia.ops import tagging

        with self._write() as tx:
            return tagging.import_codings(tx, path)

    def codings(self, coders: list[str] | None = None) -> list[CodingRow]:
        """Every coding (of these coders, if named) with its context."""
        from gioia.ops import coding

        with self._read() as tx:
            return coding.coding_rows(tx, coders)

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

    def progress(self) -> list[ProgressRow]:
        """Per coder and transcript: segments reviewed out of those to code, and codings."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.progress(tx)

    def coders(self) -> list[CoderSummary]:
        """Every coder with what they have reviewed and coded."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.coders(tx)

    def rename_coder(self, old: str, new: str) -> str:
        """Rename a coder; their codings, reviews and events follow."""
        from gioia.ops import reviews

        with self._write() as tx:
            return reviews.rename_coder(tx, old, new)

    def queue(
        self, *, transcript: str | None = None, include_interviewer: bool = False
    ) -> list[int]:
        """The ids of the segments the current coder has not reviewed yet, in reading order."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.queue(tx, transcript=transcript, include_interviewer=include_interviewer)

    def first_unreviewed(self, segment_ids: list[int]) -> int | None:
        """The first of these segments the current coder has not reviewed yet."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.first_unreviewed(tx, segment_ids)

    def segment_id(self, ref: str) -> int:
        """The id of the segment ``TRANSCRIPT:N``."""
        with self._read() as tx:
            (segment,) = resolve_segments(tx, [ref])
            return segment.id

    def neighbour(self, segment_id: int, offset: int) -> int | None:
        """The id of the segment ``offset`` places after (before, if negative) this one in
        its transcript, if there is one."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.neighbour(tx, segment_id, offset)

    def step(self, segment_id: int, *, show_others: bool = False) -> Step:
        """What a coding session shows for a segment: it, the one before, and context."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.step(tx, segment_id, show_others=show_others)

    def concept_choices(self) -> list[ConceptChoice]:
        """Every concept with its theme, the current coder's most recently used first."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.concept_choices(tx)

    def concept_info(self, name: str) -> ConceptInfo:
        """A concept's definition, theme and dimension, and two of your codings of it."""
        from gioia.ops import reviews

        with self._read() as tx:
            return reviews.concept_info(tx, name)

    def undo(self, events: list[int]) -> list[str]:
        """Reverse the current coder's events (tags, untags, memos, reviews, creations)."""
        from gioia.ops import undo

        with self._write() as tx:
            return undo.undo(tx, events)

    # --- agreement and consensus -------------------------------------------------------

    def agreement(
        self,
        *,
        level: str = "concept",
        unit: str = "segment",
        coders: list[str] | None = None,
        transcript: str | None = None,
        case: str | None = None,
        wave: str | None = None,
        exclusive: bool = False,
        by: str | None = None,
        concept: str | None = None,
        bootstrap: int | None = None,
        seed: int = 0,
    ) -> AgreementReport:
        """Inter-coder agreement per code and overall (see :mod:`gioia.ops.reliability`)."""
        from gioia.ops import reliability

        with self._read() as tx:
            return reliability.report(
                tx,
                level=level,
                unit=unit,
                coders=coders,
                transcript=transcript,
                case=case,
                wave=wave,
                exclusive=exclusive,
                by=by,
                concept=concept,
                bootstrap=bootstrap,
                seed=seed,
            )

    def disagreements(
        self,
        *,
        level: str = "concept",
        coders: list[str] | None = None,
        concept: str | None = None,
        transcript: str | None = None,
    ) -> list[Disagreement]:
        """Every segment where the coders who read it differ on a code, by code."""
        from gioia.ops import reliability

        with self._read() as tx:
            return reliability.disagreements(
                tx, level=level, coders=coders, concept=concept, transcript=transcript
            )

    @staticmethod
    def matrix_agreement(
        path: Path,
        *,
        level: str = "nominal",
        units_in: str = "columns",
        categories: list[str] | int | None = None,
        bootstrap: int | None = None,
        seed: int = 0,
    ) -> MatrixAgreement:
        """Every coefficient for a reliability-data file a researcher brings (no store):
        units in ``columns`` (a row per coder) or ``rows``; ``categories`` lists the
        possible values or gives their count (default: the values seen)."""
        from gioia.importers.matrix import read_matrix
        from gioia.ops import reliability

        reliability.check_level(level)
        table = read_matrix(path, units_in=units_in, level=level, categories=categories)
        return reliability.matrix_agreement(
            table.data,
            table.coders,
            level,
            layout=table.layout,
            categories=table.labels,
            values=table.values,
            q=table.q,
            categories_from=table.categories_from,
            bootstrap=bootstrap,
            seed=seed,
        )

    def reconcile(self, into: str, *, coders: list[str] | None = None) -> ReconcileState:
        """Start or resume building the consensus coder ``into`` from two coders."""
        from gioia.ops import consensus

        with self._write() as tx:
            return consensus.reconcile(tx, into, coders)

    def resolve(
        self,
        into: str,
        ref: str,
        choice: str,
        *,
        coders: list[str] | None = None,
        concepts: list[str] | None = None,
        note: str | None = None,
    ) -> str:
        """Decide one disagreement for the consensus coder: a, b, both, neither or other."""
        from gioia.ops import consensus

        with self._write() as tx:
            return consensus.resolve(
                tx, into, ref, choice, coders=coders, concepts=concepts, note=note
            )

    def reconcile_auto(
        self, into: str, mode: str, *, coders: list[str] | None = None
    ) -> ReconcileState:
        """Build the consensus coder at once: ``union`` or ``intersection`` of two coders."""
        from gioia.ops import consensus

        with self._write() as tx:
            return consensus.reconcile_auto(tx, into, mode, coders)

    # --- audit trail and schema ------------------------------------------------------

    def log(
        self,
        *,
        since: dt.datetime | None = None,
        coder: str | None = None,
        concept: str | None = None,
        limit: int | None = None,
        show_others: bool = False,
    ) -> list[EventView]:
        """The audit trail, oldest first, filtered by time, coder or concept.

        Blind coding: with a current coder, other coders' codings and reviews are left
        out unless ``show_others`` (or ``coder`` names whose events to show).
        """
        from gioia.ops import listing

        with self._read() as tx:
            hide = self.coder if self.coder and not show_others and coder is None else None
            return listing.log(
                tx, since=since, coder=coder, concept=concept, limit=limit, blind_for=hide
            )


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the transcript files inside folders (sorted, hidden ones skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)  # a missing file fails on its own, the others go in
    return files
