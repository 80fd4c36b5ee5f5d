"""PostgreSQL as the external database: fast all-or-nothing loads, and credentials never shown."""

from __future__ import annotations

import datetime as dt
import logging

import polars as pl
import pytest

from connectors import schema
from connectors.demo import build_demo
from connectors.read import read_fact
from connectors.store import SQLAlchemyStore, StoreError, safe_url
from tests import pg

pytestmark = pytest.mark.postgres


def test_a_failed_load_leaves_the_database_as_it_was(pg_store) -> None:
    version = pg_store.data_version()
    orders = read_fact(pg_store, "orders", columns=["order_id"]).height
    demo = build_demo("small", 7)
    frames = dict(demo.frames)
    frames["spend"] = frames["spend"].with_columns(  # the last row breaks a constraint: nothing may stay
        pl.when(pl.int_range(pl.len()) == pl.len() - 1).then(-1.0).otherwise(pl.col("amount")).alias("amount"))
    with pytest.raises(StoreError):
        pg_store.replace_all(frames, meta={"demo_seed": "7"})
    assert pg_store.data_version() == version
    assert read_fact(pg_store, "orders", columns=["order_id"]).height == orders
    assert pg_store.get_meta("demo_seed") == "42"


def test_a_load_leaves_planner_statistics_for_every_table_it_wrote(pg_store) -> None:
    # without them the first queries after a load are planned as if the tables were empty
    stats = pg_store.execute_sql(
        "SELECT relname, n_live_tup, last_analyze FROM pg_stat_user_tables WHERE relname IN ('orders', 'touchpoints')")
    assert stats.height == 2
    assert stats["last_analyze"].null_count() == 0, stats
    reltuples = pg_store.execute_sql("SELECT reltuples FROM pg_class WHERE relname = 'orders'").item()
    assert reltuples == pytest.approx(read_fact(pg_store, "orders", columns=["order_id"]).height, rel=0.01)


def test_appends_bump_the_data_version(pg_server, pg_store) -> None:
    store = SQLAlchemyStore(pg_server.url)
    before = int(store.data_version())
    extra = pl.DataFrame({"period": [dt.date(2020, 1, 1)], "question": ["pg-test"], "agree": [3], "n": [10]})
    store.write_frames({"brand_surveys": extra})
    assert int(store.data_version()) == before + 1
    got = store.execute_sql("SELECT agree, n FROM brand_surveys WHERE question = :q", {"q": "pg-test"})
    assert got.rows() == [(3, 10)]
    store.execute([schema.brand_surveys.delete().where(schema.brand_surveys.c.question == "pg-test")])
    store.close()


@pytest.mark.parametrize("how", ["wrong password", "nothing listening"])
def test_connection_failures_never_show_the_password(pg_server, caplog, how) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Zz9-" + pg.PASSWORD
    url = pg_server.url_with(password=secret) if how == "wrong password" else pg_server.url_with(password=secret,
                                                                                                   port=1)
    store = SQLAlchemyStore(url)
    assert secret not in store.display_url and "***" in store.display_url
    for action in (store.exists, store.data_version, lambda: read_fact(store, "orders")):
        with pytest.raises(StoreError) as exc:
            action()
        assert secret not in str(exc.value) and "***" in str(exc.value)
        assert exc.value.__cause__ is None or secret not in str(exc.value.__cause__)
    assert secret not in caplog.text
    assert safe_url("postgresql://u:p%40ss@h/db") == "postgresql://u:***@h/db"
