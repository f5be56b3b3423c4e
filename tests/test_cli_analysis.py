"""The analysis commands: search (and --tag), cooccurrence, matrix, saturation, fsqca
calibrate and report, on the constructed study of tests/conftest.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gioia import Project
from gioia.cli import cli
from tests.conftest import run


def test_search_prints_lines_in_context(
    small_study: Project, store: str, runner: CliRunner
) -> None:
    result = run(runner, store, "search", "buyers")
    assert result.exit_code == 0
    assert result.output == (
        "t1:2 · Case A · Ann\n"
        "  We started exporting wine to Japan. Buyers want samples.\n"
        "t2:2 · Case A · Bob\n"
        "  Trust takes time. Buyers visit us.\n"
        "2 match(es) in 2 segment(s) of 2 transcript(s).\n"
    )
    hits = json.loads(run(runner, store, "search", "export*", "--json").output)
    assert [(h["ref"], h["match"], h["start"], h["end"]) for h in hits] == [
        ("t1:2", "exporting", 11, 20),
        ("t1:4", "Exporters", 26, 35),
        ("t3:2", "export", 4, 10),
    ]


def test_search_tag_codes_the_hits_in_one_audited_step(
    small_study: Project, store: str, runner: CliRunner
) -> None:
    result = run(runner, store, "search", "trust", "--tag", "Buyer contact", "--yes", coder="Tom")
    assert result.exit_code == 0
    assert result.output.splitlines()[-3:] == [
        "2 match(es) in 2 segment(s) of 2 transcript(s).",
        "Tagged 2 segment(s) with 'Buyer contact'.",
        "Marked 2 segment(s) as reviewed by Tom.",
    ]
    with Project.open(store) as reopened:
        toms = [(c.segment, c.concept) for c in reopened.codings(["Tom"])]
        assert ("t2:2", "Buyer contact") in toms and ("t3:2", "Buyer contact") in toms
        summaries = [e.summary for e in reopened.log(by="Tom")][-3:]
    assert summaries == [
        "Tagged t2:2 with 'Buyer contact'",
        "Tagged t3:2 with 'Buyer contact'",
        "Reviewed t3:2, t2:2",  # by segment id: t3 was imported first
    ]


def test_search_tag_as_json_is_one_document(
    small_study: Project,
    store: str,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = run(
        runner, store, "search", "trust", "--tag", "Buyer contact", "--yes", "--json", coder="Tom"
    )
    document = json.loads(result.output)
    assert [(h["ref"], h["match"]) for h in document["hits"]] == [
        ("t2:2", "Trust"),
        ("t3:2", "Trust"),
    ]
    assert document["segments"] == ["t2:2", "t3:2"]
    tagged = dict(document["tagged"])
    assert len(tagged.pop("events")) == 3
    assert tagged == {
        "concept": "Buyer contact",
        "added": 2,
        "existing": 0,
        "created_concept": False,
        "reviewed": 2,
        "coder": "Tom",
    }
    with Project.open(store) as reopened:
        toms = {(c.segment, c.concept) for c in reopened.codings(["Tom"])}
    assert {("t2:2", "Buyer contact"), ("t3:2", "Buyer contact")} <= toms
    # Asked on a terminal, the question goes to stderr and stdout stays one document.
    monkeypatch.setattr("gioia.cli.analysis.interactive", lambda: True)
    asked = runner.invoke(
        cli,
        ["--store", store, "--coder", "Tom", "search", "samples", "--tag", "Fees", "--json"],
        input="y\n",
        catch_exceptions=False,
    )
    assert "Tag these 2 segment(s) with 'Fees'?" in asked.stderr
    assert json.loads(asked.stdout)["tagged"]["added"] == 2
    nothing = json.loads(
        run(runner, store, "search", "zebra", "--tag", "Fees", "--json", coder="Tom").output
    )
    assert nothing == {"hits": [], "segments": [], "tagged": None}


def test_search_tag_asks_first(small_study: Project, store: str, runner: CliRunner) -> None:
    refused = runner.invoke(
        cli,
        ["--store", store, "--coder", "Tom", "search", "trust", "--tag", "Trust"],
    )
    assert refused.exit_code == 2
    assert "Pass --yes to tag 2 segment(s) without asking." in refused.output
    no_coder = runner.invoke(
        cli,
        ["--store", store, "search", "x", "--tag", "Trust"],
    )
    assert no_coder.exit_code == 2
    assert "--tag codes as you: pass --coder NAME" in no_coder.output
    with Project.open(store) as reopened:
        assert len(reopened.codings(["Tom"])) == 3


def test_cooccurrence_table_and_files(
    small_study: Project, store: str, runner: CliRunner, tmp_path: Path
) -> None:
    result = run(runner, store, "cooccurrence", "--level", "theme", "--evidence", "Maria")
    lines = result.output.splitlines()
    assert lines[0] == "Themes together within segments (Maria's codings; 5 segments)"
    assert lines[2].split() == ["Growth", "×", "Relations", "2", "1.2", "0.667"]
    assert lines[3:] == ["1 pair(s)."]
    out = tmp_path / "pairs.csv"
    run(runner, store, "cooccurrence", "--evidence", "Maria", "-o", str(out))
    assert out.read_text(encoding="utf-8") == (
        "code_a,code_b,count,jaccard,expected\n"
        "Export start,Trust,1,0.3333,0.8\n"
        "Export start,Buyer contact,1,0.3333,0.8\n"
        "Trust,Buyer contact,1,0.3333,0.8\n"
    )
    import networkx as nx

    graphml = tmp_path / "network.graphml"
    run(
        runner, store, "cooccurrence", "--level", "theme", "--evidence", "Maria", "-o", str(graphml)
    )
    graph = nx.read_graphml(graphml)
    assert graph.nodes["Relations"]["frequency"] == 3
    assert graph.edges["Growth", "Relations"]["weight"] == 2
    gexf = tmp_path / "network.gexf"
    run(runner, store, "cooccurrence", "--level", "theme", "--evidence", "Maria", "-o", str(gexf))
    assert nx.read_gexf(gexf).nodes["Relations"]["viz"]["size"] == 3.0
    xlsx = tmp_path / "pairs.xlsx"
    run(runner, store, "cooccurrence", "--level", "theme", "--evidence", "Maria", "-o", str(xlsx))
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    assert book.sheetnames == ["Pairs", "Codes"]
    assert [c.value for c in book["Pairs"][2]] == ["Growth", "Relations", 2, 0.6667, 1.2]
    assert [c.value for c in book["Codes"][4]] == ["Relations", "Social", 3]
    svg = tmp_path / "network.svg"
    result = run(runner, store, "cooccurrence", "--level", "theme", "-o", str(svg))
    assert result.output == f"Wrote {svg} (2 pair(s) of themes).\n"
    assert "Relations" in svg.read_text(encoding="utf-8")


def test_matrix_printed_and_traced(
    small_study: Project, store: str, runner: CliRunner, tmp_path: Path
) -> None:
    result = run(runner, store, "matrix", "--evidence", "Maria")
    assert result.output == (
        "Case × theme: segments (Maria's codings)\n"
        "Case      T1  T2  T3\n"
        "Case A     2   1   2\n"
        "Case B     0   1   1\n"
        "T1 = Costs\n"
        "T2 = Growth\n"
        "T3 = Relations\n"
    )
    share = run(
        runner, store, "matrix", "--evidence", "Maria", "--value", "share", "--rows", "informant"
    )
    assert share.output.splitlines()[2:5] == [
        "Ann          0.500  0.500  0.500",
        "Bob          0.500  0.000  0.500",
        "Cara         0.000  1.000  1.000",
    ]
    out = tmp_path / "matrix.csv"
    run(runner, store, "matrix", "--evidence", "Maria", "-o", str(out))
    assert out.read_text(encoding="utf-8") == (
        "case,Costs,Growth,Relations\nCase A,2,1,2\nCase B,0,1,1\n"
    )
    xlsx = tmp_path / "matrix.xlsx"
    run(runner, store, "matrix", "--evidence", "Maria", "-o", str(xlsx))
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    assert book.sheetnames == ["Matrix", "Segments"]
    assert [[c.value for c in row] for row in book["Segments"].iter_rows()] == [
        ["case", "theme", "segments", "segments", "segment_refs"],
        ["Case A", "Costs", 2, 2, "t1:4; t2:4"],
        ["Case A", "Growth", 1, 1, "t1:2"],
        ["Case A", "Relations", 2, 2, "t1:2; t2:2"],
        ["Case B", "Growth", 1, 1, "t3:2"],
        ["Case B", "Relations", 1, 1, "t3:2"],
    ]
    docx = tmp_path / "matrix.docx"
    run(runner, store, "matrix", "--evidence", "Maria", "-o", str(docx))
    import docx as python_docx

    table = python_docx.Document(str(docx)).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["Case A", "2", "1", "2"]
    wrong = runner.invoke(
        cli,
        ["--store", store, "matrix", "-o", str(tmp_path / "matrix.txt")],
    )
    assert wrong.exit_code == 1
    assert wrong.output == (
        "Error: Cannot write matrix.txt: give a file name ending in .csv, .xlsx or .docx.\n"
    )


def test_saturation_printed_and_plotted(
    small_study: Project, store: str, runner: CliRunner, tmp_path: Path
) -> None:
    result = run(runner, store, "saturation", "--evidence", "Maria")
    assert result.output == (
        "New concepts per interview, by date (Maria's codings)\n"
        "  #  Interview  Date          New  Total\n"
        "  1  t1         2022-01-10      3      3\n"
        "  2  t2         2022-02-10      2      5\n"
        "  3  t3         2022-03-01      0      5\n"
        "Last new concept: interview 2 (t2) of 3; the 1 after it added none.\n"
    )
    out = tmp_path / "saturation.csv"
    run(runner, store, "saturation", "--evidence", "Maria", "--order", "manifest", "-o", str(out))
    assert list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")))) == [
        ["number", "transcript", "case", "date", "new", "cumulative", "new_codes"],
        ["1", "t3", "Case B", "2022-03-01", "2", "2", "Export start; Trust"],
        ["2", "t1", "Case A", "2022-01-10", "2", "4", "Fees; Buyer contact"],
        ["3", "t2", "Case A", "2022-02-10", "1", "5", "Sample costs"],
    ]
    png = tmp_path / "saturation.png"
    run(runner, store, "saturation", "-o", str(png))
    from PIL import Image

    with Image.open(png) as image:
        assert image.size == (1800, 1050)  # 6 × 3.5 inches at 300 dpi
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    svg = tmp_path / "saturation.svg"
    run(runner, store, "saturation", "-o", str(svg))
    text = svg.read_text(encoding="utf-8")
    assert "last new: interview 2" in text and "style=" not in text


def test_fsqca_calibrate_warns_of_half_memberships(
    small_study: Project, store: str, runner: CliRunner, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        yaml.safe_dump(
            {"conditions": {"TRUST": {"concept": "Trust", "rubric": {"Case A": 1, "Case B": 0.5}}}}
        ),
        encoding="utf-8",
    )
    out = tmp_path / "conditions.csv"
    result = CliRunner().invoke(
        cli,
        ["--store", store, "fsqca", "calibrate", str(spec), "-o", str(out)],
    )
    assert result.exit_code == 0
    assert result.stdout == (
        f"Wrote {out} (2 case(s) × 1 condition(s)).\n"
        f"Wrote {tmp_path / 'conditions.spec.yaml'} (the calibration record).\n"
    )
    assert result.stderr == (
        "warning: Case B is exactly 0.5 in TRUST: fsQCA can place it neither in nor out of "
        "the set; move the crossover or the score.\n"
    )
    assert out.read_text(encoding="utf-8") == "case,TRUST\nCase A,1.000\nCase B,0.500\n"


def test_report_command(
    small_study: Project, store: str, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "study.html"
    result = run(runner, store, "report", "-o", str(out), "--title", "Wine <exporters>")
    size = out.stat().st_size
    assert (
        result.output
        == f"Wrote {out} ({size / 1024:,.0f} KB): 3 interview(s), 8 quote(s) in context.\n"
    )
    page = out.read_text(encoding="utf-8")
    assert "<title>Wine &lt;exporters&gt;</title>" in page


def test_the_readme_s_analysis_commands(
    sample_report: Path, runner: CliRunner, tmp_path: Path
) -> None:
    """The command lines README.md shows, on the sample study as `gioia demo` builds it."""
    import shutil

    from tests.conftest import SAMPLE

    store = str(tmp_path / "gioia.db")
    shutil.copyfile(sample_report.parent / "gioia.db", store)
    shutil.copyfile(SAMPLE / "fsqca.yaml", tmp_path / "fsqca.yaml")
    search = run(runner, store, "search", "sample*", "--case", "Case B")
    assert search.output.splitlines()[0] == "case_b_export_w1:16 · Case B · Marta Iglesias"
    assert search.output.splitlines()[-1] == "5 match(es) in 5 segment(s) of 2 transcript(s)."
    tag = run(
        runner,
        store,
        "search",
        "sample*",
        "--tag",
        "Free samples and shipping eat the margin",
        "--yes",
        coder="Ana",
    )
    assert tag.output.splitlines()[-2].startswith("Tagged ")
    matrix = run(runner, store, "matrix")
    assert matrix.output.splitlines()[:3] == [
        "Case × theme: segments (Consensus's codings)",
        "Case      T1  T2  T3  T4  T5  T6",
        "Case A     4   4   5   6   4   2",
    ]
    run(
        runner,
        store,
        "matrix",
        "--rows",
        "informant",
        "--level",
        "concept",
        "--value",
        "share",
        "-o",
        "matrix.xlsx",
    )
    cooccurrence = run(runner, store, "cooccurrence", "--level", "theme")
    assert cooccurrence.output.splitlines()[2].split() == [
        "Internationalisation",
        "drive",
        "×",
        "Cost-benefit",
        "calculus",
        "2",
        "2.3",
        "0.071",
    ]
    run(runner, store, "cooccurrence", "--level", "theme", "-o", "network.graphml")
    saturation = run(runner, store, "saturation")
    assert saturation.output.splitlines()[-1] == (
        "Last new concept: interview 4 (case_a_ceo_w2) of 7; the 3 after it added none."
    )
    run(runner, store, "saturation", "-o", "saturation.png")
    fsqca = run(runner, store, "fsqca", "calibrate", "fsqca.yaml", "-o", "conditions.csv")
    assert fsqca.output == (
        "Wrote conditions.csv (4 case(s) × 3 condition(s)).\n"
        "Wrote conditions.spec.yaml (the calibration record).\n"
    )
    assert (tmp_path / "conditions.csv").read_text(encoding="utf-8") == (
        "case,READY,LARGE,STAYED\n"
        "Case A,0.276,0.202,1.000\n"
        "Case B,0.950,0.743,0.000\n"
        "Case C,0.930,0.072,0.000\n"
        "Case D,0.152,0.922,1.000\n"
    )
    report = run(
        runner, store, "report", "-o", "study.html", "--title", "Exporters on a B2B marketplace"
    )
    assert report.output.endswith("7 interview(s), 40 quote(s) in context.\n")
    assert {p.name for p in tmp_path.iterdir()} >= {
        "matrix.xlsx",
        "network.graphml",
        "saturation.png",
        "conditions.csv",
        "conditions.spec.yaml",
        "study.html",
    }
