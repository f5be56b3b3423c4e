"""The tables a paper prints: representative quotes, the codebook and the cases; and
the documents of paragraphs and tables that reports are (the agreement report).

Each ``write_…`` function picks the format from the file's suffix. Word, Markdown and
LaTeX print one table, built once as a :class:`~gioia.publish.table.Table`
(:mod:`.build`) and rendered by one function per format (:mod:`.word`,
:mod:`.text_formats`); CSV and Excel hold one flat record per line for spreadsheets
(:mod:`.sheet`), every text cell neutralised (:mod:`gioia.spreadsheet`).

These functions write to the path they are given: ``Project`` gives them the temporary
file of :func:`gioia.output.output_file`, so that a table appears whole or not at all and
never over the store.

The same input gives the same bytes in .md, .tex and .csv, and the same parts in .docx
(whose created and modified dates stay the fixed ones of python-docx's template); what
varies between runs is the zip timestamps of .docx and .xlsx, and the created and
modified dates that openpyxl writes into .xlsx when saving.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from gioia.output import check_suffix
from gioia.publish.build import (
    CODEBOOK_COLUMNS,
    QUOTE_COLUMNS,
    ItemMemos,
    cases_table,
    codebook_entries,
    codebook_record,
    codebook_table,
    memos_table,
    quote_records,
    quotes_table,
)
from gioia.publish.table import Column, Document, Row, Table
from gioia.publish.text_formats import latex, markdown, markdown_document
from gioia.spreadsheet import write_csv
from gioia.views import CaseSummary, MemoView
from gioia.views_structure import ConceptQuotes, Quote, StructureView

__all__ = [
    "AGREEMENT_FORMATS",
    "CASES_FORMATS",
    "CODEBOOK_COLUMNS",
    "CODEBOOK_FORMATS",
    "MEMO_FORMATS",
    "QUOTE_COLUMNS",
    "QUOTE_FORMATS",
    "Column",
    "Document",
    "Row",
    "Table",
    "write_cases",
    "write_codebook",
    "write_document",
    "write_memos",
    "write_quotes",
]

QUOTES_TITLE = "Representative quotes underlying the data structure"
CODEBOOK_TITLE = "Codebook: aggregate dimensions, 2nd-order themes and 1st-order concepts"
CASES_TITLE = "Cases and informants"
MEMOS_TITLE = "Memos"

QUOTE_FORMATS = (".docx", ".md", ".tex", ".csv")
CODEBOOK_FORMATS = (".docx", ".md", ".csv", ".xlsx")
CASES_FORMATS = (".docx", ".md", ".csv")
AGREEMENT_FORMATS = (".docx", ".md")
MEMO_FORMATS = (".md", ".docx")


def write_quotes(
    rows: Sequence[ConceptQuotes],
    path: str | os.PathLike[str],
    *,
    with_wave: bool = False,
    title: str = QUOTES_TITLE,
) -> None:
    """Write the representative-quotes table to .docx, .md, .tex or .csv.

    ``rows`` come in structure order; the printed table has a heading row per aggregate
    dimension and per theme, then one row per concept with its quotes, each attributed
    "(Case A, Sales Manager)", with ", wave 2" added when ``with_wave``. The CSV has one
    record per quote (columns :data:`QUOTE_COLUMNS`) and one with an empty quote for a
    concept without quotes. Empty ``rows`` give a table with only its header.
    """
    suffix = check_suffix(path, QUOTE_FORMATS)
    if suffix == ".csv":
        write_csv(path, QUOTE_COLUMNS, quote_records(rows))
    else:
        _write_table(quotes_table(rows, with_wave, title), Path(path), suffix)


def write_codebook(
    structure: StructureView,
    examples: Mapping[str, Quote],
    path: str | os.PathLike[str],
    *,
    title: str = CODEBOOK_TITLE,
    memos: ItemMemos | None = None,
) -> None:
    """Write the codebook to .docx, .md, .csv or .xlsx.

    One row per dimension, theme and concept, in structure order, with its definition,
    its counts and, for a concept, its example from ``examples`` (by concept name); a
    shared concept under each of its themes. Themes without a dimension and concepts
    without a theme follow under their own heading. CSV and Excel have the columns
    :data:`CODEBOOK_COLUMNS`, and "memos" at the end when ``memos`` is given (each memo
    "Author: text"; the printed table gets a Memos column). An empty structure gives a
    table with only its header.
    """
    from gioia.publish.sheet import write_codebook_xlsx

    suffix = check_suffix(path, CODEBOOK_FORMATS)
    entries = codebook_entries(structure, examples, memos)
    with_memos = memos is not None
    columns = (*CODEBOOK_COLUMNS, "memos") if with_memos else CODEBOOK_COLUMNS
    if suffix == ".csv":
        write_csv(path, columns, (codebook_record(e, with_memos) for e in entries))
    elif suffix == ".xlsx":
        write_codebook_xlsx(Path(path), entries, columns)
    else:
        _write_table(codebook_table(entries, title, with_memos), Path(path), suffix)


def write_memos(
    memos: Sequence[MemoView], path: str | os.PathLike[str], *, title: str = MEMOS_TITLE
) -> None:
    """Write memos to .md or .docx: one row per memo with what it is on, its author,
    its date (and "edited" when it was changed) and its text, in the order given."""
    suffix = check_suffix(path, MEMO_FORMATS)
    _write_table(memos_table(memos, title), Path(path), suffix)


def write_cases(
    cases: Sequence[CaseSummary],
    path: str | os.PathLike[str],
    *,
    interviews_per_wave: Mapping[str, Mapping[str, int]] | None = None,
    title: str = CASES_TITLE,
) -> None:
    """Write the cases table to .docx, .md or .csv.

    One row per case: its name, its attributes as columns (every key of any case, in
    first-seen order), its informants by role with their number of interviews, and its
    interviews: one column per wave of ``interviews_per_wave`` (case name -> wave ->
    interviews) and their total, or one "Interviews" column without it; then a row of
    totals. The CSV has the same columns, several entries in a cell joined by "; ". No
    cases give a table with only its header.
    """
    suffix = check_suffix(path, CASES_FORMATS)
    table = cases_table(cases, interviews_per_wave, title)
    if suffix == ".csv":
        records = (["; ".join(cell or ()) for cell in row.cells] for row in table.rows)
        write_csv(path, [c.title for c in table.columns], records)
    else:
        _write_table(table, Path(path), suffix)


def _write_table(table: Table, path: Path, suffix: str) -> None:
    if suffix == ".docx":
        from gioia.publish.word import write_docx

        write_docx(table, path)
    elif suffix == ".md":
        path.write_text(markdown(table), encoding="utf-8")
    else:
        path.write_text(latex(table), encoding="utf-8")


def write_document(document: Document, path: str | os.PathLike[str]) -> None:
    """Write a report of paragraphs and tables (the agreement report) to .docx or .md."""
    if check_suffix(path, AGREEMENT_FORMATS) == ".docx":
        from gioia.publish.word import write_docx_document

        write_docx_document(document, Path(path))
    else:
        Path(path).write_text(markdown_document(document), encoding="utf-8")
