"""Analyses over the evidence: co-occurrence, case × code matrices and saturation (the
computations are in ``gioia.analysis``; read with Core statements, no ORM)."""

from __future__ import annotations

from gioia.analysis.cooccurrence import Cooccurrence, cooccurrence
from gioia.analysis.matrix import CodeMatrix, code_matrix
from gioia.analysis.saturation import Saturation, saturation
from gioia.ops.base import Tx
from gioia.ops.evidence import load_evidence


def cooccurrence_of(
    tx: Tx, *, level: str, within: str, coder: str | None, min_count: int = 1
) -> Cooccurrence:
    """Co-occurrence of the codes of ``level`` within segments or transcripts."""
    return cooccurrence(load_evidence(tx, level, coder), within, min_count)


def matrix_of(tx: Tx, *, rows: str, level: str, value: str, coder: str | None) -> CodeMatrix:
    """The ``rows`` × codes matrix of ``level`` holding ``value``."""
    return code_matrix(load_evidence(tx, level, coder), rows, value)


def saturation_of(tx: Tx, *, level: str, order: str, coder: str | None) -> Saturation:
    """New codes of ``level`` per interview in ``order``."""
    return saturation(load_evidence(tx, level, coder), order)
