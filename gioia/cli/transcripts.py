"""Commands that bring transcripts in and list them: import, transcripts, cases."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gioia.cli.common import console, echo_json, open_project, show_others_option

if TYPE_CHECKING:
    from rich.console import Console

    from gioia.views import ImportResult


def _attributes(values: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for value in values:
        key, sep, content = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE.", param_hint="--attr")
        found[key.strip()] = content.strip()
    return found


@click.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--case", help="The case (firm) these transcripts belong to.")
@click.option("--informant", help="The informant interviewed (a pseudonym).")
@click.option("--role", help="The informant's role, as quotes will cite it.")
@click.option("--wave", help="The wave of a longitudinal study (1, 2, …).")
@click.option(
    "--date",
    "date",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Interview date.",
)
@click.option(
    "--attr",
    multiple=True,
    metavar="KEY=VALUE",
    help="An attribute (case.KEY for the case's, informant.KEY for the informant's).",
)
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV/XLSX with a row per file: file, case, informant, role, date, wave, ….",
)
@click.option(
    "--segment-by",
    type=click.Choice(["turn", "paragraph", "sentence"]),
    default="turn",
    show_default=True,
    help="The unit of coding.",
)
@click.option(
    "--interviewer",
    "interviewers",
    multiple=True,
    metavar="LABEL",
    help="A speaker label of the interviewer [default: Interviewer, Q, I].",
)
@click.option("--replace", is_flag=True, help="Replace transcripts whose content changed.")
def import_(
    paths: tuple[Path, ...],
    case: str | None,
    informant: str | None,
    role: str | None,
    wave: str | None,
    date: dt.datetime | None,
    attr: tuple[str, ...],
    manifest: Path | None,
    segment_by: str,
    interviewers: tuple[str, ...],
    replace: bool,
) -> None:
    """Import transcripts from files or folders.

    Reads .txt, .md, .docx, .vtt and .srt.
    Each file is one transaction: a bad file is reported and skipped, and the exit
    code is 1 if any failed. Re-importing identical content changes nothing.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from gioia.importers.manifest import TranscriptMeta
    from gioia.ops.importing import DEFAULT_INTERVIEWER_LABELS, ImportOptions

    if not paths and manifest is None:
        raise click.UsageError("Give files or folders to import, or --manifest.")
    meta = TranscriptMeta(
        case, informant, role, wave, date.date() if date else None, _attributes(attr)
    )
    options = ImportOptions(segment_by, interviewers or DEFAULT_INTERVIEWER_LABELS, replace)
    out, err = console(), console(stderr=True)
    with (
        open_project() as project,
        Progress(
            TextColumn("Importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("", total=None)

        def progress(number: int, total: int, result: ImportResult) -> None:
            _report(out, result)
            bar.update(task, completed=number, total=total, description=Path(result.path).name)

        results = project.import_files(
            list(paths), meta, options, manifest=manifest, progress=progress
        )
    counts = Counter(r.status for r in results)
    summary = ", ".join(
        f"{counts[status]} {status}"
        for status in ("imported", "replaced", "updated", "unchanged", "failed")
        if counts[status]
    )
    out.print(f"{len(results)} file(s): {summary}.", markup=False)
    if counts["failed"]:
        raise SystemExit(1)


def _report(out: Console, result: ImportResult) -> None:
    """One line per file (and one per warning), the file named once."""
    name = Path(result.path).name
    if result.status == "failed":
        error = result.error or ""
        line = error if error.startswith(name) else f"{name}: {error}"
        out.print(f"failed     {line}", markup=False, soft_wrap=True)
        return
    if result.status == "unchanged":
        out.print(f"unchanged  {name}", markup=False)
    elif result.status == "updated":
        out.print(f"updated    {name} → {result.transcript} (its metadata)", markup=False)
    else:
        out.print(
            f"{result.status:<10} {name} → {result.transcript} ({result.segments} segments)",
            markup=False,
        )
    for warning in result.warnings:
        out.print(f"warning    {name}: {warning}", markup=False, soft_wrap=True)


@click.command()
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def transcripts(show_others: bool, as_json: bool) -> None:
    """List the transcripts with their case, informant and counts (of your codings,
    during blind coding)."""
    from rich.table import Table

    with open_project() as project:
        rows = project.transcripts(show_others=show_others)
    if as_json:
        echo_json(rows)
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Transcript", no_wrap=True)
    table.add_column("Case", no_wrap=True)
    table.add_column("Role")
    table.add_column("Wave")
    for column in ("Segments", "Words", "Codings"):
        table.add_column(column, justify="right")
    for t in rows:
        table.add_row(
            t.name,
            t.case or "",
            t.role or t.informant or "",
            t.wave or "",
            str(t.segments),
            f"{t.words:,}",
            str(t.codings),
        )
    out = console()
    out.print(table)
    out.print(f"{len(rows)} transcript(s), {sum(t.words for t in rows):,} words.", markup=False)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the cases table for a paper to a .docx, .md or .csv file.",
)
@show_others_option
def cases(as_json: bool, output: Path | None, show_others: bool) -> None:
    """List the cases with their informants, counts and attributes."""
    from rich.table import Table

    with open_project() as project:
        if output is not None:
            n = project.write_cases(output, show_others=show_others)
            click.echo(f"Wrote {n} case(s) to {output}.")
            return
        rows = project.cases(show_others=show_others)
    if as_json:
        echo_json(rows)
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Case", no_wrap=True)
    table.add_column("Informants (interviews)")
    table.add_column("Waves")
    for column in ("Segments", "Words", "Codings"):
        table.add_column(column, justify="right")
    for c in rows:
        people = "\n".join(f"{i.role or i.name} ({i.interviews})" for i in c.informants)
        waves = ", ".join(c.waves)
        table.add_row(c.name, people, waves, str(c.segments), f"{c.words:,}", str(c.codings))
    out = console()
    out.print(table)
    keys = list(dict.fromkeys(k for c in rows for k in c.attributes))
    if keys:
        facts = Table(box=None, header_style="bold", pad_edge=False)
        facts.add_column("Case", no_wrap=True)
        for key in keys:
            facts.add_column(key.replace("_", " "))
        for c in rows:
            facts.add_row(c.name, *(c.attributes.get(k, "") for k in keys))
        out.print()
        out.print(facts)


COMMANDS = [import_, transcripts, cases]
