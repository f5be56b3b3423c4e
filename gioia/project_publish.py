"""``Project``'s use cases for what a paper prints: quotes, codebook, cases, figure."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gioia.ops import listing, quotes, tree
from gioia.project_structure import StructureMethods
from gioia.views import ConceptQuotes, FigureResult

if TYPE_CHECKING:
    from gioia.figure import FigureOptions


class PublishMethods(StructureMethods):
    """The figure and the tables, written to files."""

    # --- what a paper prints -----------------------------------------------------------

    def quotes(
        self, *, per_concept: int = 3, max_words: int = 60, coder: str | None = None
    ) -> list[ConceptQuotes]:
        """The representative quotes of each concept in the structure, in its order:
        the picked ones, else up to ``per_concept`` spread over cases and informants."""
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
            view = tree.structure(tx, coder=coder)
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

        with self._read() as tx:
            cases = listing.cases(tx)
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
        """Draw the data-structure figure to .svg, .png, .pdf or .dot (one file per part
        when it is split); each file's size and smallest text are in the result."""
        from gioia.figure import FigureOptions, draw

        options = options or FigureOptions()
        return draw(self.structure(order=options.order, coder=coder), path, options)

    def pick_quotes(self, concept: str, refs: list[str]) -> int:
        """Choose a concept's quotes by hand (segments, in order); an empty list clears them."""
        with self._write() as tx:
            return quotes.pick(tx, concept, refs)
