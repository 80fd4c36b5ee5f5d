"""Presentation mode in a real browser at 1280×720: no sidebar and no way to open it, the filters line on
screen, a larger type; the arrow keys (and a clicker's PageUp/PageDown) step through the pages with the link
kept, except while a control has the focus. Screenshots: tests/artifacts/present-overview-1280x720.png,
tests/artifacts/present-keys-sales-1280x720.png."""

from __future__ import annotations

import urllib.parse

import pytest

from dashboard.i18n import t
from dashboard.registry import PAGES
from dashboard.sales.data import MODEL
from tests.browser_support import WAIT_MS, open_page, wait_until_idle

pytestmark = pytest.mark.browser


def test_presentation_mode_hides_the_sidebar(server, browser, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page, watch = open_page(context, server["base"] + "/?present=1&compare=year")
    page.wait_for_selector(".st-key-present_filters", timeout=WAIT_MS)
    page.screenshot(path=str(artifacts / "present-overview-1280x720.png"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.count() == 0 or not sidebar.first.is_visible()
    for toggle in ("stExpandSidebarButton", "stSidebarCollapsedControl", "stSidebarCollapseButton"):
        found = page.locator(f'[data-testid="{toggle}"]')
        assert found.count() == 0 or not found.first.is_visible(), toggle
    line = page.locator(".st-key-present_filters").inner_text()
    assert line.startswith("Last 90 days:") and "compared with" in line and "All channels" in line, line
    box = page.locator(".st-key-present_filters").bounding_box()
    assert box is not None and box["x"] < 200, box  # the page starts at the left edge: no sidebar's room kept
    deepest = "e => { while (e.firstElementChild) e = e.firstElementChild; return parseFloat(getComputedStyle(e).fontSize); }"
    size = page.locator('[data-testid="stMetricValue"]').first.evaluate(deepest)
    assert size >= 36, size  # 2.4rem, where the normal view's cards use about 1.1rem
    assert page.get_by_role("button", name="▶").is_visible() and page.get_by_role("button", name="◀").is_visible()
    assert not watch.errors(), watch.errors()
    context.close()


# Counts the keydown listeners the presentation script adds to the document (before any of the app's scripts run).
COUNT_LISTENERS = """
window.presentListeners = 0;
const add = Document.prototype.addEventListener;
Document.prototype.addEventListener = function (type, listener, options) {
  if (type === "keydown" && String(listener).includes(".st-key-")) window.presentListeners += 1;
  return add.call(this, type, listener, options);
};
"""
LINK = {"present": "1", "compare": "year", "lang": "ru"}


def shown(page) -> tuple[str, dict[str, str], str]:
    """The page's address path, its link parameters and its heading, once the app has finished its run."""
    wait_until_idle(page)
    page.wait_for_timeout(800)  # a rerun that starts right after the first one
    wait_until_idle(page)
    url = urllib.parse.urlsplit(page.url)
    return url.path, dict(urllib.parse.parse_qsl(url.query)), page.locator("h1").first.inner_text().strip()


def press_and_wait(page, key: str, path: str) -> tuple[str, dict[str, str], str]:
    page.keyboard.press(key)
    page.wait_for_url(lambda u: urllib.parse.urlsplit(u).path == path, timeout=WAIT_MS)
    return shown(page)


def stays(page, control: str, current) -> None:
    """With the focus in ``control`` the arrow and page keys are the control's: the page stays."""
    page.locator(control).first.focus()
    for key in ("ArrowRight", "ArrowLeft", "PageDown", "PageUp"):
        page.keyboard.press(key)
    page.wait_for_timeout(1500)
    assert shown(page) == (f"/{current.url_path}", LINK, t(current.heading, "ru")), control
    page.locator(control).first.blur()


def test_arrow_keys_step_through_the_pages_keeping_the_link(server, browser, artifacts) -> None:
    first, second, scenarios, last = PAGES[0], PAGES[1], PAGES[-2], PAGES[-1]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(COUNT_LISTENERS)
    page, watch = open_page(context, server["base"] + "/?" + urllib.parse.urlencode(LINK))
    page.wait_for_selector(".st-key-present_filters", timeout=WAIT_MS)
    assert shown(page) == ("/", LINK, t(first.heading, "ru"))
    # the script's element takes no room
    assert page.locator(".st-key-present_keys").count() == 1
    assert page.locator(".st-key-present_keys").bounding_box() is None
    room = page.evaluate("""() => {  // the bar's distance from what is above it, and the column's gap
        const bar = document.querySelector('.st-key-present_filters').closest('[data-testid="stLayoutWrapper"]');
        const column = bar.parentElement, gap = parseFloat(getComputedStyle(column).rowGap);
        const above = [...column.children].slice(0, [...column.children].indexOf(bar))
            .filter(e => getComputedStyle(e).display !== 'none');
        const top = above.length ? Math.max(...above.map(e => e.getBoundingClientRect().bottom)) + gap
            : column.getBoundingClientRect().top;
        return [bar.getBoundingClientRect().top - top, gap]; }""")
    assert abs(room[0]) < 4 and room[1] >= 8, room  # without the rule: one more gap (a hidden element's own)

    assert press_and_wait(page, "ArrowRight", f"/{second.url_path}") == (f"/{second.url_path}", LINK,
                                                                        t(second.heading, "ru"))
    page.screenshot(path=str(artifacts / "present-keys-sales-1280x720.png"))
    stays(page, f".st-key-{MODEL}-ru input", second)  # a select box keeps its arrow keys
    assert press_and_wait(page, "ArrowLeft", "/") == ("/", LINK, t(first.heading, "ru"))
    assert press_and_wait(page, "PageUp", f"/{last.url_path}") == (f"/{last.url_path}", LINK,
                                                                  t(last.heading, "ru"))  # wrapping round
    assert press_and_wait(page, "PageUp", f"/{scenarios.url_path}")[2] == t(scenarios.heading, "ru")
    page.evaluate("""() => {  // the script run again, as on a remount of its element
        const again = document.createElement('script');
        again.textContent = document.querySelector('.st-key-present_keys script').textContent;
        document.body.appendChild(again); }""")
    assert page.evaluate("window.presentListeners") == 1  # one listener, however many pages and runs
    stays(page, '[data-testid="stNumberInput"] input', scenarios)  # so does a number box
    assert press_and_wait(page, "PageDown", f"/{last.url_path}")[2] == t(last.heading, "ru")  # focus elsewhere
    assert not watch.errors(), watch.errors()
    context.close()
