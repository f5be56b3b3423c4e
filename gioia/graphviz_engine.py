"""Running Graphviz: finding an engine and drawing DOT with its ``neato`` layout, for the
data-structure figure (pinned positions, ``-n2``) and the co-occurrence network (laid out
by ``neato``). Pure: no ORM, no figure internals.

Graphviz's own ``dot`` on PATH runs through the ``graphviz`` package; another executable
(the bundled graphviz-pure, or one ``GIOIA_DOT`` names) with the same arguments. A PNG
records its resolution (``PNG_DPI``), so a word processor places it at its size in inches.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from gioia.errors import GioiaError

PNG_DPI = 300


@dataclass(frozen=True)
class Engine:
    """A Graphviz executable; ``name`` is ``dot`` or ``graphviz-pure`` (which has no PDF)."""

    name: str
    path: str


def find_engine() -> Engine:
    """The Graphviz to run: ``GIOIA_DOT`` if set, else ``dot`` on PATH, else graphviz-pure."""
    override = os.environ.get("GIOIA_DOT")
    if override:
        path = shutil.which(override)
        if path is None:
            raise GioiaError(
                f"GIOIA_DOT is {override!r}, which is not an executable: "
                "point it at Graphviz's dot or at graphviz-pure, or unset it."
            )
        pure = Path(path).name.lower().startswith("graphviz-pure")
        return Engine("graphviz-pure" if pure else "dot", path)
    system = shutil.which("dot")
    if system is not None:
        return Engine("dot", system)
    bundled = graphviz_pure()
    if bundled is not None:
        return Engine("graphviz-pure", bundled)
    raise GioiaError(
        "No Graphviz found to draw the figure: reinstall gioia (it brings graphviz-pure), "
        "install Graphviz, or write a .dot file."
    )


def graphviz_pure() -> str | None:
    """graphviz-pure in this Python's scripts folder or the user's, else on PATH."""
    import sysconfig

    name = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    user = sysconfig.get_preferred_scheme("user")
    for folder in (sysconfig.get_path("scripts"), sysconfig.get_path("scripts", user)):
        if Path(folder, name).is_file():
            return str(Path(folder, name))
    return shutil.which("graphviz-pure")


def run_neato(engine: Engine, fmt: str, source: str, *, pinned: bool, what: str) -> bytes:
    """``source`` drawn by ``engine`` with the ``neato`` layout in ``fmt`` (``pinned``:
    every position given, ``-n2``); a PNG with its resolution recorded. ``what`` names
    the drawing in an error ("the figure", "the network")."""
    if engine.name == "dot" and engine.path == shutil.which("dot"):
        import graphviz

        try:
            drawn: bytes = graphviz.pipe(
                "neato", fmt, source.encode(), neato_no_op=2 if pinned else None, quiet=True
            )
        except graphviz.CalledProcessError as error:
            stderr = error.stderr or b""
            raise GioiaError(
                f"{engine.path} could not draw {what}; its messages follow.",
                details=stderr.decode(errors="replace").splitlines(),
            ) from error
    else:
        import subprocess

        args = [engine.path, "-Kneato", *(["-n2"] if pinned else []), f"-T{fmt}"]
        try:
            done = subprocess.run(args, input=source.encode(), capture_output=True, check=False)
        except OSError as error:
            raise GioiaError(f"Could not run {engine.path}: {error.strerror}.") from error
        if done.returncode != 0 or not done.stdout:
            raise GioiaError(
                f"{engine.path} could not draw {what}; its messages follow.",
                details=done.stderr.decode(errors="replace").splitlines(),
            )
        drawn = done.stdout
    return _with_dpi(drawn) if fmt == "png" else drawn


def _with_dpi(png: bytes) -> bytes:
    """The PNG with its resolution recorded (``PNG_DPI``)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()
