"""Structure files (CSV, Excel, YAML): read and check them, write them. No ORM here.

A structure file lists concept, theme and dimension, one concept per row, with
optional definitions. Reading checks the whole file at once and names every
conflict with its row (YAML: its line).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gioia.errors import ImportFailed
from gioia.importers.tables import read_table
from gioia.importers.yaml_file import compose_yaml
from gioia.output import check_suffix
from gioia.spreadsheet import write_csv, write_xlsx
from gioia.text import name_key
from gioia.views_structure import StructureView

COLUMNS = ("concept", "theme", "dimension")
DEFINITIONS = ("concept_definition", "theme_definition", "dimension_definition")
SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")


@dataclass(frozen=True)
class StructureRow:
    """One concept with its theme and dimension, and the definitions given."""

    number: int
    concept: str
    theme: str
    dimension: str
    concept_definition: str = ""
    theme_definition: str = ""
    dimension_definition: str = ""


@dataclass(frozen=True)
class StructureFile:
    """The checked rows of a structure file, and warnings (merged duplicate rows)."""

    rows: tuple[StructureRow, ...]
    warnings: tuple[str, ...]


def read_structure(path: Path, *, allow_shared: bool = False) -> StructureFile:
    """Read and check a structure file; ``ImportFailed`` lists every conflict at once.

    With ``allow_shared`` a concept may be under several themes (a row for each) and a
    theme under several dimensions; without it, each is a conflict.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed(f"{path.name}: cannot read {suffix!r} (use .csv, .xlsx or .yaml).")
    problems: list[str] = []
    if suffix in (".yaml", ".yml"):
        rows = _yaml_rows(path, problems)
        where = "line"
    else:
        rows = _table_rows(path, problems)
        where = "row"
    return _checked(path.name, rows, problems, where, allow_shared)


def _table_rows(path: Path, problems: list[str]) -> list[StructureRow]:
    table = read_table(path)
    table.require(*COLUMNS)
    width = max(table.header.index(c) for c in COLUMNS) + 1
    rows = []
    for number, cells in table.rows:
        if len(cells) < width:
            problems.append(
                f"row {number}: {len(cells)} column(s), but concept, theme and dimension "
                f"need {width}."
            )
            continue
        record = dict(zip(table.header, (c.strip() for c in cells), strict=False))
        rows.append(
            StructureRow(
                number, *(record[c] for c in COLUMNS), *(record.get(d, "") for d in DEFINITIONS)
            )
        )
    return rows


def _yaml_rows(path: Path, problems: list[str]) -> list[StructureRow]:
    """The nested form ``dimensions: [{name, definition, themes: [{…, concepts: […]}]}]``;
    a concept may be a plain string or ``{name, definition}``."""
    import yaml

    root = compose_yaml(path)
    dimensions = _child(root, "dimensions")
    if not isinstance(dimensions, yaml.SequenceNode):
        raise ImportFailed(f"{path.name} needs a top-level 'dimensions:' list.")
    rows = []
    for dimension in dimensions.value:
        d_name, d_def = _named(dimension)
        for theme in _items(_child(dimension, "themes")):
            t_name, t_def = _named(theme)
            for concept in _items(_child(theme, "concepts")):
                c_name, c_def = _named(concept)
                rows.append(
                    StructureRow(
                        concept.start_mark.line + 1, c_name, t_name, d_name, c_def, t_def, d_def
                    )
                )
    return rows


def _child(node: Any, key: str) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _items(node: Any) -> list[Any]:
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _named(node: Any) -> tuple[str, str]:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return str(node.value).strip(), ""
    name, definition = _child(node, "name"), _child(node, "definition")
    return (
        str(name.value).strip() if isinstance(name, yaml.ScalarNode) else "",
        str(definition.value).strip() if isinstance(definition, yaml.ScalarNode) else "",
    )


def _checked(
    file: str, rows: list[StructureRow], problems: list[str], where: str, allow_shared: bool
) -> StructureFile:
    seen: dict[tuple[str, ...], int] = {}
    kept: list[StructureRow] = []
    warnings: list[str] = []
    parents: dict[tuple[str, str], tuple[str, int]] = {}  # (level, key) -> (parent, row)
    shared = 0  # rows that put an item under a second parent
    spellings: dict[tuple[str, str], tuple[str, int]] = {}  # (level, key) -> (name, row)
    for row in rows:
        values = (row.concept, row.theme, row.dimension)
        blank = [c for c, v in zip(COLUMNS, values, strict=True) if not v]
        if blank:
            problems.append(f"{where} {row.number}: blank {' and '.join(blank)} name.")
            continue
        exact = (*values, row.concept_definition, row.theme_definition, row.dimension_definition)
        if exact in seen:
            warnings.append(f"{where} {row.number} repeats {where} {seen[exact]}; merged.")
            continue
        seen[exact] = row.number
        for level_name, name in zip(COLUMNS, values, strict=True):
            key = (level_name, name_key(name))
            first = spellings.setdefault(key, (name, row.number))
            if first[0] != name:
                problems.append(
                    f"{where} {row.number}: {level_name} {name!r} differs from {first[0]!r} "
                    f"({where} {first[1]}) only in case or spacing."
                )
        for level_name, name, parent_level, parent in (
            ("concept", row.concept, "theme", row.theme),
            ("theme", row.theme, "dimension", row.dimension),
        ):
            key = (level_name, name_key(name))
            first_parent = parents.setdefault(key, (parent, row.number))
            if name_key(first_parent[0]) != name_key(parent) and not allow_shared:
                shared += 1
                problems.append(
                    f"{where} {row.number}: {level_name} {name!r} is under {parent_level} "
                    f"{parent!r} here but under {first_parent[0]!r} in {where} {first_parent[1]}."
                )
        kept.append(row)
    if problems:
        hint = (
            " To keep an item under several parents, as thematic analysis does, import "
            "with --allow-shared."
            if shared
            else ""
        )
        raise ImportFailed(
            f"{file} has {len(problems)} conflict(s); nothing imported.{hint}",
            sorted(problems, key=_order),
        )
    if not kept:
        raise ImportFailed(f"{file} lists no concepts.")
    return StructureFile(tuple(kept), tuple(warnings))


def _order(problem: str) -> int:
    return int(problem.split(" ", 2)[1].rstrip(":"))


def structure_rows(view: StructureView) -> list[StructureRow]:
    """The complete chains of a structure as rows, in its order."""
    return [
        StructureRow(
            0, c.name, t.name, d.name, c.definition or "", t.definition or "", d.definition or ""
        )
        for d in view.dimensions
        for t in d.themes
        for c in t.concepts
    ]


def write_structure(view: StructureView, path: Path) -> int:
    """Write the structure's complete chains to .csv, .xlsx or .yaml; returns the rows."""
    suffix = check_suffix(path, SUFFIXES)
    rows = structure_rows(view)
    header = [*COLUMNS, *DEFINITIONS]
    cells = [[getattr(r, c) for c in header] for r in rows]
    if suffix == ".csv":
        write_csv(path, header, cells)
    elif suffix == ".xlsx":
        write_xlsx(path, "structure", header, cells)
    else:
        import yaml

        text = yaml.safe_dump(_nested(view), sort_keys=False, allow_unicode=True, width=100)
        path.write_text(text, encoding="utf-8")
    return len(rows)


def _nested(view: StructureView) -> dict[str, Any]:
    def named(name: str, definition: str | None, **more: Any) -> dict[str, Any]:
        node: dict[str, Any] = {"name": name}
        if definition:
            node["definition"] = definition
        return {**node, **more}

    return {
        "dimensions": [
            named(
                d.name,
                d.definition,
                themes=[
                    named(
                        t.name,
                        t.definition,
                        concepts=[named(c.name, c.definition) for c in t.concepts],
                    )
                    for t in d.themes
                ],
            )
            for d in view.dimensions
        ]
    }
