"""Fixtures: every test that touches the store runs on SQLite and, when
GIOIA_TEST_POSTGRES_URL is set, on PostgreSQL too (a fresh database per test)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gioia import Project
from gioia.cli import cli
from gioia.resources import bundled_path

POSTGRES_URL = os.environ.get("GIOIA_TEST_POSTGRES_URL")
SAMPLE = bundled_path("sample_transcripts")
_counter = itertools.count()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own folder with no store or coder from the environment."""
    monkeypatch.delenv("GIOIA_STORE", raising=False)
    monkeypatch.delenv("GIOIA_CODER", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """A database migrated to head once per run, copied for each test."""
    assert POSTGRES_URL
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"gioia_template_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    Project.init(url).close()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fresh_postgres(template: str | None) -> Iterator[str]:
    assert POSTGRES_URL
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"gioia_test_{os.getpid()}_{next(_counter)}"
    clause = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="GIOIA_TEST_POSTGRES_URL is not set"),
    ),
]


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a store can be created with `gioia init`: a file path, or an empty database."""
    if request.param == "sqlite":
        yield str(tmp_path / "gioia.db")
    else:
        yield from _fresh_postgres(None)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store migrated to head once per run, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "gioia.db"
    Project.init(str(path)).close()
    return path


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The location of a new store at the newest schema."""
    if request.param == "sqlite":
        location = tmp_path / "gioia.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), location)
        yield str(location)
    else:
        yield from _fresh_postgres(request.getfixturevalue("_postgres_template"))


@pytest.fixture
def project(store: str) -> Iterator[Project]:
    """An open project on a new store, acting as the coder Maria."""
    with Project.open(store, coder="Maria") as opened:
        yield opened


@pytest.fixture
def lead(store: str) -> Iterator[Project]:
    """An open project on a new store with no coder named: the project lead, who sees
    every coder's work (nothing is blind)."""
    with Project.open(store) as opened:
        yield opened


def as_lead(project: Project) -> Project:
    """The same open store with no coder named: the project lead, for the steps only
    the lead takes (importing, shaping the structure, reconciling)."""
    return Project(project._store)


@pytest.fixture
def sample_project(project: Project) -> Project:
    """The sample study imported (transcripts with the manifest), no codings."""
    results = as_lead(project).import_files([], manifest=SAMPLE / "manifest.csv")
    assert [r.error for r in results if r.status == "failed"] == []
    return project


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def sample_store(store: str, runner: CliRunner) -> str:
    """A store with the sample study imported through the command line."""
    result = run(runner, store, "import", "--manifest", str(SAMPLE / "manifest.csv"))
    assert result.exit_code == 0, result.output
    return store


def run(
    runner: CliRunner, store: str, *args: str, input: str | None = None, coder: str | None = None
):  # type: ignore[no-untyped-def]
    """Run gioia on ``store`` and return the click Result (exceptions not caught)."""
    options = ["--store", store] + (["--coder", coder] if coder else [])
    return runner.invoke(cli, [*options, *args], input=input, catch_exceptions=False)


def modules_loaded(store: str, *commands: list[str]) -> tuple[str, list[str]]:
    """Run gioia ``commands`` on ``store`` in a new Python process: what they printed, and
    which of the ORM, the view modules besides ``views_core`` and rich they loaded."""
    code = (
        "import json, sys\n"
        "from gioia.cli import cli\n"
        f"for args in {commands!r}:\n"
        "    cli.main(['--store', sys.argv[1], *args], standalone_mode=False)\n"
        "loaded = {'sqlalchemy.orm', 'gioia.models', 'gioia.views', 'gioia.views_structure',"
        " 'gioia.views_agreement', 'rich'} & set(sys.modules)\n"
        "print(json.dumps(sorted(loaded)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, store], capture_output=True, text=True, check=True
    )
    *printed, loaded = done.stdout.splitlines()
    return "\n".join(printed), json.loads(loaded)


SMALL_STUDY = {
    "t1.txt": "Interviewer: How did you start?\n\nAnn: We started exporting wine to Japan. "
    "Buyers want samples.\n\nInterviewer: And the platform?\n\nAnn: The platform fee is high. "
    "Exporters pay too much.\n",
    "t2.txt": "Interviewer: Tell me about trust.\n\nBob: Trust takes time. Buyers visit us.\n\n"
    "Interviewer: Costs?\n\nBob: Samples cost money.\n",
    "t3.txt": "Interviewer: Anything else?\n\nCara: The export market is hard. Trust matters.\n",
}
# Manifest order t3, t1, t2 (import order); dates order t1, t2, t3.
SMALL_MANIFEST = (
    "file,case,informant,role,date,wave,case.employees\n"
    "t3.txt,Case B,Cara,Owner,2022-03-01,2,5\n"
    "t1.txt,Case A,Ann,CEO,2022-01-10,1,40\n"
    "t2.txt,Case A,Bob,Sales Manager,2022-02-10,1,40\n"
)
# (coder, segment, concept): Maria codes every informant turn, Tom two of them.
SMALL_CODINGS = (
    ("Maria", "t1:2", "Export start"),
    ("Maria", "t1:2", "Buyer contact"),
    ("Maria", "t1:4", "Fees"),
    ("Maria", "t2:2", "Trust"),
    ("Maria", "t2:2", "Buyer contact"),
    ("Maria", "t2:4", "Sample costs"),
    ("Maria", "t3:2", "Export start"),
    ("Maria", "t3:2", "Trust"),
    ("Tom", "t1:2", "Export start"),
    ("Tom", "t1:4", "Fees"),
    ("Tom", "t1:4", "Trust"),
)
# concept -> (theme, dimension), in the structure's order.
SMALL_STRUCTURE = {
    "Fees": ("Costs", "Economics"),
    "Sample costs": ("Costs", "Economics"),
    "Export start": ("Growth", "Economics"),
    "Trust": ("Relations", "Social"),
    "Buyer contact": ("Relations", "Social"),
}


@pytest.fixture
def small_study(project: Project, tmp_path: Path) -> Project:
    """Three short interviews in two cases, coded by Maria (every informant turn) and Tom
    (two turns), with a structure of 5 concepts, 3 themes and 2 dimensions."""
    folder = tmp_path / "small"
    folder.mkdir()
    for name, text in SMALL_STUDY.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(SMALL_MANIFEST, encoding="utf-8")
    results = as_lead(project).import_files([], manifest=folder / "manifest.csv")
    assert [r.status for r in results] == ["imported"] * 3
    structure = "concept,theme,dimension\n" + "".join(
        f"{concept},{theme},{dimension}\n"
        for concept, (theme, dimension) in SMALL_STRUCTURE.items()
    )
    (folder / "structure.csv").write_text(structure, encoding="utf-8")
    as_lead(project).import_structure(folder / "structure.csv")
    codings = "coder,segment,concept\n" + "".join(",".join(row) + "\n" for row in SMALL_CODINGS)
    (folder / "codings.csv").write_text(codings, encoding="utf-8")
    as_lead(project).import_codings(folder / "codings.csv")
    return project


@pytest.fixture
def shared_study(small_study: Project) -> Project:
    """The small study with shared concepts: Fees under Costs and Growth (one dimension,
    Economics), Trust under Relations (Social) and a new theme Reputation (Economics)."""
    lead = as_lead(small_study)
    lead.allow_shared(True)
    lead.assign(["Fees"], theme="Growth")
    lead.assign(["Trust"], theme="Reputation", create=True)
    lead.assign(["Reputation"], dimension="Economics")
    return small_study


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample study as `gioia demo` builds it (two coders reconciled into a consensus
    coder, the structure imported) and its report, written once per run (SQLite)."""
    from gioia.demo import CODINGS_FILES, review_everything

    folder = tmp_path_factory.mktemp("sample-report")
    with Project.init(str(folder / "gioia.db")) as project:
        results = project.import_files([], manifest=SAMPLE / "manifest.csv")
        project.set_phase("codebook")
        for name in CODINGS_FILES:
            coder = project.import_codings(SAMPLE / name).coders[0]
            review_everything(project, coder, [r.transcript for r in results])
        project.import_structure(SAMPLE / "structure.csv")
        project.reconcile_auto("Consensus", "union")
        project.write_report(folder / "report.html")
    return folder / "report.html"


def stored_codings(project: Project) -> list[tuple[object, ...]]:
    """Every coding as stored, in reading order: (segment reference, concept, coder,
    start, end, the words coded, pick rank)."""
    from sqlalchemy import select

    from gioia.models import Coder, Coding, Concept, Segment, Transcript

    with project._read() as tx:
        rows = tx.session.execute(
            select(
                Transcript.name,
                Segment.position,
                Concept.name,
                Coder.name,
                Coding.char_start,
                Coding.char_end,
                Transcript.text,
                Coding.pick_rank,
            )
            .join(Segment, Segment.id == Coding.segment_id)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .join(Concept, Concept.id == Coding.concept_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .order_by(
                Transcript.name, Segment.position, Coding.char_start, Coding.char_end, Coder.name
            )
        )
        return [
            (f"{name}:{position}", concept, coder, start, end, text[start:end], rank)
            for name, position, concept, coder, start, end, text, rank in rows
        ]


def assert_spans_hold(project: Project) -> None:
    """The invariants of offsets: in each transcript the segments are in order, do not
    overlap, neither start nor end on whitespace and cover every other character; every
    coding lies inside its segment and on no whitespace at its ends."""
    from sqlalchemy import select

    from gioia.models import Coding, Segment, Transcript

    with project._read() as tx:
        for transcript in tx.session.scalars(select(Transcript)):
            text = transcript.text
            segments = list(
                tx.session.scalars(
                    select(Segment)
                    .where(Segment.transcript_id == transcript.id)
                    .order_by(Segment.position)
                )
            )
            assert [s.position for s in segments] == list(range(1, len(segments) + 1))
            covered = 0
            for segment in segments:
                assert text[covered : segment.char_start].strip() == ""
                piece = text[segment.char_start : segment.char_end]
                assert piece and piece == piece.strip()
                covered = segment.char_end
            assert text[covered:].strip() == ""
            spans = {s.id: (s.char_start, s.char_end) for s in segments}
            for coding in tx.session.scalars(
                select(Coding).where(Coding.segment_id.in_(list(spans)))
            ):
                start, end = spans[coding.segment_id]
                assert start <= coding.char_start < coding.char_end <= end
                words = text[coding.char_start : coding.char_end]
                assert words == words.strip()
