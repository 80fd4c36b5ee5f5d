"""The report command against the session's running app: the PDF's text (``pdftotext``) holds the period, the filters, the data's
freshness and the same headline figures as the page opened in the browser; a PNG is a PNG of the width asked
times the pixel ratio asked, the page laid out at the width asked whatever the ratio."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys

import pytest

from dashboard.report import page_of, page_url, parse_link, render
from tests.browser_support import WAIT_MS, metric_values, open_page, wait_until_idle
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def report(server, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.report", "--base", server["base"], *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def poppler(tool: str, *args: str) -> str:
    """The output of one of Debian's poppler-utils (``pdftotext``, ``pdfinfo``), which a reader of a report would use."""
    if shutil.which(tool) is None:
        pytest.fail(f"the report tests read PDFs with {tool}: apt-get install -y poppler-utils")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True, timeout=60).stdout


def pdf_text(path) -> str:
    return plain(poppler("pdftotext", "-enc", "UTF-8", str(path), "-"))


def pdf_pages(path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(path)), re.M).group(1))


def as_shown(browser, url: str) -> tuple[list[str], str]:
    """The KPI cards' values and the filters line of a page in presentation mode, as the browser shows them."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page, _ = open_page(context, url)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=WAIT_MS)
    wait_until_idle(page)
    figures = [plain(v) for v in metric_values(page)]
    line = plain(page.locator(".st-key-present_filters").inner_text())
    context.close()
    return figures, line


def test_the_pdf_holds_the_period_and_the_pages_figures(server, browser, tmp_path) -> None:
    out = tmp_path / "overview.pdf"
    url = page_url(server["base"], page_of("overview"), parse_link("period=last_90_days&lang=ru"))
    render(url, out, browser=browser)  # what the command does, in the session's browser
    assert pdf_pages(out) == 1  # one page as tall as the content
    text = pdf_text(out)

    figures, line = as_shown(browser, f"{server['base']}/?lang=ru&present=1")

    assert len(figures) == 6 and all(f != "—" for f in figures), figures
    for figure in figures:  # the three contributions and the three headline results, as the browser shows them
        assert figure in text, (figure, text[:2000])
    assert line.startswith("Последние 90 дней: ") and line in text  # period, comparison, channels, regions, freshness
    assert "сравнение с" in text and "Каналы: Все каналы" in text and "Данные по " in text


def written(done: subprocess.CompletedProcess, out) -> tuple[int, int]:
    """The PNG's size in pixels, from its header; checked against what the command printed."""
    assert done.returncode == 0, done.stderr
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    assert f"{width}×{height} px" in done.stdout, done.stdout
    return width, height


def test_the_command_writes_a_png_of_the_width_and_scale_asked(server, tmp_path) -> None:
    sharp, one_to_one = tmp_path / "data.png", tmp_path / "data-1x.png"
    done = report(server, "--page", "data", "--out", str(sharp), "--width", "1024")
    width, height = written(done, sharp)
    assert width == 2048 and height > 1800, (width, height)  # the default pixel ratio 2; the whole page
    assert "laid out 1024 CSS px wide at pixel ratio 2" in done.stdout  # as the page measured itself
    done = report(server, "--page", "data", "--out", str(one_to_one), "--width", "1024", "--scale", "1")
    width, height = written(done, one_to_one)
    assert width == 1024 and height > 900, (width, height)  # taller than one screen
    assert "laid out 1024 CSS px wide at pixel ratio 1" in done.stdout


def test_a_sales_pdf_with_filters_holds_them_and_the_cards_shown(server, browser, tmp_path) -> None:
    """Sales with a channel, a region and last year as comparison: the PDF names the period, the comparison, the
    channel and the region, and holds every KPI card as the browser shows it."""
    link = "ch=search_ads&region=%D0%A2%D0%B2%D0%B5%D1%80%D1%8C&compare=year&model=linear"
    out = tmp_path / "sales.pdf"
    render(page_url(server["base"], page_of("sales"), parse_link(link)), out, browser=browser)
    text = pdf_text(out)

    figures, line = as_shown(browser, f"{server['base']}/sales?{link}&present=1")

    assert len(figures) >= 10 and sum(f != "—" for f in figures) >= 8, figures
    for figure in figures:  # spend, leads, CPL, conversion, customers, CAC, ROAS, ROMI, revenue, profit, payback
        assert figure in text, (figure, text[:2000])
    assert line in text, (line, text[:2000])  # the period with its dates, the comparison, the filters, freshness
    assert line.startswith("Last 90 days: 3 Aug 2026 – 31 Oct 2026 · compared with 3 Aug 2025 – 31 Oct 2025"), line
    assert "Channels: Search ads (Yandex Direct)" in text and "Regions: Tver" in text
    assert "Linear: " in text  # the page's own parameter: the attribution model's note
