"""In a real browser, on every page: a language switch keeps the shared filters and the page's own controls, in
the link and on screen, each shown in the new language; and the next click changes only what it touches.

A browser keeps a select box's, a radio's or a segmented control's choice as the label it shows. A page widget
whose labels change with the language therefore has one key per language, as the shared filters do
(``dashboard.state.translated``); before that, Sales came back from a switch with "Linear" among Russian options
and the next click reset the model to the first one.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable

import pytest

from dashboard import state
from dashboard.communication import data as comm
from dashboard.i18n import t
from dashboard.registry import PAGES
from dashboard.reputation import data as rep
from dashboard.retention import data as rd
from dashboard.sales import data as sales
from dashboard.scenarios import data as scn
from tests.browser_support import WAIT_MS, metric_values, open_page, wait_until_idle

FILTERS = {"period": "last_30_days", "compare": "year", "ch": "search_ads", "region": "Тверь"}
SHOWN_FILTERS = {"ru": ("Поисковая реклама (Яндекс Директ)", "Тверь"), "en": ("Search ads (Yandex Direct)", "Tver")}

Shown = Callable[[str], "str | re.Pattern | tuple[str, ...]"]
# a page's own controls away from their defaults: the link's parameters, and each widget (its value's key, how it
# shows its choice, what it shows in a language)
PAGE_VIEWS: dict[str, tuple[dict[str, str], list[tuple[str, str, Shown]]]] = {
    "sales": ({"model": "linear", "lookback": "60", "grain": "month"}, [
        (sales.MODEL, "select", lambda lang: t("model.linear", lang)),
        (sales.LOOKBACK, "select", lambda lang: t("sales.lookback.days", lang, n=60)),
        (sales.GRAIN, "select", lambda lang: t("sales.grain.month", lang)),
    ]),
    "reputation": ({"grain": "month", "score": "3-8"}, [
        (rep.GRAIN_KEY, "choice", lambda lang: t("rep.grain.month", lang)),
        (rep.SCORE_KEY, "slider", lambda lang: ("3", "8")),
    ]),
    "communication": ({"er": "followers", "grain": "month"}, [
        (comm.ER_KEY, "radio", lambda lang: t("comm.denominator.followers", lang)),
        (comm.GRAIN_KEY, "select", lambda lang: t("comm.grain.month", lang)),
    ]),
    "retention": ({"delta": "7.5"}, [(rd.DELTA, "slider", lambda lang: ("7.5",))]),
    "scenarios": ({"weeks": "8", "outcome": "revenue", "objective": "leads", "horizon": "first"}, [
        (scn.WEEKS, "select", lambda lang: re.compile("^" + re.escape(t("scn.weeks_option", lang, weeks=8, start="",
                                                                          end="")).split(":")[0] + ": ")),
        (scn.OUTCOME, "select", lambda lang: t("scn.outcome.revenue", lang)),
        (scn.OBJECTIVE, "select", lambda lang: t("scn.objective.leads", lang)),
        (scn.HORIZON, "select", lambda lang: t("scn.horizon.first", lang)),
    ]),
}
# the next click after the switch: (a page widget's value key, or None for the sidebar's comparison; the option
# shown in Russian; the link parameter and the code it then holds)
NEXT_CLICK: dict[str, tuple[str | None, str, str, str]] = {
    "sales": (sales.GRAIN, t("sales.grain.day", "ru"), "grain", "day"),
    "reputation": (rep.GRAIN_KEY, t("rep.grain.week", "ru"), "grain", "week"),
    "communication": (comm.GRAIN_KEY, t("comm.grain.day", "ru"), "grain", "day"),
    "scenarios": (scn.OBJECTIVE, t("scn.objective.revenue", "ru"), "objective", "revenue"),
}
OTHERWISE = (None, t("compare.previous", "ru"), "compare", None)  # the default comparison leaves the link


def _css(key: str) -> str:
    """The class of a keyed widget's element (Streamlit writes a key's dots as dashes)."""
    return ".st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _shown(page, key: str, kind: str, lang: str):
    """What a page widget shows as its choice."""
    if kind == "slider":
        box = page.locator(_css(key))
        return tuple(v.inner_text() for v in box.locator('[data-testid="stSliderThumbValue"]').all())
    box = page.locator(_css(state.widget_key(key, lang)))
    if kind == "select":
        return box.locator("input").input_value()
    if kind == "choice":
        return box.locator('[role="radio"][aria-checked="true"]').inner_text()
    return box.locator('label[data-testid="stRadioOption"]:has(input:checked)').inner_text()


def _choose(page, box, option: str) -> None:
    """Pick ``option`` in a select box: scrolled to first, as a chart drawn above it still moves it meanwhile."""
    field = box.locator("input")
    field.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    field.click()
    page.get_by_role("option", name=option, exact=True).click()


def _query(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


def _settle(page) -> None:
    page.wait_for_timeout(400)
    wait_until_idle(page)
    page.wait_for_timeout(800)


def _check(page, widgets, lang: str, *, changed: str | None = None) -> None:
    """Every page widget but ``changed`` shows its chosen value in ``lang``; the sidebar shows the filters."""
    for key, kind, expected in widgets:
        if key == changed:
            continue
        want, got = expected(lang), _shown(page, key, kind, lang)
        assert (want.match(got) if isinstance(want, re.Pattern) else got == want), (key, lang, got, want)
    sidebar = page.locator('[data-testid="stSidebar"]')
    text = sidebar.inner_text()
    assert all(name in text for name in SHOWN_FILTERS[lang]), text
    assert sidebar.get_by_label(t("period", lang), exact=True).input_value() == t("period.last_30_days", lang)


@pytest.mark.parametrize("registered", PAGES, ids=[p.key for p in PAGES])
def test_a_language_switch_keeps_every_filter_and_page_control(server, browser, artifacts, registered) -> None:
    params, widgets = PAGE_VIEWS.get(registered.key, ({}, []))
    link = {**FILTERS, **params}
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page, watch = open_page(context, f"{server['base']}/{registered.url_path}?{urllib.parse.urlencode(link)}")
    assert _query(page) == link
    _check(page, widgets, "en")
    cards = len(metric_values(page))

    page.locator('[data-testid="stSidebar"]').get_by_text("Русский", exact=True).click()
    page.wait_for_url(re.compile(r"lang=ru"), timeout=WAIT_MS)
    _settle(page)
    page.screenshot(path=str(artifacts / f"meeting-switch-{registered.key}.png"), full_page=True)
    assert _query(page) == {**link, "lang": "ru"}  # every filter and page parameter stays in the link
    _check(page, widgets, "ru")  # and on screen, in Russian
    assert page.locator("h1").first.inner_text().strip() == t(registered.heading, "ru")
    assert len(metric_values(page)) == cards

    key, option, param, code = NEXT_CLICK.get(registered.key, OTHERWISE)
    if key is None:
        _choose(page, page.locator(_css(state.widget_key(state.COMPARE, "ru"))), option)
    else:
        kind = next(k for w, k, _ in widgets if w == key)
        box = page.locator(_css(state.widget_key(key, "ru")))
        if kind == "select":
            _choose(page, box, option)
        else:
            box.get_by_role("radio", name=option, exact=True).click()
    page.wait_for_url(lambda url: (f"{param}={code}" in url) if code else (f"{param}=" not in url), timeout=WAIT_MS)
    _settle(page)
    want = {**link, "lang": "ru", param: code}
    assert _query(page) == {k: v for k, v in want.items() if v is not None}  # only what was touched changed
    _check(page, widgets, "ru", changed=key)
    if key is not None:
        assert _shown(page, key, next(k for w, k, _ in widgets if w == key), "ru") == option
    assert len(metric_values(page)) == cards
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    context.close()
