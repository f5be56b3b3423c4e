"""The interactive coding session behind ``gioia code`` (imported when it starts).

The session loop takes its input and output injected (``SessionIO``): a terminal gets
prompt_toolkit with completion, a pipe gets plain lines, so sessions can be scripted
and tested. Every action is one transaction, committed before the next prompt.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import click

from gioia.cli.common import console
from gioia.errors import GioiaError
from gioia.text import format_time, name_key
from gioia.views import ConceptChoice

if TYPE_CHECKING:
    from gioia.project import Project
    from gioia.views import MemoView, SegmentView, Step

HELP = """\
Type concept names to tag this segment (several: separate them with ;).
A name that is not a concept yet is created after you confirm, or at once if you
prefix it with + (from a script, only with +).
  Enter        reviewed (nothing more to code): the next segment of your queue
  b            back to the previous segment
  u            undo the last action (again: the one before)
  r NAME       remove a concept from this segment
  q "WORDS" NAME; NAME   tag only these words (they must be in the segment)
  m TEXT       memo on this segment (✎ marks a segment with memos)
  m            read the memos on this segment
  d NAME       a concept's definition, theme, memos and two of your examples
  g T:N        go to a segment (Enter there: back to your queue)
  s            show the transcript around here
  x, Ctrl-D    save and quit (everything is saved as you go)
  ?            this help"""

#: What a command that needs an argument says when it has none (`m` alone reads memos).
USAGE = {
    "g": "Write: g TRANSCRIPT:N to go to a segment.",
    "r": "Write: r CONCEPT to remove a concept from this segment.",
    "d": "Write: d CONCEPT to read a concept's definition.",
}

_QUOTE = re.compile(r'^q\s+(["“])(?P<words>.+?)["”]\s*(?P<name>.*)$', re.DOTALL)


class SessionIO(Protocol):
    """Where a session reads commands and writes what it shows."""

    @property
    def width(self) -> int:
        """How many columns the output may use."""

    @property
    def asks(self) -> bool:
        """Whether a person answers questions (a terminal), or lines come from a script."""

    def read(self, prompt: str) -> str | None:
        """The next line (without its newline), or None at the end of input."""

    def write(self, text: str, style: str = "") -> None:
        """Show a line of text (``style``: dim, bold, green, red, cyan or yellow; may be
        ignored)."""

    def set_choices(self, choices: list[ConceptChoice]) -> None:
        """The concepts to complete, most recently used first."""


class PlainIO:
    """Lines from a stream, plain text out: for pipes, scripts and tests.

    Lines may come as bytes (standard input read raw): one that is not UTF-8 is
    reported and skipped, and the session goes on.
    """

    asks = False

    def __init__(self, lines: Iterable[str | bytes], width: int = 80) -> None:
        self._lines = iter(lines)
        self.width = width

    def read(self, prompt: str) -> str | None:
        click.echo(prompt, nl=False)
        while True:
            raw = next(self._lines, None)
            if raw is None:
                click.echo()
                return None
            try:
                line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            except UnicodeDecodeError as error:
                click.echo()
                byte = raw[error.start] if isinstance(raw, bytes) else 0
                self.write(
                    f"Error: that line is not UTF-8 text (byte 0x{byte:02X} at position "
                    f"{error.start}); it was skipped.",
                    "red",
                )
                click.echo(prompt, nl=False)
                continue
            line = line.rstrip("\r\n")
            click.echo(line)
            return line

    def write(self, text: str, style: str = "") -> None:
        click.echo(text)

    def set_choices(self, choices: list[ConceptChoice]) -> None:
        pass


class TerminalIO:
    """A prompt_toolkit prompt with concept completion, and rich output."""

    asks = True

    def __init__(self) -> None:
        from prompt_toolkit import PromptSession

        from gioia.cli.completion import ConceptCompleter, submit_with_completion

        self._console = console()
        self._completer = ConceptCompleter()
        self._prompt: PromptSession[str] = PromptSession(
            completer=self._completer,
            complete_while_typing=True,
            key_bindings=submit_with_completion(),
        )

    @property
    def width(self) -> int:
        return max(self._console.width, 20)

    def read(self, prompt: str) -> str | None:
        try:
            return self._prompt.prompt(prompt)
        except EOFError:
            return None

    def write(self, text: str, style: str = "") -> None:
        from rich.text import Text

        self._console.print(Text(text, style=style), soft_wrap=True)

    def set_choices(self, choices: list[ConceptChoice]) -> None:
        self._completer.choices = choices


def fuzzy_score(fragment: str, name: str) -> tuple[int, int] | None:
    """How well ``fragment`` matches ``name`` (lower is better), or None: its letters must
    appear in order; a match at the start of the name or a word beats one inside."""
    wanted, text = fragment.casefold(), name.casefold()
    if not wanted:
        return (0, 0)
    start = text.find(wanted)
    if start >= 0:
        at_word = start == 0 or not text[start - 1].isalnum()
        return (0 if at_word else 1, start)
    position, gaps = -1, 0
    for char in wanted:
        found = text.find(char, position + 1)
        if found < 0:
            return None
        gaps += found - position - 1
        position = found
    return (2, gaps)


def concept_fragment(text: str) -> str | None:
    """The part of the prompt line that names a concept being typed (None: the line is
    another command)."""
    if text in ("", "b", "u", "x", "s", "?", "m") or text.startswith(("m ", "g ")):
        return None
    if text.startswith(("r ", "d ")):
        return text[2:].lstrip()
    quoted = _QUOTE.match(text)
    if quoted:
        text = quoted["name"]
    elif text.startswith("q "):
        return ""
    return text.rsplit(";", 1)[-1].lstrip().removeprefix("+")


def rank_choices(fragment: str, choices: list[ConceptChoice]) -> list[ConceptChoice]:
    """The concepts matching a fragment: best match first, then most recently used."""
    scored = []
    for rank, choice in enumerate(choices):
        score = fuzzy_score(fragment.strip(), choice.name)
        if score is not None:
            scored.append((score[0], rank if choice.last_used else len(choices), score[1], choice))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored]


@dataclass
class Session:
    """The state of one coding session: where it is, where it has been, what to undo.
    ``interviewer``: the queue holds interviewer turns too (``--all``); ``outside``: the
    segment shown is none of the queue's pending ones (reached with `g`, `b` or
    ``--from``); ``back``: the next segment shown is the queue's again, after one such."""

    project: Project
    io: SessionIO
    queue: list[int]
    show_others: bool = False
    interviewer: bool = False
    current: int | None = None
    history: list[int] = field(default_factory=list)
    undo_stack: list[tuple[int, list[int]]] = field(default_factory=list)
    choices: list[ConceptChoice] = field(default_factory=list)
    changed: bool = False
    done: bool = False
    outside: bool = False
    back: bool = False

    def run(self, start: int | None = None) -> None:
        """Show segment after segment until the queue ends or the coder quits."""
        self.current = start if start is not None else self._next_in_queue(None)
        if self.current is None:
            self.io.write("Nothing left to review here: every segment has been reviewed.")
            return
        self._refresh_choices()
        shown: int | None = None
        while not self.done and self.current is not None:
            if self.current != shown:
                step = self.project.step(self.current, show_others=self.show_others)
                if self.back:
                    self.io.write(f"Back to your queue: {step.segment.ref}")
                self._show(step)
                shown, self.back = self.current, False
                self.outside = self.current not in self.queue or step.reviewed
            try:
                line = self.io.read("> ")
            except KeyboardInterrupt:
                line = None
            if line is None:
                break
            self.changed = False
            try:
                self._command(line.strip(), step)
            except GioiaError as exc:
                self.io.write(f"Error: {exc.message}", "red")
            if self.changed and self.current == shown:
                step = self.project.step(self.current, show_others=self.show_others)
                self._show_codings(step)
        if self.current is None:
            kind = "segment" if self.interviewer else "informant segment"
            self.io.write(f"Your queue is done: every {kind} is reviewed.")

    def _command(self, line: str, step: Step) -> None:
        """Carry out one line of the session."""
        ref = step.segment.ref
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        if line == "":
            result = self.project.review([ref])
            self._remember([result.event] if result.event is not None else [])
            self._go(self._next_in_queue(self.current))
            self.back = self.outside and self.current is not None
        elif line == "?":
            self.io.write(HELP)
        elif line == "x":
            self.done = True
        elif line == "b":
            if self.history:
                self.current = self.history.pop()
            else:
                self.io.write("This is the first segment of the session.")
        elif line == "u":
            self._undo()
        elif line == "s":
            self._show_around(step)
        elif command in USAGE and not rest:
            self.io.write(USAGE[command], "red")
        elif command == "g":
            self._go(self.project.segment_id(rest))
        elif command == "m" and rest:
            memo = self.project.add_memo(ref, rest)
            self._remember([memo.event] if memo.event is not None else [])
            self.io.write(f"Memo {memo.ref} added to {ref}.", "dim")
        elif line == "m":
            self._read_memos(step)
        elif command == "r":
            self._remember(list(self.project.untag([ref], rest).events))
        elif command == "d":
            self._define(rest)
        elif command == "q":
            quoted = _QUOTE.match(line)
            names = [n for n in quoted["name"].split(";") if n.strip()] if quoted else []
            if quoted is None or not names:
                self.io.write('Write: q "exact words" CONCEPT; CONCEPT', "red")
            else:
                self._tag(names, ref, quote=quoted["words"])
        elif len(command) == 1 and not rest:
            self.io.write(f"Unknown command {line!r}: type ? for help.", "red")
        else:
            self._tag([name for name in line.split(";") if name.strip()], ref)

    def _tag(self, names: list[str], ref: str, quote: str | None = None) -> None:
        existing = {name_key(c.name) for c in self.choices}
        events: list[int] = []
        used: list[str] = []
        try:
            for raw in names:
                name = raw.strip()
                create = name.startswith("+")
                name = name.removeprefix("+").strip()
                known = name_key(name) in existing
                if not create and not known and not self.project.concept_exists(name):
                    if not self.io.asks:
                        self.io.write(
                            f"There is no concept {name!r}: write +{name} to create it.", "red"
                        )
                        continue
                    answer = self.io.read(f"There is no concept {name!r}. Create it? [y/N] ")
                    if (answer or "").strip().lower() not in ("y", "yes"):
                        self.io.write(f"Not tagged with {name!r}.", "dim")
                        continue
                    create = True
                result = self.project.tag([ref], name, quote=quote, create=create)
                events.extend(result.events)
                used.append(result.concept)
        finally:
            if events:
                self._remember(events)
                self._used(used)

    def _used(self, names: list[str]) -> None:
        """Put the concepts just used first among the choices, without asking the store."""
        keys = {name_key(n) for n in names}
        theme = {name_key(c.name): c.theme for c in self.choices}
        now = dt.datetime.now()
        recent = [ConceptChoice(n, theme.get(name_key(n)), now) for n in reversed(names)]
        self.choices = recent + [c for c in self.choices if name_key(c.name) not in keys]
        self.io.set_choices(self.choices)

    def _refresh_choices(self) -> None:
        self.choices = self.project.concept_choices()
        self.io.set_choices(self.choices)

    def _remember(self, events: list[int]) -> None:
        """Keep a line's events for `u`, and note that the segment's codings changed."""
        if events and self.current is not None:
            self.undo_stack.append((self.current, events))
            self.changed = True

    def _undo(self) -> None:
        if not self.undo_stack:
            self.io.write("Nothing to undo in this session.")
            return
        where, events = self.undo_stack.pop()
        for line in self.project.undo(events):
            self.io.write(f"Undid: {line}", "dim")
        if where != self.current and self.current is not None:
            self.history.append(self.current)
        self.current = where
        self.changed = True
        self._refresh_choices()

    def _go(self, target: int | None) -> None:
        if self.current is not None:
            self.history.append(self.current)
        self.current = target

    def _next_in_queue(self, after: int | None) -> int | None:
        """The next segment of the queue after ``after`` (in the queue or reached with
        `g`) that is still not reviewed, going round to the queue's start."""
        return self.project.first_unreviewed(self.queue, after=after)

    # --- showing -------------------------------------------------------------------

    def _show(self, step: Step) -> None:
        segment = step.segment
        who = step.informant or ""
        if step.role:
            who = f"{who} ({step.role})" if who else step.role
        place = [
            segment.transcript,
            step.case,
            who,
            f"{segment.position}/{step.total_in_transcript}",
        ]
        if self.current in self.queue:
            place.append(f"queue {self.queue.index(self.current) + 1}/{len(self.queue)}")
        self.io.write("")
        self._wrapped(" · ".join(p for p in place if p), "", "", "bold")
        if step.previous is not None:
            self._segment(step.previous, preview=True, style="dim")
        self._segment(segment, preview=False, style="")
        self._show_codings(step)

    def _show_codings(self, step: Step) -> None:
        for m in step.segment.codings:
            label = f"{m.concept} [{m.coder}]" if self.show_others else m.concept
            self._wrapped(label + (f": “{m.quote}”" if m.quote else ""), "  ▸ ", "    ", "green")
        if step.segment.memos:
            count = len(step.segment.memos)
            self.io.write(f"  ✎ {count} memo(s) here: m to read", "yellow")
        mark = "reviewed" if step.reviewed else "not reviewed yet"
        self.io.write(f"  ({mark}; ? for help)", "dim")

    def _read_memos(self, step: Step) -> None:
        if not step.segment.memos:
            self.io.write("No memo on this segment: m TEXT writes one.", "dim")
        for memo in step.segment.memos:
            self._memo(memo)

    def _memo(self, memo: MemoView) -> None:
        shared = ", shared" if memo.shared else ""
        self.io.write(f"  ✎ {memo.ref} {memo.coder}{shared}, {memo.created_at:%Y-%m-%d}:", "yellow")
        for paragraph in memo.text.split("\n"):
            self._wrapped(paragraph, "    ", "    ", "")

    def _segment(self, segment: SegmentView, *, preview: bool, style: str) -> None:
        head = segment.ref + (f"  {segment.speaker}" if segment.speaker else "")
        if segment.time_start is not None:
            head += f"  {format_time(segment.time_start)}"
        self.io.write(head, style or "cyan")
        body = segment.text
        if preview and len(body) > 200:
            body = "… " + body[-200:].split(" ", 1)[-1]
        for paragraph in body.split("\n"):
            self._wrapped(paragraph, "  ", "  ", style)

    def _wrapped(self, text: str, first: str, rest: str, style: str) -> None:
        width = max(self.io.width - 1, 20)
        for line in textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest) or [
            first.rstrip()
        ]:
            self.io.write(line, style)

    def _define(self, name: str) -> None:
        info = self.project.concept_info(name)
        place = " > ".join(p for p in (info.dimension, info.theme) if p) or "not in the structure"
        self.io.write(f"{info.name}  ({place})", "bold")
        self._wrapped(info.definition or "No definition yet.", "  ", "  ", "")
        for memo in info.memos:
            self._memo(memo)
        for example in info.examples:
            self._wrapped(f"{example.ref}: {example.text}", "  · ", "    ", "dim")

    def _show_around(self, step: Step) -> None:
        view = self.project.transcript(step.segment.transcript)
        index = step.segment.position - 1
        for segment in view.segments[max(index - 3, 0) : index + 4]:
            style = "" if segment.position == step.segment.position else "dim"
            self._segment(segment, preview=segment.position != step.segment.position, style=style)
