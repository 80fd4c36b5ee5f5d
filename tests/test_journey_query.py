"""The anonymous-journey query equals a plain-SQL computation written another way, on every backend."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from connectors.journeys import null_paths_query
from connectors.read import Filters
from connectors.store import DuckDBStore, truth_of
from tests.lanes import spread

# Each anonymous journey's end over its whole history (no bounds), then its touches of the window
# before the end, as a text path; journeys merged by path.
REFERENCE = """
WITH ends AS (
    SELECT journey_id, max(ts) AS ended_at FROM touchpoints WHERE customer_id IS NULL GROUP BY journey_id
), chosen AS (
    SELECT journey_id, ended_at FROM ends WHERE ended_at >= :lo AND ended_at < :hi
), paths AS (
    SELECT t.journey_id, string_agg(t.channel_id, '>' ORDER BY t.ts, t.channel_id) AS path
    FROM touchpoints t JOIN chosen c USING (journey_id)
    WHERE t.customer_id IS NULL AND t.ts >= c.ended_at - to_days(CAST(:days AS INTEGER))
    GROUP BY t.journey_id
)
SELECT path, count(*) AS nulls FROM paths GROUP BY path ORDER BY path
"""
EVER = (dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1))


def data_end(store: DuckDBStore) -> dt.date:
    return dt.date.fromisoformat(truth_of(store)["period"]["end"])


def periods(end: dt.date) -> dict[str, Filters]:
    return {
        "90 days": Filters(end - dt.timedelta(days=89), end),
        "12 months": Filters(end - dt.timedelta(days=364), end),
        "all data": Filters(),
        "a quarter in the past": Filters(dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    }


def reference(store: DuckDBStore, filters: Filters, lookback_days: int) -> pl.DataFrame:
    lo = dt.datetime.combine(filters.start, dt.time()) if filters.start else EVER[0]
    hi = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time()) if filters.end else EVER[1]
    frame = store.execute_sql(REFERENCE, {"lo": lo, "hi": hi, "days": lookback_days})
    return frame.select(pl.col("path").cast(pl.String), pl.col("nulls").cast(pl.Int64))


def merged(store, filters: Filters, lookback_days: int) -> pl.DataFrame:
    frame = store.query(null_paths_query(filters, lookback_days))
    return frame.select(pl.col("path").cast(pl.List(pl.String)).list.join(">"), pl.col("nulls").cast(pl.Int64)).sort(
        "path")


@pytest.mark.parametrize("lookback", [30, 7])
@pytest.mark.parametrize("name", spread(["90 days", "12 months", "all data", "a quarter in the past"], fast={"12 months"}))
def test_anonymous_journeys_equal_the_plain_sql_reference(backend, small_store, name: str, lookback: int) -> None:
    flt = periods(data_end(small_store))[name]
    want = reference(small_store, flt, lookback)
    assert want.height > 100 and want["nulls"].sum() > 1000  # a real share of the demo's journeys
    assert_frame_equal(merged(backend, flt, lookback), want)


def test_journeys_going_on_after_the_period_are_not_counted_in_it(small_store) -> None:
    """The past quarter's end cuts through journeys: their last touch is later, so they end after it."""
    straddling = small_store.execute_sql(
        "SELECT count(*) AS n FROM (SELECT journey_id, min(ts) AS a, max(ts) AS b FROM touchpoints "
        "WHERE customer_id IS NULL GROUP BY journey_id) WHERE a < :lo AND b >= :lo AND b < :hi",
        {"lo": dt.datetime(2025, 7, 1), "hi": dt.datetime(2025, 7, 31)}).item()
    assert straddling > 50
    quarter = Filters(dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    got = int(merged(small_store, quarter, 30)["nulls"].sum())
    ending_in_quarter = small_store.execute_sql(
        "SELECT count(*) FROM (SELECT journey_id FROM touchpoints WHERE customer_id IS NULL GROUP BY journey_id "
        "HAVING max(ts) >= :lo AND max(ts) < :hi)", {"lo": dt.datetime(2025, 4, 1), "hi": dt.datetime(2025, 7, 1)}).item()
    assert got == ending_in_quarter
