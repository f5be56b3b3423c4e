"""What the commands share: settings, opening the project, and output helpers."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from gioia.limits import MAX_BOOTSTRAP, MAX_INTEGER

#: A count the user gives (--per-concept, --limit): from 1 to the store's largest integer.
COUNT = click.IntRange(min=1, max=MAX_INTEGER)
#: Bootstrap resamples.
RESAMPLES = click.IntRange(min=100, max=MAX_BOOTSTRAP)
#: A random seed.
SEED = click.IntRange(min=0, max=2**32 - 1)

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from gioia.project import Project


class FilePath(click.Path):
    """``click.Path`` that refuses a name holding a NUL character (no system can open one)
    with a usage error, where ``click.Path`` itself fails on it."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if "\x00" in os.fsdecode(value):
            name = os.fsdecode(value)
            self.fail(f"{name!r} is not a file name: it holds a NUL character.", param, ctx)
        return super().convert(value, param, ctx)


#: ``--no-clobber`` for every command that writes a file with ``-o``.
no_clobber_option = click.option(
    "--no-clobber", is_flag=True, help="Refuse to write over an existing file."
)


class Settings(NamedTuple):
    """The global options: where the store is, who is coding, and --debug."""

    store: str | None
    coder: str | None
    debug: bool


def settings() -> Settings:
    """The global options of the running command."""
    obj = click.get_current_context().find_root().obj
    assert isinstance(obj, Settings)
    return obj


def open_project() -> Project:
    """Open the store named by the global options."""
    from gioia.project import Project

    options = settings()
    project = Project.open(options.store, coder=options.coder, on_wait=_say_waiting)
    done = project.upgrade
    if done is not None:
        click.echo(
            f"Upgraded the store {project.location} from schema {done.before} to "
            f"{done.after}; the old store is backed up at {done.backup}.",
            err=True,
        )
    return project


def _say_waiting(message: str) -> None:
    click.echo(message, err=True)


def wrote(replaced: bool) -> str:
    """What writing a file did: "Replaced" a file that was there, else "Wrote"."""
    return "Replaced" if replaced else "Wrote"


def say_written(path: Path, replaced: bool, what: str) -> None:
    """``Wrote F (what).``, or ``Replaced F (what).`` when a file was there before."""
    click.echo(f"{wrote(replaced)} {path} ({what}).")


def console(stderr: bool = False) -> Console:
    """A rich console (80 columns and no colour when not a terminal); what it prints is
    shown as written: no highlighting, no ``:name:`` turned into an emoji, no ``[…]``
    read as markup (a table's cells hold names; a line that styles itself says
    ``markup=True`` and escapes what it quotes)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, markup=False)


def escape(text: str) -> str:
    """Text safe to print inside rich markup (a line printed with ``markup=True``)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def echo_json(value: Any) -> None:
    """Print dataclasses (or lists of them) as indented JSON."""
    import dataclasses
    import json

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [
            dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v
            for v in value
        ]
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=_plain))


def echo_json_items(items: Iterable[Any]) -> None:
    """Print dataclasses as a JSON list, each as soon as it comes (the same text as
    ``echo_json`` of the whole list)."""
    import dataclasses
    import json
    import textwrap

    opened = False
    for item in items:
        is_value = dataclasses.is_dataclass(item) and not isinstance(item, type)
        value = dataclasses.asdict(item) if is_value else item
        text = json.dumps(value, indent=2, ensure_ascii=False, default=_plain)
        click.echo(("[\n" if not opened else ",\n") + textwrap.indent(text, "  "), nl=False)
        opened = True
    click.echo("\n]" if opened else "[]")


def split_names(value: str | None) -> list[str] | None:
    """``A,B,…`` as a list of names (None for no value)."""
    return [c.strip() for c in value.split(",") if c.strip()] if value else None


def interactive() -> bool:
    """Whether a person can answer a question on this terminal."""
    return sys.stdin.isatty()


#: The narrowest a table's label column gets to keep its number columns on the line.
LABEL_ROOM = 12


def output_width() -> int:
    """The columns of standard output: the terminal's, else ``COLUMNS``, else 80."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


_STYLES: dict[str, dict[str, Any]] = {"bold": {"bold": True}, "cyan": {"fg": "cyan"}}
"""The styles a row of :func:`text_table` may have, as ``click.style`` takes them."""


def text_table(
    title: str,
    heads: list[str],
    rows: list[tuple[str, int, str, list[str]]],
    width: int,
    cell: int = 6,
) -> str:
    """A table of a wrapped label column and narrow right-aligned columns, as text
    styled by click (``click.echo`` drops the styles where the output is not a
    terminal; rich takes half a second to print a few hundred rows). ``rows`` are
    (label, indent, style: "", "bold" or "cyan", cells). No style where ``NO_COLOR`` is
    set or ``TERM`` is ``dumb``."""
    import textwrap

    colour = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

    def styled(text: str, style: str) -> str:
        return click.style(text, **_STYLES[style]) if style and colour else text

    cell = max(cell, *(len(h) + 1 for h in heads))
    room = max(width - cell * len(heads), LABEL_ROOM)
    out = [styled(f"{title:<{room}}" + "".join(f"{h:>{cell}}" for h in heads), "bold") + "\n"]
    for label, indent, style, cells in rows:
        lines = textwrap.wrap(label, room - indent - 1) or [""]
        out.append(styled(" " * indent + f"{lines[0]:<{room - indent}}", style))
        out.append("".join(f"{c:>{cell}}" for c in cells) + "\n")
        out.extend(styled(" " * indent + more, style) + "\n" for more in lines[1:])
    return "".join(out)


F = TypeVar("F", bound=Callable[..., Any])


def show_others_option(command: F) -> F:
    """``--show-others``: lift blind coding for this command (recorded in the trail)."""
    return click.option(
        "--show-others",
        is_flag=True,
        help="Show other coders' work too (lifts blind coding; recorded in the audit trail).",
    )(command)


def evidence_option(command: F) -> F:
    """``--evidence CODER``: whose codings count, and the old ``--coder`` place refused."""
    command = click.option(
        "--evidence",
        metavar="CODER",
        help="Count this coder's codings [default: yours during blind coding, else the "
        "consensus coder's if there is one, else everyone's].",
    )(command)
    return moved_coder_option("whose codings count is --evidence CODER")(command)


def moved_coder_option(instead: str) -> Callable[[F], F]:
    """A hidden ``--coder`` after a command that says where it belongs now: the global
    ``--coder`` is always who is acting."""

    def refuse(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value is not None:
            raise click.UsageError(
                f"--coder says who is acting and goes before the command "
                f"(gioia --coder NAME {ctx.info_name} …); {instead}."
            )

    return click.option("--coder", hidden=True, expose_value=False, is_eager=True, callback=refuse)
