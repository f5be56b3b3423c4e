"""Word (.docx) transcripts, read with python-docx.

The body's paragraphs and tables are read in document order; headers,
footers, comments, footnotes and text boxes are not transcript text. Tracked
insertions are read and tracked deletions are not, as Word shows them. A
soft line break stays in its paragraph as ``\\n``. Paragraphs go through the
label parser of :mod:`gioia.importers.plain`, which also takes a bold run
that starts a paragraph as a candidate label. A table of two columns
(speaker | text) or three (time | speaker | text) whose speaker cells hold
names gives one turn per row, after a header row such as "Speaker | Text";
a row with an empty speaker cell continues the turn before. Other tables are
read cell by cell as paragraphs.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from gioia.errors import ImportFailed
from gioia.importers.archive import open_archive
from gioia.importers.base import ParsedTranscript
from gioia.importers.plain import Block, Label, is_name, parse_blocks, parse_timestamp
from gioia.text import name_key, normalize_text

# The runs Word shows: not deleted or moved away, not inside a text box.
_VISIBLE_RUNS = (
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)]"
)
_HEADER_WORDS = frozenset(
    {"speaker", "name", "who", "person", "participant", "time", "timestamp", "timecode", "start"}
    | {"text", "transcript", "utterance", "content", "speech", "statement", "response", "what"}
)


def read_docx(path: Path) -> ParsedTranscript:
    """Read a .docx transcript, once its zip directory is within the archive limits
    (:mod:`gioia.importers.archive`): a zip bomb is refused before anything is read."""
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError as error:
        raise ImportFailed(f"{path.name} cannot be read ({error.strerror or error}).") from None
    return _read(path if is_zip else None, path.name)


def parse_docx(data: bytes, name: str) -> ParsedTranscript:
    """Read the bytes of the .docx file ``name`` (a source inside an archive), within the
    same limits."""
    source = io.BytesIO(data)
    return _read(source if zipfile.is_zipfile(source) else None, name)


def _read(source: Path | BinaryIO | None, name: str) -> ParsedTranscript:
    """The transcript in the zip ``source`` (None: the file is not a zip)."""
    import docx  # python-docx: imported here so that importing gioia stays cheap

    reason = None
    if source is None:
        reason = (
            "not a zip archive; an old .doc or a password-protected file "
            "must be saved again as .docx"
        )
    else:
        open_archive(source, name=name).close()  # refuses what expands beyond the limits
        try:
            document = docx.Document(str(source) if isinstance(source, Path) else source)
            blocks = _blocks(document, _bold_styles(document))
        except (KeyError, ValueError):
            reason = "the zip archive holds no Word document"
        except (zipfile.BadZipFile, zlib.error, EOFError):
            reason = "the zip archive is damaged"
        except SyntaxError as error:  # lxml's XMLSyntaxError
            reason = f"its XML is damaged: {_first_line(error)}"
        except Exception as error:  # python-docx meets anything in a damaged file
            reason = f"it cannot be read: {_first_line(error)}"
    if reason is not None:
        raise ImportFailed(f"{name} is not a Word document ({reason}).")
    turns, warnings = parse_blocks(blocks)
    if not turns:
        raise ImportFailed(f"{name} has no transcript text to import.")
    return ParsedTranscript(turns, "docx", warnings)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0].strip()


def _bold_styles(document: Any) -> frozenset[str]:
    """Return the ids of the character styles that make text bold (such as "Strong")."""
    from docx.enum.style import WD_STYLE_TYPE

    return frozenset(
        style.style_id
        for style in document.styles
        if style.type == WD_STYLE_TYPE.CHARACTER and style.font.bold
    )


def _blocks(container: Any, bold_styles: frozenset[str]) -> list[Block]:
    """Return the blocks of a document body or table cell, in order."""
    from docx.text.paragraph import Paragraph

    blocks: list[Block] = []
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            text, bold = _paragraph(item, bold_styles)
            if text:
                blocks.append(Block(text, bold=bold))
        else:
            blocks.extend(_table(item, bold_styles))
    return blocks


def _paragraph(paragraph: Any, bold_styles: frozenset[str]) -> tuple[str, str]:
    """Return the text of a paragraph and the bold text it starts with."""
    from docx.text.run import Run

    texts: list[str] = []
    bold_end = 0
    leading = True
    for element in paragraph._p.xpath(_VISIBLE_RUNS):
        text = element.text
        texts.append(text)
        if leading and text.strip():
            run_bold = Run(element, paragraph).bold
            leading = run_bold if run_bold is not None else element.style in bold_styles
        if leading:
            bold_end = len(texts)
    text = normalize_text("".join(texts)).strip()
    bold = normalize_text("".join(texts[:bold_end])).strip()
    return text, bold


def _table(table: Any, bold_styles: frozenset[str]) -> list[Block]:
    """Return the blocks of a table: one labelled block per row for transcript tables."""
    rows = [_unique_cells(row) for row in table.rows]
    texts = [[_text(cell, bold_styles) for cell in row] for row in rows]
    body = (
        texts[1:] if texts and all(name_key(t) in _HEADER_WORDS for t in texts[0] if t) else texts
    )
    widths = {len(row) for row in body}
    layout = widths == {2} or (
        widths == {3} and all(not row[0] or parse_timestamp(row[0]) is not None for row in body)
    )
    if not layout or not all(not row[-2] or is_name(_speaker(row[-2])) for row in body):
        return [block for row in rows for cell in row for block in _blocks(cell, bold_styles)]
    blocks = []
    for *time, speaker_cell, text in body:
        speaker = _speaker(speaker_cell)
        if speaker:
            start = parse_timestamp(time[0]) if time else None
            blocks.append(Block(text, label=Label(speaker, text, start, sure=True)))
        elif text:
            blocks.append(Block(text))
    return blocks


def _speaker(cell_text: str) -> str:
    """Return the speaker written in a table cell, without a final colon."""
    return cell_text.rstrip(":").strip()


def _unique_cells(row: Any) -> list[Any]:
    """Return the cells of a row, a merged cell once."""
    seen: set[int] = set()
    cells = []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _text(cell: Any, bold_styles: frozenset[str]) -> str:
    """Return the text of a table cell, paragraphs separated by blank lines."""
    return "\n\n".join(block.text for block in _blocks(cell, bold_styles))
