"""Hostile or broken database settings: passwords never shown, clear messages instead of exception boxes."""

from __future__ import annotations

import logging
import subprocess
import sys
import time

import pytest
from streamlit.testing.v1 import AppTest

from connectors.store import DuckDBStore, SQLAlchemyStore, StoreBusy, StoreError, safe_url
from tests.conftest import ROOT
from tests.importing import YANDEX_CP1251, copy_store
from tests.test_data_page import all_text, app_settings
from tests.test_load_cli import run_cli

QUERY_PASSWORD = "postgresql+psycopg://user:secret1@/db?host=/nonexistent&password=secret2&sslpassword=secret3"


def test_a_password_in_the_query_is_masked_like_the_one_in_the_user_part() -> None:
    shown = safe_url(QUERY_PASSWORD)
    assert shown == "postgresql+psycopg://user:***@/db?host=/nonexistent&password=***&sslpassword=***"
    assert safe_url("postgresql://u@h/db?application_name=a&sslmode=require") == \
        "postgresql://u@h/db?application_name=a&sslmode=require"


def test_connection_errors_hold_no_secret_of_the_query(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    store = SQLAlchemyStore(QUERY_PASSWORD)
    with pytest.raises(StoreError) as exc:
        store.exists()
    assert "/nonexistent" in str(exc.value)  # the real cause is there
    for secret in ("secret1", "secret2", "secret3"):
        assert secret not in str(exc.value) and secret not in store.display_url and secret not in caplog.text


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/sales.py", "pages/data.py"])
def test_pages_never_show_a_password_from_the_query(app_env, caplog, page) -> None:
    caplog.set_level(logging.DEBUG)
    with app_settings(db_url=QUERY_PASSWORD):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        if page != "pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, at.exception
        assert at.error and "password=***" in " ".join(e.value for e in at.error)
        shown = all_text(at)
    for secret in ("secret1", "secret2", "secret3"):
        assert secret not in shown and secret not in caplog.text


@pytest.mark.parametrize("target", ["/etc/passwd", "/etc"])
def test_a_path_that_is_no_duckdb_database_gets_a_message(app_env, target) -> None:
    with app_settings(db_url=f"duckdb:///{target}"):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        assert not at.exception, at.exception
        shown = " ".join(e.value for e in at.error)
        assert "cannot be used" in shown and "DASHBOARD_DB_URL" in shown, shown
        assert "IO Error" not in shown and "/etc/" not in shown
    with pytest.raises(StoreError, match="cannot be used"):
        DuckDBStore(target).exists()


def test_the_cli_names_a_bad_database_file_without_a_traceback(tmp_path) -> None:
    f = tmp_path / "direct.csv"
    f.write_bytes(YANDEX_CP1251.encode("cp1251"))
    out = run_cli(str(f), "--table", "spend", "--preset", "yandex_direct", "--db", "/etc/passwd")
    assert out.returncode == 2, out.stdout + out.stderr
    assert "not a DuckDB database" in out.stderr and "Traceback" not in out.stderr


def test_the_data_page_names_the_database_file_but_not_its_folder(app_env, small_store, tmp_path) -> None:
    copy_store(small_store, tmp_path)
    with app_settings(data_dir=str(tmp_path), db_url=""):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/data.py").run()
        assert not at.exception, at.exception
        shown = all_text(at)
    assert "dashboard.duckdb" in [c.value for c in at.code]
    assert str(tmp_path) not in shown


HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(30)"


def test_the_busy_message_names_the_holder_and_guesses_nothing(small_store, tmp_path) -> None:
    db = copy_store(small_store, tmp_path).path
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(StoreBusy) as exc:
            DuckDBStore(db, busy_timeout_s=0.5).data_version()
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
    message = str(exc.value)
    assert f"process {holder.pid}" in message and "dashboard.duckdb" in message, message
    assert "for example" not in message and str(tmp_path) not in message
