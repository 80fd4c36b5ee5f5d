"""Presentation mode in a real browser at 1280×720: no sidebar and no way to open it, the filters line on
screen, a larger type. Screenshot: tests/artifacts/present-overview-1280x720.png."""

from __future__ import annotations

import pytest

from tests.browser_support import WAIT_MS, open_page

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
