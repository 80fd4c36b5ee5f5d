"""In a real browser: a language switch translates the filters in place and keeps them, through the next click;
and every page keeps its layout on the screens of a meeting room.

Only a browser shows this: it keeps a select box's choice as the label it shows, so a widget whose labels
changed with the language used to come back in English and lose its value on the next click.
"""

from __future__ import annotations

import re

import pytest

from dashboard import state
from dashboard.i18n import t
from dashboard.registry import PAGES
from tests.browser_layout import layout_problems
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


MEETING_SCREENS = ((1920, 1080), (1366, 768), (1280, 720), (1024, 768))


@pytest.mark.parametrize("registered", PAGES, ids=[p.key for p in PAGES])
def test_every_page_holds_its_layout_on_meeting_screens(server, browser, artifacts, registered) -> None:
    """Every page, in English and Russian, at 1920×1080, 1366×768, 1280×720 and 1024×768 with the filters open:
    its title and numbers, no error, nothing cut off, broken or overlapping; at 1920 every table shows all its
    columns. Screenshots: tests/artifacts/layout-<page>-<lang>-<width>.png."""
    for lang in ("en", "ru"):
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page, watch = open_page(context, f"{server['base']}/{registered.url_path}?lang={lang}")
        assert not page.locator('[data-testid="stException"]').count(), "an exception box is shown"
        assert page.locator("h1").first.inner_text().strip() == t(registered.heading, lang)
        if registered.key != "data":
            assert metric_values(page), "no KPI card is shown"
        for width, height in MEETING_SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(700)  # the cards, charts and tables lay out again for the new width
            page.screenshot(path=str(artifacts / f"layout-{registered.key}-{lang}-{width}.png"))
            problems = layout_problems(page, tables=width >= 1920)
            assert not problems, (lang, width, problems)
        assert not watch.errors(), watch.errors()
        context.close()


CUSTOM = "/?period=custom&from=2026-09-01&to=2026-09-30"


def _calendar(page, lang: str) -> tuple[list[str], str, str]:
    """The custom dates' calendar opened: its weekday headers, the first day cell's name and the month shown."""
    box = page.locator(f".st-key-{state.widget_key(state.DATES, lang).replace('.', '-')}")
    box.get_by_role("button", name="Choose date range").click()
    grid = page.locator('[role="grid"]').first
    grid.wait_for(timeout=WAIT_MS)
    headers = [h.inner_text().strip() for h in grid.locator("thead th").all()]
    first_day = grid.locator("tbody td [aria-label]").first.get_attribute("aria-label")
    month = grid.get_attribute("aria-label")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    return headers, first_day, month


def test_the_calendar_speaks_the_views_language_and_starts_on_monday(server, browser, artifacts) -> None:
    """An English (en-US) browser: a Russian view's calendar is Russian, weeks from Monday; after a switch to
    English the calendar is English, weeks still from Monday (the app's weeks run Monday to Sunday)."""
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page, watch = open_page(context, server["base"] + CUSTOM + "&lang=ru")
    assert page.evaluate("navigator.languages[0]") == "en-US"  # the browser's own language
    headers, first_day, month = _calendar(page, "ru")
    page.screenshot(path=str(artifacts / "meeting-calendar-ru.png"))
    assert headers == ["П", "В", "С", "Ч", "П", "С", "В"], headers
    assert first_day.startswith("понедельник, 31 августа 2026"), first_day  # the grid's first day: a Monday
    assert "сентябрь 2026" in month, month

    _sidebar(page).get_by_text("English", exact=True).click()
    page.wait_for_url(lambda url: "lang=ru" not in url, timeout=WAIT_MS)
    _settle(page)
    headers, first_day, month = _calendar(page, "en")
    assert headers == ["M", "T", "W", "T", "F", "S", "S"], headers
    assert first_day.startswith("Monday, August 31, 2026"), first_day
    assert "September 2026" in month, month
    assert not watch.errors(), watch.errors()
    context.close()


def test_a_cards_trend_line_shows_no_bare_number_and_its_help_the_ends(server, browser) -> None:
    """Hovering a KPI card's small trend line shows nothing (Vega's label was a bare number such as '4017530');
    the card's help names the line's dates and its first and last values, formatted."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page, watch = open_page(context, server["base"] + "/")
    cards = page.locator('[data-testid="stMetric"]:has([data-testid="stMetricChart"])')
    assert cards.count() >= 2, "the headline cards show their trend lines"
    for card in cards.all():
        chart = card.locator('[data-testid="stMetricChart"]')
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        for share in (0.1, 0.3, 0.5, 0.7, 0.9):
            page.mouse.move(box["x"] + box["width"] * share, box["y"] + box["height"] * 0.6)
            page.wait_for_timeout(150)
            shown = page.evaluate("""() => [...document.querySelectorAll('#vg-tooltip-element.visible')]
                                         .map(e => e.innerText.trim()).filter(Boolean)""")
            assert not shown, shown
        card.locator('[data-testid="stTooltipHoverTarget"]').hover()
        help_text = page.locator('[data-testid="stTooltipContent"]').last.inner_text()
        assert "Trend line:" in help_text and "first point" in help_text, help_text
        assert not re.search(r"\d{5,}", help_text), help_text  # every figure formatted
        page.mouse.move(0, 0)
        page.wait_for_timeout(200)
    assert not watch.errors(), watch.errors()
    context.close()
