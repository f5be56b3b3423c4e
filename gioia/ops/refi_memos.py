"""Memos from a REFI-QDA project's notes and descriptions, attached where they belong.

A note referenced from a code becomes a memo on the concept, theme or dimension the code
became; from a selection, a memo on the segment where it starts; from a source or the
project, or from nothing, a memo on nothing (a source's name before its text). The
descriptions of selections, sources and the project become memos too; a code's
description is its definition (see :mod:`refi_structure`).
"""

from __future__ import annotations

from gioia.importers.decode import decode_raw
from gioia.models import Coder, Memo
from gioia.ops.base import Tx
from gioia.ops.refi_sources import SourceText, coder_for, place
from gioia.refi import model as m
from gioia.refi.model import parse_time
from gioia.refi.package import Package
from gioia.refi.report import ImportReport, Skipped
from gioia.schema import utcnow


def _note_text(package: Package, note: m.Note) -> str:
    if note.text is not None:
        return note.text.strip()
    member, _ = package.member(note.plain_path)
    if member is None:
        return ""
    return decode_raw(package.files[member], member)[0].lstrip("\ufeff").strip()


def make_memos(
    tx: Tx,
    package: Package,
    texts: list[SourceText],
    items: dict[str, tuple[str, int]],
    users: dict[str, Coder],
    report: ImportReport,
) -> None:
    """Notes as memos where they belong; descriptions of selections, sources and the
    project too."""
    project = package.project
    notes = {note.guid: note for note in project.notes}
    used: set[str] = set()
    memos: list[tuple[str, dict[str, int], str | None, str | None]] = []

    def attach(guid: str, target: dict[str, int], prefix: str = "") -> None:
        note = notes.get(guid)
        if note is None or guid in used:
            return
        used.add(guid)
        memos.append((prefix + _note_text(package, note), target, note.creating_user, note.created))

    codes = {code.guid: code for code, _ in m.walk_codes(project.codes)}
    for guid, code in codes.items():
        level, item = items.get(guid, (None, 0))
        for note in code.notes:
            if level is None:
                attach(note, {}, f"On the code {code.name}: ")
            else:
                attach(note, {f"{level}_id": item})
    for text in texts:
        for selection in text.source.selections:
            placed = (
                place(text, selection, report.convention)
                if selection.notes or selection.description
                else None
            )
            target = (
                {"segment_id": placed.parts[0][0]} if placed and not isinstance(placed, str) else {}
            )
            prefix = "" if target else f"On {text.name}: "
            for note in selection.notes:
                attach(note, target, prefix)
            if selection.description:
                memos.append(
                    (
                        selection.description.strip(),
                        target,
                        selection.creating_user,
                        selection.created,
                    )
                )
        for note in text.source.notes:
            attach(note, {}, f"On {text.name}: ")
        if text.source.description:
            memos.append((f"On {text.name}: {text.source.description.strip()}", {}, None, None))
    for note in project.project_notes:
        attach(note, {})
    for guid in notes:
        attach(guid, {})
    if project.description:
        memos.append((project.description.strip(), {}, project.creating_user, None))
    for body, target, user, created in memos:
        if not body.strip():
            report.skipped.append(Skipped("a note", "its text is empty"))
            continue
        coder = coder_for(tx, users, user, report)
        memo = Memo(
            coder_id=coder.id if coder else None,
            text=body,
            created_at=parse_time(created) or utcnow(),
            **target,
        )
        tx.session.add(memo)
        tx.session.flush()
        tx.record(
            "memo",
            "memo",
            f"Memo from {report.file}",
            subject_id=memo.id,
            concept_id=target.get("concept_id"),
            after={"text": body, "source": report.file},
            coder=coder,
        )
        report.memos += 1
