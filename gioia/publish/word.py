"""A :class:`Table` (or a :class:`Document` of paragraphs and tables) as a Word
document a journal takes.

US Letter with one-inch margins (landscape when the table cannot fit 6.5 inches with
every word whole and an inch to spare for its text); the title is a Word caption
("Table 1", a SEQ field) in the body font; the header row repeats on every page and
pages after the first say "Table 1 (continued)" at their head; no row splits across
pages, and dimension and theme rows keep with the row after them; rules are horizontal
only; column widths follow content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gioia.publish.table import Document, Row, Table

FONT = "Times New Roman"
PORTRAIT_WIDTH = 6.5
LANDSCAPE_WIDTH = 9.0
SLACK = 1.0  # a table with less room than this for its text beyond the least goes landscape
_BOOKMARK = "gioia_table_number"

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


def write_docx(table: Table, path: Path) -> None:
    """Write ``table`` to the Word document ``path``: its title a caption, "Table 1
    (continued)" at the head of later pages."""
    write_docx_document(Document(table.title, (table,)), path)


def write_docx_document(document: Document, path: Path) -> None:
    """Write a document of paragraphs and tables to ``path``. A document of one table is
    that table under its caption; any other has its title first, each table under a
    caption of its own (Table 1, Table 2, …) and "Title (continued)" on later pages."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Pt, RGBColor

    word = docx.Document()
    properties = word.core_properties
    properties.title, properties.author, properties.comments = document.title, "", ""
    for name, size in (("Normal", 10), ("Caption", 10), ("Header", 10)):
        style = word.styles[name]
        style.font.name, style.font.size = FONT, Pt(size)
        style.font.bold = style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian_font(style)

    tables = [block for block in document.blocks if isinstance(block, Table)]
    section = word.sections[0]
    text_width = PORTRAIT_WIDTH
    if max((t.least_width() for t in tables), default=0.0) > PORTRAIT_WIDTH - SLACK:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        text_width = LANDSCAPE_WIDTH
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin = section.bottom_margin = Inches(1)
    alone = document.blocks == (tables[0],) if tables else False
    _continued(section, None if alone else document.title)
    if not alone:
        title = word.add_paragraph()
        title.add_run(document.title).bold = True
        title.paragraph_format.keep_with_next = True
    number = 0
    for block in document.blocks:
        if isinstance(block, Table):
            number += 1
            _caption(word, block.title, number)
            _table(word, block, text_width)
        else:
            word.add_paragraph(block).paragraph_format.space_after = Pt(6)
    word.save(str(path))


def _table(word: Any, table: Table, text_width: float) -> None:
    """One real table, its header row repeated on every page and no row split."""
    from docx.shared import Inches

    widths = [Inches(w) for w in table.widths(text_width)]
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = word.styles["Table Grid"]
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    header = grid.rows[0]
    _row_flag(header, "w:tblHeader")
    _row_flag(header, "w:cantSplit")
    for cell, width, column in zip(header.cells, widths, table.columns, strict=True):
        _fill(cell, width, [column.title], bold=True, right=column.numeric)
        _borders(cell, "w:tcBorders", bottom=("single", 6, "000000"))
    for row, spec in zip(grid.rows[1:], table.rows, strict=True):
        _row_flag(row, "w:cantSplit")
        _row(row, spec, widths, table)
    _borders(
        grid,
        "w:tblBorders",
        top=("single", 8, "000000"),
        left=("nil", 0, "auto"),
        bottom=("single", 8, "000000"),
        right=("nil", 0, "auto"),
        insideH=("single", 2, "A6A6A6"),
        insideV=("nil", 0, "auto"),
    )


def _row(row: Any, spec: Row, widths: list[Any], table: Table) -> None:
    """Fill one row: a spanning row is merged into one cell; dimension and theme rows are
    kept with the next row, their names bold (a dimension's row shaded); a total row is
    bold."""
    cells = row.cells
    keep = spec.kind in ("heading", "dimension", "theme")
    if len(spec.cells) == 1:
        merged = cells[0].merge(cells[-1])
        notes = frozenset(j for _, j in spec.notes)
        _fill(merged, sum(widths), spec.cells[0] or ("",), bold=True, italic=notes, keep=keep)
        if spec.kind == "heading":
            _shade(merged)
        return
    for index, (cell, width, column, texts) in enumerate(
        zip(cells, widths, table.columns, spec.cells, strict=True)
    ):
        notes = frozenset(j for i, j in spec.notes if i == index)
        _fill(
            cell,
            width,
            texts or ("",),
            bold=spec.kind == "total" or (index == 0 and spec.kind != "item"),
            right=column.numeric,
            italic=notes,
            keep=keep,
        )
        if spec.kind == "dimension":
            _shade(cell)
        if spec.kind == "total":
            _borders(cell, "w:tcBorders", top=("single", 6, "000000"))


def _fill(
    cell: Any,
    width: Any,
    texts: tuple[str, ...] | list[str],
    *,
    bold: bool = False,
    right: bool = False,
    italic: frozenset[int] = frozenset(),
    keep: bool = False,
) -> None:
    """Set a cell's width and paragraphs; ``italic`` paragraphs (by index) are set in
    italics and not bold."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.width = width
    slanted = italic
    for index, text in enumerate(texts):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        layout = paragraph.paragraph_format
        layout.space_before = Pt(2 if index == 0 else 0)
        layout.space_after = Pt(3 if index < len(texts) - 1 else 2)
        layout.keep_with_next = keep
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        run.bold = bold and index not in slanted
        run.italic = index in slanted or None
        run.font.size = Pt(9)


def _caption(document: Any, title: str, number: int) -> None:
    """The title as a caption: "Table 1. Title", the number a SEQ field (the first in a
    bookmark, for the "(continued)" line to refer to)."""
    from docx.shared import Pt

    paragraph = document.add_paragraph(style="Caption")
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.add_run("Table ").bold = True
    field = _field(" SEQ Table \\* ARABIC ", str(number), bold=True)
    if number == 1:
        start, end = _bookmark()
        paragraph._p.extend((start, field, end))
    else:
        paragraph._p.append(field)
    paragraph.add_run(". ").bold = True
    paragraph.add_run(title)


def _continued(section: Any, title: str | None) -> None:
    """ "Table 1 (continued)" (or "Title (continued)") at the head of every page but the
    first."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    if title is not None:
        paragraph.add_run(f"{title} (continued)").italic = True
        return
    paragraph.add_run("Table ").italic = True
    paragraph._p.append(_field(f" REF {_BOOKMARK} \\h ", "1", italic=True))
    paragraph.add_run(" (continued)").italic = True


def _field(instruction: str, shown: str, *, bold: bool = False, italic: bool = False) -> Any:
    """A simple field (``w:fldSimple``) with its current result."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    if bold or italic:
        properties = OxmlElement("w:rPr")
        for flag, tag in ((bold, "w:b"), (italic, "w:i")):
            if flag:
                properties.append(OxmlElement(tag))
        run.append(properties)
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    return field


def _bookmark() -> tuple[Any, Any]:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), _BOOKMARK)
    end.set(qn("w:id"), "0")
    return start, end


def _row_flag(row: Any, tag: str) -> None:
    """Set ``w:tblHeader`` (repeat on every page) or ``w:cantSplit`` on a row."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _borders(target: Any, tag: str, **edges: tuple[str, int, str]) -> None:
    """Rules on a cell (``w:tcBorders``) or a table (``w:tblBorders``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for edge, (style, eighths, color) in edges.items():
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), style)
        line.set(qn("w:sz"), str(eighths))
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), color)
        element.append(line)
    if tag == "w:tblBorders":
        target._tbl.tblPr.insert_element_before(element, *_AFTER_TBL_BORDERS)
    else:
        properties = target._tc.get_or_add_tcPr()
        properties.insert_element_before(element, "w:shd", *_AFTER_TC_SHD)


def _shade(cell: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), "EDEDED")
    cell._tc.get_or_add_tcPr().insert_element_before(fill, *_AFTER_TC_SHD)


def _east_asian_font(style: Any) -> None:
    from docx.oxml.ns import qn

    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)
