"""Both stores honour the Store protocol: the same members, one execute_sql signature, capabilities not classes."""

from __future__ import annotations

import datetime as dt
import typing

import polars as pl
import pytest

from connectors import schema
from connectors.imports import ImportBlocked, ImportRequest, apply_import, plan_import
from connectors.store import DuckDBStore, SQLAlchemyStore, Store, StoreError
from tests.importing import copy_store

MB = 2**20


def protocol_members() -> set[str]:
    names = {n for n in vars(Store) if not n.startswith("_")}
    return names | set(typing.get_type_hints(Store))


@pytest.fixture
def sqlite_store(tmp_path) -> SQLAlchemyStore:
    store = SQLAlchemyStore(f"sqlite:///{tmp_path / 'external.sqlite'}")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture
def duck(tmp_path) -> DuckDBStore:
    store = DuckDBStore(tmp_path / "tiny.duckdb")
    store.ensure_schema()
    return store


def test_both_stores_have_every_member_of_the_protocol(duck, sqlite_store) -> None:
    members = protocol_members()
    assert {"writable", "can_build_demo", "execute_sql", "count_changes", "write_import"} <= members
    for store in (duck, sqlite_store):
        missing = sorted(m for m in members if not hasattr(store, m))
        assert missing == [], f"{type(store).__name__} lacks {missing}"


def test_capabilities(duck, sqlite_store) -> None:
    assert (duck.writable, duck.can_build_demo) == (True, True)
    assert (sqlite_store.writable, sqlite_store.can_build_demo) == (False, False)


SQL = "SELECT CAST(:day AS DATE) AS day, :n + 1 AS n, :name AS name, 'a:b' AS literal"
PARAMS = {"day": dt.date(2026, 10, 31), "n": 41, "name": "O'Brien; DROP TABLE spend"}


def test_execute_sql_takes_named_parameters_on_every_engine(duck, sqlite_store) -> None:
    got = duck.execute_sql(SQL, PARAMS)
    assert got.rows() == [(dt.date(2026, 10, 31), 42, "O'Brien; DROP TABLE spend", "a:b")]
    other = sqlite_store.execute_sql("SELECT :n + 1 AS n, :name AS name, 'a:b' AS literal",
                                     {"n": 41, "name": PARAMS["name"]})
    assert other.rows() == [(42, "O'Brien; DROP TABLE spend", "a:b")]


def test_execute_sql_without_parameters(duck) -> None:
    assert duck.execute_sql("SELECT count(*) AS n FROM channels")["n"].to_list() == [0]


@pytest.mark.parametrize("params", [{"n": 1}, {"day": dt.date(2026, 1, 1), "n": 1, "name": "x", "extra": 1}])
def test_execute_sql_refuses_a_missing_or_unused_value(duck, sqlite_store, params) -> None:
    for store in (duck, sqlite_store):
        with pytest.raises(ValueError, match="placeholders and values differ"):
            store.execute_sql(SQL, params)


def test_count_changes_and_write_import_by_key(duck) -> None:
    channels = pl.DataFrame({"channel_id": ["search", "display"], "name": ["Search", "Display"],
                             "pillar": ["sales", "sales"], "kind": ["paid", "paid"]})
    duck.write_frames({"channels": channels.head(1)})
    assert duck.count_changes("channels", channels) == (1, 0)
    renamed = channels.with_columns(name=pl.Series(["Search ads", "Display"]))
    assert duck.count_changes("channels", renamed) == (1, 1)
    before = int(duck.data_version())
    log = {"imported_at": dt.datetime(2026, 11, 1, 9), "file_name": "c.csv", "file_hash": "h", "table_name": "channels",
           "imported_by": None, "source": "cli"}
    written = duck.write_import("channels", renamed, parents={}, log=log, meta={"k": "v"})
    assert (written.added, written.updated, written.import_id, written.created) == (1, 1, 1, {})
    assert int(written.data_version) == before + 1 == int(duck.data_version())
    assert duck.execute_sql("SELECT name FROM channels ORDER BY channel_id")["name"].to_list() == ["Display",
                                                                                                  "Search ads"]
    assert duck.get_meta("k") == "v"
    again = duck.write_import("channels", renamed, parents={}, log=log, meta={})
    assert (again.added, again.updated, again.import_id) == (0, 0, 2)
    assert duck.count_changes("channels", renamed) == (0, 0)


def test_a_read_only_store_counts_nothing_and_writes_nothing(sqlite_store) -> None:
    frame = pl.DataFrame({"channel_id": ["x"], "name": ["X"], "pillar": ["sales"], "kind": ["paid"]})
    assert sqlite_store.count_changes("channels", frame) is None
    with pytest.raises(StoreError, match="read-only"):
        sqlite_store.write_import("channels", frame, parents={}, log={}, meta={})
    assert sqlite_store.execute_sql("SELECT count(*) AS n FROM channels")["n"].to_list() == [0]


SPEND = "day,campaign_id,amount\n2026-10-01,search_ads_msk,100\n"


def test_an_import_into_a_read_only_store_is_blocked_before_anything_is_written(sqlite_store) -> None:
    sqlite_store.write_frames({
        "channels": pl.DataFrame({"channel_id": ["search_ads"], "name": ["Search"], "pillar": ["sales"],
                                  "kind": ["paid"]}),
        "campaigns": pl.DataFrame({"campaign_id": ["search_ads_msk"], "channel_id": ["search_ads"], "name": ["Moscow"],
                                   "region": ["Москва"]}),
    })
    version = sqlite_store.data_version()
    plan = plan_import(sqlite_store, SPEND.encode(), "s.csv", ImportRequest("spend"), max_bytes=MB)
    assert plan.ok, plan.problems
    assert (plan.rows_new, plan.rows_changed, plan.rows_same) == (None, None, None)
    with pytest.raises(ImportBlocked, match="read-only"):
        apply_import(sqlite_store, plan)
    assert sqlite_store.data_version() == version
    assert sqlite_store.query(schema.spend.select()).height == 0


def test_a_plan_on_the_embedded_store_counts_rows_by_key(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    day, campaign, amount = store.execute_sql(
        "SELECT day, campaign_id, amount FROM spend WHERE campaign_id = :c ORDER BY day LIMIT 2",
        {"c": "search_ads_msk"}).rows()[0]
    header = "day,campaign_id,amount\n"
    same = f"{day},{campaign},{amount}\n"
    changed = f"{day},{campaign},{amount + 1}\n"
    new = f"2030-01-01,{campaign},5\n"
    for text, want in ((same, (0, 0, 1)), (changed + new, (1, 1, 0))):
        plan = plan_import(store, (header + text).encode(), "s.csv", ImportRequest("spend"), max_bytes=MB,
                           today=dt.date(2030, 1, 2))
        assert plan.ok, plan.problems
        assert (plan.rows_new, plan.rows_changed, plan.rows_same) == want
