"""The agreement commands: agreement, agreement matrix, disagreements, reconcile."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from gioia import Project
from gioia.cli import cli

from .conftest import SAMPLE, run
from .reference import GWET_MISSING, example


@pytest.fixture
def study(store: str, runner: CliRunner) -> str:
    """The sample study: the structure, and both coders' codings of its concepts, both
    having read every informant turn."""
    assert run(runner, store, "import", "--manifest", str(SAMPLE / "manifest.csv")).exit_code == 0
    names = [t["name"] for t in json.loads(run(runner, store, "transcripts", "--json").output)]
    run(runner, store, "structure", "import", str(SAMPLE / "structure.csv"))
    for coder in ("Maria", "Tom"):
        run(runner, store, "codings", "import", str(SAMPLE / f"codings_{coder.lower()}.csv"))
        for name in names:
            run(runner, store, "review", "-t", name, coder=coder)
    return store


def test_agreement_table_json_csv_and_files(study: str, runner: CliRunner, tmp_path: Path) -> None:
    out = run(runner, study, "agreement")
    lines = out.output.splitlines()
    assert lines[:3] == [
        "Concepts, segment units: Maria, Tom; 98 compared, 0 read by one coder only, 0 read by "
        "none.",
        "Missing values: Gwet's (2014) forms. A unit read by one coder only counts in chance "
        "agreement only; Krippendorff's α leaves it out (Krippendorff 2011).",
        "Agreement per concept",
    ]
    assert lines[3].split() == [
        "Concept",
        "n",
        "both",
        "Maria",
        "Tom",
        "none",
        "%",
        "κ",
        "α",
        "AC1",
    ]
    overall = next(line for line in lines if line.startswith("Overall:"))
    assert overall == (
        "Overall: agreement 0.992, pooled κ 0.906 (almost perfect), mean κ 0.906, mean α "
        "0.907 (reliable)."
    )
    data = json.loads(run(runner, study, "agreement", "--json").output)
    assert (data["convention"], data["units_compared"], data["units_read_by_one"]) == (
        "gwet-2014",
        98,
        0,
    )
    assert (data["units_read_by_none"], data["missing"]) == (0, {"Maria": 0, "Tom": 0})
    assert data["overall"]["pooled_kappa"]["value"] == pytest.approx(0.906, abs=5e-4)
    assert len(data["codes"]) == 20
    rows = list(csv.reader(io.StringIO(run(runner, study, "agreement", "--csv").output)))
    assert rows[0][:9] == [
        "kind",
        "name",
        "level",
        "unit",
        "convention",
        "units",
        "read_by_one",
        "read_by_none",
        "both",
    ]
    assert [r[0] for r in rows[1:]] == ["report", *["code"] * 20, "overall"]
    out = run(runner, study, "agreement", "--level", "theme", "-o", str(tmp_path / "a.md"))
    assert out.output == f"Wrote {tmp_path / 'a.md'} (the agreement report, 6 code(s)).\n"
    assert (
        (tmp_path / "a.md")
        .read_text()
        .startswith("**Inter-coder agreement: themes, segment units, coders Maria and Tom**")
    )


_YEAR = re.compile(r"\b(19|20)\d\d\b")
_NUMBER = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w%]|\.\d)")


def _numbers(text: str) -> set[str]:
    """The numbers a text shows (years of references left out)."""
    return set(_NUMBER.findall(_YEAR.sub("", text)))


def _json_numbers(value: Any) -> set[str]:
    """Every number of a JSON document as the screen would show it."""
    if isinstance(value, dict):
        return set().union(set(), *(_json_numbers(v) for v in value.values()))
    if isinstance(value, list):  # its length too: a count of categories, say
        return {str(len(value))}.union(*(_json_numbers(v) for v in value))
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, int):
        return {str(value), f"{value:,}"}
    if isinstance(value, float):
        return {f"{value:.3f}", f"{value:,.0f}" if value.is_integer() else f"{value:.3f}"}
    return _numbers(str(value))


def _csv_numbers(text: str) -> set[str]:
    found: set[str] = set()
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if re.fullmatch(r"-?\d+", cell):
                found |= {cell, f"{int(cell):,}"}
            elif re.fullmatch(r"-?\d+\.\d+", cell):
                found.add(f"{float(cell):.3f}")
            else:
                found |= _numbers(cell)
    return found


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize(
    "options",
    [
        ("--level", "theme", "--bootstrap", "200", "--exclusive", "--by", "coder-pair"),
        (
            "--unit",
            "character",
            "--bootstrap",
            "100",
            "--exclusive",
            "-c",
            "A video call is not the same as shaking hands",
        ),
    ],
)
def test_files_carry_every_number_the_screen_shows(
    study: str, runner: CliRunner, tmp_path: Path, options: tuple[str, ...]
) -> None:
    screen = run(runner, study, "agreement", *options).output
    shown = _numbers(screen)
    resamples = options[options.index("--bootstrap") + 1]
    assert {"0.879", "0.958", resamples} <= shown or {"0.546", resamples} <= shown
    run(runner, study, "agreement", *options, "-o", str(tmp_path / "a.md"))
    run(runner, study, "agreement", *options, "-o", str(tmp_path / "a.docx"))
    markdown = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert shown <= _numbers(markdown.replace("\\", ""))
    assert shown <= _numbers(_docx_text(tmp_path / "a.docx"))
    data = json.loads(run(runner, study, "agreement", *options, "--json").output)
    assert shown <= _json_numbers(data)
    assert shown <= _csv_numbers(run(runner, study, "agreement", *options, "--csv").output)
    # Every line of the screen that is not a table row is in the files word for word.
    prose = [line for line in screen.splitlines() if line.endswith(".") and ": " in line]
    assert len(prose) >= 3
    for line in prose:
        assert line in _docx_text(tmp_path / "a.docx")


def test_the_counts_name_units_read_by_one_and_by_none(
    store: str, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "t.txt"
    path.write_text("".join(f"Anna: Answer {n}.\n\n" for n in range(1, 6)), encoding="utf-8")
    run(runner, store, "import", str(path))
    run(runner, store, "coders", "phase", "codebook")  # one concept list
    run(runner, store, "tag", "t:1", "t:2", "-c", "Trust", "--new", coder="Ann")
    run(runner, store, "review", "t:3", coder="Ann")
    run(runner, store, "tag", "t:1", "-c", "Trust", "--new", coder="Ben")
    run(runner, store, "review", "t:2", coder="Ben")
    first = (
        "Concepts, segment units: Ann, Ben; 2 compared, 1 read by one coder only, 2 read by none."
    )
    assert run(runner, store, "agreement").output.splitlines()[0] == first
    run(runner, store, "agreement", "-o", str(tmp_path / "a.md"))
    assert first in (tmp_path / "a.md").read_text(encoding="utf-8")
    records = list(csv.DictReader(io.StringIO(run(runner, store, "agreement", "--csv").output)))
    assert (records[0]["units"], records[0]["read_by_one"], records[0]["read_by_none"]) == (
        "2",
        "1",
        "2",
    )


def test_the_kappa_paradox_note_is_said_once(store: str, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("".join(f"Anna: Answer {n}.\n\n" for n in range(1, 21)), encoding="utf-8")
    run(runner, store, "import", str(path))
    run(runner, store, "coders", "phase", "codebook")  # one concept list
    run(runner, store, "tag", "t:1", "-c", "Rare", "--new", coder="Ann")
    run(runner, store, "tag", "t:2", "-c", "Rare", "--new", coder="Ben")
    run(runner, store, "tag", "t:3", "t:4", "-c", "Lonely", "--new", coder="Ben")
    run(runner, store, "tag", "t:5", "-c", "Other", "--new", coder="Ben")
    run(runner, store, "tag", "t:6", "-c", "Other", "--new", coder="Ann")
    for coder in ("Ann", "Ben"):
        run(runner, store, "review", "-t", "t", coder=coder)
    screen = run(runner, store, "agreement").output
    paradox = [line for line in screen.splitlines() if "kappa paradox" in line]
    assert paradox == [
        "Agreement is high but κ low for Other and Rare: when one category dominates, chance "
        "agreement is high and κ low despite agreement (the kappa paradox, Feinstein & "
        "Cicchetti 1990): Gwet's AC1 is given beside κ."
    ]
    assert "Used by one coder only: Lonely (Ben, 2 segments)." in screen.splitlines()
    run(runner, store, "agreement", "-o", str(tmp_path / "a.md"))
    markdown = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert markdown.count("kappa paradox") == 1
    assert "Used by one coder only: Lonely (Ben, 2 segments)." in markdown


def test_agreement_errors(study: str, runner: CliRunner) -> None:
    out = run(runner, study, "agreement", "--coders", "Maria")
    assert (out.exit_code, out.output) == (
        1,
        "Error: Agreement needs two or more coders who reviewed segments in scope "
        "(found: Maria).\n",
    )
    out = run(runner, study, "agreement", "--coders", "Maria,Zed")
    assert (out.exit_code, out.output) == (1, "Error: No coder 'Zed' (coders: Maria, Tom).\n")
    out = run(runner, study, "agreement", "--unit", "word")
    assert out.exit_code == 2
    out = run(runner, study, "agreement", "--json", "--csv")
    assert (out.exit_code, out.output.splitlines()[-1]) == (
        2,
        "Error: Choose one output: --json, --csv or -o FILE.",
    )


# --- agreement matrix ----------------------------------------------------------------------


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    lines = [",".join(header)]
    lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _kalpha(tmp_path: Path, data: list[list[Any]], name: str = "kalpha.csv") -> Path:
    """A row per coder, a column per unit."""
    units = [f"u{n}" for n in range(1, len(data[0]) + 1)]
    rows = [[f"obs{i}", *row] for i, row in enumerate(data, start=1)]
    return _write(tmp_path / name, ["coder", *units], rows)


def _matrix(*args: str) -> Any:
    return CliRunner().invoke(cli, ["agreement", "matrix", *args], catch_exceptions=False)


def test_matrix_reproduces_the_published_example(tmp_path: Path) -> None:
    published = example("Krippendorff: nominal data")
    path = _kalpha(tmp_path, published["data"])
    data = json.loads(_matrix(str(path), "--json").output)
    expected, tol = published["expected"], published["tol"]
    c = data["coefficients"]
    assert c["krippendorff_alpha"]["value"] == pytest.approx(
        expected["krippendorff_alpha_nominal"], abs=1e-9
    )
    for key, name in (
        ("fleiss_kappa", "fleiss_kappa"),
        ("gwet_ac1", "gwet_ac1"),
        ("brennan_prediger", "brennan_prediger"),
        ("percent", "percent_agreement"),
    ):
        assert c[key]["value"] == pytest.approx(expected[name], abs=tol[name])
    assert (data["units"], data["pairable"], data["single"], data["empty"]) == (12, 11, 1, 0)
    assert (data["q"], data["categories_from"]) == (5, "values seen")
    lines = _matrix(str(path), "--level-of-measurement", "interval").output.splitlines()
    assert lines[:3] == [
        "Read kalpha.csv as a row per coder, a column per unit: 4 coders, 12 units (11 "
        "pairable, 1 with one value, 0 with none).",
        "Categories: 1, 2, 3, 4, 5; q = 5 (the values seen; give --categories for the whole "
        "scale).",
        "Missing values: Gwet's (2014) forms. A unit read by one coder only counts in chance "
        "agreement only; Krippendorff's α leaves it out (Krippendorff 2011).",
    ]
    interval = f"{expected['krippendorff_alpha_interval']:.3f}"
    assert f"Krippendorff's α (interval)  {interval}" in lines


def test_matrix_units_in_rows_as_kalpha_reads_them(tmp_path: Path) -> None:
    published = example("Hayes & Krippendorff")
    path = _write(
        tmp_path / "hayes.csv",
        ["article", *(f"obs{i}" for i in range(1, 6))],
        [[f"a{n}", *row] for n, row in enumerate(published["data"], start=1)],
    )
    out = _matrix(str(path), "--units-in", "rows", "--level-of-measurement", "ordinal")
    lines = out.output.splitlines()
    assert lines[0].startswith("Read hayes.csv as a row per unit, a column per coder: 5 coders, 40")
    alpha = next(line for line in lines if line.startswith("Krippendorff's α (ordinal)"))
    assert float(alpha.split()[-1]) == pytest.approx(0.7598, abs=5e-4)
    # Read the other way, the first line says so: 40 "coders" of 5 units.
    wrong = CliRunner().invoke(cli, ["agreement", "matrix", str(path)]).output.splitlines()
    assert wrong[0].startswith("Read hayes.csv as a row per coder, a column per unit: 40 coders, 5")


def test_matrix_categories_as_a_list_or_a_count(tmp_path: Path) -> None:
    derived = next(e for e in GWET_MISSING if len(e["categories"]) == 5 and len(e["data"]) == 2)
    path = _kalpha(tmp_path, derived["data"])
    expected = derived["expected"]
    for given in ("1,2,3,4,5", "5"):
        data = json.loads(_matrix(str(path), "--categories", given, "--json").output)
        c = data["coefficients"]
        assert c["brennan_prediger"]["value"] == pytest.approx(
            expected["brennan_prediger"], abs=1e-12
        )
        assert c["gwet_ac1"]["value"] == pytest.approx(expected["gwet_ac1"], abs=1e-12)
        assert c["cohen_kappa"]["value"] == pytest.approx(expected["conger_kappa"], abs=1e-12)
        assert data["q"] == 5
    assert data["categories_from"] == "count given"
    seen = json.loads(_matrix(str(path), "--json").output)
    assert seen["q"] < 5
    assert seen["coefficients"]["brennan_prediger"]["value"] != pytest.approx(
        expected["brennan_prediger"], abs=1e-3
    )


def test_matrix_labels_in_order_are_ordinal_ranks(tmp_path: Path) -> None:
    published = example("Krippendorff: nominal data")
    words = ["very low", "low", "mid", "high", "very high"]
    data = [[None if v is None else words[v - 1] for v in row] for row in published["data"]]
    path = _kalpha(tmp_path, data)
    out = _matrix(
        str(path), "--level-of-measurement", "ordinal", "--categories", ",".join(words), "--json"
    )
    result = json.loads(out.output)
    assert result["categories"] == words
    assert result["coefficients"]["krippendorff_alpha"]["value"] == pytest.approx(
        published["expected"]["krippendorff_alpha_ordinal"], abs=1e-9
    )


def test_matrix_bootstrap(tmp_path: Path) -> None:
    path = _kalpha(tmp_path, example("Krippendorff: nominal data")["data"])
    lines = _matrix(str(path), "--bootstrap", "500", "--seed", "2").output.splitlines()
    assert "Bootstrap of α: 500 resamples of the units (seed 2)" in lines
    interval = next(line for line in lines if line.startswith("α 95% interval"))
    low, high = (float(v) for v in re.findall(r"-?\d\.\d{3}", interval))
    assert low <= 0.743 <= high


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        (
            [["a", 1, "high"], ["b", 1, 2]],
            ("--level-of-measurement", "interval"),
            "Error: bad.csv, row 2, column 'u2': 'high' is not a number (list labels in their "
            "order with --categories).",
        ),
        (
            [["a", 1, "inf"], ["b", "nan", 2]],
            (),
            "Error: bad.csv, row 2, column 'u2': 'inf' is not a finite number (1 more cell(s) "
            "like it).",
        ),
        (
            [["a", 1, 3], ["b", 1, 2]],
            ("--categories", "1,2"),
            "Error: bad.csv, row 2, column 'u2': '3' is not one of the categories given (1, 2).",
        ),
        (
            [["a", 1, 3], ["b", 1, 2]],
            ("--categories", "2"),
            "Error: bad.csv holds 3 different values, more than the 2 categories given.",
        ),
        (
            [["a", "low", "high"], ["b", "low", "low"]],
            ("--categories", "low,high", "--level-of-measurement", "ratio"),
            "Error: The ratio level needs numbers, not labels: list numbers.",
        ),
        (
            [["a", 1], ["b", 2]],
            ("--units-in", "rows"),
            "Error: bad.csv holds 1 coder(s) read as a row per unit, a column per coder; "
            "agreement needs two (see --units-in).",
        ),
    ],
)
def test_matrix_refuses_bad_cells_in_one_line(
    tmp_path: Path, rows: list[list[Any]], options: tuple[str, ...], message: str
) -> None:
    units = [f"u{n}" for n in range(1, len(rows[0]))]
    path = _write(tmp_path / "bad.csv", ["coder", *units], rows)
    out = CliRunner().invoke(cli, ["agreement", "matrix", str(path), *options])
    assert (out.exit_code, out.output) == (1, message + "\n")


def test_matrix_bad_files(tmp_path: Path) -> None:
    ragged = _write(tmp_path / "ragged.csv", ["coder", "u1", "u2"], [["a", 1, 2], ["b", 1]])
    out = CliRunner().invoke(cli, ["agreement", "matrix", str(ragged)])
    assert (out.exit_code, out.output) == (
        1,
        "Error: ragged.csv has 1 ragged row(s).\n  row 3: 2 cells, but the header has 3.\n",
    )
    words = _write(tmp_path / "words.csv", ["coder", "u1", "u2"], [["a", 1, "high"], ["b", 1, 2]])
    assert CliRunner().invoke(cli, ["agreement", "matrix", str(words)]).exit_code == 0
    lonely = _write(
        tmp_path / "lonely.csv", ["coder", "u1", "u2"], [["a", 1, None], ["b", None, 2]]
    )
    out = CliRunner().invoke(cli, ["agreement", "matrix", str(lonely)])
    assert out.output == "Error: Every unit is unpairable: no unit has values from two coders.\n"
    same = _write(tmp_path / "same.csv", ["coder", "u1", "u2"], [["a", 1, 1], ["b", 1, 1]])
    out = CliRunner().invoke(cli, ["agreement", "matrix", str(same)]).output
    assert "Krippendorff's α (nominal)   undefined: Every pairable value is the same" in out


# --- disagreements and reconcile ------------------------------------------------------------


def test_disagreements_command(study: str, runner: CliRunner) -> None:
    out = run(runner, study, "disagreements", "-c", "Buyers want to taste before they trust")
    lines = out.output.splitlines()
    assert lines[1] == "Buyers want to taste before they trust"
    assert lines[2] == "  case_a_ceo_w1:26: applied by Tom; not by Maria"
    assert "«we even did a" in out.output
    assert lines[-1] == "2 disagreement(s)."


def test_reconcile_from_standard_input_and_resume(study: str, runner: CliRunner) -> None:
    out = run(
        runner, study, "reconcile", "--into", "Consensus", input="a # Maria is right\nmaybe\nb\nx\n"
    )
    lines = out.output.splitlines()
    assert lines[0] == "Consensus: 82 agreed coding(s) copied; 13 disagreement(s) to decide."
    assert "Type a, b, both, neither or = CONCEPT; CONCEPT (? for help)." in lines
    assert lines[-1] == "Stopped; run the same command to resume."
    again = run(runner, study, "reconcile", "--into", "Consensus", input="x\n")
    assert again.output.splitlines()[0] == (
        "Consensus: 0 agreed coding(s) copied; 11 disagreement(s) to decide."
    )
    log = json.loads(run(runner, study, "log", "--by", "Consensus", "--json").output)
    assert log[1]["summary"].endswith("(Maria is right)")
    done = run(runner, study, "reconcile", "--into", "Consensus", "--auto", "intersection")
    assert done.output == (
        "Consensus: 0 agreed coding(s) copied, 11 disagreement(s) settled (intersection).\n"
        "Marked 11 segment(s) as reviewed by Consensus.\n"
    )


def test_reconcile_help_undo_and_other_concepts(study: str, runner: CliRunner) -> None:
    lines = [
        "?",  # the keys
        "other",  # not a decision: the message says what to type instead
        "= Nothing like this",  # not a concept: said, and asked again
        "a",  # [1/13] case_a_ceo_w1:10 for Maria
        "u",  # taken back: [1/13] again
        "= Our English is not good enough for foreign buyers # Tom saw it",
        "u",
        "u",  # nothing more to undo in this run
        "b",
        "x",
    ]
    out = run(runner, study, "reconcile", "--into", "Consensus", input="\n".join(lines) + "\n")
    said = out.output.splitlines()
    assert said[:2] == [
        "Consensus: 82 agreed coding(s) copied; 13 disagreement(s) to decide.",
        "Marked 85 segment(s) as reviewed by Consensus.",
    ]
    assert "  u            undo the last decision (again: the one before)" in said
    assert "Type a, b, both, neither or = CONCEPT; CONCEPT (? for help)." in said
    assert "Error: No concept 'Nothing like this'." in said
    assert [line for line in said if line.startswith(("Reconciled", "Undid", "Nothing to"))] == [
        "Reconciled case_a_ceo_w1:10 into Consensus: Maria's (Someone has to look after the "
        "platform every day); marked as reviewed by Consensus.",
        "Undid: Reconciled case_a_ceo_w1:10 into Consensus: Maria's (Someone has to look after "
        "the platform every day)",
        "Reconciled case_a_ceo_w1:10 into Consensus: other concepts (Our English is not good "
        "enough for foreign buyers); marked as reviewed by Consensus.",
        "Undid: Reconciled case_a_ceo_w1:10 into Consensus: other concepts (Our English is not "
        "good enough for foreign buyers) (Tom saw it)",
        "Nothing to undo in this run.",
        "Reconciled case_a_ceo_w1:10 into Consensus: Tom's (Our English is not good enough for "
        "foreign buyers; We need to answer buyers within hours, not days); marked as reviewed "
        "by Consensus.",
    ]
    assert said.count("[1/13] case_a_ceo_w1:10") == 3
    assert said[-1] == "Stopped; run the same command to resume."
    with Project.open(study) as lead:
        kept = {r.concept for r in lead.codings(["Consensus"]) if r.segment == "case_a_ceo_w1:10"}
        assert kept == {  # Tom's, and nothing left of the two decisions undone
            "Our English is not good enough for foreign buyers",
            "We need to answer buyers within hours, not days",
        }
        decided = [e for e in lead.log() if e.action in ("reconcile", "undo")][1:]
    assert [(e.action, e.subject) for e in decided] == [
        ("reconcile", "segment"),
        ("undo", "segment"),
        ("reconcile", "segment"),
        ("undo", "segment"),
        ("reconcile", "segment"),
    ]


def test_an_other_concept_keeps_the_coders_quotes(study: str, runner: CliRunner) -> None:
    decision = "= Buyers want to taste before they trust # the tasting on Zoom"
    with Project.open(study) as lead:
        pending = [p.ref for p in lead.reconcile("Consensus").pending]
    position = pending.index("case_b_export_w2:10")
    lines = ["b"] * position + [decision, "x"]
    run(runner, study, "reconcile", "--into", "Consensus", input="\n".join(lines) + "\n")
    with Project.open(study) as lead:
        kept = {
            (r.concept, r.quote)
            for r in lead.codings(["Consensus"])
            if r.segment == pending[position]
        }
    assert (
        "Buyers want to taste before they trust",
        "we even did a tasting on Zoom: he had the samples, I had the bottles, we tasted together",
    ) in kept


def test_decision_completion() -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from gioia.cli.agreement import decision_fragment
    from gioia.cli.completion import ConceptCompleter
    from gioia.views import ConceptChoice

    assert decision_fragment("= Buyers want; fre") == "fre"
    assert decision_fragment("=our") == "our"
    assert decision_fragment("a # = note") is None
    assert decision_fragment("both") is None
    completer = ConceptCompleter(decision_fragment)
    completer.choices = [
        ConceptChoice("Free samples and shipping eat the margin", "Cost-benefit calculus", None),
        ConceptChoice("Buyers want to taste before they trust", None, None),
    ]
    found = list(
        completer.get_completions(Document("= Buyers want to taste; fre"), CompleteEvent())
    )
    assert [(c.text, c.start_position) for c in found] == [
        ("Free samples and shipping eat the margin", -3),  # at the start of a word first
        ("Buyers want to taste before they trust", -3),  # then f…r…e anywhere
    ]
    assert list(completer.get_completions(Document("b"), CompleteEvent())) == []


def test_reconcile_keeps_an_interviewer_turn_both_coded(
    store: str, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "i.txt"
    path.write_text(
        "Interviewer: So buyers found you on the platform?\n\nAnna: Yes, exactly that.\n",
        encoding="utf-8",
    )
    run(runner, store, "import", str(path))
    run(runner, store, "coders", "phase", "codebook")  # one concept list
    for coder in ("Ann", "Ben"):
        run(runner, store, "tag", "i:1", "-c", "Found by new buyers", "--new", coder=coder)
        run(runner, store, "review", "-t", "i", coder=coder)
    out = run(runner, store, "reconcile", "--into", "Consensus", "--auto", "union")
    assert out.output == (
        "Consensus: 1 agreed coding(s) copied, 0 disagreement(s) settled (union).\n"
        "Marked 2 segment(s) as reviewed by Consensus.\n"
    )
    tree = json.loads(run(runner, store, "structure", "--json").output)
    assert tree["evidence"] == "Consensus"
    (concept,) = tree["concepts_without_theme"]
    assert (concept["name"], concept["counts"]["codings"]) == ("Found by new buyers", 1)


def test_reconcile_reports_codings_only_one_coder_read(
    store: str, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "i.txt"
    path.write_text("Anna: Buyers found us.\n\nInterviewer: How?\n\nAnna: On the platform.\n")
    run(runner, store, "import", str(path))
    run(runner, store, "coders", "phase", "codebook")  # one concept list
    run(runner, store, "tag", "i:1", "-c", "Found by buyers", "--new", coder="Ann")
    run(runner, store, "tag", "i:3", "-c", "Platform", "--new", coder="Ann")
    run(runner, store, "tag", "i:1", "-c", "Found by buyers", "--new", coder="Ben")
    out = run(runner, store, "reconcile", "--into", "Consensus", input="a\n\n")
    assert out.output.splitlines()[:6] == [
        "Consensus: 1 agreed coding(s) copied; 0 disagreement(s) to decide.",
        "1 coding(s) on 1 segment(s) only Ann read: not agreed, so not copied; decide them "
        "below (--copy-one-reader copies them as they are).",
        "Marked 1 segment(s) as reviewed by Consensus.",
        "",
        "[1/1] i:3 (only Ann read it)",
        "    On the platform.",
    ]
    assert out.output.splitlines()[6:8] == ["  a) Ann: Platform", "  b) Ben: (not read)"]
    run(runner, store, "tag", "i:2", "-c", "Channel", "--new", coder="Ben")
    out = run(runner, store, "reconcile", "--into", "Consensus", "--auto", "union")
    assert out.output == (
        "Consensus: 0 agreed coding(s) copied, 0 disagreement(s) settled (union).\n"
        "1 coding(s) on 1 segment(s) only Ben read: not agreed, so left to decide: run "
        "`gioia reconcile --into Consensus`, or pass --copy-one-reader to copy them as "
        "they are.\n"
    )
    out = run(runner, store, "reconcile", "--into", "Consensus", "--copy-one-reader", input="")
    assert out.output == (
        "Consensus: 0 agreed coding(s) copied; 0 disagreement(s) to decide.\n"
        "1 coding(s) on 1 segment(s) only Ben read: copied as they are (--copy-one-reader), "
        "not as agreed.\n"
        "Marked 1 segment(s) as reviewed by Consensus.\n"
        "All disagreements of Ann and Ben are decided in Consensus.\n"
    )


def test_the_agreement_table_fits_80_columns() -> None:
    """Nine columns of seven characters ("-0.333" and a space) leave the concepts 17."""
    from gioia.cli.common import text_table

    heads = ["n", "both", "Ana", "Ben", "none", "%", "κ", "α", "AC1"]
    cells = ["3", "0", "1", "0", "2", "0.667", "-3.000", "0.000", "0.640"]
    table = text_table("Concept", heads, [("The home market is not enough", 0, "", cells)], 80, 7)
    assert table.startswith("\x1b[1mConcept ")  # bold on a terminal; click.echo drops it elsewhere
    assert click.unstyle(table).splitlines() == [
        "Concept                n   both    Ana    Ben   none      %      κ      α    AC1",
        "The home market        3      0      1      0      2  0.667 -3.000  0.000  0.640",
        "is not enough",
    ]


def test_disagreements_wrap_a_coders_concepts_under_them(study: str, runner: CliRunner) -> None:
    """A coder's concepts that do not fit on one line continue indented under it: a
    wrapped name at the margin would read as the next concept's heading."""
    visited = "The platform puts us in front of buyers in countries we never visited"
    found = "We joined to be found by buyers we could never reach ourselves"
    for concept in (visited, found):
        tagged = run(runner, study, "tag", "case_a_ceo_w1:2", "-c", concept, coder="Tom")
        assert tagged.exit_code == 0, tagged.output
    out = run(runner, study, "disagreements", "-c", visited, "-t", "case_a_ceo_w1")
    lines = out.output.splitlines()
    start = lines.index("  case_a_ceo_w1:2: applied by Tom; not by Maria")
    assert lines[start + 9 : start + 12] == [
        "    Maria: (nothing)",
        "    Tom: The platform puts us in front of buyers in countries we never visited;",
        "      We joined to be found by buyers we could never reach ourselves",
    ]
    assert max(len(line) for line in lines) < 80
    with Project.open(study, coder="Tom") as project:  # the command wrote nothing
        assert project.log()[-1].summary == f"Tagged case_a_ceo_w1:2 with {found!r}"


def test_an_other_decision_naming_an_agreed_concept_keeps_it_once(
    study: str, runner: CliRunner
) -> None:
    """``= A; B`` where both coders agreed on A: A is kept once, in the summary, the
    trail and the store."""
    with Project.open(study) as lead:
        item = next(
            p
            for p in lead.reconcile("Consensus").pending
            if set(p.first.codes) - set(p.second.codes) and set(p.second.codes)
        )
        agreed = item.second.codes[0]  # Tom's, and now Maria's too
        other = next(c for c in item.first.codes if c not in item.second.codes)
    assert run(runner, study, "tag", item.ref, "-c", agreed, coder="Maria").exit_code == 0
    with Project.open(study) as lead:
        assert (
            agreed
            in next(p for p in lead.reconcile("Consensus").pending if p.ref == item.ref).agreed
        )
        decision = lead.resolve("Consensus", item.ref, "other", concepts=[agreed, other])
    assert decision.summary == (
        f"Reconciled {item.ref} into Consensus: other concepts ({agreed}; {other})"
    )
    with Project.open(study) as lead:
        event = lead.log()[-1]
        assert event.after["concepts"] == [agreed, other]
        kept = sorted(r.concept for r in lead.codings(["Consensus"]) if r.segment == item.ref)
    assert kept == sorted([agreed, other])
