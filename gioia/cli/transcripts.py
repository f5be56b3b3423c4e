"""Commands that bring transcripts in and list them: import, transcripts, cases."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gioia.cli.common import (
    FilePath,
    console,
    echo_json,
    no_clobber_option,
    open_project,
    say_written,
    show_others_option,
)

Echo = Callable[[str], None]

if TYPE_CHECKING:
    from gioia.views import CarryReport, ImportResult


def _attributes(values: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for value in values:
        key, sep, content = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE.", param_hint="--attr")
        found[key.strip()] = content.strip()
    return found


@click.command("import")
@click.argument("paths", nargs=-1, type=FilePath(path_type=Path))
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
    type=FilePath(exists=True, dir_okay=False, path_type=Path),
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
@click.option(
    "--replace",
    is_flag=True,
    help="Replace transcripts whose content changed, carrying their codings, memos and "
    "read marks over to the new text.",
)
@click.option(
    "--force",
    is_flag=True,
    help="With --replace: drop the codings and memos whose words are gone from the new "
    "text (they are listed in the trail and in a file beside the store).",
)
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
    force: bool,
) -> None:
    """Import transcripts from files or folders.

    Reads .txt, .md, .docx, .vtt and .srt.
    A bad file is reported and skipped (nothing of it is written), and the exit code
    is 1 if any failed. Re-importing identical content changes nothing. With
    --replace, each coding's words are found again in the new text (exactly, then
    ignoring spacing and case, then by position) and the report lists what moved,
    what changed and what could not be placed.
    """
    from gioia.importers.manifest import TranscriptMeta
    from gioia.ops.importing import DEFAULT_INTERVIEWER_LABELS, ImportOptions

    if not paths and manifest is None:
        raise click.UsageError("Give files or folders to import, or --manifest.")
    if force and not replace:
        raise click.UsageError("--force goes with --replace.")
    meta = TranscriptMeta(
        case, informant, role, wave, date.date() if date else None, _attributes(attr)
    )
    options = ImportOptions(segment_by, interviewers or DEFAULT_INTERVIEWER_LABELS, replace, force)
    with open_project() as project, _progress_bar() as (echo, show):

        def progress(number: int, total: int, result: ImportResult) -> None:
            _report(result, echo)
            show(number, total, Path(result.path).name)

        try:
            results = project.import_files(
                list(paths), meta, options, manifest=manifest, progress=progress
            )
        except KeyboardInterrupt:
            raise click.ClickException(
                "Interrupted: the files imported before are kept, the batch being stored "
                "is not; import the same files again to finish (those already in come out "
                "unchanged)."
            ) from None
    counts = Counter(r.status for r in results)
    summary = ", ".join(
        f"{counts[status]} {status}"
        for status in ("imported", "replaced", "updated", "unchanged", "failed")
        if counts[status]
    )
    click.echo(f"{len(results)} file(s): {summary}.")
    named = Counter(Path(r.path).name for r in results)  # a name twice: the paths
    failed = [
        Path(r.path).name if named[Path(r.path).name] == 1 else r.path
        for r in results
        if r.status == "failed"
    ]
    if failed:
        raise click.ClickException(
            f"{len(failed)} file(s) not imported, nothing of them written: {', '.join(failed)} "
            "(the reason is above)."
        )


@contextmanager
def _progress_bar() -> Iterator[tuple[Echo, Callable[[int, int, str], None]]]:
    """How to print a line, and a progress bar on standard error when it is a terminal,
    shown with (files done, files, the last one's name); nothing elsewhere (and ``rich``
    not loaded). On a terminal the lines go above the bar, never into it."""
    if not sys.stderr.isatty():
        yield click.echo, lambda number, total, name: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task("", total=None)

        def echo(line: str) -> None:
            if sys.stdout.isatty():  # the bar's terminal: above it
                bar.console.print(line, soft_wrap=True)
            else:
                click.echo(line)

        yield (
            echo,
            lambda number, total, name: bar.update(
                task, completed=number, total=total, description=name
            ),
        )


def _report(result: ImportResult, echo: Echo) -> None:
    """One line per file (and one per warning), the file named once."""
    name = Path(result.path).name
    if result.status == "failed":
        error = result.error or ""
        line = error if error.startswith(name) else f"{name}: {error}"
        echo(f"failed     {line}")
        for detail in result.details:
            echo(f"           {detail}")
        return
    if result.status == "unchanged":
        echo(f"unchanged  {name}")
    elif result.status == "updated":
        echo(f"updated    {name} → {result.transcript} (its metadata)")
    else:
        echo(f"{result.status:<10} {name} → {result.transcript} ({result.segments} segments)")
    for warning in result.warnings:
        echo(f"warning    {name}: {warning}")
    if result.carried is not None:
        report_carried(result.carried, echo)


def report_carried(carried: CarryReport, echo: Echo = click.echo) -> None:
    """What happened to the codings and memos of a changed transcript: the counts, then
    a line for each one that moved, changed, merged or was dropped (another coder's by
    its place only, when a coder is acting: blind coding)."""
    parts = []
    for kind, label in (("coding", "codings"), ("memo", "memos")):
        counts = Counter(item.status for item in carried.items if item.kind == kind)
        if counts:
            parts.append(f"{label} " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    if carried.reviews_kept or carried.reviews_dropped:
        dropped = f", {carried.reviews_dropped} dropped" if carried.reviews_dropped else ""
        parts.append(f"read marks {carried.reviews_kept} kept{dropped}")
    echo(f"{'carried':<10} {'; '.join(parts)}")
    from gioia.cli.common import settings
    from gioia.text import name_key

    viewer = settings().coder
    for item in carried.items:
        if item.status == "kept":
            continue
        where = (
            item.before if item.after in (None, item.before) else f"{item.before} → {item.after}"
        )
        if viewer is not None and name_key(item.coder) != name_key(viewer):
            # Blind coding: another coder's work by its place only.
            echo(f"{item.status:<10} {where}  a {item.kind} by {item.coder}")
            continue
        what = f"{item.concept!r}" if item.kind == "coding" else "memo"
        if item.new_text is not None and item.new_text != item.old_text:
            # Found again in a corrected text: show what was corrected.
            before, after = (
                _difference(item.old_text, item.new_text)
                if item.how is not None
                else (item.old_text, item.new_text)
            )
            words = f"{_short(before)} → {_short(after)}"
        else:
            words = _short(item.old_text)
        picked = " (a picked quote)" if item.picked else ""
        echo(f"{item.status:<10} {where}  {what} by {item.coder}{picked}: {words}")
    if carried.export:
        echo(f"Wrote what was dropped to {carried.export}.")


def _difference(old: str, new: str, context: int = 15) -> tuple[str, str]:
    """The parts of two texts that differ, with a few words around them ("…" where
    the rest, the same in both, is left out)."""
    from gioia.relocate import common_ends

    a, b = " ".join(old.split()), " ".join(new.split())
    head, tail = common_ends(a, b)
    start = a.rfind(" ", 0, head - context) + 1 if head > context else 0
    end_a = a.find(" ", len(a) - tail + context) if tail > context else -1
    end_b = -1 if end_a < 0 else len(b) - (len(a) - end_a)

    def cut(text: str, end: int) -> str:
        piece = text[start:end] if end >= 0 else text[start:]
        return ("…" if start else "") + piece + (" …" if end >= 0 else "")

    return cut(a, end_a), cut(b, end_b)


def _short(text: str) -> str:
    """A passage on one line, quoted."""
    from gioia.text import one_line

    return f'"{one_line(text)}"'


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
    click.echo(f"{len(rows)} transcript(s), {sum(t.words for t in rows):,} words.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "-o",
    "--output",
    type=FilePath(dir_okay=False, path_type=Path),
    help="Write the cases table for a paper to a .docx, .md or .csv file.",
)
@no_clobber_option
@show_others_option
def cases(as_json: bool, output: Path | None, no_clobber: bool, show_others: bool) -> None:
    """List the cases with their informants, counts and attributes."""
    from rich.table import Table

    with open_project() as project:
        if output is not None:
            written = project.write_cases(output, no_clobber=no_clobber, show_others=show_others)
            say_written(output, written.replaced, f"{written.count} case(s)")
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
