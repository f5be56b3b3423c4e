"""Analysis commands: search, cooccurrence, matrix, saturation and fsqca calibrate."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gioia.cli.common import (
    COUNT,
    FilePath,
    echo_json,
    evidence_option,
    interactive,
    no_clobber_option,
    open_project,
    output_width,
    say_written,
    settings,
    show_others_option,
    text_table,
)

if TYPE_CHECKING:
    from gioia.analysis.kwic import SearchHit
    from gioia.project import Project
    from gioia.views import TagResult

OUTPUT = FilePath(dir_okay=False, path_type=Path)
LEVEL = click.Choice(["concept", "theme", "dimension"])
PLURAL = {"concept": "concepts", "theme": "themes", "dimension": "dimensions"}


def _whose(coder: str | None) -> str:
    return f"{coder}'s codings" if coder else "every coder's codings"


def _width() -> int:
    return max(shutil.get_terminal_size((100, 24)).columns, 60)


def _print_hits(hits: list[SearchHit]) -> None:
    """Two lines a hit: where, then the keyword in context, written in one go."""
    lines = []
    for hit in hits:
        place = " · ".join(p for p in (hit.ref, hit.case, hit.speaker) if p)
        lines.append(click.style(place, dim=True))
        lines.append(f"  {hit.left}" + click.style(hit.match, bold=True, reverse=True) + hit.right)
    if lines:
        click.echo("\n".join(lines))


@click.command()
@click.argument("pattern")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (case-insensitive).")
@click.option("--transcript", "-t", help="Only this transcript.")
@click.option("--case", help="Only this case's transcripts.")
@click.option("--speaker", "-s", help="Only turns by this speaker (as labelled in the transcript).")
@click.option(
    "--uncoded", is_flag=True, help="Only segments with no coding (yours, when you code blind)."
)
@click.option("--all", "include_interviewer", is_flag=True, help="Include interviewer turns.")
@click.option("--tag", "concept", metavar="CONCEPT", help="Code the segments with a match.")
@click.option("--new", "create", is_flag=True, help="With --tag: create the concept if new.")
@click.option("--yes", "-y", is_flag=True, help="With --tag: do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@show_others_option
def search(
    pattern: str,
    regex: bool,
    transcript: str | None,
    case: str | None,
    speaker: str | None,
    uncoded: bool,
    include_interviewer: bool,
    concept: str | None,
    create: bool,
    yes: bool,
    as_json: bool,
    show_others: bool,
) -> None:
    """Find words in the transcripts: keyword-in-context lines with their segments.

    PATTERN is one or more whole words, any case (`export*` also finds exporters);
    with --regex, a regular expression. Interviewer turns are left out unless --all
    or --speaker names them. --tag codes every segment with a match, as you, in one
    step you confirm (and marks those segments reviewed by you).
    """
    if concept is not None and not settings().coder:
        raise click.UsageError("--tag codes as you: pass --coder NAME or set GIOIA_CODER.")
    with open_project() as project:
        hits = project.search(
            pattern,
            regex=regex,
            transcript=transcript,
            case=case,
            speaker=speaker,
            uncoded=uncoded,
            include_interviewer=include_interviewer,
            show_others=show_others,
            width=max((_width() - len(pattern) - 4) // 2, 20),
        )
        if as_json and concept is None:
            echo_json(hits)
            return
        refs = list(dict.fromkeys(hit.ref for hit in hits))
        if not as_json:
            _print_hits(hits)
            transcripts = len({hit.transcript for hit in hits})
            click.echo(
                f"{len(hits)} match(es) in {len(refs)} segment(s) of {transcripts} transcript(s)."
            )
        if concept is None:
            return
        result = _tag_hits(project, refs, concept, create=create, yes=yes, quiet=as_json)
    if as_json:
        tagged = None if result is None else {**asdict(result), "coder": settings().coder}
        echo_json({"hits": [asdict(hit) for hit in hits], "segments": refs, "tagged": tagged})
    elif result is None:
        click.echo("Nothing to tag.")
    else:
        note = f" (created concept {result.concept!r})" if result.created_concept else ""
        already = f"; {result.existing} already had it" if result.existing else ""
        click.echo(f"Tagged {result.added} segment(s) with {result.concept!r}{already}{note}.")
        click.echo(f"Marked {result.reviewed} segment(s) as reviewed by {settings().coder}.")


def _tag_hits(
    project: Project, refs: list[str], concept: str, *, create: bool, yes: bool, quiet: bool
) -> TagResult | None:
    """Code the segments with hits, once the researcher confirms (questions on stderr
    when the output is JSON); None when there is nothing to tag."""
    if not refs:
        return None
    if not yes:
        if not interactive():
            raise click.UsageError(f"Pass --yes to tag {len(refs)} segment(s) without asking.")
        click.confirm(f"Tag these {len(refs)} segment(s) with {concept!r}?", abort=True, err=quiet)
    if not create and interactive() and not project.concept_exists(concept):
        create = click.confirm(
            f"There is no concept {concept!r}. Create it?", default=False, err=quiet
        )
        if not create:
            raise click.Abort()
    return project.tag(refs, concept, create=create)


@click.command()
@click.option("--level", type=LEVEL, default="concept", show_default=True, help="What to pair.")
@click.option(
    "--within",
    type=click.Choice(["segment", "transcript"]),
    default="segment",
    show_default=True,
    help="Where two codes count as occurring together.",
)
@evidence_option
@show_others_option
@click.option(
    "--min-count",
    type=COUNT,
    default=1,
    show_default=True,
    help="Leave out rarer pairs.",
)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    help="A .csv, .xlsx, .graphml or .gexf (Gephi), .png or .svg file.",
)
@no_clobber_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cooccurrence(
    level: str,
    within: str,
    evidence: str | None,
    show_others: bool,
    min_count: int,
    output: Path | None,
    no_clobber: bool,
    as_json: bool,
) -> None:
    """Which codes occur together: for each pair, the segments (or transcripts) holding
    both, the count expected were they independent, and Jaccard's coefficient.

    -o writes the table (.csv, .xlsx), the network for Gephi (.graphml, .gexf: node
    size = frequency, edge weight = co-occurrence) or draws it (.png, .svg).
    """
    with open_project() as project:
        result = project.cooccurrence(
            level=level,
            within=within,
            evidence=evidence,
            min_count=min_count,
            show_others=show_others,
        )
        if output is not None:
            written = project.write_cooccurrence(output, result, no_clobber=no_clobber)
    if output is not None:
        say_written(output, written.replaced, f"{written.count} pair(s) of {PLURAL[level]}")
        return
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"{PLURAL[level].capitalize()} together within {within}s ({_whose(result.coder)}; "
        f"{result.units:,} {within}s)"
    )
    rows = [
        (f"{p.a} × {p.b}", 0, "", [str(p.count), f"{p.expected:.1f}", f"{p.jaccard:.3f}"])
        for p in result.pairs
    ]
    table = text_table("Pair", ["n", "exp.", "Jaccard"], rows, min(output_width(), 120), cell=8)
    click.echo(f"{table}{len(result.pairs)} pair(s).")


@click.command()
@click.option(
    "--rows",
    type=click.Choice(["case", "informant", "transcript", "wave"]),
    default="case",
    show_default=True,
    help="What each row is.",
)
@click.option(
    "--level", type=LEVEL, default="theme", show_default=True, help="What each column is."
)
@click.option(
    "--value",
    type=click.Choice(["count", "segments", "presence", "share"]),
    default="segments",
    show_default=True,
    help="Codings, coded segments, 1/0, or coded segments over the row's segments.",
)
@evidence_option
@show_others_option
@click.option(
    "-o", "--output", type=OUTPUT, help="A .csv, .xlsx (with each cell's segments) or .docx file."
)
@no_clobber_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with each cell's segments).")
def matrix(
    rows: str,
    level: str,
    value: str,
    evidence: str | None,
    show_others: bool,
    output: Path | None,
    no_clobber: bool,
    as_json: bool,
) -> None:
    """The cross-case matrix (Miles & Huberman): rows × codes, a number per cell.

    The .xlsx has a second sheet with the segments behind every cell, so each number
    can be traced to its quotes.
    """
    from gioia.analysis.matrix import format_value

    with open_project() as project:
        result = project.matrix(
            rows=rows, level=level, value=value, evidence=evidence, show_others=show_others
        )
        if output is not None:
            written = project.write_matrix(output, result, no_clobber=no_clobber)
    if output is not None:
        shape = f"{written.count} {rows}s × {len(result.codes)} {PLURAL[level]}"
        say_written(output, written.replaced, shape)
        return
    if as_json:
        echo_json(result)
        return
    prefix = level[0].upper()
    heads = [f"{prefix}{i}" for i in range(1, len(result.codes) + 1)]
    label = max([len(rows), *(len(r) for r in result.rows)]) + 2
    cell = max((len(h) for h in heads), default=2) + 2
    if value == "share":
        cell = max(cell, 7)
    click.echo(f"{rows.capitalize()} × {level}: {value} ({_whose(result.coder)})")
    click.echo(f"{rows.capitalize():<{label}}" + "".join(f"{h:>{cell}}" for h in heads))
    for row, line in zip(result.rows, result.values, strict=True):
        click.echo(f"{row:<{label}}" + "".join(f"{format_value(v, value):>{cell}}" for v in line))
    for head, code in zip(heads, result.codes, strict=True):
        click.echo(textwrap.fill(f"{head} = {code}", _width(), subsequent_indent="  "))


@click.command()
@click.option(
    "--order",
    type=click.Choice(["date", "name", "manifest"]),
    default="date",
    show_default=True,
    help="Interview order: by date, by name, or as imported (the manifest's order).",
)
@click.option(
    "--level", type=LEVEL, default="concept", show_default=True, help="What counts as new."
)
@evidence_option
@show_others_option
@click.option("-o", "--output", type=OUTPUT, help="A .csv, .png or .svg file.")
@no_clobber_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def saturation(
    order: str,
    level: str,
    evidence: str | None,
    show_others: bool,
    output: Path | None,
    no_clobber: bool,
    as_json: bool,
) -> None:
    """New codes per interview in the order they were held, the running total, and the
    last interview that added one: the table and plot a methods section cites."""
    with open_project() as project:
        result = project.saturation(
            level=level, order=order, evidence=evidence, show_others=show_others
        )
        if output is not None:
            written = project.write_saturation(output, result, no_clobber=no_clobber)
    words = PLURAL[level]
    if output is not None:
        say_written(
            output, written.replaced, f"{written.count} interview(s), {result.total} {words}"
        )
        return
    if as_json:
        echo_json(result)
        return
    name = max([len("Interview"), *(len(s.transcript) for s in result.steps)]) + 2
    click.echo(f"New {words} per interview, by {order} ({_whose(result.coder)})")
    click.echo(f"{'#':>3}  {'Interview':<{name}}{'Date':<12}{'New':>5}{'Total':>7}")
    for s in result.steps:
        date = s.date.isoformat() if s.date else ""
        click.echo(
            f"{s.number:>3}  {s.transcript:<{name}}{date:<12}{len(s.new):>5}{s.cumulative:>7}"
        )
    if result.last_new is None:
        click.echo(f"No {words} coded yet.")
        return
    after = (
        f"; the {result.after_last} after it added none."
        if result.after_last
        else ": the last interview still added one."
    )
    click.echo(
        f"Last new {level}: interview {result.last_new.number} ({result.last_new.transcript}) "
        f"of {len(result.steps)}{after}"
    )


@click.group()
def fsqca() -> None:
    """Calibrate conditions for fuzzy-set QCA."""


@fsqca.command("calibrate")
@click.argument("spec", type=FilePath(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=OUTPUT, required=True, help="The .csv to write.")
@evidence_option
@show_others_option
@no_clobber_option
def calibrate(
    spec: Path, output: Path, evidence: str | None, show_others: bool, no_clobber: bool
) -> None:
    """Calibrate the conditions SPEC.yaml names, for every case, and write the CSV that R's
    QCA package and fs/QCA read (case first, then a column per condition).

    \b
    conditions:
      READY:                                 # the CSV column (ASCII)
        theme: Organisational readiness      # or concept:, dimension:, attribute:
        measure: share                       # count, segments, presence or share
        direct: {exclusion: 0.05, crossover: 0.15, inclusion: 0.3}
        rationale: Why these anchors.
      STAYED:
        attribute: stayed_on_platform
        rubric:
          Case A: {score: 1, rationale: Renewed., quotes: [case_a_ceo_w2:12]}
          Case B: {score: 0}

    Direct calibration is Ragin's (2008), as QCA::calibrate computes it: 0.95 at full
    membership, 0.5 at the crossover, 0.05 at full non-membership. The spec as applied,
    with rationales, raw values and quotes, is written beside the CSV (.spec.yaml).
    """
    with open_project() as project:
        table, csv, record = project.write_fsqca(
            spec, output, evidence=evidence, no_clobber=no_clobber, show_others=show_others
        )
    say_written(csv.path, csv.replaced, f"{csv.count} case(s) × {record.count} condition(s)")
    say_written(record.path, record.replaced, "the calibration record")
    for case, condition in table.half_memberships():
        click.echo(
            f"warning: {case} is exactly 0.5 in {condition}: fsQCA can place it neither in nor "
            "out of the set; move the crossover or the score.",
            err=True,
        )


COMMANDS = [search, cooccurrence, matrix, saturation, fsqca]
