"""The import manifest: a row per transcript file with its case, informant and attributes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from gioia.errors import ImportFailed, InvalidInput
from gioia.importers.tables import read_table
from gioia.limits import VALUE_LENGTH, WAVE_LENGTH, clean_label, clean_name, clean_text

KNOWN_COLUMNS = ("file", "case", "informant", "role", "date", "wave")
OWNER_PREFIXES = ("case.", "informant.")


@dataclass(frozen=True)
class TranscriptMeta:
    """What is known about one transcript before it is read.

    ``attributes`` keys are ``case.X`` and ``informant.X`` for the case's and the
    informant's attributes, and plain ``X`` for the transcript's own.
    """

    case: str | None = None
    informant: str | None = None
    role: str | None = None
    wave: str | None = None
    date: dt.date | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def overlaid(self, other: TranscriptMeta) -> TranscriptMeta:
        """These values, with ``other``'s wherever ``other`` sets one."""
        return TranscriptMeta(
            case=other.case or self.case,
            informant=other.informant or self.informant,
            role=other.role or self.role,
            wave=other.wave or self.wave,
            date=other.date or self.date,
            attributes={**self.attributes, **other.attributes},
        )


def checked_meta(meta: TranscriptMeta) -> TranscriptMeta:
    """``meta`` with its names and labels cleaned; ``InvalidInput`` when one is blank
    where a name is needed, too long, or holds control characters."""
    attributes = {}
    for key, value in meta.attributes.items():
        owner, dot, name = key.rpartition(".") if key.startswith(OWNER_PREFIXES) else ("", "", key)
        label = clean_label(name, f"The attribute name {name[:40]!r}")
        if not label:
            raise InvalidInput(f"An attribute needs a name (KEY=VALUE): {key!r} has none.")
        attributes[f"{owner}{dot}{label}"] = clean_text(
            value, f"The value of attribute {label!r}", VALUE_LENGTH
        )
    return TranscriptMeta(
        case=clean_name(meta.case, "case") if meta.case else None,
        informant=clean_name(meta.informant, "informant") if meta.informant else None,
        role=clean_label(meta.role, "A role") or None if meta.role else None,
        wave=clean_label(meta.wave, "The wave", WAVE_LENGTH) or None if meta.wave else None,
        date=meta.date,
        attributes=attributes,
    )


def parse_date(value: str, where: str) -> dt.date:
    """An ISO date (2022-03-14), or an error naming ``where`` it was found."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ImportFailed(f"{where}: {value!r} is not a date (write YYYY-MM-DD).") from exc


def read_manifest(path: Path) -> dict[Path, TranscriptMeta]:
    """Map each file listed in the manifest (resolved beside it) to its metadata.

    Every bad row is named at once; nothing is returned unless all rows are sound.
    """
    table = read_table(path)
    table.require("file")
    problems: list[str] = []
    found: dict[Path, TranscriptMeta] = {}
    seen: set[Path] = set()
    for number, record in table.records():
        where = f"row {number}"
        if not record["file"]:
            problems.append(f"{where}: the file cell is empty.")
            continue
        file = (path.parent / record["file"]).resolve()
        if not file.is_file():
            problems.append(f"{where}: {record['file']} does not exist beside {path.name}.")
            continue
        if file in seen:
            problems.append(f"{where}: {record['file']} is listed twice.")
            continue
        seen.add(file)
        date = None
        if record.get("date"):
            try:
                date = parse_date(record["date"], where)
            except ImportFailed as exc:
                problems.append(exc.message)
                continue
        try:
            found[file] = checked_meta(
                TranscriptMeta(
                    case=record.get("case") or None,
                    informant=record.get("informant") or None,
                    role=record.get("role") or None,
                    wave=record.get("wave") or None,
                    date=date,
                    attributes={k: v for k, v in record.items() if k not in KNOWN_COLUMNS and v},
                )
            )
        except InvalidInput as exc:
            problems.append(f"{where}: {exc.message}")
    if problems:
        raise ImportFailed(
            f"{path.name} has {len(problems)} bad row(s); nothing imported.", problems
        )
    return found
