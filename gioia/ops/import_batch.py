"""Many files stored in one transaction, as storing them one at a time would.

A file that creates nothing but its transcript (no case, informant or attribute, a name
not stored yet) is held; held files are written together — their transcripts in one
insert, their segments in one, their events in one — before the next file that needs
more (stored by :func:`gioia.ops.importing.store`) and at the end. So the rows, their ids
and the trail come in the order of the files, and each label links to the informants
that existed when its file came, as one file at a time would link it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, select

from gioia import schema
from gioia.errors import ImportFailed, InvalidInput
from gioia.limits import clean_name
from gioia.ops.base import Tx, in_chunks
from gioia.ops.importing import (
    ImportOptions,
    Outcome,
    Prepared,
    import_facts,
    import_summary,
    insert_segments,
    plain_metadata,
    segment_people,
    speaker_roles,
    store,
    transcript_fields,
)
from gioia.ops.people import informant_labels, informants_by_key, speaker_links
from gioia.schema import utcnow
from gioia.text import name_key

BATCH_FILES = 100
"""At most this many files in one transaction of an import…"""

BATCH_BYTES = 8_000_000
"""…of at most about this many bytes together (the last one may pass it)…"""

BATCH_SECONDS = 1.0
"""…read in about this long at most: the files of a batch are reported once it is
stored, so a slow reader (long Word files) still sees its progress every second or so."""


@dataclass
class BatchLimit:
    """When an import's batch is full (``BATCH_FILES``, ``BATCH_BYTES``,
    ``BATCH_SECONDS``): count each file in once it is read."""

    files: int = 0
    size: int = 0
    started: float = field(default_factory=lambda: time.monotonic())

    def full_with(self, path: Path) -> bool:
        """Count ``path`` in; whether the batch is now full (a file that cannot be read
        counts no bytes: it fails alone)."""
        self.files += 1
        with suppress(OSError):
            self.size += path.stat().st_size
        return (
            self.files >= BATCH_FILES
            or self.size >= BATCH_BYTES
            or time.monotonic() - self.started >= BATCH_SECONDS
        )


class NamesSeen:
    """The transcript names the files of one import give: a transcript is named after its
    file, so a second file of a name a file read before took (another folder's, another
    format) would replace or clash with it; it is refused instead."""

    def __init__(self) -> None:
        self._taken: dict[str, Path] = {}

    @staticmethod
    def _key(path: Path) -> str | None:
        try:
            return name_key(clean_name(path.stem, "transcript"))
        except InvalidInput:
            return None  # reading the file says why

    def check(self, path: Path) -> None:
        """Raise ``ImportFailed`` when a file read before in this import took ``path``'s
        transcript name (the same file listed twice is not another)."""
        first = self._taken.get(self._key(path) or "")
        if first is not None and first != path.resolve():
            raise ImportFailed(
                f"{path.name}: another file of this import has the same name ({first}); a "
                "transcript is named after its file, so rename one of them."
            )

    def take(self, path: Path) -> None:
        """``path`` was read: its name is taken for the rest of the import."""
        key = self._key(path)
        if key is not None:
            self._taken.setdefault(key, path.resolve())


def store_all(tx: Tx, files: Sequence[Prepared], options: ImportOptions) -> list[Outcome]:
    """Store prepared files in their order, with the outcomes ``store`` gives each."""
    keys = [name_key(file.name) for file in files]
    stored = _stored_keys(tx, keys)
    held: list[Prepared] = []
    outcomes = []
    for file, key in zip(files, keys, strict=True):
        if file.plain and key not in stored:
            held.append(file)
            outcomes.append(Outcome(file.name, "imported", len(file.spans), file.warnings))
        else:
            _write_new(tx, held, options)
            held = []
            outcomes.append(store(tx, file, options))
        stored.add(key)
    _write_new(tx, held, options)
    return outcomes


def _stored_keys(tx: Tx, keys: list[str]) -> set[str]:
    """Which of these transcript name keys are stored."""
    return set(_ids_by_key(tx, keys))


def _ids_by_key(tx: Tx, keys: list[str]) -> dict[str, int]:
    """The ids of the stored transcripts with these name keys."""
    table = schema.transcripts.c
    query = select(table.name_key, table.id).where(
        table.name_key.in_(bindparam("keys", expanding=True))
    )
    return {
        found.name_key: found.id
        for part in in_chunks(sorted(set(keys)))
        for found in tx.execute(query, {"keys": list(part)})
    }


def _write_new(tx: Tx, files: list[Prepared], options: ImportOptions) -> None:
    """Write held files as new transcripts, with their segments and import events."""
    if not files:
        return
    now = utcnow()
    keys = [name_key(file.name) for file in files]
    rows = [
        {
            "name": file.name,
            "name_key": key,
            "imported_at": now,
            **transcript_fields(
                file.source, file.parsed.format, file.text, file.digest, options, file.meta
            ),
        }
        for file, key in zip(files, keys, strict=True)
    ]
    tx.insert_many(schema.transcripts, tuple(rows[0]), [tuple(row.values()) for row in rows])
    found = _ids_by_key(tx, keys)
    ids = [found[key] for key in keys]
    asking = [speaker_roles(file.spans, options) for file in files]
    labels = [informant_labels(interviewer) for interviewer in asking]
    known = informants_by_key(tx, {name_key(label) for named in labels for label in named})
    segments = []
    for file, transcript, interviewer, named in zip(files, ids, asking, labels, strict=True):
        linked = speaker_links(named, known, None)
        segments.append((transcript, file.spans, segment_people(file.spans, interviewer, linked)))
    insert_segments(tx, segments)
    tx.record_many(
        {
            "action": "import",
            "subject": "transcript",
            "summary": import_summary(file),
            "subject_id": transcript,
            "transcript_id": transcript,
            "after": {**import_facts(file, options), **plain_metadata(file.meta)},
        }
        for file, transcript in zip(files, ids, strict=True)
    )
