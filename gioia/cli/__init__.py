"""The ``gioia`` command: a thin click layer over ``gioia.Project``.

Commands are loaded when they run (``COMMANDS`` names their module and says in one
line what they do), so ``gioia --help`` imports none of them. User errors
(``GioiaError``) become one ``Error: …`` line and exit code 1, here and only here.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from gioia import __version__
from gioia.cli.common import Settings
from gioia.errors import GioiaError

#: command name -> (module in gioia.cli, short help shown by ``gioia --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("store", "Create the project store."),
    "import": ("transcripts", "Import transcripts from files or folders."),
    "transcripts": ("transcripts", "List the transcripts with their counts."),
    "cases": ("transcripts", "List the cases (or write the cases table)."),
    "segments": ("coding", "List segments with your concepts."),
    "segment": ("segments", "Merge, split or delete segments."),
    "show": ("coding", "Print a transcript with your concepts."),
    "tag": ("coding", "Code segments with a concept."),
    "untag": ("coding", "Remove your coding of a concept from segments."),
    "memo": ("coding", "Attach a memo to a segment or a concept."),
    "codings": ("coding", "Import and export codings as CSV."),
    "code": ("code", "Code segment after segment, interactively."),
    "review": ("code", "Mark segments as reviewed by you."),
    "progress": ("code", "Show each coder's progress per transcript."),
    "coders": ("code", "List or rename the coders."),
    "concept": ("structure", "Add, rename, define, merge, split, delete concepts."),
    "theme": ("structure", "Add, rename, define, merge, delete themes."),
    "dimension": ("structure", "Add, rename, define, merge, delete dimensions."),
    "assign": ("structure", "Put concepts under a theme, themes under a dimension."),
    "unassign": ("structure", "Take concepts or themes out of their parent."),
    "structure": ("structure", "Print, import or export the data structure."),
    "check": ("structure", "Check the structure against the method's guidance."),
    "figure": ("publish", "Draw the data-structure figure."),
    "quotes": ("publish", "Write the table of representative quotes."),
    "codebook": ("publish", "Write the codebook."),
    "agreement": ("agreement", "Inter-coder agreement per code and overall."),
    "disagreements": ("agreement", "List the segments where the coders differ."),
    "reconcile": ("agreement", "Build a consensus coder from two coders."),
    "search": ("analysis", "Find words in the transcripts, in context; tag the hits."),
    "cooccurrence": ("analysis", "Which codes occur together; the network for Gephi."),
    "matrix": ("analysis", "The case × code matrix, traced to segments."),
    "saturation": ("analysis", "New codes per interview, in interview order."),
    "fsqca": ("analysis", "Calibrate conditions per case for fuzzy-set QCA."),
    "report": ("report", "Write the study report: one HTML file to share."),
    "export": ("refi", "Export for NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA)."),
    "import-project": ("refi", "Import a project coded in NVivo, ATLAS.ti, MAXQDA, …"),
    "log": ("coding", "Show the audit trail."),
    "db": ("store", "Show or upgrade the store's schema."),
    "settings": ("store", "Show or change the project's settings (allow-shared)."),
    "demo": ("store", "Build a sample project to explore."),
}


class GioiaGroup(click.Group):
    """The root group: loads commands on demand and turns gioia's errors into one-line
    messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"gioia.cli.{COMMANDS[name][0]}")
        command: click.Command = next(c for c in module.COMMANDS if c.name == name)
        command.short_help = COMMANDS[name][1]
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:  # a byte that is not UTF-8 reaches Python as a lone surrogate
            bad = next((c for c in arg if "\ud800" <= c <= "\udfff"), None)
            if bad is not None:
                escaped = 0xDC80 <= ord(bad) <= 0xDCFF
                what = f"byte 0x{ord(bad) - 0xDC00:02X}" if escaped else f"U+{ord(bad):04X}"
                shown = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in arg)
                raise click.UsageError(f"The argument {shown!r} is not UTF-8 text ({what}).")
        return super().parse_args(ctx, args)

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
        except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except OSError as exc:
            if _debug(ctx):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}.") from exc
        except MemoryError as exc:
            if _debug(ctx):
                raise
            raise click.ClickException(
                "gioia ran out of memory: close other programs or split the input; "
                "nothing more was written."
            ) from exc
        except Exception as exc:
            if _debug(ctx):
                raise
            said = (str(exc).strip().splitlines() or [""])[0]  # never SQL or parameters
            raise click.ClickException(
                f"gioia failed unexpectedly ({type(exc).__name__}: {said}); "
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


def main() -> None:
    """Entry point of the ``gioia`` console script."""
    cli.main(prog_name="gioia")
