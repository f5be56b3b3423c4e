"""``gioia code``, ``review``, ``progress`` and ``coders``: coding and review coverage."""

from __future__ import annotations

import dataclasses
import shutil
import sys

import click

from gioia.cli.common import console, echo_json, open_project, show_others_option
from gioia.views import PHASES


@click.command()
@click.option("--transcript", "-t", help="Only this transcript.")
@click.option("--from", "start", metavar="T:N", help="Start at this segment.")
@click.option("--all", "include_interviewer", is_flag=True, help="Include interviewer turns.")
@show_others_option
def code(
    transcript: str | None, start: str | None, include_interviewer: bool, show_others: bool
) -> None:
    """Code segment after segment, picking up where you stopped (? for the keys).

    Reads commands line by line when standard input is not a terminal, e.g.
    printf 'Trust;Speed\\n\\nx\\n' | gioia code -t case_a
    """
    with open_project() as project:
        if project.coder is None:
            raise click.UsageError("Say who is coding: gioia --coder NAME code (or GIOIA_CODER).")
        queue = project.queue(transcript=transcript, include_interviewer=include_interviewer)
        first = project.segment_id(start) if start else None
        from gioia.cli.session import PlainIO, Session, SessionIO, TerminalIO

        width = shutil.get_terminal_size((80, 24)).columns
        lines = getattr(sys.stdin, "buffer", sys.stdin)  # bytes: a line not UTF-8 is skipped
        io: SessionIO = TerminalIO() if sys.stdin.isatty() else PlainIO(lines, width)
        session = Session(
            project, io, queue, show_others=show_others, interviewer=include_interviewer
        )
        session.run(first)
        left = len(project.queue(transcript=transcript, include_interviewer=include_interviewer))
    click.echo(f"Saved. {left} segment(s) still to review here.")


@click.command()
@click.argument("refs", nargs=-1, metavar="[TRANSCRIPT:N]...")
@click.option("--transcript", "-t", help="Every segment of this transcript.")
@click.option("--undo", is_flag=True, help="Take the marks back (codings stay).")
def review(refs: tuple[str, ...], transcript: str | None, undo: bool) -> None:
    """Mark segments as reviewed by you (read, with nothing (more) to code)."""
    with open_project() as project:
        if undo:
            result = project.unreview(list(refs) or None, transcript=transcript)
            click.echo(f"Marked {result.changed} segment(s) as not reviewed.")
        else:
            result = project.review(list(refs) or None, transcript=transcript)
            click.echo(
                f"Marked {result.changed} segment(s) as reviewed"
                + (f"; {result.unchanged} already were" if result.unchanged else "")
                + "."
            )


@click.command()
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def progress(show_others: bool, as_json: bool) -> None:
    """Show, per coder and transcript, the segments reviewed and the codings (yours
    only, during blind coding)."""
    from rich.table import Table

    with open_project() as project:
        rows = project.progress(show_others=show_others)
    if as_json:
        echo_json(rows)
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Coder", "Transcript", "Reviewed", "Share", "Codings"):
        table.add_column(
            column, justify="right" if column in ("Reviewed", "Share", "Codings") else "left"
        )
    for row in rows:
        share = f"{row.reviewed / row.total:.0%}" if row.total else "—"
        table.add_row(
            row.coder, row.transcript, f"{row.reviewed}/{row.total}", share, str(row.codings)
        )
    out = console()
    out.print(table)
    for coder in dict.fromkeys(r.coder for r in rows):
        mine = [r for r in rows if r.coder == coder]
        done, total = sum(r.reviewed for r in mine), sum(r.total for r in mine)
        share = f"{done / total:.0%}" if total else "—"
        out.print(f"{coder}: {done}/{total} segments reviewed ({share}).", markup=False)


@click.group(invoke_without_command=True)
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def coders(ctx: click.Context, show_others: bool, as_json: bool) -> None:
    """Show the phase of blind coding, and the coders with what they have reviewed and
    coded (you only, during blind coding)."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    with open_project() as project:
        rows = project.coders(show_others=show_others)
        phase = project.phase()
    if as_json:
        echo_json({"phase": phase, "coders": [dataclasses.asdict(row) for row in rows]})
        return
    import textwrap

    out = console()
    about = f"Phase: blind {phase} coding ({PHASES[phase]})."
    out.print(textwrap.fill(about, max(out.width - 1, 40), subsequent_indent="  "), markup=False)
    if not rows:
        out.print("No coder has reviewed or coded anything yet.", markup=False)
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Coder")
    for column in ("Reviewed", "Codings", "Concepts", "Transcripts"):
        table.add_column(column, justify="right")
    for row in rows:
        name = f"{row.name} (consensus)" if row.consensus else row.name
        table.add_row(
            name,
            str(row.reviewed),
            str(row.codings),
            str(row.concepts),
            str(row.transcripts),
        )
    out.print(table)


@coders.command("phase")
@click.argument("phase", type=click.Choice(list(PHASES)))
def coders_phase(phase: str) -> None:
    """Choose the phase of blind coding: open (new concept names stay private until the
    structure adopts them) or codebook (the concept list is shared)."""
    with open_project() as project:
        before = project.set_phase(phase)
    if before == phase:
        click.echo(f"The project is in blind {phase} coding already.")
    else:
        click.echo(f"The project moved from blind {before} coding to {phase} coding.")


@coders.command("rename")
@click.argument("old")
@click.argument("new")
def coders_rename(old: str, new: str) -> None:
    """Rename a coder (their codings and history follow)."""
    with open_project() as project:
        name = project.rename_coder(old, new)
    click.echo(f"Renamed coder {old!r} to {name!r}.")


COMMANDS = [code, review, progress, coders]
