"""The own-data path in a real browser (headless Chromium): an app started empty says what to load; the templates'
example files, imported with the command line while the app runs (channels first, as documented), show on the
Overview, with the periods ending on the last day both orders and spend cover; with every template in, every page
opens and shows numbers or says what it needs. The same with the data in PostgreSQL, every page included.
Screenshots: tests/artifacts/own-data-*.png."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from connectors.export import csv_bytes
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.imports.templates import ORDER, template
from connectors.store import DuckDBStore, SQLAlchemyStore
from dashboard.i18n import fmt_date, fmt_money
from tests.browser_support import WAIT_MS, app_server, metric_values, open_page, require_chromium, wait_until_idle
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory) -> Iterator[dict]:
    require_chromium()
    data_dir = tmp_path_factory.mktemp("browser-own-data")
    with app_server(data_dir, DASHBOARD_START_EMPTY="1", DASHBOARD_WARM_UP="0") as running:
        yield running


def load(path, table: str, db, *extra: str) -> None:
    run = subprocess.run([sys.executable, "-m", "connectors.load", str(path), "--table", table, "--db", str(db),
                          "--wait", "120", *extra], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[0] == f"database: duckdb:///{db}"


def test_an_empty_start_then_the_templates_imported_show_on_the_overview(empty_server, browser, artifacts,
                                                                          tmp_path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page, watch = open_page(context, empty_server["base"])
    page.get_by_text("No data yet").first.wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Template: Social posts").wait_for(timeout=WAIT_MS)
    assert page.get_by_role("button", name="Template: Orders").count() == 1
    assert not metric_values(page)  # no zeros that look like results
    page.screenshot(path=str(artifacts / "own-data-1-empty.png"), full_page=True)

    db = empty_server["data_dir"] / "dashboard.duckdb"
    for table in ("channels", "spend", "orders"):  # the documented order: no channel to create by hand
        (tmp_path / f"{table}.csv").write_bytes(csv_bytes(template(table)))
        load(tmp_path / f"{table}.csv", table, db)

    page.close()
    assert_overview_shows_the_templates(context, empty_server["base"], artifacts / "own-data-2-imported.png")
    context.close()


def assert_overview_shows_the_templates(context, base: str, screenshot) -> None:
    """The Overview with the spend and orders templates loaded: the revenue up to the last day both cover."""
    spend, orders = template("spend"), template("orders")
    # the periods end on the last day both sources cover: spend's, before the second order
    anchor = min(spend["day"].max(), orders["ordered_at"].max().date())
    revenue = float(orders.filter(orders["ordered_at"].dt.date() <= anchor)["revenue"].sum())
    assert 0 < revenue < float(orders["revenue"].sum())
    page, watch = open_page(context, base)
    page.get_by_text("Revenue").first.wait_for(timeout=WAIT_MS)
    wait_until_idle(page)
    page.screenshot(path=str(screenshot), full_page=True)
    assert fmt_money(revenue, "en", "RUB") in metric_values(page)
    banner = page.locator('[data-testid="stAlert"]', has_text="Sources end on different days").inner_text()
    assert f"Orders up to {fmt_date(orders['ordered_at'].max().date(), 'en')}" in banner
    assert f"Spend up to {fmt_date(spend['day'].max(), 'en')}" in banner
    assert f"Data up to {fmt_date(anchor, 'en')}" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    page.close()


def test_the_own_data_path_on_postgresql_shows_the_templates_on_the_overview(pg_server, browser, artifacts,
                                                                             tmp_path) -> None:
    """The same path with the data in PostgreSQL: an empty database, the templates imported in the documented order
    (channels first: no channel created by hand), the app started on DASHBOARD_DB_URL."""
    from tests.test_own_data_postgres import new_database

    require_chromium()
    store = SQLAlchemyStore(new_database(pg_server, "own_browser"))
    store.ensure_schema()
    def load_all(tables) -> None:
        for table in tables:
            plan = plan_import(store, csv_bytes(template(table)), f"{table}.csv", ImportRequest(table),
                               max_bytes=2**20)
            assert plan.ok, plan.problems
            apply_import(store, plan, imported_by="anna")

    load_all(("channels", "spend", "orders"))
    with app_server(tmp_path, DASHBOARD_DB_URL=store.url, DASHBOARD_READ_ONLY="0",
                    DASHBOARD_WARM_UP="0") as running:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        assert_overview_shows_the_templates(context, running["base"], artifacts / "own-data-3-postgres.png")
        load_all(t for t in ORDER if t not in ("channels", "spend", "orders"))  # the app sees the new version
        assert_every_page_opens(context, running["base"], artifacts, "own-data-postgres-page")
        context.close()
    store.close()


def test_every_page_opens_on_the_templates_alone(empty_server, browser, artifacts, tmp_path) -> None:
    """With every template imported (in the documented order) into the empty start, each registered page opens
    without an error and shows numbers or says plainly what it still needs."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    open_page(context, empty_server["base"])[0].close()  # the first visit creates the empty database
    # the import the command line and the wizard share, from this process while the app runs (the test above
    # runs the command line itself); a table imported before reimports as nothing
    store = DuckDBStore(empty_server["data_dir"] / "dashboard.duckdb")
    for table in ORDER:
        plan = plan_import(store, csv_bytes(template(table)), f"{table}.csv", ImportRequest(table), max_bytes=2**20)
        assert plan.ok, (table, plan.problems)
        apply_import(store, plan, imported_by="anna")
    assert_every_page_opens(context, empty_server["base"], artifacts, "own-data-page")
    context.close()


def assert_every_page_opens(context, base: str, artifacts, prefix: str) -> None:
    """Each registered page opens without an error and shows numbers, or says plainly what it still needs."""
    from dashboard.registry import PAGES

    for registered in PAGES:
        page, watch = open_page(context, f"{base}/{registered.url_path}")
        page.screenshot(path=str(artifacts / f"{prefix}-{registered.key}.png"), full_page=True)
        assert not page.locator('[data-testid="stException"]').count(), registered.key
        shown = page.locator('[data-testid="stMetricValue"], [data-testid="stAlert"], [data-testid="stDataFrame"]')
        assert shown.count(), registered.key
        assert not watch.errors(), (registered.key, watch.errors())
        page.close()
