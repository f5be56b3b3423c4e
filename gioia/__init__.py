"""gioia: from interview transcripts to a published Gioia data structure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gioia.errors import (
    GioiaError,
    ImportFailed,
    InvalidInput,
    NotAllowed,
    NotFound,
    StoreError,
)

if TYPE_CHECKING:
    from gioia.project import Project

__version__ = "0.1.0"

__all__ = [
    "GioiaError",
    "ImportFailed",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "Project",
    "StoreError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """Import ``Project`` (and with it SQLAlchemy) only when it is used."""
    if name == "Project":
        from gioia.project import Project

        return Project
    raise AttributeError(f"module 'gioia' has no attribute {name!r}")
