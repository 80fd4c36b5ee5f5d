"""The read path: SQL push-down returns exactly what filtering the whole table in polars returns.

Every loader test runs against each backend (``backend``: the embedded DuckDB file and a real
PostgreSQL server started by the tests); the expected frames always come from the DuckDB copy, so
PostgreSQL must return exactly what DuckDB returns.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from connectors import schema
from connectors.read import FACTS, Filters, aggregate_fact, polars_schema, read_fact, table_stats
from connectors.store import StoreError

CHANNELS = ["search_ads", "social_ads", "display", "retargeting", "direct_mail", "promotions", "direct", "pr",
            "social_media", "newsletter", "referral", "customer_care"]
REGIONS = ["Москва", "Красногорск", "Тверь"]


def polars_filter(full: dict[str, pl.DataFrame], family: str, f: Filters) -> pl.DataFrame:
    """The same filter written independently, in polars, over the whole table."""
    spec = FACTS[family]
    frame = full[spec.table]
    col = pl.col(spec.time_column)
    is_date = frame.schema[spec.time_column] == pl.Date
    if f.start:
        frame = frame.filter(col >= (f.start if is_date else dt.datetime.combine(f.start, dt.time())))
    if f.end:
        frame = frame.filter(col <= f.end if is_date else col < dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time()))
    if f.channels:
        if spec.channel_column:
            frame = frame.filter(pl.col(spec.channel_column).is_in(list(f.channels)))
        elif spec.channel_via_customer:
            ids = full["customers"].filter(pl.col("acquisition_channel_id").is_in(list(f.channels)))["customer_id"]
            frame = frame.filter(pl.col("customer_id").is_in(ids.implode()))
    if f.regions and spec.region_column:
        frame = frame.filter(pl.col(spec.region_column).is_in(list(f.regions)) | pl.col(spec.region_column).is_null())
    pk = [c.name for c in schema.metadata.tables[spec.table].primary_key.columns]
    return frame.sort(pk)


@pytest.fixture(scope="module")
def full(small_store) -> dict[str, pl.DataFrame]:
    return {spec.table: read_fact(small_store, family) for family, spec in FACTS.items()}


CASES = [
    Filters(),
    Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    Filters(dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    Filters(None, dt.date(2023, 6, 30), channels=("search_ads", "display")),
    Filters(dt.date(2026, 8, 1), None, regions=("Тверь",)),
    Filters(dt.date(2025, 6, 1), dt.date(2025, 8, 31), channels=("social_media", "newsletter", "referral"),
            regions=("Москва", "Красногорск")),
    Filters(dt.date(2030, 1, 1), dt.date(2030, 12, 31)),  # an empty period
]


@pytest.mark.parametrize("family", sorted(FACTS))
@pytest.mark.parametrize("flt", CASES, ids=lambda f: f"{f.start}..{f.end}|{len(f.channels)}ch|{len(f.regions)}r")
def test_loader_equals_polars_filter_of_whole_table(backend, full, family: str, flt: Filters) -> None:
    got = read_fact(backend, family, flt)
    want = polars_filter(full, family, flt)
    assert got.schema == want.schema
    assert_frame_equal(got, want, check_exact=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
    days=st.integers(0, 400),
    channels=st.lists(st.sampled_from(CHANNELS), max_size=4, unique=True),
    regions=st.lists(st.sampled_from(REGIONS), max_size=2, unique=True),
    family=st.sampled_from(["orders", "spend", "leads", "nps_responses", "social_posts", "complaints"]),
)
def test_loader_equals_polars_filter_for_random_filters(backend, full, start, days, channels, regions, family):
    flt = Filters(start, start + dt.timedelta(days=days), tuple(channels), tuple(regions))
    assert_frame_equal(read_fact(backend, family, flt), polars_filter(full, family, flt), check_exact=True)


def test_columns_subset_and_types(backend) -> None:
    got = read_fact(backend, "orders", Filters(dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
                    columns=["ordered_at", "revenue"])
    assert got.columns == ["ordered_at", "revenue"]
    assert got.schema == {"ordered_at": pl.Datetime("us"), "revenue": pl.Float64}
    empty = read_fact(backend, "nps_responses", Filters(dt.date(2031, 1, 1), dt.date(2031, 1, 2)))
    assert empty.height == 0 and empty.schema == polars_schema("nps_responses")


def test_hostile_filter_values_are_bound_not_executed(backend) -> None:
    evil = "x'); DROP TABLE orders; --"
    got = read_fact(backend, "orders", Filters(channels=(evil,), regions=("' OR 1=1 --",)))
    assert got.height == 0
    assert read_fact(backend, "orders", columns=["order_id"]).height > 0  # still there


def test_unknown_family_or_column_is_a_clear_error(backend) -> None:
    with pytest.raises(StoreError, match="Unknown fact family"):
        read_fact(backend, "payments")
    with pytest.raises(StoreError, match="unknown columns"):
        read_fact(backend, "orders", columns=["revenue; DROP TABLE orders"])


@pytest.mark.parametrize("grain", ["day", "week", "month", "quarter", "year"])
def test_aggregate_pushdown_equals_polars_group_by(backend, full, grain: str) -> None:
    flt = Filters(dt.date(2024, 3, 1), dt.date(2025, 10, 15), regions=("Москва",))
    got = aggregate_fact(backend, "orders", flt, grain=grain, by=["region"],
                         measures={"revenue": ("sum", "revenue"), "orders": ("count", None),
                                   "buyers": ("count_distinct", "customer_id")})
    every = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}[grain]
    want = (
        polars_filter(full, "orders", flt)
        .group_by(pl.col("ordered_at").dt.truncate(every).dt.date().alias("period"), "region")
        .agg(pl.col("revenue").sum(), pl.len().cast(pl.Int64).alias("orders"),
             pl.col("customer_id").n_unique().cast(pl.Int64).alias("buyers"))
        .sort("period", "region")
    )
    assert_frame_equal(got, want, check_exact=False, rel_tol=1e-9)


def test_table_stats_count_rows(backend, full) -> None:
    stats = table_stats(backend)
    counts = dict(zip(stats["table"], stats["rows"]))
    assert counts["orders"] == full["orders"].height
    assert counts["channels"] == 15
    row = stats.filter(pl.col("table") == "orders").row(0, named=True)
    assert row["first"] == full["orders"]["ordered_at"].min().date()
    assert row["last"] == full["orders"]["ordered_at"].max().date()


def test_execute_runs_statements_in_one_transaction(tmp_path) -> None:
    import sqlalchemy as sa

    from connectors.store import DuckDBStore

    store = DuckDBStore(tmp_path / "w.duckdb")
    store.ensure_schema()
    before = store.data_version()
    row = {"scenario_id": "abc", "name": "Q1", "created_at": dt.datetime(2026, 1, 1), "payload": "{}"}
    assert store.execute([schema.scenarios.insert().values(**row)]) == [1]
    assert store.data_version() == str(int(before) + 1)
    with pytest.raises(Exception):  # the second insert violates the key: nothing of the batch is written
        store.execute([schema.scenarios.insert().values(**{**row, "scenario_id": "xyz"}),
                       schema.scenarios.insert().values(**row)])
    ids = store.query(sa.select(schema.scenarios.c.scenario_id))["scenario_id"].to_list()
    assert ids == ["abc"]
    assert store.execute([schema.scenarios.delete().where(schema.scenarios.c.scenario_id == "abc")]) == [1]
