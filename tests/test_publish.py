"""gioia.publish: the quotes, codebook and cases tables in every format; gioia.text.trim_words."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from gioia.errors import InvalidInput
from gioia.publish import QUOTES_TITLE, write_cases, write_codebook, write_quotes
from gioia.publish.table import quoted
from gioia.text import clean_quote, trim_words
from gioia.views import CaseSummary, InformantSummary
from gioia.views_structure import (
    ConceptNode,
    ConceptQuotes,
    Counts,
    DimensionNode,
    Quote,
    StructureView,
    ThemeNode,
)

ACTOR = "Actor (exporter) disposition"
BUYER = "Buyer engagement"
READINESS = "Structural readiness"
INTENT = "Strategic intent"
DAILY = "Day-to-day interaction"

Q1 = Quote(
    "We had one person | nothing else & 50% of her time.", "seg-1", "Case A", "Sales Manager", "2"
)
Q2 = Quote('She said "go" — the café_owner agreed.', "seg-2", None, "CEO", "1")
Q3 = Quote("Our team in Zürich\nspoke English.", "seg-3", "Case B", None, None)
Q4 = Quote("Just try it.", "seg-4", None, None, None)
Q5 = Quote(r"Reply in 24h {always} ~ ^ $ # \ [sic] *now*", "seg-5", "Case C", "Owner", "Wave 2")

QUOTES = [
    ConceptQuotes(ACTOR, READINESS, "Dedicated export staff", (Q1, Q2)),
    ConceptQuotes(ACTOR, READINESS, "English back office", (Q3,)),
    ConceptQuotes(ACTOR, INTENT, "New markets", (Q4,)),
    ConceptQuotes(BUYER, DAILY, "Daily engagement", (Q5,)),
    ConceptQuotes(BUYER, DAILY, "Trust through samples", ()),
]


def concept(name: str, definition: str | None, codings: int) -> ConceptNode:
    return ConceptNode(name, definition, Counts(codings, codings, 2, 2, 3))


STRUCTURE = StructureView(
    dimensions=(
        DimensionNode(
            ACTOR,
            "What the firm brings | to the platform.",
            Counts(9, 8, 4, 3, 5),
            (
                ThemeNode(
                    READINESS,
                    "Resources in place before joining.",
                    Counts(6, 5, 3, 2, 4),
                    (
                        concept("Dedicated export staff", "People who handle requests.", 4),
                        concept("English back office", None, 2),
                    ),
                ),
                ThemeNode(INTENT, None, Counts(3, 3, 2, 2, 2), (concept("New markets", None, 3),)),
            ),
        ),
        DimensionNode(
            BUYER,
            None,
            Counts(5, 4, 2, 2, 2),
            (
                ThemeNode(
                    DAILY,
                    None,
                    Counts(5, 4, 2, 2, 2),
                    (
                        concept("Daily engagement", None, 4),
                        concept("Trust through samples", None, 1),
                    ),
                ),
            ),
        ),
    ),
    themes_without_dimension=(
        ThemeNode("Fees", None, Counts(1, 1, 1, 1, 1), (concept("Fees too high", None, 1),)),
    ),
    concepts_without_theme=(concept("Language barriers", "Trouble with English.", 1),),
)
EXAMPLES = {"Dedicated export staff": Q1, "English back office": Q3, "Daily engagement": Q5}

CASES = [
    CaseSummary(
        "Case A",
        (InformantSummary("a1", "CEO", 2), InformantSummary("a2", "Sales Manager", 1)),
        3,
        30,
        6000,
        12,
        ("1", "2"),
        {"industry": "Machinery", "employees": "120"},
    ),
    CaseSummary(
        "Case B",
        (InformantSummary("b1", None, 1),),
        1,
        10,
        2000,
        4,
        ("2",),
        {"industry": "Food | drink", "countries_served": "14"},
    ),
    CaseSummary("Case C", (), 0, 0, 0, 0, (), {}),
]
PER_WAVE = {"Case A": {"1": 2, "2": 1}, "Case B": {"2": 1}}


def read_docx(path: Path) -> Any:
    """The document and its only table."""
    document = docx.Document(str(path))
    assert len(document.tables) == 1
    return document, document.tables[0]


def texts(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def repeats_header(table: Any) -> bool:
    flags = table.rows[0]._tr.trPr.findall(qn("w:tblHeader"))
    return len(flags) == 1 and flags[0].get(qn("w:val")) == "true"


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# The quotes table --------------------------------------------------------------

QUOTES_MD = """\
**Representative quotes underlying the data structure**

| 1st-Order Concepts | Representative Quotes |
| --- | --- |
| **Aggregate Dimension: Actor (exporter) disposition** |  |
| **2nd-Order Theme: Structural readiness** |  |
| Dedicated export staff | “We had one person \\| nothing else & 50% of her time.” (Case A, Sales Manager)<br>“She said ‘go’ — the café\\_owner agreed.” (CEO) |
| English back office | “Our team in Zürich spoke English.” (Case B) |
| **2nd-Order Theme: Strategic intent** |  |
| New markets | “Just try it.” |
| **Aggregate Dimension: Buyer engagement** |  |
| **2nd-Order Theme: Day-to-day interaction** |  |
| Daily engagement | “Reply in 24h {always} ~ ^ $ # \\\\ [sic] \\*now\\*” (Case C, Owner) |
| Trust through samples |  |
"""  # noqa: E501


def test_quotes_markdown(tmp_path: Path) -> None:
    path = tmp_path / "quotes.md"
    write_quotes(QUOTES, path)
    assert path.read_text(encoding="utf-8") == QUOTES_MD


def test_quotes_markdown_with_wave_and_shared_concepts(tmp_path: Path) -> None:
    shared = [
        ConceptQuotes(ACTOR, READINESS, "Dedicated export staff", (Q1,), (INTENT,)),
        ConceptQuotes(ACTOR, INTENT, "Dedicated export staff", (Q1,), (READINESS,), (BUYER,)),
    ]
    path = tmp_path / "quotes.md"
    write_quotes(shared, path, with_wave=True, title="Quotes")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "**Quotes**"
    assert lines[6:] == [
        "| Dedicated export staff<br>*also under Strategic intent* | “We had one person \\| "
        "nothing else & 50% of her time.” (Case A, Sales Manager, wave 2) |",
        "| **2nd-Order Theme: Strategic intent**<br>*also under Buyer engagement* |  |",
        "| Dedicated export staff<br>*also under Structural readiness* | “We had one person \\| "
        "nothing else & 50% of her time.” (Case A, Sales Manager, wave 2) |",
    ]


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ('She said "go" and left.', "“She said ‘go’ and left.”"),
        ("She said “go” and left.", "“She said ‘go’ and left.”"),
        ("It's the buyers' choice, 'they' say", "“It’s the buyers’ choice, ‘they’ say”"),
        ("(\"Quoted\") — 'yes'", "“(‘Quoted’) — ‘yes’”"),
    ],
)
def test_quotes_are_set_typographically(text: str, printed: str) -> None:
    assert quoted(Quote(text, "t:1", None, None, None), False) == printed


QUOTES_TEX = r"""% Needs \usepackage{array,booktabs,longtable} (and \usepackage[T1]{fontenc})
\begin{longtable}{>{\raggedright\arraybackslash}p{\dimexpr 0.446\linewidth-2\tabcolsep}>{\raggedright\arraybackslash}p{\dimexpr 0.554\linewidth-2\tabcolsep}}
\caption{Representative quotes underlying the data structure} \\
\toprule
\textbf{1st-Order Concepts} & \textbf{Representative Quotes} \\
\midrule
\endfirsthead
\multicolumn{2}{l}{\small\itshape Table \thetable{} (continued)} \\
\toprule
\textbf{1st-Order Concepts} & \textbf{Representative Quotes} \\
\midrule
\endhead
\bottomrule
\endlastfoot
\multicolumn{2}{p{\dimexpr\linewidth-2\tabcolsep}}{\textbf{Aggregate Dimension: Actor (exporter) disposition}} \\*
\addlinespace
\multicolumn{2}{p{\dimexpr\linewidth-2\tabcolsep}}{\textbf{2nd-Order Theme: Structural readiness}} \\*
\addlinespace[2pt]
Dedicated export staff & “We had one person | nothing else \& 50\% of her time.” (Case A, Sales Manager, wave 2)\par\smallskip “She said ‘go’ — the café\_owner agreed.” (CEO, wave 1) \\
\addlinespace[2pt]
English back office & “Our team in Zürich spoke English.” (Case B) \\
\addlinespace
\multicolumn{2}{p{\dimexpr\linewidth-2\tabcolsep}}{\textbf{2nd-Order Theme: Strategic intent}} \\*
\addlinespace[2pt]
New markets & “Just try it.” \\
\addlinespace
\multicolumn{2}{p{\dimexpr\linewidth-2\tabcolsep}}{\textbf{Aggregate Dimension: Buyer engagement}} \\*
\addlinespace
\multicolumn{2}{p{\dimexpr\linewidth-2\tabcolsep}}{\textbf{2nd-Order Theme: Day-to-day interaction}} \\*
\addlinespace[2pt]
Daily engagement & “Reply in 24h \{always\} \textasciitilde{} \textasciicircum{} \$ \# \textbackslash{} {[}sic{]} *now*” (Case C, Owner, Wave 2) \\
\addlinespace[2pt]
Trust through samples &  \\
\end{longtable}
"""  # noqa: E501


def test_quotes_latex(tmp_path: Path) -> None:
    path = tmp_path / "quotes.tex"
    write_quotes(QUOTES, path, with_wave=True)
    assert path.read_text(encoding="utf-8") == QUOTES_TEX


def compile_latex(tmp_path: Path, tex: str) -> str:
    """pdflatex's log for a letter-size article that inputs ``tex``."""
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
        "\\usepackage[letterpaper,margin=1in]{geometry}\n"
        "\\usepackage{array,booktabs,longtable}\n"
        f"\\begin{{document}}\n\\input{{{tex}}}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    return (tmp_path / "paper.log").read_text(errors="replace")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_quotes_latex_compiles(tmp_path: Path) -> None:
    write_quotes(QUOTES, tmp_path / "quotes.tex", with_wave=True)
    log = compile_latex(tmp_path, "quotes.tex")
    assert "Overfull" not in log and "Underfull \\hbox" not in log


QUOTES_CSV = """\
dimension,theme,concept,quote,case,role,wave,segment,also_under
Actor (exporter) disposition,Structural readiness,Dedicated export staff,We had one person | nothing else & 50% of her time.,Case A,Sales Manager,2,seg-1,
Actor (exporter) disposition,Structural readiness,Dedicated export staff,"She said ""go"" — the café_owner agreed.",,CEO,1,seg-2,
Actor (exporter) disposition,Structural readiness,English back office,"Our team in Zürich
spoke English.",Case B,,,seg-3,
Actor (exporter) disposition,Strategic intent,New markets,Just try it.,,,,seg-4,
Buyer engagement,Day-to-day interaction,Daily engagement,Reply in 24h {always} ~ ^ $ # \\ [sic] *now*,Case C,Owner,Wave 2,seg-5,
Buyer engagement,Day-to-day interaction,Trust through samples,,,,,,
"""  # noqa: E501


def test_quotes_csv(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    write_quotes(QUOTES, path, with_wave=True)
    assert path.read_text(encoding="utf-8") == QUOTES_CSV


def row_flags(row: Any) -> set[str]:
    """The row properties set on a table row (w:cantSplit, w:tblHeader)."""
    properties = row._tr.trPr
    return {child.tag.split("}")[1] for child in properties} if properties is not None else set()


def keeps_with_next(row: Any) -> bool:
    return all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)


def test_quotes_docx(tmp_path: Path) -> None:
    path = tmp_path / "quotes.docx"
    write_quotes(QUOTES, path, with_wave=True)
    document, table = read_docx(path)
    caption = document.paragraphs[0]
    assert caption.style.name == "Caption"
    assert [r.text for r in caption.runs] == ["Table ", ". ", QUOTES_TITLE]
    (field,) = caption._p.findall(qn("w:fldSimple"))
    assert field.get(qn("w:instr")) == " SEQ Table \\* ARABIC "
    assert "".join(t.text for t in field.iter(qn("w:t"))) == "1"
    assert document.styles["Caption"].font.name == "Times New Roman"
    assert document.core_properties.title == QUOTES_TITLE
    assert repeats_header(table)
    assert texts(table) == [
        ["1st-Order Concepts", "Representative Quotes"],
        [f"Aggregate Dimension: {ACTOR}"] * 2,
        [f"2nd-Order Theme: {READINESS}"] * 2,
        [
            "Dedicated export staff",
            "“We had one person | nothing else & 50% of her time.” (Case A, Sales Manager, wave 2)"
            "\n“She said ‘go’ — the café_owner agreed.” (CEO, wave 1)",
        ],
        ["English back office", "“Our team in Zürich spoke English.” (Case B)"],
        [f"2nd-Order Theme: {INTENT}"] * 2,
        ["New markets", "“Just try it.”"],
        [f"Aggregate Dimension: {BUYER}"] * 2,
        [f"2nd-Order Theme: {DAILY}"] * 2,
        [
            "Daily engagement",
            "“Reply in 24h {always} ~ ^ $ # \\ [sic] *now*” (Case C, Owner, Wave 2)",
        ],
        ["Trust through samples", ""],
    ]
    # No row splits across pages; dimension and theme rows keep with the next row.
    assert all("cantSplit" in row_flags(row) for row in table.rows)
    assert [keeps_with_next(row) for row in table.rows[1:]] == [
        True, True, False, False, True, False, True, True, False, False,
    ]  # fmt: skip
    heading = table.rows[1]._tr.tc_lst
    assert len(heading) == 1 and heading[0].grid_span == 2
    # Pages after the first say "Table 1 (continued)" at their head.
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    (ref,) = header._p.findall(qn("w:fldSimple"))
    assert ref.get(qn("w:instr")) == " REF gioia_table_number \\h "
    assert [r.text for r in header.runs] == ["Table ", " (continued)"]
    assert section.first_page_header.paragraphs[0].text == ""
    # Portrait; the quotes get the room; each quote a paragraph of its own.
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)
    widths = [c.width.inches for c in table.columns]
    assert round(sum(widths), 2) == 6.5 and widths[1] > 1.5 * widths[0]
    quotes = table.cell(3, 1).paragraphs
    assert [p.paragraph_format.space_after.pt for p in quotes] == [3.0, 2.0]


def test_quotes_docx_is_deterministic(tmp_path: Path) -> None:
    write_quotes(QUOTES, tmp_path / "one.docx")
    write_quotes(QUOTES, tmp_path / "two.docx")
    assert zip_parts(tmp_path / "one.docx") == zip_parts(tmp_path / "two.docx")


def test_text_formats_are_deterministic(tmp_path: Path) -> None:
    for suffix in (".md", ".tex", ".csv"):
        write_quotes(QUOTES, tmp_path / f"one{suffix}")
        write_quotes(QUOTES, tmp_path / f"two{suffix}")
        assert (tmp_path / f"one{suffix}").read_bytes() == (tmp_path / f"two{suffix}").read_bytes()


def test_import_is_cheap() -> None:
    code = "import sys, gioia.publish; print(sorted({'docx', 'openpyxl'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


# The codebook -----------------------------------------------------------------

CODEBOOK_MD = """\
**Codebook: aggregate dimensions, 2nd-order themes and 1st-order concepts**

| Code | Definition | Example | Segments | Cases | Informants |
| --- | --- | --- | ---: | ---: | ---: |
| Actor (exporter) disposition<br>*aggregate dimension* | What the firm brings \\| to the platform. |  | 8 | 3 | 5 |
| Structural readiness<br>*2nd-order theme* | Resources in place before joining. |  | 5 | 2 | 4 |
| Dedicated export staff | People who handle requests. | “We had one person \\| nothing else & 50% of her time.” (Case A, Sales Manager) | 4 | 2 | 3 |
| English back office |  | “Our team in Zürich spoke English.” (Case B) | 2 | 2 | 3 |
| Strategic intent<br>*2nd-order theme* |  |  | 3 | 2 | 2 |
| New markets |  |  | 3 | 2 | 3 |
| Buyer engagement<br>*aggregate dimension* |  |  | 4 | 2 | 2 |
| Day-to-day interaction<br>*2nd-order theme* |  |  | 4 | 2 | 2 |
| Daily engagement |  | “Reply in 24h {always} ~ ^ $ # \\\\ [sic] \\*now\\*” (Case C, Owner) | 4 | 2 | 3 |
| Trust through samples |  |  | 1 | 2 | 3 |
| **Themes without a dimension** |  |  |  |  |  |
| Fees<br>*2nd-order theme* |  |  | 1 | 1 | 1 |
| Fees too high |  |  | 1 | 2 | 3 |
| **Concepts without a theme** |  |  |  |  |  |
| Language barriers | Trouble with English. |  | 1 | 2 | 3 |
"""  # noqa: E501


def test_codebook_markdown(tmp_path: Path) -> None:
    path = tmp_path / "codebook.md"
    write_codebook(STRUCTURE, EXAMPLES, path)
    assert path.read_text(encoding="utf-8") == CODEBOOK_MD


CODEBOOK_CSV = """\
level,dimension,theme,concept,definition,codings,segments,transcripts,cases,informants,example,example_case,example_role,example_wave,example_segment,also_under
dimension,Actor (exporter) disposition,,,What the firm brings | to the platform.,9,8,4,3,5,,,,,,
theme,Actor (exporter) disposition,Structural readiness,,Resources in place before joining.,6,5,3,2,4,,,,,,
concept,Actor (exporter) disposition,Structural readiness,Dedicated export staff,People who handle requests.,4,4,2,2,3,We had one person | nothing else & 50% of her time.,Case A,Sales Manager,2,seg-1,
concept,Actor (exporter) disposition,Structural readiness,English back office,,2,2,2,2,3,"Our team in Zürich
spoke English.",Case B,,,seg-3,
theme,Actor (exporter) disposition,Strategic intent,,,3,3,2,2,2,,,,,,
concept,Actor (exporter) disposition,Strategic intent,New markets,,3,3,2,2,3,,,,,,
dimension,Buyer engagement,,,,5,4,2,2,2,,,,,,
theme,Buyer engagement,Day-to-day interaction,,,5,4,2,2,2,,,,,,
concept,Buyer engagement,Day-to-day interaction,Daily engagement,,4,4,2,2,3,Reply in 24h {always} ~ ^ $ # \\ [sic] *now*,Case C,Owner,Wave 2,seg-5,
concept,Buyer engagement,Day-to-day interaction,Trust through samples,,1,1,2,2,3,,,,,,
theme,,Fees,,,1,1,1,1,1,,,,,,
concept,,Fees,Fees too high,,1,1,2,2,3,,,,,,
concept,,,Language barriers,Trouble with English.,1,1,2,2,3,,,,,,
"""  # noqa: E501


def test_codebook_csv(tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    write_codebook(STRUCTURE, EXAMPLES, path)
    assert path.read_text(encoding="utf-8") == CODEBOOK_CSV


def test_codebook_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "codebook.xlsx"
    write_codebook(STRUCTURE, EXAMPLES, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Codebook"
    assert sheet.max_row == 14
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == ["level", "dimension", "theme", "concept", "definition", "codings"]
    assert rows[3] == [
        "concept",
        ACTOR,
        READINESS,
        "Dedicated export staff",
        "People who handle requests.",
        4,
        4,
        2,
        2,
        3,
        "We had one person | nothing else & 50% of her time.",
        "Case A",
        "Sales Manager",
        "2",
        "seg-1",
        None,
    ]
    assert rows[13][:5] == ["concept", None, None, "Language barriers", "Trouble with English."]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A2"].font.bold and sheet["A3"].font.bold and not sheet["A4"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["K4"].alignment.wrap_text and sheet["K4"].alignment.vertical == "top"
    widths = {key: sheet.column_dimensions[key].width for key in ("A", "E", "F", "K")}
    assert widths == {"A": 10, "E": 40, "F": 11, "K": 44}
    # It prints: landscape, one page wide, the header on every page, rows tall enough.
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    # "Our team in Zürich\nspoke English." takes two lines in its 44-character column.
    assert sheet.row_dimensions[5].height == 30
    assert sheet.row_dimensions[12].height == 15  # "Fees": one line


def test_codebook_docx(tmp_path: Path) -> None:
    path = tmp_path / "codebook.docx"
    write_codebook(STRUCTURE, EXAMPLES, path)
    document, table = read_docx(path)
    assert [r.text for r in document.paragraphs[0].runs][-1].startswith("Codebook")
    assert repeats_header(table)
    assert len(table.rows) == 16
    rows = texts(table)
    assert rows[0] == ["Code", "Definition", "Example", "Segments", "Cases", "Informants"]
    assert rows[1] == [
        f"{ACTOR}\naggregate dimension",
        "What the firm brings | to the platform.",
        "",
        "8",
        "3",
        "5",
    ]
    assert rows[3][:3] == [
        "Dedicated export staff",
        "People who handle requests.",
        "“We had one person | nothing else & 50% of her time.” (Case A, Sales Manager)",
    ]
    assert rows[11] == ["Themes without a dimension"] * 6
    assert rows[14] == ["Concepts without a theme"] * 6
    # Portrait now that the level and five counts are gone; definitions and examples get
    # the room; counts are right-aligned.
    section = document.sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)
    widths = [c.width.inches for c in table.columns]
    assert round(sum(widths), 2) == 6.5
    assert sum(widths[3:]) / sum(widths) < 0.4
    assert table.cell(1, 3).paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    # A dimension's name is bold and its row shaded; a theme's name bold; both keep with
    # the next row; the level is a note in italics.
    assert table.cell(1, 0).paragraphs[0].runs[0].bold
    assert table.cell(1, 0).paragraphs[1].runs[0].italic
    assert not table.cell(1, 1).paragraphs[0].runs[0].bold
    assert table.cell(1, 0)._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "EDEDED"
    assert table.cell(2, 0).paragraphs[0].runs[0].bold
    assert table.cell(2, 0)._tc.tcPr.find(qn("w:shd")) is None
    assert not table.cell(3, 0).paragraphs[0].runs[0].bold
    assert [keeps_with_next(table.rows[i]) for i in (1, 2, 3)] == [True, True, False]


# The cases table --------------------------------------------------------------

CASES_MD = """\
**Cases and informants**

| Case | Industry | Employees | Countries served | Informants (Interviews) | Wave 1 | Wave 2 | Total |
| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |
| Case A | Machinery | 120 |  | CEO (2)<br>Sales Manager (1) | 2 | 1 | 3 |
| Case B | Food \\| drink |  | 14 | Informant (1) | 0 | 1 | 1 |
| Case C |  |  |  |  | 0 | 0 | 0 |
| **Total** |  |  |  | **3 informants** | **2** | **2** | **4** |
"""  # noqa: E501


def test_cases_markdown(tmp_path: Path) -> None:
    path = tmp_path / "cases.md"
    write_cases(CASES, path, interviews_per_wave=PER_WAVE)
    assert path.read_text(encoding="utf-8") == CASES_MD


def test_cases_csv_without_interviews_per_wave(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    write_cases(CASES, path)
    assert path.read_text(encoding="utf-8") == (
        "Case,Industry,Employees,Countries served,Informants (Interviews),Interviews\n"
        "Case A,Machinery,120,,CEO (2); Sales Manager (1),3\n"
        "Case B,Food | drink,,14,Informant (1),1\n"
        "Case C,,,,,0\n"
        "Total,,,,3 informants,4\n"
    )


def test_cases_docx(tmp_path: Path) -> None:
    path = tmp_path / "cases.docx"
    write_cases(CASES, path, interviews_per_wave=PER_WAVE, title="The cases")
    document, table = read_docx(path)
    assert [r.text for r in document.paragraphs[0].runs] == ["Table ", ". ", "The cases"]
    assert repeats_header(table)
    assert texts(table) == [
        [
            "Case",
            "Industry",
            "Employees",
            "Countries served",
            "Informants (Interviews)",
            "Wave 1",
            "Wave 2",
            "Total",
        ],
        ["Case A", "Machinery", "120", "", "CEO (2)\nSales Manager (1)", "2", "1", "3"],
        ["Case B", "Food | drink", "", "14", "Informant (1)", "0", "1", "1"],
        ["Case C", "", "", "", "", "0", "0", "0"],
        ["Total", "", "", "", "3 informants", "2", "2", "4"],
    ]
    numbers = [table.cell(1, i).paragraphs[0].alignment for i in range(8)]
    assert numbers == [None, None, 2, 2, None, 2, 2, 2]  # numbers right-aligned
    assert all(run.bold for cell in table.rows[4].cells for p in cell.paragraphs for run in p.runs)
    assert document.sections[0].page_width.inches == 8.5


def test_waves_in_order(tmp_path: Path) -> None:
    per_wave = {"Case A": {"10": 1, "2": 1, "Pilot": 1}}
    write_cases(CASES[:1], tmp_path / "cases.csv", interviews_per_wave=per_wave)
    header = (tmp_path / "cases.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith("Wave 2,Wave 10,Wave Pilot,Total")


# Every function: suffixes and empty input -------------------------------------


WRITERS = {
    "quotes": lambda path: write_quotes(QUOTES, path),
    "codebook": lambda path: write_codebook(STRUCTURE, EXAMPLES, path),
    "cases": lambda path: write_cases(CASES, path),
}


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        (
            "quotes",
            "quotes.xlsx",
            "Cannot write quotes.xlsx: give a file name ending in .docx, .md, .tex or .csv.",
        ),
        (
            "codebook",
            "codebook.tex",
            "Cannot write codebook.tex: give a file name ending in .docx, .md, .csv or .xlsx.",
        ),
        (
            "cases",
            "cases.xyz",
            "Cannot write cases.xyz: give a file name ending in .docx, .md or .csv.",
        ),
        ("cases", "cases", "Cannot write cases: give a file name ending in .docx, .md or .csv."),
    ],
)
def test_unknown_suffix(tmp_path: Path, kind: str, name: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        WRITERS[kind](tmp_path / name)
    assert raised.value.message == message
    assert not (tmp_path / name).exists()


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    write_quotes(QUOTES, tmp_path / "QUOTES.MD")
    assert (tmp_path / "QUOTES.MD").read_text(encoding="utf-8") == QUOTES_MD


def test_empty_tables_keep_their_header(tmp_path: Path) -> None:
    write_quotes([], tmp_path / "quotes.md")
    assert (tmp_path / "quotes.md").read_text(encoding="utf-8") == (
        "**Representative quotes underlying the data structure**\n\n"
        "| 1st-Order Concepts | Representative Quotes |\n"
        "| --- | --- |\n"
    )
    write_quotes([], tmp_path / "quotes.csv")
    assert (tmp_path / "quotes.csv").read_text(encoding="utf-8") == (
        "dimension,theme,concept,quote,case,role,wave,segment,also_under\n"
    )
    write_quotes([], tmp_path / "quotes.tex")
    latex = (tmp_path / "quotes.tex").read_text(encoding="utf-8")
    assert latex.endswith("\\bottomrule\n\\endlastfoot\n\\end{longtable}\n")
    write_codebook(StructureView(()), {}, tmp_path / "codebook.xlsx")
    assert openpyxl.load_workbook(tmp_path / "codebook.xlsx").active.max_row == 1
    write_cases([], tmp_path / "cases.csv")
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8") == (
        "Case,Informants (Interviews),Interviews\n"
    )
    for write, name in [
        (write_quotes, "quotes.docx"),
        (lambda rows, path: write_codebook(StructureView(()), {}, path), "codebook.docx"),
        (write_cases, "cases.docx"),
    ]:
        write([], tmp_path / name)
        _, table = read_docx(tmp_path / name)
        assert len(table.rows) == 1
        assert repeats_header(table)


# trim_words -------------------------------------------------------------------

LONG = "We joined in 2019. Then we left. It was far too expensive for us."


@pytest.mark.parametrize(
    ("text", "max_words", "expected"),
    [
        (LONG, 14, LONG),
        (LONG, 13, "We joined in 2019. Then we left. […]"),
        (LONG, 7, "We joined in 2019. Then we left. […]"),
        (LONG, 6, "We joined in 2019. […]"),
        (LONG, 4, "We joined in 2019. […]"),
        (LONG, 3, "We joined in […]"),
        (" Two  words\n", 2, " Two  words\n"),
        ("We met Dr. Rossi and the whole team. Then", 5, "We met Dr. Rossi and […]"),
        ("Yes.\n\nWe stayed for two years", 3, "Yes. […]"),
        ("“Why?” she asked. Nobody knew the answer", 4, "“Why?” she asked. […]"),
        ("Wir haben’s gewagt, über Zürich", 2, "Wir haben’s […]"),
        ("First, second, third and fourth", 2, "First, second […]"),
    ],
)
def test_trim_words(text: str, max_words: int, expected: str) -> None:
    assert trim_words(text, max_words) == expected


def test_trim_words_needs_a_positive_limit() -> None:
    with pytest.raises(InvalidInput) as raised:
        trim_words("Anything", 0)
    assert raised.value.message == "Cannot trim to 0 words: give at least 1."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "(laughs) This is the question. For now, my nephew.",
            "This is the question. For now, my nephew.",
        ),
        ("Um, so, we joined last year, you know.", "we joined last year."),
        ("[pause] Yeah, okay, the fee is small, I mean.", "the fee is small."),
        ("Oh, well... the buyers came (laughs)", "the buyers came"),
        ("We do (sometimes) things.", "We do (sometimes) things."),
        ("So we said okay", "So we said okay"),
        ("(laughs)", "(laughs)"),
        ("Two\n  lines", "Two lines"),
    ],
)
def test_quotes_lose_stage_directions_and_fillers_at_their_edges(text: str, expected: str) -> None:
    assert clean_quote(text) == expected
