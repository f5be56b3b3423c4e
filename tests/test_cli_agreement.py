"""The agreement commands: agreement, agreement matrix, disagreements, reconcile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project
from gioia.cli import cli

from .conftest import SAMPLE, run

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "agreement_examples.json"


@pytest.fixture
def study(store: str, runner: CliRunner) -> str:
    """The sample study: both coders' codings, both having read every informant turn."""
    assert run(runner, store, "import", "--manifest", str(SAMPLE / "manifest.csv")).exit_code == 0
    names = [t["name"] for t in json.loads(run(runner, store, "transcripts", "--json").output)]
    for coder in ("Maria", "Tom"):
        run(runner, store, "codings", "import", str(SAMPLE / f"codings_{coder.lower()}.csv"))
        for name in names:
            run(runner, store, "review", "-t", name, coder=coder)
    run(runner, store, "structure", "import", str(SAMPLE / "structure.csv"))
    return store


def test_agreement_table_json_csv_and_files(study: str, runner: CliRunner, tmp_path: Path) -> None:
    out = run(runner, study, "agreement")
    lines = out.output.splitlines()
    assert lines[0] == "Concepts, segment units: Maria, Tom; 98 compared, 0 read by fewer than two."
    assert lines[1].split() == [
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
    assert (data["units_pairable"], data["units_dropped"], data["missing"]) == (
        98,
        0,
        {"Maria": 0, "Tom": 0},
    )
    assert data["overall"]["pooled_kappa"]["value"] == pytest.approx(0.906, abs=5e-4)
    assert len(data["codes"]) == 20
    rows = run(runner, study, "agreement", "--csv").output.splitlines()
    assert rows[0].startswith("code,units,both,only_Maria,only_Tom,neither,percent,cohen_kappa")
    assert len(rows) == 21
    out = run(runner, study, "agreement", "--level", "theme", "-o", str(tmp_path / "a.md"))
    assert out.output == f"Wrote the agreement report to {tmp_path / 'a.md'}.\n"
    assert (
        (tmp_path / "a.md")
        .read_text()
        .startswith("**Inter-coder agreement: themes, segment units, coders Maria and Tom**")
    )


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


@pytest.mark.skipif(not REFERENCE.is_file(), reason="../shared/reference is not here")
def test_matrix_reproduces_the_published_example(runner: CliRunner, tmp_path: Path) -> None:
    example = json.loads(REFERENCE.read_text())["examples"][0]
    path = tmp_path / "kalpha.csv"
    lines = ["coder," + ",".join(f"u{n}" for n in range(1, 13))]
    for i, row in enumerate(example["data"], start=1):
        lines.append(f"obs{i}," + ",".join("" if v is None else str(v) for v in row))
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        cli, ["agreement", "matrix", str(path), "--json"], catch_exceptions=False
    )
    data = json.loads(result.output)
    expected = example["expected"]
    assert data["coefficients"]["krippendorff_alpha"]["value"] == pytest.approx(
        expected["krippendorff_alpha_nominal"], abs=1e-9
    )
    assert data["coefficients"]["fleiss_kappa"]["value"] == pytest.approx(
        expected["fleiss_kappa"], abs=1e-5
    )
    interval = runner.invoke(
        cli, ["agreement", "matrix", str(path), "--level-of-measurement", "interval"]
    ).output
    assert f"Krippendorff's α (interval)  {expected['krippendorff_alpha_interval']:.3f}" in interval
    assert interval.splitlines()[0] == "4 coders, 12 units, 11 pairable."
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "unit,"
        + ",".join(f"obs{i}" for i in range(1, 5))
        + "\n"
        + "\n".join(
            f"u{u + 1}," + ",".join("" if r[u] is None else str(r[u]) for r in example["data"])
            for u in range(12)
        )
        + "\n"
    )
    same = runner.invoke(cli, ["agreement", "matrix", str(rows), "--units-in-rows", "--json"])
    assert json.loads(same.output)["coefficients"] == data["coefficients"]


def test_matrix_bad_files(runner: CliRunner, tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("coder,u1,u2\na,1,2\nb,1\n")
    out = runner.invoke(cli, ["agreement", "matrix", str(ragged)])
    assert (out.exit_code, out.output) == (
        1,
        "Error: ragged.csv has 1 ragged row(s).\n  row 3: 2 cells, but the header has 3.\n",
    )
    words = tmp_path / "words.csv"
    words.write_text("coder,u1,u2\na,1,high\nb,1,2\n")
    out = runner.invoke(
        cli, ["agreement", "matrix", str(words), "--level-of-measurement", "interval"]
    )
    assert out.output == (
        "Error: words.csv has values that are not numbers.\n"
        "  row 2, column 'u2': 'high' is not a number.\n"
    )
    nominal = runner.invoke(cli, ["agreement", "matrix", str(words)])
    assert nominal.exit_code == 0
    lonely = tmp_path / "lonely.csv"
    lonely.write_text("coder,u1,u2\na,1,\nb,,2\n")
    out = runner.invoke(cli, ["agreement", "matrix", str(lonely)])
    assert out.output == "Error: Every unit is unpairable: no unit has values from two coders.\n"
    same = tmp_path / "same.csv"
    same.write_text("coder,u1,u2\na,1,1\nb,1,1\n")
    out = runner.invoke(cli, ["agreement", "matrix", str(same)]).output
    assert "Krippendorff's α (nominal)   undefined: Every pairable value is the same" in out


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
