"""The Reputation page in a real browser: customer text with HTML and markdown shows literally,
charts are drawn, no errors, in English and Russian. Screenshots go to tests/artifacts/.

Runs on a copy of the session's small demo with one hostile review and one hostile NPS
comment added through the store's write API (one transaction).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from connectors import review_labels, schema
from connectors.store import DuckDBStore
from tests.browser_support import WAIT_MS, Watch, app_server, require_chromium, wait_until_idle

pytestmark = pytest.mark.browser

HOSTILE = ('<script>window.__xss = 1</script> **bold claim** [click me](javascript:alert(1)) '
           '<img src=x onerror="window.__xss = 2"> :red[colour] $x^2$')


@pytest.fixture(scope="module")
def hostile_server(small_store: DuckDBStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(small_store.path, folder / "dashboard.duckdb")
    store = DuckDBStore(folder / "dashboard.duckdb")
    review_id = store.execute_sql("SELECT max(review_id) + 1 FROM reviews").item()
    response_id = store.execute_sql("SELECT max(response_id) + 1 FROM nps_responses").item()
    when = dt.datetime(2026, 10, 31, 23, 0)
    store.execute([
        sa.insert(schema.reviews).values(
            review_id=review_id, source="vk", created_at=when, rating=None, sentiment=None, text=HOSTILE,
            language="en", region="Москва", customer_id=None, answered_at=None),
        sa.insert(schema.nps_responses).values(
            response_id=response_id, customer_id=1, responded_at=when, score=10, comment=HOSTILE, language="en",
            touchpoint="store", region="Москва", segment="retail"),
    ])
    review_labels.relabel(store)  # written by hand, as another program would: label it as an import does
    with app_server(folder) as running:
        yield running["base"]


def _open(browser, url: str):
    # tall enough for the whole page: Streamlit scrolls inside its own container, not the window
    context = browser.new_context(viewport={"width": 1440, "height": 7200})
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetricValue"], [data-testid="stException"]', timeout=WAIT_MS)
    wait_until_idle(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
    page.wait_for_timeout(1500)
    return context, page, watch


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_customer_text_shows_literally_and_charts_draw(hostile_server, browser, artifacts, lang) -> None:
    context, page, watch = _open(browser, f"{hostile_server}/reputation?lang={lang}")
    page.screenshot(path=str(artifacts / f"reputation-{lang}.png"))
    assert not page.locator('[data-testid="stException"]').count(), "an exception box is shown"
    assert not watch.errors(), watch.errors()
    body = page.locator("body").inner_text()
    # shown as typed, twice: the NPS comment and the review
    assert body.count("<script>window.__xss = 1</script> **bold claim** [click me](javascript:alert(1))") == 2
    assert body.count(':red[colour] $x^2$') == 2
    assert page.evaluate("() => window.__xss === undefined")
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("strong", has_text="bold claim").count() == 0
    assert page.locator(".katex").count() == 0  # no maths rendered from $...$
    # every chart is drawn: NPS trend, mix, three breakdowns, reviews ×2, ratings, responses ×2,
    # complaints ×3, brand trust
    assert page.locator(".js-plotly-plot").count() == 14
    context.close()
