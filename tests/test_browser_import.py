"""The import wizard in a real browser (headless Chromium): a good file goes all the way through,
a bad one stops with a readable report and nothing written. Screenshots: tests/artifacts/import-*.png."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.importing import copy_store
from tests.test_browser import ARGS, CHROMIUM, Watch, _free_port
from tests.test_import import bad_spend_file

pytestmark = pytest.mark.browser

GOOD = ("Дата;ID кампании;Расход\n"
        "01.10.2026;display_tver;1 234,50\n"
        "02.10.2026;display_tver;987,25\n").encode("cp1251")


@pytest.fixture(scope="module")
def server(small_store, tmp_path_factory) -> Iterator[dict]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")
    data_dir = tmp_path_factory.mktemp("browser-import")
    store = copy_store(small_store, data_dir)
    port = _free_port()
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir), "DASHBOARD_DB_URL": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the app did not become healthy")
    yield {"base": base, "store": store, "data_dir": data_dir}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_data_page(browser, base: str, lang: str = "en"):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{base}/data" + ("?lang=ru" if lang == "ru" else ""))
    page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached", timeout=60_000)
    page.wait_for_load_state("networkidle")
    return context, page, watch


def upload(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def test_the_wizard_imports_a_good_file(server, browser, artifacts, tmp_path) -> None:
    store = server["store"]
    before = store.execute_sql("SELECT count(*) AS n FROM import_log")["n"][0]
    context, page, watch = open_data_page(browser, server["base"])
    upload(page, tmp_path, "october.csv", GOOD)
    page.get_by_text("encoding cp1251").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "import-1-detected.png"), full_page=True)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("No errors: the file can be imported.").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifacts / "import-2-checked.png"), full_page=True)
    page.get_by_role("button", name="Import into spend").click()
    page.get_by_text("rows added").wait_for(timeout=30_000)
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
def test_the_wizard_stops_a_bad_file_with_a_readable_report(server, browser, artifacts, tmp_path, lang) -> None:
    store = server["store"]
    version = store.data_version()
    context, page, watch = open_data_page(browser, server["base"], lang)
    upload(page, tmp_path, "bad.csv", bad_spend_file())
    page.get_by_role("button", name="Check the file" if lang == "en" else "Проверить файл").click()
    message = "5 problem(s) must be fixed first" if lang == "en" else "Нужно исправить проблем: 5"
    page.get_by_text(message).wait_for(timeout=30_000)
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
