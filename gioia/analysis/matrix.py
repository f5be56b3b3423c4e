"""Case × code matrices (Miles & Huberman's cross-case display), with the segments behind
every cell so each number can be traced to its quotes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gioia.analysis.evidence import NO_CASE, NO_WAVE, Evidence, IntArray
from gioia.errors import InvalidInput

ROWS = ("case", "informant", "transcript", "wave")
VALUES = ("count", "segments", "presence", "share")


@dataclass(frozen=True)
class CodeMatrix:
    """Rows (cases, informants, transcripts or waves) × codes of one level.

    ``value`` says what a cell holds: ``count`` codings (a coder's concept on a segment
    once, however many quotes mark it; at theme level once in each theme its concept is
    under, at dimension level once), distinct coded ``segments``,
    ``presence`` (1 or 0), or ``share``: coded segments over the row's informant segments.
    ``row_segments`` is each row's informant segments; ``refs`` each cell's segments
    (``TRANSCRIPT:N``, in reading order).
    """

    rows_kind: str
    level: str
    value: str
    coder: str | None
    rows: tuple[str, ...]
    codes: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    row_segments: tuple[int, ...]
    refs: tuple[tuple[tuple[str, ...], ...], ...]


def _wave_key(wave: str) -> tuple[int, float, str]:
    try:
        return (0, float(wave), wave)
    except ValueError:
        return (1, 0.0, wave.casefold())


def row_labels(evidence: Evidence, rows: str) -> tuple[list[str], IntArray, list[int]]:
    """The row labels, each coding's row, and each row's informant segments."""
    if rows not in ROWS:
        raise InvalidInput(f"Cannot make rows of {rows!r}: choose {', '.join(ROWS)}.")
    infos = evidence.transcripts
    if rows == "informant":
        labels = list(evidence.informants)
        return labels, evidence.informant, list(evidence.informant_segments)
    if rows == "transcript":
        keys = [i.name for i in infos]
        labels = keys
    elif rows == "case":
        keys = [i.case or NO_CASE for i in infos]
        labels = sorted(set(keys), key=lambda k: (k == NO_CASE, k.casefold(), k))
    else:
        keys = [i.wave or NO_WAVE for i in infos]
        labels = sorted(set(keys), key=lambda k: (k == NO_WAVE, *_wave_key(k)))
    index = {label: n for n, label in enumerate(labels)}
    of_transcript = np.array([index[k] for k in keys], dtype=np.int64)
    segments = [0] * len(labels)
    for info, key in zip(infos, keys, strict=True):
        segments[index[key]] += info.segments
    rows_of_codings = of_transcript[evidence.transcript] if len(infos) else evidence.transcript
    return labels, rows_of_codings, segments


def code_matrix(evidence: Evidence, rows: str = "case", value: str = "segments") -> CodeMatrix:
    """The matrix of ``rows`` × the evidence's codes holding ``value`` in each cell."""
    if value not in VALUES:
        raise InvalidInput(f"{value!r} is not a cell value: choose {', '.join(VALUES)}.")
    labels, row_of, row_segments = row_labels(evidence, rows)
    n_rows, n_codes = len(labels), len(evidence.codes)
    cell = row_of * n_codes + evidence.code
    counts = np.bincount(cell, minlength=n_rows * n_codes)
    # One entry per (cell, segment): the first coding of each segment in each cell.
    order = np.lexsort((evidence.position, evidence.transcript, cell))
    keyed = np.stack([cell[order], evidence.segment[order]])
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(keyed[:, 1:] != keyed[:, :-1], axis=0)
    distinct = order[first]
    segments = np.bincount(cell[distinct], minlength=n_rows * n_codes)
    table: np.ndarray
    if value == "count":
        table = counts.astype(float)
    elif value == "segments":
        table = segments.astype(float)
    elif value == "presence":
        table = (segments > 0).astype(float)
    else:
        per_row = np.repeat(np.array(row_segments, dtype=float), n_codes)
        table = np.divide(segments, per_row, out=np.zeros(len(per_row)), where=per_row > 0)
    refs: list[list[list[str]]] = [[[] for _ in range(n_codes)] for _ in range(n_rows)]
    for index in distinct.tolist():
        row, code = divmod(int(cell[index]), n_codes)
        refs[row][code].append(evidence.ref(index))
    shaped = table.reshape(n_rows, n_codes)
    return CodeMatrix(
        rows_kind=rows,
        level=evidence.level,
        value=value,
        coder=evidence.coder,
        rows=tuple(labels),
        codes=evidence.codes,
        values=tuple(tuple(float(v) for v in line) for line in shaped),
        row_segments=tuple(row_segments),
        refs=tuple(tuple(tuple(cell_refs) for cell_refs in line) for line in refs),
    )


def format_value(value: float, kind: str) -> str:
    """A cell as printed: a whole number, or a share with three decimals."""
    return f"{value:.3f}" if kind == "share" else str(int(value))


def column_of(matrix: CodeMatrix, name: str) -> int | None:
    """The index of the code called ``name`` (compared case- and space-insensitively)."""
    from gioia.text import name_key

    wanted = name_key(name)
    return next((i for i, code in enumerate(matrix.codes) if name_key(code) == wanted), None)
