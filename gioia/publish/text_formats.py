"""A :class:`Table` as Markdown or LaTeX."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gioia.publish.table import Document, Row, Table

_MD_SPECIAL = re.compile(r"([\\|*_`<])")


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_cell(row: Row, index: int) -> str:
    paragraphs = row.cells[index] or ()
    return "<br>".join(
        f"*{_md(text)}*" if (index, i) in row.notes else _md(text)
        for i, text in enumerate(paragraphs)
    )


def markdown(table: Table) -> str:
    """A title line and a pipe table; a cell's paragraphs are joined by <br>, a row that
    spans the table is bold in the first column."""

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
        if len(row.cells) == 1:
            paragraphs = row.cells[0] or ()
            text = "<br>".join(
                [f"**{_md(paragraphs[0])}**", *(f"*{_md(p)}*" for p in paragraphs[1:])]
            )
            lines.append(line([text, *[""] * (width - 1)]))
        else:
            cells = [_md_cell(row, i) for i in range(width)]
            if row.kind == "total":
                cells = [f"**{c}**" if c else c for c in cells]
            lines.append(line(cells))
    return "\n".join(lines) + "\n"


def markdown_document(document: Document) -> str:
    """The title in bold, then each paragraph and table (a table under its title)."""
    parts = [f"**{_md(document.title)}**"]
    for block in document.blocks:
        parts.append(markdown(block).rstrip("\n") if isinstance(block, Table) else _md(block))
    return "\n\n".join(parts) + "\n"


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


def _command(name: str, *arguments: str) -> str:
    return "\\" + name + "".join("{" + argument + "}" for argument in arguments)


def latex(table: Table) -> str:
    """A ``longtable`` with booktabs rules whose header repeats on every page, after a
    "(continued)" line; column widths follow the content.

    A row spanning the table (a dimension's or a theme's) ends with ``\\\\*`` so that no
    page break follows it; quotes in a cell are paragraphs of their own.
    """
    n = len(table.columns)
    widths = table.widths(1.0)
    spec = "".join(
        (r">{\raggedleft\arraybackslash}" if c.numeric else r">{\raggedright\arraybackslash}")
        + r"p{\dimexpr "
        + f"{int(1000 * w) / 1000:.3f}"
        + r"\linewidth-2\tabcolsep}"
        for c, w in zip(table.columns, widths, strict=True)
    )
    header = " & ".join(_command("textbf", _tex(c.title)) for c in table.columns) + r" \\"
    continued = _command(
        "multicolumn", str(n), "l", r"\small\itshape Table \thetable{} (continued)"
    )
    lines = [
        r"% Needs \usepackage{array,booktabs,longtable} (and \usepackage[T1]{fontenc})",
        _command("begin", "longtable", spec),
        _command("caption", _tex(table.title)) + r" \\",
        *(r"\toprule", header, r"\midrule", r"\endfirsthead"),
        *(continued + r" \\", r"\toprule", header, r"\midrule", r"\endhead"),
        *(r"\bottomrule", r"\endlastfoot"),
    ]
    span = r"p{\dimexpr\linewidth-2\tabcolsep}"
    for index, row in enumerate(table.rows):
        if len(row.cells) == 1:
            if index:
                lines.append(r"\addlinespace")
            paragraphs = row.cells[0] or ("",)
            text = _command("textbf", _tex(paragraphs[0]))
            text += "".join(" " + _command("textit", _tex(p)) for p in paragraphs[1:])
            lines.append(_command("multicolumn", str(n), span, text) + r" \\*")
            continue
        if row.kind == "total":
            lines.append(r"\midrule")
        elif index:
            lines.append(r"\addlinespace[2pt]")
        cells = []
        for i, cell in enumerate(row.cells):
            cells.append(
                r"\par\smallskip ".join(
                    _command("textit", _tex(p)) if (i, j) in row.notes else _tex(p)
                    for j, p in enumerate(cell or ())
                )
            )
        lines.append(" & ".join(cells) + r" \\")
    lines.append(_command("end", "longtable"))
    return "\n".join(lines) + "\n"
