"""Importing a REFI-QDA project (``.qdpx``) or codebook (``.qdc``), in one transaction.

Users become coders; the code tree becomes the structure by a rule the researcher
chooses (:mod:`gioia.refi.levels`), and sets named after themes (dimensions) put their
concepts (themes) under them too; sources become transcripts and selections codings
(:mod:`gioia.ops.refi_sources`); cases and variables become cases, informants, waves,
dates and attributes; notes become memos and descriptions definitions. Nothing is
dropped silently: the report counts what was read, what was made, and what was left
out and why. A file gioia wrote comes back whole through ``gioia.json``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select

from gioia import schema
from gioia.errors import ImportFailed, InvalidInput
from gioia.models import Case, Coder, Coding, Concept, Dimension, Memo, Review, Theme, Transcript
from gioia.ops.base import Tx
from gioia.ops.objects import get_or_create_coder
from gioia.ops.refi_memos import make_memos
from gioia.ops.refi_sources import (
    SourceText,
    coder_for,
    insert_codings,
    make_informants,
    make_transcripts,
    place_all,
    read_sources,
)
from gioia.ops.refi_structure import apply_sets, make_structure, restore_extras
from gioia.ops.structure_import import ItemParents, item_parents, record_regrouping
from gioia.ops.tagging import coding_keys
from gioia.refi import model as m
from gioia.refi.levels import Rule, clean_code_name, map_codes, parse_rule
from gioia.refi.model import parse_time
from gioia.refi.package import Package
from gioia.refi.positions import CONVENTIONS, detect
from gioia.refi.report import ImportReport, Skipped
from gioia.schema import utcnow

CODER_SOURCES = ("selection", "coding")
REVIEWS = ("coded", "sources")
_EMPTY_CHECK = (Transcript, Concept, Theme, Dimension, Case, Memo)


@dataclass(frozen=True)
class ProjectImportOptions:
    """How to read a project: the levels rule, the position convention (``auto``,
    ``codepoints``, ``utf16``), whose name a coding carries (the selection's
    ``creatingUser`` or the coding's), what counts as read (the segments coded, or every
    segment of a source a coder coded in), and whether to merge into a store that holds
    work already."""

    levels: str = "leaves"
    positions: str = "auto"
    coder_from: str = "selection"
    reviews: str = "coded"
    merge: bool = False

    def check(self) -> Rule:
        """The levels rule; an error naming the option that is wrong."""
        if self.positions not in ("auto", *CONVENTIONS):
            raise InvalidInput(f"--positions is auto, codepoints or utf16, not {self.positions!r}.")
        if self.coder_from not in CODER_SOURCES:
            raise InvalidInput(f"--coder-from is selection or coding, not {self.coder_from!r}.")
        if self.reviews not in REVIEWS:
            raise InvalidInput(f"--reviews is coded or sources, not {self.reviews!r}.")
        return parse_rule(self.levels)


def _require_empty(tx: Tx, name: str) -> None:
    held = [
        model.__table__.name
        for model in _EMPTY_CHECK
        if tx.session.scalar(select(exists().select_from(model)))
    ]
    if held:
        raise ImportFailed(
            f"The store holds {', '.join(held)} already: import {name} into a new store "
            "(gioia --store NEW.db import-project …), or pass --merge to add it to this one "
            "(names that match are the same item)."
        )


def import_project(tx: Tx, package: Package, options: ProjectImportOptions) -> ImportReport:
    """Bring ``package`` into the store (see the module docstring)."""
    rule = options.check()
    project = package.project
    sidecar = package.sidecar or {}
    if not options.merge:
        _require_empty(tx, package.name)
    report = ImportReport(
        package.name,
        project.origin,
        rule.describe(),
        coder_source=options.coder_from,
        reviews=options.reviews,
        from_gioia=bool(sidecar),
        users=len(project.users),
        sources=len(project.sources),
    )
    if package.sidecar_problem:
        report.warnings.append(package.sidecar_problem)
    texts = read_sources(package, report)
    for count, what, why in (
        (project.links, "link(s)", "gioia has no links between items"),
        (project.graphs, "graph(s)", "gioia draws its own figure"),
    ):
        if count:
            report.skipped.append(Skipped(f"{count} {what}", why))
    coded = {
        coding.code
        for text in texts
        for coding in [
            *text.source.codings,
            *(c for s in text.source.selections for c in s.codings),
        ]
    }
    levels = {guid: row[0] for guid, row in sidecar.get("codes", {}).items()}
    if levels and all(code.guid in levels for code, _ in m.walk_codes(project.codes)):
        rule = Rule(given=levels)
        report.rule = rule.describe()
    mapping = map_codes(project.codes, rule, coded)
    report.placements = mapping.placements
    users = _coders(tx, project, sidecar, report)
    had = item_parents(tx)
    concepts, items = make_structure(
        tx, project, mapping, sidecar.get("codes", {}) if not options.merge else {}, report
    )
    if sidecar and not options.merge:
        restore_extras(tx, sidecar, items)
    _record_places(tx, had, f"from {package.name}")
    apply_sets(tx, project.sets, items, report)  # audited by ``assign``
    if project.codebook_only:
        tx.record(
            "import",
            "structure",
            f"Imported the code book {package.name} ({report.rule})",
            after={"file": package.name, "codes": len(mapping.placements)},
        )
        return report
    informants = make_informants(tx, sidecar)
    make_transcripts(tx, project, texts, sidecar, informants, options.merge, report)
    convention = _convention(texts, sidecar, options, report)
    codings = _codings(tx, texts, concepts, users, convention, sidecar, options, report)
    _reviews(tx, texts, codings, users, sidecar, options, report.file)
    make_memos(tx, package, texts, items, users, report)
    report.transcripts = tuple(text.name for text in texts)
    report.segments = sum(len(text.segment_ids) for text in texts)
    report.cases = len(project.cases)
    tx.record(
        "import",
        "project",
        f"Imported {package.name}: {len(texts)} transcript(s), "
        f"{report.codings_created} coding(s) by {len(report.coder_counts)} coder(s)",
        after={
            "file": package.name,
            "origin": project.origin,
            "rule": report.rule,
            "positions": report.convention,
            "codings": report.codings_created,
        },
    )
    return report


def _record_places(tx: Tx, had: ItemParents, source: str) -> None:
    """An event for each item the import put under a parent beyond where it was (an item
    of the store) or where it was made (a new item's first parent, in its own event)."""
    has = item_parents(tx)
    baseline = {key: had.get(key, (name, found[:1])) for key, (name, found) in has.items()}
    record_regrouping(tx, baseline, has, source)


# --- coders --------------------------------------------------------------------------


def _coders(
    tx: Tx, project: m.Project, sidecar: dict[str, Any], report: ImportReport
) -> dict[str, Coder]:
    """Every user as a coder (by user GUID); gioia's own record gives names and flags."""
    recorded = sidecar.get("coders", {})
    found: dict[str, Coder] = {}
    for user in project.users:
        known = recorded.get(user.guid, {})
        name = clean_code_name(
            known.get("name") or user.name.strip() or user.id or f"User {user.guid[:8]}"
        )
        coder = get_or_create_coder(tx, name)
        if (known.get("consensus") or (user.id or "").casefold() == "consensus") and not (
            coder.is_consensus
        ):
            coder.is_consensus = True
            tx.record(
                "update",
                "coder",
                f"Made {coder.name!r} a consensus coder (from {report.file})",
                subject_id=coder.id,
                before={"consensus": False},
                after={"consensus": True},
                coder=coder,
            )
        created = parse_time(known.get("created"))
        if created is not None:
            coder.created_at = created
        found[user.guid] = coder
    report.coders = tuple(dict.fromkeys(coder.name for coder in found.values()))
    return found


# --- codings -----------------------------------------------------------------------------


def _convention(
    texts: list[SourceText],
    sidecar: dict[str, Any],
    options: ProjectImportOptions,
    report: ImportReport,
) -> str:
    """The position convention: forced, as gioia wrote it, or detected."""
    if options.positions != "auto":
        report.positions_forced = options.positions
        return options.positions
    if sidecar.get("positions") in CONVENTIONS:
        report.positions_forced = sidecar["positions"]
        return str(sidecar["positions"])
    report.positions = detect(
        [(text.raw, [(s.start, s.end) for s in text.source.selections]) for text in texts]
    )
    return report.positions.convention


Key = tuple[int, int, int, int, int]


def _codings(
    tx: Tx,
    texts: list[SourceText],
    concepts: dict[str, int],
    users: dict[str, Coder],
    convention: str,
    sidecar: dict[str, Any],
    options: ProjectImportOptions,
    report: ImportReport,
) -> dict[Key, tuple[Any, ...]]:
    """Every selection's codings, placed on the segments they cover; written at once."""
    picks = sidecar.get("picks", {})
    fallback = _fallback_coder(tx, users, report)
    rows: dict[Key, tuple[Any, ...]] = {}
    skipped: Counter[str] = Counter()
    chosen: Counter[str] = Counter()
    other: Counter[str] = Counter()
    existing = _existing(tx, texts) if options.merge else set()
    by_selection = options.coder_from == "selection"
    attributed: dict[tuple[str | None, str | None], tuple[int, str, str | None]] = {}

    def attribute(first: str | None, second: str | None) -> tuple[int, str, str | None]:
        """The coder of a coding (id and name), and whom the other attribute names (if
        both say)."""
        found = attributed.get((first, second))
        if found is None:
            coder = coder_for(tx, users, first or second, report) or fallback()
            named = coder_for(tx, users, second, report) if first and second else None
            found = (coder.id, coder.name, named.name if named else None)
            attributed[(first, second)] = found
        return found

    for text in texts:
        selections = text.source.selections
        if text.source.codings:
            whole = m.Selection(f"{text.source.guid}-whole", 0, len(text.raw))
            whole.codings = text.source.codings
            selections = [*selections, whole]
        report.selections += len(selections)
        placements = iter(place_all(text, [s for s in selections if s.codings], convention))
        for selection in selections:
            codings = selection.codings
            report.codings_read += len(codings)
            if not codings:
                if not (selection.notes or selection.description):
                    skipped["it has no coding and no note"] += 1
                continue
            placed = next(placements)
            if isinstance(placed, str):
                skipped[placed] += len(codings)
                continue
            report.split += len(placed.parts) > 1
            report.trimmed += placed.trimmed
            rank = picks.get(selection.guid)
            for coding in codings:
                concept = concepts.get(coding.code)
                if concept is None:
                    skipped["its code is not in the code book"] += 1
                    continue
                if by_selection:
                    coder, name, named = attribute(selection.creating_user, coding.creating_user)
                else:
                    coder, name, named = attribute(coding.creating_user, selection.creating_user)
                chosen[name] += 1
                if named is not None:
                    other[named] += 1
                created = parse_time(coding.created or selection.created)
                for segment, a, b in placed.parts:
                    key = (segment, concept, coder, a, b)
                    if key in existing:
                        report.codings_existing += 1
                    elif key not in rows:
                        rows[key] = (created, rank)
        # what is left of the selections is what memos need
        text.source.selections = [s for s in text.source.selections if s.notes or s.description]
    insert_codings(tx, rows)
    _record_codings(tx, texts, rows, report.file)
    report.codings_created = len(rows)
    report.coder_counts = dict(chosen.most_common())
    if other and dict(other) != dict(chosen):
        report.other_attribution = dict(other.most_common())
    report.skipped.extend(
        Skipped(f"{count} coding(s)" if "no coding" not in why else f"{count} selection(s)", why)
        for why, count in skipped.most_common()
    )
    return rows


def _record_codings(
    tx: Tx, texts: list[SourceText], rows: dict[Key, tuple[Any, ...]], source: str
) -> None:
    """An event per coder and transcript listing the codings the import made there
    (segment, concept and span), in reading order."""
    refs = {
        segment: (text.transcript_id, f"{text.name}:{position}")
        for text in texts
        for position, segment in enumerate(text.segment_ids, start=1)
    }
    concepts = dict(tx.session.execute(select(Concept.id, Concept.name)).all())
    coders = {c.id: c for c in tx.session.scalars(select(Coder))}
    made: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for segment, concept, coder, start, end in sorted(rows, key=lambda k: (k[0], k[3], k[4])):
        transcript, ref = refs[segment]
        made.setdefault((coder, transcript), []).append(
            {"segment": ref, "concept": concepts[concept], "start": start, "end": end}
        )
    names = {text.transcript_id: text.name for text in texts}
    tx.record_many(
        {
            "action": "tag",
            "subject": "coding",
            "summary": f"Imported {len(codings)} coding(s) by {coders[coder].name} in "
            f"{names[transcript]} from {source}",
            "transcript_id": transcript,
            "after": {"source": source, "codings": codings},
            "coder": coders[coder],
        }
        for (coder, transcript), codings in sorted(made.items())
    )


def _fallback_coder(tx: Tx, users: dict[str, Coder], report: ImportReport) -> Any:
    """Who a coding without a creating user belongs to: the one user, else the acting
    coder, else a coder named 'Imported' (made when first needed)."""
    made: list[Coder] = []

    def fallback() -> Coder:
        if not made:
            if len(users) == 1:
                made.append(next(iter(users.values())))
            else:
                made.append(get_or_create_coder(tx, tx.coder_name or "Imported"))
            report.warnings.append(f"Codings that name no user are attributed to {made[0].name!r}.")
        return made[0]

    return fallback


def _existing(tx: Tx, texts: list[SourceText]) -> set[Key]:
    """The codings already on the transcripts an import codes onto (a merge)."""
    ids = [segment for text in texts for segment in text.segment_ids]
    found: set[Key] = set()
    for chunk in range(0, len(ids), 5000):
        found |= coding_keys(tx, Coding.segment_id.in_(ids[chunk : chunk + 5000]))
    return found


def _reviews(
    tx: Tx,
    texts: list[SourceText],
    codings: dict[Key, tuple[Any, ...]],
    users: dict[str, Coder],
    sidecar: dict[str, Any],
    options: ProjectImportOptions,
    source: str,
) -> None:
    """Which segments each coder has read: as gioia recorded, else those they coded (or
    every segment of the sources they coded in)."""
    rows: dict[tuple[int, int], dt.datetime] = {}
    recorded = sidecar.get("reviews")
    if recorded is not None:
        by_source = {text.source.guid: text for text in texts}
        for user, sources in recorded.items():
            coder = users.get(user)
            for source, marks in sources.items():
                text = by_source.get(source)
                if coder is None or text is None:
                    continue
                for position, when in marks:
                    if 0 < position <= len(text.segment_ids):
                        key = (text.segment_ids[position - 1], coder.id)
                        rows[key] = parse_time(when) or utcnow()
    else:
        segments_of = (
            {segment: text for text in texts for segment in text.segment_ids}
            if options.reviews == "sources"
            else {}
        )
        now = utcnow()
        for segment, _concept, coder_id, _a, _b in codings:
            if options.reviews == "sources":
                for other in segments_of[segment].segment_ids:
                    rows.setdefault((other, coder_id), now)
            else:
                rows.setdefault((segment, coder_id), now)
    if options.merge and rows:
        coders = {coder for _, coder in rows}
        have = {
            (segment, coder)
            for segment, coder in tx.session.execute(
                select(Review.segment_id, Review.coder_id).where(Review.coder_id.in_(coders))
            )
        }
        rows = {key: when for key, when in rows.items() if key not in have}
    tx.insert_many(
        schema.reviews,
        ("segment_id", "coder_id", "reviewed_at"),
        [(segment, coder, when) for (segment, coder), when in sorted(rows.items())],
    )
    read: dict[int, list[int]] = {}
    for segment, coder_id in sorted(rows):
        read.setdefault(coder_id, []).append(segment)
    by_id = {coder.id: coder for coder in users.values()}
    tx.record_many(
        {
            "action": "review",
            "subject": "segment",
            "summary": f"Reviewed {len(segments)} segment(s) (read marks from {source})",
            "after": {"segments": segments},
            "coder": by_id.get(coder_id) or tx.session.get(Coder, coder_id),
        }
        for coder_id, segments in sorted(read.items())
    )
