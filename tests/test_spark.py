"""Spark through Spark Connect: the same answers as DuckDB, on a real cluster.

The translation tests need no server. The ``spark`` tests start one standalone master,
two workers and a Spark Connect server (``tests/spark.py``), load the small demo with
``python -m connectors.demo --url sc://...`` and compare every reader with the session's
DuckDB copy of the same demo.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal
from sqlalchemy.dialects.postgresql import aggregate_order_by

from connectors import journeys, schema
from connectors.cohorts import read_cohort_margin
from connectors import spark_sql as ssql
from connectors.read import Filters, activity_bounds, aggregate_fact, read_fact, regions, select_fact, table_stats
from connectors.spark import SparkStore, parse_url
from connectors.store import StoreError, open_store

Q1 = Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
MOSCOW_H1 = Filters(dt.date(2025, 1, 1), dt.date(2025, 6, 30), regions=("Москва",))
SEARCH_SOCIAL = Filters(dt.date(2024, 11, 15), dt.date(2025, 2, 14), channels=("search_ads", "social_ads"),
                        regions=("Тверь", "Красногорск"))
HOSTILE = "Москва' OR '1'='1"


# --- without a server ---------------------------------------------------------


def test_urls() -> None:
    assert parse_url("sc://localhost:15002") == ("sc://localhost:15002", "default", None)
    assert parse_url("sc://h:1/;database=sales_2026;token=abc") == ("sc://h:1/;token=abc", "sales_2026", "abc")
    store = open_store("sc://h:1/;database=sales;token=secret", default_path="unused")
    assert isinstance(store, SparkStore) and store.kind == "spark"
    assert store.display_url == "sc://h:1/;database=sales" and "secret" not in store.display_url
    for bad in ("http://h:1", "sc://h:1/;database=x;y", "sc://h:1/;database=a-b"):
        with pytest.raises(StoreError):
            parse_url(bad)


def test_statements_reach_spark_with_bound_values_only() -> None:
    filters = Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31), channels=("search_ads",), regions=(HOSTILE,))
    statements = [select_fact("orders", filters), journeys.conversion_paths_query(filters, 30)[0],
                  journeys.null_paths_query(filters, 30)]
    for stmt in statements:
        sql, params = ssql.to_spark(stmt)
        assert set(params) == ssql.placeholders(ssql.to_tree(stmt)[0]) and params
        for value in ("2025", "search_ads", "Москва", "86400", "30", "'"):
            assert value not in sql, (value, sql)
    sql, params = ssql.to_spark(select_fact("orders", filters))
    assert {"search_ads", HOSTILE, dt.datetime(2025, 1, 1), dt.datetime(2025, 4, 1)} == set(params.values())
    assert "CAST(:ordered_at_1 AS TIMESTAMP_NTZ)" in sql


def test_postgres_constructs_are_rewritten_for_spark() -> None:
    sql, _ = ssql.to_spark(journeys.conversion_paths_query(Q1, 30)[0])
    assert "ARRAY_AGG" not in sql.upper().replace("COLLECT_LIST", "")
    assert ("TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(conv_touches.ts AS k0, conv_touches.journey_id AS k1, "
            "conv_touches.channel_id AS k2, conv_touches.channel_id AS v))), item -> item.v)") in sql
    assert "TIMESTAMPDIFF(MICROSECOND, conv_touches.ts, conv_touches.first_seen) AS DOUBLE) / 1000000" in sql
    assert "EPOCH" not in sql.upper()
    moment, _ = ssql.to_spark(sa.select(sa.extract("epoch", schema.nps_responses.c.responded_at)))
    assert ("TIMESTAMPDIFF(MICROSECOND, CAST('1970-01-01 00:00:00' AS TIMESTAMP_NTZ), nps_responses.responded_at)"
            in moment) and "EPOCH" not in moment.upper()
    median, _ = ssql.to_spark(sa.select(sa.func.percentile_cont(0.5).within_group(schema.orders.c.revenue)))
    assert "PERCENTILE(orders.revenue, " in median and "APPROX" not in median.upper()
    r = schema.reviews
    span, _ = ssql.to_spark(sa.select(sa.func.percentile_cont(0.5).within_group(
        sa.extract("epoch", r.c.answered_at - r.c.created_at))))
    assert "PERCENTILE((CAST(TIMESTAMPDIFF(MICROSECOND, reviews.created_at, reviews.answered_at)" in span
    assert "EPOCH" not in span.upper()
    t = schema.touchpoints
    backwards = sa.select(sa.func.array_agg(aggregate_order_by(t.c.channel_id, t.c.ts.desc())))
    with pytest.raises(ssql.SparkSQLError):
        ssql.to_spark(backwards)


def test_tables_are_declared_with_spark_types() -> None:
    assert ssql.create_table_sql(schema.nps_responses, "nps_responses__v1") == (
        "CREATE TABLE `nps_responses__v1` (`response_id` BIGINT, `customer_id` BIGINT, "
        "`responded_at` TIMESTAMP_NTZ, `score` SMALLINT, `comment` STRING, `language` STRING, "
        "`touchpoint` STRING, `region` STRING, `segment` STRING) USING parquet")
    assert ssql.spark_type(schema.brand_surveys.c.agree.type) == "INT"
    assert ssql.spark_type(schema.orders.c.revenue.type) == "DOUBLE"
    assert ssql.spark_type(schema.spend.c.day.type) == "DATE"
    assert ssql.spark_type(schema.complaints.c.satisfied.type) == "BOOLEAN"


def test_deletes_and_updates_become_selects_of_the_rows_that_stay() -> None:
    s = schema.scenarios
    tree, params = ssql.to_tree(s.delete().where(s.c.author == "ann"))
    kept = ssql.kept_rows(tree, "scenarios__v4", ["scenario_id", "author"]).sql(dialect="spark")
    assert kept == ("SELECT scenarios.scenario_id, scenarios.author FROM `scenarios__v4` AS scenarios "
                    "WHERE NOT COALESCE(scenarios.author = CAST(:author_1 AS STRING), FALSE)")
    assert params == {"author_1": "ann"}
    tree, params = ssql.to_tree(s.update().where(s.c.scenario_id == "a").values(note="n"))
    updated = ssql.updated_rows(tree, "scenarios__v4", ["scenario_id", "note"]).sql(dialect="spark")
    assert "CASE WHEN COALESCE(scenarios.scenario_id = CAST(:scenario_id_1 AS STRING), FALSE) " \
           "THEN CAST(:note AS STRING) ELSE scenarios.note END AS note" in updated


# --- on the cluster -----------------------------------------------------------


@pytest.mark.spark
def test_the_cluster_runs_two_workers(spark_server) -> None:
    state = spark_server.state()
    assert [w["state"] for w in state["workers"]] == ["ALIVE", "ALIVE"]
    apps = state["activeapps"]
    assert len(apps) == 1 and apps[0]["cores"] == 2 and apps[0]["memoryperexecutor"] == 512
    print(f"Spark cluster started in {spark_server.started_s:.0f}s")


@pytest.mark.spark
def test_every_table_exists_with_its_spark_types(spark_store) -> None:
    spark = spark_store.session()
    for table in schema.metadata.sorted_tables:
        got = {f.name: f.dataType.simpleString() for f in spark.table(table.name).schema.fields}
        assert got == {c.name: ssql.spark_type(c.type).lower() for c in table.columns}, table.name


@pytest.mark.spark
def test_the_demo_loads_the_same_rows_as_duckdb(spark_store, small_store) -> None:
    assert_frame_equal(table_stats(spark_store), table_stats(small_store))
    assert spark_store.data_version() == "1"
    assert spark_store.get_meta("demo_seed") == "42"
    spark_truth, duckdb_truth = (json.loads(store.get_meta("demo_truth")) for store in (spark_store, small_store))
    for truth in (spark_truth, duckdb_truth):
        truth.pop("build_seconds")  # how long each build took
    assert spark_truth == duckdb_truth


@pytest.mark.spark
@pytest.mark.parametrize(("family", "filters"), [
    ("orders", MOSCOW_H1), ("spend", SEARCH_SOCIAL), ("nps_responses", Q1), ("leads", SEARCH_SOCIAL),
    ("complaints", MOSCOW_H1), ("brand_surveys", Filters()),
])
def test_read_fact_matches_duckdb(spark_store, small_store, family, filters) -> None:
    got = read_fact(spark_store, family, filters)
    assert got.height > 0
    assert_frame_equal(got, read_fact(small_store, family, filters))


AGGREGATES = {
    "spend by channel and month": ("spend", SEARCH_SOCIAL, {"amount": ("sum", "amount"), "days": ("count", None),
                                                            "clicks": ("max", "clicks")}, ["channel_id"], "month"),
    "orders by week": ("orders", MOSCOW_H1, {"revenue": ("sum", "revenue"), "buyers": ("count_distinct",
                                                                                       "customer_id")}, [], "week"),
    "NPS by region and quarter": ("nps_responses", Filters(), {"answers": ("count", "score"),
                                                               "mean": ("mean", "score"),
                                                               "lowest": ("min", "score")}, ["region"], "quarter"),
    "customers by channel": ("customers", SEARCH_SOCIAL, {"n": ("count", None)}, ["acquisition_channel_id"], None),
    "leads by day": ("leads", SEARCH_SOCIAL, {"n": ("count", "lead_id")}, [], "day"),
    "reviews by year": ("reviews", Filters(), {"stars": ("mean", "rating"), "last": ("max", "created_at")}, [],
                        "year"),
}


@pytest.mark.spark
@pytest.mark.parametrize("case", list(AGGREGATES))
def test_aggregate_fact_matches_duckdb(spark_store, small_store, case) -> None:
    family, filters, measures, by, grain = AGGREGATES[case]
    got = aggregate_fact(spark_store, family, filters, measures=measures, by=by, grain=grain)
    assert got.height > 1
    assert_frame_equal(got, aggregate_fact(small_store, family, filters, measures=measures, by=by, grain=grain))


@pytest.mark.spark
@pytest.mark.parametrize("filters", [MOSCOW_H1, Q1])
def test_journeys_match_duckdb(spark_store, small_store, filters) -> None:
    got = journeys.read_paths(spark_store, filters, lookback_days=30)
    want = journeys.read_paths(small_store, filters, lookback_days=30)
    assert got.paths.filter(pl.col("conversions") == 1).height > 100 and got.paths["nulls"].sum() > 0
    assert_frame_equal(got.paths, want.paths)
    assert (got.untracked, got.new_customers) == (want.untracked, want.new_customers)


@pytest.mark.spark
def test_first_touches_and_bounds_match_duckdb(spark_store, small_store) -> None:
    assert_frame_equal(journeys.read_conversion_touches(spark_store, MOSCOW_H1),
                       journeys.read_conversion_touches(small_store, MOSCOW_H1))
    assert activity_bounds(spark_store) == activity_bounds(small_store)
    assert regions(spark_store) == regions(small_store)


@pytest.mark.spark
def test_cohort_margins_match_duckdb(spark_store, small_store) -> None:
    got = read_cohort_margin(spark_store, MOSCOW_H1, data_end=dt.date(2026, 10, 31))
    want = read_cohort_margin(small_store, MOSCOW_H1, data_end=dt.date(2026, 10, 31))
    assert got[0].height > 10
    for g, w in zip(got, want, strict=True):
        assert_frame_equal(g, w)


@pytest.mark.spark
def test_values_are_bound_not_written_into_the_sql(spark_store) -> None:
    hostile = Filters(dt.date(2025, 1, 1), dt.date(2025, 1, 31), regions=(HOSTILE,))
    got = read_fact(spark_store, "customers", hostile)
    text, params = spark_store.sent[-1]
    assert got.height == 0  # only customers without a region would pass, and every customer has one
    assert HOSTILE in params.values() and dt.datetime(2025, 1, 1) in params.values()
    assert "Москва" not in text and "2025" not in text and ":region_1_1" in text
    same = spark_store.execute_sql("SELECT count(*) AS n FROM customers WHERE region = :r", {"r": "Москва"})
    text, params = spark_store.sent[-1]
    assert same["n"][0] > 0 and params == {"r": "Москва"} and "Москва" not in text


@pytest.fixture(scope="module")
def scratch(spark_server):
    """An empty database of its own on the same server, for the writing tests."""
    store = SparkStore(spark_server.url + "/;database=scratch")
    assert not store.exists()
    store.ensure_schema()
    yield store
    store.close()


def _physical(store: SparkStore) -> list[str]:
    return sorted(t for t in store._tables() if "__v" in t)


@pytest.mark.spark
def test_writes_publish_new_versions_and_bump_the_data_version(scratch, spark_store) -> None:
    assert scratch.exists() and scratch.get_meta("schema_version") == "1" and scratch.data_version() == "0"
    assert read_fact(scratch, "brand_surveys").height == 0
    waves = pl.DataFrame({"period": [dt.date(2025, 1, 1), dt.date(2025, 4, 1)], "question": ["trust", "trust"],
                          "agree": [30, 41], "n": [100, 100]})
    scratch.write_frames({"brand_surveys": waves}, meta={"source": "test"})
    scratch.write_frames({"brand_surveys": waves.with_columns(question=pl.lit("know"))})
    assert scratch.data_version() == "2" and scratch.get_meta("source") == "test"
    got = read_fact(scratch, "brand_surveys").sort("question", "period")
    assert got.rows() == [(dt.date(2025, 1, 1), "know", 30, 100), (dt.date(2025, 4, 1), "know", 41, 100),
                          (dt.date(2025, 1, 1), "trust", 30, 100), (dt.date(2025, 4, 1), "trust", 41, 100)]
    assert "brand_surveys__v3" in _physical(scratch) and "brand_surveys__v1" not in _physical(scratch)
    assert spark_store.data_version() == "1"  # the other database is untouched


@pytest.mark.spark
def test_insert_update_delete_count_their_rows(scratch) -> None:
    s = schema.scenarios
    version = scratch.data_version()
    row = {"name": "Plan", "author": None, "note": None, "created_at": dt.datetime(2026, 1, 2, 3, 4, 5),
           "payload": "{}"}
    counts = scratch.execute([s.insert().values(scenario_id="aaaaaaaa", **row),
                              s.insert().values(scenario_id="bbbbbbbb", **row),
                              s.update().where(s.c.scenario_id == "bbbbbbbb").values(note="second"),
                              s.delete().where(s.c.scenario_id == "zzzzzzzz")], bump_version=False)
    assert counts == [1, 1, 1, 0]
    assert scratch.data_version() == version
    got = scratch.query(sa.select(s.c.scenario_id, s.c.note, s.c.created_at).order_by(s.c.scenario_id))
    assert got.rows() == [("aaaaaaaa", None, dt.datetime(2026, 1, 2, 3, 4, 5)),
                          ("bbbbbbbb", "second", dt.datetime(2026, 1, 2, 3, 4, 5))]
    assert scratch.execute([s.delete().where(s.c.scenario_id == "aaaaaaaa")]) == [1]
    assert int(scratch.data_version()) == int(version) + 1
    assert scratch.query(sa.select(s.c.scenario_id))["scenario_id"].to_list() == ["bbbbbbbb"]


@pytest.mark.spark
def test_a_failed_write_leaves_nothing_behind(scratch) -> None:
    version, before = scratch.data_version(), _physical(scratch)
    surveys = read_fact(scratch, "brand_surveys")
    extra = pl.DataFrame({"period": [dt.date(2026, 1, 1)], "question": ["trust"], "agree": [50], "n": [100]})
    broken = pl.DataFrame({"referral_id": [1], "referrer_customer_id": [2], "referred_at": [None]},
                          schema={"referral_id": pl.Int64, "referrer_customer_id": pl.Int64,
                                  "referred_at": pl.Datetime("us")})
    with pytest.raises(StoreError, match="referred_customer_id"):
        scratch.write_frames({"brand_surveys": extra, "referrals": broken})
    assert scratch.data_version() == version and _physical(scratch) == before
    assert_frame_equal(read_fact(scratch, "brand_surveys"), surveys)
