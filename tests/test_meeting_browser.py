"""In a real browser: a language switch translates the filters in place and keeps them, through the next click.

Only a browser shows this: it keeps a select box's choice as the label it shows, so a widget whose labels
changed with the language used to come back in English and lose its value on the next click.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import WAIT_MS, metric_values, open_page, wait_until_idle

LINK = "/?period=last_30_days&compare=year&ch=search_ads&region=%D0%A2%D0%B2%D0%B5%D1%80%D1%8C"


def _sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def _settle(page) -> None:
    page.wait_for_timeout(400)
    wait_until_idle(page)
    page.wait_for_timeout(800)


def test_a_language_switch_keeps_and_translates_the_filters(server, browser, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page, watch = open_page(context, server["base"] + LINK)
    english = metric_values(page)
    assert "Search ads (Yandex Direct)" in _sidebar(page).inner_text()

    _sidebar(page).get_by_text("Русский", exact=True).click()
    page.wait_for_url(re.compile(r"lang=ru"), timeout=WAIT_MS)
    _settle(page)
    page.screenshot(path=str(artifacts / "meeting-after-switch.png"), full_page=True)
    text = _sidebar(page).inner_text()
    assert "Поисковая реклама (Яндекс Директ)" in text and "Тверь" in text, text  # translated in place
    assert "Search ads" not in text and "Tver\n" not in text
    assert _sidebar(page).get_by_label("Период").input_value() == "Последние 30 дней"
    assert _sidebar(page).get_by_label("Сравнить с").input_value() == "Тем же периодом год назад"
    assert len(metric_values(page)) == len(english)

    # the next click changes only what it touches
    _sidebar(page).get_by_label("Период").click()
    page.get_by_role("option", name="Последние 90 дней", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: "period=" not in url, timeout=WAIT_MS)
    _settle(page)
    page.screenshot(path=str(artifacts / "meeting-next-click.png"), full_page=True)
    url = page.url
    assert "compare=year" in url and "ch=search_ads" in url and "region=" in url and "lang=ru" in url, url
    text = _sidebar(page).inner_text()
    assert "Поисковая реклама (Яндекс Директ)" in text and "Тверь" in text, text
    assert _sidebar(page).get_by_label("Сравнить с").input_value() == "Тем же периодом год назад"

    page.reload()  # a reload is a fresh session: the link alone brings the view back
    page.wait_for_selector('[data-testid="stMetric"]', timeout=WAIT_MS)
    _settle(page)
    assert page.url == url
    assert "Поисковая реклама (Яндекс Директ)" in _sidebar(page).inner_text()
    assert _sidebar(page).get_by_label("Период").input_value() == "Последние 90 дней"
    assert not watch.errors(), watch.errors()
    context.close()


CUT = """() => [...document.querySelectorAll('[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"]')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


BROKEN = """() => { const out = [];
    for (const h of document.querySelectorAll('[class*="st-key-ov_pillar_"] h4')) {
        const walk = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            const text = n.textContent.trimEnd();
            if (!text.trim()) continue;
            const range = document.createRange();
            range.setStart(n, 0); range.setEnd(n, text.length);
            if (range.getClientRects().length > 1) out.push(text);
        } }
    return out; }"""
NARROW = {"overview-ru-1024": ("/?lang=ru", 1024), "retention-ru-1123": ("/retention?lang=ru", 1123),
          "sales-ru-1024": ("/sales?lang=ru", 1024), "overview-en-1024": ("/?compare=year", 1024)}


@pytest.mark.parametrize("name", list(NARROW))
def test_no_kpi_number_is_cut_off_on_a_narrow_screen(server, browser, artifacts, name) -> None:
    """Three pillars at 1024 px and five cards at 1123 px, with the sidebar open: every number shows whole."""
    path, width = NARROW[name]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page, watch = open_page(context, server["base"] + path)
    page.screenshot(path=str(artifacts / f"narrow-{name}.png"), full_page=True)
    assert len(metric_values(page)) >= 5
    assert page.evaluate(CUT) == []
    assert page.evaluate(BROKEN) == []  # the pillars' names (Overview) on one line each
    assert not watch.errors(), watch.errors()
    context.close()
