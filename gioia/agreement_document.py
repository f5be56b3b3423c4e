"""The agreement report as one document, for the terminal and for files alike.

:func:`agreement_document` turns an :class:`AgreementReport` into paragraphs and tables
of text; the terminal prints them (leaving out the columns marked ``files_only``) and
``-o`` writes the same blocks to .docx or .md, so the two cannot drift apart.
:func:`agreement_records` gives every number as flat CSV records. Pure: no ORM, no
printing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gioia import publish
from gioia.agreement import interpret_alpha, interpret_kappa

if TYPE_CHECKING:
    from gioia.agreement import Coefficient
    from gioia.views_agreement import AgreementReport, AlphaBootstrap, CodeAgreement
    from gioia.views_structure import StructureView

TITLE = "Inter-coder agreement"
MISSING = {
    "gwet-2014": (
        "Missing values: Gwet's (2014) forms. A unit read by one coder only counts in"
        " chance agreement only; Krippendorff's α leaves it out (Krippendorff 2011)."
    ),
}
PARADOX = (
    "when one category dominates, chance agreement is high and κ low despite agreement"
    " (the kappa paradox, Feinstein & Cicchetti 1990): Gwet's AC1 is given beside κ."
)
MINIMUMS = ("0.800", "0.667")
COEFFICIENTS = (
    "percent",
    "cohen_kappa",
    "cohen_kappa_se",
    "scott_pi",
    "fleiss_kappa",
    "brennan_prediger",
    "gwet_ac1",
    "krippendorff_alpha",
)
OVERALL = ("pooled_kappa", "mean_kappa", "mean_alpha")


@dataclass(frozen=True)
class Column:
    """A column of a report table: ``numeric`` columns align right; ``files_only``
    columns (long text) are left out on the terminal."""

    title: str
    width: float
    numeric: bool = True
    files_only: bool = False


@dataclass(frozen=True)
class Table:
    """A report table: the first column names the row."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Document:
    """A titled report of paragraphs and tables, in order."""

    title: str
    blocks: tuple[str | Table, ...]


def number(value: Coefficient | float | None) -> str:
    """Three decimals, or "—" for an undefined value (its reason is in the notes)."""
    if value is None:
        return "—"
    if not isinstance(value, float | int):
        value = value.value
        if value is None:
            return "—"
    return f"{value:.3f}"


def _units(count: int, unit: str) -> str:
    return f"{count:,} {unit}" + ("" if count == 1 else "s")


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def agreement_document(report: AgreementReport) -> Document:
    """The whole report: what was compared and how, a row per code, the overall figures,
    the notes, then the bootstrap, exclusive groups and breakdown when asked for."""
    level = report.level.capitalize()
    blocks: list[str | Table] = [
        f"{level}s, {report.unit} units: {', '.join(report.coders)}; "
        f"{report.units_compared:,} compared, {report.units_read_by_one:,} read by one coder "
        f"only, {report.units_read_by_none:,} read by none.",
        MISSING[report.convention]
        + (
            " The characters of every transcript in scope form one reliability matrix."
            if report.unit == "character"
            else ""
        ),
    ]
    missing = [f"{name} {n:,}" for name, n in report.missing.items() if n]
    if missing:
        blocks.append(f"Units compared that a coder did not read: {', '.join(missing)}.")
    blocks.append(_code_table(report))
    blocks.append(_overall_line(report))
    blocks += _notes(report)
    if report.bootstrap is not None:
        blocks += _bootstrap_blocks(report)
    if report.exclusive:
        blocks += _group_blocks(report)
    if report.breakdown_by is not None:
        blocks.append(_breakdown_table(report))
    coders = _join(report.coders)
    title = f"{TITLE}: {report.level}s, {report.unit} units, coders {coders}"
    return Document(title, tuple(blocks))


def _kappa_key(report: AgreementReport) -> str:
    return "cohen_kappa" if len(report.coders) == 2 else "fleiss_kappa"


def _code_table(report: AgreementReport) -> Table:
    two = len(report.coders) == 2
    kappa = _kappa_key(report)
    counts = (
        [Column("both", 0.45), *(Column(name, 0.5) for name in report.coders)]
        if two
        else [Column("all", 0.45), Column("some", 0.45)]
    )
    columns = (
        Column(report.level.capitalize(), 1.9, numeric=False),
        Column("n", 0.5),
        *counts,
        Column("none", 0.45),
        Column("%", 0.5),
        Column("κ" if two else "Fleiss' κ", 0.5),
        *((Column("SE of κ", 0.5, files_only=True),) if two else ()),
        Column("α", 0.5),
        Column("AC1", 0.5),
        Column("Interpretation", 1.3, numeric=False, files_only=True),
    )
    rows = []
    for code in report.codes:
        c = code.coefficients
        split = (
            [str(code.both), *(str(code.only[n]) for n in report.coders)]
            if two
            else [str(code.both), str(code.units - code.both - code.neither)]
        )
        reading = f"κ {interpret_kappa(c[kappa])}; α {interpret_alpha(c['krippendorff_alpha'])}"
        rows.append(
            (
                code.code,
                str(code.units),
                *split,
                str(code.neither),
                number(c["percent"]),
                number(c[kappa]),
                *((number(c["cohen_kappa_se"]),) if two else ()),
                number(c["krippendorff_alpha"]),
                number(c["gwet_ac1"]),
                reading,
            )
        )
    return Table(f"Agreement per {report.level}", columns, tuple(rows))


def _overall_line(report: AgreementReport) -> str:
    o = report.overall
    total = len(report.codes)

    def over(key: str) -> str:
        defined = sum(1 for c in report.codes if c.coefficients[key].defined)
        return f" over {defined} of {total} {report.level}s" if defined < total else ""

    return (
        f"Overall: agreement {number(o['percent'])}, pooled κ {number(o['pooled_kappa'])} "
        f"({interpret_kappa(o['pooled_kappa'])}), mean κ {number(o['mean_kappa'])}"
        f"{over(_kappa_key(report))}, mean α {number(o['mean_alpha'])}"
        f"{over('krippendorff_alpha')} ({interpret_alpha(o['mean_alpha'])})."
    )


def _notes(report: AgreementReport) -> list[str]:
    """Said once per report: the kappa paradox, codes one coder used, undefined values."""
    notes = [report.private.sentence()] if report.private else []
    paradox = [c.code for c in report.codes if c.kappa_paradox]
    if paradox:
        notes.append(f"Agreement is high but κ low for {_join(paradox)}: {PARADOX}")
    alone = [
        f"{c.code} ({c.used_by[0]}, {_units(c.applied[c.used_by[0]], report.unit)})"
        for c in report.codes
        if len(c.used_by) == 1
    ]
    if alone:
        notes.append(f"Used by one coder only: {'; '.join(alone)}.")
    shown = {
        _kappa_key(report): "κ",
        "krippendorff_alpha": "α",
        "gwet_ac1": "AC1",
        "percent": "Agreement",
    }
    if len(report.coders) == 2:
        shown["cohen_kappa_se"] = "The SE of κ"
    for key, label in shown.items():
        reasons: dict[str, list[str]] = {}
        for code in report.codes:
            reason = code.coefficients[key].reason
            if reason is not None and not (key == "cohen_kappa_se" and _no_kappa(code)):
                reasons.setdefault(reason, []).append(code.code)
        for reason, codes in reasons.items():
            which = f"every {report.level}" if len(codes) == len(report.codes) else _join(codes)
            notes.append(f"{label} is undefined for {which}. {reason}")
    return notes


def _no_kappa(code: CodeAgreement) -> bool:
    return not code.coefficients["cohen_kappa"].defined


def _bootstrap_cells(found: AlphaBootstrap | None) -> list[str]:
    if found is None or found.low is None or found.high is None:
        return ["—"] * (2 + len(MINIMUMS))
    return [
        number(found.low),
        number(found.high),
        *(number(found.below[m]) if m in found.below else "—" for m in MINIMUMS),
    ]


def _bootstrap_blocks(report: AgreementReport) -> list[str | Table]:
    """The bootstrap table, then why a row whose α is defined has no interval."""
    plan = report.bootstrap
    assert plan is not None
    columns = (
        Column(report.level.capitalize(), 1.9, numeric=False),
        Column("α", 0.5),
        Column("2.5%", 0.5),
        Column("97.5%", 0.5),
        *(Column(f"P<{m[1:]}", 0.55) for m in MINIMUMS),
        Column("no α", 0.5),
        Column("Why no interval", 2.0, numeric=False, files_only=True),
    )
    rows = []
    found: list[tuple[str, Coefficient, AlphaBootstrap | None]] = [
        (c.code, c.coefficients["krippendorff_alpha"], c.bootstrap) for c in report.codes
    ]
    found += [
        (f"{g.group} (group)", g.coefficients["krippendorff_alpha"], g.bootstrap)
        for g in report.groups
    ]
    for name, alpha, boot in found:
        rows.append(
            (
                name,
                number(alpha),
                *_bootstrap_cells(boot),
                str(boot.undefined) if boot is not None else "—",
                (boot.reason or "") if boot is not None else "",
            )
        )
    title = (
        f"Bootstrap of α: {plan.resamples:,} resamples of the {plan.resampled}s (seed "
        f"{plan.seed}); 95% percentile interval; P<.800: the share of resamples with α < .800"
    )
    notes: list[str | Table] = [
        f"No interval for {name}: {boot.reason}"
        for name, alpha, boot in found
        if boot is not None and boot.reason is not None and alpha.defined
    ]
    return [Table(title, columns, tuple(rows)), *notes]


def _group_blocks(report: AgreementReport) -> list[str | Table]:
    parent = "theme" if report.level == "concept" else "dimension"
    columns = (
        Column(parent.capitalize(), 1.6, numeric=False),
        Column("q", 0.35),
        Column("n", 0.5),
        Column("out", 0.45),
        Column("%", 0.5),
        Column("κ", 0.5),
        Column("AC1", 0.5),
        Column("κn", 0.5),
        Column("α", 0.5),
        Column("Categories", 2.0, numeric=False, files_only=True),
    )
    rows = tuple(
        (
            g.group,
            str(len(g.categories)),
            str(g.units),
            str(g.violations),
            *(
                number(g.coefficients[k])
                for k in ("percent", "fleiss_kappa", "gwet_ac1", "brennan_prediger")
            ),
            number(g.coefficients["krippendorff_alpha"]),
            "; ".join(g.categories),
        )
        for g in report.groups
    )
    title = (
        f"Each {parent}'s {report.level}s as the categories of one variable (q categories,"
        f' "none" among them where it occurs; out: units left out because a coder applied'
        " two; κ: Fleiss')"
    )
    blocks: list[str | Table] = [Table(title, columns, rows)]
    if not report.groups:
        blocks.append(f"No {parent} has a {report.level} applied in scope.")
    for v in report.violations:
        where = f"{v.unit} ({_units(v.characters, 'character')})" if v.characters else v.unit
        blocks.append(
            f"Left out of {v.group}: {where}, where {v.coder} applied {_join(list(v.codes))}."
        )
    return blocks


def _breakdown_table(report: AgreementReport) -> Table:
    by = "Transcript" if report.breakdown_by == "transcript" else "Coders"
    columns = (
        Column(by, 1.9, numeric=False),
        Column("n", 0.5),
        Column("%", 0.5),
        Column("pool. κ", 0.6),
        Column("mean κ", 0.6),
        Column("mean α", 0.6),
    )
    rows = tuple(
        (
            row.label,
            str(row.units),
            *(number(row.overall[k]) for k in ("percent", *OVERALL)),
        )
        for row in report.breakdown
    )
    title = "By transcript" if by == "Transcript" else "By pair of coders"
    return Table(title, columns, rows)


def write_agreement(
    report: AgreementReport,
    path: str | os.PathLike[str],
    groups: Sequence[tuple[str | None, Sequence[CodeAgreement]]] | None = None,
) -> None:
    """Write the report to .docx or .md: the document the terminal shows, all columns.

    ``groups`` (see :func:`structure_groups`) orders the codes and puts a heading row
    over each group in the table of codes ("Theme: …" over concepts, "Dimension: …" over
    themes); by default the report's order, with no headings.
    """
    if groups is not None:
        report = dataclasses.replace(report, codes=tuple(c for _, cs in groups for c in cs))
    document = agreement_document(report)
    parent = {"concept": "Theme", "theme": "Dimension"}.get(report.level)
    headings: dict[str, str] = {}
    for name, codes in groups or ():
        if codes and parent is not None:
            headings[codes[0].code] = (
                f"{parent}: {name}" if name is not None else f"Not under a {parent.lower()}"
            )
    blocks: list[str | publish.Table] = []
    for block in document.blocks:
        if isinstance(block, str):
            blocks.append(block)
            continue
        columns = tuple(publish.Column(c.title, c.numeric) for c in block.columns)
        rows: list[publish.Row] = []
        for row in block.rows:
            if block.title.startswith("Agreement per") and row[0] in headings:
                rows.append(publish.Row(((headings.pop(row[0]),),), "theme"))
            rows.append(publish.Row(tuple((cell,) for cell in row)))
        blocks.append(publish.Table(block.title, columns, tuple(rows)))
    publish.write_document(publish.Document(document.title, tuple(blocks)), path)


def structure_groups(
    report: AgreementReport, structure: StructureView
) -> list[tuple[str | None, list[CodeAgreement]]]:
    """The report's codes in the order of the structure, grouped by their parent: concepts
    under each theme, themes under each dimension (dimensions in one group); codes that
    are not in the structure last, in the report's order, under None. A shared code comes
    once, under its first parent."""
    placed: list[tuple[str | None, str]] = []
    if report.level == "concept":
        themes = [t for d in structure.dimensions for t in d.themes]
        themes += list(structure.themes_without_dimension)
        placed = [(t.name, c.name) for t in themes for c in t.concepts]
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
    ordered: list[tuple[str | None, list[CodeAgreement]]] = [
        (parent, listed) for parent, listed in groups.items() if parent is not None
    ]
    rest = [code for code in report.codes if code.code not in seen]
    if rest or None in groups:
        ordered.append((None, [*groups.get(None, []), *rest]))
    return ordered


# --- CSV ------------------------------------------------------------------------------


def agreement_records(report: AgreementReport) -> tuple[list[str], Iterator[list[Any]]]:
    """Every number of the report as CSV: a header and one record per row, ``kind``
    telling the report, code, overall, bootstrap, group, violation and breakdown rows
    apart; coefficients with six decimals, blank where undefined."""
    coders = list(report.coders)
    header = [
        "kind",
        "name",
        "level",
        "unit",
        "convention",
        "units",
        "read_by_one",
        "read_by_none",
        "both",
        *(f"only_{c}" for c in coders),
        "neither",
        *(f"applied_{c}" for c in coders),
        *COEFFICIENTS,
        *OVERALL,
        "alpha_low",
        "alpha_high",
        *(f"p_alpha_below_{m}" for m in MINIMUMS),
        "resamples_without_alpha",
        "q",
        "left_out",
        "note",
    ]
    return header, _records(report, header)


def _records(report: AgreementReport, header: list[str]) -> Iterator[list[Any]]:
    def record(**fields: Any) -> list[Any]:
        fields |= {"level": report.level, "unit": report.unit, "convention": report.convention}
        return [fields.get(column, "") for column in header]

    def values(coefficients: dict[str, Coefficient]) -> dict[str, str]:
        return {
            k: "" if v.value is None else f"{v.value:.6f}"
            for k, v in coefficients.items()
            if k in COEFFICIENTS or k in OVERALL
        }

    def boot(found: AlphaBootstrap | None) -> dict[str, Any]:
        if found is None:
            return {}
        out: dict[str, Any] = {
            "resamples_without_alpha": found.undefined,
            "note": found.reason or "",
        }
        if found.low is not None and found.high is not None:
            out |= {"alpha_low": f"{found.low:.6f}", "alpha_high": f"{found.high:.6f}"}
        out |= {f"p_alpha_below_{m}": f"{p:.6f}" for m, p in found.below.items()}
        return out

    plan = report.bootstrap
    yield record(
        kind="report",
        name=f"{report.level}s by {report.unit}: {', '.join(report.coders)}",
        units=report.units_compared,
        read_by_one=report.units_read_by_one,
        read_by_none=report.units_read_by_none,
        note=(
            f"bootstrap: {plan.resamples} resamples of {plan.resampled}s, seed {plan.seed}"
            if plan
            else ""
        ),
    )
    for code in report.codes:
        notes = []
        if code.kappa_paradox:
            notes.append("kappa paradox: agreement high, κ low")
        if len(code.used_by) == 1:
            notes.append(f"used by one coder only ({code.used_by[0]})")
        fields = values(code.coefficients) | boot(code.bootstrap)
        if notes:
            fields["note"] = "; ".join([*notes, fields.get("note", "")]).strip("; ")
        yield record(
            kind="code",
            name=code.code,
            units=code.units,
            both=code.both,
            neither=code.neither,
            **{f"only_{c}": n for c, n in code.only.items()},
            **{f"applied_{c}": n for c, n in code.applied.items()},
            **fields,
        )
    yield record(
        kind="overall", name="overall", units=report.units_compared, **values(report.overall)
    )
    for group in report.groups:
        fields = values(group.coefficients) | boot(group.bootstrap)
        categories = "categories: " + "; ".join(group.categories)
        fields["note"] = "; ".join(n for n in (categories, fields.get("note", "")) if n)
        yield record(
            kind="group",
            name=group.group,
            units=group.units,
            q=len(group.categories),
            left_out=group.violations,
            **fields,
        )
    for v in report.violations:
        where = f"{v.unit} ({v.characters} characters)" if v.characters else v.unit
        yield record(
            kind="violation", name=v.group, note=f"{where}: {v.coder} applied {'; '.join(v.codes)}"
        )
    for row in report.breakdown:
        yield record(kind="breakdown", name=row.label, units=row.units, **values(row.overall))
