"""Agreement commands: agreement (and agreement matrix), disagreements, reconcile."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

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
    output_width,
    say_written,
    show_others_option,
    split_names,
    text_table,
)
from gioia.errors import GioiaError

if TYPE_CHECKING:
    from gioia.project import Project
    from gioia.views_agreement import (
        AgreementReport,
        CoderCodes,
        Decision,
        MatrixAgreement,
        Pending,
        ReconcileState,
    )


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
@show_others_option
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
    show_others: bool,
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
            show_others=show_others,
        )
        if output is not None:
            written = project.write_agreement(
                output, report, no_clobber=no_clobber, show_others=show_others
            )
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

    width = output_width()
    for block in agreement_document(report).blocks:
        if isinstance(block, str):
            click.echo(block)
            continue
        click.echo(block.title)
        shown = [i for i, c in enumerate(block.columns) if not c.files_only]
        heads = [_short(block.columns[i].title) for i in shown[1:]]
        rows = [(row[0], 0, "", [row[i] for i in shown[1:]]) for row in block.rows]
        widest = max((len(cell) + 1 for _, _, _, cells in rows for cell in cells), default=0)
        click.echo(text_table(block.columns[0].title, heads, rows, width, max(6, widest)), nl=False)


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
@show_others_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def disagreements(
    level: str,
    concept: str | None,
    coders: str | None,
    transcript: str | None,
    show_others: bool,
    as_json: bool,
) -> None:
    """List every segment where the coders differ, grouped by code, with each coder's
    codes and quotes (marked «like this»)."""
    with open_project() as project:
        found = project.disagreements(
            level=level,
            coders=split_names(coders),
            concept=concept,
            transcript=transcript,
            show_others=show_others,
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
            out.print(_hanging(f"{coder.coder}: {codes}", out.width), markup=False)
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


def _hanging(line: str, width: int) -> str:
    """A coder's concepts under a disagreement: wrapped under their first line, so a
    wrapped name never reads as the next concept's heading."""
    import textwrap

    return textwrap.fill(
        line, max(width - 1, 20), initial_indent="    ", subsequent_indent="      "
    )


def _indented(text: str, width: int) -> str:
    import textwrap

    return "\n".join(
        textwrap.fill(p, max(width - 1, 20), initial_indent="    ", subsequent_indent="    ")
        for p in text.split("\n")
    )


PROMPT = "a / b / both / neither / = CONCEPT; … [# note] (? for help) > "
DONE_PROMPT = "All decided: Enter to finish, u to take the last decision back > "
RECONCILE_HELP = """\
Decide what the consensus coder keeps on this segment:
  a            the concepts of the first coder (a) on it
  b            the concepts of the second coder (b)
  both         the concepts of both
  neither      only the concepts they agree on
  = NAME; NAME other concepts instead (a coder's quote of one is kept, else the
               whole segment); Tab completes names
  … # NOTE     add a note to the decision (kept in the audit trail)
  u            undo the last decision (again: the one before)
  x, Ctrl-D    stop here (run the same command to resume)
  ?            this help"""
_CHOICES = ("a", "b", "both", "neither")


@click.command()
@click.option("--into", required=True, metavar="NAME", help="The consensus coder to build.")
@click.option("--coders", metavar="A,B", help="The two coders to reconcile.")
@click.option(
    "--auto",
    type=click.Choice(["union", "intersection"]),
    help="Settle every disagreement at once.",
)
@click.option(
    "--copy-one-reader",
    is_flag=True,
    help="Copy as they are the codings on segments only one of the two coders read "
    "(not agreed: reported apart). Without it they are left to decide.",
)
@show_others_option
def reconcile(
    into: str, coders: str | None, auto: str | None, copy_one_reader: bool, show_others: bool
) -> None:
    """Build a consensus coder: codings both coders made on segments both read are
    copied as agreed, then each disagreement is decided (a, b, both, neither, or
    = CONCEPT; CONCEPT), with an optional # note; u undoes a decision, ? shows the keys.

    A segment only one coder read is not agreed: its codings are decided like a
    disagreement (or copied as they are with --copy-one-reader).

    Resumes where it stopped. Reads decisions line by line when not at a terminal.
    """
    with open_project() as project:
        if auto:
            state = project.reconcile_auto(
                into,
                auto,
                coders=split_names(coders),
                copy_one_reader=copy_one_reader,
                show_others=show_others,
            )
            click.echo(
                f"{state.into}: {state.copied} agreed coding(s) copied, "
                f"{state.decided} disagreement(s) settled ({auto})."
            )
            _say_one_reader(state, auto=True)
            _say_private(state)
            _say_settled(state.into, state.settled + state.decided)
            return
        state = project.reconcile(
            into,
            coders=split_names(coders),
            copy_one_reader=copy_one_reader,
            show_others=show_others,
        )
        pair = [*state.coders]
        click.echo(
            f"{state.into}: {state.copied} agreed coding(s) copied; "
            f"{state.disagreements} disagreement(s) to decide."
        )
        _say_one_reader(state, auto=False)
        _say_private(state)
        _say_settled(state.into, state.settled)
        ask = _asker(project, show_others) if interactive() else _lines(iter(sys.stdin))
        decided: list[tuple[int, int]] = []  # (index in pending, event) to undo
        number, shown = 0, -1
        while number < len(state.pending) or decided:
            done = number == len(state.pending)  # still time to take the last one back
            if not done and shown != number:
                _show_pending(state.pending[number], number + 1, len(state.pending))
                shown = number
            line = ask(DONE_PROMPT if done else PROMPT)
            text = (line or "").strip()
            if done and text in ("", "x"):
                break
            if line is None or text == "x":
                click.echo("Stopped; run the same command to resume.")
                return
            if text == "?":
                click.echo(RECONCILE_HELP)
            elif text == "u":
                if not decided:
                    click.echo("Nothing to undo in this run.")
                    continue
                number, event = decided.pop()
                for undone in project.undo_decision(into, event, show_others=show_others):
                    click.echo(f"Undid: {undone}")
                shown = -1
            elif done:
                click.echo("Every disagreement is decided: u takes the last decision back.")
            elif decision := _decide(project, into, state.pending[number], text, pair, show_others):
                click.echo(f"{decision.summary}; marked as reviewed by {into}.")
                decided.append((number, decision.event))
                number += 1
    click.echo(f"All disagreements of {pair[0]} and {pair[1]} are decided in {into}.")


def _decide(
    project: Project, into: str, item: Pending, text: str, pair: list[str], show_others: bool
) -> Decision | None:
    """Carry out one decision line, or say why it is not one (and return None)."""
    parsed = _parse_decision(text)
    if parsed is None:
        click.echo("Type a, b, both, neither or = CONCEPT; CONCEPT (? for help).")
        return None
    choice, concepts, note = parsed
    try:
        return project.resolve(
            into,
            item.ref,
            choice,
            coders=pair,
            concepts=concepts,
            note=note,
            show_others=show_others,
        )
    except GioiaError as exc:  # a concept that does not exist: say so, ask again
        click.echo(f"Error: {exc.message}")
        return None


def _say_one_reader(state: ReconcileState, *, auto: bool) -> None:
    """Say what became of the codings on segments only one coder read (never "agreed")."""
    for one in state.one_reader:
        where = f"{one.codings} coding(s) on {one.segments} segment(s) only {one.coder} read"
        if one.copied:
            click.echo(f"{where}: copied as they are (--copy-one-reader), not as agreed.")
        elif auto:
            click.echo(
                f"{where}: not agreed, so left to decide: run `gioia reconcile --into "
                f"{state.into}`, or pass --copy-one-reader to copy them as they are."
            )
        else:
            click.echo(
                f"{where}: not agreed, so not copied; decide them below "
                "(--copy-one-reader copies them as they are)."
            )


def _say_private(state: ReconcileState) -> None:
    """Say which codings the consensus leaves out: those on concepts still private."""
    if state.private is not None:
        click.echo(state.private.sentence())


def _say_settled(into: str, settled: int) -> None:
    if settled:
        click.echo(f"Marked {settled} segment(s) as reviewed by {into}.")


def _show_pending(item: Pending, number: int, total: int) -> None:
    only = f" (only {item.only} read it)" if item.only else ""
    click.echo(f"\n[{number}/{total}] {item.ref}{only}")
    click.echo(_indented(_marked(item.text, (item.first, item.second)), 80))
    if item.agreed:
        click.echo(f"  agreed: {'; '.join(item.agreed)}")
    for key, coder in (("a", item.first), ("b", item.second)):
        codes = "; ".join(coder.codes) or ("(nothing)" if coder.read else "(not read)")
        click.echo(f"  {key}) {coder.coder}: {codes}")


def _lines(lines: Iterator[str]) -> Callable[[str], str | None]:
    """Decisions read from a pipe, echoed after the prompt as a person would see them."""

    def ask(prompt: str) -> str | None:
        click.echo(prompt, nl=False)
        line = next(lines, None)
        click.echo(line.rstrip("\n") if line is not None else "")
        return line

    return ask


def _asker(project: Project, show_others: bool) -> Callable[[str], str | None]:
    """Decisions typed at a terminal, with concept names completed after =."""
    from prompt_toolkit import PromptSession

    from gioia.cli.completion import ConceptCompleter, submit_with_completion

    completer = ConceptCompleter(decision_fragment)
    completer.choices = project.concept_choices(show_others=show_others)
    prompt: PromptSession[str] = PromptSession(
        completer=completer, complete_while_typing=True, key_bindings=submit_with_completion()
    )

    def ask(text: str) -> str | None:
        try:
            return prompt.prompt(text)
        except (EOFError, KeyboardInterrupt):
            return None

    return ask


def decision_fragment(text: str) -> str | None:
    """The concept name being typed in a decision (after = and the last ;, before a #
    note), or None when no name is being typed."""
    if not text.lstrip().startswith("=") or "#" in text:
        return None
    return text.lstrip()[1:].rsplit(";", 1)[-1].lstrip()


def _parse_decision(line: str) -> tuple[str, list[str], str | None] | None:
    """(choice, concepts, note) of a decision line, or None if it is not one."""
    text, _, note = line.strip().partition("#")
    text = text.strip()
    if text.startswith("="):
        concepts = [c.strip() for c in text[1:].split(";") if c.strip()]
        return ("other", concepts, note.strip() or None) if concepts else None
    if text.lower() not in _CHOICES:
        return None
    return text.lower(), [], note.strip() or None


COMMANDS = [agreement, disagreements, reconcile]
