"""Completion of concept names at the coding prompt (imported only in a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.filters import completion_is_selected, has_completions
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from gioia.cli.session import concept_fragment, rank_choices
from gioia.views import ConceptChoice


class ConceptCompleter(Completer):
    """prompt_toolkit completion of concept names (fuzzy, most recently used first);
    ``fragment`` finds the name being typed in a line (None: no name is)."""

    def __init__(self, fragment: Callable[[str], str | None] = concept_fragment) -> None:
        self.choices: list[ConceptChoice] = []
        self._fragment = fragment

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterable[Completion]:
        fragment = self._fragment(document.text_before_cursor)
        if fragment is None:
            return
        for choice in rank_choices(fragment, self.choices)[:30]:
            yield Completion(
                choice.name, start_position=-len(fragment), display_meta=choice.theme or ""
            )


def submit_with_completion() -> KeyBindings:
    """Enter on a highlighted completion takes it and submits the line: one key, not two."""
    bindings = KeyBindings()

    @bindings.add("enter", filter=has_completions & completion_is_selected)
    def _(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        buffer.complete_state = None
        buffer.validate_and_handle()

    return bindings
