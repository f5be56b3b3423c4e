"""Commands on the Gioia structure: concept/theme/dimension, assign, structure, check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gioia.cli.common import (
    FilePath,
    console,
    echo_json,
    escape,
    evidence_option,
    no_clobber_option,
    open_project,
    output_width,
    say_written,
    show_others_option,
    text_table,
)

if TYPE_CHECKING:
    from gioia.views_structure import Counts, ItemInfo, StructureView


def _level_group(word: str) -> click.Group:
    """The commands shared by concepts, themes and dimensions."""
    plural = f"{word}s"

    @click.group(word, help=f"Add, rename, define, merge, delete and list {plural}.")
    def group() -> None:
        pass

    @group.command("add")
    @click.argument("name")
    @click.option("--definition", "-d", help=f"What the {word} means.")
    def add(name: str, definition: str | None) -> None:
        with open_project() as project:
            stored = project.add_item(word, name, definition)
        click.echo(f"Added {word} {stored!r}.")

    add.help = f"Add a {word}."

    @group.command("rename")
    @click.argument("old")
    @click.argument("new")
    def rename(old: str, new: str) -> None:
        with open_project() as project:
            stored = project.rename_item(word, old, new)
        click.echo(f"Renamed {word} {old!r} to {stored!r}.")

    rename.help = f"Rename a {word}."

    @group.command("describe")
    @click.argument("name")
    @click.argument("definition")
    def describe(name: str, definition: str) -> None:
        with open_project() as project:
            project.describe_item(word, name, definition)
        click.echo(f"Defined {word} {name!r}." if definition.strip() else f"Cleared {name!r}.")

    describe.help = f"Set the definition of a {word} (an empty text clears it)."

    @group.command("merge")
    @click.argument("sources", nargs=-1, required=True)
    @click.option("--into", "target", required=True, help=f"The {word} that remains.")
    def merge(sources: tuple[str, ...], target: str) -> None:
        with open_project() as project:
            result = project.merge_items(word, list(sources), target)
        moved = (
            "coding(s)" if word == "concept" else ("concept(s)" if word == "theme" else "theme(s)")
        )
        dropped = f", {result.duplicates} duplicate(s) dropped" if result.duplicates else ""
        click.echo(
            f"Merged {', '.join(map(repr, result.sources))} into {result.target!r}: "
            f"{result.moved} {moved} moved{dropped}."
        )

    merge.help = f"Merge {plural} into one; their codings or children move over."

    @group.command("delete")
    @click.argument("name")
    @click.option("--force", is_flag=True, help="Delete even with codings or children.")
    def delete(name: str, force: bool) -> None:
        with open_project() as project:
            result = project.delete_item(word, name, force=force)
        extra = []
        if result.codings:
            extra.append(f"{result.codings} coding(s) deleted")
        if result.memos:
            extra.append(f"{result.memos} memo(s) deleted")
        if result.children:
            extra.append(f"{result.children} item(s) unassigned")
        click.echo(
            f"Deleted {word} {result.name!r}" + (f" ({'; '.join(extra)})" if extra else "") + "."
        )

    delete.help = (
        f"Delete a {word} (refused while it has codings, children or memos, unless --force)."
    )

    @group.command("list")
    @evidence_option
    @show_others_option
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def list_(evidence: str | None, show_others: bool, as_json: bool) -> None:
        from rich.table import Table

        with open_project() as project:
            rows = project.items(word, evidence=evidence, show_others=show_others)
        if as_json:
            echo_json(rows)
            return
        table = Table(box=None, header_style="bold", pad_edge=False)
        table.add_column(word.capitalize())
        if word != "dimension":
            table.add_column("Theme" if word == "concept" else "Dimension")
        for column in ("Codings", "Segments", "Cases"):
            table.add_column(column, justify="right")
        for row in rows:
            parent = [row.parent or "—"] if word != "dimension" else []
            table.add_row(row.name, *parent, *_numbers(row.counts, 3))
        out = console()
        out.print(table)
        out.print(f"{len(rows)} {plural}.", markup=False)

    list_.help = f"List the {plural} with their place and counts."

    @group.command("info")
    @click.argument("name")
    @evidence_option
    @show_others_option
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def info(name: str, evidence: str | None, show_others: bool, as_json: bool) -> None:
        with open_project() as project:
            found = project.item_info(word, name, evidence=evidence, show_others=show_others)
        if as_json:
            echo_json(found)
            return
        _print_info(found)

    info.help = f"Show a {word}: definition, place, counts, memos" + (
        " and two examples." if word == "concept" else "."
    )
    return group


def _print_info(info: ItemInfo) -> None:
    import textwrap

    out = console()
    width = max(out.width - 2, 20)
    place = " > ".join(p for p in (info.grandparent, info.parent) if p)
    out.print(f"{info.level.capitalize()} {info.name!r}", markup=False, style="bold")
    if info.level != "dimension":
        out.print(f"  In: {place or 'not in the structure'}", markup=False)
    definition = info.definition or "No definition yet."
    out.print(
        textwrap.fill(definition, width, initial_indent="  ", subsequent_indent="  "),
        markup=False,
    )
    c = info.counts
    whose = f"{info.evidence}'s codings" if info.evidence else "every coder's codings"
    lines = [
        f"{c.codings} coding(s) on {c.segments} segment(s) in {c.transcripts} transcript(s), "
        f"{c.cases} case(s), {c.informants} informant(s) ({whose})"
    ]
    if info.children:
        kind = "Concepts" if info.level == "theme" else "Themes"
        lines.append(f"{kind}: {'; '.join(info.children)}")
    for line in lines:
        out.print(
            textwrap.fill(line, width, initial_indent="  ", subsequent_indent="    "),
            markup=False,
        )
    from gioia.cli.coding import memo_line

    for memo in info.memos:
        note = textwrap.fill(
            memo_line(memo), width, initial_indent="  ✎ ", subsequent_indent="    "
        )
        out.print(note, markup=False, style="yellow")
    for example in info.examples:
        line = f"{example.ref}: {' '.join(example.text.split())}"
        out.print(
            textwrap.fill(line, width, initial_indent="  · ", subsequent_indent="    "),
            markup=False,
        )


def _tree(view: StructureView, width: int) -> str:
    """The tree with its five counts per item."""
    rows = []
    for d in view.dimensions:
        rows.append((d.name, 0, "bold", _numbers(d.counts)))
        for t in d.themes:
            rows.append((_also(t.name, t.dimensions, d.name), 2, "cyan", _numbers(t.counts)))
            rows.extend(
                (_also(c.name, c.themes, t.name), 4, "", _numbers(c.counts)) for c in t.concepts
            )
    heads = ["Cod.", "Seg.", "Cases", "Tr.", "Inf."]
    return text_table("Dimension > theme > concept", heads, rows, width)


def _also(name: str, parents: tuple[str, ...], here: str) -> str:
    """A shared item's name with its other parents: "Trust (also under Risk)"."""
    others = [p for p in parents if p != here]
    return f"{name} (also under {', '.join(others)})" if others else name


def _numbers(counts: Counts, n: int = 5) -> list[str]:
    values = (counts.codings, counts.segments, counts.cases, counts.transcripts, counts.informants)
    return [str(v) for v in values[:n]]


concept = _level_group("concept")
theme = _level_group("theme")
dimension = _level_group("dimension")


@concept.command("split")
@click.argument("source")
@click.argument("new")
@click.argument("refs", nargs=-1, metavar="[TRANSCRIPT:N]...")
@click.option("--transcript", "-t", help="Move the codings in this transcript.")
@click.option("--grep", "-g", metavar="REGEX", help="Move the codings of segments matching.")
def split(
    source: str, new: str, refs: tuple[str, ...], transcript: str | None, grep: str | None
) -> None:
    """Split some codings of a concept off into a new concept (in the same theme)."""
    with open_project() as project:
        moved = project.split_concept(
            source, new, refs=list(refs) or None, transcript=transcript, grep=grep
        )
    click.echo(f"Moved {moved} coding(s) of {source!r} to the new concept {new!r}.")


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--theme", help="Put these concepts under this theme.")
@click.option("--dimension", help="Put these themes under this dimension.")
@click.option("--new", "create", is_flag=True, help="Create the theme or dimension if needed.")
def assign(names: tuple[str, ...], theme: str | None, dimension: str | None, create: bool) -> None:
    """Put concepts under a theme (--theme) or themes under a dimension (--dimension).

    An item moves from its parent, or, with `gioia settings allow-shared on`, is added
    under this one too.
    """
    if (theme is None) == (dimension is None):
        raise click.UsageError("Give --theme or --dimension (one of them).")
    with open_project() as project:
        changed = project.assign(list(names), theme=theme, dimension=dimension, create=create)
    click.echo(f"Assigned {changed} item(s) to {theme or dimension!r}.")


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--level",
    type=click.Choice(["concept", "theme"]),
    help="Whether the names are concepts or themes (found out if not given).",
)
@click.option("--theme", help="Take these concepts out of this theme (one of several).")
@click.option("--dimension", help="Take these themes out of this dimension (one of several).")
def unassign(
    names: tuple[str, ...], level: str | None, theme: str | None, dimension: str | None
) -> None:
    """Take concepts out of their theme, or themes out of their dimension.

    An item under several (allow-shared) needs --theme or --dimension to say which.
    """
    if theme is not None and dimension is not None:
        raise click.UsageError("Give --theme or --dimension, not both.")
    with open_project() as project:
        changed = project.unassign(list(names), level=level, theme=theme, dimension=dimension)
    where = f" out of {theme or dimension!r}" if theme or dimension else ""
    click.echo(f"Unassigned {changed} item(s){where}.")


@click.group(invoke_without_command=True)
@click.option(
    "--order",
    type=click.Choice(["structure", "alpha", "count"]),
    default="structure",
    show_default=True,
    help="Order of the items.",
)
@evidence_option
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def structure(
    ctx: click.Context, order: str, evidence: str | None, show_others: bool, as_json: bool
) -> None:
    """Print the data structure: dimension > theme > concept, with counts."""
    if ctx.invoked_subcommand is not None:
        return
    with open_project() as project:
        view = project.structure(order=order, evidence=evidence, show_others=show_others)
    if as_json:
        echo_json(view)
        return
    concepts = len({c.name for d in view.dimensions for t in d.themes for c in t.concepts})
    themes = len({t.name for d in view.dimensions for t in d.themes})
    whose = f"{view.evidence}'s codings" if view.evidence else "every coder's codings"
    lines = [
        f"{len(view.dimensions)} dimensions, {themes} themes, {concepts} concepts.",
        f"Counts of {whose}.",
        *(f"Theme without a dimension: {t.name}" for t in view.themes_without_dimension),
        *(f"Concept without a theme: {c.name}" for c in view.concepts_without_theme),
    ]
    click.echo(_tree(view, output_width()) + "\n".join(lines))


@structure.command("import")
@click.argument("file", type=FilePath(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice(["merge", "replace"]),
    default="merge",
    show_default=True,
    help="merge: add and regroup, keep the rest; replace: the tree becomes the file's.",
)
@click.option(
    "--allow-shared",
    is_flag=True,
    help="Let a concept be under several themes (a row for each), and turn that on for "
    "the project.",
)
@click.option("--move", is_flag=True, help="Let a merge move items to another parent.")
def structure_import(file: Path, mode: str, allow_shared: bool, move: bool) -> None:
    """Import the structure from .csv, .xlsx or .yaml (concept, theme, dimension[, definitions])."""
    with open_project() as project:
        result = project.import_structure(file, mode=mode, allow_shared=allow_shared, move=move)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.allowed_shared:
        click.echo("Shared concepts are now allowed in this project (allow-shared on).")
    for moved in result.moved:
        click.echo(f"Moved {moved}.")
    made = ", ".join(f"{n} {word}(s)" for word, n in result.created.items() if n) or "nothing"
    click.echo(
        f"Imported {file.name} ({mode}): created {made}; {result.assigned} assignment(s), "
        f"{result.defined} definition(s) changed"
        + (f", {result.removed} removed" if result.removed else "")
        + (f"; {result.shared} item(s) under more than one parent" if result.shared else "")
        + "."
    )


@structure.command("export")
@click.argument("file", type=FilePath(dir_okay=False, path_type=Path), required=False)
@click.option(
    "-o",
    "--output",
    type=FilePath(dir_okay=False, path_type=Path),
    help="The file to write (the same as FILE).",
)
@no_clobber_option
@show_others_option
def structure_export(
    file: Path | None, output: Path | None, no_clobber: bool, show_others: bool
) -> None:
    """Export the structure to FILE, a .csv, .xlsx or .yaml file (concept, theme,
    dimension and definitions): the file `gioia structure import` reads."""
    if (file is None) == (output is None):
        raise click.UsageError("Give the file to write: gioia structure export FILE.")
    target = file or output
    assert target is not None
    with open_project() as project:
        written = project.export_structure(target, no_clobber=no_clobber, show_others=show_others)
    say_written(target, written.replaced, f"{written.count} concept row(s)")


@click.command()
@click.option("--strict", is_flag=True, help="Exit with code 1 if there is any warning.")
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def check(strict: bool, show_others: bool, as_json: bool) -> None:
    """Check the structure against the method's guidance."""
    with open_project() as project:
        findings = project.check(show_others=show_others)
    if as_json:
        echo_json(findings)
    else:
        out = console()
        for finding in findings:
            out.print(f"[yellow]warning[/] {escape(finding.message)}", soft_wrap=False, markup=True)
            out.print(f"        [dim]→ {escape(finding.advice)}[/]", markup=True)
        out.print("No warnings." if not findings else f"{len(findings)} warning(s).", markup=False)
    if strict and findings:
        raise SystemExit(1)


COMMANDS = [concept, theme, dimension, assign, unassign, structure, check]
