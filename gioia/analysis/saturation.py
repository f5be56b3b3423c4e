"""Saturation: how many new codes each interview added, in the order the interviews were
held, the cumulative curve, and the last interview that added anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from gioia.analysis.chart import Box, Dot, Label, Line, Scene
from gioia.analysis.evidence import Evidence, TranscriptInfo
from gioia.arrays import distinct_rows
from gioia.errors import InvalidInput

ORDERS = ("date", "name", "manifest")


@dataclass(frozen=True)
class SaturationStep:
    """One interview in order: the codes first seen in it and how many were seen so far."""

    number: int
    transcript: str
    case: str | None
    date: dt.date | None
    new: tuple[str, ...]
    cumulative: int


@dataclass(frozen=True)
class Saturation:
    """New codes per interview in ``order`` (date, name or manifest: import order).

    ``last_new`` is the last interview that added a code (None when nothing is coded);
    ``after_last`` how many interviews followed it without adding one.
    """

    level: str
    order: str
    coder: str | None
    steps: tuple[SaturationStep, ...]
    total: int
    last_new: SaturationStep | None

    @property
    def after_last(self) -> int:
        return len(self.steps) - self.last_new.number if self.last_new else len(self.steps)


def interview_order(infos: tuple[TranscriptInfo, ...], order: str) -> list[int]:
    """The transcripts' indexes in interview order: by date (undated last, then by name),
    by name, or as imported (the manifest's order)."""
    if order not in ORDERS:
        raise InvalidInput(f"Cannot order interviews by {order!r}: choose {', '.join(ORDERS)}.")
    indexes = list(range(len(infos)))
    if order == "date":
        return sorted(
            indexes,
            key=lambda i: (
                infos[i].date is None,
                infos[i].date or dt.date.min,
                infos[i].name.casefold(),
            ),
        )
    if order == "name":
        return sorted(indexes, key=lambda i: (infos[i].name.casefold(), infos[i].name))
    return sorted(indexes, key=lambda i: infos[i].imported)


def saturation(evidence: Evidence, order: str = "date") -> Saturation:
    """Walk the interviews in ``order`` and note the codes each one used first."""
    used: dict[int, set[int]] = {}
    pairs = distinct_rows(np.stack([evidence.transcript, evidence.code], axis=1))
    for transcript, code in pairs.tolist():  # each interview's codes, once
        used.setdefault(transcript, set()).add(code)
    seen: set[int] = set()
    steps: list[SaturationStep] = []
    last: SaturationStep | None = None
    for number, index in enumerate(interview_order(evidence.transcripts, order), start=1):
        info = evidence.transcripts[index]
        new = sorted(used.get(index, set()) - seen)
        seen.update(new)
        step = SaturationStep(
            number,
            info.name,
            info.case,
            info.date,
            tuple(evidence.codes[c] for c in new),
            len(seen),
        )
        steps.append(step)
        if new:
            last = step
    return Saturation(evidence.level, order, evidence.coder, tuple(steps), len(seen), last)


_PLURAL = {"concept": "concepts", "theme": "themes", "dimension": "dimensions"}
_ORDER_WORDS = {"date": "by date", "name": "by name", "manifest": "as listed"}


def _step(top: int) -> int:
    """A tick step that gives at most about six ticks up to ``top``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step
    return max(1, top // 5)


def saturation_scene(result: Saturation) -> Scene:
    """The saturation plot: a bar of new codes per interview and the cumulative curve,
    with the last interview that added one marked."""
    width, height = 432.0, 252.0
    left, right, top, bottom = 46.0, 14.0, 30.0, 42.0
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(result.steps), 1)
    ceiling = max(result.total, 1)
    step = _step(ceiling)
    ceiling = -(-ceiling // step) * step
    words = _PLURAL[result.level]
    scene = Scene(width, height, f"Saturation: new and cumulative {words} per interview")
    slot = plot_w / n

    def y_of(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    def x_of(number: int) -> float:
        return left + slot * (number - 0.5)

    for tick in range(0, ceiling + 1, step):
        y = y_of(tick)
        scene.items.append(Line(((left, y), (left + plot_w, y)), "#dddddd", 0.5))
        scene.items.append(Label(left - 4, y + 3, str(tick), 7.5, "end"))
    bar = min(slot * 0.6, 18.0)
    for s in result.steps:
        if s.new:
            y = y_of(len(s.new))
            scene.items.append(Box(x_of(s.number) - bar / 2, y, bar, top + plot_h - y, "#9bbbe0"))
    every = max(1, -(-n // 24))
    for s in result.steps:
        if s.number % every == 0 or s.number == 1 or every == 1:
            scene.items.append(
                Label(x_of(s.number), top + plot_h + 11, str(s.number), 7.5, "middle")
            )
    if result.last_new is not None:
        x = x_of(result.last_new.number)
        scene.items.append(Line(((x, top), (x, top + plot_h)), "#888888", 0.5))
        anchor = "end" if result.last_new.number > n / 2 else "start"
        shift = -3 if anchor == "end" else 3
        scene.items.append(
            Label(
                x + shift,
                top + 9,
                f"last new: interview {result.last_new.number}",
                7.5,
                anchor,
                color="#444444",
            )
        )
    curve = tuple((x_of(s.number), y_of(s.cumulative)) for s in result.steps)
    if curve:
        scene.items.append(Line(curve, "#1f3b5c", 1.25))
        scene.items.extend(Dot(x, y, 2.0, "#1f3b5c") for x, y in curve)
    scene.items.append(
        Line(((left, top), (left, top + plot_h), (left + plot_w, top + plot_h)), "#000000", 0.75)
    )
    scene.items.append(
        Label(
            left + plot_w / 2,
            height - 8,
            f"Interview ({_ORDER_WORDS[result.order]})",
            8.5,
            "middle",
        )
    )
    scene.items.append(
        Label(12, top + plot_h / 2, words.capitalize(), 8.5, "middle", vertical=True)
    )
    scene.items.append(Box(left, 9, 9, 9, "#9bbbe0"))
    scene.items.append(Label(left + 13, 17, f"new {words}", 8.0))
    scene.items.append(Line(((left + 90, 13.5), (left + 104, 13.5)), "#1f3b5c", 1.25))
    scene.items.append(Dot(left + 97, 13.5, 2.0, "#1f3b5c"))
    scene.items.append(Label(left + 108, 17, f"cumulative {words}", 8.0))
    return scene
