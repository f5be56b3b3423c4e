"""Concept names private by construction (open coding): a coder's new name is theirs
alone, in every way a concept is made (add, rename, tag --new, the coding session,
codings files); the project lead sees and names each as ``Trust [Ana]``; sharing one
(the structure, a merge, codebook coding, a REFI-QDA file, the consensus) refuses a
name two concepts have; agreement compares the shared concepts only."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from gioia import NotFound, Project
from gioia.errors import WriteConflict
from gioia.models import Coder, Coding, Concept, Event
from gioia.schema import SHARED_SCOPE

from .conftest import run

TEXT = "Interviewer: Why?\n\nAnna: We trust them.\n\nInterviewer: And?\n\nAnna: Fees are high.\n"


@pytest.fixture
def study(store: str, runner: CliRunner, tmp_path: Path) -> str:
    """One interview (informant turns t:2 and t:4); Ana has a private "Trust" on t:2."""
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    assert run(runner, store, "import", str(tmp_path / "t.txt")).exit_code == 0
    assert run(runner, store, "tag", "t:2", "-c", "Trust", "--new", coder="Ana").exit_code == 0
    return store


def concepts(store: str) -> list[tuple[str, str | None, list[str]]]:
    """Every concept: its name, whose private concept it is (None: shared), and the
    coders of its codings."""
    with Project.open(store) as lead, lead._read() as tx:
        names = dict(tx.session.execute(select(Coder.id, Coder.name)).all())
        found = []
        for concept in tx.session.scalars(select(Concept).order_by(Concept.id)):
            coders = tx.session.scalars(
                select(Coding.coder_id).where(Coding.concept_id == concept.id).order_by(Coding.id)
            )
            owner = None if concept.scope == SHARED_SCOPE else names[concept.scope]
            found.append((concept.name, owner, [names[c] for c in coders]))
        return found


def test_every_way_a_coder_names_a_concept_makes_their_own(
    study: str, runner: CliRunner, tmp_path: Path
) -> None:
    said = run(runner, study, "concept", "add", "Trust", coder="Ben")
    assert (said.exit_code, said.output) == (0, "Added concept 'Trust'.\n")
    run(runner, study, "concept", "add", "Faith", coder="Cat")
    said = run(runner, study, "concept", "rename", "Faith", "Trust", coder="Cat")
    assert (said.exit_code, said.output) == (0, "Renamed concept 'Faith' to 'Trust'.\n")
    said = run(runner, study, "tag", "t:4", "-c", "Trust", coder="Ben")  # his, not Ana's
    assert said.output.splitlines()[0] == "Tagged 1 segment(s) with 'Trust'."
    said = run(runner, study, "tag", "t:2", "-c", "Trust", "--new", coder="Dan")
    assert said.output.splitlines()[0] == (
        "Tagged 1 segment(s) with 'Trust' (created concept 'Trust')."
    )
    session = run(runner, study, "code", "--from", "t:4", input="+Trust\nx\n", coder="Eve")
    assert "▸ Trust" in session.output
    (tmp_path / "codings.csv").write_text("coder,segment,concept\nFay,t:4,Trust\n")
    said = run(runner, study, "codings", "import", str(tmp_path / "codings.csv"), coder="Fay")
    assert said.output.splitlines()[0] == "Added 1 coding(s) by Fay; created 1 concept(s)."
    assert concepts(study) == [
        ("Trust", "Ana", ["Ana"]),
        ("Trust", "Ben", ["Ben"]),
        ("Trust", "Cat", []),
        ("Trust", "Dan", ["Dan"]),
        ("Trust", "Eve", ["Eve"]),
        ("Trust", "Fay", ["Fay"]),
    ]


def test_a_codings_file_of_the_lead_gives_each_coder_their_own_new_names(
    study: str, runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "codings.csv").write_text(
        "coder,segment,concept\nBen,t:2,Trust\nBen,t:4,Trust\nCat,t:4,Trust\n"
    )
    said = run(runner, study, "codings", "import", str(tmp_path / "codings.csv"))
    assert said.output.splitlines()[0] == ("Added 3 coding(s) by Ben, Cat; created 2 concept(s).")
    assert concepts(study) == [
        ("Trust", "Ana", ["Ana"]),
        ("Trust", "Ben", ["Ben", "Ben"]),
        ("Trust", "Cat", ["Cat"]),
    ]


def test_a_blind_coder_learns_nothing_of_another_s_name(
    store: str, runner: CliRunner, tmp_path: Path
) -> None:
    """Ben's every answer is the same whether or not Ana has a private "Trust"."""
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    run(runner, store, "import", str(tmp_path / "t.txt"))
    steps = [
        ("concept", "list"),
        ("tag", "t:4", "-c", "Trust"),
        ("segments", "-c", "Trust"),
        ("concept", "info", "Trust"),
        ("concept", "add", "Trust"),
        ("concept", "rename", "Trust", "Faith"),
        ("concept", "add", "Trust"),
        ("concept", "list"),
    ]
    without = [run(runner, store, *step, coder="Ben").output for step in steps]
    other = str(tmp_path / "other.db")
    run(runner, other, "init")
    run(runner, other, "import", str(tmp_path / "t.txt"))
    run(runner, other, "tag", "t:2", "-c", "Trust", "--new", coder="Ana")
    run(runner, other, "concept", "add", "Faith", coder="Ana")
    run(runner, other, "tag", "t:1", "-c", "Dummy", "--new", coder="Ben")  # Ben's row first
    run(runner, other, "untag", "t:1", "-c", "Dummy", coder="Ben")
    run(runner, other, "concept", "delete", "Dummy", coder="Ben")
    with_ana = [run(runner, other, *step, coder="Ben").output for step in steps]
    assert with_ana == without
    assert without[2] == "Error: No concept 'Trust'.\n"


def test_the_lead_sees_and_names_each_coder_s_concept(study: str, runner: CliRunner) -> None:
    run(runner, study, "tag", "t:4", "-c", "Trust", "--new", coder="Ben")
    listed = run(runner, study, "concept", "list").output.splitlines()
    assert [line.split("  ")[0] for line in listed[1:3]] == ["Trust [Ana]", "Trust [Ben]"]
    said = run(runner, study, "concept", "info", "Trust")
    assert said.output == (
        "Error: 'Trust' names 2 coders' private concepts ('Trust [Ana]', 'Trust [Ben]'): name "
        "one as 'Trust [Ana]', or merge them "
        '(gioia concept merge "Trust [Ben]" --into "Trust [Ana]").\n'
    )
    info = run(runner, study, "concept", "info", "Trust [Ben]").output.splitlines()
    assert info[0] == "Concept 'Trust [Ben]'"
    assert info[-1] == "  · t:4: Fees are high."
    with Project.open(study) as lead:  # the analyses name them apart too
        assert list(lead.matrix(rows="transcript", level="concept").codes) == [
            "Trust [Ana]",
            "Trust [Ben]",
        ]
    shown = run(runner, study, "concept", "list", "--show-others", coder="Ana").output
    assert [line.split("  ")[0] for line in shown.splitlines()[1:3]] == ["Trust", "Trust [Ben]"]


def test_sharing_a_name_two_concepts_have_is_refused_until_merged(
    study: str, runner: CliRunner, tmp_path: Path
) -> None:
    run(runner, study, "tag", "t:4", "-c", "Trust", "--new", coder="Ben")
    before = concepts(study)
    refused = run(runner, study, "assign", "Trust [Ana]", "--theme", "Relations", "--new")
    assert refused.output == (
        "Error: Cannot adopt 'Trust [Ana]' into the structure: 'Trust [Ana]' and "
        "'Trust [Ben]' have the same name. Merge them "
        '(gioia concept merge "Trust [Ana]" --into "Trust [Ben]") or rename one first.\n'
    )
    assert refused.exit_code == 1
    refused = run(runner, study, "coders", "phase", "codebook")
    assert refused.output.startswith(
        "Error: Cannot move to codebook coding: 'Trust [Ana]' and 'Trust [Ben]' have the same name."
    )
    (tmp_path / "s.csv").write_text("concept,theme,dimension\nTrust,Relations,Social\n")
    refused = run(runner, study, "structure", "import", str(tmp_path / "s.csv"))
    assert refused.output.startswith("Error: 'Trust' names 2 coders' private concepts")
    refused = run(runner, study, "concept", "add", "Trust")  # the lead's would be shared
    assert refused.output == (
        "Error: Cannot add the concept 'Trust': 'Trust [Ana]', a coder's private concept, has "
        'that name. Share it (gioia assign "Trust [Ana]" --theme THEME) or choose another '
        "name.\n"
    )
    assert concepts(study) == before
    with Project.open(study) as lead:
        assert lead.phase() == "open" and lead.structure().dimensions == ()
    merged = run(runner, study, "concept", "merge", "Trust [Ben]", "--into", "Trust [Ana]")
    assert merged.output == "Merged 'Trust [Ben]' into 'Trust': 1 coding(s) moved.\n"
    assert concepts(study) == [("Trust", None, ["Ana", "Ben"])]  # both coders' codings
    assert run(runner, study, "assign", "Trust", "--theme", "Relations", "--new").exit_code == 0
    with Project.open(study) as lead:
        shared = [e for e in lead.log() if e.action == "share"]
    assert [(e.summary, e.before, e.after) for e in shared] == [
        (
            "Ana's concept 'Trust' is shared with the team",
            {"private_to": "Ana"},
            {"private_to": None},
        )
    ]


def test_adopting_a_concept_shares_it_with_every_coder(study: str, runner: CliRunner) -> None:
    assert "Trust" not in run(runner, study, "concept", "list", coder="Ben").output
    assert run(runner, study, "assign", "Trust", "--theme", "Relations", "--new").exit_code == 0
    said = run(runner, study, "tag", "t:4", "-c", "Trust", coder="Ben")
    assert said.output.splitlines()[0] == "Tagged 1 segment(s) with 'Trust'."
    assert concepts(study) == [("Trust", None, ["Ana", "Ben"])]


def test_codebook_coding_shares_every_concept(study: str, runner: CliRunner) -> None:
    run(runner, study, "concept", "add", "Fees", coder="Ben")
    said = run(runner, study, "coders", "phase", "codebook")
    assert said.exit_code == 0
    with Project.open(study) as lead:
        (event,) = [e for e in lead.log() if e.action == "phase"]
    assert event.after == {"phase": "codebook", "shared": ["Fees [Ben]", "Trust [Ana]"]}
    assert concepts(study) == [("Trust", None, ["Ana"]), ("Fees", None, [])]
    said = run(runner, study, "tag", "t:4", "-c", "Trust", coder="Ben")
    assert said.output.splitlines()[0] == "Tagged 1 segment(s) with 'Trust'."
    run(runner, study, "tag", "t:4", "-c", "Costs", "--new", coder="Cat")
    assert concepts(study)[-1] == ("Costs", None, ["Cat"])  # a new name is everyone's


def test_agreement_compares_the_shared_concepts(study: str, runner: CliRunner) -> None:
    for coder in ("Ana", "Ben"):
        run(runner, study, "review", "t:2", "t:4", coder=coder)
    run(runner, study, "tag", "t:2", "-c", "Trust", "--new", coder="Ben")
    refused = run(runner, study, "agreement")
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: No shared concept is coded in scope: the 2 coding(s) by Ana, Ben are on "
        "concepts still private to their coder (open coding), and agreement is over the "
        "shared concepts. Share them first: assign them to themes, merge same-name ones "
        "(gioia concept merge), or move to codebook coding (gioia coders phase codebook).\n",
    )
    run(runner, study, "concept", "add", "Fees")  # the lead's: shared
    run(runner, study, "tag", "t:4", "-c", "Fees", coder="Ana")
    run(runner, study, "tag", "t:4", "-c", "Fees", coder="Ben")
    report = run(runner, study, "agreement").output
    assert (
        "Left out: 2 coding(s) by Ana, Ben on 2 concept(s) still private to their coder "
        "(open coding); agreement is over the shared concepts: share them by assigning them "
        "to themes or merging them into shared ones (gioia concept merge) first."
    ) in report
    assert "Trust" not in report.split("Agreement per concept")[1].split("Left out")[0]
    run(runner, study, "concept", "merge", "Trust [Ben]", "--into", "Trust [Ana]")
    with Project.open(study) as lead:
        merged = lead.agreement()
    assert [(c.code, c.coefficients["percent"].value) for c in merged.codes] == [
        ("Fees", 1.0),
        ("Trust", 1.0),
    ]
    assert merged.private is None


def test_reconcile_leaves_private_concepts_out_and_shares_one_it_is_told_to_use(
    study: str, runner: CliRunner
) -> None:
    run(runner, study, "concept", "add", "Fees")
    for coder in ("Ana", "Ben"):
        run(runner, study, "tag", "t:4", "-c", "Fees", coder=coder)
    run(runner, study, "tag", "t:4", "-c", "High fees", "--new", coder="Ben")
    run(runner, study, "review", "t:2", coder="Ben")
    out = run(runner, study, "reconcile", "--into", "Consensus", "--auto", "union").output
    assert out.splitlines()[:2] == [
        "Consensus: 1 agreed coding(s) copied, 0 disagreement(s) settled (union).",
        "Left out: 2 coding(s) by Ana, Ben on 2 concept(s) still private to their coder "
        "(open coding); the consensus is over the shared concepts: share them by assigning "
        "them to themes or merging them into shared ones (gioia concept merge) first.",
    ]
    with Project.open(study) as lead:
        lead.resolve("Consensus", "t:2", "other", concepts=["Trust"], coders=["Ana", "Ben"])
    assert concepts(study)[0] == ("Trust", None, ["Ana", "Consensus"])


def test_a_split_of_a_private_concept_stays_its_coder_s(study: str, runner: CliRunner) -> None:
    run(runner, study, "tag", "t:4", "-c", "Trust", coder="Ana")
    said = run(runner, study, "concept", "split", "Trust [Ana]", "Fees", "t:4")
    assert said.exit_code == 0, said.output
    assert concepts(study) == [("Trust", "Ana", ["Ana"]), ("Fees", "Ana", ["Ana"])]


def test_names_are_unique_per_scope_in_the_store(study: str) -> None:
    with Project.open(study) as lead, pytest.raises(WriteConflict), lead._write() as tx:
        ana = tx.session.scalar(select(Coder.id).where(Coder.name == "Ana"))
        tx.session.add(Concept(name="Trust", name_key="trust", scope=ana, position=0))
        tx.session.flush()


def test_a_coder_may_not_reach_another_s_private_concept(study: str) -> None:
    with Project.open(study, coder="Ben") as ben:
        with pytest.raises(NotFound, match=r"^No concept 'Trust \[Ana\]'\.$"):
            ben.concept_info("Trust [Ana]")
        with pytest.raises(NotFound, match=r"^No concept 'Trust'\."):
            ben.tag(["t:2"], "Trust")
        assert ben.concept_exists("Trust") is False
    with Project.open(study) as lead, lead._read() as tx:
        created = tx.session.scalars(
            select(Event.after).where(Event.action == "create", Event.subject == "concept")
        ).all()
    assert created == [{"name": "Trust", "private_to": "Ana"}]


def test_the_report_says_per_level_why_there_is_no_agreement(study: str, runner: CliRunner) -> None:
    """The report reads the codings once for its three levels and still refuses each level
    on its own: the shared concept outside the tree is compared at the concept level,
    and the themes and dimensions hold no shared concept."""
    for coder in ("Ana", "Ben"):
        run(runner, study, "review", "t:2", "t:4", coder=coder)
    run(runner, study, "tag", "t:2", "-c", "Trust", "--new", coder="Ben")
    run(runner, study, "concept", "add", "Fees")  # the lead's: shared, in no theme
    run(runner, study, "tag", "t:4", "-c", "Fees", coder="Ana")
    run(runner, study, "tag", "t:4", "-c", "Fees", coder="Ben")
    with Project.open(study) as lead:
        levels = lead.report_data().agreement
        concept = lead.agreement()
    assert [a.level for a in levels] == ["concept", "theme", "dimension"]
    assert levels[0].report == concept
    assert [c.code for c in concept.codes] == ["Fees"]
    refused = (
        "No shared concept is coded in scope: the 2 coding(s) by Ana, Ben are on concepts "
        "still private to their coder (open coding), and agreement is over the shared "
        "concepts. Share them first: assign them to themes, merge same-name ones (gioia "
        "concept merge), or move to codebook coding (gioia coders phase codebook)."
    )
    assert [(a.report, a.reason) for a in levels[1:]] == [(None, refused), (None, refused)]
