"""Commands that write what a paper prints: quotes, codebook, figure (and cases -o)."""

from __future__ import annotations

from pathlib import Path

import click

from gioia.cli.common import (
    COUNT,
    FilePath,
    evidence_option,
    no_clobber_option,
    open_project,
    say_written,
    show_others_option,
    wrote,
)

OUTPUT = FilePath(dir_okay=False, path_type=Path)


@click.group(invoke_without_command=True)
@click.option("-o", "--output", type=OUTPUT, help="A .docx, .md, .tex or .csv file.")
@click.option(
    "--per-concept",
    type=COUNT,
    default=3,
    show_default=True,
    help="Quotes per concept (when none are picked).",
)
@click.option(
    "--max-words",
    type=COUNT,
    default=60,
    show_default=True,
    help="Trim longer quotes at a sentence boundary.",
)
@click.option("--wave", "with_wave", is_flag=True, help="Cite the wave too: (Case A, CEO, wave 2).")
@evidence_option
@show_others_option
@no_clobber_option
@click.pass_context
def quotes(
    ctx: click.Context,
    output: Path | None,
    per_concept: int,
    max_words: int,
    with_wave: bool,
    evidence: str | None,
    show_others: bool,
    no_clobber: bool,
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
        written = project.write_quotes(
            output,
            per_concept=per_concept,
            max_words=max_words,
            with_wave=with_wave,
            evidence=evidence,
            show_others=show_others,
            no_clobber=no_clobber,
        )
    say_written(output, written.replaced, f"{written.count} quote(s)")


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
@click.option("--memos", "with_memos", is_flag=True, help="Add a column of memos on each item.")
@evidence_option
@show_others_option
@no_clobber_option
def codebook(
    output: Path, with_memos: bool, evidence: str | None, show_others: bool, no_clobber: bool
) -> None:
    """Write the codebook: dimensions, themes and concepts with definitions and examples."""
    with open_project() as project:
        written = project.write_codebook(
            output,
            evidence=evidence,
            with_memos=with_memos,
            no_clobber=no_clobber,
            show_others=show_others,
        )
    say_written(
        output, written.replaced, f"the codebook, {written.count} concept(s) with an example"
    )


@click.command()
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    help="A .svg, .png, .pdf or .dot file (default: DOT on standard output).",
)
@click.option("--counts", is_flag=True, help="Show n segments and n informants under each concept.")
@click.option(
    "--direction",
    type=click.Choice(["lr", "tb"]),
    default="lr",
    show_default=True,
    help="Columns left to right, or dimensions on top with each theme's concepts under it.",
)
@click.option("--color", is_flag=True, help="One light tint per dimension (default: grayscale).")
@click.option("--font", default="Arial", show_default=True, help="The font family.")
@click.option(
    "--max-width",
    type=click.FloatRange(min=2.0, max=100.0),
    default=6.5,
    show_default=True,
    help="The widest the figure may be, in inches (a journal page: 6.5).",
)
@click.option(
    "--max-height",
    type=click.FloatRange(min=2.0, max=100.0),
    default=8.5,
    show_default=True,
    help="The tallest the figure may be, in inches (a 9 in page less room for a caption).",
)
@click.option(
    "--order",
    type=click.Choice(["structure", "alpha", "count"]),
    default="structure",
    show_default=True,
    help="Order of the items in each column.",
)
@click.option(
    "--style",
    type=click.Choice(["plain", "boxed"]),
    default="plain",
    show_default=True,
    help="boxed: each dimension a box spanning its themes, and a rule under the headings.",
)
@click.option(
    "--split",
    type=click.Choice(["none", "dimension"]),
    default="none",
    show_default=True,
    help="dimension: when the figure cannot fit at 8 pt, one figure per group of "
    "dimensions (FILE-a, FILE-b, …).",
)
@evidence_option
@show_others_option
@no_clobber_option
def figure(
    output: Path | None,
    counts: bool,
    direction: str,
    color: bool,
    font: str,
    max_width: float,
    max_height: float,
    order: str,
    style: str,
    split: str,
    evidence: str | None,
    show_others: bool,
    no_clobber: bool,
) -> None:
    """Draw the data-structure figure: concepts, themes and dimensions in three columns.

    gioia lays it out to fit the page (narrower columns for themes and dimensions,
    tighter spacing, then text down to 8 pt), and says the size of what it wrote. It is
    drawn by Graphviz `dot` when it is installed, else by the engine that comes with
    gioia; set GIOIA_DOT to choose the executable.
    """
    from gioia.figure import FigureOptions

    options = FigureOptions(
        counts=counts,
        direction=direction,
        color=color,
        font=font,
        max_width=max_width,
        max_height=max_height,
        order=order,
        style=style,
        split=split,
    )
    with open_project() as project:
        if output is None:
            source, left_out = project.figure_dot(
                options, evidence=evidence, show_others=show_others
            )
            click.echo(source, nl=False)
            warnings: tuple[str, ...] = ()
        else:
            result = project.draw_figure(
                output, options, evidence=evidence, show_others=show_others, no_clobber=no_clobber
            )
            left_out = list(result.left_out)
            warnings = result.warnings
    if left_out:
        click.echo(
            f"warning: left out of the figure (not in the tree): {', '.join(left_out)}", err=True
        )
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if output is not None:
        for drawn in result.files:
            part = f" (part {drawn.label}: {', '.join(drawn.dimensions)})" if drawn.label else ""
            click.echo(
                f"{wrote(drawn.replaced)} {drawn.path}{part}: "
                f"{drawn.width:.2f} × {drawn.height:.2f} in, "
                f"smallest text {drawn.smallest:g} pt (layout by {result.engine})."
            )


COMMANDS = [quotes, codebook, figure]
