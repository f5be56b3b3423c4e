"""What the REFI-QDA tests share: a study that uses every table, a comparison of whole
stores, and hand-made packages as other programs write them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from gioia import Project
from gioia.importers.manifest import TranscriptMeta
from gioia.models import Base
from gioia.ops.importing import ImportOptions

from .conftest import SAMPLE

#: What a round trip does not carry: the audit trail (the import writes its own events),
#: alembic's bookkeeping, and (in ``settings``) the store's identity.
NOT_CARRIED = ("events", "alembic_version")
NAMED = ("cases", "informants", "transcripts", "coders", "dimensions", "themes", "concepts")

EMOJI_TRANSCRIPT = (
    "Interviewer: What did the buyers say? 🙂\n\n"
    "Ana Souza: They loved it 😀😀 and asked for the Crème brûlée line.\n\n"
    "Interviewer: And the price?\n\n"
    "Ana Souza: Too high 💸. We cut it by ten per cent.\n"
)


def rich_study(project: Project, tmp_path: Path) -> Project:
    """The sample study plus what it lacks: memos on every kind of target, quote picks, a
    consensus coder, sentence segments, emoji, transcript and informant attributes."""
    project.import_files([], manifest=SAMPLE / "manifest.csv")
    project.set_phase("codebook")  # the two coders share one concept list
    for coder in ("Maria", "Tom"):
        result = project.import_codings(SAMPLE / f"codings_{coder.lower()}.csv")
        project.coder = result.coders[0]
        project.review(transcript="case_a_ceo_w1")
        project.coder = None
    project.import_structure(SAMPLE / "structure.csv")
    extra = tmp_path / "emoji_interview.txt"
    extra.write_text(EMOJI_TRANSCRIPT, encoding="utf-8")
    meta = TranscriptMeta(
        case="Case E",
        informant="Ana Souza",
        role="Owner",
        wave="1",
        attributes={"case.sector": "Desserts", "informant.gender": "f", "language": "pt"},
    )
    project.import_file(extra, meta, ImportOptions(segment_by="sentence"))
    project.coder = "Maria"
    project.tag(
        ["emoji_interview:2"], "Buyers want to taste before they trust", quote="loved it 😀😀"
    )
    project.add_memo("emoji_interview:1", "Emoji in the question: keep them.")
    project.add_memo("The home market is not enough any more", "Check wave 2 as well.")
    project.coder = "Tom"
    project.add_memo("case_a_ceo_w1:4", "A clear push factor.")
    project.coder = None
    project.reconcile_auto("Consensus", "union", coders=["Maria", "Tom"])
    project.pick_quotes("The home market is not enough any more", ["case_a_ceo_w1:4"])
    project.allow_shared(True)  # a concept under two themes, a theme under two dimensions
    themes = [t.name for d in project.structure().dimensions for t in d.themes]
    dimensions = [d.name for d in project.structure().dimensions]
    project.assign(["The home market is not enough any more"], theme=themes[-1])
    project.assign([themes[0]], dimension=dimensions[-1])
    _memo_on_items(project)
    return project


def _memo_on_items(project: Project) -> None:
    """Memos on a theme, a dimension and on nothing (the API makes only segment and
    concept memos): written as a later gioia would."""
    from gioia.models import Coder, Dimension, Memo, Theme
    from gioia.ops.base import Tx

    with project._write() as tx:
        assert isinstance(tx, Tx)
        session = tx.session
        tom = session.scalar(select(Coder.id).where(Coder.name == "Tom"))
        theme = session.scalar(select(Theme.id).order_by(Theme.id).limit(1))
        dimension = session.scalar(select(Dimension.id).order_by(Dimension.id).limit(1))
        session.add_all(
            [
                Memo(coder_id=tom, theme_id=theme, text="Is this theme one or two?"),
                Memo(coder_id=None, dimension_id=dimension, text="From the workshop."),
                Memo(coder_id=tom, text="Project memo: ask Maria about wave 2 & <coding>."),
            ]
        )


def _engine(location: str) -> Any:
    url = location if "://" in location else f"sqlite:///{location}"
    return create_engine(make_url(url))


def store_tables(location: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a store, rows sorted, ids replaced by what they point to (names;
    a segment by transcript and position), the tables a round trip does not carry left out."""
    engine = _engine(location)
    tables = Base.metadata.tables
    with engine.connect() as connection:
        keys: dict[str, dict[Any, Any]] = {
            name: dict(connection.execute(select(tables[name].c.id, tables[name].c.name)).all())
            for name in NAMED
        }
        transcripts = keys["transcripts"]
        segments = tables["segments"]
        keys["segments"] = {
            row.id: (transcripts[row.transcript_id], row.position)
            for row in connection.execute(
                select(segments.c.id, segments.c.transcript_id, segments.c.position)
            )
        }
        found: dict[str, list[tuple[Any, ...]]] = {}
        for name, table in tables.items():
            if name in NOT_CARRIED:
                continue
            references = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
            rows = []
            for row in connection.execute(select(table)).mappings():
                if name == "settings" and row["key"] == "store_id":
                    continue
                values = []
                for column, value in row.items():
                    if column == "id":
                        continue
                    if column in references and value is not None:
                        value = keys[references[column]][value]
                    values.append((column, repr(value)))
                rows.append(tuple(values))
            found[name] = sorted(rows)
    engine.dispose()
    return found


def write_qdpx(path: Path, project_xml: str, files: dict[str, bytes] | None = None) -> Path:
    """A ``.qdpx`` as another program writes it: ``project.qde`` and its files."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def guid(number: int) -> str:
    """A GUID for hand-made files: ``00000000-0000-0000-0000-<number>``."""
    return f"00000000-0000-0000-0000-{number:012d}"


def readme_output(command: str) -> list[str]:
    """The output README.md shows under ``$ command`` (up to the next prompt or the end
    of its console block); ``…`` stands for lines left out."""
    from .shared import REPO

    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"$ {command}") + 1
    shown = []
    for line in lines[start:]:
        if line.startswith("$ ") or line.startswith("```"):
            break
        shown.append(line)
    return shown


def assert_shown(shown: list[str], output: str) -> None:
    """Every line README shows is in ``output``, in order; ``…`` may stand for any lines."""
    lines = output.splitlines()
    at = 0
    for line in shown:
        if line == "…":
            continue
        assert line in lines[at:], f"README shows {line!r}, which the command did not print"
        at = lines.index(line, at) + 1
