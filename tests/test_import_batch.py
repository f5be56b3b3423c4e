"""Many files imported in one transaction (``ops.import_batch``): what is stored is what
importing them one at a time stores, in the same order; a file that fails, fails alone."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from gioia import Project, schema
from gioia.errors import ImportFailed, StoreError
from gioia.importers.manifest import read_manifest
from gioia.ops import import_batch, importing
from gioia.views import ImportResult

from .conftest import SAMPLE, as_lead, run

ASKING = "Interviewer: What changed?\n\n"


def interview(folder: Path, name: str, speaker: str, words: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{ASKING}{speaker}: {words}\n\nInterviewer: And then?\n\n{speaker}: More.\n")
    return path


def manifest(folder: Path, rows: list[str]) -> Path:
    path = folder / "manifest.csv"
    path.write_text("file,case,informant,role\n" + "".join(f"{row}\n" for row in rows))
    return path


def another_case(folder: Path) -> tuple[list[Path], Path]:
    """x, y and z, and a manifest that puts y's informant (x's) in another case: y fails
    only while being written."""
    files = [
        interview(folder, "x.txt", "Anna Rossi", "First."),
        interview(folder, "y.txt", "Anna Rossi", "Second."),
        interview(folder, "z.txt", "Bo Lind", "Third."),
    ]
    return files, manifest(folder, ["x.txt,Case A,Anna Rossi,CEO", "y.txt,Case B,Anna Rossi,CEO"])


def full_disk_on(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The store fails (a full disk) when the new transcript ``name`` is written."""
    write = import_batch._write_new

    def failing(tx: Any, held: list[importing.Prepared], options: Any) -> None:
        if any(file.name == name for file in held):
            raise StoreError("The disk is full.")
        write(tx, held, options)

    monkeypatch.setattr(import_batch, "_write_new", failing)


def stored(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row an import writes, timestamps left out."""
    t, s, c, i, e = (
        schema.transcripts.c,
        schema.segments.c,
        schema.cases.c,
        schema.informants.c,
        schema.events.c,
    )
    queries = {
        "transcripts": select(t.id, t.name, t.source, t.case_id, t.informant_id, t.text).order_by(
            t.id
        ),
        "segments": select(
            s.id,
            s.transcript_id,
            s.position,
            s.char_start,
            s.char_end,
            s.speaker,
            s.is_interviewer,
            s.informant_id,
        ).order_by(s.id),
        "cases": select(c.id, c.name).order_by(c.id),
        "informants": select(i.id, i.name, i.role, i.case_id).order_by(i.id),
        "events": select(
            e.id, e.action, e.subject, e.subject_id, e.transcript_id, e.summary, e.after
        ).order_by(e.id),
    }
    with project._store.engine.connect() as connection:
        rows = {name: [tuple(row) for row in connection.execute(q)] for name, q in queries.items()}
    # Ids by rank: PostgreSQL does not give back the ids of a transaction rolled back.
    rank = {name: {row[0]: n for n, row in enumerate(found, 1)} for name, found in rows.items()}
    keys = {  # which table each column holding an id refers to ("subject": the event's)
        "transcripts": {0: "transcripts", 3: "cases", 4: "informants"},
        "segments": {0: "segments", 1: "transcripts", 7: "informants"},
        "cases": {0: "cases"},
        "informants": {0: "informants", 3: "cases"},
        "events": {0: "events", 3: "subject", 4: "transcripts"},
    }

    def ranked(name: str, row: tuple[Any, ...]) -> tuple[Any, ...]:
        tables = {n: f"{row[2]}s" if t == "subject" else t for n, t in keys[name].items()}
        return tuple(
            rank[tables[n]].get(value) if n in tables else value for n, value in enumerate(row)
        )

    return {name: [ranked(name, row) for row in found] for name, found in rows.items()}


@pytest.fixture
def study(tmp_path: Path) -> tuple[list[Path], Path]:
    """Files whose order matters: an informant a manifest creates is linked by the label
    of a later file, not an earlier one; g's row puts Bo Lind in another case, so g fails
    while being written; an empty file fails before."""
    folder = tmp_path / "study"
    files = [
        interview(folder, "a.txt", "Anna Rossi", "We looked at three platforms."),
        interview(folder, "b.txt", "Bo Lind", "The fee was small."),
        interview(folder, "c.txt", "Bo Lind", "Buyers came from Asia."),
        interview(folder, "d.txt", "Cleo Park", "We hired an export manager."),
        interview(folder, "e.txt", "Cleo Park", "Then the U.S. came."),
        interview(folder, "g.txt", "Bo Lind", "Other words entirely."),
        folder / "empty.txt",
        interview(folder, "f.txt", "Anna Rossi", "Prices fell."),
    ]
    files[6].write_text("")
    rows = ["b.txt,Case B,Bo Lind,Owner", "e.txt,Case C,Cleo Park,CEO", "g.txt,Case C,Bo Lind,"]
    return files, manifest(folder, rows)


@pytest.mark.parametrize("written", ["together", "again one by one"])
def test_a_batch_stores_what_one_file_at_a_time_stores(
    project: Project,
    tmp_path: Path,
    study: tuple[list[Path], Path],
    written: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Written together (g left out: nothing fails while writing, so no file is stored
    alone), or one by one after g failed in the batch's transaction: either way what one
    file at a time stores, row by row."""
    files, listed = study
    alone_calls: list[Path] = []
    store_alone = Project._store_alone

    def counted(self: Project, file: importing.Prepared, options: Any) -> ImportResult:
        alone_calls.append(file.path)
        return store_alone(self, file, options)

    monkeypatch.setattr(Project, "_store_alone", counted)
    if written == "together":
        files = [path for path in files if path.name != "g.txt"]
    results = as_lead(project).import_files(files, manifest=listed)
    expected = [
        ("a.txt", "imported", 4),
        ("b.txt", "imported", 4),
        ("c.txt", "imported", 4),
        ("d.txt", "imported", 4),
        ("e.txt", "imported", 4),
        *([("g.txt", "failed", 0)] if written != "together" else []),
        ("empty.txt", "failed", 0),
        ("f.txt", "imported", 4),
    ]
    assert [(Path(r.path).name, r.status, r.segments) for r in results] == expected
    if written == "together":
        assert alone_calls == []
    else:
        assert results[5].error == (
            "Informant 'Bo Lind' belongs to another case; give this informant another "
            "name or fix the case."
        )
        assert len(alone_calls) == 7  # every file read, the empty one was not
    batch = stored(project)
    # The reference: each file in its own transaction, through ``import_file``.
    with Project.init(str(tmp_path / "one_at_a_time.db")) as alone:
        metas = read_manifest(listed)
        for path in files:
            with suppress(ImportFailed):
                alone.import_file(path, metas.get(path.resolve()))
        assert stored(alone) == batch
    # Read directly: c's "Bo Lind" is the informant b's manifest row created before it;
    # d's "Cleo Park" is not, e's row creates that informant after it.
    by_transcript = {
        name: {(speaker, informant) for t, n, speaker, informant in _people(batch) if n == name}
        for name in ("a", "c", "d", "f")
    }
    assert by_transcript == {
        "a": {("Interviewer", None), ("Anna Rossi", None)},
        "c": {("Interviewer", None), ("Bo Lind", 1)},
        "d": {("Interviewer", None), ("Cleo Park", None)},
        "f": {("Interviewer", None), ("Anna Rossi", None)},
    }
    assert [
        (action, subject, summary) for _, action, subject, _, _, summary, _ in batch["events"]
    ] == [
        ("import", "transcript", "Imported a from a.txt (4 segments)"),
        ("create", "case", "Created case 'Case B'"),
        ("create", "informant", "Created informant 'Bo Lind'"),
        ("import", "transcript", "Imported b from b.txt (4 segments)"),
        ("import", "transcript", "Imported c from c.txt (4 segments)"),
        ("import", "transcript", "Imported d from d.txt (4 segments)"),
        ("create", "case", "Created case 'Case C'"),
        ("create", "informant", "Created informant 'Cleo Park'"),
        ("import", "transcript", "Imported e from e.txt (4 segments)"),
        ("import", "transcript", "Imported f from f.txt (4 segments)"),
    ]
    ids = [row[1] for row in batch["segments"]]
    assert ids == sorted(ids) and len(batch["segments"]) == 24


def _people(rows: dict[str, list[tuple[Any, ...]]]) -> list[tuple[int, str, str, int | None]]:
    names = {row[0]: row[1] for row in rows["transcripts"]}
    return [(s[1], names[s[1]], s[5], s[7]) for s in rows["segments"]]


def test_a_file_that_fails_in_writing_fails_alone(project: Project, tmp_path: Path) -> None:
    """An informant of another case is found only while writing: the files beside it in
    its transaction are imported all the same, nothing of it is written."""
    files, listed = another_case(tmp_path / "study")
    results = as_lead(project).import_files(files, manifest=listed)
    assert [(Path(r.path).name, r.status, r.error) for r in results] == [
        ("x.txt", "imported", None),
        (
            "y.txt",
            "failed",
            "Informant 'Anna Rossi' belongs to another case; give this informant another "
            "name or fix the case.",
        ),
        ("z.txt", "imported", None),
    ]
    rows = stored(project)
    assert [row[1] for row in rows["transcripts"]] == ["x", "z"]
    assert [row[1] for row in rows["cases"]] == ["Case A"]
    assert [summary for *_, summary, _ in rows["events"]] == [
        "Created case 'Case A'",
        "Created informant 'Anna Rossi'",
        "Imported x from x.txt (4 segments)",
        "Imported z from z.txt (4 segments)",
    ]


def test_a_failing_store_keeps_the_batches_before_it(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store fails on the third file, in the second batch of two: the first batch
    is kept and reported, nothing of the second is written or reported."""
    folder = tmp_path / "study"
    files = [interview(folder, f"{n}.txt", "Anna Rossi", f"Words {n}.") for n in "pqrs"]
    monkeypatch.setattr(import_batch, "BATCH_FILES", 2)
    full_disk_on(monkeypatch, "r")
    told: list[tuple[int, int, str]] = []

    def progress(number: int, total: int, result: ImportResult) -> None:
        told.append((number, total, result.transcript or ""))

    with pytest.raises(StoreError):
        as_lead(project).import_files(files, progress=progress)
    assert told == [(1, 4, "p"), (2, 4, "q")]
    assert [row[1] for row in stored(project)["transcripts"]] == ["p", "q"]


def test_a_batch_holds_a_hundred_files_eight_megabytes_or_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sizes(paths: list[Path]) -> list[int]:
        found, limit = [0], import_batch.BatchLimit()
        for path in paths:
            found[-1] += 1
            if limit.full_with(path):
                found.append(0)
                limit = import_batch.BatchLimit()
        return found

    small = [tmp_path / f"{n}.txt" for n in range(250)]
    for path in small:
        path.write_text("x" * 10)
    assert sizes(small) == [100, 100, 50]
    large = [tmp_path / f"large{n}.txt" for n in range(5)]
    for path in large:
        path.write_bytes(b"x" * 3_000_000)
    missing = tmp_path / "missing.txt"  # counts no bytes
    assert sizes([*large[:3], missing, *large[3:]]) == [3, 3]
    clock = iter([0.0, 0.4, 0.9, 1.0, 5.0, 5.5])  # the start, then one reading per file
    monkeypatch.setattr(import_batch.time, "monotonic", lambda: next(clock))
    limit = import_batch.BatchLimit()
    assert [limit.full_with(path) for path in small[:3]] == [False, False, True]


def test_a_slow_reader_is_told_of_each_batch_within_about_a_second(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files read slowly (long Word files) go in smaller batches, each reported once
    stored: with no time at all to read, each file is its own batch."""
    folder = tmp_path / "study"
    files = [interview(folder, f"{n}.txt", "Anna Rossi", f"Words {n}.") for n in "pqr"]
    monkeypatch.setattr(import_batch, "BATCH_SECONDS", 0.0)
    stores = 0
    store = import_batch.store_all

    def counted(tx: Any, ready: Any, options: Any) -> Any:
        nonlocal stores
        stores += 1
        return store(tx, ready, options)

    monkeypatch.setattr(import_batch, "store_all", counted)
    results = as_lead(project).import_files(files)
    assert [r.status for r in results] == ["imported"] * 3
    assert stores == 3


def test_labels_that_differ_only_in_case_both_name_the_informant(
    project: Project, tmp_path: Path
) -> None:
    """Both labels are linked, in a batch and alone (one of them was, at random)."""
    folder = tmp_path / "study"
    lead = as_lead(project)
    lead.import_files(
        [interview(folder, "anna.txt", "Anna Rossi", "First.")],
        manifest=manifest(folder, ["anna.txt,Case A,Anna Rossi,CEO"]),
    )
    text = f"{ASKING}Anna Rossi: One.\n\nANNA ROSSI: Two.\n"
    (folder / "batch.txt").write_text(text)
    (folder / "alone.txt").write_text(text.replace("One", "Three"))
    lead.import_files([folder / "batch.txt"])
    lead.import_file(folder / "alone.txt", importing.TranscriptMeta(informant="Anna Rossi"))
    rows = stored(project)
    assert [(name, speaker, informant) for _, name, speaker, informant in _people(rows)] == [
        ("anna", "Interviewer", None),
        ("anna", "Anna Rossi", 1),
        ("anna", "Interviewer", None),
        ("anna", "Anna Rossi", 1),
        ("batch", "Interviewer", None),
        ("batch", "Anna Rossi", 1),
        ("batch", "ANNA ROSSI", 1),
        ("alone", "Interviewer", None),
        ("alone", "Anna Rossi", 1),
        ("alone", "ANNA ROSSI", 1),
    ]


# --- the progress bar ----------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_the_import_progress_bar(tmp_path: Path) -> None:
    import pexpect

    store = str(tmp_path / "gioia.db")
    Project.init(store).close()
    command = ["-m", "gioia", "--store", store, "import", str(SAMPLE)]
    command += ["--manifest", str(SAMPLE / "manifest.csv")]
    env = {**os.environ, "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, command, env=env, encoding="utf-8", timeout=60)
    child.expect_exact("Importing")
    child.expect_exact("8 file(s): 8 imported.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_without_a_terminal_rich_is_not_loaded(tmp_path: Path) -> None:
    store = str(tmp_path / "gioia.db")
    Project.init(store).close()
    code = (
        "import sys\nfrom gioia.cli import cli\n"
        "cli.main(['--store', sys.argv[1], 'import', sys.argv[2]], standalone_mode=False)\n"
        "print(sorted(name for name in sys.modules if name.startswith('rich')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, store, str(SAMPLE / "case_a_ceo_w1.txt")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "imported   case_a_ceo_w1.txt → case_a_ceo_w1 (28 segments)",
        "1 file(s): 1 imported.",
        "[]",
    ]


def test_names_are_printed_as_written(runner: CliRunner, tmp_path: Path) -> None:
    """A name holding ``:thumbs_up:`` and ``[x]`` stays as it is, in the import's lines and
    in the table of transcripts (rich made an emoji of the one and read the other as
    markup, dropping it)."""
    store = str(tmp_path / "gioia.db")
    Project.init(store).close()
    words = "We looked at three platforms and chose the one with the smallest fee."
    path = interview(tmp_path, "notes:thumbs_up: [x].txt", "Anna Rossi", words)
    imported = run(runner, store, "import", str(path))
    assert imported.output.splitlines() == [
        "imported   notes:thumbs_up: [x].txt → notes:thumbs_up: [x] (4 segments)",
        "1 file(s): 1 imported.",
    ]
    listed = run(runner, store, "transcripts").output.splitlines()
    assert listed[1].startswith("notes:thumbs_up: [x]  ")


def test_an_interrupted_import_says_what_is_kept(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during an import: the files told are in the store; one line says so and
    how to finish (click said only "Aborted!")."""
    store = str(tmp_path / "gioia.db")
    Project.init(store).close()
    folder = tmp_path / "study"
    words = "We looked at three platforms and chose the one with the smallest fee"
    files = [interview(folder, f"{n}.txt", "Anna Rossi", f"{words} {n}.") for n in "pqr"]
    monkeypatch.setattr(import_batch, "BATCH_FILES", 2)
    write = import_batch._write_new

    def interrupted(tx: Any, held: list[importing.Prepared], options: Any) -> None:
        if any(file.name == "r" for file in held):
            raise KeyboardInterrupt
        write(tx, held, options)

    monkeypatch.setattr(import_batch, "_write_new", interrupted)
    result = run(runner, store, "import", *map(str, files))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "imported   p.txt → p (4 segments)",
        "imported   q.txt → q (4 segments)",
        "Error: Interrupted: the files imported before are kept, the batch being stored is "
        "not; import the same files again to finish (those already in come out unchanged).",
    ]
    monkeypatch.setattr(import_batch, "_write_new", write)
    again = run(runner, store, "import", *map(str, files))
    assert again.output.splitlines()[-1] == "3 file(s): 1 imported, 2 unchanged."


def test_two_files_of_the_same_name_in_one_import_keep_the_first(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A transcript is named after its file: a second file of that name (another folder)
    would have clashed with the first, or, with --replace, replaced that interview by
    another. It is refused, with both paths; the same file listed twice is not refused."""
    store = str(tmp_path / "gioia.db")
    Project.init(store).close()
    words = "We looked at three platforms and chose the one with the smallest fee"
    first = interview(tmp_path / "study", "a.txt", "Anna Rossi", words)
    second = interview(tmp_path / "study" / "sub", "a.txt", "Bo Lind", f"{words}, again")
    for replace in ([], ["--replace"]):
        result = run(runner, store, "import", str(first), str(second), str(first), *replace)
        lines = result.output.splitlines()
        assert lines[1] == (
            f"failed     a.txt: another file of this import has the same name ({first}); a "
            "transcript is named after its file, so rename one of them."
        )
        assert result.exit_code == 1
        assert lines[-1] == (
            f"Error: 1 file(s) not imported, nothing of them written: {second} (the reason "
            "is above)."
        )
    assert lines[:3] == [
        "unchanged  a.txt",
        lines[1],
        "unchanged  a.txt",
    ]
    with Project.open(store) as project:
        (only,) = project.transcripts()
        speakers = {s.speaker for s in project.transcript("a").segments}
        assert (only.name, speakers) == ("a", {"Interviewer", "Anna Rossi"})  # the first's


def test_a_store_failing_while_a_batch_is_redone_tells_what_was_stored(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """y fails while writing, so the batch is stored again a file at a time; the store
    then fails on z: x, committed alone, and y are told, nothing else."""
    files, listed = another_case(tmp_path / "study")
    full_disk_on(monkeypatch, "z")
    told: list[tuple[str, str]] = []

    def progress(number: int, total: int, result: ImportResult) -> None:
        told.append((Path(result.path).name, result.status))

    with pytest.raises(StoreError):
        as_lead(project).import_files(files, manifest=listed, progress=progress)
    assert told == [("x.txt", "imported"), ("y.txt", "failed")]
    assert [row[1] for row in stored(project)["transcripts"]] == ["x"]
