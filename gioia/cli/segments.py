"""`gioia segment merge|split|delete`: correct the segments of a transcript after import."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gioia.cli.common import open_project

if TYPE_CHECKING:
    from gioia.views import SegmentEdit


@click.group()
def segment() -> None:
    """Merge, split or delete segments; codings, memos and read marks are kept.

    Segments after the one edited are renumbered: their T:N references change.
    """


@segment.command("merge")
@click.argument("refs", nargs=-1, required=True, metavar="T:N T:N+1...")
@click.option(
    "--speaker",
    metavar="NAME",
    help="Whose turn the merged segment is, when the parts are turns of different speakers.",
)
def merge(refs: tuple[str, ...], speaker: str | None) -> None:
    """Merge consecutive segments, named in their order, into the first (a turn cut in
    two). Turns of different speakers are merged only with --speaker."""
    with open_project() as project:
        edit = project.merge_segments(list(refs), speaker=speaker)
    turn = f"; the turn of {speaker}" if speaker else ""
    _report(edit, f"Merged {', '.join(edit.before)} into {edit.after[0]}{turn}")


@segment.command("split")
@click.argument("ref", metavar="T:N")
@click.option("--at", type=int, metavar="N", help="Split before character N of its text (from 0).")
@click.option("--before", "before", metavar="WORDS", help="Split before these words.")
@click.option("--sentences", is_flag=True, help="Split at every sentence.")
@click.option(
    "--whole-codings",
    "whole",
    type=click.Choice(["first", "every"]),
    help="Where codings of the whole segment go: the first part keeps them, or every "
    "part gets one (each then counts once per part). Needed when there are some.",
)
def split(ref: str, at: int | None, before: str | None, sentences: bool, whole: str | None) -> None:
    """Split a segment in two (or into its sentences). Quotes go with the part that
    holds them; whole-segment codings where --whole-codings says."""
    if sum((at is not None, before is not None, sentences)) != 1:
        raise click.UsageError("Give one of --at N, --before WORDS or --sentences.")
    with open_project() as project:
        edit = project.split_segment(ref, at=at, before=before, sentences=sentences, whole=whole)
    copied = edit.carried.count("copied")
    wholes = edit.carried.count("changed")
    where = ""
    if wholes and whole == "every":
        where = f"; {wholes} whole-segment coding(s) copied to every part ({copied} added)"
    elif wholes:
        where = f"; {wholes} whole-segment coding(s) kept by the first part only"
    _report(edit, f"Split {edit.before[0]} into {', '.join(edit.after)}{where}")


@segment.command("delete")
@click.argument("ref", metavar="T:N")
@click.option(
    "--force",
    is_flag=True,
    help="Delete it even if it holds codings or memos (they are dropped, audited, and "
    "listed in a file beside the store).",
)
def delete(ref: str, force: bool) -> None:
    """Delete a segment and its words (a heading, a false turn)."""
    with open_project() as project:
        edit = project.delete_segment(ref, force=force)
    _report(edit, f"Deleted {edit.before[0]}")


def _report(edit: SegmentEdit, done: str) -> None:
    from gioia.cli.transcripts import report_carried

    later = f"; {edit.renumbered} later segment(s) renumbered" if edit.renumbered else ""
    click.echo(f"{done}{later}.")
    if edit.carried.items or edit.carried.reviews_dropped:
        report_carried(edit.carried)


COMMANDS = [segment]
