"""Two gioia processes writing to one store at once both keep all their work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gioia import Project

from .conftest import SAMPLE

WRITER = """
import sys
from gioia import Project

store, coder, concept = sys.argv[1:4]
refs = [f"{name}:{n}" for name in ("case_a_ceo_w1", "case_d_md_w2") for n in range(2, 29, 2)]
with Project.open(store, coder=coder) as project:
    for ref in refs:
        project.tag([ref], concept, create=True)
        project.add_memo(ref, f"{coder} was here")
print(len(refs))
"""


def test_two_writers_at_once(sample_project: Project, store: str, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    root = str(Path(__file__).resolve().parent.parent)
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), store, coder, concept],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        for coder, concept in (("Ann", "Family firm"), ("Ben", "Home market"))
    ]
    outputs = [w.communicate(timeout=120) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    assert [out for out, _ in outputs] == ["28\n", "28\n"]
    sample_project.coder = None
    rows = sample_project.codings()
    assert len(rows) == 56
    assert {(r.coder, r.concept) for r in rows} == {("Ann", "Family firm"), ("Ben", "Home market")}
    assert len([e for e in sample_project.log() if e.action == "memo"]) == 56
    assert SAMPLE.is_dir()
