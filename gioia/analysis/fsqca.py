"""The bridge to fuzzy-set QCA: conditions calibrated per case, by the direct method or by
a rubric the researcher writes, and the CSV that R's ``QCA`` package and fs/QCA read.

Direct calibration follows Ragin (2008, the chapter on calibration) as
``QCA::calibrate(x, type = "fuzzy", method = "direct", logistic = TRUE, idm = 0.95)``
computes it: the raw value's distance
from the crossover is turned into log-odds, scaled separately above and below it so that
the full-membership anchor gets log-odds ln(idm / (1 − idm)) (membership 0.95) and the
full-non-membership anchor the opposite (0.05); memberships below 0.0001 become 0 and
above 0.9999 become 1. (Ragin's book rounds those log-odds to ±3, which is membership
0.9526: pass ``idm = e³ / (1 + e³)`` to reproduce its tables.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gioia.errors import InvalidInput

SOURCES = ("concept", "theme", "dimension", "attribute")
MEASURES = ("count", "segments", "presence", "share")
METHODS = ("direct", "rubric")
DEFAULT_IDM = 0.95
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")


@dataclass(frozen=True)
class Anchors:
    """The three qualitative anchors of direct calibration, in raw units: full
    non-membership (``exclusion``), the ``crossover`` and full membership (``inclusion``).
    ``exclusion`` above ``inclusion`` makes a decreasing set (more raw, less in)."""

    exclusion: float
    crossover: float
    inclusion: float

    def __post_init__(self) -> None:
        low, high = sorted((self.exclusion, self.inclusion))
        if not low < self.crossover < high:
            raise InvalidInput(
                f"The crossover {self.crossover:g} must lie strictly between full "
                f"non-membership {self.exclusion:g} and full membership {self.inclusion:g}."
            )


def calibrate_direct(x: float, anchors: Anchors, idm: float = DEFAULT_IDM) -> float:
    """The fuzzy membership of raw value ``x`` by the direct (logistic) method."""
    if not 0.5 < idm < 1:
        raise InvalidInput("The full-membership degree must be above 0.5 and below 1.")
    log_odds = math.log(idm / (1 - idm))
    exclusion, crossover, inclusion = anchors.exclusion, anchors.crossover, anchors.inclusion
    decreasing = exclusion > inclusion
    if decreasing:
        exclusion, inclusion = inclusion, exclusion
    if x >= crossover:
        scaled = (x - crossover) * log_odds / (inclusion - crossover)
    else:
        scaled = (x - crossover) * log_odds / (crossover - exclusion)
    membership = 1 / (1 + math.exp(-scaled)) if scaled > -700 else 0.0
    if decreasing:
        membership = 1 - membership
    if membership < 0.0001:
        return 0.0
    if membership > 0.9999:
        return 1.0
    return membership


@dataclass(frozen=True)
class RubricScore:
    """A membership the researcher gives a case, why, and the segments (``T:N``) that
    anchor it."""

    score: float
    rationale: str = ""
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionSpec:
    """One condition of the spec: where its raw measure comes from and how it is
    calibrated."""

    name: str
    source: str  # concept, theme, dimension or attribute
    of: str  # the item's or attribute's name
    measure: str  # for an item: count, segments, presence or share
    method: str  # direct or rubric
    anchors: Anchors | None = None
    idm: float = DEFAULT_IDM
    rubric: Mapping[str, RubricScore] = field(default_factory=dict)
    rationale: str = ""

    def describe(self) -> str:
        """Where the raw measure comes from, in words."""
        if self.source == "attribute":
            return f"case attribute {self.of!r}"
        return f"{self.measure} of the {self.source} {self.of!r} per case"


@dataclass(frozen=True)
class Spec:
    """The conditions to calibrate, and whose codings to measure them on."""

    conditions: tuple[ConditionSpec, ...]
    coder: str | None = None


@dataclass(frozen=True)
class Quote:
    """An anchor quote of a rubric score, as found in the store."""

    ref: str
    text: str
    attribution: str


@dataclass(frozen=True)
class CalibratedCase:
    """One case's raw measure and membership in one condition."""

    case: str
    raw: str | float | None
    membership: float
    rationale: str = ""
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class CalibratedCondition:
    """A condition calibrated for every case."""

    spec: ConditionSpec
    cases: tuple[CalibratedCase, ...]


@dataclass(frozen=True)
class FsqcaTable:
    """The calibrated case × condition table."""

    cases: tuple[str, ...]
    conditions: tuple[CalibratedCondition, ...]
    coder: str | None

    def half_memberships(self) -> list[tuple[str, str]]:
        """(case, condition) pairs whose membership, as written, is exactly 0.5: fsQCA
        can place such a case neither in nor out of the set."""
        return [
            (c.case, condition.spec.name)
            for condition in self.conditions
            for c in condition.cases
            if format_membership(c.membership) == format_membership(0.5)
        ]


def format_membership(value: float) -> str:
    """A membership as the CSV holds it: three decimals, ``.`` as the decimal point."""
    return f"{value:.3f}"


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidInput(f"{what} must be a number (found {value!r}).")
    return float(value)


def parse_spec(data: Any, source: str) -> Spec:
    """The spec from its YAML data; ``source`` names the file in messages."""
    if not isinstance(data, dict) or not isinstance(data.get("conditions"), dict):
        raise InvalidInput(
            f"{source}: write a mapping with `conditions:`, one entry per condition "
            "(see `gioia fsqca calibrate --help`)."
        )
    unknown = set(data) - {"conditions", "coder"}
    if unknown:
        raise InvalidInput(f"{source}: unknown key(s) {', '.join(sorted(map(str, unknown)))}.")
    coder = data.get("coder")
    if coder is not None and not isinstance(coder, str):
        raise InvalidInput(f"{source}: `coder` must be a coder's name.")
    conditions = [
        _condition(str(name), entry, f"{source}: condition {name!r}")
        for name, entry in data["conditions"].items()
    ]
    if not conditions:
        raise InvalidInput(f"{source}: list at least one condition.")
    keys = [c.name.casefold() for c in conditions]
    if len(set(keys)) != len(keys):
        raise InvalidInput(f"{source}: two conditions have the same name.")
    return Spec(tuple(conditions), coder)


def _condition(name: str, entry: Any, where: str) -> ConditionSpec:
    if not _NAME.match(name):
        raise InvalidInput(
            f"{where}: a condition's name is its CSV column: up to 31 ASCII letters, "
            "digits and underscores, starting with a letter (e.g. READY)."
        )
    if not isinstance(entry, dict):
        raise InvalidInput(f"{where}: give its source and its calibration as a mapping.")
    allowed = {*SOURCES, "measure", *METHODS, "full_membership", "rationale"}
    unknown = set(entry) - allowed
    if unknown:
        raise InvalidInput(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}.")
    sources = [s for s in SOURCES if s in entry]
    methods = [m for m in METHODS if m in entry]
    if len(sources) != 1:
        raise InvalidInput(f"{where}: name one source: {', '.join(SOURCES)}.")
    if len(methods) != 1:
        raise InvalidInput(f"{where}: give one calibration: direct (anchors) or rubric (scores).")
    source, method = sources[0], methods[0]
    measure = str(entry.get("measure", "share"))
    if measure not in MEASURES:
        raise InvalidInput(f"{where}: measure {measure!r}: choose {', '.join(MEASURES)}.")
    if source == "attribute" and "measure" in entry:
        raise InvalidInput(f"{where}: an attribute is its own measure (drop `measure`).")
    rationale = str(entry.get("rationale") or "").strip()
    idm = _number(entry.get("full_membership", DEFAULT_IDM), f"{where}: full_membership")
    if not 0.5 < idm < 1:
        raise InvalidInput(f"{where}: full_membership must be above 0.5 and below 1.")
    anchors = None
    rubric: dict[str, RubricScore] = {}
    if method == "direct":
        given = entry["direct"]
        if not isinstance(given, dict) or set(given) != {"exclusion", "crossover", "inclusion"}:
            raise InvalidInput(
                f"{where}: direct calibration needs exclusion (full non-membership), "
                "crossover and inclusion (full membership), in raw units."
            )
        anchors = Anchors(
            *(_number(given[k], f"{where}: {k}") for k in ("exclusion", "crossover", "inclusion"))
        )
    else:
        rubric = _rubric(entry["rubric"], where)
    return ConditionSpec(
        name, source, str(entry[source]), measure, method, anchors, idm, rubric, rationale
    )


def _rubric(given: Any, where: str) -> dict[str, RubricScore]:
    if not isinstance(given, dict) or not given:
        raise InvalidInput(f"{where}: a rubric gives each case a score: `Case A: {{score: 0.67}}`.")
    scores: dict[str, RubricScore] = {}
    for case, item in given.items():
        entry = item if isinstance(item, dict) else {"score": item}
        unknown = set(entry) - {"score", "rationale", "quotes"}
        if unknown:
            raise InvalidInput(
                f"{where}, case {case!r}: unknown key(s) {', '.join(sorted(unknown))}."
            )
        score = _number(entry.get("score"), f"{where}, case {case!r}: score")
        if not 0 <= score <= 1:
            raise InvalidInput(
                f"{where}, case {case!r}: a score is between 0 and 1 (found {score:g})."
            )
        quotes = entry.get("quotes") or []
        if isinstance(quotes, str):
            quotes = [quotes]
        if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
            raise InvalidInput(f"{where}, case {case!r}: quotes are segment references (T:N).")
        scores[str(case)] = RubricScore(
            score, str(entry.get("rationale") or "").strip(), tuple(quotes)
        )
    return scores


def calibrate(
    spec: ConditionSpec,
    cases: Sequence[str],
    raw: Mapping[str, str | float],
    quotes: Mapping[str, Quote] | None = None,
) -> CalibratedCondition:
    """Calibrate one condition for ``cases`` from their ``raw`` measures (by case name);
    a rubric's scores are looked up by case name, case- and space-insensitively, and its
    quotes in ``quotes`` (by reference)."""
    from gioia.text import name_key

    missing = [case for case in cases if case not in raw]
    if spec.method == "direct" and missing:
        raise InvalidInput(
            f"Condition {spec.name}: no {spec.describe()} for {', '.join(missing)}: "
            "give every case a value, or calibrate it with a rubric."
        )
    results = []
    if spec.method == "direct":
        assert spec.anchors is not None
        for case in cases:
            value = raw[case]
            try:
                number = float(value)
            except ValueError:
                raise InvalidInput(
                    f"Condition {spec.name}: {case}'s {spec.describe()} is {value!r}, not a "
                    "number (use . for decimals), so it cannot be calibrated directly: "
                    "use a rubric."
                ) from None
            results.append(
                CalibratedCase(case, number, calibrate_direct(number, spec.anchors, spec.idm))
            )
        return CalibratedCondition(spec, tuple(results))
    scored = {name_key(case): score for case, score in spec.rubric.items()}
    known = {name_key(case) for case in cases}
    strangers = [case for case in spec.rubric if name_key(case) not in known]
    if strangers:
        raise InvalidInput(
            f"Condition {spec.name}: the rubric scores {', '.join(map(repr, strangers))}, "
            f"which is not a case (cases: {', '.join(cases)})."
        )
    unscored = [case for case in cases if name_key(case) not in scored]
    if unscored:
        raise InvalidInput(
            f"Condition {spec.name}: the rubric gives no score to {', '.join(unscored)}."
        )
    for case in cases:
        score = scored[name_key(case)]
        found = tuple((quotes or {})[ref] for ref in score.quotes)
        results.append(CalibratedCase(case, raw.get(case), score.score, score.rationale, found))
    return CalibratedCondition(spec, tuple(results))
