"""Agreement commands: agreement (and agreement matrix), disagreements, reconcile."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gioia.cli.common import (
    RESAMPLES,
    SEED,
    FilePath,
    console,
    echo_json,
    interactive,
    no_clobber_option,
    open_project,
    say_written,
    split_names,
    text_table,
)
from gioia.errors import GioiaError

if TYPE_CHECKING:
    from gioia.views import AgreementReport, CoderCodes, MatrixAgreement, Pending


@click.group(invoke_without_command=True)
@click.option(
    "--level",
    type=click.Choice(["concept", "theme", "dimension"]),
    default="concept",
    show_default=True,
    help="Compare concepts, or the themes or dimensions they imply.",
)
@click.option(
    "--unit",
    type=click.Choice(["segment", "transcript", "character"]),
    default="segment",
    show_default=True,
    help="What a coder agrees on.",
)
@click.option("--coders", metavar="A,B,…", help="Coders to compare [default: all who reviewed].")
@click.option("--transcript", "-t", help="Only this transcript.")
@click.option("--case", help="Only this case.")
@click.option("--wave", help="Only this wave.")
@click.option("--concept", "-c", help="Only this code.")
@click.option(
    "--exclusive",
    is_flag=True,
    help="Also treat each theme's concepts (dimension's themes) as one variable.",
)
@click.option(
    "--by", type=click.Choice(["transcript", "coder-pair"]), help="Break the overall down."
)
@click.option(
    "--bootstrap",
    type=RESAMPLES,
    metavar="N",
    help="Bootstrap α with N resamples of the segments (transcripts for --unit transcript): "
    "95% interval, P(α < .800) and P(α < .667).",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every number).")
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print every number as CSV (a row per code, group, …)."
)
@click.option(
    "-o",
    "--output",
    type=FilePath(dir_okay=False, path_type=Path),
    help="Write the whole report (every column, the bootstrap, groups and breakdown) to a "
    ".docx or .md file.",
)
@no_clobber_option
@click.pass_context
def agreement(
    ctx: click.Context,
    level: str,
    unit: str,
    coders: str | None,
    transcript: str | None,
    case: str | None,
    wave: str | None,
    concept: str | None,
    exclusive: bool,
    by: str | None,
    bootstrap: int | None,
    seed: int,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
    no_clobber: bool,
) -> None:
    """Inter-coder agreement per code and overall, with every coefficient.

    A coder who has not read (reviewed or coded) a unit is missing there; one who read it
    and applied nothing coded "absent". Units read by one coder count in chance agreement
    only (Gwet 2014); see docs/agreement.md for every definition.
    """
    if ctx.invoked_subcommand is not None:
        return
    if sum((as_json, as_csv, output is not None)) > 1:
        raise click.UsageError("Choose one output: --json, --csv or -o FILE.")
    with open_project() as project:
        report = project.agreement(
            level=level,
            unit=unit,
            coders=split_names(coders),
            transcript=transcript,
            case=case,
            wave=wave,
            exclusive=exclusive,
            by=by,
            concept=concept,
            bootstrap=bootstrap,
            seed=seed,
        )
        if output is not None:
            written = project.write_agreement(output, report, no_clobber=no_clobber)
    if output is not None:
        say_written(output, written.replaced, f"the agreement report, {written.count} code(s)")
    elif as_json:
        echo_json(report)
    elif as_csv:
        _csv(report)
    else:
        _table(report)


def _csv(report: AgreementReport) -> None:
    from gioia.agreement_document import agreement_records
    from gioia.spreadsheet import write_csv

    header, records = agreement_records(report)
    write_csv(sys.stdout, header, records)


def _table(report: AgreementReport) -> None:
    """The report's document on the terminal: its paragraphs, and its tables without the
    columns of long text that only files carry."""
    from gioia.agreement_document import agreement_document

    out = console()
    for block in agreement_document(report).blocks:
        if isinstance(block, str):
            out.print(block, markup=False, soft_wrap=True)
            continue
        out.print(block.title, markup=False, soft_wrap=True)
        shown = [i for i, c in enumerate(block.columns) if not c.files_only]
        heads = [_short(block.columns[i].title) for i in shown[1:]]
        rows = [(row[0], 0, "", [row[i] for i in shown[1:]]) for row in block.rows]
        widest = max((len(cell) + 1 for _, _, _, cells in rows for cell in cells), default=0)
        table = text_table(block.columns[0].title, heads, rows, out.width, max(6, widest))
        out.print(table, end="")


def _short(title: str) -> str:
    """A column title narrow enough for the terminal (a coder's name is cut)."""
    return title if len(title) <= 7 else title[:6]


@agreement.command("matrix")
@click.argument("file", type=FilePath(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--level-of-measurement",
    "level",
    type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
    default="nominal",
    show_default=True,
    help="How the values are measured.",
)
@click.option(
    "--units-in",
    type=click.Choice(["columns", "rows"]),
    default="columns",
    show_default=True,
    help="columns: a row per coder, a column per unit (Krippendorff's layout); rows: a row "
    "per unit, a column per coder (the KALPHA macro's).",
)
@click.option(
    "--categories",
    metavar="LIST|COUNT",
    help="The possible values, comma-separated (labels in their order), or how many there "
    "are [default: the values seen]. AC1 and Brennan–Prediger depend on their number.",
)
@click.option("--bootstrap", type=RESAMPLES, metavar="N", help="Bootstrap α.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def matrix(
    file: Path,
    level: str,
    units_in: str,
    categories: str | None,
    bootstrap: int | None,
    seed: int,
    as_json: bool,
) -> None:
    """Every coefficient for reliability data you bring (CSV or Excel; a blank cell is a
    missing value), under the same missing-data convention as `gioia agreement`."""
    from gioia.importers.matrix import parse_categories
    from gioia.project import Project

    result = Project.matrix_agreement(
        file,
        level=level,
        units_in=units_in,
        categories=parse_categories(categories),
        bootstrap=bootstrap,
        seed=seed,
    )
    if as_json:
        echo_json(result)
        return
    _matrix_lines(result, file)


def _matrix_lines(result: MatrixAgreement, file: Path) -> None:
    from gioia.agreement_document import MISSING, number

    names = {
        "percent": "Percent agreement",
        "cohen_kappa": "Cohen's κ",
        "cohen_kappa_se": "  its SE",
        "scott_pi": "Scott's π",
        "fleiss_kappa": "Fleiss' κ",
        "brennan_prediger": "Brennan–Prediger",
        "gwet_ac1": "Gwet's AC1",
        "krippendorff_alpha": f"Krippendorff's α ({result.level})",
    }
    source = {
        "given": "given",
        "count given": "their number given, the values seen",
        "values seen": "the values seen; give --categories for the whole scale",
    }[result.categories_from]
    click.echo(
        f"Read {file.name} as {result.layout}: {len(result.coders)} coders, {result.units} "
        f"units ({result.pairable} pairable, {result.single} with one value, {result.empty} "
        "with none)."
    )
    click.echo(f"Categories: {', '.join(result.categories)}; q = {result.q} ({source}).")
    click.echo(MISSING[result.convention])
    for key, label in names.items():
        if key in result.coefficients:
            value = result.coefficients[key]
            shown = number(value) if value.value is not None else f"undefined: {value.reason}"
            click.echo(f"{label:<28} {shown}")
    boot = result.bootstrap
    if boot is not None:
        click.echo(
            f"Bootstrap of α: {result.resamples:,} resamples of the units (seed {result.seed})"
        )
        if boot.low is None or boot.high is None:
            click.echo(f"{'α 95% interval':<28} none: {boot.reason}")
            return
        click.echo(f"{'α 95% interval':<28} [{boot.low:.3f}, {boot.high:.3f}]")
        for minimum, p in boot.below.items():
            click.echo(f"{'P(α < ' + minimum[1:] + ')':<28} {p:.3f}")


@click.command()
@click.option(
    "--level",
    type=click.Choice(["concept", "theme", "dimension"]),
    default="concept",
    show_default=True,
)
@click.option("--concept", "-c", help="Only this code.")
@click.option("--coders", metavar="A,B,…", help="Coders to compare [default: all who reviewed].")
@click.option("--transcript", "-t", help="Only this transcript.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def disagreements(
    level: str, concept: str | None, coders: str | None, transcript: str | None, as_json: bool
) -> None:
    """List every segment where the coders differ, grouped by code, with each coder's
    codes and quotes (marked «like this»)."""
    with open_project() as project:
        found = project.disagreements(
            level=level, coders=split_names(coders), concept=concept, transcript=transcript
        )
    if as_json:
        echo_json(found)
        return
    out = console()
    current = None
    for item in found:
        if item.code != current:
            out.print(f"\n{item.code}", style="bold", markup=False)
            current = item.code
        out.print(
            f"  {item.unit}: applied by {', '.join(item.applied_by)}; not by "
            f"{', '.join(item.not_by)}",
            markup=False,
        )
        out.print(_indented(_marked(item.text, item.coders), out.width), markup=False)
        for coder in item.coders:
            codes = "; ".join(coder.codes) or ("(nothing)" if coder.read else "(not read)")
            out.print(f"    {coder.coder}: {codes}", markup=False)
    out.print(f"\n{len(found)} disagreement(s).", markup=False)


def _marked(text: str, coders: tuple[CoderCodes, ...]) -> str:
    """The text with every coder's quote spans marked «…»."""
    spans = sorted({s for c in coders for spans in c.spans.values() for s in spans})
    out, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        out += [text[position:start], "«", text[start:end], "»"]
        position = end
    return "".join([*out, text[position:]])


def _indented(text: str, width: int) -> str:
    import textwrap

    return "\n".join(
        textwrap.fill(p, max(width - 1, 20), initial_indent="    ", subsequent_indent="    ")
        for p in text.split("\n")
    )


@click.command()
@click.option("--into", required=True, metavar="NAME", help="The consensus coder to build.")
@click.option("--coders", metavar="A,B", help="The two coders to reconcile.")
@click.option(
    "--auto",
    type=click.Choice(["union", "intersection"]),
    help="Settle every disagreement at once.",
)
def reconcile(into: str, coders: str | None, auto: str | None) -> None:
    """Build a consensus coder: agreed codings are copied, then each disagreement is
    decided (a, b, both, neither, or = OTHER; NAMES), with an optional # note.

    Resumes where it stopped. Reads decisions line by line when not at a terminal.
    """
    with open_project() as project:
        if auto:
            state = project.reconcile_auto(into, auto, coders=split_names(coders))
            click.echo(
                f"{state.into}: {state.copied} agreed coding(s) copied, "
                f"{state.decided} disagreement(s) settled ({auto})."
            )
            return
        state = project.reconcile(into, coders=split_names(coders))
        a, b = state.coders
        click.echo(
            f"{state.into}: {state.copied} agreed coding(s) copied; "
            f"{len(state.pending)} disagreement(s) to decide."
        )
        lines = None if interactive() else iter(sys.stdin)
        for number, item in enumerate(state.pending, start=1):
            _show_pending(item, number, len(state.pending))
            while True:
                line = _ask(lines)
                if line is None or line.strip() == "x":
                    click.echo("Stopped; run the same command to resume.")
                    return
                choice, concepts, note = _parse_decision(line)
                try:
                    click.echo(
                        project.resolve(
                            into, item.ref, choice, coders=[a, b], concepts=concepts, note=note
                        )
                    )
                    break
                except GioiaError as exc:  # a bad choice: say so and ask again
                    click.echo(f"Error: {exc.message}")
    click.echo(f"All disagreements of {a} and {b} are decided in {into}.")


def _show_pending(item: Pending, number: int, total: int) -> None:
    click.echo(f"\n[{number}/{total}] {item.ref}")
    click.echo(_indented(_marked(item.text, (item.first, item.second)), 80))
    if item.agreed:
        click.echo(f"  agreed: {'; '.join(item.agreed)}")
    for key, coder in (("a", item.first), ("b", item.second)):
        click.echo(f"  {key}) {coder.coder}: {'; '.join(coder.codes) or '(nothing)'}")


def _ask(lines: Any) -> str | None:
    prompt = "a / b / both / neither / = CONCEPT; … [# note] > "
    if lines is None:
        try:
            return str(click.prompt(prompt, default="", show_default=False, prompt_suffix=""))
        except click.Abort:
            return None
    click.echo(prompt, nl=False)
    line = next(lines, None)
    click.echo(line.rstrip("\n") if line is not None else "")
    return line


def _parse_decision(line: str) -> tuple[str, list[str], str | None]:
    text, _, note = line.strip().partition("#")
    text = text.strip()
    if text.startswith("="):
        return "other", [c.strip() for c in text[1:].split(";") if c.strip()], note.strip() or None
    return text.lower(), [], note.strip() or None


COMMANDS = [agreement, disagreements, reconcile]
