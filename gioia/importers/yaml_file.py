"""YAML files read as gioia reads every text: bounded and decoded (``decode.read_text``),
aliases refused, and every fault one ``ImportFailed`` line naming the file and line.

An alias (``*a`` repeats what ``&a`` names) lets a few nested lines expand to gigabytes
(a "billion laughs": a 12 KB file grew past 3 GB), so gioia does not read them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gioia.errors import ImportFailed
from gioia.importers.decode import read_text


def compose_yaml(path: Path) -> Any:
    """The file's tree of YAML nodes (``yaml.compose``: each node knows its line)."""
    import yaml

    return _read(path, yaml.compose)


def load_yaml(path: Path) -> Any:
    """The file's data: mappings, lists, strings and numbers (YAML's safe types)."""
    import yaml

    return _read(path, yaml.load)


def _read(path: Path, read: Callable[..., Any]) -> Any:
    import yaml

    text, _warnings = read_text(path)
    try:
        return read(text, Loader=_loader(path.name))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise ImportFailed(f"{path.name} is not valid YAML:{where}: {problem}.") from exc
    except RecursionError as exc:
        raise ImportFailed(f"{path.name} nests lists or mappings too deeply to read.") from exc


def _loader(name: str) -> Any:
    """YAML's safe loader, refusing aliases."""
    import yaml

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise ImportFailed(
                    f"{name} line {event.start_mark.line + 1} uses a YAML alias "
                    f"(*{event.anchor}): gioia does not read aliases, write the names out."
                )
            return super().compose_node(parent, index)

    return NoAliases
