"""CSV and Excel files that a spreadsheet opens as data, never as formulas.

A transcript line such as ``=HYPERLINK("http://…?d="&A1,"click")`` quoted in a codebook
would become a live formula in Excel. As OWASP recommends against CSV injection, a text
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading ``'`` in CSV, and as a string (never a formula, shown as text) in Excel;
numbers stay numbers. gioia's own readers take the ``'`` off again (``restore``), so
every export reads back as it was written. A cell that already begins with ``'``
followed by one of those characters gets one more, so that it too comes back whole.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

#: What a spreadsheet takes as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it (a plain number, "-0.25",
    stays as it is: a spreadsheet reads it as the number it is)."""
    if _NUMBER.fullmatch(text):
        return text
    unquoted = text.lstrip(_QUOTE)
    if unquoted.startswith(FORMULA_STARTS) and (
        text.startswith(FORMULA_STARTS) or text.startswith(_QUOTE)
    ):
        return _QUOTE + text
    return text


def restore(text: str) -> str:
    """The text ``neutralise`` was given (a cell read from a CSV file)."""
    if text.startswith(_QUOTE) and text.lstrip(_QUOTE).startswith(FORMULA_STARTS):
        return text[1:]
    return text


def cell(value: Any) -> Any:
    """A value for a CSV cell: text neutralised, numbers as they are, None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


def write_csv(
    target: str | os.PathLike[str] | IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Write a header and rows as UTF-8 CSV to a path or an open text stream; returns
    the number of rows."""
    if isinstance(target, str | os.PathLike):
        with open(target, "w", newline="", encoding="utf-8") as handle:
            return write_csv(handle, header, rows)
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow([cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        count += 1
    return count


def append_row(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl worksheet: text as strings (never formulas; those
    that look like one marked as text, as Excel's leading ' does), numbers as numbers."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    cells = []
    for value in values:
        if isinstance(value, str):
            made = Cell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            made.data_type = "s"
            if value.startswith(FORMULA_STARTS):
                made.quotePrefix = True
        else:
            made = Cell(sheet, value=value)
        cells.append(made)
    sheet.append(cells)


def write_xlsx(
    path: str | os.PathLike[str], title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write one sheet with a bold, frozen header; returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    append_row(sheet, list(header))
    count = 0
    for values in rows:
        append_row(sheet, list(values))
        count += 1
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    workbook.save(path)
    return count
