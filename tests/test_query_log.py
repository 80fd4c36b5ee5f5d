"""The query log: every store query recorded with its page, label, rows, time and size; the Data page lists them."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa
import streamlit as st

from connectors import query_log
from connectors.store import DuckDBStore
from tests.test_app import run_app
from tests.test_data_page import app_settings

KEYS = {"ts", "page", "view", "label", "engine", "rows", "ms", "bytes"}
ITEMS = sa.table("items", sa.column("x", sa.Integer), sa.column("name", sa.String))


@pytest.fixture
def tiny(tmp_path: Path) -> DuckDBStore:
    path = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE items (x INTEGER, name VARCHAR)")
    con.execute("INSERT INTO items SELECT i, 'item ' || i FROM range(1, 11) t(i)")
    con.close()
    return DuckDBStore(path)


@pytest.fixture
def log_path(tmp_path: Path):
    path = tmp_path / "queries.jsonl"
    query_log.clear()
    query_log.configure(path)
    yield path
    query_log.configure(None)
    query_log.clear()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_two_queries_under_a_page_and_labels_give_two_lines_and_the_ring(tiny, log_path) -> None:
    with query_log.on_page("unit") as view:
        with query_log.labelled("items.big"):
            big = tiny.query(sa.select(ITEMS).where(ITEMS.c.x > 7))
        with query_log.labelled("items.all"), query_log.labelled("count"):
            every = tiny.execute_sql("SELECT x, name FROM items WHERE x <= :most", {"most": 10})
    assert (big.height, every.height) == (3, 10)
    got = lines(log_path)
    assert len(got) == 2
    assert all(set(line) == KEYS for line in got)
    assert [line["label"] for line in got] == ["items.big", "items.all/count"]
    assert [line["rows"] for line in got] == [3, 10]
    assert [line["bytes"] for line in got] == [big.estimated_size(), every.estimated_size()]
    assert {line["page"] for line in got} == {"unit"} and {line["view"] for line in got} == {view}
    assert {line["engine"] for line in got} == {"duckdb"}
    assert all(line["ms"] > 0 for line in got)
    ring = query_log.recent("unit")
    assert [(r.label, r.rows) for r in ring] == [("items.big", 3), ("items.all/count", 10)]
    assert query_log.summary(ring)["rows"] == 13
    assert query_log.current_view() is None  # the block is over
    assert query_log.last_views()["unit"] == ring
    assert "unit" not in query_log.last_views(exclude_view=view)


def test_without_a_label_the_caller_and_its_tables_name_the_query(tiny, log_path) -> None:
    def items_over_five():
        return tiny.query(sa.select(ITEMS.c.x).where(ITEMS.c.x > 5))

    assert items_over_five().height == 5
    assert tiny.execute_sql("SELECT count(*) AS n FROM items").item() == 10
    first, second = lines(log_path)
    here = "tests.test_query_log.test_without_a_label_the_caller_and_its_tables_name_the_query"
    assert first["label"] == f"{here}.<locals>.items_over_five(items)"
    assert second["label"] == f"{here}(items)"
    assert first["page"] is None and first["view"] is None


def test_only_the_latest_view_of_each_page_is_listed(tiny, log_path) -> None:
    for n in (2, 4):
        with query_log.on_page("unit"):
            for _ in range(n):
                tiny.query(sa.select(ITEMS))
    with query_log.on_page("other"):
        tiny.query(sa.select(ITEMS).limit(1))
    views = query_log.last_views()
    assert len(views["unit"]) == 4 and len(views["other"]) == 1
    assert query_log.summary(views["unit"])["rows"] == 40
    assert len(lines(log_path)) == 7


def test_threads_append_whole_lines_and_keep_their_own_page(tiny, log_path) -> None:
    def work(page: str) -> None:
        with query_log.on_page(page):
            for _ in range(25):
                tiny.query(sa.select(ITEMS).where(ITEMS.c.x <= 4))

    threads = [threading.Thread(target=work, args=(f"p{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    got = lines(log_path)
    assert len(got) == 100
    assert pl.DataFrame(got).group_by("page").agg(pl.len(), pl.col("rows").sum()).sort("page").rows() == [
        (f"p{i}", 25, 100) for i in range(4)]
    started_elsewhere: list[str | None] = []
    with query_log.on_page("main"):
        th = threading.Thread(target=lambda: started_elsewhere.append(query_log._PAGE.get()))
        th.start()
        th.join()
    assert started_elsewhere == [None]  # a new thread starts outside any page (the warm-up sets its own)


def test_the_file_is_moved_aside_when_it_grows_too_large(tiny, tmp_path) -> None:
    path = tmp_path / "small.jsonl"
    query_log.configure(path, max_bytes=1000)
    try:
        for _ in range(30):
            tiny.query(sa.select(ITEMS).limit(2))
    finally:
        query_log.configure(None)
        query_log.clear()
    older = path.with_name("small.jsonl.1")
    assert older.exists() and 0 < path.stat().st_size <= 1000 and older.stat().st_size <= 1000
    assert len(lines(path)) + len(lines(older)) < 30  # earlier ones were dropped with the second move
    assert all(line["rows"] == 2 for line in lines(path) + lines(older))


def test_a_log_that_cannot_be_written_never_breaks_a_query(tiny, tmp_path, caplog) -> None:
    blocked = tmp_path / "a-folder"
    blocked.mkdir()
    query_log.configure(blocked)
    try:
        with caplog.at_level(logging.WARNING, logger="connectors.query_log"):
            frames = [tiny.query(sa.select(ITEMS)) for _ in range(3)]
    finally:
        query_log.configure(None)
    assert [f.height for f in frames] == [10, 10, 10]
    warnings = [r for r in caplog.records if "query log" in r.getMessage()]
    assert len(warnings) == 1
    assert len(query_log.recent(None)) >= 3  # still kept in memory
    query_log.clear()


def test_an_app_run_writes_the_page_s_queries_and_the_data_page_lists_them(app_env, small_store, tmp_path) -> None:
    path = tmp_path / "app.jsonl"
    query_log.clear()
    st.cache_resource.clear()  # every loader queries again
    try:
        with app_settings(query_log=str(path)):
            at = run_app(page="pages/sales.py")
            assert not at.exception, at.exception
            everything = lines(path)
            sales = [line for line in everything if line["page"] == "sales"]
            ring = query_log.last_views()["sales"]
            at.switch_page("pages/data.py").run()
            assert not at.exception, at.exception
    finally:
        query_log.configure(None)
        st.cache_resource.clear()
    assert sales and all(set(line) == KEYS for line in sales)
    assert len({line["view"] for line in sales}) == 1
    assert [line["rows"] for line in sales] == [r.rows for r in ring]
    # every line names the query: a label set by the code, or the calling function and the tables it read
    assert all(line["label"] for line in everything)
    assert {line["page"] for line in everything} >= {None, "overview", "sales"}
    # the Data page: one row per page with its latest view's totals, the queries in an expander
    assert any(sub.value == "Database queries of the last page views" for sub in at.subheader)
    table = next(pl.from_pandas(df.value) for df in at.dataframe if "queries" in df.value.columns)
    row = table.filter(pl.col("page") == "Sales").row(0, named=True)
    assert row["queries"] == len(sales)
    assert row["rows"] == sum(line["rows"] for line in sales)
    assert row["ms"] == pytest.approx(sum(line["ms"] for line in sales), abs=0.01)
    titles = [e.label for e in at.expander]
    assert any(title.startswith(f"Sales: {len(sales)} queries") for title in titles), titles
    assert any("Every query is also written to" in c.value for c in at.caption)
    query_log.clear()


def test_the_summary_command_adds_up_each_page(tiny, log_path, capsys) -> None:
    from benchmarks.query_log import main, per_page, read_log

    for page, limits in (("a", (2, 3)), ("b", (10,)), ("a", (1,))):
        with query_log.on_page(page):
            for n in limits:
                tiny.query(sa.select(ITEMS).limit(n))
    tiny.query(sa.select(ITEMS).limit(4))  # outside a page
    table = per_page(read_log(log_path)).sort("page")
    assert table.select("page", "views", "queries", "rows", "largest").rows() == [
        ("(none)", 1, 1, 4, 4), ("a", 2, 3, 6, 3), ("b", 1, 1, 10, 10)]
    ms = {p: sum(line["ms"] for line in lines(log_path) if (line["page"] or "(none)") == p) for p in "ab"}
    assert table["ms"].to_list()[1:] == pytest.approx([ms["a"], ms["b"]])
    assert main([str(log_path), "--labels", "3"]) == 0
    out = capsys.readouterr().out
    assert "5 queries" in out and "tests.test_query_log" in out
    assert main([str(log_path.with_name("nothing.jsonl"))]) == 1
