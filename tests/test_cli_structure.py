"""The structure commands: concept/theme/dimension, assign, structure, check."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project

from .conftest import SAMPLE, modules_loaded, run
from .test_publish import compile_latex


@pytest.fixture
def study(store: str, runner: CliRunner) -> str:
    """The sample study with the structure file and both coders' codings imported (the
    coders coded the structure's concepts)."""
    for args in (
        ("import", "--manifest", str(SAMPLE / "manifest.csv")),
        ("structure", "import", str(SAMPLE / "structure.csv")),
        ("codings", "import", str(SAMPLE / "codings_maria.csv")),
        ("codings", "import", str(SAMPLE / "codings_tom.csv")),
    ):
        result = run(runner, store, *args)
        assert result.exit_code == 0, result.output
    return store


def test_structure_import_reports(store: str, runner: CliRunner) -> None:
    result = run(runner, store, "structure", "import", str(SAMPLE / "structure.csv"))
    assert result.output == (
        "Imported structure.csv (merge): created 20 concept(s), 6 theme(s), 3 dimension(s); "
        "26 assignment(s), 0 definition(s) changed.\n"
    )


def test_structure_tree(study: str, runner: CliRunner) -> None:
    lines = run(runner, study, "structure").output.splitlines()
    assert lines[0].split() == [
        "Dimension",
        ">",
        "theme",
        ">",
        "concept",
        "Cod.",
        "Seg.",
        "Cases",
        "Tr.",
        "Inf.",
    ]
    assert lines[1].split()[-5:] == ["71", "33", "4", "7", "5"]
    assert lines[1].startswith("Exporter disposition ")
    assert lines[2].startswith("  Organisational readiness ")
    assert lines[3].startswith("    Someone has to look after the platform")
    assert lines[-2:] == [
        "3 dimensions, 6 themes, 20 concepts.",
        "Counts of every coder's codings.",
    ]
    assert max(len(line) for line in lines) <= 80
    tree = json.loads(run(runner, study, "structure", "--json").output)
    first = tree["dimensions"][0]["themes"][0]["concepts"][0]
    assert first["name"] == "Someone has to look after the platform every day"
    assert first["counts"] == {
        "codings": 17,
        "segments": 10,
        "transcripts": 6,
        "cases": 4,
        "informants": 4,
        "quotes": 11,
    }


def test_level_commands(study: str, runner: CliRunner) -> None:
    out = run(runner, study, "concept", "add", "Speed", "-d", "Fast replies.", coder="Maria")
    assert out.output == "Added concept 'Speed'.\n"
    out = run(runner, study, "concept", "rename", "speed", "Need for speed", coder="Maria")
    assert out.output == "Renamed concept 'speed' to 'Need for speed'.\n"
    out = run(runner, study, "concept", "describe", "Need for speed", "Replies within hours.")
    assert out.output == "Defined concept 'Need for speed'.\n"
    out = run(runner, study, "assign", "Need for speed", "--theme", "Organisational readiness")
    assert out.output == "Assigned 1 item(s) to 'Organisational readiness'.\n"
    out = run(
        runner,
        study,
        "concept",
        "merge",
        "Need for speed",
        "--into",
        "We need to answer buyers within hours, not days",
    )
    assert out.output == (
        "Merged 'Need for speed' into 'We need to answer buyers within hours, not days': "
        "0 coding(s) moved.\n"
    )
    out = run(runner, study, "theme", "delete", "Cost-benefit calculus")
    assert (out.exit_code, out.output) == (
        1,
        "Error: The theme 'Cost-benefit calculus' has 3 concept(s): merge it into another "
        "theme, or pass --force to delete it anyway.\n",
    )
    out = run(runner, study, "theme", "delete", "Cost-benefit calculus", "--force")
    assert out.output == "Deleted theme 'Cost-benefit calculus' (3 item(s) unassigned).\n"
    listed = run(runner, study, "concept", "list").output.splitlines()
    assert listed[-1] == "20 concepts."
    out = run(runner, study, "unassign", "Visibility and matchmaking")
    assert out.output == "Unassigned 1 item(s).\n"
    rows = json.loads(run(runner, study, "theme", "list", "--json").output)
    assert [r["name"] for r in rows if r["parent"] is None] == ["Visibility and matchmaking"]


def test_split_command(study: str, runner: CliRunner) -> None:
    out = run(
        runner,
        study,
        "concept",
        "split",
        "Free samples and shipping eat the margin",
        "Samples cost too much",
        "--grep",
        "sample",
    )
    assert out.exit_code == 0, out.output
    assert out.output.startswith("Moved ")
    assert out.output.endswith(
        " of 'Free samples and shipping eat the margin' to the new concept "
        "'Samples cost too much'.\n"
    )


def test_check_and_strict(study: str, runner: CliRunner) -> None:
    out = run(runner, study, "check")
    assert (out.exit_code, out.output) == (0, "No warnings.\n")
    run(runner, study, "concept", "add", "Price hunters")
    out = run(runner, study, "check", "--strict")
    assert out.exit_code == 1
    assert out.output.splitlines() == [
        "warning Concept 'Price hunters' is not under a theme.",
        "        → gioia assign 'Price hunters' --theme THEME",
        "warning Concept 'Price hunters' has no codings.",
        "        → code evidence for it, or merge it into another concept, or delete it",
        "2 warning(s).",
    ]
    findings = json.loads(run(runner, study, "check", "--json").output)
    assert [f["code"] for f in findings] == ["concept-without-theme", "uncoded-concept"]


def test_structure_export(study: str, runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "s.csv"
    out = run(runner, study, "structure", "export", str(target))  # as the README shows it
    assert out.output == f"Wrote {target} (20 concept row(s)).\n"
    again = run(runner, study, "structure", "export", "-o", str(target))
    assert again.output == f"Replaced {target} (20 concept row(s)).\n"
    neither = run(runner, study, "structure", "export")
    assert (neither.exit_code, neither.output.splitlines()[-1]) == (
        2,
        "Error: Give the file to write: gioia structure export FILE.",
    )
    assert target.read_text().splitlines()[0] == (
        "concept,theme,dimension,concept_definition,theme_definition,dimension_definition"
    )
    assert target.read_text() == (SAMPLE / "structure.csv").read_text()


def test_structure_import_conflicts(store: str, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("concept,theme,dimension\nA,T,D\nA,U,D\n")
    out = run(runner, store, "structure", "import", str(path))
    assert (out.exit_code, out.output) == (
        1,
        "Error: s.csv has 1 conflict(s); nothing imported. To keep an item under several "
        "parents, as thematic analysis does, import with --allow-shared.\n"
        "  row 3: concept 'A' is under theme 'U' here but under 'T' in row 2.\n",
    )
    out = run(runner, store, "structure", "import", str(path), "--allow-shared")
    assert out.output == (
        "Shared concepts are now allowed in this project (allow-shared on).\n"
        "Imported s.csv (merge): created 1 concept(s), 2 theme(s), 1 dimension(s); "
        "4 assignment(s), 0 definition(s) changed; 1 item(s) under more than one parent.\n"
    )
    assert run(runner, store, "settings").output == "allow-shared: on\n"
    tree = run(runner, store, "structure").output.splitlines()
    assert [line[:30].rstrip() for line in tree[1:6]] == [
        "D",
        "  T",
        "    A (also under U)",
        "  U",
        "    A (also under T)",
    ]
    assert tree[6] == "1 dimensions, 2 themes, 1 concepts."
    out = run(runner, store, "unassign", "A")
    assert out.exit_code == 1 and "name the one to take it out of with --theme" in out.output
    out = run(runner, store, "unassign", "A", "--theme", "U")
    assert out.output == "Unassigned 1 item(s) out of 'U'.\n"
    assert run(runner, store, "settings", "allow-shared", "off").output == (
        "allow-shared is now off.\n"
    )
    assert run(runner, store, "settings", "allow-shared").output == "allow-shared: off\n"
    moved = tmp_path / "moved.csv"
    moved.write_text("concept,theme,dimension\nA,U,D\n")
    out = run(runner, store, "structure", "import", str(moved))
    assert out.exit_code == 1 and "pass --move to move them" in out.output
    out = run(runner, store, "structure", "import", str(moved), "--move")
    assert out.output.splitlines()[0] == "Moved concept 'A' from 'T' to 'U' (row 2)."


def test_quotes_codebook_and_cases_files(study: str, runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "quotes.csv"
    out = run(runner, study, "quotes", "-o", str(target), "--per-concept", "2", "--max-words", "8")
    assert out.output == f"Wrote {target} (40 quote(s)).\n"
    lines = target.read_text().splitlines()
    assert lines[0] == "dimension,theme,concept,quote,case,role,wave,segment,also_under"
    assert len(lines) == 41
    out = run(
        runner,
        study,
        "quotes",
        "pick",
        "Buyers want to taste before they trust",
        "case_b_export_w2:10",
        coder="Maria",
    )
    assert out.output == "Picked 1 quote(s) for 'Buyers want to taste before they trust'.\n"
    run(runner, study, "quotes", "-o", str(target))
    picked = [r for r in target.read_text().splitlines() if "Buyers want to taste" in r]
    assert len(picked) == 1 and picked[0].endswith(",Case B,Export Manager,2,case_b_export_w2:10,")
    out = run(runner, study, "quotes", "-o", str(tmp_path / "q.pdf"))
    assert (out.exit_code, out.output) == (
        1,
        "Error: Cannot write q.pdf: give a file name ending in .docx, .md, .tex or .csv.\n",
    )
    assert run(runner, study, "quotes").exit_code == 2
    out = run(runner, study, "codebook", "-o", str(tmp_path / "codebook.xlsx"))
    assert out.output == (
        f"Wrote {tmp_path / 'codebook.xlsx'} (the codebook, 20 concept(s) with an example).\n"
    )
    out = run(runner, study, "cases", "-o", str(tmp_path / "cases.md"))
    assert out.output == f"Wrote {tmp_path / 'cases.md'} (4 case(s)).\n"
    table = (tmp_path / "cases.md").read_text()
    assert "| Case C | Cheese | Portugal | 12 | 1974 | no |" in table
    assert table.splitlines()[-1] == (
        "| **Total** |  |  |  |  |  | **5 informants** | **3** | **4** | **7** |"
    )


def test_figure_command(
    study: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sysconfig

    monkeypatch.setenv("GIOIA_DOT", str(Path(sysconfig.get_path("scripts")) / "graphviz-pure"))
    out = run(runner, study, "figure", "-o", str(tmp_path / "f.svg"), "--counts")
    assert out.output == (
        f"Wrote {tmp_path / 'f.svg'}: 6.49 × 8.00 in, smallest text 8 pt (layout by "
        "graphviz-pure).\n"
    )
    svg = (tmp_path / "f.svg").read_text()
    assert "Order Concepts" in svg and "n = 10 segments, 4 informants" in svg
    again = tmp_path / "g.svg"
    run(runner, study, "figure", "-o", str(again), "--counts")
    assert again.read_bytes() == (tmp_path / "f.svg").read_bytes()
    run(runner, study, "concept", "add", "Loose end")
    dot = run(runner, study, "figure")
    assert dot.output.startswith("// Laid out by gioia: render with `dot -Kneato -n2 -Tsvg`")
    assert "\ndigraph gioia {" in dot.output
    assert "Loose end" not in dot.stdout
    assert dot.stderr == "warning: left out of the figure (not in the tree): Loose end\n"
    run(runner, study, "figure", "-o", str(tmp_path / "f.png"))
    from PIL import Image

    with Image.open(tmp_path / "f.png") as image:
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert image.width / 300 <= 6.5
    bad = run(runner, study, "figure", "-o", str(tmp_path / "f.gif"))
    assert bad.exit_code == 1 and bad.output.startswith("Error: ")
    out = run(runner, study, "figure", "-o", str(tmp_path / "tall.svg"), "--max-height", "4")
    assert out.stderr == (
        "warning: left out of the figure (not in the tree): Loose end\n"
        "warning: The figure is 6.49 × 5.25 in with 8 pt text, more than 6.5 × 4 in: split it "
        "with --split dimension, allow more with --max-height or --max-width, or merge "
        "concepts (text is never set below 8 pt).\n"
    )
    parts = ["--max-height", "4", "--split", "dimension", "--style", "boxed", "--color"]
    out = run(runner, study, "figure", "-o", str(tmp_path / "part.pdf"), *parts)
    assert out.stdout.splitlines() == [
        f"Wrote {tmp_path / 'part-a.pdf'} (part a: Exporter disposition): 6.49 × 2.76 in, "
        "smallest text 9 pt (layout by graphviz-pure+svglib).",
        f"Wrote {tmp_path / 'part-b.pdf'} (part b: Platform value proposition): 6.49 × 2.76 in, "
        "smallest text 9 pt (layout by graphviz-pure+svglib).",
        f"Wrote {tmp_path / 'part-c.pdf'} (part c: Relationship trajectory): 6.49 × 2.49 in, "
        "smallest text 9 pt (layout by graphviz-pure+svglib).",
    ]


def test_readme_shared_concepts(store: str, runner: CliRunner, tmp_path: Path) -> None:
    """The commands of the README's "Concepts under more than one theme"."""
    themes = tmp_path / "themes.csv"
    themes.write_bytes(
        (Path(__file__).parent / "data" / "synthetic_b2b_shared_structure.csv").read_bytes()
    )
    concept = "Trust is built over many years"
    outputs = [
        run(runner, store, *args).output
        for args in (
            ("structure", "import", str(themes), "--allow-shared"),
            ("assign", concept, "--theme", "Power and dependence"),
            ("unassign", concept, "--theme", "Power and dependence"),
            ("settings",),
        )
    ]
    assert outputs == [
        "Shared concepts are now allowed in this project (allow-shared on).\n"
        "Imported themes.csv (merge): created 93 concept(s), 8 theme(s), 3 dimension(s); "
        "112 assignment(s), 0 definition(s) changed; 11 item(s) under more than one parent.\n",
        "Assigned 1 item(s) to 'Power and dependence'.\n",
        "Unassigned 1 item(s) out of 'Power and dependence'.\n",
        "allow-shared: on\n",
    ]
    out = run(runner, store, "settings", "allow-shared", "off")
    assert out.exit_code == 1 and out.output.startswith("Error: 11 item(s) are under more")


def test_readme_figure_for_one_column(study: str, runner: CliRunner, tmp_path: Path) -> None:
    out = run(
        runner,
        study,
        "figure",
        "-o",
        str(tmp_path / "figure.pdf"),
        "--max-width",
        "3.5",
        "--split",
        "dimension",
    )
    engine = "dot" if shutil.which("dot") else "graphviz-pure+svglib"
    assert out.stdout == (
        f"Wrote {tmp_path / 'figure-a.pdf'} (part a: Exporter disposition, Platform value "
        f"proposition): 3.49 × 8.47 in, smallest text 8 pt (layout by {engine}).\n"
        f"Wrote {tmp_path / 'figure-b.pdf'} (part b: Relationship trajectory): 3.49 × 3.56 in, "
        f"smallest text 8 pt (layout by {engine}).\n"
    )


def test_agreement_file_follows_the_structure(
    study: str, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "agreement.md"
    run(runner, study, "agreement", "-o", str(target))
    lines = target.read_text().splitlines()
    start = lines.index("**Agreement per concept**") + 4  # the title, a blank, the header
    rows = [line.split(" | ")[0].removeprefix("| ") for line in lines[start:]]
    structure = list(csv.DictReader((SAMPLE / "structure.csv").open(encoding="utf-8")))
    expected: list[str] = []
    for row in structure:
        heading = f"**Theme: {row['theme']}**"
        if heading not in expected:
            expected.append(heading)
        expected.append(row["concept"].replace("_", "\\_"))
    assert rows[: len(expected)] == expected


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_quotes_tex_of_the_sample_compiles_without_overfull_boxes(
    study: str, runner: CliRunner, tmp_path: Path
) -> None:
    run(runner, study, "quotes", "-o", str(tmp_path / "quotes.tex"))
    log = compile_latex(tmp_path, "quotes.tex")
    assert "Overfull" not in log and "Underfull \\hbox" not in log
    assert re.search(r"Output written on paper\.pdf \((\d+) pages", log)


def test_evidence_is_its_own_option(study: str, runner: CliRunner) -> None:
    tom = run(runner, study, "structure", "--evidence", "Tom").output.splitlines()
    assert tom[-1] == "Counts of Tom's codings."
    moved = run(runner, study, "structure", "--coder", "Tom")
    assert (moved.exit_code, moved.output.splitlines()[-1]) == (
        2,
        "Error: --coder says who is acting and goes before the command (gioia --coder NAME "
        "structure …); whose codings count is --evidence CODER.",
    )
    for command in (("figure",), ("quotes", "-o", "q.md"), ("codebook", "-o", "c.md")):
        assert run(runner, study, *command, "--coder", "Tom").exit_code == 2, command
    blind = run(runner, study, "structure", "--evidence", "Tom", coder="Maria")
    assert blind.output == (
        "Error: Tom's codings are hidden from Maria during blind open coding: pass "
        "--show-others to see them (recorded in the audit trail).\n"
    )


def test_item_info(study: str, runner: CliRunner) -> None:
    run(runner, study, "memo", "Cost-benefit calculus", "--text", "Fee vs fair.", coder="Maria")
    out = run(runner, study, "theme", "info", "Cost-benefit calculus").output.splitlines()
    assert out[:2] == ["Theme 'Cost-benefit calculus'", "  In: Platform value proposition"]
    assert out[-6:] == [
        "  29 coding(s) on 16 segment(s) in 7 transcript(s), 4 case(s), 5 informant(s)",
        "    (every coder's codings)",
        "  Concepts: The fee is small compared with a stand at a trade fair; We count",
        "    the orders against the subscription; Free samples and shipping eat the",
        "    margin",
        "  ✎ #1 Maria: Fee vs fair.",
    ]
    info = json.loads(
        run(
            runner, study, "concept", "info", "Buyers want to taste before they trust", "--json"
        ).output
    )
    assert (info["parent"], info["grandparent"]) == (
        "Trust building at a distance",
        "Relationship trajectory",
    )
    assert info["counts"]["codings"] == 6  # 3 rows in each coder's codings file
    assert [e["ref"] for e in info["examples"]] == ["case_a_ceo_w1:16", "case_a_ceo_w1:26"]


def test_a_merge_import_says_what_it_moves(study: str, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "move.csv"
    path.write_text(
        "concept,theme,dimension\n"
        "Buyers want to taste before they trust,Cost-benefit calculus,Platform value proposition\n"
    )
    refused = run(runner, study, "structure", "import", str(path))
    assert refused.exit_code == 1 and "would move 1 item(s)" in refused.output
    out = run(runner, study, "structure", "import", str(path), "--move")
    assert out.output.splitlines()[-1] == (
        "Imported move.csv (merge): created nothing; 1 assignment(s), 0 definition(s) changed."
    )
    assert (
        "Moved concept 'Buyers want to taste before they trust' from 'Trust building at a "
        "distance' to 'Cost-benefit calculus' (row 2)." in out.output.splitlines()
    )
    log = json.loads(run(runner, study, "log", "--json", "-n", "2").output)
    assert [
        (e["action"], e["before"], e["after"]["parents"] if e["action"] == "import" else e["after"])
        for e in log
    ] == [
        (
            "move",
            {"themes": ["Trust building at a distance"]},
            {"themes": ["Cost-benefit calculus"]},
        ),
        (
            "import",
            {
                "parents": [
                    {
                        "level": "concept",
                        "name": "Buyers want to taste before they trust",
                        "from": ["Trust building at a distance"],
                    }
                ]
            },
            [
                {
                    "level": "concept",
                    "name": "Buyers want to taste before they trust",
                    "to": ["Cost-benefit calculus"],
                }
            ],
        ),
    ]


def test_new_coder_reads_their_own_counts(study: str, runner: CliRunner) -> None:
    """A coder who has coded nothing yet reads counts of their own codings (zeros), said
    so, not a caption claiming everyone's while Maria's and Tom's are hidden."""
    tree = run(runner, study, "structure", coder="Cleo").output.splitlines()
    assert tree[1].split()[-5:] == ["0", "0", "0", "0", "0"]
    assert tree[-1] == "Counts of Cleo's codings."
    matrix = run(runner, study, "matrix", coder="Cleo").output.splitlines()
    assert matrix[0] == "Case × theme: segments (Cleo's codings)"
    saturation = run(runner, study, "saturation", coder="Cleo").output.splitlines()
    assert saturation[0] == "New concepts per interview, by date (Cleo's codings)"
    info = run(runner, study, "theme", "info", "Cost-benefit calculus", coder="Cleo").output
    assert "  0 coding(s) on 0 segment(s) in 0 transcript(s), 0 case(s), 0 informant(s)\n" in info
    assert "    (Cleo's codings)\n" in info
    coders = run(runner, study, "coders", "--json").output
    assert [c["name"] for c in json.loads(coders)["coders"]] == ["Maria", "Tom"]  # no row made


def test_the_structure_command_loads_neither_the_orm_nor_the_views(
    small_study: Project, store: str
) -> None:
    # Start-up is most of the command's time: it reads with Core statements, its values
    # (gioia.views_structure) need none of gioia.views' others, and the tree is text
    # styled by click (rich took 0.2 s to print 350 rows).
    printed, loaded = modules_loaded(store, ["structure"])
    assert "2 dimensions, 3 themes, 5 concepts." in printed
    assert loaded == ["gioia.views_structure"]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("colour", [True, False])
def test_the_tree_is_coloured_on_a_terminal_unless_no_color(tmp_path: Path, colour: bool) -> None:
    import pexpect

    store = str(tmp_path / "gioia.db")
    with Project.init(store) as project:
        project.add_item("dimension", "Economics")
        project.add_item("theme", "Costs")
        project.add_item("concept", "Fees")
        project.assign(["Costs"], dimension="Economics")
        project.assign(["Fees"], theme="Costs")
    env = {**os.environ, "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    if not colour:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "gioia", "--store", store, "structure"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 80),
    )
    child.expect(pexpect.EOF)
    lines = child.before.splitlines()
    if colour:
        assert lines[0].startswith("\x1b[1mDimension > theme > concept")
        assert lines[2].startswith("\x1b[36m  Costs")
    else:
        assert "\x1b[" not in child.before
        assert lines[:3] == [
            "Dimension > theme > concept" + " " * 25 + "Cod.  Seg. Cases   Tr.  Inf.",
            "Economics" + " " * 43 + "   0     0     0     0     0",
            "  Costs" + " " * 45 + "   0     0     0     0     0",
        ]
