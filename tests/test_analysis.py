"""Co-occurrence, case × code matrices and saturation on a constructed study (counts
worked out by hand from tests/conftest.py's SMALL_CODINGS)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gioia import Project
from gioia.analysis.cooccurrence import CodePair
from gioia.errors import InvalidInput, NotFound

from .conftest import as_lead, modules_loaded

CONCEPTS = ("Fees", "Sample costs", "Export start", "Trust", "Buyer contact")
THEMES = ("Costs", "Growth", "Relations")


def test_concept_pairs_within_segments(small_study: Project) -> None:
    # Maria's segments: t1:2 {Export start, Buyer contact}, t1:4 {Fees},
    # t2:2 {Trust, Buyer contact}, t2:4 {Sample costs}, t3:2 {Export start, Trust};
    # 5 informant segments could hold a code.
    result = small_study.cooccurrence(level="concept", evidence="Maria")
    assert result.codes == CONCEPTS
    assert result.units == 5
    assert result.frequencies == (1, 1, 2, 2, 2)
    assert result.pairs == (
        CodePair("Export start", "Trust", 1, 1 / 3, 2 * 2 / 5),
        CodePair("Export start", "Buyer contact", 1, 1 / 3, 2 * 2 / 5),
        CodePair("Trust", "Buyer contact", 1, 1 / 3, 2 * 2 / 5),
    )


def test_theme_pairs_and_min_count(small_study: Project) -> None:
    result = small_study.cooccurrence(level="theme", evidence="Maria")
    assert result.codes == THEMES
    assert result.frequencies == (2, 2, 3)
    # Growth and Relations meet on t1:2 and t3:2: Jaccard 2 / (2 + 3 - 2).
    assert result.pairs == (CodePair("Growth", "Relations", 2, 2 / 3, 2 * 3 / 5),)
    assert small_study.cooccurrence(level="theme", evidence="Maria", min_count=3).pairs == ()
    dimensions = small_study.cooccurrence(level="dimension", evidence="Maria")
    assert dimensions.codes == ("Economics", "Social")
    assert dimensions.pairs == (CodePair("Economics", "Social", 2, 2 / 5, 4 * 3 / 5),)


def test_pairs_within_transcripts(small_study: Project) -> None:
    # t1 {Fees, Export start, Buyer contact}, t2 {Sample costs, Trust, Buyer contact},
    # t3 {Export start, Trust}: 3 transcripts.
    result = small_study.cooccurrence(level="concept", within="transcript", evidence="Maria")
    assert result.units == 3
    assert result.frequencies == (1, 1, 2, 2, 2)
    assert {(p.a, p.b): p.count for p in result.pairs} == {
        ("Fees", "Export start"): 1,
        ("Fees", "Buyer contact"): 1,
        ("Sample costs", "Trust"): 1,
        ("Sample costs", "Buyer contact"): 1,
        ("Export start", "Trust"): 1,
        ("Export start", "Buyer contact"): 1,
        ("Trust", "Buyer contact"): 1,
    }
    pair = next(p for p in result.pairs if (p.a, p.b) == ("Fees", "Export start"))
    assert (pair.jaccard, pair.expected) == (1 / 2, 1 * 2 / 3)


def test_everyone_then_the_consensus_coder_count_by_default(
    small_study: Project, store: str
) -> None:
    # Blind, Maria counts her own codings; the project lead (no coder) sees everyone's.
    assert small_study.cooccurrence(level="concept").coder == "Maria"
    with Project.open(store) as lead:
        # Everyone's: Tom adds Trust on t1:4, so Fees and Trust meet there.
        everyone = lead.cooccurrence(level="concept")
        assert everyone.coder is None
        assert ("Fees", "Trust", 1) in {(p.a, p.b, p.count) for p in everyone.pairs}
        lead.reconcile_auto(
            "Consensus", "intersection", coders=["Maria", "Tom"], copy_one_reader=True
        )
        consensus = lead.cooccurrence(level="concept")
    assert consensus.coder == "Consensus"
    # Both read t1:2 and t1:4 and agree on Export start and Fees only; the segments only
    # Maria read keep her codings (copied as they are: --copy-one-reader).
    assert consensus.frequencies == (1, 1, 2, 2, 1)
    assert [(p.a, p.b, p.count) for p in consensus.pairs] == [
        ("Export start", "Trust", 1),
        ("Trust", "Buyer contact", 1),
    ]


def test_network_for_gephi(small_study: Project) -> None:
    from gioia.analysis.cooccurrence import network

    graph = network(small_study.cooccurrence(level="theme", evidence="Maria"))
    assert sorted(graph.nodes(data=True)) == [
        ("Costs", {"label": "Costs", "frequency": 2, "size": 2, "parent": "Economics"}),
        ("Growth", {"label": "Growth", "frequency": 2, "size": 2, "parent": "Economics"}),
        ("Relations", {"label": "Relations", "frequency": 3, "size": 3, "parent": "Social"}),
    ]
    assert list(graph.edges(data=True)) == [
        ("Growth", "Relations", {"weight": 2, "jaccard": 0.666667, "expected": 1.2})
    ]


def test_case_by_theme_matrix(small_study: Project) -> None:
    m = small_study.matrix(rows="case", level="theme", value="segments", evidence="Maria")
    assert (m.rows, m.codes) == (("Case A", "Case B"), THEMES)
    assert m.values == ((2.0, 1.0, 2.0), (0.0, 1.0, 1.0))
    assert m.row_segments == (4, 1)
    assert m.refs == (
        (("t1:4", "t2:4"), ("t1:2",), ("t1:2", "t2:2")),
        ((), ("t3:2",), ("t3:2",)),
    )
    share = small_study.matrix(rows="case", level="theme", value="share", evidence="Maria")
    assert share.values == ((0.5, 0.25, 0.5), (0.0, 1.0, 1.0))
    presence = small_study.matrix(rows="case", level="theme", value="presence", evidence="Maria")
    assert presence.values == ((1.0, 1.0, 1.0), (0.0, 1.0, 1.0))


def test_count_counts_codings_and_segments_counts_segments(small_study: Project) -> None:
    # Everyone's codings (shown to Maria): Maria and Tom both coded Fees on t1:4.
    count = small_study.matrix(rows="transcript", level="concept", value="count", show_others=True)
    segments = small_study.matrix(
        rows="transcript", level="concept", value="segments", show_others=True
    )
    assert count.rows == ("t1", "t2", "t3")
    assert count.values[0] == (2.0, 0.0, 2.0, 1.0, 1.0)
    assert segments.values[0] == (1.0, 0.0, 1.0, 1.0, 1.0)
    assert count.refs[0][0] == ("t1:4",)


def test_rows_by_informant_and_wave(small_study: Project) -> None:
    informants = small_study.matrix(rows="informant", level="dimension", evidence="Maria")
    assert informants.rows == ("Ann", "Bob", "Cara")
    assert informants.values == ((2.0, 1.0), (1.0, 1.0), (1.0, 1.0))
    assert informants.row_segments == (2, 2, 1)
    waves = small_study.matrix(rows="wave", level="dimension", evidence="Maria")
    assert waves.rows == ("1", "2")
    assert waves.values == ((3.0, 2.0), (1.0, 1.0))


def test_matrix_refuses_unknown_rows_and_values(small_study: Project) -> None:
    with pytest.raises(InvalidInput, match="choose case, informant, transcript, wave"):
        small_study.matrix(rows="firm")
    with pytest.raises(InvalidInput, match="choose count, segments, presence, share"):
        small_study.matrix(value="mean")
    with pytest.raises(InvalidInput, match="Nobody's codings are hidden from Maria"):
        small_study.matrix(evidence="Nobody")  # blind, whether or not Nobody exists
    with pytest.raises(NotFound, match="No coder 'Nobody'"):
        small_study.matrix(evidence="Nobody", show_others=True)


def test_saturation_by_date(small_study: Project) -> None:
    result = small_study.saturation(level="concept", order="date", evidence="Maria")
    assert [(s.number, s.transcript, s.new, s.cumulative) for s in result.steps] == [
        (1, "t1", ("Fees", "Export start", "Buyer contact"), 3),
        (2, "t2", ("Sample costs", "Trust"), 5),
        (3, "t3", (), 5),
    ]
    assert result.steps[0].date == dt.date(2022, 1, 10)
    assert result.total == 5
    assert result.last_new is not None and result.last_new.transcript == "t2"
    assert result.after_last == 1


def test_saturation_in_manifest_order_and_by_theme(small_study: Project) -> None:
    manifest = small_study.saturation(level="concept", order="manifest", evidence="Maria")
    assert [(s.transcript, len(s.new)) for s in manifest.steps] == [("t3", 2), ("t1", 2), ("t2", 1)]
    assert manifest.last_new is not None and manifest.last_new.number == 3
    assert manifest.after_last == 0
    themes = small_study.saturation(level="theme", order="name", evidence="Maria")
    assert [s.new for s in themes.steps] == [("Costs", "Growth", "Relations"), (), ()]
    assert themes.last_new is not None and themes.last_new.number == 1
    with pytest.raises(InvalidInput, match="choose date, name, manifest"):
        small_study.saturation(order="length")


def test_an_empty_study(project: Project) -> None:
    assert project.cooccurrence().pairs == ()
    assert project.matrix().rows == ()
    empty = project.saturation()
    assert (empty.steps, empty.total, empty.last_new) == ((), 0, None)


def test_a_coder_s_concept_on_a_segment_counts_once(small_study: Project) -> None:
    # A second span (a quote) of Maria's Export start on t1:2 adds no coding to count.
    small_study.tag(["t1:2"], "Export start", quote="wine to Japan")
    count = small_study.matrix(rows="transcript", level="concept", value="count", show_others=True)
    assert count.values[0] == (2.0, 0.0, 2.0, 1.0, 1.0)
    assert small_study.cooccurrence(level="concept", evidence="Maria").frequencies == (
        1,
        1,
        2,
        2,
        2,
    )


SHARED_THEMES = ("Costs", "Growth", "Reputation", "Relations")


def test_shared_concepts_count_once_for_each_theme(shared_study: Project) -> None:
    # Everyone's codings, by (coder, concept, segment) and the themes they reach:
    # Maria t1:2 Export start (Growth), Buyer contact (Relations); t1:4 Fees (Costs,
    # Growth); t2:2 Trust (Relations, Reputation), Buyer contact (Relations); t2:4 Sample
    # costs (Costs); t3:2 Export start (Growth), Trust (Relations, Reputation);
    # Tom t1:2 Export start (Growth); t1:4 Fees (Costs, Growth), Trust (Relations,
    # Reputation). Cases: t1 and t2 are Case A, t3 Case B.
    count = shared_study.matrix(rows="case", level="theme", value="count", show_others=True)
    assert count.codes == SHARED_THEMES
    assert count.values == ((3.0, 4.0, 2.0, 4.0), (0.0, 1.0, 1.0, 1.0))
    segments = shared_study.matrix(rows="case", level="theme", value="segments", show_others=True)
    assert segments.values == ((2.0, 2.0, 2.0, 3.0), (0.0, 1.0, 1.0, 1.0))
    assert segments.refs[0][2] == ("t1:4", "t2:2")


def test_shared_concepts_count_once_for_a_dimension(shared_study: Project) -> None:
    # Fees reaches Economics through Costs and Growth: once. Case A, Economics: Maria's
    # Export start, Fees, Trust, Sample costs and Tom's Export start, Fees, Trust (7);
    # Social: Maria's Buyer contact twice and Trust, Tom's Trust (4).
    count = shared_study.matrix(rows="case", level="dimension", value="count", show_others=True)
    assert count.codes == ("Economics", "Social")
    assert count.values == ((7.0, 4.0), (2.0, 1.0))


def test_shared_concepts_in_cooccurrence_and_saturation(shared_study: Project) -> None:
    # Themes per segment: t1:2 {Growth, Relations}; t1:4 {Costs, Growth, Reputation,
    # Relations}; t2:2 {Reputation, Relations}; t2:4 {Costs}; t3:2 {Growth, Reputation,
    # Relations}; 5 informant segments.
    result = shared_study.cooccurrence(level="theme", show_others=True)
    assert result.frequencies == (2, 3, 3, 4)
    assert result.pairs == (
        CodePair("Growth", "Relations", 3, 3 / 4, 3 * 4 / 5),
        CodePair("Reputation", "Relations", 3, 3 / 4, 3 * 4 / 5),
        CodePair("Growth", "Reputation", 2, 2 / 4, 3 * 3 / 5),
        CodePair("Costs", "Growth", 1, 1 / 4, 2 * 3 / 5),
        CodePair("Costs", "Reputation", 1, 1 / 4, 2 * 3 / 5),
        CodePair("Costs", "Relations", 1, 1 / 5, 2 * 4 / 5),
    )
    # Maria reaches Reputation first in t2 (Trust), through its second theme only.
    themes = shared_study.saturation(level="theme", order="date", evidence="Maria")
    assert [s.new for s in themes.steps] == [("Costs", "Growth", "Relations"), ("Reputation",), ()]


def test_the_report_matrix_follows_shared_concepts(shared_study: Project) -> None:
    data = shared_study.report_data(show_others=True)
    assert (data.matrix.level, data.matrix.codes) == ("theme", SHARED_THEMES)
    assert data.matrix.values == ((2.0, 2.0, 2.0, 3.0), (0.0, 1.0, 1.0, 1.0))
    from gioia.report.html import render

    page = render(data)
    note = (
        " 2 concept(s) are under more than one theme: a coding counts under each theme its "
        "concept reaches, once.</p>"
    )
    assert page.count(note) == 2  # the matrix and co-occurrence say so


def test_the_network_is_drawn_by_the_figure_s_graphviz_runner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import shutil

    from PIL import Image

    from gioia.analysis.cooccurrence import Cooccurrence, draw_network
    from gioia.errors import GioiaError

    result = Cooccurrence(
        "theme",
        "segment",
        None,
        10,
        ("A", "B"),
        ("X", "Y"),
        (4, 2),
        (CodePair("A", "B", 2, 0.5, 0.8),),
    )
    with Image.open(io.BytesIO(draw_network(result, "png"))) as image:
        assert tuple(round(d) for d in image.info["dpi"]) == (300, 300)
    assert draw_network(result, "svg").count(b'class="node"') == 2
    monkeypatch.setenv("GIOIA_DOT", "false")  # prints nothing and fails
    with pytest.raises(GioiaError) as error:
        draw_network(result, "svg")
    assert error.value.message == (
        f"{shutil.which('false')} could not draw the network; its messages follow."
    )


def test_a_coded_interviewer_turn_and_a_transcript_without_informant(
    small_study: Project, tmp_path: Path
) -> None:
    # Maria also codes the interviewer's turn t1:1 and t4:2, of a transcript imported
    # without a manifest (no case, no informant).
    path = tmp_path / "t4.txt"
    path.write_text("Interviewer: More?\n\nDan: Fees again.\n", encoding="utf-8")
    as_lead(small_study).import_file(path)
    small_study.tag(["t1:1", "t4:2"], "Fees")
    result = small_study.cooccurrence(level="concept", evidence="Maria")
    assert result.units == 7  # 6 informant turns and the one interviewer turn coded
    assert result.frequencies == (3, 1, 2, 2, 2)
    informants = small_study.matrix(rows="informant", level="concept", evidence="Maria")
    assert informants.rows == ("Ann", "Bob", "Cara", "(no informant)")
    assert informants.row_segments == (2, 2, 1, 1)  # interviewer turns left out
    assert informants.values[0] == (2.0, 0.0, 1.0, 0.0, 1.0)
    assert informants.refs[0][0] == ("t1:1", "t1:4")
    assert informants.values[3] == (1.0, 0.0, 0.0, 0.0, 0.0)


def test_the_analysis_commands_load_neither_the_orm_nor_the_views(
    small_study: Project, store: str
) -> None:
    # Start-up is most of these commands' time: they read with Core statements only.
    printed, loaded = modules_loaded(
        store, ["saturation"], ["cooccurrence"], ["matrix"], ["search", "fees"]
    )
    assert "New concepts per interview" in printed
    assert loaded == []


def test_an_id_the_evidence_does_not_hold_is_an_error_not_a_neighbours_number() -> None:
    """The evidence maps ids (transcripts, informants, codes) to their places by a binary
    search: an id that is not there must not take the place beside it."""
    import numpy as np

    from gioia.ops.evidence import _renumber

    places = {30: 0, 10: 1, 20: 2}
    assert _renumber(np.array([20, 30, 10, 30]), places).tolist() == [2, 0, 1, 0]
    for stray in (15, 5, 35):
        with pytest.raises(ValueError, match="has no place"):
            _renumber(np.array([10, stray]), places)
    with pytest.raises(ValueError, match="has no place"):
        _renumber(np.array([10]), {})
