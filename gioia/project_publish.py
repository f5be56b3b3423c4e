"""``Project``'s use cases for what a paper prints (quotes, codebook, cases, figure, the
agreement report) and the codings export.

Every file goes through ``ProjectBase._output`` (:mod:`gioia.output`): its suffix is
checked, it is never written over the store, and it appears whole or not at all. Each
method returns what it wrote (:class:`~gioia.views.Written`, or the figure's
:class:`~gioia.views.FigureResult`), including whether it replaced a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gioia.project_structure import StructureMethods
from gioia.views import CODING_COLUMNS, AgreementReport, ConceptQuotes, FigureResult, Written

if TYPE_CHECKING:
    from gioia.figure import FigureOptions

#: The formats ``export_codings`` writes.
CODINGS_FORMATS = (".csv", ".xlsx")


class PublishMethods(StructureMethods):
    """The figure, the tables and the reports, written to files."""

    # --- what a paper prints -----------------------------------------------------------

    def quotes(
        self, *, per_concept: int = 3, max_words: int = 60, coder: str | None = None
    ) -> list[ConceptQuotes]:
        """The representative quotes of each concept in the structure, in its order:
        the picked ones, else up to ``per_concept`` spread over cases and informants."""
        from gioia.ops import quotes, tree

        with self._read() as tx:
            view = tree.structure(tx)
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
        no_clobber: bool = False,
    ) -> Written:
        """Write the representative-quotes table (.docx, .md, .tex, .csv); ``count`` is
        the number of quotes."""
        from gioia.publish import QUOTE_FORMATS, write_quotes

        with self._output(path, QUOTE_FORMATS, no_clobber) as out:
            rows = self.quotes(per_concept=per_concept, max_words=max_words, coder=coder)
            write_quotes(rows, out.temp, with_wave=with_wave)
        return Written(out.path, out.replaced, sum(len(r.quotes) for r in rows))

    def write_codebook(
        self, path: Path, *, coder: str | None = None, no_clobber: bool = False
    ) -> Written:
        """Write the codebook (.docx, .md, .csv, .xlsx): definitions, counts and an example
        per concept; ``count`` is the number of concepts with an example."""
        from gioia.ops import quotes, tree
        from gioia.publish import CODEBOOK_FORMATS, write_codebook

        with self._output(path, CODEBOOK_FORMATS, no_clobber) as out:
            with self._read() as tx:
                view = tree.structure(tx, coder=coder)
                examples = {
                    row.concept: row.quotes[0]
                    for row in quotes.quotes_table(
                        tx, view, per_concept=1, max_words=40, coder=coder
                    )
                    if row.quotes
                }
            write_codebook(view, examples, out.temp)
        return Written(out.path, out.replaced, len(examples))

    def write_cases(self, path: Path, *, no_clobber: bool = False) -> Written:
        """Write the cases table (.docx, .md, .csv); ``count`` is the number of cases."""
        from gioia.ops import listing
        from gioia.publish import CASES_FORMATS, write_cases

        with self._output(path, CASES_FORMATS, no_clobber) as out:
            with self._read() as tx:
                cases = listing.cases(tx)
            per_wave = {case.name: case.interviews_per_wave for case in cases}
            write_cases(cases, out.temp, interviews_per_wave=per_wave)
        return Written(out.path, out.replaced, len(cases))

    def figure_dot(
        self, options: FigureOptions | None = None, *, coder: str | None = None
    ) -> tuple[str, list[str]]:
        """The data-structure figure as DOT, and the names left out (outside the tree)."""
        from gioia.figure import FigureOptions, to_dot

        options = options or FigureOptions()
        return to_dot(self.structure(order=options.order, coder=coder), options)

    def draw_figure(
        self,
        path: Path,
        options: FigureOptions | None = None,
        *,
        coder: str | None = None,
        no_clobber: bool = False,
    ) -> FigureResult:
        """Draw the data-structure figure to .svg, .png, .pdf or .dot (one file per part
        when it is split); each file's size, smallest text and whether it replaced a
        file are in the result."""
        from gioia.figure import FigureOptions, draw

        options = options or FigureOptions()

        view = self.structure(order=options.order, coder=coder)
        return draw(view, path, options, output=self._opener(no_clobber))

    def pick_quotes(self, concept: str, refs: list[str]) -> int:
        """Choose a concept's quotes by hand (segments, in order); an empty list clears them."""
        from gioia.ops import quotes

        with self._write() as tx:
            return quotes.pick(tx, concept, refs)

    # --- reports and exports -----------------------------------------------------------

    def write_agreement(
        self, path: Path, report: AgreementReport, *, no_clobber: bool = False
    ) -> Written:
        """Write an agreement report to .docx or .md, its codes in the order of the
        structure and grouped by theme (concepts) or dimension (themes); ``count`` is
        the number of codes."""
        from gioia.agreement_document import structure_groups, write_agreement
        from gioia.publish import AGREEMENT_FORMATS

        with self._output(path, AGREEMENT_FORMATS, no_clobber) as out:
            write_agreement(report, out.temp, structure_groups(report, self.structure()))
        return Written(out.path, out.replaced, len(report.codes))

    def export_codings(
        self, path: Path, coders: list[str] | None = None, *, no_clobber: bool = False
    ) -> Written:
        """Write every coding (of these coders, if named) to .csv or .xlsx with the
        columns ``CODING_COLUMNS``, as ``gioia codings import`` reads them back."""
        from gioia.ops import coding
        from gioia.spreadsheet import write_csv, write_xlsx

        with self._output(path, CODINGS_FORMATS, no_clobber) as out:
            with self._read() as tx:
                rows = [row.cells() for row in coding.coding_rows(tx, coders)]
            if out.suffix == ".xlsx":
                write_xlsx(out.temp, "codings", CODING_COLUMNS, rows)
            else:
                write_csv(out.temp, CODING_COLUMNS, rows)
        return Written(out.path, out.replaced, len(rows))
