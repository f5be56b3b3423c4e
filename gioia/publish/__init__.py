"""The tables a paper prints: representative quotes, the codebook, the cases and the
agreement report.

Each ``write_…`` function picks the format from the file's suffix. Word, Markdown and
LaTeX print one table, built once as a :class:`~gioia.publish.table.Table`
(:mod:`.build`) and rendered by one function per format (:mod:`.word`,
:mod:`.text_formats`); CSV and Excel hold one flat record per line for spreadsheets
(:mod:`.sheet`). Every file is written through :func:`gioia.output.output_file`.

The same input gives the same bytes in .md, .tex and .csv, and the same parts in .docx
(whose created and modified dates stay the fixed ones of python-docx's template); what
varies between runs is the zip timestamps of .docx and .xlsx, and the created and
modified dates that openpyxl writes into .xlsx when saving.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gioia.output import output_file
from gioia.publish.build import (
    CODEBOOK_COLUMNS,
    QUOTE_COLUMNS,
    cases_table,
    codebook_entries,
    codebook_record,
    codebook_table,
    quote_records,
    quotes_table,
)
from gioia.publish.table import Column, Row, Table, capitalised, clean
from gioia.publish.text_formats import latex, markdown, write_csv
from gioia.views import (
    AgreementReport,
    CaseSummary,
    CodeAgreement,
    ConceptQuotes,
    Quote,
    StructureView,
)

if TYPE_CHECKING:
    from gioia.agreement import Coefficient

__all__ = [
    "CODEBOOK_COLUMNS",
    "QUOTE_COLUMNS",
    "by_structure",
    "write_agreement",
    "write_cases",
    "write_codebook",
    "write_quotes",
]

QUOTES_TITLE = "Representative quotes underlying the data structure"
CODEBOOK_TITLE = "Codebook: aggregate dimensions, 2nd-order themes and 1st-order concepts"
CASES_TITLE = "Cases and informants"
AGREEMENT_TITLE = "Inter-coder agreement"


def write_quotes(
    rows: Sequence[ConceptQuotes],
    path: str | os.PathLike[str],
    *,
    with_wave: bool = False,
    title: str = QUOTES_TITLE,
) -> None:
    """Write the representative-quotes table to .docx, .md, .tex or .csv.

    ``rows`` come in structure order; the printed table has a heading row per aggregate
    dimension and per theme, then one row per concept with its quotes, each attributed
    "(Case A, Sales Manager)", with ", wave 2" added when ``with_wave``. The CSV has one
    record per quote (columns :data:`QUOTE_COLUMNS`) and one with an empty quote for a
    concept without quotes. Empty ``rows`` give a table with only its header.
    """
    with output_file(path, (".docx", ".md", ".tex", ".csv")) as out:
        if out.suffix == ".csv":
            write_csv(out.temp, QUOTE_COLUMNS, quote_records(rows))
        else:
            _write_table(quotes_table(rows, with_wave, title), out.temp, out.suffix)


def write_codebook(
    structure: StructureView,
    examples: Mapping[str, Quote],
    path: str | os.PathLike[str],
    *,
    title: str = CODEBOOK_TITLE,
) -> None:
    """Write the codebook to .docx, .md, .csv or .xlsx.

    One row per dimension, theme and concept, in structure order, with its definition,
    its counts and, for a concept, its example from ``examples`` (by concept name); a
    shared concept under each of its themes. Themes without a dimension and concepts
    without a theme follow under their own heading. CSV and Excel have the columns
    :data:`CODEBOOK_COLUMNS`. An empty structure gives a table with only its header.
    """
    from gioia.publish.sheet import write_codebook_xlsx

    entries = codebook_entries(structure, examples)
    with output_file(path, (".docx", ".md", ".csv", ".xlsx")) as out:
        if out.suffix == ".csv":
            write_csv(out.temp, CODEBOOK_COLUMNS, map(codebook_record, entries))
        elif out.suffix == ".xlsx":
            write_codebook_xlsx(out.temp, entries)
        else:
            _write_table(codebook_table(entries, title), out.temp, out.suffix)


def write_cases(
    cases: Sequence[CaseSummary],
    path: str | os.PathLike[str],
    *,
    interviews_per_wave: Mapping[str, Mapping[str, int]] | None = None,
    title: str = CASES_TITLE,
) -> None:
    """Write the cases table to .docx, .md or .csv.

    One row per case: its name, its attributes as columns (every key of any case, in
    first-seen order), its informants by role with their number of interviews, and its
    interviews: one column per wave of ``interviews_per_wave`` (case name -> wave ->
    interviews) and their total, or one "Interviews" column without it; then a row of
    totals. The CSV has the same columns, several entries in a cell joined by "; ". No
    cases give a table with only its header.
    """
    table = cases_table(cases, interviews_per_wave, title)
    with output_file(path, (".docx", ".md", ".csv")) as out:
        if out.suffix == ".csv":
            records = (["; ".join(cell or ()) for cell in row.cells] for row in table.rows)
            write_csv(out.temp, [c.title for c in table.columns], records)
        else:
            _write_table(table, out.temp, out.suffix)


def _write_table(table: Table, path: Path, suffix: str) -> None:
    if suffix == ".docx":
        from gioia.publish.word import write_docx

        write_docx(table, path)
    elif suffix == ".md":
        path.write_text(markdown(table), encoding="utf-8")
    else:
        path.write_text(latex(table), encoding="utf-8")


# The agreement report ---------------------------------------------------------------


def by_structure(
    report: AgreementReport, structure: StructureView
) -> list[tuple[str | None, list[CodeAgreement]]]:
    """The report's codes in the order of the structure, grouped by their parent: concepts
    under each theme, themes under each dimension (dimensions in one group); codes that
    are not in the structure last, by name, under None. A shared code comes once, under
    its first parent."""
    placed: list[tuple[str | None, str]] = []
    if report.level == "concept":
        placed = [
            (t.name, c.name) for d in structure.dimensions for t in d.themes for c in t.concepts
        ]
        placed += [(t.name, c.name) for t in structure.themes_without_dimension for c in t.concepts]
    elif report.level == "theme":
        placed = [(d.name, t.name) for d in structure.dimensions for t in d.themes]
    else:
        placed = [(None, d.name) for d in structure.dimensions]
    codes = {code.code: code for code in report.codes}
    groups: dict[str | None, list[CodeAgreement]] = {}
    seen: set[str] = set()
    for parent, name in placed:
        if name in codes and name not in seen:
            seen.add(name)
            groups.setdefault(parent, []).append(codes[name])
    rest = [code for code in report.codes if code.code not in seen]
    ordered: list[tuple[str | None, list[CodeAgreement]]] = [
        (parent, listed) for parent, listed in groups.items() if parent is not None
    ]
    if rest or None in groups:
        ordered.append((None, [*groups.get(None, []), *rest]))
    return ordered


def write_agreement(
    report: AgreementReport,
    path: str | os.PathLike[str],
    groups: Sequence[tuple[str | None, Sequence[CodeAgreement]]] | None = None,
) -> None:
    """Write the agreement report to .docx or .md: a row per code with its counts,
    coefficients and interpretation, then the overall figures and any exclusive groups.

    ``groups`` (see :func:`by_structure`) orders the codes and puts a heading row over
    each group ("Theme: …" over concepts, "Dimension: …" over themes); by default the
    report's order, with no headings.
    """
    from gioia.agreement import interpret_alpha, interpret_kappa

    two = len(report.coders) == 2
    kappa = "cohen_kappa" if two else "fleiss_kappa"
    onlys = [f"Only {clean(c)}" for c in report.coders] if two else ["Some"]
    columns = (
        Column(capitalised(report.level)),
        Column("Units", True),
        Column("Both" if two else "All", True),
        *(Column(title, True) for title in onlys),
        Column("Neither", True),
        Column("% agr.", True),
        Column("Cohen's κ (SE)" if two else "Fleiss' κ", True),
        Column("Gwet's AC1", True),
        Column("Kripp. α", True),
        Column("Interpretation"),
    )
    parent_level = {"concept": "Theme", "theme": "Dimension"}.get(report.level, "")
    body: list[Row] = []
    for parent, codes in groups if groups is not None else [(None, report.codes)]:
        if parent is not None:
            body.append(Row(((f"{parent_level}: {clean(parent)}",),), "theme"))
        elif groups is not None and parent_level:
            body.append(Row(((f"Not under a {parent_level.lower()}",),), "theme"))
        for code in codes:
            c = code.coefficients
            shown_kappa = _number(c[kappa]) + (
                f" ({_number(c['cohen_kappa_se'])})" if two and c["cohen_kappa_se"].defined else ""
            )
            only = (
                [str(code.only.get(name, 0)) for name in report.coders]
                if two
                else [str(code.units - code.both - code.neither)]
            )
            notes = [f"κ {interpret_kappa(c[kappa])}; α {interpret_alpha(c['krippendorff_alpha'])}"]
            if code.note:
                notes.append(code.note)
            body.append(
                Row(
                    (
                        (clean(code.code),),
                        (str(code.units),),
                        (str(code.both),),
                        *((n,) for n in only),
                        (str(code.neither),),
                        (_number(c["percent"]),),
                        (shown_kappa,),
                        (_number(c["gwet_ac1"]),),
                        (_number(c["krippendorff_alpha"]),),
                        tuple(notes),
                    )
                )
            )
    o = report.overall
    overall = (
        f"Overall: agreement {_number(o['percent'])}, pooled κ {_number(o['pooled_kappa'])}, "
        f"mean κ {_number(o['mean_kappa'])}, mean α {_number(o['mean_alpha'])} "
        f"({report.units_pairable} units compared, {report.units_dropped} read by one coder only)"
    )
    body.append(Row(((overall,),), "heading"))
    for group in report.groups:
        g = group.coefficients
        figures = ", ".join(
            f"{label} {_number(g[key])}"
            for label, key in (
                ("Fleiss' κ", "fleiss_kappa"),
                ("AC1", "gwet_ac1"),
                ("κn", "brennan_prediger"),
                ("α", "krippendorff_alpha"),
            )
        )
        line = (
            f"{clean(group.group)} as one variable ({len(group.categories)} categories, "
            f"{group.units} units, {group.violations} left out): {figures}"
        )
        body.append(Row(((line,),), "heading"))
    coders = " and ".join(clean(c) for c in report.coders)
    title = f"{AGREEMENT_TITLE}: {report.level}s, {report.unit} units, coders {coders}"
    with output_file(path, (".docx", ".md")) as out:
        _write_table(Table(title, columns, tuple(body)), out.temp, out.suffix)


def _number(value: Coefficient) -> str:
    """A coefficient with three decimals, or "undefined"."""
    return "undefined" if value.value is None else f"{value.value:.3f}"
