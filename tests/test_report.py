"""The study report's content: every section, text escaped, a strict policy and nothing
external, quotes linked to their context, and the drafted methods paragraph."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from gioia import Project
from gioia.report.html import SECTIONS

from .conftest import as_lead


class Page(HTMLParser):
    """The ids, links, tags and text of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value))
            if name == "id" and value:
                self.ids.append(value)
            if name == "href" and value:
                self.links.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_every_section_linked_and_self_contained(small_study: Project, tmp_path: Path) -> None:
    data, written = small_study.write_report(tmp_path / "study.html")
    assert (written.path, written.replaced) == (tmp_path / "study.html", False)
    assert written.count == (tmp_path / "study.html").stat().st_size
    html = (tmp_path / "study.html").read_text(encoding="utf-8")
    page = Page(html)
    sections = [key for key, _ in SECTIONS]
    assert [i for i in page.ids if i in sections] == sections
    assert len(page.ids) == len(set(page.ids))
    assert all(link.startswith("#") and link[1:] in page.ids for link in page.links)
    assert {"script", "img", "iframe", "object", "embed", "link", "form"} & page.tags == set()
    assert not [a for a in page.attributes if a[1].startswith("on") or a[1] in ("src", "style")]
    assert "url(" not in html and "@import" not in html
    # Only namespace names look like addresses, and nothing may load.
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    assert re.fullmatch(
        r"default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:; "
        r"base-uri 'none'; form-action 'none'",
        policy.group(1),
    )
    assert html.count("<svg") == 3  # the figure, the network and the saturation plot
    assert len(data.quotes) == 5


def test_the_policy_hash_is_the_style_s(small_study: Project, tmp_path: Path) -> None:
    import base64
    import hashlib

    small_study.write_report(tmp_path / "study.html")
    html = (tmp_path / "study.html").read_text(encoding="utf-8")
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in html


def test_quotes_link_to_their_turns_in_context(small_study: Project, tmp_path: Path) -> None:
    small_study.write_report(tmp_path / "study.html")
    html = (tmp_path / "study.html").read_text(encoding="utf-8")
    link = re.search(r'<a href="#(seg-\d+)">t2:2 in context</a>', html)
    assert link is not None
    block = html.split(f'id="{link.group(1)}"', 1)[1].split('<div class="context"', 1)[0]
    assert re.findall(r'<div class="who">([^<]+)</div><p>([^<]+)</p>', block) == [
        ("t2:1 · Interviewer", "Tell me about trust."),
        ("t2:2 · Bob", "Trust takes time. Buyers visit us."),
        ("t2:3 · Interviewer", "Costs?"),
    ]
    assert '<div class="turn focus"><div class="who">t2:2 · Bob</div>' in block


def test_transcript_text_and_names_are_escaped(project: Project, tmp_path: Path) -> None:
    transcript = tmp_path / "evil.txt"
    transcript.write_text(
        'Ann: Our <script>alert("x")</script> plan & the <img src=x onerror=alert(1)> "deal".\n',
        encoding="utf-8",
    )
    as_lead(project).import_files([transcript])
    project.tag(["evil:1"], '<b>Bold</b> & "quoted"', create=True)
    as_lead(project).add_item("theme", "</style><script>")
    as_lead(project).assign(['<b>Bold</b> & "quoted"'], theme="</style><script>")
    as_lead(project).add_item("dimension", "'Single' & <double>")
    as_lead(project).assign(["</style><script>"], dimension="'Single' & <double>")
    project.write_report(tmp_path / "study.html")
    html = (tmp_path / "study.html").read_text(encoding="utf-8")
    page = Page(html)
    assert {"script", "img", "b"} & page.tags == set()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;" in html
    assert "&#x27;Single&#x27; &amp; &lt;double&gt;" in html
    assert html.count("</style>") == 1


def test_the_methods_draft_is_filled_from_the_study(small_study: Project, tmp_path: Path) -> None:
    as_lead(small_study).reconcile_auto(
        "Consensus", "union", coders=["Maria", "Tom"], copy_one_reader=True, show_others=True
    )
    small_study.write_report(tmp_path / "study.html", show_others=True)
    html = (tmp_path / "study.html").read_text(encoding="utf-8")
    methods = html.split('<div class="methods">', 1)[1].split("</div>", 1)[0]
    paragraphs = [p.replace("&#x27;", "'") for p in re.findall(r"<p>(.*?)</p>", methods)]
    assert paragraphs == [
        "We conducted three semi-structured interviews with three informants in two cases, "
        "in two waves, between January 2022 and March 2022. The interviews were transcribed "
        "verbatim (48 words) and coded in gioia, divided into 10 segments by turn.",
        "Following Gioia, Corley and Hamilton (2013), two coders (Maria and Tom) coded the "
        "transcripts independently, each blind to the others' codes: 1st-order concepts close "
        "to the informants' words were grouped into 2nd-order themes and these into aggregate "
        "dimensions. The final data structure has five concepts, three themes and two "
        "aggregate dimensions. Inter-coder agreement was computed on the segment level, "
        "counting a coder who had not read a segment as missing and one who read it without "
        "coding as “absent” (2 segments compared): concepts: 80.0% agreement, pooled κ = .52, "
        "mean Krippendorff's α = .50; themes: 66.7% agreement, pooled κ = .33, mean "
        "Krippendorff's α = .50; dimensions: 50.0% agreement, pooled κ = -.43, mean "
        "Krippendorff's α = -.50 (Cohen, 1960; Krippendorff, 2004; κ interpreted after "
        "Landis &amp; Koch, 1977). Disagreements were then reconciled into a consensus coding "
        "(Consensus; 2 settled by union), from which the data structure, its counts and the "
        "quotes were built; every decision is kept in the audit trail. New concepts stopped "
        "emerging after interview 2 of 3 (in order of date); the last interview added none "
        "(Guest, Bunce &amp; Johnson, 2006).",
    ]
    references = html.split("<h3>References</h3>", 1)[1].split("</ul>", 1)[0]
    assert [r.split(" (", 1)[0] for r in re.findall(r"<li>(.*?)</li>", references)] == [
        "Cohen, J.",
        "De Vries, H., Elliott, M. N., Kanouse, D. E., &amp; Teleki, S. S.",
        "Gioia, D. A., Corley, K. G., &amp; Hamilton, A. L.",
        "Guest, G., Bunce, A., &amp; Johnson, L.",
        "Krippendorff, K.",
        "Landis, J. R., &amp; Koch, G. G.",
    ]


def test_agreement_with_one_coder_says_why_there_is_none(project: Project, tmp_path: Path) -> None:
    transcript = tmp_path / "one.txt"
    transcript.write_text("Ann: Alone.\n", encoding="utf-8")
    as_lead(project).import_files([transcript])
    project.tag(["one:1"], "Solitude", create=True)
    data = project.report_data(show_others=True)
    assert [(a.level, a.report) for a in data.agreement] == [
        ("concept", None),
        ("theme", None),
        ("dimension", None),
    ]
    assert data.agreement[0].reason == (
        "Agreement needs two or more coders who reviewed segments in scope (found: Maria)."
    )


def test_the_sample_study_report(sample_report: Path) -> None:
    html = sample_report.read_text(encoding="utf-8")
    page = Page(html)
    # 40 quotes (2 per concept) from 38 segments: two segments hold quotes of two concepts.
    assert len(re.findall(r'<a href="#seg-\d+">[^<]+:\d+ in context</a>', html)) == 40
    assert len([i for i in page.ids if i.startswith("seg-")]) == 38
    assert "Consensus&#x27;s codings" in html
    assert "4 case(s), 7 interview(s), 8,350 words." in html
