"""``Project``: every use case of gioia, one transaction per public method.

The class is put together from parts by noun: this module holds importing, reading
and editing segments, and coding; ``project_team`` the team's work (memos, blind
coding, review coverage, sessions, undo, the trail); ``project_structure`` the
structure (items, the tree, structure files, shared concepts, checks);
``project_publish`` what a paper prints, agreement and consensus; ``project_base`` the
store and its transactions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gioia import store as store_module
from gioia.errors import GioiaError, ImportFailed, StoreError, WriteConflict
from gioia.importers import SUPPORTED_SUFFIXES
from gioia.project_analysis import AnalysisMethods
from gioia.project_exchange import ExchangeMethods
from gioia.project_publish import PublishMethods
from gioia.project_team import TeamMixin

if TYPE_CHECKING:
    from gioia.importers.manifest import TranscriptMeta
    from gioia.migrate import Revision
    from gioia.ops import importing
    from gioia.ops.importing import ImportOptions
    from gioia.views import (
        CaseSummary,
        CodingRow,
        CodingsImportResult,
        ImportResult,
        SchemaUpgrade,
        SegmentEdit,
        SegmentView,
        TagResult,
        TranscriptSummary,
        TranscriptView,
        UntagResult,
    )

ImportProgress = Callable[[int, int, "ImportResult"], None]


class Project(TeamMixin, PublishMethods, AnalysisMethods, ExchangeMethods):
    """An open gioia project (one store), acting as one coder (or none, for reading).

    Use ``Project.open(...)`` or ``Project.init(...)``, ideally as a context manager.
    Readers show the acting coder only what blind coding lets them see (see
    :mod:`gioia.ops.visibility`); ``show_others=True`` lifts the blind for one call and
    is recorded in the audit trail. With no coder, nothing is hidden.
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
        return cls(store_module.open_store(location, on_wait=on_wait), coder)

    @classmethod
    def init(cls, location: str | None = None, *, coder: str | None = None) -> Project:
        """Create the store (or open it, if it exists already) at the newest schema."""
        return cls(store_module.open_store(location, create=True), coder)

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
        from gioia.ops.importing import ImportOptions

        self._lead("Importing or replacing transcripts")  # before the file is read
        options = options or ImportOptions()
        (result,) = self._store_files(
            [importing.prepare(path, meta or TranscriptMeta(), options)], options
        )
        return result

    def _store_files(
        self, files: Sequence[importing.Prepared], options: ImportOptions
    ) -> list[ImportResult]:
        """Store prepared files in one transaction (see ``ops.import_batch``); raises on
        the first that cannot be stored, and then nothing of them is written."""
        from gioia.ops import import_batch
        from gioia.views import ImportResult

        results = []
        with self._lead_write("Importing or replacing transcripts") as tx:
            for file, outcome in zip(
                files, import_batch.store_all(tx, files, options), strict=True
            ):
                carried = outcome.carried
                if outcome.dropped and carried is not None:
                    export = self._export_dropped(outcome.transcript, outcome.dropped)
                    carried = dataclasses.replace(carried, export=str(export))
                results.append(
                    ImportResult(
                        str(file.path),
                        outcome.status,
                        outcome.transcript,
                        outcome.segments,
                        outcome.warnings,
                        carried=carried,
                    )
                )
        return results

    def _export_dropped(self, transcript: str, rows: Sequence[dict[str, str]]) -> Path:
        """Write the codings and memos dropped from a transcript beside the store (inside
        the transaction that drops them: if the file cannot be written, nothing is lost)."""
        from gioia.ops import carry

        stamp = store_module.utcnow().strftime("%Y%m%d-%H%M%S")
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
        """Import files and folders, as importing them one at a time would, up to a
        hundred files (or those read in about a second) in a transaction (see
        ``ops.import_batch``).

        A bad file is reported in its result (status ``failed``), nothing of it written,
        and the others go on; a failure of the store itself (a full disk, …) stops the
        import, keeping the transactions committed before it (``progress`` has been
        told of their files, and of no other).
        With a manifest, its rows give each file's metadata (``meta`` fills the gaps)
        and, when no paths are given, the files to import; a file it does not list gets
        a warning that says so.
        """
        from gioia.importers.manifest import TranscriptMeta, checked_meta, read_manifest
        from gioia.ops import importing
        from gioia.ops.import_batch import BatchLimit, NamesSeen
        from gioia.ops.importing import ImportOptions

        self._lead("Importing or replacing transcripts")
        options = options or ImportOptions()
        base = checked_meta(meta or TranscriptMeta())
        listed = read_manifest(manifest) if manifest else {}
        files = expand_paths(paths) if paths else list(listed)
        if not files:
            raise ImportFailed(
                f"No transcript files found (gioia reads {', '.join(SUPPORTED_SUFFIXES)})."
            )
        results: list[ImportResult] = []

        def store(batch: list[tuple[Path, importing.Prepared | ImportResult]]) -> None:
            for path, result in zip(
                [path for path, _ in batch], self._store_batch(batch, options), strict=True
            ):
                if manifest is not None and path.resolve() not in listed:
                    unlisted = (
                        f"not listed in {manifest.name}: imported without the case, "
                        "informant, role, date or wave a manifest row gives.",
                    )
                    result = dataclasses.replace(result, warnings=unlisted + result.warnings)
                results.append(result)
                if progress is not None:
                    progress(len(results), len(files), result)

        batch: list[tuple[Path, importing.Prepared | ImportResult]] = []
        limit = BatchLimit()
        names = NamesSeen()
        for path in files:
            file_meta = listed.get(path.resolve(), TranscriptMeta()).overlaid(base)
            try:
                names.check(path)
                batch.append((path, importing.prepare(path, file_meta, options)))
                names.take(path)
            except (GioiaError, MemoryError) as exc:
                batch.append((path, _failed(path, exc)))
            if limit.full_with(path):
                store(batch)
                batch, limit = [], BatchLimit()
        if batch:
            store(batch)
        return results

    def _store_batch(
        self,
        batch: list[tuple[Path, importing.Prepared | ImportResult]],
        options: ImportOptions,
    ) -> Iterator[ImportResult]:
        """Store the files of a batch that were read (the others failed already) in one
        transaction; when one of them cannot be stored, each in its own, so that the
        others go in. Each file's result comes once it is final: a failure of the store
        itself stops the batch with every file stored before it told."""
        from gioia.ops import importing

        ready = [file for _, file in batch if isinstance(file, importing.Prepared)]
        try:
            stored = iter(self._store_files(ready, options) if ready else [])
        except (StoreError, WriteConflict):
            raise  # the store failed (full, read-only, busy, gone): the next file would too
        except (GioiaError, MemoryError):
            for _, file in batch:
                if isinstance(file, importing.Prepared):
                    yield self._store_alone(file, options)
                else:
                    yield file
            return
        for _, file in batch:
            yield next(stored) if isinstance(file, importing.Prepared) else file

    def _store_alone(self, file: importing.Prepared, options: ImportOptions) -> ImportResult:
        """Store one prepared file in its own transaction; a failed result if it cannot
        be (a failure of the store itself is raised)."""
        try:
            (result,) = self._store_files([file], options)
        except (StoreError, WriteConflict):
            raise
        except (GioiaError, MemoryError) as exc:
            return _failed(file.path, exc)
        return result

    def transcripts(self, *, show_others: bool = False) -> list[TranscriptSummary]:
        """Every transcript with its metadata and counts (of the codings you may see)."""
        from gioia.ops import listing

        with self._read(show_others=show_others, reading="transcripts") as tx:
            return listing.transcripts(tx)

    def cases(self, *, show_others: bool = False) -> list[CaseSummary]:
        """Every case with its attributes, informants and counts."""
        from gioia.ops import listing

        with self._read(show_others=show_others, reading="cases") as tx:
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
        """Segments in reading order with the codings and memos you may see.

        ``grep`` is a case-insensitive regular expression; interviewer turns are left
        out unless ``include_interviewer``.
        """
        from gioia.ops import listing

        with self._read(show_others=show_others, reading="segments") as tx:
            return listing.segments(
                tx,
                transcript=transcript,
                uncoded=uncoded,
                concept=concept,
                grep=grep,
                include_interviewer=include_interviewer,
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

        with self._read(show_others=show_others, reading="segments") as tx:
            for page in listing.segment_pages(
                tx,
                transcript=transcript,
                uncoded=uncoded,
                concept=concept,
                grep=grep,
                include_interviewer=include_interviewer,
            ):
                yield from page

    def transcript(self, name: str, *, show_others: bool = False) -> TranscriptView:
        """A transcript segment by segment with the codings and memos you may see."""
        from gioia.ops import listing

        with self._read(show_others=show_others, reading=f"the transcript {name}") as tx:
            return listing.transcript_view(tx, name)

    # --- editing segments ------------------------------------------------------------

    def merge_segments(self, refs: list[str], *, speaker: str | None = None) -> SegmentEdit:
        """Merge consecutive segments (``T:N``, in their order) into the first; codings,
        memos and quote picks are kept. Turns of different speakers need ``speaker``:
        whose turn the merged one is (see :func:`gioia.ops.segments.merge`)."""
        from gioia.ops import segments

        with self._lead_write("Editing segments") as tx:
            return segments.merge(tx, refs, speaker=speaker)

    def split_segment(
        self,
        ref: str,
        *,
        at: int | None = None,
        before: str | None = None,
        sentences: bool = False,
        whole: str | None = None,
    ) -> SegmentEdit:
        """Split a segment at a character offset of its text, before some words, or at
        every sentence; quotes, memos and read marks follow the parts, whole-segment
        codings go to the ``first`` part or to ``every`` part (needed when there are)."""
        from gioia.ops import segments

        with self._lead_write("Editing segments") as tx:
            return segments.split(tx, ref, at=at, before=before, sentences=sentences, whole=whole)

    def delete_segment(self, ref: str, *, force: bool = False) -> SegmentEdit:
        """Delete a segment and its words (a title line, a false turn); refused while it
        holds codings or memos unless ``force``, which drops them (audited, and listed in
        a CSV file beside the store)."""
        from gioia.ops import segments

        with self._lead_write("Editing segments") as tx:
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
        """Code segments (``T:N``) with a concept, whole or on a quote or span; the
        segments are marked as reviewed by you (``reviewed`` says how many newly).

        A concept that does not exist (for you) is created only when ``create`` is true.
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
        """Whether a concept of this name exists for you (case- and space-insensitively)."""
        from gioia.ops.base import visible_concept_row

        with self._read() as tx:
            return visible_concept_row(tx, name) is not None

    def import_codings(self, path: Path) -> CodingsImportResult:
        """Add codings from a CSV/XLSX file (coder, segment, concept[, quote]), all or
        nothing; the segments coded are marked as reviewed by their coders."""
        from gioia.ops import tagging

        with self._write() as tx:
            return tagging.import_codings(tx, path)

    def codings(
        self, coders: list[str] | None = None, *, show_others: bool = False
    ) -> list[CodingRow]:
        """Every coding you may see (of these coders, if named) with its context."""
        from gioia.ops import coding

        with self._read(show_others=show_others, reading="codings") as tx:
            return coding.coding_rows(tx, coders)


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


def _failed(path: Path, error: GioiaError | MemoryError) -> ImportResult:
    """The result of a file that could not be imported, and why."""
    from gioia.views import ImportResult

    if isinstance(error, MemoryError):
        return ImportResult(
            str(path), "failed", error=f"{path.name} is too large to read in memory."
        )
    return ImportResult(str(path), "failed", error=error.message, details=tuple(error.details))
