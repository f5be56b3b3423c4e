"""Bytes to normalised text: the encodings transcripts really come in."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from gioia.errors import ImportFailed
from gioia.text import normalize_text

_BOMS = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# Control characters that text files never contain (tab, line ends, vertical
# tab and form feed excepted).
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

CP1252_WARNING = "not UTF-8; read as Windows-1252 (cp1252): check accented letters."


def read_bytes(path: Path) -> bytes:
    """Return the content of ``path``; an unreadable file is an ``ImportFailed``."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportFailed(f"{path.name} cannot be read ({error.strerror or error}).") from None


def decode_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode the content of the file ``name``; return its normalised text and warnings.

    UTF-8 with or without a byte-order mark, UTF-16 and UTF-32 with one;
    anything else is read as Windows-1252 with a warning. Binary content,
    bytes that no encoding explains and empty files are an ``ImportFailed``.
    """
    text, warnings = decode_raw(data, name)
    text = normalize_text(text)
    if not text.strip():
        raise ImportFailed(f"{name} is empty.")
    return text, warnings


def decode_raw(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode as :func:`decode_bytes` does, without normalising: the text as stored (CRLF
    and all), the byte-order mark left out. Offsets that other programs count over a
    file (REFI-QDA selections) are offsets into this text."""
    warnings: list[str] = []
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise ImportFailed(
                    f"{name} starts with a {label} byte-order mark but is not valid {label} "
                    f"(byte {error.start + len(bom)}): save it again as UTF-8."
                ) from None
            break
    else:
        if b"\x00" in data:
            raise ImportFailed(
                f"{name} looks like a binary file, not text (it contains NUL bytes); "
                "if it is UTF-16 text without a byte-order mark, save it as UTF-8."
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as error:
                raise ImportFailed(
                    f"{name} is neither UTF-8 nor Windows-1252 text "
                    f"(byte 0x{data[error.start]:02X} at position {error.start}): "
                    "save it as UTF-8."
                ) from None
            warnings.append(CP1252_WARNING)
    control = _BINARY.search(text)
    if control is not None:
        raise ImportFailed(
            f"{name} looks like a binary file, not text "
            f"(it contains the control character U+{ord(control.group()):04X})."
        )
    return text, warnings


def read_text(path: Path) -> tuple[str, list[str]]:
    """Read and decode the text file ``path``: see :func:`decode_bytes`."""
    return decode_bytes(read_bytes(path), path.name)
