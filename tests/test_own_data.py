"""A company's own data: the store starts empty (setting or python -m connectors.init --empty), every page says
what to load and offers its templates, and the Data page removes the demo company after a backup that restores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from connectors import schema
from connectors.backup import backup_rows, backup_tables, remove_all_data, restore_tables
from connectors.store import DuckDBStore
from dashboard import registry
from dashboard.data import demo as demo_panel
from dashboard.i18n import t
from tests.conftest import ROOT
from tests.importing import copy_store
from tests.test_data_page import all_text, app_settings, data_page


def counts(store) -> dict[str, int]:
    """Rows of every table, by plain SQL."""
    return {tb.name: int(store.execute_sql(f'SELECT count(*) AS n FROM "{tb.name}"')["n"][0])
            for tb in schema.metadata.sorted_tables}


def open_page(file: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    if file != "pages/overview.py":
        at.switch_page(file).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture()
def empty_app(app_env, tmp_path):
    """The app on a data folder of its own with DASHBOARD_START_EMPTY=1: its first start creates empty tables."""
    with app_settings(data_dir=str(tmp_path), db_url="", start_empty="1"):
        yield tmp_path


def test_start_empty_creates_the_tables_without_the_demo_and_every_page_says_what_to_load(empty_app) -> None:
    for page in registry.PAGES:
        at = open_page(page.file)
        text = all_text(at)
        assert t("nodata.sidebar", "en") in text, page.key
        if page.key == "data":
            assert t("data.empty", "en") in text
            assert not any(e.label == t("demo.remove", "en") for e in at.expander)  # no demo to remove
            continue
        assert not at.metric, (page.key, [(m.label, m.value) for m in at.metric])  # no zeros shown as results
        notice = [i.value for i in at.info if "none of them holds data yet" in i.value]
        assert notice, page.key
        for table in page.needs:
            assert t(f"table.{table}", "en") in notice[0], (page.key, table)
        labels = sorted(b.label for b in at.get("download_button"))  # one template per table the page needs
        assert labels == sorted(t("nodata.template", "en", table=t(f"table.{n}", "en")) for n in page.needs), page.key
    store = DuckDBStore(empty_app / "dashboard.duckdb")
    assert store.exists()
    assert sum(n for name, n in counts(store).items() if name != "meta") == 0
    assert store.get_meta("demo_scale") is None


def test_init_empty_creates_the_tables_and_names_the_database(tmp_path) -> None:
    target = tmp_path / "own.duckdb"
    run = subprocess.run([sys.executable, "-m", "connectors.init", "--empty", "--db", str(target)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == f"database: duckdb:///{target}"
    store = DuckDBStore(target)
    assert store.exists() and store.get_meta("schema_version") == "1"
    assert sum(n for name, n in counts(store).items() if name != "meta") == 0
    store.write_frames({"channels": pl.DataFrame(
        {"channel_id": ["own"], "name": ["Own"], "name_ru": [None], "pillar": ["sales"], "kind": ["paid"]})})
    again = subprocess.run([sys.executable, "-m", "connectors.init", "--empty", "--db", str(target)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "channels 1" in again.stdout  # nothing dropped or emptied
    assert counts(store)["channels"] == 1


def test_the_data_page_removes_the_demo_after_a_backup_that_restores(app_env, small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    before = counts(store)
    assert before["orders"] > 0 and before["meta"] > 2
    with app_settings(data_dir=str(tmp_path), db_url=""):
        at = data_page()
        assert t("demo.remove", "en") in [e.label for e in at.expander]
        button = at.button(key=demo_panel.REMOVE)
        assert button.disabled  # nothing happens without the confirmation
        at.checkbox(key=demo_panel.CONFIRM).check().run()
        at.button(key=demo_panel.REMOVE).click().run()
        assert not at.exception, at.exception
        assert any("The demo company was removed" in s.value for s in at.success)
        assert t("data.empty", "en") in all_text(at)
        assert t("demo.remove", "en") not in [e.label for e in at.expander]
    after = counts(store)
    assert {name: n for name, n in after.items() if name != "meta"} == dict.fromkeys(
        (name for name in after if name != "meta"), 0)
    assert store.get_meta("demo_truth") is None and store.get_meta("schema_version") == "1"
    backups = sorted((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and not backups[0].name.endswith(".partial")
    assert backup_rows(backups[0]) == before
    restore_tables(store, backups[0])
    restored = counts(store)
    assert {k: v for k, v in restored.items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    assert store.get_meta("demo_scale") == "small"


def test_backup_remove_restore_without_the_page(small_store, tmp_path: Path) -> None:
    store = copy_store(small_store, tmp_path)
    before, version = counts(store), int(store.data_version())
    folder = backup_tables(store, tmp_path / "backups")
    remove_all_data(store)
    assert int(store.data_version()) == version + 1  # every cached view is recomputed
    assert sum(n for name, n in counts(store).items() if name != "meta") == 0
    restore_tables(store, folder)
    assert {k: v for k, v in counts(store).items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    assert int(store.data_version()) > version + 1
