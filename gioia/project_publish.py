"""``Project``'s use cases for what a paper prints (quotes, codebook, cases, figure, the
agreement report), the codings export, agreement and consensus.

``evidence`` names whose codings count (see ``gioia.ops.base.evidence_coder``). Every
file goes through ``ProjectBase._output`` (:mod:`gioia.output`): its suffix is checked,
it is never written over the store, and it appears whole or not at all. Each method
returns what it wrote (:class:`~gioia.views.Written`, or the figure's
:class:`~gioia.views.FigureResult`), including whether it replaced a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gioia.project_structure import StructureMethods
from gioia.views_core import Written

if TYPE_CHECKING:
    from gioia.figure import FigureOptions
    from gioia.views_agreement import (
        AgreementReport,
        Decision,
        Disagreement,
        MatrixAgreement,
        ReconcileState,
    )
    from gioia.views_structure import ConceptQuotes, FigureResult

#: The formats ``export_codings`` writes.
CODINGS_FORMATS = (".csv", ".xlsx")


RECONCILING = "Reconciling into a consensus coder"


class PublishMethods(StructureMethods):
    """The figure, the tables and the reports, written to files; agreement and
    consensus."""

    # --- what a paper prints -----------------------------------------------------------

    def quotes(
        self,
        *,
        per_concept: int = 3,
        max_words: int = 60,
        evidence: str | None = None,
        show_others: bool = False,
    ) -> list[ConceptQuotes]:
        """The representative quotes of each concept in the structure, in its order:
        the picked ones, else up to ``per_concept`` spread over cases and informants."""
        from gioia.ops import quotes, tree

        with self._read(show_others=show_others, reading="the quotes") as tx:
            view = tree.structure(tx, coder=evidence)
            return quotes.quotes_table(
                tx, view, per_concept=per_concept, max_words=max_words, coder=evidence
            )

    def write_quotes(
        self,
        path: Path,
        *,
        per_concept: int = 3,
        max_words: int = 60,
        with_wave: bool = False,
        evidence: str | None = None,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> Written:
        """Write the representative-quotes table (.docx, .md, .tex, .csv); ``count`` is
        the number of quotes."""
        from gioia.publish import QUOTE_FORMATS, write_quotes

        with self._output(path, QUOTE_FORMATS, no_clobber) as out:
            rows = self.quotes(
                per_concept=per_concept,
                max_words=max_words,
                evidence=evidence,
                show_others=show_others,
            )
            write_quotes(rows, out.temp, with_wave=with_wave)
        return Written(out.path, out.replaced, sum(len(r.quotes) for r in rows))

    def write_codebook(
        self,
        path: Path,
        *,
        evidence: str | None = None,
        with_memos: bool = False,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> Written:
        """Write the codebook (.docx, .md, .csv, .xlsx): definitions, counts, an example
        per concept and (``with_memos``) the memos on each item you may read; ``count``
        is the number of concepts with an example."""
        from gioia.ops import memos, quotes, tree
        from gioia.publish import CODEBOOK_FORMATS, write_codebook

        with self._output(path, CODEBOOK_FORMATS, no_clobber) as out:
            with self._read(show_others=show_others, reading="the codebook") as tx:
                view = tree.structure(tx, coder=evidence)
                examples = {
                    row.concept: row.quotes[0]
                    for row in quotes.quotes_table(
                        tx, view, per_concept=1, max_words=40, coder=evidence
                    )
                    if row.quotes
                }
                notes = memos.on_structure(tx) if with_memos else None
            write_codebook(view, examples, out.temp, memos=notes)
        return Written(out.path, out.replaced, len(examples))

    def write_cases(
        self, path: Path, *, no_clobber: bool = False, show_others: bool = False
    ) -> Written:
        """Write the cases table (.docx, .md, .csv); ``count`` is the number of cases."""
        from gioia.ops import listing
        from gioia.publish import CASES_FORMATS, write_cases

        with self._output(path, CASES_FORMATS, no_clobber) as out:
            with self._read(show_others=show_others, reading="cases") as tx:
                cases = listing.cases(tx)
            per_wave = {case.name: case.interviews_per_wave for case in cases}
            write_cases(cases, out.temp, interviews_per_wave=per_wave)
        return Written(out.path, out.replaced, len(cases))

    def figure_dot(
        self,
        options: FigureOptions | None = None,
        *,
        evidence: str | None = None,
        show_others: bool = False,
    ) -> tuple[str, list[str]]:
        """The data-structure figure as DOT, and the names left out (outside the tree)."""
        from gioia.figure import FigureOptions, to_dot

        options = options or FigureOptions()
        view = self.structure(order=options.order, evidence=evidence, show_others=show_others)
        return to_dot(view, options)

    def draw_figure(
        self,
        path: Path,
        options: FigureOptions | None = None,
        *,
        evidence: str | None = None,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> FigureResult:
        """Draw the data-structure figure to .svg, .png, .pdf or .dot (one file per part
        when it is split); each file's size, smallest text and whether it replaced a
        file are in the result."""
        from gioia.figure import FigureOptions, draw

        options = options or FigureOptions()
        view = self.structure(order=options.order, evidence=evidence, show_others=show_others)
        return draw(view, path, options, output=self._opener(no_clobber))

    def pick_quotes(self, concept: str, refs: list[str]) -> int:
        """Choose a concept's quotes by hand (segments, in order); an empty list clears them."""
        from gioia.ops import quotes

        with self._write() as tx:
            return quotes.pick(tx, concept, refs)

    # --- agreement and consensus: they compare coders, so they lift the blind ----------

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
        show_others: bool = False,
    ) -> AgreementReport:
        """Inter-coder agreement per code and overall (see :mod:`gioia.ops.reliability`).

        It compares coders' work: a coder gets it only with ``show_others``.
        """
        from gioia.ops import reliability

        with self._read(show_others=show_others, reading="the agreement") as tx:
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
        show_others: bool = False,
    ) -> list[Disagreement]:
        """Every segment where the coders who read it differ on a code, by code (a coder
        gets them only with ``show_others``)."""
        from gioia.ops import reliability

        with self._read(show_others=show_others, reading="the disagreements") as tx:
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

    def reconcile(
        self,
        into: str,
        *,
        coders: list[str] | None = None,
        copy_one_reader: bool = False,
        show_others: bool = False,
    ) -> ReconcileState:
        """Start or resume building the consensus coder ``into`` from two coders: what
        they agree on is copied; codings on segments only one of them read are left to
        decide unless ``copy_one_reader``."""
        from gioia.ops import consensus

        with self._lead_write(
            RECONCILING, show_others=show_others, reading=f"reconcile into {into}"
        ) as tx:
            return consensus.reconcile(tx, into, coders, copy_one_reader=copy_one_reader)

    def resolve(
        self,
        into: str,
        ref: str,
        choice: str,
        *,
        coders: list[str] | None = None,
        concepts: list[str] | None = None,
        note: str | None = None,
        show_others: bool = False,
    ) -> Decision:
        """Decide one disagreement for the consensus coder: a, b, both, neither or other
        (``concepts``: a coder's quote of one is kept, else the whole segment)."""
        from gioia.ops import consensus

        with self._lead_write(
            RECONCILING, show_others=show_others, reading=f"reconcile into {into}"
        ) as tx:
            return consensus.resolve(
                tx, into, ref, choice, coders=coders, concepts=concepts, note=note
            )

    def undo_decision(self, into: str, event: int, *, show_others: bool = False) -> list[str]:
        """Take back a decision (its event) of the consensus coder ``into``."""
        from gioia.ops import consensus

        with self._lead_write(
            RECONCILING, show_others=show_others, reading=f"reconcile into {into}"
        ) as tx:
            return consensus.undo_decision(tx, into, event)

    def reconcile_auto(
        self,
        into: str,
        mode: str,
        *,
        coders: list[str] | None = None,
        copy_one_reader: bool = False,
        show_others: bool = False,
    ) -> ReconcileState:
        """Build the consensus coder at once: ``union`` or ``intersection`` of two coders
        where both read a segment (segments only one read: see :meth:`reconcile`)."""
        from gioia.ops import consensus

        with self._lead_write(
            RECONCILING, show_others=show_others, reading=f"reconcile into {into}"
        ) as tx:
            return consensus.reconcile_auto(tx, into, mode, coders, copy_one_reader=copy_one_reader)

    # --- reports and exports -----------------------------------------------------------

    def write_agreement(
        self,
        path: Path,
        report: AgreementReport,
        *,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> Written:
        """Write an agreement report to .docx or .md, its codes in the order of the
        structure and grouped by theme (concepts) or dimension (themes); ``count`` is
        the number of codes."""
        from gioia.agreement_document import structure_groups, write_agreement
        from gioia.publish import AGREEMENT_FORMATS

        with self._output(path, AGREEMENT_FORMATS, no_clobber) as out:
            view = self.structure(show_others=show_others)
            write_agreement(report, out.temp, structure_groups(report, view))
        return Written(out.path, out.replaced, len(report.codes))

    def export_codings(
        self,
        path: Path,
        coders: list[str] | None = None,
        *,
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> Written:
        """Write every coding you may see (of these coders, if named) to .csv or .xlsx
        with the columns ``CODING_COLUMNS``, as ``gioia codings import`` reads them back."""
        from gioia.ops import coding
        from gioia.spreadsheet import write_csv, write_xlsx
        from gioia.views import CODING_COLUMNS

        with self._output(path, CODINGS_FORMATS, no_clobber) as out:
            with self._read(show_others=show_others, reading="codings") as tx:
                rows = [row.cells() for row in coding.coding_rows(tx, coders)]
            if out.suffix == ".xlsx":
                write_xlsx(out.temp, "codings", CODING_COLUMNS, rows)
            else:
                write_csv(out.temp, CODING_COLUMNS, rows)
        return Written(out.path, out.replaced, len(rows))
