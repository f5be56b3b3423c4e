"""The frozen values of inter-coder agreement and reconciliation that ``Project``
returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gioia.agreement import Coefficient


@dataclass(frozen=True)
class AlphaBootstrap:
    """The bootstrap of a row's α: the 95% percentile interval (``low``, ``high``) and the
    share of resamples below each minimum (``below``, keyed "0.800"), or the ``reason``
    there is none; ``undefined`` resamples (no α) are left out."""

    low: float | None
    high: float | None
    below: dict[str, float]
    undefined: int
    reason: str | None = None


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (applied or not on each unit), with all coefficients.

    ``units`` counts the units compared (read by two or more coders) and ``both``/
    ``only``/``neither`` split them for two coders (``only`` per coder); with more coders
    ``both`` counts units where every coder who read it applied it. ``applied`` counts,
    per coder, the units they applied the code to, compared or not. ``kappa_paradox``
    marks a code two or more coders used whose agreement is high but κ low.
    """

    code: str
    units: int
    both: int
    only: dict[str, int]
    neither: int
    used_by: tuple[str, ...]
    applied: dict[str, int]
    coefficients: dict[str, Coefficient]
    bootstrap: AlphaBootstrap | None = None
    kappa_paradox: bool = False


@dataclass(frozen=True)
class GroupAgreement:
    """Agreement when a group's codes are the exclusive categories of one variable;
    ``violations`` counts the units left out because a coder applied two of them."""

    group: str
    categories: tuple[str, ...]
    units: int
    violations: int
    coefficients: dict[str, Coefficient]
    bootstrap: AlphaBootstrap | None = None


@dataclass(frozen=True)
class Violation:
    """A unit where a coder applied two categories of one exclusive group (for character
    units: the segment, with how many of its characters)."""

    group: str
    unit: str
    coder: str
    codes: tuple[str, ...]
    characters: int | None = None


@dataclass(frozen=True)
class BreakdownRow:
    """The overall figures for one transcript or one pair of coders."""

    label: str
    units: int
    overall: dict[str, Coefficient]


@dataclass(frozen=True)
class BootstrapPlan:
    """How a report's α were bootstrapped: ``resamples`` draws, with replacement, of the
    independent units (``resampled``: segments, or transcripts), from ``seed``."""

    resamples: int
    seed: int
    resampled: str


@dataclass(frozen=True)
class PrivateLeftOut:
    """Codings a comparison leaves out because their concepts are still private to their
    coders (open coding, see :mod:`gioia.ops.scopes`): agreement and reconciliation are
    over the shared concepts. How many codings, on how many concepts, by whom."""

    codings: int
    concepts: int
    coders: tuple[str, ...]
    over: str = "agreement"

    def sentence(self) -> str:
        """The notice a report prints."""
        return (
            f"Left out: {self.codings} coding(s) by {', '.join(self.coders)} on "
            f"{self.concepts} concept(s) still private to their coder (open coding); "
            f"{self.over} is over the shared concepts: share them by assigning them "
            "to themes or merging them into shared ones (gioia concept merge) first."
        )


@dataclass(frozen=True)
class AgreementReport:
    """Inter-coder agreement at one level and unit: per code, overall, and the inputs.

    Of the ``units_in_scope``, ``units_compared`` were read by two or more coders,
    ``units_read_by_one`` by one coder only (they count in chance agreement only) and
    ``units_read_by_none`` by nobody; ``missing`` counts, per coder, the units compared
    that coder did not read. ``convention`` names how missing values are treated
    (``"gwet-2014"``: see docs/agreement.md).
    """

    level: str
    unit: str
    coders: tuple[str, ...]
    convention: str
    units_in_scope: int
    units_compared: int
    units_read_by_one: int
    units_read_by_none: int
    missing: dict[str, int]
    codes: tuple[CodeAgreement, ...]
    overall: dict[str, Coefficient]
    groups: tuple[GroupAgreement, ...] = ()
    violations: tuple[Violation, ...] = ()
    breakdown: tuple[BreakdownRow, ...] = ()
    breakdown_by: str | None = None
    bootstrap: BootstrapPlan | None = None
    exclusive: bool = False
    private: PrivateLeftOut | None = None


@dataclass(frozen=True)
class CoderCodes:
    """One coder's codes on a unit, with the quote spans (offsets in the unit's text);
    ``read`` is False where the coder has not reviewed the unit."""

    coder: str
    codes: tuple[str, ...]
    spans: dict[str, tuple[tuple[int, int], ...]]
    read: bool = True


@dataclass(frozen=True)
class Disagreement:
    """A unit where the coders who read it differ on a code."""

    code: str
    unit: str
    text: str
    applied_by: tuple[str, ...]
    not_by: tuple[str, ...]
    coders: tuple[CoderCodes, ...]


@dataclass(frozen=True)
class MatrixAgreement:
    """All coefficients for a reliability-data table a researcher brings: how it was read
    (``layout``), its ``categories`` and where they came from (``categories_from``:
    "given", "count given" or "values seen"), and its units: ``pairable`` with values
    from two or more coders, ``single`` with one value, ``empty`` with none."""

    coders: tuple[str, ...]
    units: int
    pairable: int
    single: int
    empty: int
    level: str
    layout: str
    categories: tuple[str, ...]
    q: int
    categories_from: str
    convention: str
    coefficients: dict[str, Coefficient]
    bootstrap: AlphaBootstrap | None = None
    resamples: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class Pending:
    """A segment the consensus coder must still decide: each coder's concepts on it."""

    ref: str
    text: str
    agreed: tuple[str, ...]
    first: CoderCodes
    second: CoderCodes

    @property
    def only(self) -> str | None:
        """The coder who alone read the segment (None when both did)."""
        if self.first.read and self.second.read:
            return None
        return self.first.coder if self.first.read else self.second.coder


@dataclass(frozen=True)
class Decision:
    """A disagreement decided for the consensus coder: what was kept, and its event."""

    summary: str
    event: int


@dataclass(frozen=True)
class OneReader:
    """Codings on segments only one of the two coders read: not agreed, so copied into
    the consensus only when asked (``copied``), else left to decide."""

    coder: str
    segments: int
    codings: int
    copied: bool


@dataclass(frozen=True)
class ReconcileState:
    """Where a reconciliation stands: agreed codings copied by this call (on segments both
    coders read and coded alike), segments settled before it (``decided``), the segments
    left to decide (disagreements, and segments only one coder coded unless they were
    copied), the segments this call settled (marked as reviewed by the consensus coder),
    and the codings on segments only one coder read (``one_reader``)."""

    into: str
    coders: tuple[str, str]
    copied: int
    decided: int
    pending: tuple[Pending, ...]
    settled: int = 0
    one_reader: tuple[OneReader, ...] = ()
    private: PrivateLeftOut | None = None

    @property
    def disagreements(self) -> int:
        """The pending segments both coders read."""
        return sum(1 for p in self.pending if p.only is None)
