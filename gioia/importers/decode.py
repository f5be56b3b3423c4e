"""Bytes to normalised text: the encodings transcripts really come in, read in chunks.

A text file is read a megabyte at a time through an incremental decoder, never whole as
bytes: a binary file is refused at its first chunk, and a file larger than the limit
(``GIOIA_MAX_TEXT_MB``, 100 MB by default) before anything is read.
"""

from __future__ import annotations

import codecs
import io
import os
import re
from pathlib import Path
from typing import BinaryIO

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
_BINARY_CHARS = "".join(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]))
_BINARY = re.compile(f"[{re.escape(_BINARY_CHARS)}]")

CP1252_WARNING = "not UTF-8; read as Windows-1252 (cp1252): check accented letters."

MB = 1024 * 1024
#: The largest text file gioia reads, unless ``GIOIA_MAX_TEXT_MB`` says otherwise.
DEFAULT_MAX_TEXT_MB = 100
_CHUNK = MB


def max_text_bytes() -> int:
    """The largest text file (transcript, captions, table, structure) gioia reads."""
    try:
        megabytes = float(os.environ.get("GIOIA_MAX_TEXT_MB", ""))
    except ValueError:
        megabytes = DEFAULT_MAX_TEXT_MB
    return int(megabytes * MB) if megabytes > 0 else DEFAULT_MAX_TEXT_MB * MB


def read_text(path: Path) -> tuple[str, list[str]]:
    """Read and decode the text file ``path`` in chunks: see :func:`decode_bytes`.

    A file larger than ``max_text_bytes()`` is refused before it is read, and an
    unreadable one is an ``ImportFailed`` naming it.
    """
    limit = max_text_bytes()
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise _too_large(path.name, limit)
            return _finished(*_decode(handle, path.name, limit), path.name)
    except OSError as error:
        raise ImportFailed(f"{path.name} cannot be read ({error.strerror or error}).") from None


def read_bytes(path: Path) -> bytes:
    """The content of the text file ``path`` (an XML codebook), refused before it is read
    when larger than ``max_text_bytes()``; an unreadable file is an ``ImportFailed``."""
    limit = max_text_bytes()
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > limit:
                raise _too_large(path.name, limit)
            data = handle.read(limit + 1)
    except OSError as error:
        raise ImportFailed(f"{path.name} cannot be read ({error.strerror or error}).") from None
    if len(data) > limit:  # it grew while being read
        raise _too_large(path.name, limit)
    return data


def decode_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode the content of the file ``name``; return its normalised text and warnings.

    UTF-8 with or without a byte-order mark, UTF-16 and UTF-32 with one;
    anything else is read as Windows-1252 with a warning. Binary content,
    bytes that no encoding explains and empty files are an ``ImportFailed``.
    """
    return _finished(*decode_raw(data, name), name)


def decode_raw(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode as :func:`decode_bytes` does, without normalising: the text as stored (CRLF
    and all), the byte-order mark left out. Offsets that other programs count over a
    file (REFI-QDA selections) are offsets into this text."""
    return _decode(io.BytesIO(data), name, max(len(data), 1))


def _too_large(name: str, limit: int) -> ImportFailed:
    return ImportFailed(
        f"{name} is larger than {limit / MB:,.0f} MB, the limit for a text file "
        "(set GIOIA_MAX_TEXT_MB to allow more)."
    )


def _decode(handle: BinaryIO, name: str, limit: int) -> tuple[str, list[str]]:
    head = handle.read(4)
    for bom, encoding, label in _BOMS:
        if head.startswith(bom):
            try:
                text = _stream(handle, len(bom), encoding, name, limit, check_nul=False)
            except UnicodeDecodeError as error:
                raise ImportFailed(
                    f"{name} starts with a {label} byte-order mark but is not valid {label} "
                    f"(byte {error.start}): save it again as UTF-8."
                ) from None
            return text, []
    try:
        return _stream(handle, 0, "utf-8", name, limit, check_nul=True), []
    except UnicodeDecodeError:
        pass
    try:
        text = _stream(handle, 0, "cp1252", name, limit, check_nul=True)
    except UnicodeDecodeError as error:
        handle.seek(error.start)
        byte = handle.read(1)[0]
        raise ImportFailed(
            f"{name} is neither UTF-8 nor Windows-1252 text "
            f"(byte 0x{byte:02X} at position {error.start}): save it as UTF-8."
        ) from None
    return text, [CP1252_WARNING]


def _stream(
    handle: BinaryIO, start: int, encoding: str, name: str, limit: int, *, check_nul: bool
) -> str:
    """The text from byte ``start`` on, decoded chunk by chunk. A decoding error is
    raised with ``start`` as its position in the file."""
    handle.seek(start)
    decoder = codecs.getincrementaldecoder(encoding)()
    parts: list[str] = []
    offset = start
    while chunk := handle.read(_CHUNK):
        if offset + len(chunk) > limit:
            raise _too_large(name, limit)
        if check_nul and b"\x00" in chunk:
            raise ImportFailed(
                f"{name} looks like a binary file, not text (it contains NUL bytes); "
                "if it is UTF-16 text without a byte-order mark, save it as UTF-8."
            )
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as error:
            at = offset - pending + error.start
            raise UnicodeDecodeError(encoding, b"", at, at + 1, error.reason) from None
        _refuse_controls(text, name)
        parts.append(text)
        offset += len(chunk)
    try:
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError as error:
        at = offset - len(decoder.getstate()[0]) + error.start
        raise UnicodeDecodeError(encoding, b"", at, at + 1, error.reason) from None
    return "".join(parts)


def _refuse_controls(text: str, name: str) -> None:
    # A scan for each character is many times faster than the regular expression, which
    # runs only to name the first one found.
    if not any(c in text for c in _BINARY_CHARS):
        return
    control = _BINARY.search(text)
    if control is not None:
        raise ImportFailed(
            f"{name} looks like a binary file, not text "
            f"(it contains the control character U+{ord(control.group()):04X})."
        )


def _finished(text: str, warnings: list[str], name: str) -> tuple[str, list[str]]:
    """The decoded text normalised, or an error if nothing is left."""
    text = normalize_text(text)
    if not text.strip():
        raise ImportFailed(f"{name} is empty.")
    return text, warnings
