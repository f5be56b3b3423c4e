"""What every part of ``Project`` shares: the store, the acting coder and transactions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from gioia.ops.base import Tx
from gioia.store import Store

T = TypeVar("T")


class ProjectBase:
    """An open store and the coder acting on it; one transaction per public method."""

    def __init__(self, store: Store, coder: str | None = None) -> None:
        self._store = store
        self.coder = coder

    @contextmanager
    def _write(self) -> Iterator[Tx]:
        with self._store.transaction(write=True) as session:
            yield Tx(session, self.coder)

    def _write_retrying(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in a write transaction, once more if it lost a race on a unique
        name or coding to another process (on PostgreSQL two writers can both find a
        name free; the second sees the first's row when it tries again)."""
        from sqlalchemy.exc import IntegrityError

        try:
            with self._write() as tx:
                return work(tx)
        except IntegrityError:
            with self._write() as tx:
                return work(tx)

    @contextmanager
    def _read(self) -> Iterator[Tx]:
        with self._store.transaction(write=False) as session:
            yield Tx(session, self.coder, writing=False)
