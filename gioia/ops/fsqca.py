"""The fsQCA calibration of conditions per case, from the evidence and the cases'
attributes (the computation is in ``gioia.analysis.fsqca``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from gioia.analysis.evidence import NO_CASE
from gioia.analysis.fsqca import (
    CalibratedCondition,
    ConditionSpec,
    FsqcaTable,
    Quote,
    calibrate,
    parse_spec,
)
from gioia.analysis.matrix import CodeMatrix, column_of
from gioia.errors import GioiaError, InvalidInput, NotFound
from gioia.importers.yaml_file import load_yaml
from gioia.models import Case, Informant, Segment, Transcript
from gioia.ops.analysis import matrix_of
from gioia.ops.base import Tx, suggestion
from gioia.ops.evidence import attribute_values
from gioia.ops.objects import resolve_refs, segment_ref


def calibrate_conditions(tx: Tx, path: Path, coder: str | None = None) -> FsqcaTable:
    """Calibrate the conditions of the spec at ``path`` for every case of the study."""
    spec = parse_spec(load_yaml(path), path.name)
    coder = coder or spec.coder
    cases = list(tx.session.scalars(select(Case.name).order_by(Case.name_key)))
    if not cases:
        raise InvalidInput(
            "The study has no cases: give transcripts a case (a manifest's case column)."
        )
    matrices: dict[tuple[str, str], CodeMatrix] = {}
    conditions: list[CalibratedCondition] = []
    evidence_coder: str | None = None
    for condition in spec.conditions:
        if condition.source == "attribute":
            raw: dict[str, str | float] = dict(attribute_values(tx, condition.of))
        else:
            key = (condition.source, condition.measure)
            if key not in matrices:
                matrices[key] = matrix_of(
                    tx, rows="case", level=condition.source, value=condition.measure, coder=coder
                )
            matrix = matrices[key]
            evidence_coder = matrix.coder
            column = column_of(matrix, condition.of)
            if column is None:
                raise NotFound(
                    f"Condition {condition.name}: there is no {condition.source} "
                    f"{condition.of!r}.{suggestion(condition.of, list(matrix.codes))}"
                )
            raw = {
                row: line[column]
                for row, line in zip(matrix.rows, matrix.values, strict=True)
                if row != NO_CASE
            }
        conditions.append(calibrate(condition, cases, raw, _quotes(tx, condition)))
    return FsqcaTable(tuple(cases), tuple(conditions), evidence_coder)


def _quotes(tx: Tx, condition: ConditionSpec) -> dict[str, Quote]:
    """The anchor quotes a rubric cites, by reference, with their attribution."""
    refs = [ref for score in condition.rubric.values() for ref in score.quotes]
    found: dict[str, Quote] = {}
    informant = func.coalesce(Segment.informant_id, Transcript.informant_id)
    try:
        segments = resolve_refs(tx, refs)
    except GioiaError as exc:
        raise InvalidInput(f"Condition {condition.name}: {exc.message}") from exc
    for ref, (transcript, segment) in zip(refs, segments, strict=True):
        case_name, role = tx.session.execute(
            select(Case.name, Informant.role)
            .select_from(Segment)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .outerjoin(Case, Case.id == Transcript.case_id)
            .outerjoin(Informant, Informant.id == informant)
            .where(Segment.id == segment.id)
        ).one()
        who = ", ".join(part for part in (case_name, role) if part)
        found[ref] = Quote(
            segment_ref(transcript, segment),
            transcript.text[segment.char_start : segment.char_end],
            f"({who})" if who else "",
        )
    return found
