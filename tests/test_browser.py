"""The app in a real browser (headless Chromium from Debian, driven by Playwright).

Starts the app the way the README does, on a fresh data folder, so the first start
builds the demo company; opens every page; fails on an exception box or a console
error; checks that a copied link reproduces filters and numbers in a new browser
context. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PAGES = {"": "What do I get from this?", "sales": "Sales", "reputation": "Reputation",
         "communication": "Communication", "retention": "Retention & profit", "scenarios": "Budget scenarios",
         "data": "Data"}
# Streamlit's frontend probes the page path for its health endpoints before falling back to the root.
HARMLESS_404 = re.compile(r"/_stcore/(health|host-config)$")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _chromium_present() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    data_dir = tmp_path_factory.mktemp("browser-data")
    port = _free_port()
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir), "DASHBOARD_DB_URL": "", "DASHBOARD_WARM_UP": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    healthy = None
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    healthy = time.perf_counter() - started
                    break
        except OSError:
            time.sleep(0.1)
    if healthy is None:
        proc.kill()
        pytest.fail("the app did not become healthy:\n" + (proc.stdout.read() if proc.stdout else ""))
    yield {"base": base, "healthy_s": healthy, "data_dir": data_dir}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """Console errors and failed responses of one page."""

    def __init__(self, page) -> None:
        self.console: list[str] = []
        self.bad_responses: list[str] = []
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("response", lambda r: self.bad_responses.append(r.url) if r.status >= 400 else None)

    def errors(self) -> list[str]:
        """Console errors, and failed requests other than Streamlit's harmless health probes.

        A failed request also logs 'Failed to load resource' on the console; it is judged by its URL.
        """
        console = [m for m in self.console if not m.startswith("Failed to load resource")]
        return console + [u for u in self.bad_responses if not HARMLESS_404.search(u)]


def open_page(context, url: str):
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="stAlert"], [data-testid="stException"]',
                           timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    return page, watch


def metric_values(page) -> list[str]:
    return [e.inner_text() for e in page.locator('[data-testid="stMetricValue"]').all()]


def test_first_start_builds_the_demo_and_shows_real_numbers(server, browser, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    t0 = time.perf_counter()
    page.goto(server["base"] + "/")
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
    first_paint = time.perf_counter() - t0
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "overview-first-start.png"), full_page=True)
    values = metric_values(page)
    assert len(values) == 6 and all(v.strip() and v != "—" for v in values), values  # contribution + main result ×3
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    assert (server["data_dir"] / "dashboard.duckdb").exists()
    print(f"\napp healthy after {server['healthy_s']:.2f}s; first Overview with numbers after {first_paint:.2f}s "
          "(includes building the small demo)")
    context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_without_errors(server, browser, artifacts, path: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page, watch = open_page(context, f"{server['base']}/{path}")
    page.screenshot(path=str(artifacts / f"page-{path or 'overview'}.png"), full_page=True)
    assert not page.locator('[data-testid="stException"]').count(), "an exception box is shown"
    assert page.locator("h1").first.inner_text().strip() == PAGES[path]
    assert not watch.errors(), watch.errors()
    context.close()


def _choose(page, label: str, option: str) -> None:
    widget = page.locator('[data-testid="stSidebar"]').get_by_label(label)
    widget.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_a_copied_link_reproduces_filters_and_numbers(server, browser, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page, watch = open_page(context, server["base"] + "/")
    before = metric_values(page)
    _choose(page, "Period", "Last 30 days")
    page.wait_for_url(re.compile(r"period=last_30_days"), timeout=20_000)
    _choose(page, "Regions", "Tver")
    page.wait_for_url(re.compile(r"region="), timeout=20_000)
    _choose(page, "Compare with", "Same period last year")
    page.wait_for_url(re.compile(r"compare=year"), timeout=20_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    shared_url = page.url
    after = metric_values(page)
    assert after != before, "changing the filters changed the numbers"
    page.screenshot(path=str(artifacts / "link-original.png"), full_page=True)
    assert not watch.errors(), watch.errors()

    fresh = browser.new_context(viewport={"width": 1440, "height": 900})  # another person, no shared state
    page2, watch2 = open_page(fresh, shared_url)
    page2.wait_for_timeout(1000)
    page2.screenshot(path=str(artifacts / "link-reopened.png"), full_page=True)
    assert metric_values(page2) == after
    sidebar = page2.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_label("Period").input_value() == "Last 30 days"
    assert sidebar.get_by_label("Compare with").input_value() == "Same period last year"
    assert "Tver" in sidebar.inner_text()
    assert page2.url == shared_url
    assert not watch2.errors(), watch2.errors()
    fresh.close()
    context.close()


def test_a_hostile_link_shows_a_notice_not_an_error(server, browser) -> None:
    context = browser.new_context()
    url = server["base"] + "/?period=%3Cscript%3Ealert(1)%3C/script%3E&ch=%27%3B%20DROP%20TABLE%20orders&lang=xx"
    page, watch = open_page(context, url)
    page.wait_for_selector('[data-testid="stAlert"]')
    text = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "could not be used" in text
    assert not page.locator('[data-testid="stException"]').count()
    assert page.evaluate("() => window.__xss === undefined")
    assert not watch.errors(), watch.errors()
    context.close()


def test_the_share_popover_shows_the_link(server, browser) -> None:
    context = browser.new_context()
    page, _ = open_page(context, server["base"] + "/?period=last_month&lang=ru")
    page.get_by_text("Поделиться видом").click()
    code = page.locator('[data-testid="stCode"]').last.inner_text()
    assert "period=last_month" in code and "lang=ru" in code
    context.close()


@pytest.mark.parametrize("lang, model_label", [("en", "Last touch"), ("ru", "Последнее касание")])
def test_sales_page_draws_its_charts_from_a_shared_link(server, browser, artifacts, lang, model_label) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 5200})
    page, watch = open_page(context, f"{server['base']}/sales?model=last_touch&lookback=14&lang={lang}")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(artifacts / f"page-sales-{lang}.png"))
    assert not page.locator('[data-testid="stException"]').count()
    charts = page.locator(".js-plotly-plot")
    assert charts.count() == 6, "trend, attribution, funnel, payback, touches and days are drawn"
    assert page.locator(".js-plotly-plot .bars path, .js-plotly-plot .funnel path").count() > 20
    assert model_label in page.inner_text("body")
    assert len(metric_values(page)) == 11 and all(v.strip() for v in metric_values(page))
    assert "model=last_touch" in page.url and "lookback=14" in page.url
    assert not watch.errors(), watch.errors()
    context.close()


def test_the_overview_fits_a_projector_screen(server, browser, artifacts) -> None:
    """1366×768: the three pillars, their contributions and the retention headline, without scrolling."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page, watch = open_page(context, server["base"] + "/")
    page.reload()  # a new session: without the first start's "demo is ready" box when this test runs alone
    page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "overview-1366x768.png"))
    headline = page.locator('[data-testid="stAlertContentSuccess"]').first
    box = headline.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, box
    assert "retention" in headline.inner_text()
    for title in ("Sales", "Reputation", "Communication"):
        assert page.get_by_role("heading", name=title).first.is_visible()
    values = page.locator('[data-testid="stMetricValue"]')
    assert values.count() == 6
    assert all(values.nth(i).bounding_box()["y"] < 768 for i in range(values.count()))
    page.wait_for_load_state("networkidle")
    body = page.locator('[data-testid="stPopoverBody"]')
    for _ in range(3):  # a click that lands during a rerun is lost: try again
        visible = [b for b in page.locator('[data-testid="stPopoverButton"]').all() if b.is_visible()]
        visible[1].click()  # the first pillar's method (the sidebar's share button comes first)
        try:
            body.first.wait_for(state="visible", timeout=10_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    assert "Estimate." in body.first.inner_text()
    assert not watch.errors(), watch.errors()
    context.close()
