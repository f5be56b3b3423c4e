"""The README is a test: every command line it shows runs, in order, as a new user would
type them on the sample study, and prints what the README says it prints.

- In ```console blocks a line ``$ COMMAND`` runs and the lines after it, up to the next
  ``$``, are its output: each must be there, in order, with ``…`` standing for lines
  left out (and, inside a line, for what varies, as a file's size); a line that starts
  with a prompt (``> `` of `gioia code`, the decision prompt of `gioia reconcile`) is
  typed in, as through a pipe. ```bash blocks run line by line; ```python blocks run as
  Python; a ```csv NAME block is a file the reader saves as NAME. All share one folder
  and environment, so later blocks see what earlier ones made (``export`` sets a
  variable).
- A block after ``<!-- illustration -->`` is only shown (installing, running the tests):
  the marker is explicit and rare.
- Besides ``gioia``, only ``cat FILE`` runs (it prints a file the commands wrote).
- A file a command reads that no earlier step made (a real NVivo export) comes from the
  shared files (``tests/shared.py``); where they are absent that command is left out,
  and the test fails instead under ``GIOIA_REQUIRE_SHARED=1``, as CI sets it.
- ``gioia …`` in running text and tables is a synopsis: its commands, options and
  arguments must exist.

Commands others add to the README are picked up the same way.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import textwrap
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gioia.cli import cli
from gioia.cli.agreement import DONE_PROMPT
from gioia.cli.agreement import PROMPT as DECISION_PROMPT

from .shared import missing_reason, required, shared_dir

README = Path(__file__).resolve().parent.parent / "README.md"
ILLUSTRATION = "<!-- illustration -->"
MAX_ILLUSTRATIONS = 3
PROMPTS = ("> ", DECISION_PROMPT, DONE_PROMPT)
ELISION = "…"
_FENCE = re.compile(r"^( *)```(\w*)\s*(\S*)\s*$")
_TIME = re.compile(r"\d{4}-\d\d-\d\d( \d\d:\d\d(:\d\d)?)?")


@dataclass
class Step:
    """One command of the README, where it is, and what it must print."""

    line: int
    kind: str  # console, bash, python or file
    command: str
    expected: list[str] = field(default_factory=list)


def steps(text: str) -> Iterator[Step]:
    """The commands of the README's blocks, in order (illustrations left out)."""
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        fence = _FENCE.match(lines[number])
        if fence is None:
            number += 1
            continue
        indent, kind, start = len(fence[1]), fence[2], number + 1
        end = next(n for n in range(start, len(lines)) if lines[n].lstrip().startswith("```"))
        before = next((lines[n] for n in range(number - 1, -1, -1) if lines[n].strip()), "")
        number = end + 1
        if before.strip() == ILLUSTRATION:
            continue
        body = [line[indent:] for line in lines[start:end]]  # a block inside a list item
        if kind == "console":
            step: Step | None = None
            for offset, line in enumerate(body):
                if line.startswith("$ "):
                    if step is not None:
                        yield step
                    step = Step(start + offset + 1, kind, line[2:])
                elif step is not None:
                    step.expected.append(line.rstrip())
            if step is not None:
                yield step
        elif kind in ("bash", "sh", "shell"):
            for offset, line in enumerate(body):
                if line.strip() and not line.lstrip().startswith("#"):
                    yield Step(start + offset + 1, kind, line)
        elif kind == "python":
            yield Step(start + 1, kind, "\n".join(body))
        elif fence[3]:  # a file to save, e.g. ```csv themes.csv
            yield Step(start, "file", fence[3], body)


def typed(expected: list[str]) -> str | None:
    """What a person typed at the prompts shown in a command's output, as stdin."""
    lines = [
        line[len(prompt) :] if line.startswith(prompt) else ""
        for line in expected
        for prompt in PROMPTS
        if line.startswith(prompt.rstrip())
    ]
    return "".join(f"{line}\n" for line in lines) if lines else None


def _normal(line: str) -> str:
    return _TIME.sub("DATE", line.rstrip())


def mismatch(expected: list[str], actual: list[str]) -> str | None:
    """Why ``actual`` is not what ``expected`` shows (None if it is): the shown lines in
    order, each run of them consecutive, ``…`` for lines left out."""
    shown = [_normal(line) for line in expected]
    got = [_normal(line) for line in actual]
    while shown and not shown[-1]:
        shown.pop()
    for lines in (shown, got):  # blank lines before the first one do not count
        while lines and not lines[0]:
            lines.pop(0)
    chunks: list[list[str]] = [[]]

    def same(at: int, chunk: list[str]) -> bool:
        return all(_matches(line, got[at + n]) for n, line in enumerate(chunk))

    for line in shown:
        if line == ELISION:
            chunks.append([])
        else:
            chunks[-1].append(line)
    open_start = bool(shown) and shown[0] == ELISION
    open_end = bool(shown) and shown[-1] == ELISION
    position = 0
    for index, chunk in enumerate(chunks):
        if not chunk:
            continue
        anchored = index == 0 and not open_start
        candidates = [position] if anchored else range(position, len(got) - len(chunk) + 1)
        found = next(
            (at for at in candidates if at + len(chunk) <= len(got) and same(at, chunk)), None
        )
        if found is None:
            return f"these lines are not in the output, in this order: {chunk}"
        position = found + len(chunk)
    rest = [line for line in got[position:] if line]
    if not open_end and rest:  # nothing shown after a command: it prints nothing
        return f"the output goes on after the lines shown: {rest[:3]}"
    return None


def _matches(shown: str, line: str) -> bool:
    """A shown line is the line printed, or its pattern with ``…`` for what varies."""
    if shown == line:
        return True
    if ELISION not in shown:
        return False
    pattern = ".*".join(re.escape(part) for part in shown.split(ELISION))
    return re.fullmatch(pattern, line) is not None


class Shell:
    """One folder and environment for the whole README."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env: dict[str, str] = {"COLUMNS": "80"}
        self.runner = CliRunner()
        self.left_out: list[str] = []

    def _has_inputs(self, step: Step, words: list[str]) -> bool:
        """Bring the shared files a command names (.qdpx, .qdc) into the folder; False
        (the command is left out) when they are absent."""
        for word in words:
            if not word.endswith((".qdpx", ".qdc")) or (self.folder / word).exists():
                continue
            if "-o" in words and words[words.index("-o") + 1 :][:1] == [word]:
                continue  # written, not read
            source = shared_dir() / "refi" / word
            if source.is_file():
                shutil.copyfile(source, self.folder / word)
            elif required():
                raise AssertionError(f"README.md:{step.line}: {missing_reason(source)}")
            else:
                self.left_out.append(f"README.md:{step.line} ({missing_reason(source)})")
                return False
        return True

    def run(self, step: Step) -> None:
        if step.kind == "file":
            (self.folder / step.command).write_text(
                "".join(f"{line}\n" for line in step.expected), encoding="utf-8"
            )
            return
        if step.kind == "python":
            code = compile(step.command, f"README.md:{step.line}", "exec")
            exec(code, {"__name__": "readme"})
            return
        words = shlex.split(step.command)
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            self.env[name] = value
            return
        if words[0] == "cat" and len(words) == 2:
            text = (self.folder / words[1]).read_text(encoding="utf-8")
            why = mismatch(step.expected, text.splitlines())
            assert why is None, f"README.md:{step.line}: {words[1]} holds otherwise: {why}"
            return
        if not self._has_inputs(step, words):
            return
        if words[0] != "gioia":
            raise AssertionError(
                f"README.md:{step.line} runs {words[0]!r}: only gioia commands run in the "
                f"test; mark the block {ILLUSTRATION} if it is only to be shown"
            )
        result = self.runner.invoke(cli, words[1:], input=typed(step.expected), env=self.env)
        output = result.output.splitlines()
        failed = result.exit_code != 0 and not any(
            line.startswith("Error:") for line in step.expected
        )
        assert not failed, f"README.md:{step.line}: `{step.command}` failed:\n{result.output}"
        why = mismatch(step.expected, output)
        assert why is None, (
            f"README.md:{step.line}: `{step.command}` prints otherwise: {why}\n"
            f"It printed:\n{textwrap.indent(result.output, '    ')}"
        )


def test_every_command_line_of_the_readme_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = README.read_text(encoding="utf-8")
    assert 0 < text.count(ILLUSTRATION) <= MAX_ILLUSTRATIONS
    monkeypatch.setenv("COLUMNS", "80")
    shell = Shell(tmp_path)
    found = list(steps(text))
    assert sum(s.kind == "console" for s in found) >= 20
    for step in found:
        shell.run(step)
    assert os.getcwd() == str(tmp_path)
    for reason in shell.left_out:
        warnings.warn(f"Left out {reason}", stacklevel=1)


def _synopses(text: str) -> Iterator[tuple[int, str]]:
    """``gioia …`` in running text and tables, outside fenced blocks."""
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            inside = not inside
            continue
        if not inside:
            for span in re.findall(r"`(gioia [^`]+)`", line):
                yield number, span.replace("\\|", "|")


GLOBAL = {"--store", "--coder", "--debug", "--version", "-h", "--help"}


def _commands(path: list[list[str]]) -> list[click.Command]:
    """The commands a synopsis path names (``a|b`` is either)."""
    found: list[click.Command] = [cli]
    for alternatives in path:
        found = [
            sub
            for command in found
            for name in alternatives
            if isinstance(command, click.Group)
            and (sub := command.get_command(click.Context(command), name)) is not None
        ]
    return found


def check_synopsis(span: str) -> str | None:
    """Why a synopsis does not match the command line (None if it does)."""
    words = [w.strip("[]") for w in span.split()[1:]]
    words = [w for w in words if w and w not in ("…", "...")]
    while words and words[0] in GLOBAL:
        words = words[2:] if words[0] in ("--store", "--coder") else words[1:]
    path: list[list[str]] = []
    command: click.Command = cli
    while words:
        names = words[0].split("|")
        nested = _commands([*path, names])
        if not nested or len(nested) != len(_commands(path)) * len(names):
            break
        path.append(names)
        words.pop(0)
    commands = _commands(path)
    if not path or not commands:
        return f"no command {span.split()[1]!r}"
    commands = [  # a group that passes other words to a default command (`gioia memo T:N`)
        c.commands[c.default] if isinstance(c, click.Group) and hasattr(c, "default") else c
        for c in commands
    ]
    for command in commands:
        params = [p for p in command.params if not getattr(p, "hidden", False)]
        options = {o: p for p in params for o in (*p.opts, *p.secondary_opts)}
        arguments = [p for p in params if isinstance(p, click.Argument)]
        skip = False
        for word in words:
            if skip and not word.startswith("-"):  # `[--level]` shows no value
                skip = False
                continue
            if word.startswith("-"):
                for name in re.split(r"[/|]", word.partition("=")[0]):
                    name = name if name.startswith("-") else f"--{name}"
                    if name not in options and name not in ("-h", "--help"):
                        return f"`gioia {command.name}` has no option {name}"
                option = options.get(re.split(r"[/|=]", word)[0])
                skip = option is not None and not getattr(option, "is_flag", False)
                skip = skip and "=" not in word
            elif not arguments and not (isinstance(command, click.Group) and command.commands):
                return f"`gioia {command.name}` takes no argument {word!r}"
    return None


def test_every_synopsis_in_the_readme_is_a_real_command() -> None:
    text = README.read_text(encoding="utf-8")
    found = list(_synopses(text))
    assert len(found) >= 30
    wrong = [(line, span, why) for line, span in found if (why := check_synopsis(span))]
    assert wrong == []


def test_the_readme_checks_catch_drift() -> None:
    assert check_synopsis("gioia structure export F.csv") is None
    assert check_synopsis("gioia log [--coder C]") == "`gioia log` has no option --coder"
    assert check_synopsis("gioia nothing") == "no command 'nothing'"
    assert (
        check_synopsis("gioia transcripts F.csv") == "`gioia transcripts` takes no argument 'F.csv'"
    )
    assert mismatch(["a", "…", "c"], ["a", "b", "c"]) is None
    assert mismatch(["a", "c"], ["a", "b", "c"]) is not None
    assert mismatch(["…", "b"], ["a", "b"]) is None
    assert mismatch(["a"], ["a", "b"]) == "the output goes on after the lines shown: ['b']"
    assert mismatch([], ["a"]) == "the output goes on after the lines shown: ['a']"
    assert mismatch(["…"], ["a"]) is None
    assert mismatch(["Wrote f (… KB)."], ["Wrote f (12 KB)."]) is None
    assert mismatch(["Wrote f (… KB)."], ["Wrote g (12 KB)."]) is not None
    assert check_synopsis("gioia matrix [--level] [--value count|share]") is None
    assert typed(["x", "> +Trust", "> ", "y"]) == "+Trust\n\n"
    (step,) = steps(f"{ILLUSTRATION}\n```bash\nrm -rf /\n```\n```console\n$ gioia init\nok\n```")
    assert (step.line, step.command, step.expected) == (6, "gioia init", ["ok"])
    (step,) = steps("- in a list item:\n\n  ```console\n  $ gioia init\n  ok\n  ```\n")
    assert (step.line, step.command, step.expected) == (4, "gioia init", ["ok"])
