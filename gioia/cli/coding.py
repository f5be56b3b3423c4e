"""Commands for reading and coding segments: segments, show, tag, untag, memo, codings, log."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gioia.cli.common import (
    COUNT,
    FilePath,
    console,
    echo_json,
    echo_json_items,
    escape,
    interactive,
    moved_coder_option,
    no_clobber_option,
    open_project,
    say_written,
    settings,
    show_others_option,
)
from gioia.text import format_time

if TYPE_CHECKING:
    from rich.console import Console

    from gioia.views import EventView, MemoView, SegmentView

PREVIEW_CHARS = 240


def _concept_lines(segment: SegmentView, *, with_coder: bool) -> list[str]:
    lines = []
    for mark in segment.codings:
        label = mark.concept + (f" [{mark.coder}]" if with_coder else "")
        lines.append(f"{label}: “{mark.quote}”" if mark.quote else label)
    return lines


def _print_segment(out: Console, segment: SegmentView, *, preview: bool, with_coder: bool) -> None:
    import textwrap

    from rich.text import Text

    head = Text(segment.ref, style="bold")
    if segment.speaker:
        head.append(f"  {segment.speaker}", style="dim" if segment.is_interviewer else "cyan")
    if segment.time_start is not None:
        head.append(f"  {format_time(segment.time_start)}", style="dim")
    out.print(head)
    body = segment.text
    if preview and len(body) > PREVIEW_CHARS:
        body = body[:PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
    width = max(out.width - 2, 20)
    wrapped = "\n".join(
        textwrap.fill(line, width, initial_indent="  ", subsequent_indent="  ") or "  "
        for line in body.split("\n")
    )
    out.print(Text(wrapped, style="dim" if segment.is_interviewer else ""))
    for line in _concept_lines(segment, with_coder=with_coder):
        marks = textwrap.fill(line, width, initial_indent="  ▸ ", subsequent_indent="    ")
        out.print(Text(marks, style="green"))
    for memo in segment.memos:
        note = textwrap.fill(
            memo_line(memo), width, initial_indent="  ✎ ", subsequent_indent="    "
        )
        out.print(Text(note, style="yellow"))
    out.print()


def memo_line(memo: MemoView) -> str:
    """A memo on one line: its number, author and text."""
    shared = ", shared" if memo.shared else ""
    return f"{memo.ref} {memo.coder}{shared}: {' '.join(memo.text.split())}"


@click.command()
@click.option("--transcript", "-t", help="Only this transcript.")
@click.option("--uncoded", is_flag=True, help="Only segments with no coding (yours, if --coder).")
@click.option("--concept", "-c", help="Only segments coded with this concept.")
@click.option("--grep", "-g", metavar="REGEX", help="Only segments matching (case-insensitive).")
@click.option("--all", "include_interviewer", is_flag=True, help="Include interviewer turns.")
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def segments(
    transcript: str | None,
    uncoded: bool,
    concept: str | None,
    grep: str | None,
    include_interviewer: bool,
    show_others: bool,
    as_json: bool,
) -> None:
    """List segments (references TRANSCRIPT:N) with your concepts and memos, as they are
    read."""
    from contextlib import closing

    with (
        open_project() as project,
        closing(
            project.iter_segments(
                transcript=transcript,
                uncoded=uncoded,
                concept=concept,
                grep=grep,
                include_interviewer=include_interviewer,
                show_others=show_others,
            )
        ) as rows,
    ):
        if as_json:
            echo_json_items(rows)
            return
        out = console()
        with_coder = show_others or not settings().coder
        count = 0
        for segment in rows:
            _print_segment(out, segment, preview=True, with_coder=with_coder)
            count += 1
        out.print(f"{count} segment(s).", markup=False)


@click.command()
@click.argument("transcript")
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(transcript: str, show_others: bool, as_json: bool) -> None:
    """Print a transcript, segment by segment, with your concepts and memos."""
    with open_project() as project:
        view = project.transcript(transcript, show_others=show_others)
    if as_json:
        echo_json(view)
        return
    s = view.summary
    out = console()
    facts = [
        s.case,
        f"{s.informant} ({s.role})" if s.informant else s.role,
        f"wave {s.wave}" if s.wave else None,
        s.date.isoformat() if s.date else None,
    ]
    from rich.text import Text

    out.print(Text(f"{s.name}  ", style="bold") + Text(" · ".join(f for f in facts if f)))
    counts = f"{s.source} · {s.segments} segments · {s.words:,} words · {s.codings} codings\n"
    out.print(Text(counts, style="dim"))
    for segment in view.segments:
        _print_segment(out, segment, preview=False, with_coder=show_others or not settings().coder)


def _span(value: str | None) -> tuple[int, int] | None:
    import re

    if value is None:
        return None
    match = re.fullmatch(r"\s*([0-9]{1,10})\s*:\s*([0-9]{1,10})\s*", value)
    if match is None:
        raise click.BadParameter(
            f"{value!r} is not START:END (code points in the segment).", param_hint="--span"
        )
    return int(match[1]), int(match[2])


@click.command()
@click.argument("refs", nargs=-1, metavar="TRANSCRIPT:N...")
@click.option("--concept", "-c", required=True, help="The concept to apply.")
@click.option("--quote", "-q", help="Code only these exact words of the segment.")
@click.option("--span", metavar="START:END", help="Code only these characters of the segment.")
@click.option(
    "--grep", "-g", metavar="REGEX", help="Tag every segment matching (not interviewer turns)."
)
@click.option("--transcript", "-t", help="With --grep: only in this transcript.")
@click.option("--new", "create", is_flag=True, help="Create the concept if it does not exist.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def tag(
    refs: tuple[str, ...],
    concept: str,
    quote: str | None,
    span: str | None,
    grep: str | None,
    transcript: str | None,
    create: bool,
    yes: bool,
) -> None:
    """Code segments with a concept (and mark them as reviewed by you).

    For example `gioia tag case_a:3 case_a:5 -c "Trust"`, or every segment that matches
    `--grep`. A quote or span codes only those words of the segment.
    """
    if bool(refs) == bool(grep):
        raise click.UsageError("Give segment references or --grep, not both and not neither.")
    with open_project() as project:
        targets = list(refs)
        if grep:
            found = project.segments(grep=grep, transcript=transcript)
            if not found:
                click.echo(f"No segment matches {grep!r}; nothing tagged.")
                return
            click.echo(
                f"{len(found)} segment(s) match {grep!r}: "
                + ", ".join(s.ref for s in found[:8])
                + (" …" if len(found) > 8 else "")
            )
            if not yes:
                if not interactive():
                    raise click.UsageError(
                        f"Pass --yes to tag {len(found)} segments without asking."
                    )
                click.confirm(f"Tag them with {concept!r}?", abort=True)
            targets = [s.ref for s in found]
        if not create and interactive() and not project.concept_exists(concept):
            create = click.confirm(f"There is no concept {concept!r}. Create it?", default=False)
            if not create:
                raise click.Abort()
        result = project.tag(targets, concept, quote=quote, span=_span(span), create=create)
    note = f" (created concept {result.concept!r})" if result.created_concept else ""
    already = f"; {result.existing} already had it" if result.existing else ""
    click.echo(f"Tagged {result.added} segment(s) with {result.concept!r}{already}{note}.")
    if result.reviewed:
        click.echo(f"Marked {result.reviewed} segment(s) as reviewed by {settings().coder}.")


@click.command()
@click.argument("refs", nargs=-1, required=True, metavar="TRANSCRIPT:N...")
@click.option("--concept", "-c", required=True, help="The concept to remove.")
@click.option("--quote", "-q", help="Remove only the coding of these words.")
@click.option("--span", metavar="START:END", help="Remove only the coding of this span.")
def untag(refs: tuple[str, ...], concept: str, quote: str | None, span: str | None) -> None:
    """Remove your coding of a concept from segments."""
    with open_project() as project:
        result = project.untag(list(refs), concept, quote=quote, span=_span(span))
    click.echo(f"Removed {result.removed} coding(s) of {concept!r}.")


class _AddByDefault(click.Group):
    """A group whose first argument, when it is not one of its commands, goes to ``add``:
    `gioia memo T:N --text …` adds, `gioia memo list` lists."""

    default = "add"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


LEVEL = click.Choice(["segment", "concept", "theme", "dimension"])


@click.group(cls=_AddByDefault)
def memo() -> None:
    """Write, read, edit, share and delete memos.

    `gioia memo TARGET --text …` attaches a memo to a segment (TRANSCRIPT:N), a concept,
    a theme or a dimension. During blind coding a memo is private to you until shared.
    """


@memo.command("add")
@click.argument("target", metavar="TRANSCRIPT:N|NAME")
@click.option("--text", required=True, help="The memo.")
@click.option("--level", type=LEVEL, help="What TARGET names, when a name is several things.")
@click.option("--share", is_flag=True, help="Let the other coders read it during blind coding.")
def memo_add(target: str, text: str, level: str | None, share: bool) -> None:
    """Attach a memo to a segment, a concept, a theme or a dimension."""
    with open_project() as project:
        view = project.add_memo(target, text, level=level, share=share)
    what = view.target if view.kind == "segment" else f"{view.kind} {view.target!r}"
    click.echo(f"Memo {view.ref} added to {what}" + (" (shared)." if view.shared else "."))


@memo.command("list")
@click.option(
    "--target",
    "-t",
    metavar="TRANSCRIPT[:N]|NAME",
    help="Only the memos on this segment, transcript, concept, theme or dimension.",
)
@click.option("--level", type=LEVEL, help="Only memos on this kind of thing.")
@click.option(
    "-o",
    "--output",
    type=FilePath(dir_okay=False, path_type=Path),
    help="Write them to a .md or .docx file.",
)
@no_clobber_option
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def memo_list(
    target: str | None,
    level: str | None,
    output: Path | None,
    no_clobber: bool,
    show_others: bool,
    as_json: bool,
) -> None:
    """List the memos you may read: yours, and the shared ones during blind coding."""
    with open_project() as project:
        if output is not None:
            written = project.write_memos(
                output, target, level=level, no_clobber=no_clobber, show_others=show_others
            )
            say_written(output, written.replaced, f"{written.count} memo(s)")
            return
        rows = project.memos(target, level=level, show_others=show_others)
    if as_json:
        echo_json(rows)
        return
    import textwrap

    out = console()
    width = max(out.width - 2, 20)
    for row in rows:
        on = row.target if row.kind == "segment" else f"{row.kind} {row.target!r}"
        shared = " · shared" if row.shared else ""
        edited = f" (edited {row.updated_at:%Y-%m-%d %H:%M})" if row.updated_at else ""
        out.print(
            f"{row.ref}  {on}  · {row.coder}{shared} · {row.created_at:%Y-%m-%d %H:%M}{edited}",
            markup=False,
            style="bold",
        )
        for paragraph in row.text.split("\n"):
            out.print(textwrap.fill(paragraph, width, initial_indent="  ", subsequent_indent="  "))
    out.print(f"{len(rows)} memo(s).", markup=False)


@memo.command("edit")
@click.argument("number", metavar="N")
@click.option("--text", required=True, help="The new text.")
def memo_edit(number: str, text: str) -> None:
    """Replace the text of one of your memos (the old text stays in the audit trail)."""
    with open_project() as project:
        view = project.edit_memo(number, text)
    click.echo(f"Memo {view.ref} on {view.target} edited.")


@memo.command("share")
@click.argument("numbers", metavar="N...", nargs=-1, required=True)
def memo_share(numbers: tuple[str, ...]) -> None:
    """Let the other coders read these memos of yours during blind coding."""
    with open_project() as project:
        for number in numbers:
            view = project.share_memo(number)
            click.echo(f"Memo {view.ref} on {view.target} is shared.")


@memo.command("delete")
@click.argument("number", metavar="N")
def memo_delete(number: str) -> None:
    """Delete one of your memos (its text stays in the audit trail)."""
    with open_project() as project:
        view = project.delete_memo(number)
    click.echo(f"Memo {view.ref} on {view.target} deleted.")


@click.group()
def codings() -> None:
    """Import and export codings as CSV."""


@codings.command("import")
@click.argument("file", type=FilePath(exists=True, dir_okay=False, path_type=Path))
def codings_import(file: Path) -> None:
    """Add codings from a file with columns coder, segment, concept[, quote] (all or nothing)."""
    with open_project() as project:
        result = project.import_codings(file)
    parts = [f"Added {result.added} coding(s) by {', '.join(result.coders)}"]
    if result.existing:
        parts.append(f"{result.existing} already present")
    if result.duplicates:
        parts.append(f"{result.duplicates} duplicate row(s) merged")
    if result.created_concepts:
        parts.append(f"created {len(result.created_concepts)} concept(s)")
    click.echo("; ".join(parts) + ".")
    for coder, n in result.reviewed.items():
        if n:
            click.echo(f"Marked {n} segment(s) as reviewed by {coder}.")


@codings.command("export")
@click.option(
    "-o",
    "--output",
    type=FilePath(dir_okay=False, path_type=Path),
    help="Write to this .csv or .xlsx file (default: CSV on standard output).",
)
@click.option("--only", "only", multiple=True, metavar="CODER", help="Only this coder's codings.")
@no_clobber_option
@show_others_option
def codings_export(
    output: Path | None, only: tuple[str, ...], no_clobber: bool, show_others: bool
) -> None:
    """Export the codings you may see (yours, during blind coding) as CSV or Excel, as
    `gioia codings import` reads them.

    Columns: coder, segment, concept, quote, transcript, case, informant, role, text.
    """
    with open_project() as project:
        if output is not None:
            written = project.export_codings(
                output, list(only) or None, no_clobber=no_clobber, show_others=show_others
            )
            say_written(output, written.replaced, f"{written.count} coding(s)")
            return
        rows = project.codings(list(only) or None, show_others=show_others)
    from gioia.spreadsheet import write_csv
    from gioia.views import CODING_COLUMNS

    write_csv(sys.stdout, CODING_COLUMNS, (row.cells() for row in rows))


@click.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
    help="Only events from this date (UTC).",
)
@click.option("--by", metavar="CODER", help="Only the events of this coder.")
@click.option("--concept", "-c", help="Only events about this concept.")
@click.option("--limit", "-n", type=COUNT, help="Only the newest N events.")
@click.option("--changes", is_flag=True, help="Show each change's before and after.")
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@moved_coder_option("whose events to show is --by CODER")
def log(
    since: dt.datetime | None,
    by: str | None,
    concept: str | None,
    limit: int | None,
    changes: bool,
    show_others: bool,
    as_json: bool,
) -> None:
    """Show the audit trail: every change, who made it and when.

    With a current coder (--coder or GIOIA_CODER), you read your own changes and the
    project lead's, never other coders' (blind coding), unless --show-others.
    --changes (or --json) shows what each change was before and after.
    """
    with open_project() as project:
        events = project.log(
            since=since, by=by, concept=concept, limit=limit, show_others=show_others
        )
    if as_json:
        echo_json(events)
        return
    import json

    out = console()
    for event in events:
        out.print(
            f"[dim]{event.at:%Y-%m-%d %H:%M:%S}[/]  [cyan]{escape(_who(event))}[/]  "
            f"{escape(event.summary)}",
            soft_wrap=True,
            markup=True,
        )
        if changes:
            for label, value in (("before", event.before), ("after", event.after)):
                shown = json.dumps(value, ensure_ascii=False, default=str)
                out.print(f"    {label}: {shown}", markup=False, soft_wrap=True, style="dim")
    out.print(f"{len(events)} event(s).", markup=False)


def _who(event: EventView) -> str:
    """Whose work an event is, and who ran it when that was someone else."""
    coder = event.coder or "-"
    if event.actor == event.coder:
        return coder
    return f"{coder} (run by {event.actor or 'the project lead'})"


COMMANDS = [segments, show, tag, untag, memo, codings, log]
