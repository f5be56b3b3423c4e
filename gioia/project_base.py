"""What every part of ``Project`` shares: the open store, the acting coder, and the
transactions (one per public method)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from gioia import store as store_module
from gioia.ops.base import Tx
from gioia.ops.visibility import record_unblinding
from gioia.store import Store, open_store

if TYPE_CHECKING:
    from typing_extensions import Self

    from gioia.migrate import Revision

T = TypeVar("T")


class ProjectBase:
    """An open store acting as one coder (or none: the project lead, scripts)."""

    def __init__(self, store: Store, coder: str | None = None) -> None:
        self._store = store
        self.coder = coder
        self._unblinded: set[tuple[str, str]] = set()  # (coder, reading) recorded already

    @classmethod
    def open(cls, location: str | None = None, *, coder: str | None = None) -> Self:
        """Open an existing store (path or URL; default ``GIOIA_STORE`` or ``./gioia.db``)."""
        return cls(open_store(location), coder)

    @classmethod
    def init(cls, location: str | None = None, *, coder: str | None = None) -> Self:
        """Create the store (or open it, if it exists already) at the newest schema."""
        return cls(open_store(location, create=True), coder)

    @staticmethod
    def schema_revisions(location: str | None = None) -> tuple[str | None, str]:
        """The store's schema revision (None before ``init``) and the one this gioia needs."""
        return store_module.schema_revisions(location)

    @staticmethod
    def upgrade_schema(location: str | None = None) -> tuple[str | None, str]:
        """Upgrade the store's schema, backing up a SQLite file first; (before, after)."""
        return store_module.upgrade_schema(location)

    @staticmethod
    def schema_history() -> list[Revision]:
        """Every schema migration, oldest first."""
        from gioia.migrate import history

        return history()

    @property
    def created(self) -> bool:
        """Whether opening this project created its store."""
        return self._store.created

    @property
    def location(self) -> str:
        """Where the store is: a file path or a URL without its password."""
        return self._store.location

    def close(self) -> None:
        """Release the store's connections."""
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(self, *, show_others: bool = False, reading: str = "") -> Iterator[Tx]:
        """A write transaction; with ``show_others`` the acting coder sees everyone's
        work in it, which the trail records (``reading`` says what they looked at; once
        per reading and coder for this open project)."""
        seen = (self.coder or "", reading)
        with self._store.transaction(write=True) as session:
            tx = Tx(session, self.coder, show_others=show_others)
            yield tx
            if show_others and self.coder and seen not in self._unblinded:
                record_unblinding(tx, reading)
        if show_others and self.coder:
            self._unblinded.add(seen)

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
    def _read(self, *, show_others: bool = False, reading: str = "") -> Iterator[Tx]:
        """A read transaction, blind for the acting coder. Lifting the blind
        (``show_others``) as a coder is recorded in the audit trail, so it is a write."""
        if show_others and self.coder and (self.coder, reading) not in self._unblinded:
            with self._write(show_others=True, reading=reading) as tx:
                yield tx
            return
        with self._store.transaction(write=False) as session:
            yield Tx(session, self.coder, writing=False, show_others=show_others)
