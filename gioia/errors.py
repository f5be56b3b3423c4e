"""The exceptions gioia raises for user errors: the only ones the CLI knows."""

from __future__ import annotations

from collections.abc import Sequence


class GioiaError(Exception):
    """A user error: one sentence that says what to do next, then optional detail lines
    (for example every bad row of a file)."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


class StoreError(GioiaError):
    """The store is missing, unreadable, unreachable or at the wrong revision."""


class NotFound(GioiaError):
    """A named transcript, segment, concept, coder or case does not exist."""


class InvalidInput(GioiaError):
    """A value given by the user (name, span, quote, row) is not acceptable."""


class NotAllowed(GioiaError):
    """The acting coder may not do this: it is the project lead's step, or another
    coder's work."""


class ImportFailed(GioiaError):
    """A file could not be read as a transcript, codings table or manifest."""


class StoreFull(StoreError):
    """The disk (or the database server's) has no room for what the command writes."""


class StoreReadOnly(StoreError):
    """The store, or the folder it is in, cannot be written."""


class StoreBusy(StoreError):
    """Another process held the store's write lock for longer than gioia waits."""


class StoreUnreachable(StoreError):
    """The database server cannot be reached, refused the login, or went away."""


class WriteConflict(StoreError):
    """Another process changed the same item at the same moment (a unique name taken)."""


class OutputFailed(GioiaError):
    """A file gioia writes (figure, table, export) could not be written."""
