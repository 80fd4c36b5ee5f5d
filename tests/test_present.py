"""Presentation mode (``?present=1``) in AppTest: the filters printed as one line, ◀ ▶ stepping through the
registered pages with the same link, and the script that lets the arrow keys press them (the keys themselves are
pressed in tests/test_present_browser.py)."""

from __future__ import annotations

from dashboard.i18n import t
from dashboard.present import KEYS_SCRIPT, STEP_KEYS, neighbours
from dashboard.registry import PAGES
from tests.test_app import query, run_app

LINK = {"present": "1", "compare": "year", "ch": "search_ads,social_media",
        "region": "Москва"}


def filters_line(at) -> str:
    [line] = [md.value for md in at.markdown if md.value.startswith(("Last ", "Последние "))]
    return line


def test_the_filters_line_holds_the_period_comparison_channels_and_regions(app_env, small_store) -> None:
    at = run_app(LINK)
    assert not at.exception, at.exception
    names = dict(small_store.execute_sql("SELECT channel_id, name FROM channels WHERE channel_id IN "
                                         "('search_ads', 'social_media')").rows())
    line = filters_line(at)
    assert line.startswith("Last 90 days: 3 Aug 2026 – 31 Oct 2026 · compared with 3 Aug 2025 – 31 Oct 2025"), line
    assert f"Channels: {names['search_ads']}, {names['social_media']}" in line
    assert "Regions: Moscow" in line and "Data up to 31 Oct 2026" in line
    assert query(at) == LINK  # the link still carries the whole view, the mode included
    assert {b.key for b in at.button} >= {"present_prev", "present_next"}


def test_the_period_is_said_once_in_the_filters_line_not_again_under_the_title(app_env) -> None:
    for page in ("pages/sales.py", "pages/reputation.py", "pages/communication.py"):
        at = run_app(LINK, page=page)
        assert not at.exception, at.exception
        said = [md.value for md in at.markdown if "3 Aug 2026 – 31 Oct 2026" in md.value]
        assert len(said) == 1 and said[0] == filters_line(at), (page, said)
        shown = run_app({k: v for k, v in LINK.items() if k != "present"}, page=page)
        assert any(md.value.startswith("3 Aug 2026 – 31 Oct 2026") for md in shown.markdown), page  # outside it


def test_the_filters_line_speaks_the_views_language(app_env) -> None:
    at = run_app({"present": "1", "lang": "ru"})
    assert not at.exception, at.exception
    line = filters_line(at)
    assert line.startswith("Последние 90 дней: ") and "2026 – " in line, line
    assert "Данные по " in line, line
    assert "Каналы: Все каналы" in line and "Регионы: Все регионы" in line


def test_the_next_page_button_keeps_the_link(app_env) -> None:
    at = run_app(LINK)
    assert at.title[0].value == t(PAGES[0].heading, "en")
    before, after = neighbours(PAGES[0].key)
    assert (before.key, after.key) == (PAGES[-1].key, PAGES[1].key)  # the menu's order, wrapping round
    at.button(key="present_next").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == t(PAGES[1].heading, "en")
    assert query(at) == LINK
    at.button(key="present_prev").click().run()
    assert at.title[0].value == t(PAGES[0].heading, "en")
    assert query(at) == LINK


def key_scripts(at) -> list[str]:
    return [h.value for h in at.html if "dashboardPresentKeys" in h.value]  # the presentation keys script


def test_the_arrow_keys_script_is_on_the_page_once_and_presses_the_bars_buttons(app_env) -> None:
    assert set(STEP_KEYS) == {"ArrowLeft", "ArrowRight", "PageUp", "PageDown"}
    assert set(STEP_KEYS.values()) == {"present_prev", "present_next"}
    at = run_app(LINK)
    assert key_scripts(at) == [KEYS_SCRIPT]
    assert {b.key for b in at.button} >= set(STEP_KEYS.values())  # the buttons the script looks for
    for key, button in STEP_KEYS.items():
        assert f'"{key}": "{button}"' in KEYS_SCRIPT
    at.button(key="present_next").click().run()
    assert not at.exception, at.exception
    assert key_scripts(at) == [KEYS_SCRIPT]  # on the next page too, still one


def test_without_the_parameter_there_is_no_presentation_bar(app_env) -> None:
    at = run_app({"present": "0"})
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key in ("present_prev", "present_next")]
    assert not key_scripts(at)  # and no arrow keys stepping through pages
    assert "present" not in query(at)
