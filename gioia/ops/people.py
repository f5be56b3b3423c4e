"""The people and attributes of transcripts: cases and informants (found or created,
and recorded), the informants that speaker labels name, and attributes on transcripts,
cases and informants. Shared by the text importer and the REFI-QDA import."""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, insert, select, update

from gioia import schema
from gioia.errors import ImportFailed
from gioia.importers.manifest import TranscriptMeta
from gioia.limits import clean_name
from gioia.ops.base import Tx, in_chunks
from gioia.schema import utcnow
from gioia.text import name_key


class Named(NamedTuple):
    """A case or informant: its id and name."""

    id: int
    name: str


def case_named(tx: Tx, case_id: int | None) -> Named | None:
    """The case with this id, if any."""
    cases = schema.cases.c
    row = tx.execute(select(cases.id, cases.name).where(cases.id == case_id)).first()
    return Named(row.id, row.name) if row is not None else None


def informant_named(tx: Tx, informant_id: int | None) -> Named | None:
    """The informant with this id, if any."""
    informants = schema.informants.c
    query = select(informants.id, informants.name).where(informants.id == informant_id)
    row = tx.execute(query).first()
    return Named(row.id, row.name) if row is not None else None


@cache
def _informants_named() -> Select[Any]:
    informants = schema.informants.c
    return select(informants.id, informants.name_key).where(
        informants.name_key.in_(bindparam("keys", expanding=True))
    )


def get_or_create_case(tx: Tx, name: str) -> Named:
    """The case called ``name``, created (and recorded) if new."""
    cleaned = clean_name(name, "case")
    cases = schema.cases
    found = tx.execute(
        select(cases.c.id, cases.c.name).where(cases.c.name_key == name_key(cleaned))
    ).first()
    if found is not None:
        return Named(found.id, found.name)
    row = {"name": cleaned, "name_key": name_key(cleaned), "created_at": utcnow()}
    case_id = int(tx.execute(insert(cases).returning(cases.c.id), row).scalar_one())
    tx.record(
        "create", "case", f"Created case {cleaned!r}", subject_id=case_id, after={"name": cleaned}
    )
    return Named(case_id, cleaned)


def get_or_create_informant(tx: Tx, meta: TranscriptMeta, case: Named | None) -> Named:
    """The informant ``meta`` names (with its role), created if new, in ``case``."""
    assert meta.informant
    cleaned = clean_name(meta.informant, "informant")
    informants = schema.informants
    found = tx.execute(select(informants).where(informants.c.name_key == name_key(cleaned))).first()
    if found is None:
        row = {
            "name": cleaned,
            "name_key": name_key(cleaned),
            "role": meta.role,
            "case_id": case.id if case else None,
            "created_at": utcnow(),
        }
        informant_id = int(
            tx.execute(insert(informants).returning(informants.c.id), row).scalar_one()
        )
        tx.record(
            "create",
            "informant",
            f"Created informant {cleaned!r}",
            subject_id=informant_id,
            after={"role": meta.role, "case": case.name if case else None},
        )
        return Named(informant_id, cleaned)
    if case is not None and found.case_id not in (None, case.id):
        raise ImportFailed(
            f"Informant {found.name!r} belongs to another case; "
            "give this informant another name or fix the case."
        )
    changes: dict[str, object] = {}
    if found.case_id is None and case is not None:
        changes["case_id"] = case.id
    if meta.role and not found.role:
        changes["role"] = meta.role
    if changes:
        tx.execute(update(informants).where(informants.c.id == found.id).values(changes))
        tx.record(
            "update",
            "informant",
            f"Completed informant {found.name!r}",
            subject_id=found.id,
            before={"role": found.role, "case": _case_name(tx, found.case_id)},
            after={
                "role": changes.get("role", found.role),
                "case": _case_name(tx, changes.get("case_id", found.case_id)),
            },
        )
    return Named(found.id, found.name)


def _case_name(tx: Tx, case_id: Any) -> str | None:
    cases = schema.cases.c
    if case_id is None:
        return None
    return tx.execute(select(cases.name).where(cases.id == case_id)).scalar()


def link_speakers(
    tx: Tx, interviewer: dict[str | None, bool], informant: Named | None
) -> dict[str | None, int]:
    """Which informant each speaker label names: a known informant's name, or else the
    transcript's informant when the transcript has a single non-interviewer speaker.
    ``interviewer`` tells, for each label, whether it is the interviewer's."""
    labels = informant_labels(interviewer)
    known = informants_by_key(tx, {name_key(label) for label in labels})
    return speaker_links(labels, known, informant)


def informant_labels(interviewer: dict[str | None, bool]) -> set[str]:
    """The speaker labels that may name an informant: every one not the interviewer's."""
    return {s for s, asking in interviewer.items() if s is not None and not asking}


def informants_by_key(tx: Tx, keys: set[str]) -> dict[str, int]:
    """The ids of the informants whose name keys are among ``keys``."""
    if not keys:
        return {}
    return {
        found.name_key: found.id
        for part in in_chunks(sorted(keys))
        for found in tx.execute(_informants_named(), {"keys": list(part)})
    }


def speaker_links(
    labels: set[str], known: dict[str, int], informant: Named | None
) -> dict[str | None, int]:
    """:func:`link_speakers` with the informants known by name key already read."""
    linked: dict[str | None, int] = {}
    for label in labels:
        found = known.get(name_key(label))
        if found is not None:
            linked[label] = found
    unlinked = labels - set(linked)
    if informant is not None and len(labels) == 1 and unlinked:
        linked[unlinked.pop()] = informant.id
    return linked


def store_attributes(
    tx: Tx,
    meta: TranscriptMeta,
    transcript_id: int | None,
    case: Named | None,
    informant: Named | None,
) -> None:
    """Store ``meta``'s attributes: ``case.KEY`` on the case, ``informant.KEY`` on the
    informant, any other on the transcript (a new value replaces the old)."""
    attributes = schema.attributes
    for key, value in meta.attributes.items():
        owner: dict[str, int]
        if key.startswith("case."):
            if case is None:
                raise ImportFailed(f"Attribute {key!r} needs a case: give the transcript a case.")
            owner, key = {"case_id": case.id}, key.removeprefix("case.")
        elif key.startswith("informant."):
            if informant is None:
                raise ImportFailed(f"Attribute {key!r} needs an informant.")
            owner, key = {"informant_id": informant.id}, key.removeprefix("informant.")
        else:
            if transcript_id is None:
                raise ImportFailed(f"Attribute {key!r} needs a transcript.")
            owner = {"transcript_id": transcript_id}
        column = next(iter(owner))
        existing = tx.execute(
            select(attributes.c.id, attributes.c.value).where(
                attributes.c[column] == owner[column], attributes.c.key == key
            )
        ).first()
        if existing is None:
            tx.execute(insert(attributes), {"key": key, "value": value, **owner})
        elif existing.value != value:
            tx.execute(update(attributes).where(attributes.c.id == existing.id).values(value=value))
