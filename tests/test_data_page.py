"""The Data page in AppTest: the wizard imports a good file and stops a bad one with the full report;
pages show the new data without a restart; an external database is read only and never shows its password."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import fmt_number
from tests.conftest import ROOT
from tests.importing import YANDEX_CP1251, copy_store, snapshot
from tests.overview_expected import Scope
from tests.test_app import assert_spend_lines, label, metrics_by_label
from tests.test_import import bad_spend_file


@contextlib.contextmanager
def app_settings(**env: str):
    """Run the app with other settings (the settings and store are cached per process: reset them)."""
    from dashboard import context as data

    keys = {f"DASHBOARD_{k.upper()}": v for k, v in env.items()}
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(keys)
    data.settings.clear()
    data._open.clear()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        data.settings.clear()
        data._open.clear()


def data_page(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception


def shown_rows(at: AppTest, table: str) -> str:
    frame = pl.from_pandas(at.dataframe[0].value)
    return frame.filter(pl.col("table") == table)["rows"][0]


def all_text(at: AppTest) -> str:
    """Every text the page shows (messages, code blocks, tables, sidebar)."""
    kinds = ("title", "subheader", "markdown", "caption", "info", "error", "warning", "success", "code", "text")
    parts = [str(e.value) for kind in kinds for e in getattr(at, kind)]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(parts)


@pytest.fixture()
def private_app(app_env, small_store, tmp_path):
    """The app on a private copy of the small demo (the session's demo is never written)."""
    store = copy_store(small_store, tmp_path)
    with app_settings(data_dir=str(tmp_path), db_url=""):
        yield store


def test_wizard_imports_a_good_file_and_pages_show_it_without_restart(private_app) -> None:
    store = private_app
    link = {"period": "custom", "from": "2026-10-01", "to": "2026-10-31", "ch": "search_ads"}
    overview = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for k, v in link.items():
        overview.query_params[k] = v
    overview.run()
    spend_before = [d for shown, _, d in metrics_by_label(overview) if shown == label("contribution", "en")]

    at = data_page()
    rows_before = shown_rows(at, "spend")
    at.selectbox(key="imp_preset").select("yandex_direct").run()
    upload(at, "direct_october.csv", YANDEX_CP1251.encode("cp1251"))
    page = " ".join(m.value for m in at.markdown)
    assert "encoding cp1251" in page and "separator ; (semicolon)" in page and "header on row 2" in page
    at.button(key="imp_check").click().run()
    assert not at.exception and not at.error
    assert [m.value for m in at.metric[:4]] == ["3", "3", "0", "0"]  # rows, new, changed, already loaded
    assert any("2 new campaign" in i.value for i in at.info)
    notes = pl.from_pandas(at.dataframe[2].value)  # the report: one note, the skipped totals row, on no row
    assert notes["severity"].to_list() == ["note"] and notes["rows"].to_list() == [""]
    at.button(key="imp_import").click().run()
    assert not at.exception
    assert any("3 rows added, 0 updated" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "imp_check"]  # the wizard starts again with an empty uploader
    assert shown_rows(at, "spend") == fmt_number(int(rows_before.replace(",", "")) + 3)
    history = pl.from_pandas(at.dataframe[1].value)
    assert history["file_name"].to_list() == ["direct_october.csv"]

    overview.run()  # the same session reruns: the new data version reaches the cached loaders
    spend_after = [d for shown, _, d in metrics_by_label(overview) if shown == label("contribution", "en")]
    assert_spend_lines(spend_after, store, Scope(dt.date(2026, 10, 1), dt.date(2026, 10, 31), ("search_ads",)), "en")
    assert spend_after != spend_before


def test_wizard_stops_a_bad_file_with_every_problem_and_writes_nothing(private_app) -> None:
    store = private_app
    before = snapshot(store)
    at = data_page()
    upload(at, "bad.csv", bad_spend_file())
    at.button(key="imp_check").click().run()
    assert not at.exception
    assert any("5 problem(s)" in e.value and "Nothing was written" in e.value for e in at.error)
    report = pl.from_pandas(at.dataframe[2].value)  # loaded tables, preview, report
    errors = report.filter(pl.col("severity") == "error")
    assert errors["rows"].to_list() == ["2", "3", "4", "5, 6", "7"]
    assert errors["hint"].str.len_chars().min() > 10
    assert at.button(key="imp_import").disabled
    from tests.importing import assert_same

    assert_same(before, snapshot(store))


def test_the_report_in_russian(private_app) -> None:
    at = data_page({"lang": "ru"})
    upload(at, "bad.csv", bad_spend_file())
    at.button(key="imp_check").click().run()
    report = pl.from_pandas(at.dataframe[2].value)
    assert "отрицательный" in " ".join(report["problem"].to_list())
    assert report["severity"].to_list()[0] == "ошибка"


def test_a_file_over_the_size_cap_is_refused_with_a_message(private_app) -> None:
    with app_settings(max_upload_mb="1"):
        at = data_page()
        upload(at, "big.csv", b"day;amount\n" + b"2026-10-01;1\n" * 100_000)
        assert any("larger than 1 MB" in e.value for e in at.error)


@pytest.mark.postgres
def test_external_database_is_read_only_and_never_shows_its_password(app_env, pg_server, pg_store, caplog) -> None:
    from tests import pg

    with app_settings(db_url=pg_server.url, read_only="1"):
        at = data_page()
        assert any("does not write to the database" in i.value and "***" in i.value for i in at.info)
        assert not at.file_uploader
        assert shown_rows(at, "orders") == fmt_number(pg_store.execute_sql("SELECT count(*) AS n FROM orders")["n"][0])
        everything = all_text(at)
        assert "***" in everything and pg.PASSWORD not in everything
    caplog.set_level(logging.DEBUG)
    for url in (pg_server.url_with(password="Wrong-" + pg.PASSWORD), pg_server.url_with(port=1)):
        with app_settings(db_url=url):
            at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
            at.run()
            assert at.error and not at.exception
            shown = " ".join(e.value for e in at.error)
            assert "***" in shown and pg.PASSWORD not in shown and "Wrong-" not in shown
    assert pg.PASSWORD not in caplog.text
