"""``Project``'s use cases on the Gioia structure: items, the tree, structure files,
shared concepts and the method's checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gioia.errors import InvalidInput
from gioia.project_base import ProjectBase
from gioia.views_core import Written

if TYPE_CHECKING:
    from gioia.checks import Finding
    from gioia.views_structure import (
        DeleteResult,
        ItemInfo,
        ItemRow,
        MergeResult,
        StructureImportResult,
        StructureView,
    )


class StructureMethods(ProjectBase):
    """Concepts, themes and dimensions, and the tree they form."""

    # --- the structure -----------------------------------------------------------------

    def add_item(self, level: str, name: str, definition: str | None = None) -> str:
        """Create a concept, theme or dimension (``level``); returns its name as stored."""
        from gioia.ops import structure

        return self._write_retrying(lambda tx: structure.add(tx, level, name, definition))

    def rename_item(self, level: str, old: str, new: str) -> str:
        """Rename a concept, theme or dimension."""
        from gioia.ops import structure

        with self._write() as tx:
            return structure.rename(tx, level, old, new)

    def describe_item(self, level: str, name: str, definition: str) -> None:
        """Set the definition of a concept, theme or dimension (blank clears it)."""
        from gioia.ops import structure

        with self._write() as tx:
            structure.describe(tx, level, name, definition)

    def merge_items(self, level: str, sources: list[str], target: str) -> MergeResult:
        """Merge items into ``target``: codings or children move over without duplicates."""
        from gioia.ops import structure

        with self._write() as tx:
            return structure.merge(tx, level, sources, target)

    def delete_item(self, level: str, name: str, *, force: bool = False) -> DeleteResult:
        """Delete an item; refused while it has codings, children or memos unless
        ``force`` (the trail keeps what went)."""
        from gioia.ops import structure

        with self._write() as tx:
            return structure.delete_item(tx, level, name, force=force)

    def items(
        self, level: str, *, evidence: str | None = None, show_others: bool = False
    ) -> list[ItemRow]:
        """Every concept, theme or dimension with its parent and counts, by name."""
        from gioia.ops import tree

        with self._read(show_others=show_others, reading=f"the {level}s") as tx:
            return tree.items(tx, level, coder=evidence)

    def item_info(
        self, level: str, name: str, *, evidence: str | None = None, show_others: bool = False
    ) -> ItemInfo:
        """A concept's, theme's or dimension's definition, place, children, counts,
        memos and (a concept's) examples."""
        from gioia.ops import tree

        with self._read(show_others=show_others, reading=f"the {level} {name!r}") as tx:
            return tree.item_info(tx, level, name, coder=evidence)

    def split_concept(
        self,
        source: str,
        new: str,
        *,
        refs: list[str] | None = None,
        transcript: str | None = None,
        grep: str | None = None,
    ) -> int:
        """Move the chosen codings of a concept to a new one; returns how many moved."""
        from gioia.ops import structure

        with self._write() as tx:
            return structure.split(tx, source, new, refs=refs, transcript=transcript, grep=grep)

    def assign(
        self,
        names: list[str],
        *,
        theme: str | None = None,
        dimension: str | None = None,
        create: bool = False,
    ) -> int:
        """Put concepts under ``theme`` or themes under ``dimension``; returns how many moved.

        The parent is created only when ``create`` is true.
        """
        from gioia.ops import structure

        if (theme is None) == (dimension is None):
            raise InvalidInput("Assign to a theme or to a dimension (one of them).")
        with self._lead_write("Placing items in the structure") as tx:
            if theme is not None:
                return structure.assign(tx, "concept", names, theme, create=create)
            assert dimension is not None
            return structure.assign(tx, "theme", names, dimension, create=create)

    def unassign(
        self,
        names: list[str],
        *,
        level: str | None = None,
        theme: str | None = None,
        dimension: str | None = None,
    ) -> int:
        """Take concepts out of their theme or themes out of their dimension; name the
        theme (dimension) for an item under several."""
        from gioia.ops import structure

        if theme is not None and dimension is not None:
            raise InvalidInput("Take items out of a theme or of a dimension (one of them).")
        if theme is not None or dimension is not None:
            level = "concept" if theme is not None else "theme"
        with self._lead_write("Taking items out of the structure") as tx:
            changed = 0
            for name in names:
                word = level or structure.level_of(tx, name)
                changed += structure.unassign(tx, word, [name], theme or dimension)
            return changed

    def parents(self, name: str, *, level: str = "concept") -> tuple[str, ...]:
        """The themes a concept is under (``level="theme"``: the dimensions a theme is
        under), its first (primary) one first; several only with shared concepts."""
        from gioia.ops import parents, structure

        with self._read() as tx:
            if level == "concept":
                structure.get_item(tx, "concept", name)  # one the acting coder may see
            return parents.parent_names(tx, level, name)

    def settings(self) -> dict[str, str]:
        """The project's settings and their values (``allow_shared``: "true"/"false")."""
        from gioia.ops import parents

        with self._read() as tx:
            return parents.settings(tx)

    def shared_allowed(self) -> bool:
        """Whether concepts may be under several themes (and themes several dimensions)."""
        from gioia.ops import parents

        with self._read() as tx:
            return parents.shared_allowed(tx)

    def allow_shared(self, on: bool = True) -> bool:
        """Let concepts be under several themes, or (``on=False``) not: refused while some
        are. Off by default, since the Gioia method expects a tree. Returns whether the
        setting changed."""
        from gioia.ops import parents

        with self._lead_write("Changing the project's settings") as tx:
            return parents.allow_shared(tx, on)

    def structure(
        self, *, order: str = "structure", evidence: str | None = None, show_others: bool = False
    ) -> StructureView:
        """The tree dimension > theme > concept with counts, and what hangs outside it.

        Counts are of the ``evidence`` coder's codings; by default your own during blind
        coding, else the consensus coder's when there is one, else everyone's.
        """
        from gioia.ops import tree

        with self._read(show_others=show_others, reading="the structure") as tx:
            return tree.structure(tx, order=order, coder=evidence)

    def import_structure(
        self, path: Path, *, mode: str = "merge", allow_shared: bool = False, move: bool = False
    ) -> StructureImportResult:
        """Apply a structure file (.csv, .xlsx, .yaml); all or nothing.

        ``allow_shared`` turns shared concepts on (one row per concept and theme);
        ``move`` lets a merge move items to another parent (refused otherwise).
        """
        from gioia.ops import structure_import

        with self._lead_write("Importing a structure file") as tx:
            return structure_import.import_structure(
                tx, path, mode=mode, allow_shared=allow_shared, move=move
            )

    def export_structure(
        self, path: Path, *, no_clobber: bool = False, show_others: bool = False
    ) -> Written:
        """Write the structure (as the acting coder may see it) to .csv, .xlsx or .yaml;
        ``count`` is the number of concept rows."""
        from gioia.structure_file import SUFFIXES, write_structure

        with self._output(path, SUFFIXES, no_clobber) as out:
            rows = write_structure(self.structure(show_others=show_others), out.temp)
        return Written(out.path, out.replaced, rows)

    def check(self, *, show_others: bool = False) -> list[Finding]:
        """The structure's warnings against the method's guidance."""
        from gioia.checks import check_structure
        from gioia.ops import listing, tree

        with self._read(show_others=show_others, reading="the structure's check") as tx:
            view = tree.structure(tx)
            cases = listing.case_count(tx)
        return check_structure(view, cases=cases)
