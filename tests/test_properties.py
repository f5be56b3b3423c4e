"""Random strings and numbers through the command line's parsers and the API, on both
engines: every outcome is a success or one ``Error:`` line, never "failed unexpectedly"
and never a value the database refuses."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gioia import GioiaError, Project
from gioia.cli import cli

from .conftest import SAMPLE, as_lead

# Any code point, surrogates (a byte that is not UTF-8 on a command line), NUL, C0 and C1
# controls and characters whose case folding grows ("ß", "ﬃ") included; some long.
ANY_CHAR = st.characters(codec=None, categories=None)
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=30),
    st.text(st.sampled_from("ßﬃ\x00\x9b\u202e a-=+@\t\n"), min_size=1, max_size=12),
    st.builds(lambda c, n: c * n, st.sampled_from("xß-"), st.integers(195, 260)),
)
NUMBER = st.one_of(st.integers(), st.integers(-3, 3), st.integers(2**31 - 3, 2**31 + 3))

COMMANDS = [
    lambda s, t, n: ["concept", "add", s, "-d", t],
    lambda s, t, n: ["concept", "rename", "Trust", s],
    lambda s, t, n: ["concept", "describe", "Trust", t],
    lambda s, t, n: ["theme", "add", s],
    lambda s, t, n: ["assign", "Trust", "--theme", s, "--new"],
    lambda s, t, n: ["tag", f"case_a_ceo_w1:{n}", "-c", s, "--new"],
    lambda s, t, n: ["tag", f"{s}:{n}", "-c", "Trust"],
    lambda s, t, n: ["tag", "case_a_ceo_w1:2", "-c", "Trust", "--span", f"{n}:{s}"],
    lambda s, t, n: ["tag", "case_a_ceo_w1:2", "-c", "Trust", "-q", s],
    lambda s, t, n: ["memo", "case_a_ceo_w1:2", "--text", s + t],
    lambda s, t, n: ["memo", s, "--text", t],
    lambda s, t, n: ["segments", "-t", s],
    lambda s, t, n: ["segments", "-g", s, "-t", "case_a_ceo_w1"],
    lambda s, t, n: ["segments", "-c", s],
    lambda s, t, n: ["log", "-c", s, "-n", str(n)],
    lambda s, t, n: ["log", "--coder", s, "--since", t],
    lambda s, t, n: ["review", f"case_a_ceo_w1:{n}"],
    lambda s, t, n: ["coders", "rename", "Maria", s],
    lambda s, t, n: ["--coder", s, "review", "case_a_ceo_w1:2"],
    lambda s, t, n: ["quotes", "pick", "Trust", f"case_a_ceo_w1:{n}"],
    lambda s, t, n: ["quotes", "--per-concept", str(n), "--coder", s, "-o", "q.md"],
    lambda s, t, n: ["agreement", "--seed", str(n), "--bootstrap", str(n), "-c", s],
    lambda s, t, n: ["agreement", "--wave", s, "--case", t],
    lambda s, t, n: ["figure", "--max-width", f"{n}{s}", "--font", t],
    lambda s, t, n: ["figure", "--max-height", f"{n}{s}", "--split", "dimension"],
    lambda s, t, n: ["structure", "export", "-o", f"{s}.csv"],
    lambda s, t, n: ["search", s, "--speaker", t],
    lambda s, t, n: ["search", s, "--regex", "--case", t],
    lambda s, t, n: ["matrix", "--coder", s, "-o", f"{t}.csv"],
    lambda s, t, n: ["cooccurrence", "--min-count", str(n), "--coder", s],
    lambda s, t, n: ["saturation", "--coder", s],
    lambda s, t, n: ["codings", "export", "--only", s],
    lambda s, t, n: ["import", "extra.txt", "--case", s, "--wave", t, "--replace"],
    lambda s, t, n: ["import", "extra.txt", "--informant", s, "--role", t],
    lambda s, t, n: ["import", "extra.txt", "--attr", f"{s}={t}", "--date", t],
    lambda s, t, n: ["import", "extra.txt", "--attr", f"case.{s}={t}", "--case", "Case Z"],
]


@pytest.fixture
def study(store: str, tmp_path: Path) -> str:
    with Project.open(store, coder="Maria") as project:
        as_lead(project).import_files([SAMPLE / "case_a_ceo_w1.txt"])
        project.tag(["case_a_ceo_w1:2"], "Trust", create=True)
    (tmp_path / "extra.txt").write_text("Interviewer: Why?\n\nAnna: Because.\n", encoding="utf-8")
    return store


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(COMMANDS), text=TEXT, other=TEXT, number=NUMBER)
def test_the_command_line_answers_every_input_with_success_or_one_error_line(
    study: str, tmp_path: Path, command: object, text: str, other: str, number: int
) -> None:
    args = command(text, other, number)  # type: ignore[operator]
    result = CliRunner().invoke(cli, ["--store", study, "--coder", "Maria", *args])
    output = result.output
    assert "failed unexpectedly" not in output, (args, output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        result.exception,
    )
    if result.exit_code:
        errors = [  # import reports a file that failed on its own line, and goes on
            line for line in output.splitlines() if line.startswith(("Error", "failed "))
        ]
        assert len(errors) == 1, (args, output)
        assert result.exit_code in (1, 2), (args, output)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=TEXT, text=TEXT, number=NUMBER)
def test_the_api_answers_every_input_with_a_result_or_a_gioia_error(
    study: str, name: str, text: str, number: int
) -> None:
    with Project.open(study, coder="Maria") as project:
        calls = [
            lambda: project.add_item("concept", name, text),
            lambda: project.add_memo(f"case_a_ceo_w1:{number}", text),
            lambda: project.add_memo(name, text),
            lambda: project.tag([f"case_a_ceo_w1:{number}"], name, create=True),
            lambda: project.segments(transcript=name, grep=text),
            lambda: project.log(concept=name, by=text),
            lambda: as_lead(project).rename_item("concept", "Trust", name),
            lambda: as_lead(project).describe_item("concept", "Trust", text),
            lambda: project.items("concept"),
        ]
        for call in calls:
            with contextlib.suppress(GioiaError):
                call()
        names = [c.name for c in project.items("concept")]
    assert all(len(n) <= 200 for n in names)
