"""Agreement commands: agreement (and agreement matrix), disagreements, reconcile."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gioia.cli.common import (
    console,
    echo_json,
    interactive,
    open_project,
    show_others_option,
    text_table,
)
from gioia.errors import GioiaError

if TYPE_CHECKING:
    from gioia.agreement import Coefficient
    from gioia.project import Project
    from gioia.views import AgreementReport, CoderCodes, Decision, MatrixAgreement, Pending


def _coders(value: str | None) -> list[str] | None:
    return [c.strip() for c in value.split(",") if c.strip()] if value else None


def _n(value: Coefficient) -> str:
    return "—" if value.value is None else f"{value.value:.3f}"


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
    type=click.IntRange(min=100),
    metavar="N",
    help="Bootstrap α with N resamples: 95% interval, P(α < .800) and P(α < .667).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every number).")
@click.option("--csv", "as_csv", is_flag=True, help="Print a CSV row per code.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to a .docx or .md file.",
)
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
    show_others: bool,
) -> None:
    """Inter-coder agreement per code and overall, with every coefficient.

    A coder who has not reviewed a segment is missing there; one who reviewed it and
    applied nothing coded "absent".
    """
    if ctx.invoked_subcommand is not None:
        return
    if sum((as_json, as_csv, output is not None)) > 1:
        raise click.UsageError("Choose one output: --json, --csv or -o FILE.")
    with open_project() as project:
        report = project.agreement(
            level=level,
            unit=unit,
            coders=_coders(coders),
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
            project.write_agreement(output, report)
    if output is not None:
        click.echo(f"Wrote the agreement report to {output}.")
    elif as_json:
        echo_json(report)
    elif as_csv:
        _csv(report)
    else:
        _table(report)


COLUMNS = (
    "percent",
    "cohen_kappa",
    "cohen_kappa_se",
    "scott_pi",
    "fleiss_kappa",
    "brennan_prediger",
    "gwet_ac1",
    "krippendorff_alpha",
)


def _csv(report: AgreementReport) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    only = [f"only_{c}" for c in report.coders]
    writer.writerow(["code", "units", "both", *only, "neither", *COLUMNS, "note"])
    for code in report.codes:
        values = [code.coefficients[k].value for k in COLUMNS]
        writer.writerow(
            [
                code.code,
                code.units,
                code.both,
                *(code.only[c] for c in report.coders),
                code.neither,
                *("" if v is None else f"{v:.6f}" for v in values),
                code.note or "",
            ]
        )


def _reading(value: Coefficient, interpret: Any) -> str:
    """A coefficient's interpretation, or why it is undefined."""
    return str(interpret(value)) if value.value is not None else f"undefined ({value.reason})"


def _table(report: AgreementReport) -> None:
    from gioia.agreement import interpret_alpha, interpret_kappa

    two = len(report.coders) == 2
    kappa = "cohen_kappa" if two else "fleiss_kappa"
    out = console()
    out.print(
        f"{report.level.capitalize()}s, {report.unit} units: {', '.join(report.coders)}; "
        f"{report.units_pairable} compared, {report.units_dropped} read by fewer than two.",
        markup=False,
        soft_wrap=True,
    )
    short = [c[:6] for c in report.coders]
    heads = ["n", "both", *short, "none"] if two else ["n", "all", "none"]
    heads += ["%", "κ" if two else "Fleiss", "α", "AC1"]
    rows = []
    for code in report.codes:
        c = code.coefficients
        counts = (
            [code.units, code.both, *(code.only[n] for n in report.coders), code.neither]
            if two
            else [code.units, code.both, code.neither]
        )
        values = [_n(c[k]) for k in ("percent", kappa, "krippendorff_alpha", "gwet_ac1")]
        rows.append((code.code, 0, "", [*map(str, counts), *values]))
    out.print(text_table(report.level.capitalize(), heads, rows, out.width), end="")
    o = report.overall
    out.print(
        f"Overall: agreement {_n(o['percent'])}, pooled κ {_n(o['pooled_kappa'])} "
        f"({interpret_kappa(o['pooled_kappa'])}), mean κ {_n(o['mean_kappa'])}, "
        f"mean α {_n(o['mean_alpha'])} ({interpret_alpha(o['mean_alpha'])}).",
        markup=False,
        soft_wrap=True,
    )
    for code in report.codes:
        c = code.coefficients
        reading = f"κ {_reading(c[kappa], interpret_kappa)}, "
        reading += f"α {_reading(c['krippendorff_alpha'], interpret_alpha)}"
        if code.note:
            reading += f"; {code.note}"
        if code.alpha_interval:
            low, high = code.alpha_interval
            below = ", ".join(
                f"P(α<{k[1:] if k.startswith('0') else k})={p:.3f}"
                for k, p in (code.alpha_below or {}).items()
            )
            reading += f"; α 95% CI [{low:.3f}, {high:.3f}], {below}"
        out.print(f"  {code.code}: {reading}", markup=False, soft_wrap=False)
    for group in report.groups:
        g = group.coefficients
        out.print(
            f"{group.group} as one variable ({group.units} units, {group.violations} left out): "
            f"Fleiss' κ {_n(g['fleiss_kappa'])}, AC1 {_n(g['gwet_ac1'])}, "
            f"κn {_n(g['brennan_prediger'])}, α {_n(g['krippendorff_alpha'])}",
            markup=False,
        )
    for violation in report.violations:
        out.print(
            f"  {violation.unit}: {violation.coder} applied {len(violation.codes)} "
            f"categories of {violation.group}",
            markup=False,
        )
    for row in report.breakdown:
        b = row.overall
        out.print(
            f"{row.label}: {row.units} units, agreement {_n(b['percent'])}, "
            f"pooled κ {_n(b['pooled_kappa'])}, mean α {_n(b['mean_alpha'])}",
            markup=False,
        )


@agreement.command("matrix")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--level-of-measurement",
    "level",
    type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
    default="nominal",
    show_default=True,
    help="How the values are measured.",
)
@click.option("--units-in-rows", is_flag=True, help="A row per unit and a column per coder.")
@click.option("--bootstrap", type=click.IntRange(min=100), metavar="N", help="Bootstrap α.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def matrix(
    file: Path, level: str, units_in_rows: bool, bootstrap: int | None, seed: int, as_json: bool
) -> None:
    """Every coefficient for a table you bring: a row per coder, a column per unit
    (blank = missing), as the KALPHA macro reads it."""
    from gioia.project import Project

    result = Project.matrix_agreement(
        file, level=level, units_in_rows=units_in_rows, bootstrap=bootstrap, seed=seed
    )
    if as_json:
        echo_json(result)
        return
    _matrix_lines(result)


def _matrix_lines(result: MatrixAgreement) -> None:
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
    click.echo(f"{len(result.coders)} coders, {result.units} units, {result.pairable} pairable.")
    for key, label in names.items():
        if key in result.coefficients:
            value = result.coefficients[key]
            shown = _n(value) if value.value is not None else f"undefined: {value.reason}"
            click.echo(f"{label:<28} {shown}")
    if result.alpha_interval:
        low, high = result.alpha_interval
        click.echo(f"{'α 95% bootstrap interval':<28} [{low:.3f}, {high:.3f}]")
        for minimum, p in (result.alpha_below or {}).items():
            click.echo(f"{'P(α < ' + minimum + ')':<28} {p:.3f}")


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
            coders=_coders(coders),
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
@show_others_option
def reconcile(into: str, coders: str | None, auto: str | None, show_others: bool) -> None:
    """Build a consensus coder: agreed codings are copied, then each disagreement is
    decided (a, b, both, neither, or = CONCEPT; CONCEPT), with an optional # note;
    u undoes a decision, ? shows the keys.

    Resumes where it stopped. Reads decisions line by line when not at a terminal.
    """
    with open_project() as project:
        if auto:
            state = project.reconcile_auto(
                into, auto, coders=_coders(coders), show_others=show_others
            )
            click.echo(
                f"{state.into}: {state.copied} agreed coding(s) copied, "
                f"{state.decided} disagreement(s) settled ({auto})."
            )
            _say_settled(state.into, state.settled + state.decided)
            return
        state = project.reconcile(into, coders=_coders(coders), show_others=show_others)
        pair = [*state.coders]
        click.echo(
            f"{state.into}: {state.copied} agreed coding(s) copied; "
            f"{len(state.pending)} disagreement(s) to decide."
        )
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


def _say_settled(into: str, settled: int) -> None:
    if settled:
        click.echo(f"Marked {settled} segment(s) as reviewed by {into}.")


def _show_pending(item: Pending, number: int, total: int) -> None:
    click.echo(f"\n[{number}/{total}] {item.ref}")
    click.echo(_indented(_marked(item.text, (item.first, item.second)), 80))
    if item.agreed:
        click.echo(f"  agreed: {'; '.join(item.agreed)}")
    for key, coder in (("a", item.first), ("b", item.second)):
        click.echo(f"  {key}) {coder.coder}: {'; '.join(coder.codes) or '(nothing)'}")


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
