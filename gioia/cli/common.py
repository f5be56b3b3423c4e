"""What the commands share: settings, opening the project, and output helpers."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from gioia.project import Project


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
    return Project.open(options.store, coder=options.coder)


def console(stderr: bool = False) -> Console:
    """A rich console (80 columns and no colour when not a terminal)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


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


def split_names(value: str | None) -> list[str] | None:
    """``A,B,…`` as a list of names (None for no value)."""
    return [c.strip() for c in value.split(",") if c.strip()] if value else None


def interactive() -> bool:
    """Whether a person can answer a question on this terminal."""
    return sys.stdin.isatty()


def text_table(
    title: str,
    heads: list[str],
    rows: list[tuple[str, int, str, list[str]]],
    width: int,
    cell: int = 6,
) -> Text:
    """A table of a wrapped label column and narrow right-aligned columns, as one rich
    Text (a rich Table takes half a second for a few hundred rows). ``rows`` are
    (label, indent, style, cells)."""
    import textwrap

    from rich.text import Text

    cell = max(cell, *(len(h) + 1 for h in heads))
    room = max(width - cell * len(heads), 20)
    out = Text()
    out.append(f"{title:<{room}}" + "".join(f"{h:>{cell}}" for h in heads) + "\n", style="bold")
    for label, indent, style, cells in rows:
        lines = textwrap.wrap(label, room - indent - 1) or [""]
        out.append(" " * indent + f"{lines[0]:<{room - indent}}", style=style)
        out.append("".join(f"{c:>{cell}}" for c in cells) + "\n")
        for more in lines[1:]:
            out.append(" " * indent + more + "\n", style=style)
    return out


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
