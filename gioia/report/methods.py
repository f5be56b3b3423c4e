"""The drafted methods paragraph: the study's own figures in sentences a methods section
starts from, with the references they cite."""

from __future__ import annotations

from gioia.report.data import ReportData

REFERENCES = {
    "gioia": "Gioia, D. A., Corley, K. G., & Hamilton, A. L. (2013). Seeking qualitative rigor "
    "in inductive research: Notes on the Gioia methodology. Organizational Research Methods, "
    "16(1), 15–31.",
    "cohen": "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and "
    "Psychological Measurement, 20(1), 37–46.",
    "devries": "De Vries, H., Elliott, M. N., Kanouse, D. E., & Teleki, S. S. (2008). Using "
    "pooled kappa to summarize interrater agreement across many items. Field Methods, 20(3), "
    "272–282.",
    "krippendorff": "Krippendorff, K. (2004). Content analysis: An introduction to its "
    "methodology (2nd ed.). Sage.",
    "landis": "Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for "
    "categorical data. Biometrics, 33(1), 159–174.",
    "guest": "Guest, G., Bunce, A., & Johnson, L. (2006). How many interviews are enough? An "
    "experiment with data saturation and variability. Field Methods, 18(1), 59–82.",
    "miles": "Miles, M. B., Huberman, A. M., & Saldaña, J. (2014). Qualitative data analysis: "
    "A methods sourcebook (3rd ed.). Sage.",
}

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """ "seven interviews", "one case", "23 concepts"."""
    word = _NUMBERS[n] if 0 <= n < len(_NUMBERS) else f"{n:,}"
    return f"{word} {noun if n == 1 else plural or noun + 's'}"


def _value(coefficient: object) -> str:
    """A κ or α as APA prints it: two decimals, no leading zero ("undefined" if none)."""
    value = getattr(coefficient, "value", None)
    if value is None:
        return "undefined"
    text = f"{value:.2f}"
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def methods_paragraphs(data: ReportData) -> tuple[list[str], list[str]]:
    """The draft, as paragraphs of plain text, and the references it cites (keys of
    ``REFERENCES``, in the order first cited)."""
    cited: list[str] = []

    def cite(key: str, text: str) -> str:
        if key not in cited:
            cited.append(key)
        return text

    transcripts = data.transcripts
    cases = [c for c in data.cases if c.transcripts]
    informants = {(t.case, t.informant) for t in transcripts if t.informant}
    dates = sorted(t.date for t in transcripts if t.date)
    waves = sorted({t.wave for t in transcripts if t.wave})
    words = sum(t.words for t in transcripts)
    segments = sum(t.segments for t in transcripts)
    first = [
        f"We conducted {_count(len(transcripts), 'semi-structured interview')}"
        + (f" with {_count(len(informants), 'informant')}" if informants else "")
        + (f" in {_count(len(cases), 'case')}" if cases else "")
        + (f", in {_count(len(waves), 'wave')}" if len(waves) > 1 else "")
        + (
            f", between {dates[0]:%B %Y} and {dates[-1]:%B %Y}"
            if len(dates) > 1 and dates[0] != dates[-1]
            else (f", in {dates[0]:%B %Y}" if dates else "")
        )
        + ".",
        f"The interviews were transcribed verbatim ({words:,} words) and coded in gioia, "
        f"divided into {segments:,} segments by {_join(list(data.segment_by)) or 'turn'}.",
    ]
    people = [
        c
        for c in data.coders
        if c.codings and (data.consensus is None or c.name != data.consensus.coder)
    ]
    s = data.structure
    themes = sum(len(d.themes) for d in s.dimensions)
    concepts = sum(len(t.concepts) for d in s.dimensions for t in d.themes)
    coding = [
        cite("gioia", "Following Gioia, Corley and Hamilton (2013), ")
        + (
            f"{_count(len(people), 'coder')} ({_join([p.name for p in people])}) coded the "
            "transcripts independently, each blind to the others' codes: "
            if len(people) > 1
            else (
                "the transcripts were coded "
                if not people
                else f"{people[0].name} coded the transcripts: "
            )
        )
        + "1st-order concepts close to the informants' words were grouped into 2nd-order "
        "themes and these into aggregate dimensions. "
        + f"The final data structure has {_count(concepts, 'concept')}, {_count(themes, 'theme')} "
        f"and {_count(len(s.dimensions), 'aggregate dimension')}."
    ]
    agreement = []
    for level in data.agreement:
        report = level.report
        if report is None:
            continue
        o = report.overall
        two = len(report.coders) == 2
        kappa = (
            cite("devries", f"pooled κ = {_value(o['pooled_kappa'])}")
            if two
            else f"mean κ = {_value(o['mean_kappa'])}"
        )
        agreement.append(
            f"{level.level}s: {_pct(o['percent'])} agreement, "
            f"{kappa}, mean Krippendorff's α = {_value(o['mean_alpha'])}"
        )
    if agreement:
        first_report = next(level.report for level in data.agreement if level.report)
        assert first_report is not None
        cite("cohen", "")
        cite("krippendorff", "")
        cite("landis", "")
        coding.append(
            f"Inter-coder agreement was computed on the {first_report.unit} level, counting a "
            "coder who had not read a segment as missing and one who read it without coding "
            "as \u201cabsent\u201d "
            f"({first_report.units_compared:,} {first_report.unit}s compared): "
            + "; ".join(agreement)
            + " (Cohen, 1960; Krippendorff, 2004; κ interpreted after Landis & Koch, 1977)."
        )
    if data.consensus is not None:
        c = data.consensus
        settled = [f"{c.decided} decided one by one"] if c.decided else []
        settled += [f"{n} settled by {mode}" for mode, n in sorted(c.automatic.items())]
        coding.append(
            f"Disagreements were then reconciled into a consensus coding ({c.coder}"
            + (f"; {_join(settled)}" if settled else "")
            + "), from which the data structure, its counts and the quotes were built; "
            "every decision is kept in the audit trail."
        )
    sat = data.saturation
    if sat.last_new is not None:
        coding.append(
            cite("guest", "")
            + f"New {sat.level}s stopped emerging after interview {sat.last_new.number} of "
            f"{len(sat.steps)} (in order of {'date' if sat.order == 'date' else sat.order}); "
            + (
                f"the last {_count(sat.after_last, 'interview')} added none"
                if sat.after_last > 1
                else "the last interview added none"
                if sat.after_last
                else "the last interview still added one, so saturation is not shown"
            )
            + " (Guest, Bunce & Johnson, 2006)."
        )
    return [" ".join(first), " ".join(coding)], cited


def _pct(coefficient: object) -> str:
    value = getattr(coefficient, "value", None)
    return "undefined" if value is None else f"{100 * value:.1f}%"
