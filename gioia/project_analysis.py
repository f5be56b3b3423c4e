"""The analysis use cases of ``Project``: search, co-occurrence, matrices, saturation,
fsQCA calibration and the study report; each reads in one transaction (the ops in
``gioia.ops.search``, ``gioia.ops.analysis``, ``gioia.ops.fsqca`` and ``gioia.ops.report``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gioia.project_base import ProjectBase
from gioia.views_core import Written

if TYPE_CHECKING:
    from gioia.analysis.cooccurrence import Cooccurrence
    from gioia.analysis.fsqca import FsqcaTable
    from gioia.analysis.kwic import SearchHit
    from gioia.analysis.matrix import CodeMatrix
    from gioia.analysis.saturation import Saturation
    from gioia.report import ReportData, ReportOptions


class AnalysisMethods(ProjectBase):
    """Mixed into ``Project``: the analyses beyond the structure."""

    def search(
        self,
        pattern: str,
        *,
        regex: bool = False,
        transcript: str | None = None,
        case: str | None = None,
        speaker: str | None = None,
        uncoded: bool = False,
        include_interviewer: bool = False,
        show_others: bool = False,
        width: int = 40,
    ) -> list[SearchHit]:
        """Every match of ``pattern`` (whole words, ``*`` for a word's start; or a regular
        expression) as keyword-in-context lines, in reading order. ``uncoded`` keeps the
        segments without a coding the acting coder may see (their own, when blind;
        anyone's, with no coder or with ``show_others``)."""
        from gioia.ops.search import search

        with self._read(show_others=show_others, reading="search") as tx:
            return search(
                tx,
                pattern,
                regex=regex,
                transcript=transcript,
                case=case,
                speaker=speaker,
                uncoded=uncoded,
                include_interviewer=include_interviewer,
                width=width,
            )

    def cooccurrence(
        self,
        *,
        level: str = "concept",
        within: str = "segment",
        evidence: str | None = None,
        min_count: int = 1,
        show_others: bool = False,
    ) -> Cooccurrence:
        """For each pair of codes, the segments (or transcripts) where both occur, with
        Jaccard and the expected count; of ``evidence``'s codings, else (see
        ``evidence_coder``) yours when blind, the consensus coder's, or everyone's."""
        from gioia.ops.analysis import cooccurrence_of

        with self._read(show_others=show_others, reading="co-occurrence") as tx:
            return cooccurrence_of(
                tx, level=level, within=within, coder=evidence, min_count=min_count
            )

    def matrix(
        self,
        *,
        rows: str = "case",
        level: str = "theme",
        value: str = "segments",
        evidence: str | None = None,
        show_others: bool = False,
    ) -> CodeMatrix:
        """The cross-case matrix: ``rows`` (case, informant, transcript, wave) × the codes
        of ``level``, each cell a count, segments, presence or share, with its segments."""
        from gioia.ops.analysis import matrix_of

        with self._read(show_others=show_others, reading="the matrix") as tx:
            return matrix_of(tx, rows=rows, level=level, value=value, coder=evidence)

    def saturation(
        self,
        *,
        level: str = "concept",
        order: str = "date",
        evidence: str | None = None,
        show_others: bool = False,
    ) -> Saturation:
        """New codes per interview in ``order`` (date, name, manifest), the cumulative
        curve and the last interview that added one."""
        from gioia.ops.analysis import saturation_of

        with self._read(show_others=show_others, reading="saturation") as tx:
            return saturation_of(tx, level=level, order=order, coder=evidence)

    def calibrate_fsqca(
        self, spec: Path, *, evidence: str | None = None, show_others: bool = False
    ) -> FsqcaTable:
        """Calibrate the conditions a spec file (YAML) names, for every case, from
        ``evidence``'s codings (else the spec's ``coder``, else as ``evidence_coder``)."""
        from gioia.ops.fsqca import calibrate_conditions

        with self._read(show_others=show_others, reading="fsQCA calibration") as tx:
            return calibrate_conditions(tx, spec, evidence)

    def write_fsqca(
        self,
        spec: Path,
        path: Path,
        *,
        evidence: str | None = None,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> tuple[FsqcaTable, Written, Written]:
        """Calibrate the spec's conditions and write the CSV that R's QCA and fs/QCA read,
        with the calibration record beside it; returns the table and what was written
        (the CSV, then the record)."""
        from gioia.analysis.write import write_fsqca

        table = self.calibrate_fsqca(spec, evidence=evidence, show_others=show_others)
        csv, record = write_fsqca(table, path, spec, output=self._opener(no_clobber))
        return table, csv, record

    def report_data(
        self, options: ReportOptions | None = None, *, show_others: bool = False
    ) -> ReportData:
        """Everything the study report shows: the study read in one transaction, then the
        agreement at each level (as ``Project.agreement`` gives it, from one read of the
        reviews and codings), and the data-structure figure
        (``gioia.figure.draw``, from the structure read; a figure split in parts gives
        one SVG per part) and the co-occurrence network, drawn as SVG. Blind, a coder's
        report holds their own work only (and no agreement); ``show_others`` lifts it."""
        import dataclasses
        import tempfile

        from gioia.analysis.cooccurrence import draw_network
        from gioia.errors import GioiaError
        from gioia.figure import FigureOptions, draw
        from gioia.ops import reliability
        from gioia.ops.report import gather
        from gioia.report import ReportOptions
        from gioia.report.data import LEVELS, LevelAgreement

        options = options or ReportOptions()
        with self._read(show_others=show_others, reading="the report") as tx:
            data = gather(tx, options)
        try:  # the reviews and codings read once for the three levels
            with self._read(show_others=show_others, reading="the agreement") as tx:
                reports = reliability.reports(tx, LEVELS)
        except GioiaError as exc:  # the read itself refused: every level says why
            reports = dict.fromkeys(LEVELS, exc.message)
        agreement = [
            LevelAgreement(level, None, found)
            if isinstance(found, str)
            else LevelAgreement(level, found)
            for level, found in reports.items()
        ]
        figure = note = network = ""
        with tempfile.TemporaryDirectory(prefix="gioia-report-") as folder:
            try:
                drawn = draw(data.structure, Path(folder, "figure.svg"), FigureOptions(counts=True))
                figure = "\n".join(f.path.read_text(encoding="utf-8") for f in drawn.files)
                if drawn.left_out:
                    note = f"Left out of the figure (not in the tree): {', '.join(drawn.left_out)}."
            except GioiaError as exc:
                note = f"The figure could not be drawn: {exc.message}"
        if data.cooccurrence.pairs:
            try:
                network = draw_network(data.cooccurrence, "svg").decode()
            except GioiaError:
                network = ""
        return dataclasses.replace(
            data,
            store=self.location,
            agreement=tuple(agreement),
            figure_svg=figure,
            figure_note=note,
            network_svg=network,
        )

    def write_report(
        self,
        path: Path,
        options: ReportOptions | None = None,
        *,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> tuple[ReportData, Written]:
        """Write the study report: one self-contained HTML file (no network, no script);
        returns what it shows and what was written (``count``: its size in bytes)."""
        from gioia.report import FORMATS, write_report

        with self._output(path, FORMATS, no_clobber) as out:
            data = self.report_data(options, show_others=show_others)
            size = write_report(data, out.temp)
        return data, Written(out.path, out.replaced, size)

    def write_matrix(self, path: Path, matrix: CodeMatrix, *, no_clobber: bool = False) -> Written:
        """Write a matrix to .csv, .xlsx (with the segments behind each cell) or .docx;
        ``count`` is its rows."""
        from gioia.analysis.write import MATRIX_FORMATS, write_matrix

        with self._output(path, MATRIX_FORMATS, no_clobber) as out:
            write_matrix(matrix, out.temp)
        return Written(out.path, out.replaced, len(matrix.rows))

    def write_cooccurrence(
        self, path: Path, result: Cooccurrence, *, no_clobber: bool = False
    ) -> Written:
        """Write co-occurrence to .csv, .xlsx, .graphml, .gexf, or draw it to .png, .svg;
        ``count`` is its pairs."""
        from gioia.analysis.write import COOCCURRENCE_FORMATS, write_cooccurrence

        with self._output(path, COOCCURRENCE_FORMATS, no_clobber) as out:
            write_cooccurrence(result, out.temp)
        return Written(out.path, out.replaced, len(result.pairs))

    def write_saturation(
        self, path: Path, result: Saturation, *, no_clobber: bool = False
    ) -> Written:
        """Write saturation to .csv, or plot it to .png or .svg; ``count`` is its
        interviews."""
        from gioia.analysis.write import SATURATION_FORMATS, write_saturation

        with self._output(path, SATURATION_FORMATS, no_clobber) as out:
            write_saturation(result, out.temp)
        return Written(out.path, out.replaced, len(result.steps))
