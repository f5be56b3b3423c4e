"""Tables researchers bring (CSV or Excel): a header and numbered rows, nothing more."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from gioia.errors import ImportFailed
from gioia.importers.archive import open_archive
from gioia.importers.decode import read_text
from gioia.spreadsheet import restore


@dataclass(frozen=True)
class Table:
    """A table's header (lower-cased, stripped; ``titles`` as written) and its rows with
    their row numbers.

    Row numbers count as a spreadsheet does: the header is row 1.
    """

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    titles: list[str]

    def require(self, *columns: str) -> None:
        """Fail, naming the file and the missing columns, unless all ``columns`` are there."""
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise ImportFailed(
                f"{self.name} has no column {', '.join(missing)} "
                f"(its columns: {', '.join(self.header) or 'none'})."
            )

    def records(self) -> list[tuple[int, dict[str, str]]]:
        """Each row as ``{column: value}`` (stripped; missing cells are empty strings)."""
        return [
            (
                number,
                {
                    col: (cells[i] if i < len(cells) else "").strip()
                    for i, col in enumerate(self.header)
                },
            )
            for number, cells in self.rows
        ]


def read_table(path: Path) -> Table:
    """Read a .csv (comma, semicolon or tab, whichever the header uses) or .xlsx file."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path)
    raise ImportFailed(f"{path.name}: unsupported table type {suffix!r} (use .csv or .xlsx).")


def _read_csv(path: Path) -> Table:
    """Read a CSV file whole or not at all: a row that cannot be parsed (a quote never
    closed, a cell beyond the size limit) is an error naming where it starts. Cells that
    gioia's exports protected from spreadsheets (``'=…``) read back as written."""
    text, _warnings = read_text(path)
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    lines: list[list[str]] = []
    start = 1
    try:
        for cells in reader:
            lines.append([restore(c) for c in cells])
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed(
            f"{path.name}: the row that starts on line {start} cannot be read "
            f"({_csv_problem(str(exc))}); nothing imported."
        ) from None
    return _table(path.name, lines)


def _csv_problem(said: str) -> str:
    if "field larger than field limit" in said:
        return f"a cell is longer than {csv.field_size_limit():,} characters, the limit"
    if "unexpected end of data" in said:
        return "a quote opens a cell that is never closed"
    if "expected after" in said:
        return 'a quote inside a quoted cell must be doubled ("")'
    return said


#: The most rows and cells gioia reads from a spreadsheet (Excel's own row limit, and
#: a bound on the cells a hostile sheet could make it pad out).
MAX_ROWS = 1_048_576
MAX_CELLS = 2_000_000


def _read_xlsx(path: Path) -> Table:
    """Read the first sheet of a workbook, within ``MAX_ROWS`` and ``MAX_CELLS``; what
    openpyxl cannot parse is an ``ImportFailed`` naming the file."""
    from openpyxl import load_workbook

    open_archive(path).close()  # refuses a workbook that expands beyond the limits
    lines: list[list[str]] = []
    cells = 0
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # rows as long as their cells, not as the sheet claims
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if len(lines) >= MAX_ROWS or cells > MAX_CELLS:
                    raise ImportFailed(
                        f"{path.name} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells; "
                        "gioia reads no more."
                    )
                values = ["" if cell is None else str(cell) for cell in row]
                while values and not values[-1]:
                    values.pop()
                lines.append(values)
        finally:
            workbook.close()
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises whatever its parsers meet in a damaged file
        said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ImportFailed(
            f"{path.name} is not an Excel workbook gioia can read ({said})."
        ) from exc
    return _table(path.name, lines)


def _table(name: str, lines: list[list[str]]) -> Table:
    numbered = [
        (i, cells) for i, cells in enumerate(lines, start=1) if any(c.strip() for c in cells)
    ]
    if not numbered:
        raise ImportFailed(f"{name} is empty.")
    header_number, header = numbered[0]
    titles = [c.strip() for c in header]
    while titles and not titles[-1]:
        titles.pop()
    rows = [(n, cells) for n, cells in numbered[1:] if n != header_number]
    return Table(name, [t.lower() for t in titles], rows, titles)
