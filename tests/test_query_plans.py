"""The hot queries use indexes: every statement a coder's everyday actions run (tag, review,
the coding session's steps, an import) is planned by SQLite without a full scan of a
table, except the few that read a whole small table by design."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from gioia import Project

from .conftest import SAMPLE, as_lead

# Whole tables read by design: the concept list a session completes from (with their
# themes), and the coders listed when a name is unknown.
READ_WHOLE = {"concepts", "themes", "coders"}
_SCAN = re.compile(r"^SCAN (\w+)")


@pytest.fixture
def coded(tmp_path: Path) -> Iterator[Project]:
    """The sample study on SQLite with Maria's and Tom's codings (imported by the project
    lead), acting as Maria."""
    with Project.init(str(tmp_path / "plans.db")) as lead:
        lead.import_files([], manifest=SAMPLE / "manifest.csv")
        lead.import_codings(SAMPLE / "codings_maria.csv")
        lead.import_codings(SAMPLE / "codings_tom.csv")
    with Project.open(str(tmp_path / "plans.db"), coder="Maria") as project:
        yield project


@contextmanager
def _statements(project: Project) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT, UPDATE and DELETE statements run inside the block, with parameters."""
    seen: list[tuple[str, Any]] = []
    engine = project._store.engine

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def _scans(project: Project, statements: list[tuple[str, Any]]) -> list[str]:
    """Each statement's full table scans (``SCAN t``, covering index or not)."""
    found = []
    with project._store.engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            for row in plan:
                match = _SCAN.match(row[3])
                if match and match[1] not in READ_WHOLE:
                    found.append(f"{row[3]}  <-  {' '.join(statement.split())[:160]}")
    return found


ACTIONS: dict[str, Callable[[Project], object]] = {
    "tag": lambda p: p.tag(["case_a_ceo_w1:4"], "Family mill identity", create=True),
    "tag a quote": lambda p: p.tag(["case_b_export_w1:6"], "Trust", quote="in fairs", create=True),
    "untag": lambda p: (
        p.tag(["case_a_ceo_w1:6"], "Plans", create=True),
        p.untag(["case_a_ceo_w1:6"], "Plans"),
    ),
    "review": lambda p: p.review(["case_a_ceo_w1:8", "case_a_ceo_w1:10"]),
    "the next segment": lambda p: p.first_unreviewed(
        [p.segment_id("case_a_ceo_w1:2"), p.segment_id("case_a_ceo_w1:4")]
    ),
    "a session step": lambda p: p.step(p.segment_id("case_a_ceo_w1:4")),
    "the queue after a segment outside it": lambda p: p.first_unreviewed(
        [p.segment_id("case_a_ceo_w1:2"), p.segment_id("case_a_ceo_w1:4")],
        after=p.segment_id("case_a_ceo_w1:3"),
    ),
    "concept choices": lambda p: p.concept_choices(),
    "segments of a transcript": lambda p: p.segments(transcript="case_a_ceo_w1"),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_everyday_actions_use_indexes(coded: Project, action: str) -> None:
    with _statements(coded) as statements:
        ACTIONS[action](coded)
    assert statements
    assert _scans(coded, statements) == []


def test_importing_a_transcript_uses_indexes(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "new_interview.txt"
    path.write_text("Interviewer: How did it start?\n\nAnna Rossi: With one buyer.\n")
    with _statements(coded) as statements:
        (result,) = as_lead(coded).import_files([path])
    assert result.status == "imported"
    assert _scans(coded, statements) == []


def test_a_full_scan_is_found(coded: Project) -> None:
    """The check sees a scan where there is one (a search by a column with no index)."""
    with _statements(coded) as statements, coded._read() as tx:
        tx.connection.exec_driver_sql("SELECT id FROM segments WHERE speaker = 'Anna Rossi'")
    assert [s.split("  <-  ")[0] for s in _scans(coded, statements)] == ["SCAN segments"]
