"""The exchange use cases of ``Project``: REFI-QDA projects and codebooks out (in one read
transaction) and in (in one write transaction); the ops in ``gioia.ops.refi_export`` and
``gioia.ops.refi_import``."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gioia.ops.base import Tx
from gioia.project_base import ProjectBase

if TYPE_CHECKING:
    from gioia.ops.refi_import import ProjectImportOptions
    from gioia.refi.report import ExportResult, ImportReport


class ExchangeMethods(ProjectBase):
    """Mixed into ``Project``: projects exchanged with NVivo, ATLAS.ti, MAXQDA, QualCoder."""

    def export_qdpx(
        self,
        path: Path,
        *,
        coders: list[str] | None = None,
        positions: str = "codepoints",
        no_clobber: bool = False,
        show_others: bool = False,
    ) -> ExportResult:
        """Write the project as a REFI-QDA ``.qdpx`` (see :mod:`gioia.ops.refi_export`);
        a blind coder's holds their own work, unless ``show_others``."""
        from gioia.ops import refi_export

        with self._exporting(show_others, "the REFI-QDA export") as tx:
            return refi_export.export_project(
                tx, path, coders=coders, positions=positions, output=self._opener(no_clobber)
            )

    def export_qdc(
        self, path: Path, *, no_clobber: bool = False, show_others: bool = False
    ) -> ExportResult:
        """Write the structure as a REFI-QDA codebook (``.qdc``): the concepts the acting
        coder may see, unless ``show_others``."""
        from gioia.ops import refi_export

        with self._exporting(show_others, "the REFI-QDA codebook") as tx:
            return refi_export.export_codebook(tx, path, output=self._opener(no_clobber))

    def import_project(
        self,
        path: Path,
        options: ProjectImportOptions | None = None,
        *,
        dry_run: bool = False,
    ) -> ImportReport:
        """Bring a REFI-QDA project (``.qdpx``) or codebook (``.qdc``) in, in one
        transaction: a broken file leaves the store as it was. ``dry_run`` reports what
        the import would do and then rolls it back."""
        from gioia.ops import refi_import
        from gioia.refi.package import read_package

        options = options or refi_import.ProjectImportOptions()
        try:
            with _gc_paused():
                package = read_package(path)
                with self._lead_write("Importing a REFI-QDA project") as tx:
                    report = refi_import.import_project(tx, package, options)
                    if dry_run:
                        raise _RolledBack(report)
        except _RolledBack as rolled_back:
            rolled_back.report.dry_run = True
            return rolled_back.report
        return report

    @contextmanager
    def _exporting(self, show_others: bool, reading: str) -> Iterator[Tx]:
        """A read transaction, after giving the store its identity if it has none."""
        from gioia.ops import refi_export

        with self._read() as tx:
            known = refi_export.store_identity(tx) is not None
        if not known:
            with self._write() as tx:
                refi_export.ensure_store_identity(tx)
        with self._read(show_others=show_others, reading=reading) as tx:
            yield tx


class _RolledBack(Exception):
    """Raised inside a transaction to roll it back on purpose (a dry run)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection for a while: an import makes hundreds of thousands of
    objects that live until it ends, and the collector would walk them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
