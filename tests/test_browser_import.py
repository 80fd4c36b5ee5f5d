"""The import wizard in a real browser (headless Chromium): a good file goes all the way through,
a bad one stops with a readable report and nothing written. Screenshots: tests/artifacts/import-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.importing import copy_store
from tests.browser_support import WAIT_MS, Watch, app_server, require_chromium, wait_until_idle
from tests.test_import import bad_spend_file

pytestmark = pytest.mark.browser

GOOD = ("Дата;ID кампании;Расход\n"
        "01.10.2026;display_tver;1 234,50\n"
        "02.10.2026;display_tver;987,25\n").encode("cp1251")


@pytest.fixture(scope="module")
def import_server(small_store, tmp_path_factory) -> Iterator[dict]:
    """An app of its own on a copy of the small demo: these tests write into its database."""
    require_chromium()
    data_dir = tmp_path_factory.mktemp("browser-import")
    store = copy_store(small_store, data_dir)
    with app_server(data_dir) as running:
        yield {**running, "store": store}


def open_data_page(browser, base: str, lang: str = "en"):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{base}/data" + ("?lang=ru" if lang == "ru" else ""))
    page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached", timeout=WAIT_MS)
    wait_until_idle(page)
    return context, page, watch


def upload(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def test_the_wizard_imports_a_good_file(import_server, browser, artifacts, tmp_path) -> None:
    store = import_server["store"]
    before = store.execute_sql("SELECT count(*) AS n FROM import_log")["n"][0]
    context, page, watch = open_data_page(browser, import_server["base"])
    upload(page, tmp_path, "october.csv", GOOD)
    page.get_by_text("encoding cp1251").wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(artifacts / "import-1-detected.png"), full_page=True)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("No errors: the file can be imported.").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifacts / "import-2-checked.png"), full_page=True)
    page.get_by_role("button", name="Import into spend").click()
    page.get_by_text("rows added").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(500)
    page.get_by_text("rows added").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "import-3-done.png"), full_page=True)
    assert "Imported into spend: 0 rows added, 2 updated" in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    assert store.execute_sql("SELECT count(*) AS n FROM import_log")["n"][0] == before + 1
    amounts = store.execute_sql("SELECT amount FROM spend WHERE campaign_id = 'display_tver' "
                                "AND day BETWEEN DATE '2026-10-01' AND DATE '2026-10-02' ORDER BY day")
    assert amounts["amount"].to_list() == [1234.5, 987.25]
    context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_wizard_stops_a_bad_file_with_a_readable_report(import_server, browser, artifacts, tmp_path, lang) -> None:
    store = import_server["store"]
    version = store.data_version()
    context, page, watch = open_data_page(browser, import_server["base"], lang)
    upload(page, tmp_path, "bad.csv", bad_spend_file())
    page.get_by_role("button", name="Check the file" if lang == "en" else "Проверить файл").click()
    message = "5 problem(s) must be fixed first" if lang == "en" else "Нужно исправить проблем: 5"
    page.get_by_text(message).wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifacts / f"import-bad-{lang}.png"), full_page=True)
    report = page.locator("body").inner_text()
    rows = "Rows" if lang == "en" else "Строки"
    for row in ("2", "3", "4", "5, 6", "7"):
        assert f"{rows}: {row}" in report, report  # every problem with its rows, as readable text
    assert ("Did you mean “search_ads”?" if lang == "en" else "имелось в виду «search_ads»") in report
    importer = page.get_by_role("button", name="Import into spend" if lang == "en" else "Импортировать в spend")
    assert importer.is_disabled()
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    assert store.data_version() == version
    context.close()
