"""Budget scenarios in a real browser: edit, save, open the saved link elsewhere, a bad link's message."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import WAIT_MS, open_page, wait_until_idle

pytestmark = pytest.mark.browser
VIEW = {"width": 1440, "height": 1100}


def kpi_values(page) -> list[str]:
    return [e.inner_text() for e in page.locator('[data-testid="stMetricValue"]').all()[:6]]


def wait_for_numbers(page) -> None:
    """A saved scenario's notice (or a bad link's) is drawn before the numbers: wait for the numbers themselves."""
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=WAIT_MS)


def settle(page, ms: int = 1200) -> None:
    wait_until_idle(page)
    page.wait_for_timeout(ms)


def test_edit_save_and_open_the_link_in_a_fresh_browser(server, browser, artifacts) -> None:
    context = browser.new_context(viewport=VIEW)
    page, watch = open_page(context, server["base"] + "/scenarios")
    before = kpi_values(page)
    assert len(before) == 6 and all(v.strip() and v != "—" for v in before), before
    box = page.get_by_label("Budget of Search ads (Yandex Direct)", exact=True)
    box.fill("420000")
    box.press("Enter")
    page.wait_for_url(re.compile(r"budget=.*search_ads%3A420000|budget=.*search_ads:420000"), timeout=WAIT_MS)
    settle(page)
    edited = kpi_values(page)
    assert edited != before, "editing a budget changed the projection"

    page.get_by_role("tab", name="Save and compare").click()
    page.get_by_label("Name").fill("Meeting plan")
    page.get_by_label("Author").fill("Marketing")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"scenario=[a-z0-9]{8}"), timeout=WAIT_MS)
    settle(page)
    shared = page.url
    assert "budget=" not in shared
    assert kpi_values(page) == edited
    page.screenshot(path=str(artifacts / "scenarios-saved.png"), full_page=True)
    assert not watch.errors(), watch.errors()

    fresh = browser.new_context(viewport=VIEW)  # a colleague opening the link from the invitation
    page2, watch2 = open_page(fresh, shared)
    wait_for_numbers(page2)
    settle(page2)
    assert kpi_values(page2) == edited
    assert "Meeting plan" in page2.locator('[data-testid="stAlert"]').first.inner_text()
    assert page2.get_by_label("Budget of Search ads (Yandex Direct)", exact=True).input_value() == "420000"
    assert page2.url == shared
    page2.screenshot(path=str(artifacts / "scenarios-opened-by-link.png"), full_page=True)
    assert not page2.locator('[data-testid="stException"]').count()
    assert not watch2.errors(), watch2.errors()

    russian = browser.new_context(viewport={"width": 1440, "height": 2600})
    page3, watch3 = open_page(russian, shared + "&lang=ru")
    settle(page3)
    page3.get_by_role("tab", name="Что если: один канал").click()
    settle(page3, 800)
    assert page3.locator("h1").first.inner_text().strip() == "Сценарии бюджета"
    assert page3.locator(".js-plotly-plot").count() >= 2  # the curves and the what-if chart are drawn
    page3.screenshot(path=str(artifacts / "scenarios-ru.png"), full_page=True)
    assert not watch3.errors(), watch3.errors()
    for ctx in (russian, fresh, context):
        ctx.close()


def test_a_bad_scenario_link_shows_a_clear_message(server, browser, artifacts) -> None:
    context = browser.new_context(viewport=VIEW)
    page, watch = open_page(context, server["base"] + "/scenarios?scenario=nothere2")
    wait_for_numbers(page)
    settle(page)
    alert = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "was not found" in alert and "nothere2" in alert
    assert len(kpi_values(page)) == 6  # the baseline is shown instead
    assert "scenario=" not in page.url
    page.screenshot(path=str(artifacts / "scenarios-bad-link.png"))
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    context.close()


def test_a_budget_typed_as_1e12_is_refused_and_the_numbers_stay(server, browser, artifacts) -> None:
    """Typing "1e12" (a trillion) into a budget box: the page says it was not taken, names the limit, and the box,
    the numbers and the link stay as they were."""
    context = browser.new_context(viewport=VIEW)
    page, watch = open_page(context, server["base"] + "/scenarios")
    wait_for_numbers(page)
    settle(page)
    before, link = kpi_values(page), page.url
    box = page.get_by_label("Budget of Search ads (Yandex Direct)", exact=True)
    kept = box.input_value()
    box.fill("1e12")
    box.press("Enter")
    refusal = page.locator('[data-testid="stAlert"]', has_text="was not taken")
    refusal.wait_for(timeout=WAIT_MS)
    wait_for_numbers(page)
    settle(page)
    text = refusal.inner_text()
    assert "Search ads (Yandex Direct)" in text and "₽1,000,000,000,000" in text, text  # the value typed
    assert "budgets go up to ₽" in text and f"The box is back at ₽{int(kept):,}" in text, text
    assert box.input_value() == kept
    assert kpi_values(page) == before
    assert page.url == link
    page.screenshot(path=str(artifacts / "scenarios-budget-refused.png"))

    # the optimiser's total reads what is typed as a number too: "5e6" is five million, not 5
    total = page.get_by_label("Total budget to split, ₽", exact=True)
    total.fill("5e6")
    total.press("Enter")
    settle(page)
    assert total.input_value() == "5000000", total.input_value()
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    context.close()
