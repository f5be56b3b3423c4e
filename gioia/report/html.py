"""The study report as one self-contained HTML page: no script, no request, every piece of
text escaped, a strict content-security policy (only the page's own style, by its hash,
and nothing else), inline SVG figures, and print rules that start each section on a new
page and never cut a table row."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from html import escape
from importlib.resources import files

from gioia import __version__
from gioia.analysis.chart import to_svg
from gioia.analysis.matrix import format_value
from gioia.analysis.saturation import saturation_scene
from gioia.report.data import ReportData, Turn
from gioia.report.methods import REFERENCES, methods_paragraphs
from gioia.views_structure import Counts, Quote

SECTIONS = (
    ("cases", "Cases and interviews"),
    ("figure", "Data structure"),
    ("structure", "Structure with counts"),
    ("quotes", "Representative quotes"),
    ("codebook", "Codebook"),
    ("agreement", "Inter-coder agreement"),
    ("matrix", "Case × theme matrix"),
    ("cooccurrence", "Co-occurrence"),
    ("saturation", "Saturation"),
    ("methods", "Methods (draft)"),
    ("contexts", "Quotes in context"),
)
MAX_PAIRS = 30
_SVG_PROLOGUE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)
_SVG_ID = re.compile(r'\sid="[^"]*"')
_PLURAL = {"concept": "concepts", "theme": "themes", "dimension": "dimensions"}


def e(text: object) -> str:
    """Text escaped for HTML, quotes included."""
    return escape(str(text), quote=True)


def css() -> str:
    """The page's style sheet."""
    return files("gioia.report").joinpath("report.css").read_text(encoding="utf-8")


def policy(style: str) -> str:
    """The content-security policy: nothing may load, run or be sent; only this style."""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def inline_svg(svg: str, label: str) -> str:
    """An SVG document made fit to sit in the page: no prologue, comments or ids (Graphviz
    numbers its nodes alike in every drawing, and an id must be unique in the page), and
    labelled for screen readers (CSS scales it to the page)."""
    body = _SVG_ID.sub("", _SVG_PROLOGUE.sub("", svg)).strip()
    opening = body[: body.index(">")]
    if 'role="img"' in opening:
        return body
    return body.replace("<svg", f'<svg role="img" aria-label="{e(label)}"', 1)


def render(data: ReportData) -> str:
    """The whole page."""
    style = css()
    anchors = {ref: f"seg-{n}" for n, ref in enumerate(data.contexts, start=1)}
    body = [
        _header(data),
        "<main>",
        _cases(data),
        _figure(data),
        _structure(data),
        _quotes(data, anchors),
        _codebook(data),
        _agreement(data),
        _matrix(data),
        _cooccurrence(data),
        _saturation(data),
        _methods(data),
        _contexts(data, anchors),
        "</main>",
    ]
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f'<meta http-equiv="Content-Security-Policy" content="{policy(style)}">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                '<meta name="referrer" content="no-referrer">',
                f'<meta name="generator" content="gioia {__version__}">',
                f"<title>{e(data.options.title)}</title>",
                f"<style>{style}</style>",
                "</head>",
                "<body>",
                *body,
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def _table(
    head: Sequence[tuple[str, str]],
    rows: Iterable[tuple[str, Sequence[tuple[str, str]]]],
    caption: str = "",
) -> str:
    """A table in a horizontal scroller. ``head`` and cells are (HTML, class); each row is
    (class, cells)."""

    def cell(tag: str, content: str, cls: str) -> str:
        return f'<{tag} class="{cls}">{content}</{tag}>' if cls else f"<{tag}>{content}</{tag}>"

    lines = ['<div class="scroll"><table>']
    if caption:
        lines.append(f'<caption class="note">{caption}</caption>')
    lines.append("<thead><tr>" + "".join(cell("th", h, c) for h, c in head) + "</tr></thead>")
    lines.append("<tbody>")
    for cls, cells in rows:
        opening = f'<tr class="{cls}">' if cls else "<tr>"
        lines.append(opening + "".join(cell("td", h, c) for h, c in cells) + "</tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def _section(key: str, *content: str) -> str:
    title = dict(SECTIONS)[key]
    return "\n".join([f'<section id="{key}">', f"<h2>{e(title)}</h2>", *content, "</section>"])


def _header(data: ReportData) -> str:
    s = data.structure
    whose = f"{s.evidence}'s codings" if s.evidence else "every coder's codings"
    store = data.store.replace("\\", "/").rsplit("/", 1)[-1]
    toc = "".join(f'<li><a href="#{key}">{e(title)}</a></li>' for key, title in SECTIONS)
    return "\n".join(
        [
            "<header>",
            f"<h1>{e(data.options.title)}</h1>",
            f'<p class="meta">Written {data.generated:%Y-%m-%d %H:%M} UTC by gioia {e(__version__)}'
            f" from the store {e(store)}. Counts, quotes, the matrix, co-occurrence and "
            f"saturation are of {e(whose)}.</p>",
            f'<nav aria-label="Sections"><ol>{toc}</ol></nav>',
            "</header>",
        ]
    )


def _cases(data: ReportData) -> str:
    keys = list(dict.fromkeys(k for c in data.cases for k in c.attributes))
    cases = _table(
        [
            ("Case", ""),
            *((e(k.replace("_", " ")), "") for k in keys),
            ("Informants (interviews)", ""),
            ("Interviews", "n"),
            ("Words", "n"),
        ],
        (
            (
                "",
                [
                    (e(c.name), ""),
                    *((e(c.attributes.get(k, "")), "") for k in keys),
                    (
                        "<br>".join(
                            e(f"{i.role or i.name} ({i.interviews})") for i in c.informants
                        ),
                        "",
                    ),
                    (str(c.transcripts), "n"),
                    (f"{c.words:,}", "n"),
                ],
            )
            for c in data.cases
        ),
    )
    interviews = _table(
        [
            ("Interview", ""),
            ("Case", ""),
            ("Role", ""),
            ("Wave", ""),
            ("Date", ""),
            ("Segments", "n"),
            ("Words", "n"),
            ("Codings", "n"),
        ],
        (
            (
                "",
                [
                    (e(t.name), ""),
                    (e(t.case or ""), "nowrap"),
                    (e(t.role or ""), ""),
                    (e(t.wave or ""), ""),
                    (t.date.isoformat() if t.date else "", "nowrap"),
                    (str(t.segments), "n"),
                    (f"{t.words:,}", "n"),
                    (str(t.codings), "n"),
                ],
            )
            for t in data.transcripts
        ),
    )
    words = sum(t.words for t in data.transcripts)
    return _section(
        "cases",
        f"<p>{len(data.cases)} case(s), {len(data.transcripts)} interview(s), {words:,} words.</p>",
        cases,
        "<h3>Interviews</h3>",
        interviews,
    )


def _figure(data: ReportData) -> str:
    if not data.figure_svg:
        return _section("figure", f'<p class="note">{e(data.figure_note or "No figure.")}</p>')
    return _section(
        "figure",
        '<figure id="data-structure">',
        inline_svg(
            data.figure_svg, "The data structure: concepts, themes and aggregate dimensions"
        ),
        "<figcaption>1st-order concepts, 2nd-order themes and aggregate dimensions; n = "
        "coded segments and informants under each concept.</figcaption>",
        "</figure>",
    )


def _counts(counts: Counts) -> list[tuple[str, str]]:
    return [
        (str(counts.segments), "n"),
        (str(counts.informants), "n"),
        (str(counts.cases), "n"),
        (str(counts.codings), "n"),
    ]


def _structure(data: ReportData) -> str:
    rows: list[tuple[str, list[tuple[str, str]]]] = []
    s = data.structure
    for d in s.dimensions:
        rows.append(("dimension", [(e(d.name), ""), *_counts(d.counts)]))
        for t in d.themes:
            rows.append(("theme", [(e(t.name), "indent1"), *_counts(t.counts)]))
            rows.extend(("", [(e(c.name), "indent2"), *_counts(c.counts)]) for c in t.concepts)
    outside = [t.name for t in s.themes_without_dimension]
    outside += [c.name for c in s.concepts_without_theme]
    note = (
        f'<p class="note">Outside the tree (not in the figure): {e(", ".join(outside))}.</p>'
        if outside
        else ""
    )
    head = [
        ("Dimension / theme / concept", ""),
        ("Segments", "n"),
        ("Informants", "n"),
        ("Cases", "n"),
        ("Codings", "n"),
    ]
    return _section("structure", _table(head, rows), note)


def _attribution(quote: Quote) -> str:
    parts = [p for p in (quote.case, quote.role, f"wave {quote.wave}" if quote.wave else None) if p]
    return f"({', '.join(parts)})" if parts else ""


def _quotes(data: ReportData, anchors: dict[str, str]) -> str:
    lines: list[str] = []
    dimension = theme = None
    for n, row in enumerate(data.quotes, start=1):
        if row.dimension != dimension:
            dimension, theme = row.dimension, None
            lines.append(f"<h3>{e(row.dimension)}</h3>")
        if row.theme != theme:
            theme = row.theme
            lines.append(f'<p class="note">2nd-order theme: <strong>{e(row.theme)}</strong></p>')
        lines.append(f'<div class="concept" id="q-{n}"><p><strong>{e(row.concept)}</strong></p>')
        if not row.quotes:
            lines.append('<p class="note">No quote yet.</p>')
        for quote in row.quotes:
            lines.append(
                f"<blockquote><p>“{e(quote.text)}”</p>"
                f'<p class="attribution">{e(_attribution(quote))} · '
                f'<a href="#{anchors[quote.ref]}">{e(quote.ref)} in context</a></p></blockquote>'
            )
        lines.append("</div>")
    return _section("quotes", *(lines or ['<p class="note">No concept in the structure yet.</p>']))


def _codebook(data: ReportData) -> str:
    def entry(name: str, kind: str, definition: str | None) -> str:
        return (
            f'<dt>{e(name)} <span class="note">({kind})</span></dt><dd>{e(definition or "—")}</dd>'
        )

    lines = ['<dl class="defs">']
    for d in data.structure.dimensions:
        lines.append(entry(d.name, "aggregate dimension", d.definition))
        for t in d.themes:
            lines.append(entry(t.name, "theme", t.definition))
            lines.extend(entry(c.name, "concept", c.definition) for c in t.concepts)
    lines.append("</dl>")
    return _section("codebook", *lines)


def _agreement(data: ReportData) -> str:
    """Each level's report as the agreement command's one renderer lays it out
    (``gioia.agreement_document``): what was compared, the convention, a row per code,
    the overall figures and the notes."""
    from gioia.agreement_document import Table, agreement_document

    lines: list[str] = []
    for level in data.agreement:
        lines.append(f"<h3>{e(_PLURAL[level.level].capitalize())}</h3>")
        if level.report is None:
            lines.append(f'<p class="note">{e(level.reason)}</p>')
            continue
        for block in agreement_document(level.report).blocks:
            if isinstance(block, Table):
                head = [(e(c.title), "n" if c.numeric else "") for c in block.columns]
                rows = (
                    (
                        "",
                        [
                            (e(v), "n" if c.numeric else "")
                            for v, c in zip(row, block.columns, strict=True)
                        ],
                    )
                    for row in block.rows
                )
                lines.append(_table(head, rows, e(block.title)))
            else:
                lines.append(f"<p>{e(block)}</p>")
    lines.append(
        '<p class="note">κ after Landis &amp; Koch (1977); α: .800 and above reliable, .667 '
        "to .800 for tentative conclusions only (Krippendorff, 2004). Every figure is "
        "defined in gioia's docs/agreement.md.</p>"
    )
    return _section("agreement", *lines)


def _shared_note(data: ReportData, level: str) -> str:
    """A sentence saying how items under several parents count at ``level``, if any are."""
    view = data.structure
    themes = [t for d in view.dimensions for t in d.themes] + list(view.themes_without_dimension)
    concepts = {c.name for t in themes for c in t.concepts if len(c.themes) > 1}
    wide = {t.name for t in themes if len(t.dimensions) > 1}
    if level == "concept" or not (concepts or (wide and level == "dimension")):
        return ""
    return (
        f" {len(concepts)} concept(s) are under more than one theme"
        + (f" and {len(wide)} theme(s) under more than one dimension" if wide else "")
        + f": a coding counts under each {level} its concept reaches, once."
    )


def _matrix(data: ReportData) -> str:
    m = data.matrix
    if not m.codes or not m.rows:
        return _section("matrix", '<p class="note">Nothing coded yet.</p>')
    prefix = m.level[0].upper()
    top = max((v for line in m.values for v in line), default=0.0) or 1.0
    head = [(e(m.rows_kind.capitalize()), ""), ("Segments", "n")]
    head += [
        (f'<abbr title="{e(code)}">{prefix}{i}</abbr>', "n")
        for i, code in enumerate(m.codes, start=1)
    ]

    def shade(value: float) -> str:
        return "n cell0" if value == 0 else f"n cell{min(3, 1 + int(3 * value / top - 1e-9))}"

    rows = (
        (
            "",
            [
                (e(row), ""),
                (str(total), "n"),
                *((format_value(v, m.value), shade(v)) for v in line),
            ],
        )
        for row, total, line in zip(m.rows, m.row_segments, m.values, strict=True)
    )
    legend = "".join(f"<li>{prefix}{i}: {e(code)}</li>" for i, code in enumerate(m.codes, start=1))
    whose = f"{m.coder}'s codings" if m.coder else "every coder's codings"
    return _section(
        "matrix",
        f"<p>Coded segments per case and {e(m.level)} ({e(whose)}), after Miles, Huberman "
        "&amp; Saldaña (2014); “Segments” is the case's informant segments. Shading rises with "
        "the count. <code>gioia matrix -o matrix.xlsx</code> lists the segments behind "
        f"every cell.{_shared_note(data, m.level)}</p>",
        _table(head, rows),
        f'<ul class="legend">{legend}</ul>',
    )


def _cooccurrence(data: ReportData) -> str:
    c = data.cooccurrence
    parts = [
        f"<p>{e(_PLURAL[c.level].capitalize())} coded on the same segment ({c.units:,} segments "
        "could hold a code). Expected: the count were the two independent, n(a) × n(b) / "
        f"segments; Jaccard: together over either.{_shared_note(data, c.level)}</p>"
    ]
    if data.network_svg:
        parts += [
            "<figure>",
            inline_svg(data.network_svg, f"Network of {_PLURAL[c.level]} coded together"),
            f"<figcaption>Ellipse size: segments coded with the {e(c.level)}; line width: "
            "segments coded with both.</figcaption>",
            "</figure>",
        ]
    if not c.pairs:
        parts.append(f'<p class="note">No two {e(_PLURAL[c.level])} share a segment.</p>')
    else:
        head = [
            (e(c.level.capitalize()), ""),
            (e(c.level.capitalize()), ""),
            ("Together", "n"),
            ("Expected", "n"),
            ("Jaccard", "n"),
        ]
        rows = (
            (
                "",
                [
                    (e(p.a), ""),
                    (e(p.b), ""),
                    (str(p.count), "n"),
                    (f"{p.expected:.1f}", "n"),
                    (f"{p.jaccard:.3f}", "n"),
                ],
            )
            for p in c.pairs[:MAX_PAIRS]
        )
        more = len(c.pairs) - MAX_PAIRS
        note = (
            f'<p class="note">{more} less frequent pair(s) left out: '
            "<code>gioia cooccurrence</code> lists them all.</p>"
            if more > 0
            else ""
        )
        parts += [_table(head, rows), note]
    return _section("cooccurrence", *parts)


def _saturation(data: ReportData) -> str:
    s = data.saturation
    words = _PLURAL[s.level]
    if s.last_new is None:
        summary = f"No {words} coded yet."
    else:
        summary = (
            f"{s.total} {words} in all; the last new one came with interview {s.last_new.number} "
            f"({s.last_new.transcript}) of {len(s.steps)}"
            + (f", and the {s.after_last} after it added none." if s.after_last else ".")
        )
    rows = (
        (
            "",
            [
                (str(step.number), "n"),
                (e(step.transcript), ""),
                (e(step.case or ""), "nowrap"),
                (step.date.isoformat() if step.date else "", "nowrap"),
                (str(len(step.new)), "n"),
                (str(step.cumulative), "n"),
                (e("; ".join(step.new)), ""),
            ],
        )
        for step in s.steps
    )
    head = [
        ("#", "n"),
        ("Interview", ""),
        ("Case", ""),
        ("Date", ""),
        ("New", "n"),
        ("Total", "n"),
        (e(f"New {words}"), ""),
    ]
    return _section(
        "saturation",
        f"<p>{e(summary)}</p>",
        "<figure>",
        inline_svg(
            to_svg(saturation_scene(s)), f"Saturation: new and cumulative {words} per interview"
        ),
        f"<figcaption>New {e(words)} per interview (bars) and in all (line), interviews in "
        f"order of {e(s.order)}.</figcaption>",
        "</figure>",
        _table(head, rows),
    )


def _methods(data: ReportData) -> str:
    paragraphs, cited = methods_paragraphs(data)
    references = "".join(
        f"<li>{e(REFERENCES[key])}</li>" for key in sorted(cited, key=lambda k: REFERENCES[k])
    )
    return _section(
        "methods",
        '<p class="note">A draft filled from the study: edit it before it goes into a paper.</p>',
        '<div class="methods">' + "".join(f"<p>{e(p)}</p>" for p in paragraphs) + "</div>",
        "<h3>References</h3>",
        f"<ul>{references}</ul>",
    )


def _turn(turn: Turn) -> str:
    classes = " ".join(
        c
        for c in (
            "turn",
            "focus" if turn.focus else "",
            "interviewer" if turn.is_interviewer else "",
        )
        if c
    )
    text = "".join(f"<p>{e(line)}</p>" for line in turn.text.split("\n") if line.strip())
    who = f"{turn.ref} · {turn.speaker}" if turn.speaker else turn.ref
    return f'<div class="{classes}"><div class="who">{e(who)}</div>{text}</div>'


def _contexts(data: ReportData, anchors: dict[str, str]) -> str:
    back = {q.ref: n for n, row in enumerate(data.quotes, start=1) for q in row.quotes}
    parts = ['<p class="note">Each quoted segment (highlighted) with the turns around it.</p>']
    for ref, turns in data.contexts.items():
        parts.append(
            f'<div class="context" id="{anchors[ref]}"><h3>{e(ref)}</h3>'
            + "".join(_turn(t) for t in turns)
            + f'<p class="note"><a href="#q-{back[ref]}">Back to the quote</a></p></div>'
        )
    return _section("contexts", *parts)
