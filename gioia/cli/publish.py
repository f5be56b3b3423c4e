"""Commands that write what a paper prints: quotes, codebook (and cases -o, figure)."""

from __future__ import annotations

from pathlib import Path

import click

from gioia.cli.common import open_project

OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.group(invoke_without_command=True)
@click.option("-o", "--output", type=OUTPUT, help="A .docx, .md, .tex or .csv file.")
@click.option(
    "--per-concept",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Quotes per concept (when none are picked).",
)
@click.option(
    "--max-words",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="Trim longer quotes at a sentence boundary.",
)
@click.option("--wave", "with_wave", is_flag=True, help="Cite the wave too: (Case A, CEO, wave 2).")
@click.option("--by", "coder", metavar="CODER", help="Only this coder's codings.")
@click.pass_context
def quotes(
    ctx: click.Context,
    output: Path | None,
    per_concept: int,
    max_words: int,
    with_wave: bool,
    coder: str | None,
) -> None:
    """Write the table of representative quotes, grouped by dimension and theme.

    Quotes are chosen to spread over cases and informants, unless you pick them
    with `gioia quotes pick CONCEPT T:N...`.
    """
    if ctx.invoked_subcommand is not None:
        return
    if output is None:
        raise click.UsageError("Give the file to write with -o FILE.")
    with open_project() as project:
        n = project.write_quotes(
            output, per_concept=per_concept, max_words=max_words, with_wave=with_wave, coder=coder
        )
    click.echo(f"Wrote {n} quote(s) to {output}.")


@quotes.command("pick")
@click.argument("concept")
@click.argument("refs", nargs=-1, metavar="[TRANSCRIPT:N]...")
def pick(concept: str, refs: tuple[str, ...]) -> None:
    """Choose a concept's quotes, in order (no segments: back to the automatic choice)."""
    with open_project() as project:
        n = project.pick_quotes(concept, list(refs))
    if n:
        click.echo(f"Picked {n} quote(s) for {concept!r}.")
    else:
        click.echo(f"{concept!r} is back to automatically chosen quotes.")


@click.command()
@click.option(
    "-o", "--output", type=OUTPUT, required=True, help="A .docx, .md, .csv or .xlsx file."
)
def codebook(output: Path) -> None:
    """Write the codebook: dimensions, themes and concepts with definitions and examples."""
    with open_project() as project:
        n = project.write_codebook(output)
    click.echo(f"Wrote the codebook ({n} concept(s) with an example) to {output}.")


COMMANDS = [quotes, codebook]
