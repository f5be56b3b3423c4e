"""The report of ``gioia import-project``, as lines of text."""

from __future__ import annotations

from gioia.refi.report import ImportReport

_UNITS = {"codepoints": "code points", "utf16": "UTF-16 code units"}
_SECTIONS = (
    ("flattened", "Flattened"),
    ("renamed", "Renamed"),
    ("left out", "Left out"),
    ("codings", "Coded where gioia does not code"),
    ("no theme", "Concepts without a theme"),
)


def _names(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in counts.items())


def _positions(report: ImportReport) -> str | None:
    if report.selections == 0:
        return None
    units = _UNITS[report.convention]
    if report.positions_forced and report.from_gioia and report.positions is None:
        return f"Positions: {units}, as gioia wrote them."
    if report.positions_forced:
        return f"Positions: {units} (--positions)."
    detection = report.positions
    assert detection is not None
    if not detection.decided:
        return f"Positions: {units}, the standard: the two readings do not differ on this file."
    other = "codepoints" if report.convention == "utf16" else "utf16"
    return (
        f"Positions: {units}, detected: {detection.scores[report.convention]:,} of "
        f"{detection.selections:,} selections start and end on word boundaries read so, "
        f"{detection.scores[other]:,} read as {_UNITS[other]} (--positions to choose)."
    )


def _coders(report: ImportReport) -> str:
    idle = [name for name in report.coders if name not in report.coder_counts]
    parts = []
    if report.coder_counts:
        whose = "selections'" if report.coder_source == "selection" else "codings'"
        parts.append(f"{_names(report.coder_counts)} coding(s) by the {whose} creatingUser")
    if idle:
        parts.append(f"{', '.join(idle)} with no coding")
    line = f"Coders: {'; '.join(parts) or 'none'}."
    if report.other_attribution:
        other = "coding" if report.coder_source == "selection" else "selection"
        line += (
            f" The {other}s' creatingUser says {_names(report.other_attribution)}: "
            f"--coder-from {other} uses it."
        )
    return line


def report_lines(report: ImportReport) -> list[str]:
    """What the import read, made and left out, for the researcher to check."""
    origin = f" ({report.origin})" if report.origin else ""
    lines = [
        f"Read {report.file}{origin}: {report.users} user(s), {len(report.placements)} code(s), "
        f"{report.sources} source(s), {report.selections:,} selection(s) with "
        f"{report.codings_read:,} coding(s)."
    ]
    if report.from_gioia:
        lines.append(
            "Written by gioia: segments, speakers, read marks and quote picks come back "
            "from its gioia.json."
        )
    position = _positions(report)
    if position:
        lines.append(position)
    lines.append(_coders(report))
    if report.transcripts:
        shown = ", ".join(report.transcripts[:8]) + (" …" if len(report.transcripts) > 8 else "")
        lines.append(
            f"Transcripts: {len(report.transcripts)} with {report.segments:,} segments "
            f"(speaker turns): {shown}."
        )
    if report.codings_read:
        line = f"Codings: {report.codings_created:,} made of {report.codings_read:,} read"
        if report.codings_existing:
            line += f", {report.codings_existing:,} in the store already"
        if report.split:
            line += f"; {report.split:,} selection(s) crossed turns: one coding per turn"
        if report.trimmed:
            line += (
                f"; {report.trimmed:,} selection(s) began or ended in a speaker label or a "
                "title: they start and end on the turn's text"
            )
        lines.append(line + ".")
        if not report.from_gioia:
            read = (
                "the segments they coded"
                if report.reviews == "coded"
                else "every segment of the sources they coded in"
            )
            lines.append(f"Read marks: each coder has read {read} (--reviews).")
    if report.memos or report.definitions:
        lines.append(
            f"Memos: {report.memos} from notes and descriptions; definitions: "
            f"{report.definitions} from code descriptions."
        )
    counts = ", ".join(
        f"{report.count(role)} {role}(s)" for role in ("dimension", "theme", "concept")
    )
    lines.append(f"Structure ({report.rule}): {counts}.")
    lines.extend(_tree(report))
    if report.sets:
        lines.append(
            f"Sets: {report.sets} read as the concepts of a theme (or the themes of a "
            f"dimension): {report.shared} item(s) put under a further one."
        )
    for kind, title in _SECTIONS:
        found = [(p.code, text) for p in report.placements for k, text in p.notes if k == kind]
        if found:
            lines.append(f"{title} ({len(found)}):")
            lines.extend(f"  {code}: {text}" for code, text in found)
    if report.skipped:
        lines.append("Skipped:")
        lines.extend(f"  {s.what}: {s.reason}" for s in report.skipped)
    else:
        lines.append("Skipped: nothing.")
    lines.extend(f"warning: {w}" for w in report.warnings)
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    return lines


def _tree(report: ImportReport) -> list[str]:
    """The code tree, each code with what it became."""
    lines = ["Code tree → structure:"]
    for p in report.placements:
        became = p.role if p.name in (None, p.code) else f"{p.role} {p.name!r}"
        if p.concept is not None and p.role != "concept":
            became += f", codings to the concept {p.concept!r}"
        marks = [kind for kind, _ in p.notes if kind in ("flattened", "renamed", "no theme")]
        if marks:
            became += f" ({', '.join(dict.fromkeys(marks))})"
        lines.append(f"{'  ' * p.depth}{p.code} → {became}")
    return lines
