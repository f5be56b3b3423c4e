"""``gioia check``: the structure against the method's guidance. Pure: no ORM here."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from itertools import combinations

from gioia.text import name_key
from gioia.views_structure import ConceptNode, StructureView

MAX_CONCEPTS = 25
NEAR_DUPLICATE = 0.88


@dataclass(frozen=True)
class Finding:
    """One warning: what is wrong, about which items, and what to do."""

    code: str
    message: str
    advice: str


def _quoted(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def check_structure(view: StructureView, *, cases: int) -> list[Finding]:
    """Every warning for the structure; ``cases`` is how many cases the study has."""
    findings: list[Finding] = []
    # A shared concept (theme) appears under each of its themes (dimensions): once here.
    themes = list({t.name: t for d in view.dimensions for t in d.themes}.values())
    all_themes = [*themes, *view.themes_without_dimension]
    placed = list({c.name: c for t in themes for c in t.concepts}.values())
    every = [*(c for t in all_themes for c in t.concepts), *view.concepts_without_theme]
    concepts: list[ConceptNode] = list({c.name: c for c in every}.values())

    def add(code: str, message: str, advice: str) -> None:
        findings.append(Finding(code, message, advice))

    for c in view.concepts_without_theme:
        add(
            "concept-without-theme",
            f"Concept {c.name!r} is not under a theme.",
            f"gioia assign {c.name!r} --theme THEME",
        )
    for t in view.themes_without_dimension:
        add(
            "theme-without-dimension",
            f"Theme {t.name!r} is not under a dimension.",
            f"gioia assign {t.name!r} --dimension DIMENSION",
        )
    for c in concepts:
        if len(c.themes) > 1:
            add(
                "shared-concept",
                f"Concept {c.name!r} is under {len(c.themes)} themes ({_quoted(list(c.themes))}): "
                "the Gioia method puts each concept under one theme.",
                "report it as a deviation (thematic analysis allows it), or keep one theme: "
                f"gioia unassign {c.name!r} --theme {c.themes[-1]!r}",
            )
    for t in all_themes:
        if len(t.dimensions) > 1:
            add(
                "shared-theme",
                f"Theme {t.name!r} is under {len(t.dimensions)} dimensions "
                f"({_quoted(list(t.dimensions))}): the Gioia method puts each theme under one "
                "dimension.",
                "report it as a deviation, or keep one dimension: "
                f"gioia unassign {t.name!r} --dimension {t.dimensions[-1]!r}",
            )
    for d in view.dimensions:
        if not d.themes:
            add(
                "empty-dimension",
                f"Dimension {d.name!r} has no themes.",
                f"assign themes to it, or `gioia dimension delete {d.name!r}`",
            )
    for t in all_themes:
        if not t.concepts:
            add(
                "empty-theme",
                f"Theme {t.name!r} has no concepts.",
                f"assign concepts to it, or `gioia theme delete {t.name!r}`",
            )
        elif len(t.concepts) == 1:
            add(
                "single-concept-theme",
                f"Theme {t.name!r} has a single concept ({t.concepts[0].name!r}).",
                "a theme usually gathers several concepts: merge it with a related theme "
                "or find the concepts it shares evidence with",
            )
    for c in concepts:
        n = c.counts
        if n.codings == 0:
            add(
                "uncoded-concept",
                f"Concept {c.name!r} has no codings.",
                "code evidence for it, or merge it into another concept, or delete it",
            )
            continue
        if n.transcripts == 1:
            add(
                "one-transcript-concept",
                f"Concept {c.name!r} is coded in one transcript only.",
                "look for it in the other interviews, or fold it into a broader concept",
            )
        if n.cases == 1 and cases > 1:
            add(
                "one-case-concept",
                f"Concept {c.name!r} is coded in one case only.",
                "say so when you report it, or look for it in the other cases",
            )
        if n.quotes == 0:
            add(
                "no-quote",
                f"Concept {c.name!r} has no quote span, only whole segments.",
                f'mark the words that carry it: gioia tag T:N -c {c.name!r} -q "…"',
            )
    for word, names in (
        ("concepts", [c.name for c in concepts]),
        ("themes", [t.name for t in all_themes]),
        ("dimensions", [d.name for d in view.dimensions]),
    ):
        for a, b in _near_duplicates(names):
            add(
                "near-duplicate",
                f"The {word} {a!r} and {b!r} have nearly the same name.",
                f"merge them if they mean the same (`gioia {word[:-1]} merge {b!r} --into {a!r}`),"
                " or make the difference plain",
            )
    if len(placed) > MAX_CONCEPTS:
        add(
            "too-many-concepts",
            f"The structure has {len(placed)} concepts; guidance asks for at most about "
            f"{MAX_CONCEPTS} in the final figure.",
            "merge concepts that say the same thing before you draw the figure",
        )
    return findings


def _near_duplicates(names: list[str]) -> list[tuple[str, str]]:
    keys = [(name_key(n), n) for n in names]
    pairs = []
    for (ka, a), (kb, b) in combinations(keys, 2):
        matcher = difflib.SequenceMatcher(None, ka, kb)
        if matcher.real_quick_ratio() >= NEAR_DUPLICATE and matcher.ratio() >= NEAR_DUPLICATE:
            pairs.append((a, b))
    return pairs
