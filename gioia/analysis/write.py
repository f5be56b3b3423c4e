"""Writing the analyses to files: each writer picks the format by the file's suffix and
writes the path it is given (``Project`` gives the temporary file of
``gioia.output.output_file``: checked, atomic, never over the store); the fsQCA CSV and
its record beside it are opened with the opener given. CSV and Excel cells go through
:mod:`gioia.spreadsheet` (never formulas)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from gioia.analysis.cooccurrence import Cooccurrence, draw_network, network
from gioia.analysis.fsqca import FsqcaTable, format_membership
from gioia.analysis.matrix import CodeMatrix, format_value
from gioia.analysis.saturation import Saturation, saturation_scene
from gioia.output import Opener, check_suffix, output_file
from gioia.spreadsheet import append_row, write_csv
from gioia.views import Written

MATRIX_FORMATS = (".csv", ".xlsx", ".docx")
COOCCURRENCE_FORMATS = (".csv", ".xlsx", ".graphml", ".gexf", ".png", ".svg")
SATURATION_FORMATS = (".csv", ".png", ".svg")
PAIR_COLUMNS = ("code_a", "code_b", "count", "jaccard", "expected")
SATURATION_COLUMNS = ("number", "transcript", "case", "date", "new", "cumulative", "new_codes")

Path_ = str | os.PathLike[str]


def _sheet(
    workbook: Any,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: dict[int, int],
) -> None:
    """A sheet with a bold, frozen, filtered header and wrapped cells."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    append_row(sheet, list(header))
    for row in rows:
        append_row(sheet, list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 12)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions


def _workbook() -> Any:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _cell(value: float, kind: str) -> float | int:
    return round(value, 4) if kind == "share" else int(value)


def write_matrix(matrix: CodeMatrix, path: Path_) -> None:
    """Write the matrix to .csv (rows × codes), .xlsx (the matrix, and a second sheet with
    the segments behind every cell) or .docx (a table; a wide one on a landscape page)."""
    suffix = check_suffix(path, MATRIX_FORMATS)
    header = [matrix.rows_kind, *matrix.codes]
    body = [
        [row, *(_cell(v, matrix.value) for v in line)]
        for row, line in zip(matrix.rows, matrix.values, strict=True)
    ]
    if suffix == ".csv":
        write_csv(path, header, body)
    elif suffix == ".xlsx":
        workbook = _workbook()
        _sheet(workbook, "Matrix", header, body, {1: 28})
        traces = (
            [row, code, _cell(matrix.values[r][c], matrix.value), len(refs), "; ".join(refs)]
            for r, row in enumerate(matrix.rows)
            for c, code in enumerate(matrix.codes)
            if (refs := matrix.refs[r][c])
        )
        trace_header = [
            matrix.rows_kind,
            matrix.level,
            matrix.value,
            "segments",
            "segment_refs",
        ]
        _sheet(workbook, "Segments", trace_header, traces, {1: 24, 2: 40, 5: 80})
        workbook.save(path)
    else:
        _matrix_docx(matrix, Path(path))


def matrix_title(matrix: CodeMatrix) -> str:
    """The caption of a matrix: what its rows, columns and cells are, and whose codings."""
    cells = {
        "count": "codings",
        "segments": "coded segments",
        "presence": "1 where present",
        "share": "share of the row's informant segments coded",
    }[matrix.value]
    whose = f"{matrix.coder}'s codings" if matrix.coder else "every coder's codings"
    return f"{matrix.rows_kind.capitalize()} × {matrix.level} matrix: {cells} ({whose})"


def _matrix_docx(matrix: CodeMatrix, path: Path) -> None:
    from gioia.publish.table import Column, Row, Table
    from gioia.publish.word import write_docx

    columns = (
        Column(matrix.rows_kind.capitalize()),
        *(Column(code, numeric=True) for code in matrix.codes),
    )
    rows = tuple(
        Row(((row,), *((format_value(v, matrix.value),) for v in line)))
        for row, line in zip(matrix.rows, matrix.values, strict=True)
    )
    write_docx(Table(matrix_title(matrix), columns, rows), path)


def write_cooccurrence(result: Cooccurrence, path: Path_) -> None:
    """Write co-occurrence to .csv or .xlsx (one row per pair; .xlsx adds the codes), to
    .graphml or .gexf for Gephi, or draw the network to .png or .svg."""
    suffix = check_suffix(path, COOCCURRENCE_FORMATS)
    rows = [[p.a, p.b, p.count, round(p.jaccard, 4), round(p.expected, 4)] for p in result.pairs]
    if suffix == ".csv":
        write_csv(path, PAIR_COLUMNS, rows)
    elif suffix == ".xlsx":
        workbook = _workbook()
        _sheet(workbook, "Pairs", PAIR_COLUMNS, rows, {1: 40, 2: 40})
        codes = (
            [code, parent or "", frequency]
            for code, parent, frequency in zip(
                result.codes, result.parents, result.frequencies, strict=True
            )
        )
        _sheet(
            workbook,
            "Codes",
            (result.level, "parent", f"{result.within}s"),
            codes,
            {1: 40, 2: 40},
        )
        workbook.save(path)
    elif suffix in (".graphml", ".gexf"):
        import networkx as nx

        graph = network(result)
        if suffix == ".graphml":
            nx.write_graphml(graph, path)
        else:
            for _, data in graph.nodes(data=True):
                data["viz"] = {"size": float(data["frequency"])}
            nx.write_gexf(graph, path)
    else:
        Path(path).write_bytes(draw_network(result, suffix[1:]))


def write_saturation(result: Saturation, path: Path_) -> None:
    """Write saturation to .csv (one row per interview) or plot it to .png or .svg."""
    from gioia.analysis.chart import to_png, to_svg

    suffix = check_suffix(path, SATURATION_FORMATS)
    if suffix == ".csv":
        rows = (
            [
                s.number,
                s.transcript,
                s.case or "",
                s.date.isoformat() if s.date else "",
                len(s.new),
                s.cumulative,
                "; ".join(s.new),
            ]
            for s in result.steps
        )
        write_csv(path, SATURATION_COLUMNS, rows)
    elif suffix == ".svg":
        Path(path).write_text(to_svg(saturation_scene(result)), encoding="utf-8")
    else:
        Path(path).write_bytes(to_png(saturation_scene(result)))


def spec_path(csv_path: Path_) -> Path:
    """Where the calibration record of ``conditions.csv`` goes: ``conditions.spec.yaml``."""
    target = Path(csv_path)
    return target.with_name(f"{target.stem}.spec.yaml")


def write_fsqca(
    table: FsqcaTable, path: Path_, spec_file: Path, *, output: Opener = output_file
) -> tuple[Written, Written]:
    """Write the case × condition CSV (case first, ASCII headers, ``.`` decimals) and,
    beside it, the calibration record: each condition's source, method, anchors,
    rationale, and per case the raw measure, membership, rubric rationale and quotes.

    Both files are opened with ``output`` before either is written, and appear together
    or not at all. Returns what was written: the CSV (``count``: its cases) and the
    record (``count``: its conditions)."""
    import yaml

    from gioia import __version__

    record = spec_path(path)
    with output(Path(path), (".csv",)) as out, output(record, (".yaml",)) as side:
        header = ["case", *(c.spec.name for c in table.conditions)]
        rows = [
            [case, *(format_membership(c.cases[i].membership) for c in table.conditions)]
            for i, case in enumerate(table.cases)
        ]
        write_csv(out.temp, header, rows)
        flagged = set(table.half_memberships())
        conditions: dict[str, Any] = {}
        for condition in table.conditions:
            spec = condition.spec
            entry: dict[str, Any] = {"source": spec.describe(), "method": spec.method}
            if spec.anchors is not None:
                entry["anchors"] = {
                    "exclusion": spec.anchors.exclusion,
                    "crossover": spec.anchors.crossover,
                    "inclusion": spec.anchors.inclusion,
                }
                entry["full_membership"] = spec.idm
            if spec.rationale:
                entry["rationale"] = spec.rationale
            cases: dict[str, Any] = {}
            for c in condition.cases:
                item: dict[str, Any] = {
                    "raw": round(c.raw, 6) if isinstance(c.raw, float) else c.raw,
                    "membership": float(format_membership(c.membership)),
                }
                if c.rationale:
                    item["rationale"] = c.rationale
                if c.quotes:
                    item["quotes"] = [
                        {"segment": q.ref, "text": q.text, "attribution": q.attribution}
                        for q in c.quotes
                    ]
                if (c.case, spec.name) in flagged:
                    item["flag"] = (
                        "membership exactly 0.5: fsQCA can place this case neither in nor out"
                    )
                cases[c.case] = item
            entry["cases"] = cases
            conditions[spec.name] = entry
        whose = f"{table.coder}'s codings" if table.coder else "every coder's codings"
        head = (
            f"# The calibration behind {Path(path).name}, written by gioia {__version__} on "
            f"{dt.date.today().isoformat()} from {spec_file.name}.\n"
            "# Direct calibration: Ragin (2008), logistic, as R's QCA::calibrate"
            '(type = "fuzzy").\n'
            f"# Measures from the store are of {whose}.\n"
        )
        body = yaml.safe_dump(
            {"spec": spec_file.name, "cases": list(table.cases), "conditions": conditions},
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        side.temp.write_text(head + body, encoding="utf-8")
    return (
        Written(out.path, out.replaced, len(table.cases)),
        Written(side.path, side.replaced, len(table.conditions)),
    )
