"""Commands that exchange projects with other QDA programs (REFI-QDA): export, import-project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gioia.cli.common import (
    FilePath,
    echo_json,
    no_clobber_option,
    open_project,
    settings,
    show_others_option,
    split_names,
    wrote,
)

if TYPE_CHECKING:
    from gioia.refi.report import ExportResult, ImportReport

_OUTPUT = FilePath(dir_okay=False, path_type=Path)


@click.group()
def export() -> None:
    """Export the project for NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA)."""


@export.command("qdpx")
@click.option("-o", "--output", type=_OUTPUT, required=True, help="The .qdpx file to write.")
@click.option("--coders", metavar="A,B,…", help="Only these coders' codings [default: all].")
@click.option(
    "--positions",
    type=click.Choice(["codepoints", "utf16"]),
    default="codepoints",
    show_default=True,
    help="Count text positions in code points (the standard) or UTF-16 units (NVivo).",
)
@no_clobber_option
@show_others_option
def export_qdpx(
    output: Path, coders: str | None, positions: str, no_clobber: bool, show_others: bool
) -> None:
    """Write the whole project as a REFI-QDA project (.qdpx).

    The structure is the code tree, coders are users, transcripts are sources with
    their cases and attributes, codings are coded selections, memos are notes. During
    blind coding a coder exports their own work, unless --show-others.
    """
    with open_project() as project:
        result = project.export_qdpx(
            output,
            coders=split_names(coders),
            positions=positions,
            no_clobber=no_clobber,
            show_others=show_others,
        )
    _exported(result, "project")


@export.command("qdc")
@click.option("-o", "--output", type=_OUTPUT, required=True, help="The .qdc file to write.")
@no_clobber_option
@show_others_option
def export_qdc(output: Path, no_clobber: bool, show_others: bool) -> None:
    """Write the structure as a REFI-QDA codebook (.qdc): codes and definitions."""
    with open_project() as project:
        result = project.export_qdc(output, no_clobber=no_clobber, show_others=show_others)
    _exported(result, "codebook")


def _exported(result: ExportResult, what: str) -> None:
    structure = (
        f"{result.dimensions} dimension(s), {result.themes} theme(s), {result.concepts} concept(s)"
    )
    if what == "codebook":
        click.echo(f"{wrote(result.replaced)} {result.path}: the codebook of {structure}.")
    else:
        units = "UTF-16 units" if result.positions == "utf16" else "code points"
        click.echo(
            f"{wrote(result.replaced)} {result.path}: {result.coders} coder(s), "
            f"{result.transcripts} "
            f"transcript(s), {result.codings:,} coding(s), {result.memos} memo(s), "
            f"{result.cases} case(s); {structure}; positions in {units}."
        )
    for warning in result.warnings:
        click.echo(f"warning: {warning}")


@click.command("import-project")
@click.argument("file", type=FilePath(dir_okay=False, path_type=Path))
@click.option(
    "--levels",
    default="leaves",
    show_default=True,
    metavar="leaves|D,T,C",
    help="How the code tree maps to dimensions, themes and concepts: 'leaves' (leaves "
    "are concepts, their parents themes, grandparents dimensions) or the depths D,T,C "
    "(1 is the top; - for a level the tree lacks).",
)
@click.option(
    "--positions",
    type=click.Choice(["auto", "codepoints", "utf16"]),
    default="auto",
    show_default=True,
    help="How the file counts text positions (auto: detected and reported).",
)
@click.option(
    "--coder-from",
    type=click.Choice(["selection", "coding"]),
    default="selection",
    show_default=True,
    help="Whose coding it is: the selection's creatingUser or the coding's.",
)
@click.option(
    "--reviews",
    type=click.Choice(["coded", "sources"]),
    default="coded",
    show_default=True,
    help="What each coder has read: the segments they coded, or every segment of the "
    "sources they coded in.",
)
@click.option("--merge", is_flag=True, help="Add to a store that holds work (names match).")
@click.option("--dry-run", is_flag=True, help="Show what the import would do; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_project(
    file: Path,
    levels: str,
    positions: str,
    coder_from: str,
    reviews: str,
    merge: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import a project (.qdpx) or codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA, QualCoder.

    Into a new or empty store (created if missing), or with --merge into one that holds
    work. One transaction: a file that cannot be read leaves the store as it was. The
    report shows how codes became dimensions, themes and concepts, and everything that
    was left out, and why.
    """
    from gioia.errors import GioiaError
    from gioia.ops.refi_import import ProjectImportOptions
    from gioia.project import Project

    options = ProjectImportOptions(levels, positions, coder_from, reviews, merge)
    project = Project.init(settings().store, coder=settings().coder)
    created = project.created and "://" not in project.location
    try:
        with project:
            report = project.import_project(file, options, dry_run=dry_run)
    except GioiaError:
        if created:
            _remove_store(Path(project.location))
        raise
    if dry_run and created:
        _remove_store(Path(project.location))
    if as_json:
        echo_json(report)
        return
    if project.created and not dry_run:
        click.echo(f"Created the store {project.location}.")
    _report(report)


def _remove_store(path: Path) -> None:
    """Remove a store this command created and could not fill."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _report(report: ImportReport) -> None:
    from gioia.cli.refi_report import report_lines

    for line in report_lines(report):
        click.echo(line)


COMMANDS = [export, import_project]
