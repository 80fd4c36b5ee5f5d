"""The Communication page in a real browser: charts drawn in both languages, the engagement-rate
denominator carried by a copied link. (The large demo: ``python -m benchmarks.communication --db
/tmp/large.duckdb --browser``, see README.)"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import WAIT_MS, Watch, wait_until_idle

pytestmark = pytest.mark.browser
CHARTS = 6  # ER trend, follower flow, post types, e-mail funnel, e-mail rates, referral share


def _open(browser, url: str, *, height: int = 900):
    context = browser.new_context(viewport={"width": 1440, "height": height})
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="stException"]', timeout=WAIT_MS)
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {CHARTS} || "
                           "document.querySelector('[data-testid=\"stException\"]')", timeout=WAIT_MS)
    wait_until_idle(page)
    page.wait_for_timeout(800)
    return context, page, watch


def _labels(page) -> list[str]:
    return [e.inner_text().strip() for e in page.locator('[data-testid="stMetricLabel"]').all()]


@pytest.mark.parametrize("lang,query,er_label", [
    ("en", "", "Engagement rate (by reach)"),
    ("ru", "?lang=ru&er=followers&grain=month", "Вовлечённость (по подписчикам)"),
])
def test_the_page_draws_every_chart(server, browser, artifacts, lang, query, er_label) -> None:
    context, page, watch = _open(browser, f"{server['base']}/communication{query}", height=4600)
    page.screenshot(path=str(artifacts / f"communication-{lang}.png"), full_page=True)
    assert not page.locator('[data-testid="stException"]').count(), "an exception box is shown"
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == CHARTS
    for i in range(CHARTS):  # every chart has drawn marks, not an empty frame
        assert plots.nth(i).locator(".trace, .point, path.js-line").count() > 0, i
    assert er_label in _labels(page)
    assert len(page.locator('[data-testid="stMetricValue"]').all()) == 17  # 6 social, 6 e-mail, 5 word of mouth
    assert not watch.errors(), watch.errors()
    context.close()


def test_the_denominator_travels_in_a_copied_link(server, browser) -> None:
    context, page, watch = _open(browser, f"{server['base']}/communication")
    page.get_by_text("impressions", exact=True).click()
    page.wait_for_url(re.compile(r"er=impressions"), timeout=WAIT_MS)
    page.wait_for_function("[...document.querySelectorAll('[data-testid=\"stMetricLabel\"]')]"
                           ".some(e => e.innerText.includes('by impressions'))", timeout=WAIT_MS)
    value = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    shared = page.url
    fresh, page2, watch2 = _open(browser, shared)
    assert "Engagement rate (by impressions)" in _labels(page2)
    assert page2.locator('[data-testid="stMetricValue"]').first.inner_text() == value
    assert not watch.errors() and not watch2.errors(), watch.errors() + watch2.errors()
    fresh.close()
    context.close()
