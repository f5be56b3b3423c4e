"""The ``gioia`` command: a thin click layer over ``gioia.Project``.

Commands import the API lazily so that ``gioia --help`` starts fast. User errors
(``GioiaError``) become one ``Error: …`` line and exit code 1, here and only here.
"""

from __future__ import annotations

from typing import Any

import click

from gioia import __version__
from gioia.cli.common import Settings
from gioia.errors import GioiaError


class GioiaGroup(click.Group):
    """The root group: turns gioia's errors into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GioiaError as exc:
            if _debug(ctx):
                raise
            lines = [exc.message, *("  " + detail for detail in exc.details)]
            raise click.ClickException("\n".join(lines)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            raise click.ClickException(
                f"gioia failed unexpectedly ({type(exc).__name__}: {exc}); "
                "run again with --debug for the traceback and report it."
            ) from exc


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Settings) and ctx.obj.debug


@click.group(name="gioia", cls=GioiaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gioia")
@click.option(
    "--store",
    envvar="GIOIA_STORE",
    metavar="PATH|URL",
    help="The project store: a SQLite file or a database URL [env GIOIA_STORE; default gioia.db].",
)
@click.option(
    "--coder", envvar="GIOIA_CODER", metavar="NAME", help="Who is coding [env GIOIA_CODER]."
)
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
@click.pass_context
def cli(ctx: click.Context, store: str | None, coder: str | None, debug: bool) -> None:
    """gioia: from interview transcripts to a Gioia data structure.

    Start with `gioia init`, then `gioia import FILES...`; `gioia demo` builds a
    sample project to explore.
    """
    ctx.obj = Settings(store=store, coder=coder, debug=debug)


def _register() -> None:
    from gioia.cli import agreement, code, coding, publish, store, structure, transcripts

    for module in (store, transcripts, coding, code, structure, publish, agreement):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Entry point of the ``gioia`` console script."""
    cli.main(prog_name="gioia")
