"""Inter-coder agreement from the store: reliability data at a level and a unit.

A coder who has not reviewed a unit is *missing* there; a coder who reviewed it and
applied nothing has coded "absent". The statistics are in :mod:`gioia.agreement`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from gioia import agreement as ag
from gioia.errors import InvalidInput, NotFound
from gioia.ops.base import Tx, find_coder, get_concept, get_transcript
from gioia.ops.structure import LEVELS
from gioia.store import (
    Case,
    Coder,
    Coding,
    Concept,
    Dimension,
    Review,
    Segment,
    Theme,
    Transcript,
)
from gioia.text import name_key
from gioia.views import (
    AgreementReport,
    BreakdownRow,
    CodeAgreement,
    CoderCodes,
    Disagreement,
    GroupAgreement,
    MatrixAgreement,
    Violation,
)

UNITS = ("segment", "transcript", "character")
COMPARING = "Comparing coders shows other coders' work, which is"
TWO_ONLY = "Defined for two coders; see Fleiss' κ."
FloatArray = npt.NDArray[np.float64]


@dataclass
class Scope:
    """Who read and coded what, for the coders and transcripts compared."""

    level: str
    coders: list[tuple[int, str]]
    segments: dict[int, tuple[int, int, int, str]]  # id -> transcript, start, end, ref
    transcripts: dict[int, tuple[str, str]]  # id -> name, text
    reviewed: dict[int, set[int]]  # coder -> segments
    applied: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # coder, seg -> codes
    spans: dict[tuple[int, int, int], list[tuple[int, int]]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # code -> name
    groups: dict[int, int | None] = field(default_factory=dict)  # code -> its parent


def load(
    tx: Tx,
    *,
    level: str = "concept",
    coders: list[str] | None = None,
    transcript: str | None = None,
    case: str | None = None,
    wave: str | None = None,
) -> Scope:
    """The reliability data in scope (interviewer turns left out); an error unless two or
    more coders are compared, or when the acting coder is blind to the others' work."""
    if tx.viewer.blind:
        raise tx.viewer.hidden(COMPARING)
    if level not in LEVELS:
        raise InvalidInput(f"{level!r} is not a level: choose concept, theme or dimension.")
    session = tx.session
    transcripts = select(Transcript.id, Transcript.name, Transcript.text)
    if transcript is not None:
        transcripts = transcripts.where(Transcript.id == get_transcript(session, transcript).id)
    if case is not None:
        found = session.scalar(select(Case.id).where(Case.name_key == name_key(case)))
        if found is None:
            raise NotFound(f"No case {case!r}.")
        transcripts = transcripts.where(Transcript.case_id == found)
    if wave is not None:
        transcripts = transcripts.where(Transcript.wave == wave)
    texts = {id_: (name, text) for id_, name, text in session.execute(transcripts)}
    if wave is not None and not texts:
        waves = sorted({w for w in session.scalars(select(Transcript.wave)) if w})
        raise NotFound(f"No transcript in wave {wave!r} (waves: {', '.join(waves) or 'none'}).")
    segments = {
        id_: (tid, start, end, f"{texts[tid][0]}:{position}")
        for id_, tid, start, end, position in session.execute(
            select(
                Segment.id,
                Segment.transcript_id,
                Segment.char_start,
                Segment.char_end,
                Segment.position,
            )
            .where(Segment.transcript_id.in_(list(texts)), Segment.is_interviewer.is_(False))
            .order_by(Segment.transcript_id, Segment.position)
        )
    }
    reviewed: dict[int, set[int]] = defaultdict(set)
    for coder_id, segment_id in session.execute(
        select(Review.coder_id, Review.segment_id)
        .join(Segment, Segment.id == Review.segment_id)
        .where(Segment.transcript_id.in_(list(texts)))
    ):
        reviewed[coder_id].add(segment_id)
    if coders:
        chosen = {c.id: c for c in (find_coder(session, name) for name in coders)}
        compared = [(c.id, c.name) for c in chosen.values()]
    else:
        compared = [
            (id_, name)
            for id_, name in session.execute(
                select(Coder.id, Coder.name)
                .where(Coder.is_consensus.is_(False))
                .order_by(Coder.name_key)
            )
            if reviewed.get(id_)
        ]
    if len(compared) < 2:
        names = ", ".join(n for _, n in compared) or "none"
        raise InvalidInput(
            f"Agreement needs two or more coders who reviewed segments in scope (found: {names})."
        )
    scope = Scope(
        level, compared, segments, texts, {c: reviewed.get(c, set()) for c, _ in compared}
    )
    code = {"concept": Concept.id, "theme": Concept.theme_id, "dimension": Theme.dimension_id}
    query = (
        select(Coding.coder_id, Coding.segment_id, code[level], Coding.char_start, Coding.char_end)
        .join(Concept, Concept.id == Coding.concept_id)
        .outerjoin(Theme, Theme.id == Concept.theme_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .where(
            Segment.transcript_id.in_(list(texts)), Coding.coder_id.in_([c for c, _ in compared])
        )
    )
    applied, spans = scope.applied, scope.spans
    for coder_id, segment_id, code_id, start, end in session.connection().execute(query):
        if code_id is None:
            continue
        codes = applied.get((coder_id, segment_id))
        if codes is None:
            codes = applied[(coder_id, segment_id)] = set()
        codes.add(code_id)
        where = spans.get((coder_id, segment_id, code_id))
        if where is None:
            spans[(coder_id, segment_id, code_id)] = [(start, end)]
        else:
            where.append((start, end))
    scope.names, scope.groups = _code_names(tx, level)
    return scope


def _code_names(tx: Tx, level: str) -> tuple[dict[int, str], dict[int, int | None]]:
    if level == "concept":
        rows = tx.session.execute(select(Concept.id, Concept.name, Concept.theme_id))
    elif level == "theme":
        rows = tx.session.execute(select(Theme.id, Theme.name, Theme.dimension_id))
    else:
        rows = tx.session.execute(select(Dimension.id, Dimension.name, Dimension.id))
    names, groups = {}, {}
    for id_, name, parent in rows:
        names[id_], groups[id_] = name, (parent if level != "dimension" else None)
    return names, groups


@dataclass
class Matrix:
    """Units read by at least one coder as columns: who read each (``read``) and who
    applied which code. Per code only the units read by two or more coders count; the
    exclusive groups keep units read once in their chance terms, as Gwet's multi-rater
    forms (and the published examples) do."""

    labels: list[str]
    read: npt.NDArray[np.bool_]  # coders × units
    applied: dict[int, npt.NDArray[np.bool_]]  # code -> coders × units
    weights: list[float] = field(default_factory=list)  # character units: one per transcript

    @cached_property
    def pairable(self) -> npt.NDArray[np.bool_]:
        """The units read by two or more coders."""
        paired: npt.NDArray[np.bool_] = self.read.sum(axis=0) >= 2
        return paired

    def values(self, code: int) -> FloatArray:
        """1 where applied, 0 where read but not applied, NaN where not read."""
        out = self.applied[code].astype(np.float64)
        out[~self.read] = np.nan
        return out


def unit_matrices(scope: Scope, unit: str, segments: Iterable[int] | None = None) -> list[Matrix]:
    """The reliability data at ``unit``: one matrix, or one per transcript for characters."""
    if unit not in UNITS:
        raise InvalidInput(f"{unit!r} is not a unit: choose segment, transcript or character.")
    ids = list(scope.segments if segments is None else segments)
    coders = [c for c, _ in scope.coders]
    if unit == "segment":
        return [_matrix(scope, [(s, [s]) for s in ids], coders, scope.segments)]
    by_transcript: dict[int, list[int]] = defaultdict(list)
    for s in ids:
        by_transcript[scope.segments[s][0]].append(s)
    if unit == "transcript":
        groups = [(t, members) for t, members in by_transcript.items()]
        return [
            _matrix(
                scope,
                groups,
                coders,
                {t: (t, 0, 0, scope.transcripts[t][0]) for t in by_transcript},
            )
        ]
    return [_characters(scope, t, members, coders) for t, members in by_transcript.items()]


def _matrix(
    scope: Scope,
    units: list[tuple[int, list[int]]],
    coders: list[int],
    labels: dict[int, tuple[int, int, int, str]],
) -> Matrix:
    unit_of = {s: j for j, (_, members) in enumerate(units) for s in members}
    row_of = {coder: i for i, coder in enumerate(coders)}
    read = np.zeros((len(coders), len(units)), dtype=bool)
    for i, coder in enumerate(coders):
        read[i, [unit_of[s] for s in scope.reviewed[coder] if s in unit_of]] = True
    cells: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for (coder, s), codes in scope.applied.items():
        column, row = unit_of.get(s), row_of.get(coder)
        if column is not None and row is not None:
            for code in codes:
                rows, columns = cells[code]
                rows.append(row)
                columns.append(column)
    applied: dict[int, npt.NDArray[np.bool_]] = {}
    for code, (rows, columns) in cells.items():
        grid = np.zeros(read.shape, dtype=bool)
        grid[rows, columns] = True
        applied[code] = grid & read  # a coding counts where its coder read the unit
    kept = np.asarray(read.any(axis=0), dtype=bool)
    return Matrix(
        [labels[key][3] for (key, _), keep in zip(units, kept.tolist(), strict=True) if keep],
        read[:, kept],
        {code: rows[:, kept] for code, rows in applied.items() if rows[:, kept].any()},
    )


def _characters(scope: Scope, transcript: int, members: list[int], coders: list[int]) -> Matrix:
    """Each character of the transcript's segments a unit; a coding covers its span."""
    starts = {s: scope.segments[s][1] for s in members}
    offsets, position = {}, 0
    for s in members:
        offsets[s] = position
        position += scope.segments[s][2] - scope.segments[s][1]
    read = np.zeros((len(coders), position), dtype=bool)
    applied: dict[int, npt.NDArray[np.bool_]] = {}
    for i, coder in enumerate(coders):
        for s in members:
            if s not in scope.reviewed[coder]:
                continue
            first, length = offsets[s], scope.segments[s][2] - starts[s]
            read[i, first : first + length] = True
            for code in scope.applied.get((coder, s), ()):
                if code not in applied:
                    applied[code] = np.zeros(read.shape, dtype=bool)
                row = applied[code]
                for start, end in scope.spans[(coder, s, code)]:
                    row[i, first + start - starts[s] : first + end - starts[s]] = True
    kept = np.asarray(read.any(axis=0), dtype=bool)
    name = scope.transcripts[transcript][0]
    return Matrix(
        [name] * int(kept.sum()),
        read[:, kept],
        {code: rows[:, kept] for code, rows in applied.items()},
        [float((read.sum(axis=0) >= 2).sum())],
    )


def coefficients(values: FloatArray, *, two: bool) -> dict[str, ag.Coefficient]:
    """Every coefficient for ``coders × units`` presence data (NaN = not read)."""
    many = ag.many_coders(values, categories=(0, 1))
    result = {
        "percent": many.percent,
        "fleiss_kappa": many.fleiss_kappa,
        "gwet_ac1": many.gwet_ac1,
        "brennan_prediger": many.brennan_prediger,
        "krippendorff_alpha": many.krippendorff_alpha,
    }
    if two:
        pair = ag.two_coders(values[0], values[1], categories=(0, 1))
        result.update(
            cohen_kappa=pair.cohen_kappa, cohen_kappa_se=pair.cohen_kappa_se, scott_pi=pair.scott_pi
        )
    else:
        undefined = ag.Coefficient.undefined(TWO_ONLY)
        result.update(cohen_kappa=undefined, cohen_kappa_se=undefined, scott_pi=undefined)
    return result


def _weighted(values: list[tuple[ag.Coefficient, float]]) -> ag.Coefficient:
    defined = [(c.value, w) for c, w in values if c.value is not None and w > 0]
    if not defined:
        reasons = [c.reason for c, _ in values if c.reason]
        return ag.Coefficient.undefined(reasons[0] if reasons else "No unit to compare.")
    total = sum(w for _, w in defined)
    return ag.Coefficient(sum(v * w for v, w in defined) / total)


def _code_agreement(
    scope: Scope,
    matrices: list[Matrix],
    code: int,
    names: list[str],
    bootstrap: int | None,
    seed: int,
) -> CodeAgreement:
    two = len(names) == 2
    parts: list[tuple[dict[str, ag.Coefficient], float]] = []
    units = both = neither = 0
    only = dict.fromkeys(names, 0)
    used: set[str] = set()
    data: list[FloatArray] = []
    for m in matrices:
        paired = m.pairable
        count = int(paired.sum())
        if not count:
            continue
        # a code's agreement is over the units two or more coders read (the unit)
        values = m.values(code) if code in m.applied else np.where(m.read, 0.0, np.nan)
        values = values[:, paired]
        data.append(values)
        weight = m.weights[0] if m.weights else float(count)
        parts.append((coefficients(values, two=two), weight))
        units += count
        read = m.read[:, paired]
        applied = (m.applied[code][:, paired] & read) if code in m.applied else np.zeros_like(read)
        readers, appliers = read.sum(axis=0), applied.sum(axis=0)
        both += int(((appliers == readers) & (appliers > 0)).sum())
        neither += int((appliers == 0).sum())
        for i, name in enumerate(names):
            only[name] += int((applied[i] & (appliers < readers)).sum())
            if applied[i].any():
                used.add(name)
    keys = parts[0][0].keys() if parts else ()
    combined = {k: _weighted([(p[k], w) for p, w in parts]) for k in keys}
    interval = below = None
    if bootstrap and data:
        result = ag.bootstrap_alpha(np.concatenate(data, axis=1), bootstrap, seed=seed)
        if result.low is not None and result.high is not None:
            interval = (result.low, result.high)
            below = {f"{m:.3f}": p for m, p in result.p_below.items()}
    note = None
    kappa = combined.get("cohen_kappa" if two else "fleiss_kappa")
    if kappa is not None and "percent" in combined:
        note = ag.kappa_paradox(combined["percent"], kappa)
    if len(used) == 1:
        note = f"Only {next(iter(used))} used this code." + (f" {note}" if note else "")
    return CodeAgreement(
        scope.names[code],
        units,
        both,
        only,
        neither,
        tuple(n for n in names if n in used),
        combined,
        interval,
        below,
        note,
    )


def _overall(codes: list[CodeAgreement], names: list[str]) -> dict[str, ag.Coefficient]:
    """Overall: percent agreement over every unit and code, pooled κ (two coders), and
    the mean κ and α of the codes."""
    two = len(names) == 2
    if not codes:
        empty = ag.Coefficient.undefined("No code was applied in scope.")
        return {k: empty for k in ("percent", "pooled_kappa", "mean_kappa", "mean_alpha")}
    percent = _weighted([(c.coefficients["percent"], float(c.units)) for c in codes])
    kappas = [c.coefficients["cohen_kappa" if two else "fleiss_kappa"] for c in codes]
    alphas = [c.coefficients["krippendorff_alpha"] for c in codes]
    if two:
        a, b = names
        tables = [[[c.neither, c.only[b]], [c.only[a], c.both]] for c in codes]
        pooled = ag.pooled_kappa(tables).pooled
    else:
        pooled = ag.Coefficient.undefined(
            "Pooled κ is defined for two coders (de Vries et al. 2008); see the mean κ."
        )
    return {
        "percent": percent,
        "pooled_kappa": pooled,
        "mean_kappa": _weighted([(k, 1.0) for k in kappas]),
        "mean_alpha": _weighted([(a, 1.0) for a in alphas]),
    }


def _groups(tx: Tx, scope: Scope, matrix: Matrix) -> tuple[list[GroupAgreement], list[Violation]]:
    """Each group's codes (a theme's concepts, a dimension's themes) as the categories of
    one nominal variable, "none" where a coder applied none of them."""
    members: dict[int, list[int]] = defaultdict(list)
    for code, parent in sorted(scope.groups.items()):
        if parent is not None:
            members[parent].append(code)
    parent_names = _parent_names(tx, scope.level)
    names = [n for _, n in scope.coders]
    results, violations = [], []
    for parent, codes in members.items():
        if not any(c in matrix.applied for c in codes):
            continue
        shape = matrix.read.shape
        stacked = np.stack([matrix.applied.get(c, np.zeros(shape, dtype=bool)) for c in codes])
        count = stacked.sum(axis=0)
        bad = (count > 1) & matrix.read
        for i, j in zip(*np.nonzero(bad), strict=True):
            chosen = tuple(scope.names[c] for k, c in enumerate(codes) if stacked[k, i, j])
            violations.append(Violation(parent_names[parent], matrix.labels[j], names[i], chosen))
        keep = ~bad.any(axis=0)
        category = np.argmax(stacked, axis=0).astype(np.float64)
        none = float(len(codes))
        category[count == 0] = none
        category[~matrix.read] = np.nan
        data = category[:, keep]
        q = len(codes) + (1 if (data == none).any() else 0)
        many = ag.many_coders(data, categories=range(q))
        labels = tuple(scope.names[c] for c in codes) + (("none",) if q > len(codes) else ())
        results.append(
            GroupAgreement(
                parent_names[parent],
                labels,
                many.units,
                int(bad.any(axis=0).sum()),
                {
                    "percent": many.percent,
                    "fleiss_kappa": many.fleiss_kappa,
                    "gwet_ac1": many.gwet_ac1,
                    "brennan_prediger": many.brennan_prediger,
                    "krippendorff_alpha": many.krippendorff_alpha,
                },
            )
        )
    return results, violations


def _parent_names(tx: Tx, level: str) -> dict[int, str]:
    """The names of the groups: themes for concepts, dimensions for themes."""
    model = Theme if level == "concept" else Dimension
    return {id_: name for id_, name in tx.session.execute(select(model.id, model.name))}


def report(
    tx: Tx,
    *,
    level: str = "concept",
    unit: str = "segment",
    coders: list[str] | None = None,
    transcript: str | None = None,
    case: str | None = None,
    wave: str | None = None,
    exclusive: bool = False,
    by: str | None = None,
    concept: str | None = None,
    bootstrap: int | None = None,
    seed: int = 0,
) -> AgreementReport:
    """Agreement per code and overall, at a level and unit, for the coders in scope."""
    scope = load(tx, level=level, coders=coders, transcript=transcript, case=case, wave=wave)
    names = [n for _, n in scope.coders]
    matrices = unit_matrices(scope, unit)
    codes = sorted({c for m in matrices for c in m.applied}, key=lambda c: name_key(scope.names[c]))
    if concept is not None:
        wanted = get_concept(tx, concept).id if level == "concept" else None
        codes = [c for c in codes if c == wanted or name_key(scope.names[c]) == name_key(concept)]
        if not codes:
            raise InvalidInput(f"Nobody in scope applied {concept!r}.")
    per_code = [_code_agreement(scope, matrices, c, names, bootstrap, seed) for c in codes]
    groups, violations = (
        _groups(tx, scope, matrices[0]) if exclusive and unit != "character" else ([], [])
    )
    pairable = sum(int(m.pairable.sum()) for m in matrices)
    if not pairable:
        raise InvalidInput(
            f"Every unit is unpairable: no {unit} in scope was reviewed by two or more of "
            f"{', '.join(names)}."
        )
    in_scope = _units_in_scope(scope, unit)
    missing = {
        name: int(sum((~m.read[i][m.pairable]).sum() for m in matrices))
        for i, name in enumerate(names)
    }
    breakdown = _breakdown(scope, unit, by, names, codes) if by else []
    return AgreementReport(
        level,
        unit,
        tuple(names),
        in_scope,
        pairable,
        in_scope - pairable,
        missing,
        tuple(per_code),
        _overall(per_code, names),
        tuple(groups),
        tuple(violations),
        tuple(breakdown),
    )


def _units_in_scope(scope: Scope, unit: str) -> int:
    if unit == "segment":
        return len(scope.segments)
    if unit == "transcript":
        return len({t for t, _, _, _ in scope.segments.values()})
    return sum(end - start for _, start, end, _ in scope.segments.values())


def _breakdown(
    scope: Scope, unit: str, by: str, names: list[str], codes: list[int]
) -> list[BreakdownRow]:
    rows = []
    if by == "transcript":
        for tid, (name, _) in sorted(scope.transcripts.items(), key=lambda t: t[1][0]):
            members = [s for s, (t, _, _, _) in scope.segments.items() if t == tid]
            matrices = unit_matrices(scope, unit, members)
            per_code = [
                _code_agreement(scope, matrices, c, names, None, 0)
                for c in codes
                if any(c in m.applied for m in matrices)
            ]
            rows.append(
                BreakdownRow(
                    name,
                    sum(int(m.pairable.sum()) for m in matrices),
                    _overall(per_code, names),
                )
            )
    elif by == "coder-pair":
        for (a_id, a), (b_id, b) in combinations(scope.coders, 2):
            pair = Scope(
                scope.level,
                [(a_id, a), (b_id, b)],
                scope.segments,
                scope.transcripts,
                {a_id: scope.reviewed[a_id], b_id: scope.reviewed[b_id]},
                scope.applied,
                scope.spans,
                scope.names,
                scope.groups,
            )
            matrices = unit_matrices(pair, unit)
            per_code = [
                _code_agreement(pair, matrices, c, [a, b], None, 0)
                for c in codes
                if any(c in m.applied for m in matrices)
            ]
            rows.append(
                BreakdownRow(
                    f"{a} / {b}",
                    sum(int(m.pairable.sum()) for m in matrices),
                    _overall(per_code, [a, b]),
                )
            )
    else:
        raise InvalidInput(f"Cannot break down by {by!r}: choose transcript or coder-pair.")
    return rows


def disagreements(
    tx: Tx,
    *,
    level: str = "concept",
    coders: list[str] | None = None,
    concept: str | None = None,
    transcript: str | None = None,
) -> list[Disagreement]:
    """Every segment where the coders who read it differ on a code, grouped by code."""
    scope = load(tx, level=level, coders=coders, transcript=transcript)
    (matrix,) = unit_matrices(scope, "segment")
    refs = {ref: s for s, (_, _, _, ref) in scope.segments.items()}
    names = [n for _, n in scope.coders]
    found = []
    for code in sorted(matrix.applied, key=lambda c: name_key(scope.names[c])):
        if concept is not None and name_key(scope.names[code]) != name_key(concept):
            continue
        applied = matrix.applied[code] & matrix.read
        differ = applied.any(axis=0) & (applied.sum(axis=0) < matrix.read.sum(axis=0))
        for j in np.nonzero(differ)[0]:
            segment = refs[matrix.labels[j]]
            found.append(
                Disagreement(
                    scope.names[code],
                    matrix.labels[j],
                    _segment_text(scope, segment),
                    tuple(names[i] for i in range(len(names)) if applied[i, j]),
                    tuple(
                        names[i]
                        for i in range(len(names))
                        if matrix.read[i, j] and not applied[i, j]
                    ),
                    tuple(
                        coder_codes(scope, coder_id, name, segment)
                        for coder_id, name in scope.coders
                    ),
                )
            )
    if (
        concept is not None
        and not found
        and all(name_key(n) != name_key(concept) for n in scope.names.values())
    ):
        raise NotFound(f"No {level} {concept!r}.")
    return found


def _segment_text(scope: Scope, segment: int) -> str:
    transcript, start, end, _ = scope.segments[segment]
    return scope.transcripts[transcript][1][start:end]


def coder_codes(scope: Scope, coder_id: int, name: str, segment: int) -> CoderCodes:
    """A coder's codes on a segment, with quote spans relative to the segment's text."""
    _, start, end, _ = scope.segments[segment]
    codes = sorted(
        scope.applied.get((coder_id, segment), ()), key=lambda c: name_key(scope.names[c])
    )
    spans = {
        scope.names[c]: tuple(
            (s - start, e - start)
            for s, e in sorted(scope.spans[(coder_id, segment, c)])
            if (s, e) != (start, end)
        )
        for c in codes
    }
    read = segment in scope.reviewed.get(coder_id, set())
    return CoderCodes(name, tuple(scope.names[c] for c in codes), spans, read)


def matrix_agreement(
    data: FloatArray, coders: list[str], level: str, bootstrap: int | None, seed: int
) -> MatrixAgreement:
    """Every coefficient for a coders × units table (NaN = missing) at ``level``."""
    if level not in ag.LEVELS:
        raise InvalidInput(
            f"{level!r} is not a level of measurement: choose nominal, ordinal, interval or ratio."
        )
    many = ag.many_coders(data, level=level)
    result = {
        "percent": many.percent,
        "fleiss_kappa": many.fleiss_kappa,
        "gwet_ac1": many.gwet_ac1,
        "brennan_prediger": many.brennan_prediger,
        "krippendorff_alpha": many.krippendorff_alpha,
    }
    if len(coders) == 2:
        pair = ag.two_coders(data[0], data[1])
        result.update(
            cohen_kappa=pair.cohen_kappa, cohen_kappa_se=pair.cohen_kappa_se, scott_pi=pair.scott_pi
        )
    interval = below = None
    if bootstrap:
        boot = ag.bootstrap_alpha(data, bootstrap, seed=seed, level=level)
        if boot.low is not None and boot.high is not None:
            interval = (boot.low, boot.high)
            below = {f"{m:.3f}": p for m, p in boot.p_below.items()}
    if not many.units:
        raise InvalidInput("Every unit is unpairable: no unit has values from two coders.")
    return MatrixAgreement(tuple(coders), data.shape[1], many.units, level, result, interval, below)
