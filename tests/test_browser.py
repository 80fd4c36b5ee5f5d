"""The app in a real browser (headless Chromium from Debian, driven by Playwright).

Starts the app the way the README does, on a fresh data folder, so the first start
builds the demo company; fails on an exception box or a console
error; checks that a copied link reproduces filters and numbers in a new browser
context. Every page, in both languages and at each meeting width: tests/test_meeting_browser.py. Screenshots go
to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
import time

import pytest

from tests.browser_support import WAIT_MS, Watch, metric_values, open_page, wait_until_idle

pytestmark = pytest.mark.browser


def test_first_start_builds_the_demo_and_shows_real_numbers(server, browser, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    t0 = time.perf_counter()
    page.goto(server["base"] + "/")
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=WAIT_MS)
    first_paint = time.perf_counter() - t0
    wait_until_idle(page)  # the first card comes before the others: wait for the run to finish
    page.screenshot(path=str(artifacts / "overview-first-start.png"), full_page=True)
    values = metric_values(page)
    assert len(values) == 6 and all(v.strip() and v != "—" for v in values), values  # contribution + main result ×3
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    assert (server["data_dir"] / "dashboard.duckdb").exists()
    print(f"\napp healthy after {server['healthy_s']:.2f}s; first Overview with numbers after {first_paint:.2f}s "
          "(includes building the small demo)")
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
    page.wait_for_url(re.compile(r"period=last_30_days"), timeout=WAIT_MS)
    _choose(page, "Regions", "Tver")
    page.wait_for_url(re.compile(r"region="), timeout=WAIT_MS)
    _choose(page, "Compare with", "Same period last year")
    page.wait_for_url(re.compile(r"compare=year"), timeout=WAIT_MS)
    wait_until_idle(page)
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
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
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
    page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=WAIT_MS)
    wait_until_idle(page)
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
    wait_until_idle(page)
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
