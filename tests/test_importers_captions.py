"""Captions: Zoom and Teams WebVTT, SubRip, and the broken files they come as."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gioia.errors import ImportFailed
from gioia.importers import ParsedTranscript, Turn, read_transcript


def read(tmp_path: Path, name: str, content: str | bytes) -> ParsedTranscript:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read_transcript(path)


ZOOM = """WEBVTT

1
00:00:03.120 --> 00:00:06.450
Anna Rossi: We looked at three

2
00:00:06.450 --> 00:00:08.000
Anna Rossi: platforms, then one.

3
00:00:08.500 --> 00:00:09.000
Interviewer: Why?

4
00:00:09.100 --> 00:00:12.000
Anna Rossi: Price &amp; <i>support</i>.

5
00:00:12.000 --> 00:00:13.250
And the <b>people</b>.
"""


def test_zoom_vtt(tmp_path: Path) -> None:
    parsed = read(tmp_path, "zoom.vtt", ZOOM)
    assert parsed.format == "vtt"
    assert parsed.warnings == []
    assert parsed.turns == [
        Turn("Anna Rossi", "We looked at three platforms, then one.", 3.12, 8.0),
        Turn("Interviewer", "Why?", 8.5, 9.0),
        Turn("Anna Rossi", "Price & support. And the people.", 9.1, 13.25),
    ]


TEAMS = """WEBVTT

7b2c9e1f-4d2a-4c1e-9a77-3f1d2c4b5a6e/12-0
00:00:03.120 --> 00:00:06.450
<v Anna Rossi>We looked</v>

7b2c9e1f-4d2a-4c1e-9a77-3f1d2c4b5a6e/12-1
00:00:06.450 --> 00:00:08.000
<v Anna Rossi>at <c.yellow>three</c> &lt;cheap&gt; ones.

7b2c9e1f-4d2a-4c1e-9a77-3f1d2c4b5a6e/13-0
00:00:08.000 --> 00:00:09.500
<v.loud Jo&#227;o Silva>Why
those?</v>

7b2c9e1f-4d2a-4c1e-9a77-3f1d2c4b5a6e/14-0
00:00:10.000 --> 00:00:11.000
<v Anna Rossi>Price.</v> <v Jo\u00e3o Silva>Ok.</v>
"""


def test_teams_vtt(tmp_path: Path) -> None:
    parsed = read(tmp_path, "teams.vtt", TEAMS)
    assert parsed.warnings == []
    assert parsed.turns == [
        Turn("Anna Rossi", "We looked at three <cheap> ones.", 3.12, 8.0),
        Turn("Jo\u00e3o Silva", "Why those?", 8.0, 9.5),
        Turn("Anna Rossi", "Price.", 10.0, 11.0),
        Turn("Jo\u00e3o Silva", "Ok.", 10.0, 11.0),
    ]


SRT = """1
00:00:03,120 --> 00:00:06,450
Interviewer: How did you
choose the platform?

2
00:00:06,900 --> 00:00:09,000
Anna Rossi: We looked at three.

3
00:00:09,000 --> 00:00:10,500
Cheap ones.

4
00:00:11,000 --> 00:00:12,000
Interviewer: Ok.
"""


def test_srt_with_names(tmp_path: Path) -> None:
    parsed = read(tmp_path, "talk.srt", SRT)
    assert parsed.format == "srt"
    assert parsed.warnings == []
    assert parsed.turns == [
        Turn("Interviewer", "How did you choose the platform?", 3.12, 6.45),
        Turn("Anna Rossi", "We looked at three. Cheap ones.", 6.9, 10.5),
        Turn("Interviewer", "Ok.", 11.0, 12.0),
    ]


def test_srt_without_names(tmp_path: Path) -> None:
    content = (
        "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\n<i>Note: it was 10:30.</i>\n"
    )
    parsed = read(tmp_path, "talk.srt", content)
    assert parsed.turns == [Turn(None, "Hello there. Note: it was 10:30.", 1.0, 4.0)]


def test_missing_blank_lines_between_cues(tmp_path: Path) -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nAnna: Hi.\n"
        "2\n00:00:02,000 --> 00:00:03,000\nBob: Hello.\n"
        "3\n00:00:03,000 --> 00:00:04,000\nAnna: Bye.\n"
    )
    vtt = (
        "WEBVTT\n00:00:01.000 --> 00:00:02.000\nAnna: Hi.\n"
        "00:00:02.000 --> 00:00:03.000\nBob: Hello.\n"
        "00:00:03.000 --> 00:00:04.000\nAnna: Bye.\n"
    )
    expected = [
        Turn("Anna", "Hi.", 1.0, 2.0),
        Turn("Bob", "Hello.", 2.0, 3.0),
        Turn("Anna", "Bye.", 3.0, 4.0),
    ]
    assert read(tmp_path, "a.srt", srt).turns == expected
    parsed = read(tmp_path, "a.vtt", vtt)
    assert (parsed.turns, parsed.warnings) == (expected, [])


def test_bom_and_crlf(tmp_path: Path) -> None:
    content = ("\ufeff" + ZOOM.replace("\n", "\r\n")).encode()
    parsed = read(tmp_path, "zoom.vtt", content)
    assert parsed.warnings == []
    assert parsed.turns == read(tmp_path, "plain.vtt", ZOOM).turns


def test_cue_ending_before_it_starts_is_kept_with_a_warning(tmp_path: Path) -> None:
    content = SRT.replace("00:00:06,900 --> 00:00:09,000", "00:00:09,900 --> 00:00:09,000")
    parsed = read(tmp_path, "talk.srt", content)
    assert parsed.turns[1] == Turn("Anna Rossi", "We looked at three. Cheap ones.", 9.9, 10.5)
    assert parsed.warnings == [
        "line 7: cue 2 ends before it starts ('00:00:09,900 --> 00:00:09,000'); kept as it is."
    ]


@pytest.mark.parametrize(
    ("tail", "warning"),
    [
        (
            "\n5\n00:00:13.000 --> 00:00:1",
            "line 24: the last cue is cut off ('00:00:13.000 --> 00:00:1'); it was not imported.",
        ),
        (
            "\n5\n00:00:13.0",
            "line 23: the last cue is cut off ('5 00:00:13.0'); it was not imported.",
        ),
        ("\n5\n", "line 23: the last cue is cut off ('5'); it was not imported."),
        (
            "\n5\n00:00:13.000 --> 00:00:14.000\n",
            "line 24: the last cue has no text; the file may be cut off.",
        ),
    ],
)
def test_truncated_last_cue(tmp_path: Path, tail: str, warning: str) -> None:
    parsed = read(tmp_path, "zoom.vtt", ZOOM + tail)
    assert parsed.turns == read(tmp_path, "whole.vtt", ZOOM).turns
    assert parsed.warnings == [warning]


def test_broken_timing_line_names_file_and_line(tmp_path: Path) -> None:
    content = ZOOM.replace("00:00:08.500 --> 00:00:09.000", "00:00:0x.000 --> 00:00:05.000")
    with pytest.raises(ImportFailed) as error:
        read(tmp_path, "talk.vtt", content)
    assert str(error.value) == (
        "talk.vtt line 12: '00:00:0x.000 --> 00:00:05.000' is not a valid cue timing."
    )


def test_out_of_range_timing_is_broken(tmp_path: Path) -> None:
    content = SRT.replace("00:00:09,000 --> 00:00:10,500", "00:00:75,000 --> 00:00:10,500")
    with pytest.raises(ImportFailed) as error:
        read(tmp_path, "talk.srt", content)
    assert str(error.value) == (
        "talk.srt line 11: '00:00:75,000 --> 00:00:10,500' is not a valid cue timing."
    )


def test_header_notes_styles_and_settings(tmp_path: Path) -> None:
    content = (
        "WEBVTT - Interview 3\nKind: captions\nLanguage: en\n\n"
        "NOTE exported by a tool\nsecond note line\n\n"
        "STYLE\n::cue { color: red }\n\n"
        "00:01.000 --> 00:02.000 align:start position:10%\nAnna: Hi.\n\n"
        "NOTE in the middle\n\n"
        "00:03.000 --> 00:04.000\nBob: Hello.\n\n"
        "00:04.000 --> 00:05.000\nAnna: Bye.\n"
    )
    parsed = read(tmp_path, "a.vtt", content)
    assert parsed.warnings == []
    assert parsed.turns == [
        Turn("Anna", "Hi.", 1.0, 2.0),
        Turn("Bob", "Hello.", 3.0, 4.0),
        Turn("Anna", "Bye.", 4.0, 5.0),
    ]


def test_text_before_the_first_cue_is_named(tmp_path: Path) -> None:
    parsed = read(tmp_path, "a.srt", "Interview 3\nexported\n\n" + SRT)
    assert len(parsed.turns) == 3
    assert parsed.warnings == ["lines 1-2 before the first cue are not captions; left out."]


def test_vtt_without_header(tmp_path: Path) -> None:
    parsed = read(tmp_path, "a.vtt", SRT)
    assert len(parsed.turns) == 3
    assert parsed.warnings == ["no 'WEBVTT' line at the top; read as WebVTT captions anyway."]


def test_file_without_cues(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as error:
        read(tmp_path, "a.vtt", "WEBVTT\n\nJust some text.\n")
    assert str(error.value) == "a.vtt has no caption cues (no 'start --> end' timing line)."


def test_cues_without_text(tmp_path: Path) -> None:
    content = "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:02,000 --> 00:00:03,000\n"
    with pytest.raises(ImportFailed) as error:
        read(tmp_path, "a.srt", content)
    assert str(error.value) == "a.srt has no caption text."


_CAPTION_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "",
                "WEBVTT",
                "NOTE x",
                "7",
                "00:00:01.000 --> 00:00:02.000",
                "00:00:03,000 --> 00:00:01,000",
                "00:00:0",
                "Anna: hi &amp; <i>bye</i>",
                "<v Bob>yes",
                "</v>",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=20,
)


@given(_CAPTION_LINES, st.sampled_from([".vtt", ".srt"]))
def test_any_captions_file_is_read_or_refused(lines: list[str], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"x{suffix}"
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            parsed = read_transcript(path)
        except ImportFailed as error:
            assert str(error).startswith("x" + suffix)
            return
    assert parsed.turns
    for turn in parsed.turns:
        assert turn.text and turn.text == " ".join(turn.text.split())
        assert turn.start is not None and turn.end is not None
