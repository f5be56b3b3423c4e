"""The study report: one self-contained HTML file a co-author opens in a browser."""

from __future__ import annotations

import os
from pathlib import Path

from gioia.output import check_suffix
from gioia.report.data import ReportData, ReportOptions

__all__ = ["ReportData", "ReportOptions", "write_report"]

FORMATS = (".html", ".htm")


def write_report(data: ReportData, path: str | os.PathLike[str]) -> int:
    """Write the report to ``path`` (.html; ``Project`` gives the temporary file of
    :func:`gioia.output.output_file`); returns its size in bytes."""
    from gioia.report.html import render

    check_suffix(path, FORMATS)
    page = render(data).encode("utf-8")
    Path(path).write_bytes(page)
    return len(page)
