"""``Project``: every use case of gioia, one transaction per public method."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from gioia import store as store_module
from gioia.checks import Finding, check_structure
from gioia.errors import GioiaError, ImportFailed, InvalidInput
from gioia.importers import SUPPORTED_SUFFIXES
from gioia.importers.manifest import TranscriptMeta, read_manifest
from gioia.ops import carry, coding, importing, listing, quotes, reviews, segments, structure, undo
from gioia.ops.base import Tx, find_concept, resolve_refs
from gioia.ops.importing import ImportOptions
from gioia.store import Store, open_store
from gioia.structure_file import write_structure
from gioia.views import (
    AgreementReport,
    CaseSummary,
    CoderSummary,
    CodingRow,
    CodingsImportResult,
    ConceptChoice,
    ConceptInfo,
    ConceptQuotes,
    DeleteResult,
    Disagreement,
    EventView,
    FigureResult,
    ImportResult,
    ItemRow,
    MatrixAgreement,
    MemoView,
    MergeResult,
    ProgressRow,
    ReconcileState,
    ReviewResult,
    SegmentEdit,
    SegmentView,
    Step,
    StructureImportResult,
    StructureView,
    TagResult,
    TranscriptSummary,
    TranscriptView,
    UntagResult,
)

if TYPE_CHECKING:
    from gioia.figure import FigureOptions
    from gioia.migrate import Revision
    from gioia.ops.refi_import import ProjectImportOptions
    from gioia.refi.report import ExportResult, ImportReport

T = TypeVar("T")
ImportProgress = Callable[[int, int, ImportResult], None]


class Project:
    """An open gioia project (one store), acting as one coder (or none, for reading).

    Use ``Project.open(...)`` or ``Project.init(...)``, ideally as a context manager.
    """

    def __init__(self, store: Store, coder: str | None = None) -> None:
        self._store = store
        self.coder = coder

    @classmethod
    def open(cls, location: str | None = None, *, coder: str | None = None) -> Project:
        """Open an existing store (path or URL; default ``GIOIA_STORE`` or ``./gioia.db``)."""
        return cls(open_store(location), coder)

    @classmethod
    def init(cls, location: str | None = None, *, coder: str | None = None) -> Project:
        """Create the store (or open it, if it exists already) at the newest schema."""
        return cls(open_store(location, create=True), coder)

    @staticmethod
    def schema_revisions(location: str | None = None) -> tuple[str | None, str]:
        """The store's schema revision (None before ``init``) and the one this gioia needs."""
        return store_module.schema_revisions(location)

    @staticmethod
    def upgrade_schema(location: str | None = None) -> tuple[str | None, str]:
        """Upgrade the store's schema, backing up a SQLite file first; (before, after)."""
        return store_module.upgrade_schema(location)

    @staticmethod
    def schema_history() -> list[Revision]:
        """Every schema migration, oldest first."""
        from gioia.migrate import history

        return history()

    @property
    def created(self) -> bool:
        """Whether opening this project created its store."""
        return self._store.created

    @property
    def location(self) -> str:
        """Where the store is: a file path or a URL without its password."""
        return self._store.location

    def close(self) -> None:
        """Release the store's connections."""
        self._store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Tx]:
        with self._store.transaction(write=True) as session:
            yield Tx(session, self.coder)

    def _write_retrying(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in a write transaction, once more if it lost a race on a unique
        name or coding to another process (on PostgreSQL two writers can both find a
        name free; the second sees the first's row when it tries again)."""
        from sqlalchemy.exc import IntegrityError

        try:
            with self._write() as tx:
                return work(tx)
        except IntegrityError:
            with self._write() as tx:
                return work(tx)

    @contextmanager
    def _read(self) -> Iterator[Tx]:
        with self._store.transaction(write=False) as session:
            yield Tx(session, self.coder, writing=False)

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
        with self._write() as tx:
            outcome = importing.import_file(
                tx, path, meta or TranscriptMeta(), options or ImportOptions()
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
        """Import files and folders, each file in its own transaction.

        A bad file is reported in its result (status ``failed``) and the others go on.
        With a manifest, its rows give each file's metadata (``meta`` fills the gaps)
        and, when no paths are given, the files to import; a file it does not list gets
        a warning that says so.
        """
        base = meta or TranscriptMeta()
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
            except GioiaError as exc:
                result = ImportResult(
                    str(path), "failed", error=exc.message, details=tuple(exc.details)
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
        with self._read() as tx:
            return listing.transcripts(tx)

    def cases(self) -> list[CaseSummary]:
        """Every case with its attributes, informants and counts."""
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

    def transcript(self, name: str, *, show_others: bool = False) -> TranscriptView:
        """A transcript segment by segment with the current coder's codings (everyone's
        if no coder, or with ``show_others``)."""
        with self._read() as tx:
            return listing.transcript_view(tx, name, coder=None if show_others else self.coder)

    # --- editing segments ------------------------------------------------------------

    def merge_segments(self, refs: list[str]) -> SegmentEdit:
        """Merge consecutive segments (``T:N``) into the first; codings, memos and quote
        picks are kept (see :func:`gioia.ops.segments.merge`)."""
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
        with self._write() as tx:
            return segments.split(tx, ref, at=at, before=before, sentences=sentences)

    def delete_segment(self, ref: str, *, force: bool = False) -> SegmentEdit:
        """Delete a segment and its words (a title line, a false turn); refused while it
        holds codings or memos unless ``force``, which drops them (audited, and listed in
        a CSV file beside the store)."""
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
        return self._write_retrying(
            lambda tx: coding.tag(tx, refs, concept, quote=quote, span=span, create=create)
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
        with self._write() as tx:
            return coding.untag(tx, refs, concept, quote=quote, span=span)

    def concept_exists(self, name: str) -> bool:
        """Whether a concept of this name exists (case- and space-insensitively)."""
        with self._read() as tx:
            return find_concept(tx.session, name) is not None

    def add_memo(self, target: str, text: str) -> MemoView:
        """Attach a memo to a segment (``T:N``) or a concept."""
        with self._write() as tx:
            return coding.add_memo(tx, target, text)

    def import_codings(self, path: Path) -> CodingsImportResult:
        """Add codings from a CSV/XLSX file (coder, segment, concept[, quote]); all or nothing."""
        with self._write() as tx:
            return coding.import_codings(tx, path)

    def codings(self, coders: list[str] | None = None) -> list[CodingRow]:
        """Every coding (of these coders, if named) with its context."""
        with self._read() as tx:
            return coding.coding_rows(tx, coders)

    # --- review coverage and sessions --------------------------------------------------

    def review(
        self, refs: list[str] | None = None, *, transcript: str | None = None
    ) -> ReviewResult:
        """Mark segments (or a whole transcript) as read by the current coder."""
        return self._write_retrying(lambda tx: reviews.review(tx, refs, transcript))

    def unreview(
        self, refs: list[str] | None = None, *, transcript: str | None = None
    ) -> ReviewResult:
        """Take back the current coder's "read" marks (codings stay)."""
        with self._write() as tx:
            return reviews.unreview(tx, refs, transcript)

    def progress(self) -> list[ProgressRow]:
        """Per coder and transcript: segments reviewed out of those to code, and codings."""
        with self._read() as tx:
            return reviews.progress(tx)

    def coders(self) -> list[CoderSummary]:
        """Every coder with what they have reviewed and coded."""
        with self._read() as tx:
            return reviews.coders(tx)

    def rename_coder(self, old: str, new: str) -> str:
        """Rename a coder; their codings, reviews and events follow."""
        with self._write() as tx:
            return reviews.rename_coder(tx, old, new)

    def queue(
        self, *, transcript: str | None = None, include_interviewer: bool = False
    ) -> list[int]:
        """The ids of the segments the current coder has not reviewed yet, in reading order."""
        with self._read() as tx:
            return reviews.queue(tx, transcript=transcript, include_interviewer=include_interviewer)

    def first_unreviewed(self, segment_ids: list[int]) -> int | None:
        """The first of these segments the current coder has not reviewed yet."""
        with self._read() as tx:
            return reviews.first_unreviewed(tx, segment_ids)

    def segment_id(self, ref: str) -> int:
        """The id of the segment ``TRANSCRIPT:N``."""
        with self._read() as tx:
            ((_, segment),) = resolve_refs(tx.session, [ref])
            return segment.id

    def neighbour(self, segment_id: int, offset: int) -> int | None:
        """The id of the segment ``offset`` places after (before, if negative) this one in
        its transcript, if there is one."""
        with self._read() as tx:
            return reviews.neighbour(tx, segment_id, offset)

    def step(self, segment_id: int, *, show_others: bool = False) -> Step:
        """What a coding session shows for a segment: it, the one before, and context."""
        with self._read() as tx:
            return reviews.step(tx, segment_id, show_others=show_others)

    def concept_choices(self) -> list[ConceptChoice]:
        """Every concept with its theme, the current coder's most recently used first."""
        with self._read() as tx:
            return reviews.concept_choices(tx)

    def concept_info(self, name: str) -> ConceptInfo:
        """A concept's definition, theme and dimension, and two of your codings of it."""
        with self._read() as tx:
            return reviews.concept_info(tx, name)

    def undo(self, events: list[int]) -> list[str]:
        """Reverse the current coder's events (tags, untags, memos, reviews, creations)."""
        with self._write() as tx:
            return undo.undo(tx, events)

    # --- the structure -----------------------------------------------------------------

    def add_item(self, level: str, name: str, definition: str | None = None) -> str:
        """Create a concept, theme or dimension (``level``); returns its name as stored."""
        return self._write_retrying(lambda tx: structure.add(tx, level, name, definition))

    def rename_item(self, level: str, old: str, new: str) -> str:
        """Rename a concept, theme or dimension."""
        with self._write() as tx:
            return structure.rename(tx, level, old, new)

    def describe_item(self, level: str, name: str, definition: str) -> None:
        """Set the definition of a concept, theme or dimension (blank clears it)."""
        with self._write() as tx:
            structure.describe(tx, level, name, definition)

    def merge_items(self, level: str, sources: list[str], target: str) -> MergeResult:
        """Merge items into ``target``: codings or children move over without duplicates."""
        with self._write() as tx:
            return structure.merge(tx, level, sources, target)

    def delete_item(self, level: str, name: str, *, force: bool = False) -> DeleteResult:
        """Delete an item; refused while it has codings or children unless ``force``."""
        with self._write() as tx:
            return structure.delete_item(tx, level, name, force=force)

    def items(self, level: str) -> list[ItemRow]:
        """Every concept, theme or dimension with its parent and counts, by name."""
        with self._read() as tx:
            return structure.items(tx, level)

    def split_concept(
        self,
        source: str,
        new: str,
        *,
        refs: list[str] | None = None,
        transcript: str | None = None,
        grep: str | None = None,
    ) -> int:
        """Move the chosen codings of a concept to a new one; returns how many moved."""
        with self._write() as tx:
            return structure.split(tx, source, new, refs=refs, transcript=transcript, grep=grep)

    def assign(
        self,
        names: list[str],
        *,
        theme: str | None = None,
        dimension: str | None = None,
        create: bool = False,
    ) -> int:
        """Put concepts under ``theme`` or themes under ``dimension``; returns how many moved.

        The parent is created only when ``create`` is true.
        """
        if (theme is None) == (dimension is None):
            raise InvalidInput("Assign to a theme or to a dimension (one of them).")
        with self._write() as tx:
            if theme is not None:
                return structure.assign(tx, "concept", names, theme, create=create)
            assert dimension is not None
            return structure.assign(tx, "theme", names, dimension, create=create)

    def unassign(self, names: list[str], *, level: str | None = None) -> int:
        """Take concepts out of their theme or themes out of their dimension."""
        with self._write() as tx:
            changed = 0
            for name in names:
                word = level or structure.level_of(tx, name)
                changed += structure.unassign(tx, word, [name])
            return changed

    def structure(self, *, order: str = "structure", coder: str | None = None) -> StructureView:
        """The tree dimension > theme > concept with counts, and what hangs outside it.

        Counts are of ``coder``'s codings, else the consensus coder's when there is one,
        else everyone's.
        """
        with self._read() as tx:
            return structure.structure(tx, order=order, coder=coder)

    def import_structure(self, path: Path, *, mode: str = "merge") -> StructureImportResult:
        """Apply a structure file (.csv, .xlsx, .yaml); all or nothing."""
        with self._write() as tx:
            return structure.import_structure(tx, path, mode=mode)

    def export_structure(self, path: Path) -> int:
        """Write the structure to .csv, .xlsx or .yaml; returns the number of concept rows."""
        return write_structure(self.structure(), path)

    def check(self) -> list[Finding]:
        """The structure's warnings against the method's guidance."""
        with self._read() as tx:
            view = structure.structure(tx)
            cases = listing.case_count(tx)
        return check_structure(view, cases=cases)

    # --- what a paper prints -----------------------------------------------------------

    def quotes(
        self, *, per_concept: int = 3, max_words: int = 60, coder: str | None = None
    ) -> list[ConceptQuotes]:
        """The representative quotes of each concept in the structure, in its order:
        the picked ones, else up to ``per_concept`` spread over cases and informants."""
        with self._read() as tx:
            view = structure.structure(tx)
            return quotes.quotes_table(
                tx, view, per_concept=per_concept, max_words=max_words, coder=coder
            )

    def write_quotes(
        self,
        path: Path,
        *,
        per_concept: int = 3,
        max_words: int = 60,
        with_wave: bool = False,
        coder: str | None = None,
    ) -> int:
        """Write the representative-quotes table (.docx, .md, .tex, .csv); returns the
        number of quotes."""
        from gioia.publish import write_quotes

        rows = self.quotes(per_concept=per_concept, max_words=max_words, coder=coder)
        write_quotes(rows, path, with_wave=with_wave)
        return sum(len(r.quotes) for r in rows)

    def write_codebook(self, path: Path, *, coder: str | None = None) -> int:
        """Write the codebook (.docx, .md, .csv, .xlsx): definitions, counts and an example
        per concept; returns the number of concepts."""
        from gioia.publish import write_codebook

        with self._read() as tx:
            view = structure.structure(tx, coder=coder)
            examples = {
                row.concept: row.quotes[0]
                for row in quotes.quotes_table(tx, view, per_concept=1, max_words=40, coder=coder)
                if row.quotes
            }
        write_codebook(view, examples, path)
        return len(examples)

    def write_cases(self, path: Path) -> int:
        """Write the cases table (.docx, .md, .csv); returns the number of cases."""
        from gioia.publish import write_cases

        cases = self.cases()
        per_wave = {case.name: case.interviews_per_wave for case in cases}
        write_cases(cases, path, interviews_per_wave=per_wave)
        return len(cases)

    def figure_dot(
        self, options: FigureOptions | None = None, *, coder: str | None = None
    ) -> tuple[str, list[str]]:
        """The data-structure figure as DOT, and the names left out (outside the tree)."""
        from gioia.figure import FigureOptions, to_dot

        options = options or FigureOptions()
        return to_dot(self.structure(order=options.order, coder=coder), options)

    def draw_figure(
        self, path: Path, options: FigureOptions | None = None, *, coder: str | None = None
    ) -> FigureResult:
        """Draw the data-structure figure to .svg, .png, .pdf or .dot."""
        from gioia.figure import render

        source, left_out = self.figure_dot(options, coder=coder)
        return FigureResult(path, render(source, path), tuple(left_out))

    def pick_quotes(self, concept: str, refs: list[str]) -> int:
        """Choose a concept's quotes by hand (segments, in order); an empty list clears them."""
        with self._write() as tx:
            return quotes.pick(tx, concept, refs)

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

    def write_agreement(self, path: Path, report: AgreementReport) -> None:
        """Write an agreement report to .docx or .md."""
        from gioia.agreement_document import write_agreement

        write_agreement(report, path)

    # --- REFI-QDA: other QDA programs --------------------------------------------------

    def export_qdpx(
        self, path: Path, *, coders: list[str] | None = None, positions: str = "codepoints"
    ) -> ExportResult:
        """Write the project as a REFI-QDA ``.qdpx`` (see :mod:`gioia.ops.refi_export`)."""
        from gioia.ops import refi_export

        with self._exporting() as tx:
            return refi_export.export_project(
                tx, path, coders=coders, positions=positions, protect=self._protected()
            )

    def export_qdc(self, path: Path) -> ExportResult:
        """Write the structure as a REFI-QDA codebook (``.qdc``)."""
        from gioia.ops import refi_export

        with self._exporting() as tx:
            return refi_export.export_codebook(tx, path, protect=self._protected())

    def import_project(
        self,
        path: Path,
        options: ProjectImportOptions | None = None,
        *,
        dry_run: bool = False,
    ) -> ImportReport:
        """Bring a REFI-QDA project (``.qdpx``) or codebook (``.qdc``) in, in one
        transaction: a broken file leaves the store as it was. ``dry_run`` reports what
        the import would do and then rolls it back."""
        from gioia.ops import refi_import
        from gioia.refi.package import read_package

        package = read_package(path)
        options = options or refi_import.ProjectImportOptions()
        try:
            with self._write() as tx:
                report = refi_import.import_project(tx, package, options)
                if dry_run:
                    raise _RolledBack(report)
        except _RolledBack as rolled_back:
            rolled_back.report.dry_run = True
            return rolled_back.report
        return report

    @contextmanager
    def _exporting(self) -> Iterator[Tx]:
        """A read transaction, after giving the store its identity if it has none."""
        from gioia.ops import refi_export

        with self._read() as tx:
            known = refi_export.store_identity(tx) is not None
        if not known:
            with self._write() as tx:
                refi_export.ensure_store_identity(tx)
        with self._read() as tx:
            yield tx

    def _protected(self) -> list[str]:
        return [] if "://" in self.location else [self.location]

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
        with self._read() as tx:
            hide = self.coder if self.coder and not show_others and coder is None else None
            return listing.log(
                tx, since=since, coder=coder, concept=concept, limit=limit, blind_for=hide
            )


class _RolledBack(Exception):
    """Raised inside a transaction to roll it back on purpose (a dry run)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


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
