"""``gioia demo``: a fresh project built from the bundled fictional study."""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gioia.errors import GioiaError
from gioia.output import output_file
from gioia.project import Project
from gioia.report.data import ReportOptions
from gioia.resources import bundled_path

if TYPE_CHECKING:
    from gioia.agreement import Coefficient

CODINGS_FILES = ("codings_maria.csv", "codings_tom.csv")
REPORT_TITLE = "Exporters on a B2B marketplace (sample study)"
AGREEMENT = (
    ("concept", "segment"),
    ("concept", "character"),
    ("theme", "segment"),
    ("theme", "character"),
)


CORRECTED = "case_a_ceo_w1.txt"


def corrected_transcript(text: str) -> str:
    """The CEO's first interview as a transcriber sends it back corrected: with a title
    line, "anymore" for "any more", and a heading inside a turn (to try `import
    --replace` and `gioia segment`)."""
    return "Interview: Case A, CEO, 14 March 2024\n\n" + text.replace(
        "depend on them alone any more", "depend on them alone anymore"
    ).replace("Interviewer: Is that why", "Part Two: The platform\n\nInterviewer: Is that why")


def review_everything(project: Project, coder: str, transcripts: list[str | None]) -> None:
    """The sample's coders read every informant turn: record it, as a session would."""
    project.coder = coder
    for name in transcripts:
        project.review(transcript=name)
    project.coder = None


def _value(coefficient: Coefficient) -> str:
    return "undefined" if coefficient.value is None else f"{coefficient.value:.3f}"


@dataclass(frozen=True)
class DemoReport:
    """Where the demo project is and what to try next."""

    folder: Path
    store: Path
    next_steps: tuple[str, ...]


def build_demo(out: Path, say: Callable[[str], None] = print) -> DemoReport:
    """Build the sample study in ``out`` (new or empty): the store with transcripts,
    codings and structure, the figure and tables a paper prints, a copy of the study's
    files (``study/``) and a corrected transcript (``corrected/``) to try the commands
    on."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise GioiaError(f"{out} is not an empty folder: choose another --out.")
    out.mkdir(parents=True, exist_ok=True)
    sample = bundled_path("sample_transcripts")
    store = out / "gioia.db"
    with Project.init(str(store)) as project:
        say(f"Created the store {store}")
        results = project.import_files([], manifest=sample / "manifest.csv")
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise GioiaError(f"The sample study did not import: {failed[0].error}")
        segments = sum(r.segments for r in results)
        say(f"Imported {len(results)} interviews ({segments} segments) listed in manifest.csv")
        project.set_phase("codebook")
        say("Codebook coding: the coders share one concept list, their codings stay blind")
        for name in CODINGS_FILES:
            result = project.import_codings(sample / name)
            say(f"Imported {result.added} codings by {', '.join(result.coders)} from {name}")
            review_everything(project, result.coders[0], [r.transcript for r in results])
        cases = project.cases()
        say(f"{len(cases)} cases: " + ", ".join(c.name for c in cases))
        tree = project.import_structure(sample / "structure.csv")
        made = ", ".join(f"{n} {word}s" for word, n in tree.created.items() if n)
        say(f"Imported the data structure from structure.csv ({made} created)")
        for level, unit in AGREEMENT:
            report = project.agreement(level=level, unit=unit)
            o = report.overall
            say(
                f"Agreement of Maria and Tom, {level}s by {unit}: "
                f"{_value(o['percent'])} agreement, pooled κ {_value(o['pooled_kappa'])}, "
                f"mean α {_value(o['mean_alpha'])}"
            )
            name = f"agreement-{level}-{unit}.md"
            project.write_agreement(out / name, report)
            say(f"Wrote {out / name}")
        project.write_agreement(out / "agreement.docx", project.agreement())
        say(f"Wrote {out / 'agreement.docx'}")
        state = project.reconcile_auto("Consensus", "union")
        say(
            f"Built the consensus coder Consensus: {state.copied} agreed codings copied, "
            f"{state.decided} disagreements settled by union"
        )
        for name in ("quotes.docx", "quotes.md"):
            written = project.write_quotes(out / name)
            say(f"Wrote {out / name} ({written.count} representative quotes)")
        for name in ("codebook.docx", "codebook.md"):
            project.write_codebook(out / name)
            say(f"Wrote {out / name}")
        project.write_cases(out / "cases.docx")
        say(f"Wrote {out / 'cases.docx'}")
        for name in ("figure.svg", "figure.png"):
            drawn = project.draw_figure(out / name)
            say(f"Wrote {out / name}, the data-structure figure (layout by {drawn.engine})")
        matrix = project.matrix(rows="case", level="theme")
        project.write_matrix(out / "matrix.xlsx", matrix)
        say(f"Wrote {out / 'matrix.xlsx'}, the case × theme matrix traced to its segments")
        network = project.cooccurrence(level="theme")
        for name in ("cooccurrence.png", "cooccurrence.graphml"):
            project.write_cooccurrence(out / name, network)
            say(f"Wrote {out / name}, the network of themes coded together")
        project.write_saturation(out / "saturation.png", project.saturation())
        say(f"Wrote {out / 'saturation.png'}, new concepts per interview")
        data, _ = project.write_report(out / "report.html", ReportOptions(title=REPORT_TITLE))
        say(f"Wrote {out / 'report.html'}, the study report ({len(data.transcripts)} interviews)")
    study = out / "study"
    study.mkdir()
    for source in sorted(sample.iterdir()):
        if source.is_file() and source.name != "README.md":
            shutil.copyfile(source, study / source.name)
    say(
        f"Copied the study's files to {study} "
        "(transcripts, manifest, codings, structure, fsQCA spec)"
    )
    corrected = out / "corrected"
    corrected.mkdir()
    original = (sample / CORRECTED).read_text(encoding="utf-8")
    with output_file(corrected / CORRECTED, (".txt",), no_clobber=True) as file:
        file.temp.write_text(corrected_transcript(original), encoding="utf-8")
    say(f"Wrote {corrected / CORRECTED}, the interview as a transcriber corrected it")
    where = shlex.quote(str(store))
    first = results[0].transcript or ""
    return DemoReport(
        folder=out,
        store=store,
        next_steps=(
            f"export GIOIA_STORE={where}",
            "gioia transcripts",
            "gioia cases",
            f"gioia --coder Maria show {first}",
            "gioia --coder Maria segments --uncoded",
            "gioia structure",
            "gioia check",
            "gioia agreement --level theme",
            "gioia disagreements",
            'gioia search "samples"',
            "gioia matrix",
            "gioia saturation",
            "gioia log -n 10",
        ),
    )
