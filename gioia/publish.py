"""The tables a paper prints: representative quotes, the codebook and the cases.

Each ``write_…`` function picks the format from the file's suffix. Word,
Markdown and LaTeX print one table, built once as a :class:`_Table` and
rendered by one function per format; CSV and Excel hold one flat record per
line for spreadsheets.

The same input gives the same bytes in .md, .tex and .csv, and the same
parts in .docx (whose created and modified dates stay the fixed ones of
python-docx's template); what varies between runs is the zip timestamps of
.docx and .xlsx, and the created and modified dates that openpyxl writes
into .xlsx when saving.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, TypeAlias

from gioia.errors import InvalidInput
from gioia.views import (
    CaseSummary,
    ConceptNode,
    ConceptQuotes,
    Counts,
    MemoView,
    Quote,
    StructureView,
    ThemeNode,
)

#: The memos on each item of the structure, by (level, name).
ItemMemos: TypeAlias = Mapping[tuple[str, str], Sequence[MemoView]]

QUOTES_TITLE = "Representative quotes underlying the data structure"
MEMOS_TITLE = "Memos"
CODEBOOK_TITLE = "Codebook: aggregate dimensions, 2nd-order themes and 1st-order concepts"
CASES_TITLE = "Cases and informants"

QUOTE_COLUMNS = ("dimension", "theme", "concept", "quote", "case", "role", "wave", "segment")
COUNT_COLUMNS = ("codings", "segments", "transcripts", "cases", "informants")
CODEBOOK_COLUMNS = (
    "level",
    "dimension",
    "theme",
    "concept",
    "definition",
    *COUNT_COLUMNS,
    "example",
    "example_case",
    "example_role",
    "example_wave",
    "example_segment",
)

# Word pages: US Letter with one-inch margins, portrait unless the table's
# natural width does not fit, in which case landscape.
_FONT = "Times New Roman"
_PORTRAIT_WIDTH = 6.5
_LANDSCAPE_WIDTH = 9.0

# The count columns of the printed codebook, just wide enough for their titles.
_COUNT_WIDTHS = tuple(zip(COUNT_COLUMNS, (0.62, 0.66, 0.8, 0.52, 0.78), strict=True))

# A cell holds paragraphs; None continues the cell above it (merged in Word,
# left blank elsewhere).
_Cell: TypeAlias = tuple[str, ...] | None


@dataclass(frozen=True)
class _Column:
    """A column of a printed table; ``width`` is its natural width in inches."""

    title: str
    width: float
    numeric: bool = False


@dataclass(frozen=True)
class _Row:
    """A row of a printed table.

    A ``heading`` row has one cell that spans the table; ``dimension`` and
    ``theme`` rows are emphasised.
    """

    cells: tuple[_Cell, ...]
    kind: Literal["heading", "dimension", "theme", "item"] = "item"


@dataclass(frozen=True)
class _Table:
    """A printed table: a title, columns and rows, in any output format."""

    title: str
    columns: tuple[_Column, ...]
    rows: tuple[_Row, ...]


@dataclass(frozen=True)
class _Document:
    """A titled report of paragraphs and tables, in order (Word or Markdown)."""

    title: str
    blocks: tuple[str | _Table, ...]


@dataclass(frozen=True)
class _Entry:
    """An item of the codebook with its place in the structure ("" where none)."""

    level: Literal["dimension", "theme", "concept"]
    dimension: str
    theme: str
    concept: str
    definition: str
    counts: Counts
    example: Quote | None
    memos: tuple[str, ...] = ()


def write_quotes(
    rows: Sequence[ConceptQuotes],
    path: str | os.PathLike[str],
    *,
    with_wave: bool = False,
    title: str = QUOTES_TITLE,
) -> None:
    """Write the representative-quotes table to .docx, .md, .tex or .csv.

    ``rows`` come in structure order; the printed table has a heading row per
    aggregate dimension, then one row per concept with its theme (shown once
    per theme) and its quotes, each attributed "(Case A, Sales Manager)", with
    ", wave 2" added when ``with_wave``. The CSV has one record per quote
    (columns :data:`QUOTE_COLUMNS`) and one with an empty quote for a concept
    without quotes. Empty ``rows`` give a table with only its header.
    """
    suffix = _suffix(path, (".docx", ".md", ".tex", ".csv"))
    if suffix == ".csv":
        _write_csv(path, QUOTE_COLUMNS, _quote_records(rows))
    else:
        _write_table(_quotes_table(rows, with_wave, title), path, suffix)


def write_codebook(
    structure: StructureView,
    examples: Mapping[str, Quote],
    path: str | os.PathLike[str],
    *,
    title: str = CODEBOOK_TITLE,
    memos: ItemMemos | None = None,
) -> None:
    """Write the codebook to .docx, .md, .csv or .xlsx.

    One row per dimension, theme and concept, in structure order, with its
    definition, its counts and, for a concept, its example from ``examples``
    (by concept name). Themes without a dimension and concepts without a
    theme follow under their own heading. CSV and Excel have the columns
    :data:`CODEBOOK_COLUMNS`, and "memos" at the end when ``memos`` is given
    (each memo "Author: text"; the table gets a Memos column). An empty
    structure gives a table with only its header.
    """
    suffix = _suffix(path, (".docx", ".md", ".csv", ".xlsx"))
    entries = _codebook_entries(structure, examples, memos or {})
    columns = (*CODEBOOK_COLUMNS, "memos") if memos is not None else CODEBOOK_COLUMNS
    if suffix == ".csv":
        records = (_codebook_record(e)[: len(columns)] for e in entries)
        _write_csv(path, columns, records)
    elif suffix == ".xlsx":
        _write_codebook_xlsx(path, entries, columns)
    else:
        _write_table(_codebook_table(entries, title, memos is not None), path, suffix)


def write_memos(memos: Sequence[MemoView], path: str | os.PathLike[str]) -> None:
    """Write memos to .md or .docx: one row per memo with what it is on, its author,
    its date (and "edited" when it was changed) and its text, in the order given."""
    suffix = _suffix(path, (".docx", ".md"))
    columns = (
        _Column("On", 1.4),
        _Column("Author", 0.8),
        _Column("Date", 0.9),
        _Column("Memo", 3.4),
    )
    body = []
    for memo in memos:
        on = memo.target if memo.kind == "segment" else f"{memo.kind.capitalize()}: {memo.target}"
        date = f"{memo.created_at:%Y-%m-%d}" + (
            f" (edited {memo.updated_at:%Y-%m-%d})" if memo.updated_at else ""
        )
        text = tuple(p.strip() for p in memo.text.split("\n") if p.strip())
        who = (memo.coder or "") + (" (shared)" if memo.shared else "")
        body.append(_Row(((_clean(on),), (_clean(who),), (date,), text)))
    _write_table(_Table(MEMOS_TITLE, columns, tuple(body)), path, suffix)


def write_cases(
    cases: Sequence[CaseSummary],
    path: str | os.PathLike[str],
    *,
    interviews_per_wave: Mapping[str, Mapping[str, int]] | None = None,
    title: str = CASES_TITLE,
) -> None:
    """Write the cases table to .docx, .md or .csv.

    One row per case: its name, its attributes as columns (every key of any
    case, in first-seen order), its informants by role with their number of
    interviews, and, given ``interviews_per_wave`` (case name -> wave ->
    interviews, in the mapping's order), its interviews per wave; without it,
    a "Waves" column lists the case's waves. The CSV has the same columns,
    several entries in a cell joined by "; ". No cases give a table with only
    its header.
    """
    suffix = _suffix(path, (".docx", ".md", ".csv"))
    table = _cases_table(cases, interviews_per_wave, title)
    if suffix == ".csv":
        records = (["; ".join(cell or ()) for cell in row.cells] for row in table.rows)
        _write_csv(path, [c.title for c in table.columns], records)
    else:
        _write_table(table, path, suffix)


def _suffix(path: str | os.PathLike[str], allowed: tuple[str, ...]) -> str:
    """Return the lower-cased suffix of ``path``, or raise if it is not ``allowed``."""
    name = Path(path)
    suffix = name.suffix.lower()
    if suffix not in allowed:
        choices = ", ".join(allowed[:-1]) + " or " + allowed[-1]
        raise InvalidInput(f"Cannot write {suffix or name.name}: choose {choices}.")
    return suffix


# The tables -------------------------------------------------------------------


def _grouped(
    rows: Sequence[ConceptQuotes],
) -> list[tuple[str, list[tuple[str, list[ConceptQuotes]]]]]:
    """Group consecutive rows by dimension, then by theme."""
    return [
        (dimension, [(theme, list(group)) for theme, group in groupby(block, attrgetter("theme"))])
        for dimension, block in groupby(rows, attrgetter("dimension"))
    ]


def _quotes_table(rows: Sequence[ConceptQuotes], with_wave: bool, title: str) -> _Table:
    columns = (
        _Column("2nd-Order Themes", 1.5),
        _Column("1st-Order Concepts", 1.7),
        _Column("Representative Quotes", 3.3),
    )
    body: list[_Row] = []
    for dimension, themes in _grouped(rows):
        body.append(_Row(((f"Aggregate Dimension: {_clean(dimension)}",),), "heading"))
        for theme, concepts in themes:
            for index, row in enumerate(concepts):
                quotes = tuple(_quoted(quote, with_wave) for quote in row.quotes)
                theme_cell = (_clean(theme),) if index == 0 else None
                body.append(_Row((theme_cell, (_clean(row.concept),), quotes)))
    return _Table(title, columns, tuple(body))


def _quote_records(rows: Sequence[ConceptQuotes]) -> Iterator[list[str]]:
    for row in rows:
        place = [row.dimension, row.theme, row.concept]
        for quote in row.quotes or (None,):
            yield [*place, *_quote_fields(quote)]


def _quote_fields(quote: Quote | None) -> list[str]:
    """Text, case, role, wave and segment of a quote, or five empty fields."""
    if quote is None:
        return ["", "", "", "", ""]
    return [quote.text, quote.case or "", quote.role or "", quote.wave or "", quote.ref]


def _codebook_entries(
    structure: StructureView, examples: Mapping[str, Quote], memos: ItemMemos
) -> list[_Entry]:
    """Every dimension, theme and concept in structure order, then what hangs outside."""
    entries: list[_Entry] = []

    def notes(level: str, name: str) -> tuple[str, ...]:
        return tuple(f"{m.coder}: {_clean(m.text)}" for m in memos.get((level, name), ()))

    def add_concepts(dimension: str, theme: str, concepts: Iterable[ConceptNode]) -> None:
        for c in concepts:
            example = examples.get(c.name)
            entries.append(
                _Entry(
                    "concept",
                    dimension,
                    theme,
                    c.name,
                    c.definition or "",
                    c.counts,
                    example,
                    notes("concept", c.name),
                )
            )

    def add_themes(dimension: str, themes: Iterable[ThemeNode]) -> None:
        for t in themes:
            entries.append(
                _Entry(
                    "theme",
                    dimension,
                    t.name,
                    "",
                    t.definition or "",
                    t.counts,
                    None,
                    notes("theme", t.name),
                )
            )
            add_concepts(dimension, t.name, t.concepts)

    for d in structure.dimensions:
        entries.append(
            _Entry(
                "dimension",
                d.name,
                "",
                "",
                d.definition or "",
                d.counts,
                None,
                notes("dimension", d.name),
            )
        )
        add_themes(d.name, d.themes)
    add_themes("", structure.themes_without_dimension)
    add_concepts("", "", structure.concepts_without_theme)
    return entries


def _codebook_record(entry: _Entry) -> list[str | int]:
    """A codebook row for CSV and Excel, its memos last (cut off when not wanted)."""
    place = [entry.level, entry.dimension, entry.theme, entry.concept, entry.definition]
    counts = [getattr(entry.counts, name) for name in COUNT_COLUMNS]
    return [*place, *counts, *_quote_fields(entry.example), "\n".join(entry.memos)]


def _codebook_table(entries: Sequence[_Entry], title: str, with_memos: bool = False) -> _Table:
    # the text columns share what the counts leave of a landscape page (9 inches)
    widths = (0.75, 1.3, 1.15, 1.3, 1.12) if with_memos else (0.75, 1.35, 1.62, 1.9)
    columns = (
        *(
            _Column(title, width)
            for title, width in zip(
                ("Level", "Code", "Definition", "Example"), widths[:4], strict=True
            )
        ),
        *(_Column(name.capitalize(), width, numeric=True) for name, width in _COUNT_WIDTHS),
        *((_Column("Memos", widths[-1]),) if with_memos else ()),
    )
    body: list[_Row] = []
    section = ""  # the heading of the items outside the tree being listed
    for entry in entries:
        if entry.dimension:
            heading = ""
        elif entry.theme:
            heading = "Themes without a dimension"
        else:
            heading = "Concepts without a theme"
        if heading and heading != section:
            body.append(_Row(((heading,),), "heading"))
        section = heading
        name = getattr(entry, entry.level)
        cells: list[_Cell] = [
            (entry.level.capitalize(),),
            (_clean(name),),
            (_clean(entry.definition),) if entry.definition else (),
            (_quoted(entry.example, False),) if entry.example else (),
        ]
        cells += [(str(getattr(entry.counts, c)),) for c in COUNT_COLUMNS]
        if with_memos:
            cells.append(entry.memos)
        kind = entry.level if entry.level != "concept" else "item"
        body.append(_Row(tuple(cells), kind))
    return _Table(title, columns, tuple(body))


def _cases_table(
    cases: Sequence[CaseSummary],
    interviews_per_wave: Mapping[str, Mapping[str, int]] | None,
    title: str,
) -> _Table:
    keys = list(dict.fromkeys(key for case in cases for key in case.attributes))
    waves_title = "Interviews per Wave" if interviews_per_wave is not None else "Waves"
    columns = (
        _Column("Case", 0.8),
        *(_Column(_capitalised(_clean(key.replace("_", " "))), 0.8) for key in keys),
        _Column("Informants (Interviews)", 1.6),
        _Column(waves_title, 1.0),
    )
    body = []
    for case in cases:
        informants = tuple(
            f"{_clean(i.role or 'Informant')} ({i.interviews})" for i in case.informants
        )
        if interviews_per_wave is None:
            waves: tuple[str, ...] = (", ".join(map(_clean, case.waves)),) if case.waves else ()
        else:
            per_wave = interviews_per_wave.get(case.name, {})
            waves = tuple(f"{_capitalised(_wave(w))}: {n}" for w, n in per_wave.items())
        attributes = [(_clean(case.attributes.get(key, "")),) for key in keys]
        body.append(_Row(((_clean(case.name),), *attributes, informants, waves)))
    return _Table(title, columns, tuple(body))


def _quoted(quote: Quote, with_wave: bool) -> str:
    """The quote in quotation marks, then "(Case A, Sales Manager, wave 2)"."""
    wave = _wave(quote.wave) if with_wave and quote.wave else None
    given = [_clean(part) for part in (quote.case, quote.role, wave) if part and part.strip()]
    attribution = f" ({', '.join(given)})" if given else ""
    return f"“{_clean(quote.text)}”{attribution}"


def _wave(wave: str) -> str:
    """The label of a wave in an attribution: "wave 2" for "2", "Wave 2" as it is."""
    return wave if wave.casefold().startswith("wave") else f"wave {wave}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _clean(text: str) -> str:
    """One line: every run of whitespace as one space."""
    return " ".join(text.split())


# The formats ------------------------------------------------------------------


def _write_table(table: _Table, path: str | os.PathLike[str], suffix: str) -> None:
    if suffix == ".docx":
        _write_docx(table, path)
    elif suffix == ".md":
        Path(path).write_text(_markdown(table), encoding="utf-8")
    else:
        Path(path).write_text(_latex(table), encoding="utf-8")


def _write_document(document: _Document, path: str | os.PathLike[str], suffix: str) -> None:
    """A report of paragraphs and tables as .docx or .md."""
    if suffix == ".docx":
        tables = [b for b in document.blocks if isinstance(b, _Table)]
        word, text_width = _docx_start(
            document.title, max((sum(c.width for c in t.columns) for t in tables), default=0)
        )
        _docx_paragraph(word, document.title, bold=True)
        for block in document.blocks:
            if isinstance(block, _Table):
                _docx_paragraph(word, block.title, bold=True)
                _docx_table(word, block, text_width)
            else:
                _docx_paragraph(word, block, bold=False)
        word.save(str(path))
        return
    parts = [f"**{_md(document.title)}**"]
    for block in document.blocks:
        parts.append(_markdown(block).rstrip("\n") if isinstance(block, _Table) else _md(block))
    Path(path).write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def _write_csv(
    path: str | os.PathLike[str], header: Sequence[str], records: Iterable[Sequence[Any]]
) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(records)


_MD_SPECIAL = re.compile(r"([\\|*_`<])")


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown(table: _Table) -> str:
    """A title line and a pipe table; a cell's paragraphs are joined by <br>."""

    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    width = len(table.columns)
    lines = [
        f"**{_md(table.title)}**",
        "",
        line(_md(c.title) for c in table.columns),
        line("---:" if c.numeric else "---" for c in table.columns),
    ]
    for row in table.rows:
        if row.kind == "heading":
            lines.append(line([f"**{_md(_text(row))}**", *[""] * (width - 1)]))
        else:
            lines.append(line("<br>".join(map(_md, cell or ())) for cell in row.cells))
    return "\n".join(lines) + "\n"


_TEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "[": "{[}",
    "]": "{]}",
}
_TEX_SPECIAL = re.compile("[" + re.escape("".join(_TEX)) + "]")


def _tex(text: str) -> str:
    """Escape text for LaTeX (brackets too, so a cell never reads as ``\\\\[…]``)."""
    return _TEX_SPECIAL.sub(lambda m: _TEX[m.group()], text)


def _latex(table: _Table) -> str:
    """A ``longtable`` with booktabs rules whose header repeats on every page.

    Column widths are fractions of the line width, rounded down so they fit; a
    heading row ends with ``\\\\*`` so that no page break follows it.
    """

    def command(name: str, *arguments: str) -> str:
        return "\\" + name + "".join("{" + argument + "}" for argument in arguments)

    total = sum(c.width for c in table.columns)
    fractions = (f"{int(1000 * c.width / total) / 1000:.3f}" for c in table.columns)
    spec = "".join(
        r">{\raggedright\arraybackslash}p{\dimexpr " + f + r"\linewidth-2\tabcolsep}"
        for f in fractions
    )
    header = " & ".join(command("textbf", _tex(c.title)) for c in table.columns) + r" \\"
    lines = [
        r"% Needs \usepackage{array,booktabs,longtable}",
        command("begin", "longtable", spec),
        command("caption", _tex(table.title)) + r" \\",
        *(r"\toprule", header, r"\midrule", r"\endfirsthead"),
        *(r"\toprule", header, r"\midrule", r"\endhead"),
        *(r"\bottomrule", r"\endlastfoot"),
    ]
    width = str(len(table.columns))
    for index, row in enumerate(table.rows):
        heading = row.kind == "heading"
        if index:
            lines.append(r"\addlinespace" if heading else r"\addlinespace[2pt]")
        if heading:
            title = command("textbf", _tex(_text(row)))
            span = r"p{\dimexpr\linewidth-2\tabcolsep}"
            lines.append(command("multicolumn", width, span, title) + r" \\*")
        else:
            cells = (r" \newline ".join(map(_tex, cell or ())) for cell in row.cells)
            lines.append(" & ".join(cells) + r" \\")
    lines.append(command("end", "longtable"))
    return "\n".join(lines) + "\n"


def _text(row: _Row) -> str:
    """The text of a heading row."""
    cell = row.cells[0]
    return cell[0] if cell else ""


def _write_docx(table: _Table, path: str | os.PathLike[str]) -> None:
    """A Word document: a bold title paragraph and one real table (see _docx_table)."""
    document, text_width = _docx_start(table.title, sum(c.width for c in table.columns))
    _docx_paragraph(document, table.title, bold=True)
    _docx_table(document, table, text_width)
    document.save(str(path))


def _docx_start(title: str, natural: float) -> tuple[Any, float]:
    """A Word document in the house style, landscape when a table's natural width does
    not fit a portrait page; and its text width in inches."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    document = docx.Document()
    properties = document.core_properties
    properties.title, properties.author, properties.comments = title, "", ""
    normal = document.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(10)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), _FONT)
    fonts.set(qn("w:cs"), _FONT)
    section = document.sections[0]
    text_width = _PORTRAIT_WIDTH
    if natural > _PORTRAIT_WIDTH + 0.5:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        text_width = _LANDSCAPE_WIDTH
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin = section.bottom_margin = Inches(1)
    return document, text_width


def _docx_paragraph(document: Any, text: str, *, bold: bool) -> None:
    """A paragraph; a bold one (a title) stays with what follows it."""
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = bold
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.keep_with_next = bold


def _docx_table(document: Any, table: _Table, text_width: float) -> None:
    """One real table: the header row repeats on every page; rules are horizontal only
    (heavier above and below the table and under the header); heading and dimension
    rows are shaded; a continued cell is merged with the one above.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    def rules(tag: str, **edges: tuple[str, int, str]) -> Any:
        element = OxmlElement(tag)
        for edge, (style, eighths, color) in edges.items():
            line = OxmlElement(f"w:{edge}")
            line.set(qn("w:val"), style)
            line.set(qn("w:sz"), str(eighths))
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), color)
            element.append(line)
        return element

    def shade(cell: Any) -> None:
        fill = OxmlElement("w:shd")
        fill.set(qn("w:val"), "clear")
        fill.set(qn("w:color"), "auto")
        fill.set(qn("w:fill"), "EDEDED")
        cell._tc.get_or_add_tcPr().insert_element_before(fill, *_AFTER_TC_SHD)

    natural = sum(c.width for c in table.columns)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.autofit = False
    widths = [Inches(c.width * text_width / natural) for c in table.columns]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width

    def fill(cell: Any, width: Any, texts: Sequence[str], bold: bool, numeric: bool) -> None:
        cell.width = width
        for index, text in enumerate(texts):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(2)
            paragraph.paragraph_format.space_after = Pt(2)
            if numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.size = Pt(9)

    header = grid.rows[0]
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(header_flag)
    for cell, width, column in zip(header.cells, widths, table.columns, strict=True):
        fill(cell, width, [column.title], True, column.numeric)
        rule = rules("w:tcBorders", bottom=("single", 6, "000000"))
        cell._tc.get_or_add_tcPr().insert_element_before(rule, "w:shd", *_AFTER_TC_SHD)

    above: list[Any] = list(header.cells)  # the cell each column's continuation merges into
    for row, spec in zip(grid.rows[1:], table.rows, strict=True):
        cells = row.cells
        if spec.kind == "heading":
            merged = cells[0].merge(cells[-1])
            fill(merged, sum(widths), [_text(spec)], True, False)
            merged.paragraphs[0].paragraph_format.keep_with_next = True
            shade(merged)
            above = [merged] * len(widths)
            continue
        for index, (cell, width, column, texts) in enumerate(
            zip(cells, widths, table.columns, spec.cells, strict=True)
        ):
            if texts is None:
                cell.width = width
                above[index] = above[index].merge(cell)
                continue
            fill(cell, width, texts, spec.kind != "item", column.numeric)
            if spec.kind == "dimension":
                shade(cell)
            above[index] = cell

    borders = rules(
        "w:tblBorders",
        top=("single", 8, "000000"),
        left=("nil", 0, "auto"),
        bottom=("single", 8, "000000"),
        right=("nil", 0, "auto"),
        insideH=("single", 2, "A6A6A6"),
        insideV=("nil", 0, "auto"),
    )
    grid._tbl.tblPr.insert_element_before(borders, *_AFTER_TBL_BORDERS)


# Elements that come after w:shd in w:tcPr and after w:tblBorders in w:tblPr
# (the schema fixes the order of properties).
_AFTER_TC_SHD = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)
_AFTER_TBL_BORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)


def _write_codebook_xlsx(
    path: str | os.PathLike[str], entries: Sequence[_Entry], columns: Sequence[str]
) -> None:
    """One sheet: a bold, frozen header, wrapped text and widths that suit each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Codebook"
    sheet.append(list(columns))
    for entry in entries:
        sheet.append(_codebook_record(entry)[: len(columns)])
    wide = {
        "dimension": 28,
        "theme": 28,
        "concept": 32,
        "definition": 50,
        "example": 60,
        "memos": 60,
    }
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = wide.get(name, 12)
    top = Alignment(vertical="top", wrap_text=True)
    for line in sheet.iter_rows():
        for cell in line:
            cell.alignment = top
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
