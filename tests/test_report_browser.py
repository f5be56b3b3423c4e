"""The sample study's report in headless Chromium: it loads with no console error and no
request, nothing overflows sideways at 1280 and at 390 CSS pixels, the figure shows, and
printed to PDF no table row is cut between two pages.

Chromium is Debian's `chromium` (`.ci/run` installs it); outside CI the test skips with a
reason when it is absent, in CI (CI or GIOIA_REQUIRE_SHARED set) it fails instead."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.browser import Browser, find_chromium

IN_CI = bool(os.environ.get("CI") or os.environ.get("GIOIA_REQUIRE_SHARED"))
OVERFLOW = """
(() => {
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll("body *")).filter(
    (el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest(".scroll"));
  return [document.documentElement.scrollWidth, width, wide.map((el) => el.tagName).slice(0, 5)];
})()
"""
FIGURE = """
(() => {
  const svg = document.querySelector("#data-structure svg");
  const box = svg.getBoundingClientRect();
  const style = getComputedStyle(svg);
  return [Math.round(box.width), Math.round(box.height), style.display, style.visibility,
          svg.textContent.includes("Someone has to look after the platform every day")];
})()
"""


def _require(tool: str | None, what: str) -> str:
    if tool is None:
        if IN_CI:
            pytest.fail(f"{what} is not installed here: .ci/run installs it.")
        pytest.skip(f"{what} is not installed (Debian: apt-get install {what}); CI runs this test.")
    return tool


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(_require(find_chromium(), "chromium")) as opened:
        yield opened


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_loads_cleanly_and_fits(
    browser: Browser, sample_report: Path, width: int, tmp_path: Path
) -> None:
    url = sample_report.resolve().as_uri()
    browser.events.clear()
    browser.load(url, width)
    scroll_width, client_width, wide = browser.evaluate(OVERFLOW)
    assert (scroll_width <= client_width, wide) == (True, [])
    figure_width, figure_height, display, visibility, labelled = browser.evaluate(FIGURE)
    assert (display, visibility, labelled) == ("block", "visible", True)
    assert 300 <= figure_width <= client_width and figure_height > 300
    browser.screenshot(tmp_path / f"report-{width}.png")
    assert (tmp_path / f"report-{width}.png").stat().st_size > 10_000
    assert browser.problems(url) == []


class _Rows(HTMLParser):
    """The text of every table body row of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[str] = []
        self._depth = 0
        self._body = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self.rows.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._body = False

    def handle_data(self, data: str) -> None:
        if self._body and self.rows:
            self.rows[-1] += " " + data


def _words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"[\w’']{3,}", text)]


def cut_rows(html: str, pdf: Path) -> tuple[list[str], int]:
    """The table rows of ``html`` that no single page of ``pdf`` holds whole (no page has
    every word of the row), and how many rows were checked (those with a word of three
    or more letters that the PDF's text holds)."""
    found = subprocess.run(
        [_require(shutil.which("pdftotext"), "poppler-utils"), "-bbox", str(pdf), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    pages: dict[str, set[int]] = defaultdict(set)
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", found))
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            for token in _words(word.text or ""):
                pages[token].add(number)
    cut, checked = [], 0
    for row in _Rows(html).rows:
        tokens = [token for token in _words(row) if token in pages]
        if not tokens:
            continue
        checked += 1
        if not set.intersection(*(pages[token] for token in tokens)):
            cut.append(" ".join(row.split())[:80])
    return cut, checked


def test_the_report_prints_with_no_cut_rows(
    browser: Browser, sample_report: Path, tmp_path: Path
) -> None:
    browser.load(sample_report.resolve().as_uri(), 1280)
    browser.pdf(tmp_path / "report.pdf")
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    cut, checked = cut_rows(sample_report.read_text(encoding="utf-8"), tmp_path / "report.pdf")
    assert cut == []
    assert checked >= 80  # every table row but those of numbers only


def test_the_cut_row_check_finds_a_cut_row(browser: Browser, tmp_path: Path) -> None:
    """The same check on a table whose tall rows may break: it finds them cut."""
    lines = "<br>".join(f"line{n}" for n in range(40))
    rows = "".join(f"<tr><td>start{n}x {lines} finish{n}x</td></tr>" for n in range(6))
    page = tmp_path / "tall.html"
    page.write_text(f"<!DOCTYPE html><table><tbody>{rows}</tbody></table>", encoding="utf-8")
    browser.load(page.as_uri(), 1280)
    browser.pdf(tmp_path / "tall.pdf")
    cut, checked = cut_rows(page.read_text(encoding="utf-8"), tmp_path / "tall.pdf")
    assert checked == 6
    assert cut != []
