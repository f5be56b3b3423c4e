"""The study report: one self-contained HTML file a co-author opens in a browser."""

from __future__ import annotations

import os

from gioia.output import output_file
from gioia.report.data import ReportData, ReportOptions

__all__ = ["ReportData", "ReportOptions", "write_report"]

FORMATS = (".html", ".htm")


def write_report(data: ReportData, path: str | os.PathLike[str]) -> int:
    """Write the report to ``path`` (.html); returns its size in bytes."""
    from gioia.report.html import render

    page = render(data).encode("utf-8")
    with output_file(path, FORMATS) as out:
        out.temp.write_bytes(page)
    return len(page)
