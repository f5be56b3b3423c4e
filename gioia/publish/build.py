"""The tables a paper prints, built once as a :class:`Table` for every format: the
representative quotes, the codebook and the cases; and their flat records for CSV and
Excel. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Literal

from gioia.publish.table import Cell, Column, Row, Table, capitalised, clean, quoted, wave_label
from gioia.views import CaseSummary, MemoView
from gioia.views_structure import ConceptNode, ConceptQuotes, Counts, Quote, StructureView

#: The memos on each item of the structure, by (level, name).
ItemMemos = Mapping[tuple[str, str], Sequence[MemoView]]

QUOTE_COLUMNS = (
    "dimension",
    "theme",
    "concept",
    "quote",
    "case",
    "role",
    "wave",
    "segment",
    "also_under",
)
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
    "also_under",
)
# The counts the printed codebook shows (the CSV and Excel have all five).
PRINTED_COUNTS = ("segments", "cases", "informants")
LEVEL_NAMES = {"dimension": "aggregate dimension", "theme": "2nd-order theme"}


@dataclass(frozen=True)
class Entry:
    """An item of the codebook with its place in the structure ("" where none), and the
    other parents of a shared item."""

    level: Literal["dimension", "theme", "concept"]
    dimension: str
    theme: str
    concept: str
    definition: str
    counts: Counts
    example: Quote | None
    also_under: tuple[str, ...] = ()
    memos: tuple[str, ...] = ()  # "Author: text", when the codebook shows memos


def _also(names: Sequence[str]) -> str:
    return f"also under {', '.join(clean(n) for n in names)}"


# The quotes -------------------------------------------------------------------------


def quotes_table(rows: Sequence[ConceptQuotes], with_wave: bool, title: str) -> Table:
    """A heading row per aggregate dimension and per theme, then a row per concept with
    its quotes, each quote a paragraph of its own."""
    columns = (Column("1st-Order Concepts"), Column("Representative Quotes"))
    body: list[Row] = []
    for dimension, block in groupby(rows, attrgetter("dimension")):
        body.append(Row(((f"Aggregate Dimension: {clean(dimension)}",),), "heading"))
        for theme, concepts in groupby(block, attrgetter("theme")):
            listed = list(concepts)
            elsewhere = listed[0].theme_also_under
            cell = (f"2nd-Order Theme: {clean(theme)}", *([_also(elsewhere)] if elsewhere else []))
            body.append(Row((cell,), "theme", frozenset({(0, 1)})))
            for row in listed:
                name = (clean(row.concept), *([_also(row.also_under)] if row.also_under else []))
                quotes = tuple(quoted(quote, with_wave) for quote in row.quotes)
                body.append(Row((name, quotes), notes=frozenset({(0, 1)})))
    return Table(title, columns, tuple(body))


def quote_records(rows: Sequence[ConceptQuotes]) -> Iterator[list[str]]:
    """One record per quote (an empty one for a concept without quotes)."""
    for row in rows:
        place = [row.dimension, row.theme, row.concept]
        for quote in row.quotes or (None,):
            yield [*place, *quote_fields(quote), "; ".join(row.also_under)]


def quote_fields(quote: Quote | None) -> list[str]:
    """Text, case, role, wave and segment of a quote, or five empty fields."""
    if quote is None:
        return ["", "", "", "", ""]
    return [quote.text, quote.case or "", quote.role or "", quote.wave or "", quote.ref]


# The codebook -----------------------------------------------------------------------


def codebook_entries(
    structure: StructureView, examples: Mapping[str, Quote], memos: ItemMemos | None = None
) -> list[Entry]:
    """Every dimension, theme and concept in structure order, then what hangs outside; a
    shared item under each of its parents; with ``memos``, each item's memos."""
    entries: list[Entry] = []
    notes = memos or {}

    def noted(level: str, name: str) -> tuple[str, ...]:
        return tuple(f"{m.coder}: {clean(m.text)}" for m in notes.get((level, name), ()))

    def add_concepts(dimension: str, theme: str, concepts: Iterable[ConceptNode]) -> None:
        for c in concepts:
            entries.append(
                Entry(
                    "concept",
                    dimension,
                    theme,
                    c.name,
                    c.definition or "",
                    c.counts,
                    examples.get(c.name),
                    tuple(t for t in c.themes if t != theme),
                    noted("concept", c.name),
                )
            )

    for d in structure.dimensions:
        entries.append(
            Entry(
                "dimension",
                d.name,
                "",
                "",
                d.definition or "",
                d.counts,
                None,
                memos=noted("dimension", d.name),
            )
        )
        for t in d.themes:
            also = tuple(x for x in t.dimensions if x != d.name)
            entries.append(
                Entry(
                    "theme",
                    d.name,
                    t.name,
                    "",
                    t.definition or "",
                    t.counts,
                    None,
                    also,
                    noted("theme", t.name),
                )
            )
            add_concepts(d.name, t.name, t.concepts)
    for t in structure.themes_without_dimension:
        entries.append(
            Entry(
                "theme",
                "",
                t.name,
                "",
                t.definition or "",
                t.counts,
                None,
                memos=noted("theme", t.name),
            )
        )
        add_concepts("", t.name, t.concepts)
    add_concepts("", "", structure.concepts_without_theme)
    return entries


def codebook_record(entry: Entry, with_memos: bool = False) -> list[str | int]:
    """A codebook row for CSV and Excel (:data:`CODEBOOK_COLUMNS`, and "memos")."""
    place = [entry.level, entry.dimension, entry.theme, entry.concept, entry.definition]
    counts = [getattr(entry.counts, name) for name in COUNT_COLUMNS]
    record: list[str | int] = [
        *place,
        *counts,
        *quote_fields(entry.example),
        "; ".join(entry.also_under),
    ]
    return [*record, "\n".join(entry.memos)] if with_memos else record


def codebook_table(entries: Sequence[Entry], title: str, with_memos: bool = False) -> Table:
    """A row per item: its name (with its level under a dimension's or a theme's, and
    "also under …" for a shared one), definition, example, the main counts and (with
    memos) its memos."""
    columns = (
        Column("Code"),
        Column("Definition"),
        Column("Example"),
        *(Column(name.capitalize(), numeric=True) for name in PRINTED_COUNTS),
        *((Column("Memos"),) if with_memos else ()),
    )
    body: list[Row] = []
    section = ""  # the heading of the items outside the tree being listed
    for entry in entries:
        if entry.dimension:
            heading = ""
        elif entry.theme:
            heading = "Themes without a dimension"
        else:
            heading = "Concepts without a theme"
        if heading and heading != section:
            body.append(Row(((heading,),), "heading"))
        section = heading
        notes = [LEVEL_NAMES[entry.level]] if entry.level in LEVEL_NAMES else []
        notes += [_also(entry.also_under)] if entry.also_under else []
        cells: list[Cell] = [
            (clean(getattr(entry, entry.level)), *notes),
            (clean(entry.definition),) if entry.definition else (),
            (quoted(entry.example, False),) if entry.example else (),
        ]
        cells += [(str(getattr(entry.counts, c)),) for c in PRINTED_COUNTS]
        if with_memos:
            cells.append(entry.memos)
        kind: Literal["dimension", "theme", "item"] = (
            "item" if entry.level == "concept" else entry.level
        )
        italic = frozenset((0, i) for i in range(1, len(notes) + 1))
        body.append(Row(tuple(cells), kind, italic))
    return Table(title, columns, tuple(body))


# The cases --------------------------------------------------------------------------


def cases_table(
    cases: Sequence[CaseSummary],
    interviews_per_wave: Mapping[str, Mapping[str, int]] | None,
    title: str,
) -> Table:
    """A row per case: its attributes, its informants (with their interviews) and its
    interviews, one column per wave and a total; then a row of totals."""
    keys = list(dict.fromkeys(key for case in cases for key in case.attributes))
    if interviews_per_wave is None:
        numbers = ["Interviews"]
        counts = [[case.transcripts] for case in cases]
    else:
        seen = dict.fromkeys(w for per in interviews_per_wave.values() for w in per)
        waves = sorted(seen, key=_wave_order)
        numbers = [capitalised(wave_label(w)) for w in waves]
        counts = [
            [interviews_per_wave.get(case.name, {}).get(w, 0) for w in waves] for case in cases
        ]
        if len(waves) > 1:
            numbers.append("Total")
            counts = [[*row, sum(row)] for row in counts]
    columns = (
        Column("Case"),
        *(Column(capitalised(clean(key.replace("_", " "))), _numbers(cases, key)) for key in keys),
        Column("Informants (Interviews)"),
        *(Column(title, numeric=True) for title in numbers),
    )
    body = []
    for case, row in zip(cases, counts, strict=True):
        informants = tuple(
            f"{clean(i.role or 'Informant')} ({i.interviews})" for i in case.informants
        )
        attributes = [(clean(case.attributes.get(key, "")),) for key in keys]
        body.append(Row(((clean(case.name),), *attributes, informants, *((str(n),) for n in row))))
    if cases:
        sums = [sum(row[i] for row in counts) for i in range(len(numbers))]
        people = sum(len(case.informants) for case in cases)
        body.append(
            Row(
                (
                    ("Total",),
                    *(() for _ in keys),
                    (f"{people} informant{'' if people == 1 else 's'}",),
                    *((str(n),) for n in sums),
                ),
                "total",
            )
        )
    return Table(title, columns, tuple(body))


def _numbers(cases: Sequence[CaseSummary], key: str) -> bool:
    """Whether every value of an attribute is a number (so it is right-aligned)."""
    values = [case.attributes[key].strip() for case in cases if case.attributes.get(key)]
    return bool(values) and all(re.fullmatch(r"[-+]?[\d.,]+%?", v) for v in values)


def _wave_order(wave: str) -> tuple[int, float, str]:
    """Waves in order: "2" before "10", numbers before names."""
    digits = "".join(c for c in wave if c.isdigit())
    return (0, float(digits), wave) if digits else (1, 0.0, wave)


# The memos --------------------------------------------------------------------------


def memos_table(memos: Sequence[MemoView], title: str) -> Table:
    """A row per memo, in the order given: what it is on, its author (and "shared"), its
    date (and when it was edited) and its text, a paragraph per line."""
    columns = (Column("On"), Column("Author"), Column("Date"), Column("Memo"))
    body = []
    for memo in memos:
        on = memo.target if memo.kind == "segment" else f"{memo.kind.capitalize()}: {memo.target}"
        date = f"{memo.created_at:%Y-%m-%d}" + (
            f" (edited {memo.updated_at:%Y-%m-%d})" if memo.updated_at else ""
        )
        text = tuple(p.strip() for p in memo.text.split("\n") if p.strip())
        who = (memo.coder or "") + (" (shared)" if memo.shared else "")
        body.append(Row(((clean(on),), (clean(who),), (date,), text)))
    return Table(title, columns, tuple(body))
