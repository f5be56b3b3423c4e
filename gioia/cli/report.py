"""``gioia report``: the study as one HTML file a co-author opens in a browser."""

from __future__ import annotations

from pathlib import Path

import click

from gioia.cli.common import evidence_option, open_project, show_others_option


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .html file.",
)
@click.option("--title", default="Study report", show_default=True, help="The report's title.")
@evidence_option
@click.option(
    "--per-concept",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Quotes per concept.",
)
@show_others_option
def report(
    output: Path, title: str, evidence: str | None, per_concept: int, show_others: bool
) -> None:
    """Write the study report: one self-contained HTML file (no network, no script) with
    the cases and interviews, the figure, the structure with counts, quotes in context,
    the codebook, agreement, the case × theme matrix, co-occurrence, saturation and a
    drafted methods paragraph. It prints cleanly, a section per page."""
    from gioia.report import ReportOptions

    with open_project() as project:
        data = project.write_report(
            output,
            ReportOptions(title=title, evidence=evidence, per_concept=per_concept),
            show_others=show_others,
        )
    size = output.stat().st_size
    quotes = sum(len(row.quotes) for row in data.quotes)
    click.echo(
        f"Wrote {output} ({size / 1024:,.0f} KB): {len(data.transcripts)} interview(s), "
        f"{quotes} quote(s) in context."
    )


COMMANDS = [report]
