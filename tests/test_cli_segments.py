"""The commands that correct transcripts: `import --replace [--force]` and
`segment merge|split|delete`, their reports, and the store they leave."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gioia import Project
from gioia.cli import cli

from .conftest import SAMPLE, as_lead, run

OLD = (
    "Interviewer: How did you choose the platform?\n\n"
    "Anna Rossi: We looked at three. The fee was small.\n\n"
    "Interviewer: And the buyers?\n\n"
    "Anna Rossi: They came from Asia, mostly. Some from the U.S. too.\n"
)
NEW = OLD.replace("three", "four").replace("from Asia", "from ASIA").replace("the U.S.", "Canada")


def coded(runner: CliRunner, store: str, tmp_path: Path) -> Path:
    path = tmp_path / "anna.txt"
    path.write_text(OLD)
    assert run(runner, store, "import", str(path)).exit_code == 0
    for ref, concept, quote in (
        ("anna:2", "Fee", "The fee was small"),
        ("anna:4", "Asia", "from Asia"),
        ("anna:4", "US", "U.S."),
    ):
        result = run(runner, store, "tag", ref, "-c", concept, "--new", "-q", quote, coder="Ana")
        assert result.exit_code == 0, result.output
    path.write_text(NEW)
    return path


def test_import_replace_reports_and_refuses_to_lose_work(
    runner: CliRunner, store: str, tmp_path: Path
) -> None:
    path = coded(runner, store, tmp_path)
    result = run(runner, store, "import", str(path), "--replace")
    assert (result.exit_code, result.output) == (
        1,
        "failed     anna.txt: the words of 1 coding(s) of 'anna' are not in the new text, "
        "so they cannot be carried over; correct the file, or pass --force to drop them "
        "(they go to the audit trail and to a file beside the store).\n"
        "           anna:4 'US' by Ana: 'U.S.'\n"
        "1 file(s): 1 failed.\n"
        "Error: 1 file(s) not imported, nothing of them written: anna.txt (the reason is "
        "above).\n",
    )
    with Project.open(store) as project:
        assert len(project.codings()) == 3
        assert "three" in project.transcript("anna").segments[1].text
    result = run(runner, store, "import", str(path), "--replace", "--force")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == [
        "replaced   anna.txt → anna (4 segments)",
        "carried    codings 1 kept, 1 changed, 1 dropped; read marks 2 kept",
        'changed    anna:4  \'Asia\' by Ana: "from Asia" → "from ASIA"',
        "dropped    anna:4  'US' by Ana: \"U.S.\"",
    ]
    assert lines[4].startswith("Wrote what was dropped to ") and lines[4].endswith(".csv.")
    assert Path(lines[4].removeprefix("Wrote what was dropped to ")[:-1]).is_file()
    assert lines[5:] == ["1 file(s): 1 replaced."]
    with Project.open(store) as project:
        assert [(r.segment, r.concept, r.quote) for r in project.codings()] == [
            ("anna:2", "Fee", "The fee was small"),
            ("anna:4", "Asia", "from ASIA"),
        ]
        assert [e.action for e in project.log()[-2:]] == ["drop", "replace"]


def test_force_goes_with_replace(runner: CliRunner, store: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(OLD)
    result = run(runner, store, "import", str(tmp_path / "a.txt"), "--force")
    assert result.exit_code == 2
    assert result.output.endswith("Error: --force goes with --replace.\n")


def test_segment_commands(runner: CliRunner, store: str, tmp_path: Path) -> None:
    path = tmp_path / "anna.txt"
    path.write_text(OLD)
    run(runner, store, "import", str(path))
    run(runner, store, "tag", "anna:4", "-c", "Asia", "--new", coder="Ana")
    refused = run(runner, store, "segment", "split", "anna:4", "--before", "Some", coder="Ana")
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: Editing segments is the project lead's step: run it without --coder or "
        "GIOIA_CODER.\n",
    )
    split = ("segment", "split", "anna:4", "--before", "Some from")
    result = run(runner, store, *split)
    assert (result.exit_code, result.output) == (
        1,
        "Error: anna:4 has 1 whole-segment coding(s) (Ana's 'Asia'): say where they go, "
        "--whole-codings first (the first part keeps them) or every (each part gets one, "
        "and counts once per part).\n",
    )
    result = run(runner, store, *split, "--whole-codings", "every")
    assert (result.exit_code, result.output) == (
        0,
        "Split anna:4 into anna:4, anna:5; 1 whole-segment coding(s) copied to every part "
        "(1 added).\n"
        "carried    codings 1 changed, 1 copied; read marks 1 kept\n"
        "changed    anna:4  'Asia' by Ana: \"They came from Asia, mostly. Some from the U.S.…\""
        ' → "They came from Asia, mostly."\n'
        "copied     anna:4 → anna:5  'Asia' by Ana: \"They came from Asia, mostly. Some from "
        'the U.S.…" → "Some from the U.S. too."\n',
    )
    result = run(runner, store, "segment", "merge", "anna:4", "anna:5")
    assert result.output.splitlines()[:2] == [
        "Merged anna:4, anna:5 into anna:4.",
        "carried    codings 1 changed, 1 merged; read marks 1 kept",
    ]
    result = run(runner, store, "segment", "delete", "anna:1")
    assert (result.exit_code, result.output) == (
        0,
        "Deleted anna:1; 3 later segment(s) renumbered.\n",
    )
    result = run(runner, store, "segment", "merge", "anna:2", "anna:3")
    assert (result.exit_code, result.output) == (
        1,
        "Error: anna:2 (Interviewer) and anna:3 (Anna Rossi) are turns of different "
        "speakers: pass --speaker NAME to say whose turn the merged segment is.\n",
    )
    result = run(runner, store, "segment", "delete", "anna:3")
    assert result.exit_code == 1
    assert result.output.startswith("Error: anna:3 holds 1 coding(s): merge it into a neighbour")
    result = run(runner, store, "segment", "split", "anna:1")
    assert result.exit_code == 2
    assert result.output.endswith("Error: Give one of --at N, --before WORDS or --sentences.\n")
    with Project.open(store) as project:
        assert [(s.ref, s.text) for s in project.transcript("anna").segments] == [
            ("anna:1", "We looked at three. The fee was small."),
            ("anna:2", "And the buyers?"),
            ("anna:3", "They came from Asia, mostly. Some from the U.S. too."),
        ]
        assert [(e.action, e.subject) for e in project.log()[-3:]] == [
            ("split", "segment"),
            ("merge", "segment"),
            ("delete", "segment"),
        ]


def test_correcting_a_coded_transcript(
    sample_project: Project, store: str, runner: CliRunner, tmp_path: Path
) -> None:
    """The demo's coding (both coders read everything, a consensus by union), the
    corrected transcript the demo writes, and the commands the README shows (which
    tests/test_readme.py runs in the README's own order)."""
    import shlex

    from gioia.demo import CORRECTED, corrected_transcript

    as_lead(sample_project).set_phase("codebook")  # as the demo: one concept list
    for coder in ("maria", "tom"):
        result = as_lead(sample_project).import_codings(SAMPLE / f"codings_{coder}.csv")
        sample_project.coder = result.coders[0]
        for transcript in sample_project.transcripts():
            sample_project.review(transcript=transcript.name)
    sample_project.coder = None
    as_lead(sample_project).reconcile_auto("Consensus", "union")
    corrected = tmp_path / "corrected"
    corrected.mkdir()
    original = (SAMPLE / CORRECTED).read_text(encoding="utf-8")
    (corrected / CORRECTED).write_text(corrected_transcript(original), encoding="utf-8")
    outputs = []
    for command in (
        "gioia import corrected/case_a_ceo_w1.txt --replace",
        'gioia segment split case_a_ceo_w1:4 --before "Part Two" --whole-codings first',
        "gioia segment delete case_a_ceo_w1:5",
    ):
        args = shlex.split(command)[1:]
        result = runner.invoke(cli, ["--store", store, *args], catch_exceptions=False)
        assert result.exit_code == 0, (command, result.output)
        outputs.append(result.output.splitlines())
    assert outputs[0][:3] == [
        "replaced   case_a_ceo_w1.txt → case_a_ceo_w1 (28 segments)",
        "warning    case_a_ceo_w1.txt: line 1 before the first speaker left out as a title "
        "or metadata block: 'Interview: Case A, CEO, 14 March 2024'.",
        "carried    codings 3 changed, 34 kept; read marks 42 kept",
    ]
    assert outputs[1:] == [
        [
            "Split case_a_ceo_w1:4 into case_a_ceo_w1:4, case_a_ceo_w1:5; 1 whole-segment "
            "coding(s) kept by the first part only; 24 later segment(s) renumbered.",
            "carried    codings 1 changed, 2 kept; read marks 3 kept",
            "changed    case_a_ceo_w1:4  'The home market is not enough any more' by Tom: "
            '"Mostly in Italy, still. Maybe seventy percent. A…" → "Mostly in Italy, still. '
            'Maybe seventy percent. A…"',
        ],
        [
            "Deleted case_a_ceo_w1:5; 24 later segment(s) renumbered.",
            "carried    read marks 0 kept, 3 dropped",
        ],
    ]
    with Project.open(store) as project:
        view = project.transcript("case_a_ceo_w1")
        assert (view.summary.case, view.summary.segments) == ("Case A", 28)
        assert view.segments[3].text.endswith("we cannot depend on them alone anymore.")
        assert "Part Two" not in project.transcript("case_a_ceo_w1").segments[4].text
        assert [e.action for e in project.log()[-3:]] == ["replace", "split", "delete"]
