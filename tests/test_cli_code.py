"""`gioia code` through a pipe, a pseudo-terminal and a SIGKILL; review, progress, coders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project
from gioia.cli import cli

from .conftest import SAMPLE, run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def study(store: str, runner: CliRunner) -> str:
    result = run(runner, store, "import", "--manifest", str(SAMPLE / "manifest.csv"))
    assert result.exit_code == 0
    result = run(runner, store, "structure", "import", str(SAMPLE / "structure.csv"))
    assert result.exit_code == 0
    return store


def state(store: str, coder: str) -> tuple[list[tuple[str, str, str]], int]:
    """The coder's codings (segment, concept, quote) and the number of segments reviewed."""
    with Project.open(store, coder=coder) as project:
        codings = [(r.segment, r.concept, r.quote) for r in project.codings() if r.coder == coder]
        reviewed = sum(r.reviewed for r in project.progress() if r.coder == coder)
    return codings, reviewed


HOME = "The home market is not enough any more"
OWNER = "If the owner does not believe in it, nothing moves"


def test_a_session_through_a_pipe(study: str, runner: CliRunner) -> None:
    lines = [
        f"{HOME};{OWNER}",  # two concepts on case_a_ceo_w1:2, which is now reviewed
        "",  # next: case_a_ceo_w1:4
        "b",  # back to :2
        "u",  # undo the last line that changed something: both tags and the review
        "Family mill",  # not a concept: from a script, only +NAME creates one
        "+Family mill",
        'q "we cannot depend on them alone any more" +Chains',  # words of :4, not :2
        "zz",  # not a concept either
        "m Compare with wave 2.",
        "d Family mill",
        "x",
    ]
    out = _ann_codes(study, runner, lines).splitlines()
    headers = [line for line in out if line.startswith("case_a_ceo_w1 · ")]
    assert headers == [
        "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 2/28 · queue 1/14",
        "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 4/28 · queue 2/14",
        "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 2/28 · queue 1/14",
    ]
    assert [line for line in out if line.startswith("Undid: ")] == [
        f"Undid: Tagged case_a_ceo_w1:2 with {OWNER!r}",
        "Undid: Reviewed case_a_ceo_w1:2",
        f"Undid: Tagged case_a_ceo_w1:2 with {HOME!r}",
    ]
    assert "There is no concept 'Family mill': write +Family mill to create it." in out
    assert (
        "Error: The quote 'we cannot depend on them alone any more' is not in case_a_ceo_w1:2."
        in out
    )
    assert "There is no concept 'zz': write +zz to create it." in out
    assert "Memo #1 added to case_a_ceo_w1:2." in out
    assert "Family mill  (not in the structure)" in out
    assert out[-1] == "Saved. 13 segment(s) still to review here."
    assert state(study, "Ann") == ([("case_a_ceo_w1:2", "Family mill", "")], 1)
    with Project.open(study) as project:
        assert not project.concept_exists("Chains")


def test_pipe_session_resumes_where_it_stopped(study: str, runner: CliRunner) -> None:
    first = run(
        runner, study, "code", "-t", "case_a_ceo_w1", input=f"{HOME}\n\nb\nx\n", coder="Ann"
    )
    assert first.exit_code == 0
    again = run(runner, study, "code", "-t", "case_a_ceo_w1", input="x\n", coder="Ann")
    header = [line for line in again.output.splitlines() if line.startswith("case_a_ceo_w1 · ")]
    assert header == ["case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 4/28 · queue 1/13"]
    codings, reviewed = state(study, "Ann")
    assert (codings, reviewed) == ([("case_a_ceo_w1:2", HOME, "")], 1)


def test_unknown_command_and_bad_quote_keep_the_segment(study: str, runner: CliRunner) -> None:
    result = run(
        runner,
        study,
        "code",
        "-t",
        "case_a_ceo_w1",
        input=f'z\nq "words that are not there" {HOME}\nr Nothing\nx\n',
        coder="Ann",
    )
    lines = result.output.splitlines()
    assert "Unknown command 'z': type ? for help." in lines
    assert "Error: The quote 'words that are not there' is not in case_a_ceo_w1:2." in lines
    assert "Error: No concept 'Nothing'." in lines
    assert [line for line in lines if line.startswith("case_a_ceo_w1 · ")] == [
        "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 2/28 · queue 1/14"
    ]
    assert state(study, "Ann") == ([], 0)


def test_code_needs_a_coder_and_reports_an_empty_queue(study: str, runner: CliRunner) -> None:
    result = run(runner, study, "code", input="x\n")
    assert result.exit_code == 2
    run(runner, study, "review", "--transcript", "case_d_md_w2", coder="Ann")
    result = run(runner, study, "code", "-t", "case_d_md_w2", input="x\n", coder="Ann")
    assert result.output.splitlines()[0] == (
        "Nothing left to review here: every segment has been reviewed."
    )


def test_blind_coding_in_sessions_and_listings(study: str, runner: CliRunner) -> None:
    run(runner, study, "code", "-t", "case_a_ceo_w1", input=f"{HOME}\nx\n", coder="Ann")
    bob = run(runner, study, "code", "-t", "case_a_ceo_w1", input="x\n", coder="Bob")
    assert HOME not in bob.output
    shown = run(runner, study, "show", "case_a_ceo_w1", coder="Bob").output
    assert HOME not in shown
    others = run(runner, study, "show", "case_a_ceo_w1", "--show-others", coder="Bob").output
    assert f"▸ {HOME} [Ann]" in others
    listed = json.loads(
        run(runner, study, "segments", "--json", "-t", "case_a_ceo_w1", coder="Bob").output
    )
    assert all(s["codings"] == [] for s in listed)


def test_review_progress_and_coders_commands(study: str, runner: CliRunner) -> None:
    out = run(runner, study, "review", "case_a_ceo_w1:2", "case_a_ceo_w1:4", coder="Ann")
    assert out.output == "Marked 2 segment(s) as reviewed.\n"
    out = run(runner, study, "review", "--transcript", "case_a_ceo_w1", coder="Ann")
    assert out.output == "Marked 12 segment(s) as reviewed; 2 already were.\n"
    out = run(runner, study, "review", "case_a_ceo_w1:4", "--undo", coder="Ann")
    assert out.output == "Marked 1 segment(s) as not reviewed.\n"
    rows = json.loads(run(runner, study, "progress", "--json").output)
    ann = [r for r in rows if r["coder"] == "Ann" and r["transcript"] == "case_a_ceo_w1"]
    assert ann == [
        {"coder": "Ann", "transcript": "case_a_ceo_w1", "reviewed": 13, "total": 14, "codings": 0}
    ]
    text = run(runner, study, "progress").output
    assert text.splitlines()[-1] == "Ann: 13/98 segments reviewed (13%)."
    assert run(runner, study, "coders", "rename", "Ann", "Anna").output == (
        "Renamed coder 'Ann' to 'Anna'.\n"
    )
    table = run(runner, study, "coders").output.splitlines()
    assert table[:2] == [
        "Phase: blind open coding (each coder's new concept names, codings and memos are",
        "  private until the structure adopts the concepts or the memos are shared).",
    ]
    assert table[2].split() == ["Coder", "Reviewed", "Codings", "Concepts", "Transcripts"]
    assert table[3].split() == ["Anna", "13", "0", "0", "0"]


def _spawn_session(store: str, coder: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gioia", "--store", store, "--coder", coder, "code", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _wait_for(predicate, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_sigkill_loses_nothing_entered(study: str) -> None:
    session = _spawn_session(study, "Ann", "-t", "case_a_ceo_w1")
    assert session.stdin is not None
    session.stdin.write(f"{HOME}\n\n{OWNER}\n")
    session.stdin.flush()
    _wait_for(lambda: len(state(study, "Ann")[0]) == 2)
    session.send_signal(signal.SIGKILL)
    session.wait(timeout=10)
    assert session.returncode == -signal.SIGKILL
    codings, reviewed = state(study, "Ann")
    assert codings == [("case_a_ceo_w1:2", HOME, ""), ("case_a_ceo_w1:4", OWNER, "")]
    assert reviewed == 2


def test_two_sessions_of_one_coder_keep_all_their_work(study: str) -> None:
    sessions = [
        _spawn_session(study, "Ann", "-t", "case_a_ceo_w1"),
        _spawn_session(study, "Ann", "-t", "case_a_ceo_w1", "--from", "case_a_ceo_w1:10"),
    ]
    commands = [
        f"{HOME}\n\n{OWNER}\n\nx\n",
        f"{OWNER};+Speed\n\n{HOME}\n\nx\n",
    ]
    outputs = [s.communicate(c, timeout=60) for s, c in zip(sessions, commands, strict=True)]
    assert [s.returncode for s in sessions] == [0, 0], outputs
    codings, reviewed = state(study, "Ann")
    assert sorted(codings) == sorted(
        [
            ("case_a_ceo_w1:10", "Speed", ""),
            ("case_a_ceo_w1:10", OWNER, ""),
            ("case_a_ceo_w1:12", HOME, ""),
            ("case_a_ceo_w1:2", HOME, ""),
            ("case_a_ceo_w1:4", OWNER, ""),
        ]
    )
    assert reviewed == 4


def test_two_coders_at_once_never_see_each_other(study: str) -> None:
    ann = _spawn_session(study, "Ann", "-t", "case_a_ceo_w1")
    bob = _spawn_session(study, "Bob", "-t", "case_a_ceo_w1")
    ann_out, _ = ann.communicate(f"{HOME}\n\n\nx\n", timeout=60)
    bob_out, _ = bob.communicate(f"{OWNER}\n\n\nx\n", timeout=60)
    assert HOME not in bob_out and OWNER not in ann_out
    assert state(study, "Ann")[0] == [("case_a_ceo_w1:2", HOME, "")]
    assert state(study, "Bob")[0] == [("case_a_ceo_w1:2", OWNER, "")]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_full_session_in_a_terminal(study: str) -> None:
    """Completion, multi-tagging, a new concept, a quote, undo, a memo, next, back, quit
    and resume, typed into a pseudo-terminal; the store is checked after each step."""
    import pexpect

    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    command = ["-m", "gioia", "--store", study, "--coder", "Ann", "code", "-t", "case_a_ceo_w1"]

    def spawn() -> pexpect.spawn:
        return pexpect.spawn(
            sys.executable,
            command,
            cwd=str(ROOT),
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 100),
        )

    def key(text: str, screen: str) -> None:
        child.send(text)
        child.expect_exact(screen)

    def ready() -> None:  # the prompt is drawn and reads keys (bracketed paste on, cursor shown)
        child.expect_exact("\x1b[?2004h")
        child.expect_exact("\x1b[?25h")

    child = spawn()
    child.expect_exact("queue 1/14")
    ready()
    key("home ma", "Internationalisation drive")  # the completion menu shows the theme
    key("\t", HOME)
    key("\r", f"▸ {HOME}")
    assert state(study, "Ann") == ([("case_a_ceo_w1:2", HOME, "")], 1)
    key(f"{OWNER};+Family mill\r", "▸ Family mill")
    assert len(state(study, "Ann")[0]) == 3
    key('q "a family mill" Family mill\r', "▸ Family mill: “a family mill”")
    assert ("case_a_ceo_w1:2", "Family mill", "a family mill") in state(study, "Ann")[0]
    key("u\r", "Undid: Tagged case_a_ceo_w1:2 with 'Family mill': 'a family mill'")
    assert len(state(study, "Ann")[0]) == 3
    key("m A family firm since 1962.\r", "added to case_a_ceo_w1:2")
    key("\r", "queue 2/14")
    key("b\r", "queue 1/14")
    key("x\r", "Saved. 13 segment(s) still to review here.")
    child.expect(pexpect.EOF)
    codings, reviewed = state(study, "Ann")
    assert sorted(codings) == sorted(
        [
            ("case_a_ceo_w1:2", "Family mill", ""),
            ("case_a_ceo_w1:2", OWNER, ""),
            ("case_a_ceo_w1:2", HOME, ""),
        ]
    )
    assert reviewed == 1
    child = spawn()
    child.expect_exact("4/28 · queue 1/13")
    ready()
    child.sendcontrol("d")
    child.expect_exact("Saved. 13 segment(s) still to review here.")
    child.expect(pexpect.EOF)


def test_a_narrow_terminal_without_colour(study: str) -> None:
    runner = CliRunner(env={"COLUMNS": "36", "NO_COLOR": "1"})
    result = run(runner, study, "code", "-t", "case_a_ceo_w1", input=f"{HOME}\nx\n", coder="Ann")
    lines = result.output.splitlines()
    long = [line for line in lines if len(line) > 36 and not line.startswith(("> ", "Saved."))]
    assert long == []
    assert "\x1b[" not in result.output
    assert "  ▸ The home market is not enough" in lines


def test_going_to_the_last_segment_returns_to_the_queue(study: str, runner: CliRunner) -> None:
    result = run(
        runner, study, "code", "-t", "case_a_ceo_w1", input="g case_a_ceo_w1:28\n\nx\n", coder="Ann"
    )
    headers = [line for line in result.output.splitlines() if line.startswith("case_a_ceo_w1 · ")]
    assert headers == [
        "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 2/28 · queue 1/14",
        "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 28/28 · queue 14/14",
        "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · 2/28 · queue 1/14",
    ]


def test_a_quote_for_two_concepts_and_memos_in_a_session(study: str, runner: CliRunner) -> None:
    lines = [
        'q "we cannot depend on them alone any more" +Chains; ' + HOME,
        "m",  # no memo yet
        "m Compare with wave 2.",
        "m",
        "x",
    ]
    result = run(
        runner,
        study,
        "code",
        "--from",
        "case_a_ceo_w1:4",
        input="\n".join(lines) + "\n",
        coder="Ann",
    )
    out = result.output.splitlines()
    assert "  ▸ Chains: “we cannot depend on them alone any more”" in out
    assert f"  ▸ {HOME}: “we cannot depend on them alone any" in out  # wrapped at 80
    assert "No memo on this segment: m TEXT writes one." in out
    assert "  ✎ 1 memo(s) here: m to read" in out
    memo_at = out.index("> m", out.index("Memo #1 added to case_a_ceo_w1:4."))
    assert out[memo_at + 1].startswith("  ✎ #1 Ann, 20")
    assert out[memo_at + 2] == "    Compare with wave 2."
    assert state(study, "Ann")[0] == [
        ("case_a_ceo_w1:4", "Chains", "we cannot depend on them alone any more"),
        ("case_a_ceo_w1:4", HOME, "we cannot depend on them alone any more"),
    ]


def test_bad_bytes_and_control_characters_do_not_end_a_session(
    study: str, runner: CliRunner
) -> None:
    script = (
        b"+Caf\xe9 culture\n"  # Latin-1, not UTF-8: skipped with a message
        b"m before\x00after\n"  # a NUL in a memo: refused, on PostgreSQL too
        b"+Family \xc2\x9b mill\n"  # a C1 control (CSI) in a name: refused
        b"+Family mill\n"
        b"x\n"
    )
    result = runner.invoke(
        cli,
        ["--store", study, "--coder", "Ann", "code", "-t", "case_a_ceo_w1"],
        input=script,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert "Error: that line is not UTF-8 text (byte 0xE9 at position 4); it was skipped." in out
    assert "Error: A memo cannot hold control characters (it holds U+0000): remove it." in out
    assert (
        "Error: A concept name cannot hold control characters (it holds U+009B): remove it." in out
    )
    assert out[-1] == "Saved. 13 segment(s) still to review here."
    assert state(study, "Ann") == ([("case_a_ceo_w1:2", "Family mill", "")], 1)


def _ann_codes(study: str, runner: CliRunner, lines: list[str], *options: str) -> str:
    """Ann's session on case_a_ceo_w1 (with ``options``), typing ``lines``: what it
    printed (exit code 0)."""
    command = ["code", "-t", "case_a_ceo_w1", *options]
    result = run(runner, study, *command, input="\n".join(lines) + "\n", coder="Ann")
    assert result.exit_code == 0, result.output
    return result.output


def _headers(output: str) -> list[str]:
    """The position and queue place of each segment a session shows."""
    prefix = "case_a_ceo_w1 · Case A · Lorenzo Bellandi (CEO) · "
    return [line.removeprefix(prefix) for line in output.splitlines() if line.startswith(prefix)]


def test_enter_after_going_elsewhere_returns_to_the_queue(study: str, runner: CliRunner) -> None:
    """`g` to an interviewer turn, then Enter: back to the queue's next pending segment,
    said so, not on to the turn after; `g` to a pending one walks on in the queue."""
    script = ["", "", "g case_a_ceo_w1:3", "", "g case_a_ceo_w1:10", "", "x"]
    output = _ann_codes(study, runner, script)
    assert _headers(output) == [
        "2/28 · queue 1/14",
        "4/28 · queue 2/14",
        "6/28 · queue 3/14",
        "3/28",
        "6/28 · queue 3/14",
        "10/28 · queue 5/14",
        "12/28 · queue 6/14",
    ]
    lines = output.splitlines()
    assert [line for line in lines if line.startswith("Back to")] == [
        "Back to your queue: case_a_ceo_w1:6"
    ]
    assert state(study, "Ann")[1] == 3  # :2, :4 and :10 (progress counts informant turns)


def test_from_a_reviewed_segment_then_the_queue(study: str, runner: CliRunner) -> None:
    """``--from`` a segment already reviewed shows it, then goes on with the queue."""
    run(runner, study, "review", "case_a_ceo_w1:2", "case_a_ceo_w1:4", coder="Ann")
    output = _ann_codes(study, runner, ["", "x"], "--from", "case_a_ceo_w1:4")
    assert _headers(output) == ["4/28", "6/28 · queue 1/12"]
    assert "Back to your queue: case_a_ceo_w1:6" in output.splitlines()


def test_commands_without_their_argument_say_how(study: str, runner: CliRunner) -> None:
    output = _ann_codes(study, runner, ["g", "r", "d", "?", "x"])
    lines = output.splitlines()
    hints = [line for line in lines if line.startswith("Write: ")]
    assert hints == [
        "Write: g TRANSCRIPT:N to go to a segment.",
        "Write: r CONCEPT to remove a concept from this segment.",
        "Write: d CONCEPT to read a concept's definition.",
    ]
    assert "  g T:N        go to a segment (Enter there: back to your queue)" in lines
    assert _headers(output) == ["2/28 · queue 1/14"]


def test_a_session_ends_when_the_queue_is_done(study: str, runner: CliRunner) -> None:
    """Reviewing the last pending segment ends the session in one line."""
    with Project.open(study, coder="Ann") as ann:
        queue = ann.queue(transcript="case_a_ceo_w1")
        ann.review(transcript="case_a_ceo_w1")
        ann.unreview(["case_a_ceo_w1:28"])
    assert len(queue) == 14
    output = _ann_codes(study, runner, [""])
    lines = output.splitlines()
    assert lines[-2:] == [
        "Your queue is done: every informant segment is reviewed.",
        "Saved. 0 segment(s) still to review here.",
    ]
    assert _headers(output) == ["28/28 · queue 1/1"]
