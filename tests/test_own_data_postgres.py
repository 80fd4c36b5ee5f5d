"""Imports written to PostgreSQL: the same new / changed semantics as the embedded DuckDB file, one transaction
(a failure anywhere leaves the database as it was), the command line writing where DASHBOARD_DB_URL points."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import polars as pl
import pytest
import sqlalchemy as sa

from connectors import schema, sql_bulk
from connectors.demo import load_demo
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.scenarios import list_scenarios, save_scenario
from connectors.store import SQLAlchemyStore, StoreError
from tests import pg
from tests.conftest import ROOT
from tests.importing import YANDEX_CP1251, copy_store
from tests.test_data_page import app_settings, data_page, upload

pytestmark = pytest.mark.postgres
MB = 2**20
OVERLAP = ("Дата;Кампания;№ Кампании;Показы;Клики;Расход (руб.)\n"
           "02.10.2026;Поиск · Москва · осень;70011;11 900;388;1 150 000,00\n"  # corrected amount
           "01.10.2026;\"Поиск; Тверь\";70012;3 200;95;8 400,5\n"  # unchanged
           "03.10.2026;\"Поиск; Тверь\";70012;2 000;50;5 000\n")  # new day


def new_database(server: pg.Server, name: str) -> str:
    """A fresh, empty database on the test server (dropped first if a previous run left it); its URL."""
    admin = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
    quoted = admin.dialect.identifier_preparer.quote(name)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
    admin.dispose()
    return server.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def own_pg(pg_server) -> SQLAlchemyStore:
    """The small demo in a database of its own (the session's PostgreSQL demo is never written)."""
    store = SQLAlchemyStore(new_database(pg_server, "own_data"))
    load_demo(store, "small", seed=42)
    yield store
    store.close()


def counts(store) -> dict[str, int]:
    """Rows of every table, by plain SQL."""
    return {t.name: int(store.execute_sql(f'SELECT count(*) AS n FROM "{t.name}"')["n"][0])
            for t in schema.metadata.sorted_tables}


def yd_spend(store) -> list[tuple]:
    return store.execute_sql("SELECT day, campaign_id, amount, impressions, clicks FROM spend "
                             "WHERE campaign_id LIKE :p ORDER BY day, campaign_id", {"p": "yd_%"}).rows()


def test_postgres_takes_imports_only_when_it_may(pg_server, own_pg, tmp_path) -> None:
    assert own_pg.writable
    assert not SQLAlchemyStore(pg_server.url, read_only=True).writable
    sqlite = SQLAlchemyStore(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert not sqlite.writable and sqlite.count_changes("spend", pl.DataFrame()) is None
    with pytest.raises(StoreError, match="read-only"):
        sqlite.write_import("spend", pl.DataFrame(), parents={}, log={}, meta={})


def test_imports_into_postgres_count_and_write_like_duckdb(own_pg, small_store, tmp_path) -> None:
    duck = copy_store(small_store, tmp_path)
    results = {}
    for name, store in (("duckdb", duck), ("postgres", own_pg)):
        before = int(store.data_version())
        first = plan_import(store, YANDEX_CP1251.encode("cp1251"), "a.csv",
                            ImportRequest("spend", preset="yandex_direct"), max_bytes=MB)
        assert (first.rows_new, first.rows_changed, first.rows_same) == (3, 0, 0)
        r1 = apply_import(store, first, imported_by="anna")
        again = plan_import(store, YANDEX_CP1251.encode("cp1251"), "a.csv", ImportRequest("spend"), max_bytes=MB)
        assert again.mapping_source == "saved"  # the mapping was saved in this database's meta
        assert (again.rows_new, again.rows_changed, again.rows_same) == (0, 0, 3)
        plan = plan_import(store, OVERLAP.encode("cp1251"), "b.csv", ImportRequest("spend", preset="yandex_direct"),
                           max_bytes=MB)
        assert (plan.rows_new, plan.rows_changed, plan.rows_same) == (1, 1, 1)
        r2 = apply_import(store, plan)
        results[name] = ((r1.rows_added, r1.rows_updated, r1.campaigns_created),
                         (r2.rows_added, r2.rows_updated, r2.campaigns_created), yd_spend(store))
        assert int(store.data_version()) == before + 2
        log = store.execute_sql("SELECT file_name, rows_added, rows_updated, imported_by FROM import_log "
                                "ORDER BY import_id DESC LIMIT 2").rows()
        assert log == [("b.csv", 1, 1, None), ("a.csv", 3, 0, "anna")]
    assert results["postgres"] == results["duckdb"]
    assert results["postgres"][:2] == ((3, 0, 2), (1, 1, 0))
    rows = results["postgres"][2]
    assert len(rows) == 4 and [r[2] for r in rows if r[0] == dt.date(2026, 10, 2)] == [1150000.0]


def test_a_constraint_violation_in_a_later_batch_leaves_postgres_unchanged(own_pg, monkeypatch) -> None:
    monkeypatch.setattr(sql_bulk, "BATCH_ROWS", 2)
    before, version = counts(own_pg), own_pg.data_version()
    campaign = own_pg.execute_sql("SELECT campaign_id, channel_id FROM campaigns ORDER BY campaign_id LIMIT 1").row(0)
    days = [dt.date(2031, 1, d) for d in (1, 2, 3, 4)]
    frame = pl.DataFrame({"day": days, "campaign_id": [campaign[0]] * 4, "channel_id": [campaign[1]] * 4,
                          "amount": [1.0, 2.0, 3.0, -4.0]})  # loaded in two batches; the last row breaks ck_spend_amount
    channel = pl.DataFrame({"channel_id": ["kill_test"], "name": ["Kill test"], "name_ru": [None],
                            "pillar": ["sales"], "kind": ["paid"]})
    with pytest.raises(StoreError, match="ck_spend_amount"):
        own_pg.write_import("spend", frame, parents={"channels": channel, "campaigns": pl.DataFrame()},
                            log={"imported_at": dt.datetime(2031, 1, 5), "table_name": "spend"}, meta={"x": "1"})
    assert counts(own_pg) == before and own_pg.data_version() == version
    assert own_pg.get_meta("x") is None


def test_a_forced_failure_after_the_rows_leaves_postgres_unchanged(own_pg, monkeypatch) -> None:
    plan = plan_import(own_pg, OVERLAP.replace(".10.2026", ".11.2026").encode("cp1251"), "c.csv",
                       ImportRequest("spend", preset="yandex_direct"), max_bytes=MB)
    assert plan.ok and plan.rows_new == 3
    before, version, spend = counts(own_pg), own_pg.data_version(), yd_spend(own_pg)

    def boom(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(sql_bulk, "set_meta", boom)  # after the campaigns, the rows and the log entry
    with pytest.raises(RuntimeError, match="connection lost"):
        apply_import(own_pg, plan)
    assert counts(own_pg) == before and own_pg.data_version() == version and yd_spend(own_pg) == spend


def test_app_tables_are_created_where_missing_and_never_dropped(pg_server) -> None:
    store = SQLAlchemyStore(new_database(pg_server, "own_app_tables"))
    with store.engine.begin() as conn:  # a company database holding only its own orders
        schema.orders.create(conn)
        conn.execute(schema.orders.insert().values(order_id=1, customer_id=1, ordered_at=dt.datetime(2026, 1, 1),
                                                   region="Тверь", revenue=10.0, cost_of_goods=4.0))
    store.ensure_app_tables()
    store.ensure_app_tables()  # idempotent
    present = set(sa.inspect(store.engine).get_table_names())
    assert present == {"orders", "scenarios", "import_log", "meta", "lift_tests"}
    assert store.execute_sql("SELECT count(*) AS n FROM orders")["n"][0] == 1
    sid = save_scenario(store, name="Q1", author="anna", note=None, payload={"budget": 1})
    assert list_scenarios(store)["scenario_id"].to_list() == [sid]
    store.close()


def test_the_wizard_imports_into_postgres(app_env, own_pg) -> None:
    before = own_pg.execute_sql("SELECT count(*) AS n FROM spend")["n"][0]
    with app_settings(db_url=own_pg.url, read_only="0"):
        at = data_page()
        at.selectbox(key="imp_preset").select("yandex_direct").run()
        upload(at, "direct_august.csv", OVERLAP.replace(".10.2026", ".08.2026").encode("cp1251"))
        at.button(key="imp_check").click().run()
        assert not at.exception and not at.error
        assert [m.value for m in at.metric[:4]] == ["3", "3", "0", "0"]  # rows, new, changed, already loaded
        at.button(key="imp_import").click().run()
        assert not at.exception
        assert any("3 rows added, 0 updated" in s.value for s in at.success)
    assert own_pg.execute_sql("SELECT count(*) AS n FROM spend")["n"][0] == before + 3
    last = own_pg.execute_sql("SELECT file_name, source, rows_added FROM import_log ORDER BY import_id DESC LIMIT 1")
    assert last.row(0) == ("direct_august.csv", "upload", 3)


def run_load(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {**os.environ, "DASHBOARD_READ_ONLY": "0", **env}
    return subprocess.run([sys.executable, "-m", "connectors.load", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=180, env=full)


def test_the_command_line_writes_to_dashboard_db_url_and_names_it_masked(own_pg, small_store, tmp_path) -> None:
    embedded = copy_store(small_store, tmp_path / "data")
    embedded_bytes = embedded.path.read_bytes()
    f = tmp_path / "direct.csv"
    f.write_bytes(OVERLAP.replace(".10.2026", ".09.2026").encode("cp1251"))
    before = own_pg.execute_sql("SELECT count(*) AS n FROM spend")["n"][0]
    env = {"DASHBOARD_DB_URL": own_pg.url, "DASHBOARD_DATA_DIR": str(tmp_path / "data")}
    out = run_load(str(f), "--table", "spend", "--preset", "yandex_direct", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[0] == f"database: {own_pg.display_url}"
    assert "***" in own_pg.display_url and "127.0.0.1" in own_pg.display_url
    assert pg.PASSWORD not in out.stdout + out.stderr
    assert f"Written to {own_pg.display_url}." in out.stdout
    assert own_pg.execute_sql("SELECT count(*) AS n FROM spend")["n"][0] == before + 3
    assert embedded.path.read_bytes() == embedded_bytes  # the embedded file is untouched

    refused = run_load(str(f), "--table", "spend", env={**env, "DASHBOARD_READ_ONLY": "1"})
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "read-only" in refused.stderr and "***" in refused.stderr and pg.PASSWORD not in refused.stderr
    sqlite = run_load(str(f), "--table", "spend", "--url", f"sqlite:///{tmp_path / 'x.sqlite'}", env=env)
    assert sqlite.returncode == 2 and "read-only" in sqlite.stderr
    assert own_pg.execute_sql("SELECT count(*) AS n FROM spend")["n"][0] == before + 3


def test_removing_the_data_of_postgres_backs_up_and_restores(own_pg, tmp_path) -> None:
    from connectors.backup import backup_rows, backup_tables, remove_all_data, restore_tables

    before = counts(own_pg)
    folder = backup_tables(own_pg, tmp_path / "backups")
    assert backup_rows(folder) == before
    remove_all_data(own_pg)
    assert {k: v for k, v in counts(own_pg).items() if k != "meta"} == dict.fromkeys(
        (k for k in before if k != "meta"), 0)
    assert own_pg.get_meta("demo_truth") is None and own_pg.get_meta("schema_version") == "1"
    restore_tables(own_pg, folder)
    assert {k: v for k, v in counts(own_pg).items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    assert own_pg.get_meta("demo_scale") == "small"


def test_init_empty_creates_the_tables_in_postgres_and_names_it_masked(pg_server) -> None:
    url = new_database(pg_server, "own_init")
    run = subprocess.run([sys.executable, "-m", "connectors.init", "--empty", "--url", url], cwd=ROOT,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    store = SQLAlchemyStore(url)
    assert run.stdout.splitlines()[0] == f"database: {store.display_url}" and "***" in run.stdout
    assert pg.PASSWORD not in run.stdout + run.stderr
    assert set(sa.inspect(store.engine).get_table_names()) == set(schema.metadata.tables)
    assert {k: v for k, v in counts(store).items() if k != "meta"} == dict.fromkeys(
        (tb.name for tb in schema.metadata.sorted_tables if tb.name != "meta"), 0)
    assert store.writable and store.get_meta("schema_version") == "1"
    store.close()
