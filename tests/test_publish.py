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
from gioia.publish import write_cases, write_codebook, write_quotes
from gioia.text import trim_words
from gioia.views import (
    CaseSummary,
    ConceptNode,
    ConceptQuotes,
    Counts,
    DimensionNode,
    InformantSummary,
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

| 2nd-Order Themes | 1st-Order Concepts | Representative Quotes |
| --- | --- | --- |
| **Aggregate Dimension: Actor (exporter) disposition** |  |  |
| Structural readiness | Dedicated export staff | “We had one person \\| nothing else & 50% of her time.” (Case A, Sales Manager)<br>“She said "go" — the café\\_owner agreed.” (CEO) |
|  | English back office | “Our team in Zürich spoke English.” (Case B) |
| Strategic intent | New markets | “Just try it.” |
| **Aggregate Dimension: Buyer engagement** |  |  |
| Day-to-day interaction | Daily engagement | “Reply in 24h {always} ~ ^ $ # \\\\ [sic] \\*now\\*” (Case C, Owner) |
|  | Trust through samples |  |
"""  # noqa: E501


def test_quotes_markdown(tmp_path: Path) -> None:
    path = tmp_path / "quotes.md"
    write_quotes(QUOTES, path)
    assert path.read_text(encoding="utf-8") == QUOTES_MD


def test_quotes_markdown_with_wave(tmp_path: Path) -> None:
    path = tmp_path / "quotes.md"
    write_quotes(QUOTES, path, with_wave=True, title="Table 2. Quotes")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "**Table 2. Quotes**"
    assert lines[5] == (
        "| Structural readiness | Dedicated export staff | “We had one person \\| nothing else"
        ' & 50% of her time.” (Case A, Sales Manager, wave 2)<br>“She said "go" — the'
        " café\\_owner agreed.” (CEO, wave 1) |"
    )
    assert lines[6] == "|  | English back office | “Our team in Zürich spoke English.” (Case B) |"
    assert lines[7] == "| Strategic intent | New markets | “Just try it.” |"
    assert lines[9].endswith("\\*now\\*” (Case C, Owner, Wave 2) |")


QUOTES_TEX = r"""% Needs \usepackage{array,booktabs,longtable}
\begin{longtable}{>{\raggedright\arraybackslash}p{\dimexpr 0.230\linewidth-2\tabcolsep}>{\raggedright\arraybackslash}p{\dimexpr 0.261\linewidth-2\tabcolsep}>{\raggedright\arraybackslash}p{\dimexpr 0.507\linewidth-2\tabcolsep}}
\caption{Representative quotes underlying the data structure} \\
\toprule
\textbf{2nd-Order Themes} & \textbf{1st-Order Concepts} & \textbf{Representative Quotes} \\
\midrule
\endfirsthead
\toprule
\textbf{2nd-Order Themes} & \textbf{1st-Order Concepts} & \textbf{Representative Quotes} \\
\midrule
\endhead
\bottomrule
\endlastfoot
\multicolumn{3}{p{\dimexpr\linewidth-2\tabcolsep}}{\textbf{Aggregate Dimension: Actor (exporter) disposition}} \\*
\addlinespace[2pt]
Structural readiness & Dedicated export staff & “We had one person | nothing else \& 50\% of her time.” (Case A, Sales Manager, wave 2) \newline “She said "go" — the café\_owner agreed.” (CEO, wave 1) \\
\addlinespace[2pt]
 & English back office & “Our team in Zürich spoke English.” (Case B) \\
\addlinespace[2pt]
Strategic intent & New markets & “Just try it.” \\
\addlinespace
\multicolumn{3}{p{\dimexpr\linewidth-2\tabcolsep}}{\textbf{Aggregate Dimension: Buyer engagement}} \\*
\addlinespace[2pt]
Day-to-day interaction & Daily engagement & “Reply in 24h \{always\} \textasciitilde{} \textasciicircum{} \$ \# \textbackslash{} {[}sic{]} *now*” (Case C, Owner, Wave 2) \\
\addlinespace[2pt]
 & Trust through samples &  \\
\end{longtable}
"""  # noqa: E501


def test_quotes_latex(tmp_path: Path) -> None:
    path = tmp_path / "quotes.tex"
    write_quotes(QUOTES, path, with_wave=True)
    assert path.read_text(encoding="utf-8") == QUOTES_TEX


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_quotes_latex_compiles(tmp_path: Path) -> None:
    write_quotes(QUOTES, tmp_path / "quotes.tex", with_wave=True)
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
        "\\usepackage{array,booktabs,longtable}\n"
        "\\begin{document}\n\\input{quotes.tex}\n\\end{document}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Overfull" not in (tmp_path / "paper.log").read_text(errors="replace")


QUOTES_CSV = """\
dimension,theme,concept,quote,case,role,wave,segment
Actor (exporter) disposition,Structural readiness,Dedicated export staff,We had one person | nothing else & 50% of her time.,Case A,Sales Manager,2,seg-1
Actor (exporter) disposition,Structural readiness,Dedicated export staff,"She said ""go"" — the café_owner agreed.",,CEO,1,seg-2
Actor (exporter) disposition,Structural readiness,English back office,"Our team in Zürich
spoke English.",Case B,,,seg-3
Actor (exporter) disposition,Strategic intent,New markets,Just try it.,,,,seg-4
Buyer engagement,Day-to-day interaction,Daily engagement,Reply in 24h {always} ~ ^ $ # \\ [sic] *now*,Case C,Owner,Wave 2,seg-5
Buyer engagement,Day-to-day interaction,Trust through samples,,,,,
"""  # noqa: E501


def test_quotes_csv(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    write_quotes(QUOTES, path, with_wave=True)
    assert path.read_text(encoding="utf-8") == QUOTES_CSV


def test_quotes_docx(tmp_path: Path) -> None:
    path = tmp_path / "quotes.docx"
    write_quotes(QUOTES, path, with_wave=True)
    document, table = read_docx(path)
    assert document.paragraphs[0].text == "Representative quotes underlying the data structure"
    assert document.paragraphs[0].runs[0].bold
    assert document.core_properties.title == "Representative quotes underlying the data structure"
    assert table.style.name == "Table Grid"
    assert repeats_header(table)
    assert len(table.rows) == 8
    assert texts(table) == [
        ["2nd-Order Themes", "1st-Order Concepts", "Representative Quotes"],
        [f"Aggregate Dimension: {ACTOR}"] * 3,
        [
            READINESS,
            "Dedicated export staff",
            "“We had one person | nothing else & 50% of her time.” (Case A, Sales Manager, wave 2)"
            '\n“She said "go" — the café_owner agreed.” (CEO, wave 1)',
        ],
        [READINESS, "English back office", "“Our team in Zürich spoke English.” (Case B)"],
        [INTENT, "New markets", "“Just try it.”"],
        [f"Aggregate Dimension: {BUYER}"] * 3,
        [
            DAILY,
            "Daily engagement",
            "“Reply in 24h {always} ~ ^ $ # \\ [sic] *now*” (Case C, Owner, Wave 2)",
        ],
        [DAILY, "Trust through samples", ""],
    ]
    # Dimension headings span the table; a theme is one cell merged down its concepts.
    heading = table.rows[1]._tr.tc_lst
    assert len(heading) == 1 and heading[0].grid_span == 3
    assert [row._tr.tc_lst[0].vMerge for row in table.rows[2:5]] == ["restart", "continue", None]
    assert [row._tr.tc_lst[0].vMerge for row in table.rows[6:8]] == ["restart", "continue"]
    # Portrait, one font, column widths that fill the 6.5-inch text width.
    section = document.sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert [round(c.width.inches, 2) for c in table.columns] == [1.5, 1.7, 3.3]
    themes = [table.rows[i]._tr.tc_lst[0] for i in (2, 3, 4, 6, 7)]
    assert {round(tc.width.inches, 2) for tc in themes} == {1.5}
    paragraphs = [*document.paragraphs, *(p for c in table._cells for p in c.paragraphs)]
    assert {run.font.name for p in paragraphs for run in p.runs} == {None}


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

| Level | Code | Definition | Example | Codings | Segments | Transcripts | Cases | Informants |
| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |
| Dimension | Actor (exporter) disposition | What the firm brings \\| to the platform. |  | 9 | 8 | 4 | 3 | 5 |
| Theme | Structural readiness | Resources in place before joining. |  | 6 | 5 | 3 | 2 | 4 |
| Concept | Dedicated export staff | People who handle requests. | “We had one person \\| nothing else & 50% of her time.” (Case A, Sales Manager) | 4 | 4 | 2 | 2 | 3 |
| Concept | English back office |  | “Our team in Zürich spoke English.” (Case B) | 2 | 2 | 2 | 2 | 3 |
| Theme | Strategic intent |  |  | 3 | 3 | 2 | 2 | 2 |
| Concept | New markets |  |  | 3 | 3 | 2 | 2 | 3 |
| Dimension | Buyer engagement |  |  | 5 | 4 | 2 | 2 | 2 |
| Theme | Day-to-day interaction |  |  | 5 | 4 | 2 | 2 | 2 |
| Concept | Daily engagement |  | “Reply in 24h {always} ~ ^ $ # \\\\ [sic] \\*now\\*” (Case C, Owner) | 4 | 4 | 2 | 2 | 3 |
| Concept | Trust through samples |  |  | 1 | 1 | 2 | 2 | 3 |
| **Themes without a dimension** |  |  |  |  |  |  |  |  |
| Theme | Fees |  |  | 1 | 1 | 1 | 1 | 1 |
| Concept | Fees too high |  |  | 1 | 1 | 2 | 2 | 3 |
| **Concepts without a theme** |  |  |  |  |  |  |  |  |
| Concept | Language barriers | Trouble with English. |  | 1 | 1 | 2 | 2 | 3 |
"""  # noqa: E501


def test_codebook_markdown(tmp_path: Path) -> None:
    path = tmp_path / "codebook.md"
    write_codebook(STRUCTURE, EXAMPLES, path)
    assert path.read_text(encoding="utf-8") == CODEBOOK_MD


CODEBOOK_CSV = """\
level,dimension,theme,concept,definition,codings,segments,transcripts,cases,informants,example,example_case,example_role,example_wave,example_segment
dimension,Actor (exporter) disposition,,,What the firm brings | to the platform.,9,8,4,3,5,,,,,
theme,Actor (exporter) disposition,Structural readiness,,Resources in place before joining.,6,5,3,2,4,,,,,
concept,Actor (exporter) disposition,Structural readiness,Dedicated export staff,People who handle requests.,4,4,2,2,3,We had one person | nothing else & 50% of her time.,Case A,Sales Manager,2,seg-1
concept,Actor (exporter) disposition,Structural readiness,English back office,,2,2,2,2,3,"Our team in Zürich
spoke English.",Case B,,,seg-3
theme,Actor (exporter) disposition,Strategic intent,,,3,3,2,2,2,,,,,
concept,Actor (exporter) disposition,Strategic intent,New markets,,3,3,2,2,3,,,,,
dimension,Buyer engagement,,,,5,4,2,2,2,,,,,
theme,Buyer engagement,Day-to-day interaction,,,5,4,2,2,2,,,,,
concept,Buyer engagement,Day-to-day interaction,Daily engagement,,4,4,2,2,3,Reply in 24h {always} ~ ^ $ # \\ [sic] *now*,Case C,Owner,Wave 2,seg-5
concept,Buyer engagement,Day-to-day interaction,Trust through samples,,1,1,2,2,3,,,,,
theme,,Fees,,,1,1,1,1,1,,,,,
concept,,Fees,Fees too high,,1,1,2,2,3,,,,,
concept,,,Language barriers,Trouble with English.,1,1,2,2,3,,,,,
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
    ]
    assert rows[13][:5] == ["concept", None, None, "Language barriers", "Trouble with English."]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["K4"].alignment.wrap_text and sheet["K4"].alignment.vertical == "top"
    widths = {key: sheet.column_dimensions[key].width for key in ("A", "E", "F", "K")}
    assert widths == {"A": 12, "E": 50, "F": 12, "K": 60}


def test_codebook_docx(tmp_path: Path) -> None:
    path = tmp_path / "codebook.docx"
    write_codebook(STRUCTURE, EXAMPLES, path)
    document, table = read_docx(path)
    assert document.paragraphs[0].text.startswith("Codebook")
    assert repeats_header(table)
    assert len(table.rows) == 16
    rows = texts(table)
    assert rows[0] == [
        "Level",
        "Code",
        "Definition",
        "Example",
        "Codings",
        "Segments",
        "Transcripts",
        "Cases",
        "Informants",
    ]
    assert rows[1] == [
        "Dimension",
        ACTOR,
        "What the firm brings | to the platform.",
        "",
        "9",
        "8",
        "4",
        "3",
        "5",
    ]
    assert rows[3][:4] == [
        "Concept",
        "Dedicated export staff",
        "People who handle requests.",
        "“We had one person | nothing else & 50% of her time.” (Case A, Sales Manager)",
    ]
    assert rows[11] == ["Themes without a dimension"] * 9
    assert rows[14] == ["Concepts without a theme"] * 9
    # Nine columns need a landscape page; counts are right-aligned.
    section = document.sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (11, 8.5)
    assert round(sum(c.width.inches for c in table.columns), 2) == 9
    assert table.cell(1, 4).paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    # Dimension rows are bold and shaded, theme rows bold, concept rows plain.
    assert table.cell(1, 1).paragraphs[0].runs[0].bold
    assert table.cell(1, 1)._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "EDEDED"
    assert table.cell(2, 1).paragraphs[0].runs[0].bold
    assert table.cell(2, 1)._tc.tcPr.find(qn("w:shd")) is None
    assert not table.cell(3, 1).paragraphs[0].runs[0].bold


# The cases table --------------------------------------------------------------

CASES_MD = """\
**Cases and informants**

| Case | Industry | Employees | Countries served | Informants (Interviews) | Interviews per Wave |
| --- | --- | --- | --- | --- | --- |
| Case A | Machinery | 120 |  | CEO (2)<br>Sales Manager (1) | Wave 1: 2<br>Wave 2: 1 |
| Case B | Food \\| drink |  | 14 | Informant (1) | Wave 2: 1 |
| Case C |  |  |  |  |  |
"""


def test_cases_markdown(tmp_path: Path) -> None:
    path = tmp_path / "cases.md"
    write_cases(CASES, path, interviews_per_wave=PER_WAVE)
    assert path.read_text(encoding="utf-8") == CASES_MD


def test_cases_csv_without_interviews_per_wave(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    write_cases(CASES, path)
    assert path.read_text(encoding="utf-8") == (
        "Case,Industry,Employees,Countries served,Informants (Interviews),Waves\n"
        'Case A,Machinery,120,,CEO (2); Sales Manager (1),"1, 2"\n'
        "Case B,Food | drink,,14,Informant (1),2\n"
        "Case C,,,,,\n"
    )


def test_cases_docx(tmp_path: Path) -> None:
    path = tmp_path / "cases.docx"
    write_cases(CASES, path, interviews_per_wave=PER_WAVE, title="Table 1. The cases")
    document, table = read_docx(path)
    assert document.paragraphs[0].text == "Table 1. The cases"
    assert repeats_header(table)
    assert texts(table) == [
        [
            "Case",
            "Industry",
            "Employees",
            "Countries served",
            "Informants (Interviews)",
            "Interviews per Wave",
        ],
        ["Case A", "Machinery", "120", "", "CEO (2)\nSales Manager (1)", "Wave 1: 2\nWave 2: 1"],
        ["Case B", "Food | drink", "", "14", "Informant (1)", "Wave 2: 1"],
        ["Case C", "", "", "", "", ""],
    ]
    assert document.sections[0].page_width.inches == 8.5


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
        "| 2nd-Order Themes | 1st-Order Concepts | Representative Quotes |\n"
        "| --- | --- | --- |\n"
    )
    write_quotes([], tmp_path / "quotes.csv")
    assert (tmp_path / "quotes.csv").read_text(encoding="utf-8") == (
        "dimension,theme,concept,quote,case,role,wave,segment\n"
    )
    write_quotes([], tmp_path / "quotes.tex")
    latex = (tmp_path / "quotes.tex").read_text(encoding="utf-8")
    assert latex.endswith("\\bottomrule\n\\endlastfoot\n\\end{longtable}\n")
    write_codebook(StructureView(()), {}, tmp_path / "codebook.xlsx")
    assert openpyxl.load_workbook(tmp_path / "codebook.xlsx").active.max_row == 1
    write_cases([], tmp_path / "cases.csv")
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8") == (
        "Case,Informants (Interviews),Waves\n"
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
        (LONG, 13, "We joined in 2019. Then we left. …"),
        (LONG, 7, "We joined in 2019. Then we left. …"),
        (LONG, 6, "We joined in 2019. …"),
        (LONG, 4, "We joined in 2019. …"),
        (LONG, 3, "We joined in …"),
        (" Two  words\n", 2, " Two  words\n"),
        ("We met Dr. Rossi and the whole team. Then", 5, "We met Dr. Rossi and …"),
        ("Yes.\n\nWe stayed for two years", 3, "Yes. …"),
        ("“Why?” she asked. Nobody knew the answer", 4, "“Why?” she asked. …"),
        ("Wir haben’s gewagt, über Zürich", 2, "Wir haben’s …"),
    ],
)
def test_trim_words(text: str, max_words: int, expected: str) -> None:
    assert trim_words(text, max_words) == expected


def test_trim_words_needs_a_positive_limit() -> None:
    with pytest.raises(InvalidInput) as raised:
        trim_words("Anything", 0)
    assert raised.value.message == "Cannot trim to 0 words: give at least 1."
