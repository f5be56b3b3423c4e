"""Commands on the store itself: init, db, settings, demo."""

from __future__ import annotations

from pathlib import Path

import click

from gioia.cli.common import FilePath, console, settings


@click.command()
def init() -> None:
    """Create the project store (gioia.db here, or --store)."""
    from gioia.project import Project

    with Project.init(settings().store) as project:
        if project.created:
            click.echo(f"Created the store {project.location}.")
        else:
            click.echo(f"The store {project.location} exists already; nothing to do.")


@click.group()
def db() -> None:
    """The store's schema: its revision, upgrades and history."""


@db.command()
def current() -> None:
    """Show the store's schema revision and the one this gioia needs."""
    from gioia.project import Project

    revision, head = Project.schema_revisions(settings().store)
    state = "up to date" if revision == head else f"behind: run `gioia db upgrade` (needs {head})"
    click.echo(f"{revision} ({state})")


@db.command()
def upgrade() -> None:
    """Upgrade the store's schema (a SQLite store is backed up first)."""
    from gioia.project import Project

    done = Project.upgrade_schema(settings().store)
    if done.before == done.after:
        click.echo(f"The store is at {done.after} already; nothing to do.")
    else:
        backup = f"; the old store is backed up at {done.backup}" if done.backup else ""
        click.echo(f"Upgraded the store from {done.before} to {done.after}{backup}.")


@db.command()
def history() -> None:
    """List the schema migrations, oldest first."""
    from gioia.project import Project

    for revision in Project.schema_history():
        click.echo(f"{revision.revision}  {revision.doc}")


@click.command("settings")
@click.argument("name", required=False, metavar="[NAME")
@click.argument("value", required=False, type=click.Choice(["on", "off"]), metavar="[on|off]]")
def settings_command(name: str | None, value: str | None) -> None:
    """Show the project's settings, or turn one on or off.

    allow-shared: let a concept be under several themes (and a theme under several
    dimensions), as thematic analysis allows; off by default, since the Gioia method
    expects a tree.
    """
    from gioia.cli.common import open_project

    with open_project() as project:
        if name is None or value is None:
            current = project.settings()
            shown = {key.replace("_", "-"): v for key, v in current.items()}
            if name is not None and name not in shown:
                raise click.BadParameter(f"choose one of {', '.join(shown)}", param_hint="NAME")
            for key, setting in shown.items():
                if name in (None, key):
                    click.echo(f"{key}: {'on' if setting == 'true' else 'off'}")
            return
        if name != "allow-shared":
            raise click.BadParameter("choose allow-shared", param_hint="NAME")
        changed = project.allow_shared(value == "on")
    state = "now" if changed else "already"
    click.echo(f"allow-shared is {state} {value}.")


@click.command()
@click.option(
    "--out",
    type=FilePath(file_okay=False, path_type=Path),
    default=Path("gioia-demo"),
    show_default=True,
    help="Folder to build the demo project in (must be empty or new).",
)
@click.pass_context
def demo(ctx: click.Context, out: Path) -> None:
    """Build a sample project from the bundled fictional study."""
    from gioia.cli.structure import check, structure
    from gioia.demo import build_demo

    out_console = console()
    report = build_demo(out, say=lambda line: out_console.print(line, markup=False, soft_wrap=True))
    ctx.find_root().obj = settings()._replace(store=str(report.store))
    for command in (structure, check):
        out_console.print(f"\n$ gioia {command.name}", markup=False)
        ctx.invoke(command)
    out_console.print(f"\nThe demo project is in {report.folder}. Try:")
    for line in report.next_steps:
        out_console.print(f"  {line}", soft_wrap=True)


COMMANDS = [init, db, settings_command, demo]
