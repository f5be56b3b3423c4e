"""The codebook as an Excel sheet that reads on screen and prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from gioia.publish.build import CODEBOOK_COLUMNS, COUNT_COLUMNS, Entry, codebook_record
from gioia.spreadsheet import append_row

_WIDE = {
    "dimension": 18,
    "theme": 18,
    "concept": 24,
    "definition": 40,
    "example": 44,
    "memos": 40,
}
_NARROW = {name: 11 for name in COUNT_COLUMNS} | {"level": 10, "example_wave": 13}
_LINE = 15.0  # the height of a line of 11 pt text, pt


def write_codebook_xlsx(
    path: Path, entries: Sequence[Entry], columns: Sequence[str] = CODEBOOK_COLUMNS
) -> None:
    """One sheet: a bold, frozen header; wrapped text at the top of each cell; widths
    that suit each column; dimension and theme rows bold. Printed landscape, one page
    wide, the header repeated on every page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Codebook"
    append_row(sheet, columns)
    for entry in entries:
        append_row(sheet, codebook_record(entry, with_memos="memos" in columns))
    widths = [_WIDE.get(name, _NARROW.get(name, 12)) for name in columns]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    top = Alignment(vertical="top", wrap_text=True)
    bold = Font(bold=True)
    for number, line in enumerate(sheet.iter_rows(), start=1):
        level = entries[number - 2].level if number > 1 else "header"
        for cell in line:
            cell.alignment = top
            if level != "concept":
                cell.font = bold
        # Spreadsheets do not grow a row for wrapped text when they print it: say how tall.
        lines = max(_lines(str(c.value or ""), w) for c, w in zip(line, widths, strict=True))
        sheet.row_dimensions[number].height = _LINE * lines
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    workbook.save(path)


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide."""
    room = max(1, width - 2)
    return max(1, sum(max(1, math.ceil(len(part) / room)) for part in text.split("\n")))
