"""What every part of ``Project`` shares: the open store, the acting coder, one
transaction per public method (blind for the acting coder), and the files a method
writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from gioia.errors import WriteConflict
from gioia.ops.base import Tx
from gioia.ops.visibility import record_unblinding, require_lead
from gioia.output import Opener, Output, output_file
from gioia.store import Store
from gioia.views_core import SchemaUpgrade

T = TypeVar("T")


class ProjectBase:
    """An open store acting as one coder (or none: the project lead, scripts)."""

    def __init__(self, store: Store, coder: str | None = None) -> None:
        self._store = store
        self.coder = coder
        self._unblinded: set[tuple[str, str]] = set()  # (coder, reading) recorded already

    @property
    def created(self) -> bool:
        """Whether opening this project created its store."""
        return self._store.created

    @property
    def upgrade(self) -> SchemaUpgrade | None:
        """What opening this project upgraded (and where the old store was backed up)."""
        return self._store.upgrade

    @property
    def location(self) -> str:
        """Where the store is: a file path or a URL without its password."""
        return self._store.location

    def close(self) -> None:
        """Release the store's connections."""
        self._store.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(
        self, *, show_others: bool = False, reading: str = "", snapshot: bool = False
    ) -> Iterator[Tx]:
        """A write transaction; with ``show_others`` the acting coder sees everyone's
        work in it, which the trail records (``reading`` says what they looked at; once
        per reading and coder for this open project); with ``snapshot`` every statement
        reads one state of the store (``Store.transaction``)."""
        seen = (self.coder or "", reading)
        with self._store.transaction(write=True, snapshot=snapshot) as connection:
            tx = Tx(connection, self.coder, show_others=show_others)
            try:
                yield tx
                if show_others and self.coder and seen not in self._unblinded:
                    record_unblinding(tx, reading)
                tx.finish()
            finally:
                tx.close()
        if show_others and self.coder:
            self._unblinded.add(seen)

    def _lead(self, step: str) -> None:
        """Refuse ``step`` (a project-shaping use case) when a coder is acting."""
        require_lead(self.coder, step)

    @contextmanager
    def _lead_write(
        self, step: str, *, show_others: bool = False, reading: str = ""
    ) -> Iterator[Tx]:
        """A write transaction for a step only the project lead takes (see ``_lead``)."""
        self._lead(step)
        with self._write(show_others=show_others, reading=reading) as tx:
            yield tx

    def _write_retrying(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in a write transaction, once more if it lost a race on a unique
        name or coding to another process (on PostgreSQL two writers can both find a
        name free; the second sees the first's row when it tries again)."""
        try:
            with self._write() as tx:
                return work(tx)
        except WriteConflict:
            with self._write() as tx:
                return work(tx)

    @contextmanager
    def _read(self, *, show_others: bool = False, reading: str = "") -> Iterator[Tx]:
        """A read transaction, blind for the acting coder. Lifting the blind
        (``show_others``) as a coder is recorded in the audit trail, so it is a write,
        reading one snapshot as a read does."""
        if show_others and self.coder and (self.coder, reading) not in self._unblinded:
            with self._write(show_others=True, reading=reading, snapshot=True) as tx:
                yield tx
            return
        with self._store.transaction(write=False) as connection:
            tx = Tx(connection, self.coder, writing=False, show_others=show_others)
            try:
                yield tx
            finally:
                tx.close()

    @contextmanager
    def _output(self, path: Path, formats: Sequence[str], no_clobber: bool) -> Iterator[Output]:
        """Where to write ``path`` (see :func:`gioia.output.output_file`): never over the
        store's own files, whatever their name."""
        with output_file(path, formats, no_clobber=no_clobber, protect=self._store.files()) as out:
            yield out

    def _opener(self, no_clobber: bool) -> Opener:
        """``_output`` for a writer that names its files itself (a split figure's parts,
        a CSV and the record beside it)."""
        return lambda path, formats: self._output(path, formats, no_clobber)
