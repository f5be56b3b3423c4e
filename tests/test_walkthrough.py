"""Issue 9's walk-through, as a new user types it: two coders in open coding, memos,
reconciliation with undo, and `gioia log` showing each step with its before and after."""

from __future__ import annotations

import json

from click.testing import CliRunner

from .conftest import SAMPLE, run

T = "case_a_ceo_w1"
HOME = "The home market is not enough any more"
FOUND = "We joined to be found by buyers we could never reach ourselves"
CHAINS = "Supermarket chains squeeze the price"
THEME = "Internationalisation drive"


def test_two_coders_from_open_coding_to_a_consensus(store: str, runner: CliRunner) -> None:
    def gioia(*args: str, coder: str | None = None, text: str | None = None) -> str:
        result = run(runner, store, *args, coder=coder, input=text)
        assert result.exit_code == 0, result.output
        return result.output

    gioia("import", "--manifest", str(SAMPLE / "manifest.csv"))
    gioia("structure", "import", str(SAMPLE / "structure.csv"))
    assert gioia("coders").startswith("Phase: blind open coding")
    session = [f'q "we cannot depend on them alone any more" {HOME}', "m The chains push.", "x"]
    gioia("code", "--from", f"{T}:4", coder="Ana", text="\n".join(session) + "\n")
    gioia("tag", f"{T}:6", "-c", FOUND, "-q", "the buyer finds us", coder="Ana")
    gioia("tag", f"{T}:4", f"{T}:6", "-c", CHAINS, "--new", coder="Ben")
    gioia("memo", CHAINS, "--text", "Ben's own label.", coder="Ben")
    assert CHAINS not in gioia("show", T, coder="Ana")  # blind: Ben's name is his
    assert "The chains push." not in gioia("memo", "list", coder="Ben")
    gioia("memo", "share", "1", coder="Ana")
    assert "The chains push." in gioia("memo", "list", coder="Ben")
    # Agreement and the consensus are over the shared concepts: the lead adopts Ben's.
    gioia("assign", CHAINS, "--theme", THEME)
    assert CHAINS in gioia("structure", coder="Ana")  # shared: every coder sees it
    decisions = ["b # Ben saw the chains", "u", "a", "= " + FOUND, ""]
    said = gioia(
        "reconcile", "--into", "Consensus", "--coders", "Ana,Ben", text="\n".join(decisions) + "\n"
    )
    assert said.splitlines()[-1] == "All disagreements of Ana and Ben are decided in Consensus."

    log = json.loads(gioia("log", "--json"))
    steps = [
        (e["coder"], e["action"], e["subject"], e["before"], e["after"])
        for e in log
        if e["coder"] in ("Ana", "Ben", "Consensus")
    ]
    ana = {
        e["after"]["segment"]: e["after"]
        for e in log
        if (e["action"], e["coder"]) == ("tag", "Ana")
    }
    assert [s[:3] for s in steps] == [
        ("Ana", "create", "coder"),
        ("Ana", "tag", "coding"),
        ("Ana", "review", "segment"),
        ("Ana", "memo", "memo"),
        ("Ana", "tag", "coding"),
        ("Ana", "review", "segment"),
        ("Ben", "create", "coder"),
        ("Ben", "create", "concept"),
        ("Ben", "tag", "coding"),
        ("Ben", "tag", "coding"),
        ("Ben", "review", "segment"),
        ("Ben", "memo", "memo"),
        ("Ana", "share", "memo"),
        ("Consensus", "reconcile", "segment"),
        ("Consensus", "undo", "segment"),
        ("Consensus", "reconcile", "segment"),
        ("Consensus", "reconcile", "segment"),
    ]
    assert steps[3][4] == {
        "kind": "segment",
        "target": f"{T}:4",
        "text": "The chains push.",
        "shared": False,
    }
    assert steps[12][3:] == (
        {"target": f"{T}:4", "shared": False},
        {"target": f"{T}:4", "shared": True},
    )
    first, undone, again, other = steps[13:]
    both = {"Ana": [HOME], "Ben": [CHAINS]}
    assert first[3] == {"segment": f"{T}:4", "coders": both, "consensus": []}
    assert (first[4]["choice"], first[4]["concepts"], first[4]["note"]) == (
        "b",
        [CHAINS],
        "Ben saw the chains",
    )
    assert (undone[3], undone[4]) == (first[4], first[3])  # the undo reverses it exactly
    assert (again[4]["choice"], again[4]["concepts"]) == ("a", [HOME])
    ana_quote = ana[f"{T}:4"]
    assert [(c["start"], c["end"]) for c in again[4]["added"]] == [
        (ana_quote["start"], ana_quote["end"])
    ]
    assert other[3] == {
        "segment": f"{T}:6",
        "coders": {"Ana": [FOUND], "Ben": [CHAINS]},
        "consensus": [],
    }
    found = ana[f"{T}:6"]
    assert [(c["concept"], c["end"] - c["start"]) for c in other[4]["added"]] == [
        (FOUND, len("the buyer finds us"))  # Ana's quote kept, not the whole answer
    ]
    assert (found["end"] - found["start"]) == len("the buyer finds us")
