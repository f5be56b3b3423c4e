"""The agreement pages run as printed: every command in docs/agreement.md and in the
README's "Agreement and consensus" section, with the output shown there."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia.cli import cli

from .conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "agreement.md"
README = ROOT / "README.md"


def _blocks(text: str, kind: str) -> list[tuple[str, str]]:
    """The fenced blocks of a kind (``console``, ``csv``): (the rest of the info line,
    the body)."""
    found = re.findall(rf"^```{kind}([^\n]*)\n(.*?)^```$", text, flags=re.M | re.S)
    return [(info.strip(), body) for info, body in found]


def _sessions(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ command`` of the console blocks with the output lines shown after it."""
    sessions: list[tuple[str, list[str]]] = []
    for _, body in _blocks(text, "console"):
        for line in body.splitlines():
            if line.startswith("$ "):
                sessions.append((line[2:], []))
            elif sessions:
                sessions[-1][1].append(line)
    return sessions


def _agreement_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Agreement and consensus")
    ends = [text.find(heading, start + 1) for heading in ("\n## ", "\n### ")]
    return text[start : min(end for end in ends if end >= 0)]


def _shown_in(expected: list[str], actual: list[str]) -> None:
    """The lines shown appear in order; "…" stands for lines left out, and a line cut
    with "…" for a line that starts so."""
    position = 0
    for line in expected:
        if line.strip() == "…":
            continue
        prefix = line.split("…")[0].rstrip() if "…" in line else None
        for index in range(position, len(actual)):
            if actual[index] == line or (prefix is not None and actual[index].startswith(prefix)):
                position = index + 1
                break
        else:
            raise AssertionError(f"Not in the output, in order: {line!r}\n" + "\n".join(actual))


def _run(command: str, env: dict[str, str]) -> list[str]:
    args = shlex.split(command)
    assert args[0] == "gioia", command
    result = CliRunner(env=env).invoke(cli, args[1:], input="", catch_exceptions=False)
    assert result.exit_code == 0, (command, result.output)
    return result.output.splitlines()


def _play(text: str, folder: Path, store: str | None) -> int:
    """Run every command of ``text`` in ``folder`` and compare; how many ran."""
    env = {"GIOIA_STORE": store} if store else {}
    for info, body in _blocks(DOCS.read_text(encoding="utf-8"), "csv"):
        (folder / info).write_text(body, encoding="utf-8")
    ran = 0
    for command, expected in _sessions(text):
        if command.startswith("export GIOIA_STORE="):
            env["GIOIA_STORE"] = str(folder / command.split("=", 1)[1])
            continue
        _shown_in(expected, _run(command, env))
        ran += 1
    return ran


def test_docs_agreement_runs_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _play(DOCS.read_text(encoding="utf-8"), tmp_path, None) == 5


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The sample study before reconciliation: both coders read every informant turn."""
    monkeypatch.chdir(tmp_path)
    store = str(tmp_path / "gioia.db")
    env = {"GIOIA_STORE": store}
    _run("gioia init", env)
    _run(f"gioia import --manifest {SAMPLE / 'manifest.csv'}", env)
    names = [line.split()[0] for line in _run("gioia transcripts", env)[1:-1]]
    _run("gioia coders phase codebook", env)  # the two coders share one concept list
    for coder in ("Maria", "Tom"):
        _run(f"gioia codings import {SAMPLE / f'codings_{coder.lower()}.csv'}", env)
        for name in names:
            _run(f"gioia --coder {coder} review -t {name}", env)
    _run(f"gioia structure import {SAMPLE / 'structure.csv'}", env)
    return store


def test_readme_agreement_section_runs_as_printed(study: str, tmp_path: Path) -> None:
    assert _play(_agreement_section(), tmp_path, study) == 3
    assert (tmp_path / "agreement.docx").stat().st_size > 0


def test_the_readme_links_the_definitions() -> None:
    assert "[docs/agreement.md](docs/agreement.md)" in _agreement_section()
    assert DOCS.is_file()
