"""``gioia report``: the study as one HTML file a co-author opens in a browser."""

from __future__ import annotations

from pathlib import Path

import click

from gioia.cli.common import (
    COUNT,
    FilePath,
    evidence_option,
    no_clobber_option,
    open_project,
    show_others_option,
    wrote,
)


@click.command()
@click.option(
    "-o",
    "--output",
    type=FilePath(dir_okay=False, path_type=Path),
    required=True,
    help="The .html file.",
)
@click.option("--title", default="Study report", show_default=True, help="The report's title.")
@evidence_option
@click.option(
    "--per-concept",
    type=COUNT,
    default=2,
    show_default=True,
    help="Quotes per concept.",
)
@no_clobber_option
@show_others_option
def report(
    output: Path,
    title: str,
    evidence: str | None,
    per_concept: int,
    no_clobber: bool,
    show_others: bool,
) -> None:
    """Write the study report: one self-contained HTML file (no network, no script) with
    the cases and interviews, the figure, the structure with counts, quotes in context,
    the codebook, agreement, the case × theme matrix, co-occurrence, saturation and a
    drafted methods paragraph. It prints cleanly, a section per page."""
    from gioia.report import ReportOptions

    with open_project() as project:
        data, written = project.write_report(
            output,
            ReportOptions(title=title, evidence=evidence, per_concept=per_concept),
            no_clobber=no_clobber,
            show_others=show_others,
        )
    quotes = sum(len(row.quotes) for row in data.quotes)
    click.echo(
        f"{wrote(written.replaced)} {output} ({written.count / 1024:,.0f} KB): "
        f"{len(data.transcripts)} interview(s), {quotes} quote(s) in context."
    )


COMMANDS = [report]
