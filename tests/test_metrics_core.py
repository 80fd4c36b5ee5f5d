"""Core metrics on small literal frames, and the same numbers by plain SQL on the demo."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from connectors.read import Filters, read_dimension, read_fact
from metrics import specs
from metrics.budget import spend_by_channel, spend_by_pillar
from metrics.communication import engagement_by_period, engagement_totals
from metrics.periods import bucket_end, change, comparison_period, full_buckets
from metrics.reputation import nps, nps_by_period
from metrics.sales import sales_by_period, sales_totals

CHANNELS = pl.DataFrame({"channel_id": ["a", "b", "c"], "pillar": ["sales", "sales", "reputation"]})


def test_spend_by_pillar_literal() -> None:
    spend = pl.DataFrame({"channel_id": ["a", "b", "c", "a"], "amount": [100.0, 50.0, 50.0, 0.0]})
    got = spend_by_pillar(spend, CHANNELS)
    want = pl.DataFrame({
        "pillar": ["sales", "reputation", "communication"],
        "spend": [150.0, 50.0, 0.0],
        "share": [0.75, 0.25, 0.0],
    })
    assert_frame_equal(got, want)


def test_spend_by_pillar_empty_has_all_pillars_and_no_share() -> None:
    got = spend_by_pillar(pl.DataFrame(schema={"channel_id": pl.String, "amount": pl.Float64}), CHANNELS)
    assert got["pillar"].to_list() == ["sales", "reputation", "communication"]
    assert got["spend"].to_list() == [0.0, 0.0, 0.0]
    assert got["share"].to_list() == [None, None, None]


# amounts of money: nothing or at least a kopeck (a share of 1e-308 × a rate leaves the floats' range)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.one_of(st.just(0.0), st.floats(0.01, 1e7))),
                min_size=1, max_size=30),
       st.floats(0.01, 1000))
def test_spend_parts_sum_to_total_and_shares_ignore_currency(rows, rate) -> None:
    spend = pl.DataFrame({"channel_id": [r[0] for r in rows], "amount": [r[1] for r in rows]})
    got = spend_by_pillar(spend, CHANNELS)
    assert got["spend"].sum() == pytest.approx(spend["amount"].sum(), rel=1e-9, abs=1e-6)
    rescaled = spend_by_pillar(spend.with_columns(pl.col("amount") * rate), CHANNELS)
    for a, b in zip(got["share"].to_list(), rescaled["share"].to_list()):
        assert (a is None and b is None) or a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_spend_by_channel_sorted_with_shares() -> None:
    spend = pl.DataFrame({"channel_id": ["a", "b", "c", "a"], "amount": [100.0, 50.0, 50.0, 20.0]})
    got = spend_by_channel(spend, CHANNELS)
    assert got["channel_id"].to_list() == ["a", "b", "c"]
    assert got["share"].to_list() == pytest.approx([120 / 220, 50 / 220, 50 / 220])


def test_sales_totals_literal() -> None:
    orders = pl.DataFrame({"revenue": [1000.0, 250.0], "cost_of_goods": [600.0, 100.0]})
    got = sales_totals(orders).row(0, named=True)
    assert got == {"orders": 2, "revenue": 1250.0, "cost_of_goods": 700.0, "gross_profit": 550.0}
    empty = sales_totals(orders.clear()).row(0, named=True)
    assert empty == {"orders": 0, "revenue": 0.0, "cost_of_goods": 0.0, "gross_profit": 0.0}


def test_sales_by_period_weeks_start_monday() -> None:
    orders = pl.DataFrame({
        "ordered_at": [dt.datetime(2025, 3, 2, 23), dt.datetime(2025, 3, 3, 9), dt.datetime(2025, 3, 9, 12)],
        "revenue": [10.0, 20.0, 30.0], "cost_of_goods": [1.0, 2.0, 3.0],
    })
    got = sales_by_period(orders, grain="week")
    assert got["period"].to_list() == [dt.date(2025, 2, 24), dt.date(2025, 3, 3)]
    assert got["revenue"].to_list() == [10.0, 50.0]
    assert got["gross_profit"].to_list() == [9.0, 45.0]


def _scores(*values: int) -> pl.DataFrame:
    return pl.DataFrame({"score": list(values)}, schema={"score": pl.Int64})


def test_nps_hand_computed() -> None:
    # 5 promoters, 3 passives, 2 detractors of 10: NPS = 50% − 20% = 30 points
    got = nps(_scores(10, 10, 9, 9, 9, 8, 7, 7, 6, 0)).row(0, named=True)
    assert (got["n"], got["promoters"], got["passives"], got["detractors"]) == (10, 5, 3, 2)
    assert got["nps"] == pytest.approx(30.0)
    p, d = 0.5, 0.2
    assert got["margin_of_error"] == pytest.approx(1.959963984540054 * math.sqrt((p + d - (p - d) ** 2) / 10) * 100)


@pytest.mark.parametrize("scores,expected_nps,expected_moe", [
    ((9,), 100.0, 0.0),  # n = 1
    ((10, 10, 10, 9), 100.0, 0.0),  # all promoters
    ((0, 3, 6, 6), -100.0, 0.0),  # all detractors
    ((7, 8), 0.0, 0.0),  # all passives
    ((10, 0), 0.0, 1.959963984540054 * math.sqrt(1.0 / 2) * 100),
])
def test_nps_edge_cases(scores, expected_nps, expected_moe) -> None:
    got = nps(_scores(*scores)).row(0, named=True)
    assert got["nps"] == pytest.approx(expected_nps)
    assert got["margin_of_error"] == pytest.approx(expected_moe)


def test_nps_empty_gives_one_row_with_no_value() -> None:
    got = nps(_scores())
    assert got.height == 1
    assert got.row(0, named=True) == {"n": 0, "promoters": 0, "passives": 0, "detractors": 0, "nps": None,
                                      "margin_of_error": None}
    by = nps(pl.DataFrame(schema={"region": pl.String, "score": pl.Int64}), by=["region"])
    assert by.height == 0 and "nps" in by.columns


def test_nps_by_group_and_period() -> None:
    frame = pl.DataFrame({
        "responded_at": [dt.datetime(2025, 1, 5), dt.datetime(2025, 1, 20), dt.datetime(2025, 2, 1)],
        "region": ["A", "A", "B"], "score": [10, 0, 8],
    })
    by = nps(frame, by=["region"])
    assert by["region"].to_list() == ["A", "B"] and by["nps"].to_list() == [0.0, 0.0]
    monthly = nps_by_period(frame, grain="month")
    assert monthly["period"].to_list() == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
    assert monthly["n"].to_list() == [2, 1]


def test_engagement_totals_literal() -> None:
    posts = pl.DataFrame({"reach": [100, 300], "impressions": [150, 400], "likes": [5, 10], "comments": [1, 2],
                          "shares": [0, 3], "saves": [4, 5], "clicks": [1, 2],
                          "published_at": [dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 9)]})
    got = engagement_totals(posts).row(0, named=True)
    assert {k: got[k] for k in ("posts", "reach", "impressions", "engagements", "er_reach")} == {
        "posts": 2, "reach": 400, "impressions": 550, "engagements": 30, "er_reach": 30 / 400}
    assert engagement_totals(posts.clear()).row(0, named=True)["er_reach"] is None
    weekly = engagement_by_period(posts, grain="week")
    assert weekly["engagements"].to_list() == [10, 20]


def test_comparison_periods() -> None:
    assert comparison_period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == (dt.date(2025, 1, 29), dt.date(2025, 2, 28))
    assert comparison_period(dt.date(2025, 3, 1), dt.date(2025, 3, 31), "year") == (
        dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert comparison_period(dt.date(2024, 2, 29), dt.date(2024, 2, 29), "year") == (
        dt.date(2023, 2, 28), dt.date(2023, 2, 28))
    with pytest.raises(ValueError):
        comparison_period(dt.date(2025, 2, 1), dt.date(2025, 1, 1))


def test_change() -> None:
    assert change(120.0, 100.0) == (20.0, 0.2)
    assert change(-5.0, 10.0) == (-15.0, -1.5)
    assert change(5.0, 0.0) == (5.0, None)
    assert change(None, 1.0) == (None, None)


def test_full_buckets_drops_cut_edges() -> None:
    frame = pl.DataFrame({"period": [dt.date(2026, 7, 27), dt.date(2026, 8, 3), dt.date(2026, 10, 26)]})
    kept = full_buckets(frame, start=dt.date(2026, 8, 1), end=dt.date(2026, 10, 31), grain="week")
    assert kept["period"].to_list() == [dt.date(2026, 8, 3)]
    assert bucket_end(dt.date(2026, 2, 1), "month") == dt.date(2026, 2, 28)
    assert bucket_end(dt.date(2026, 10, 1), "quarter") == dt.date(2026, 12, 31)


def test_every_metric_is_documented_in_both_languages() -> None:
    import importlib
    import pkgutil

    import metrics

    for module in pkgutil.iter_modules(metrics.__path__):
        importlib.import_module(f"metrics.{module.name}")  # each module registers its own specs
    assert len(specs.REGISTRY) >= 10
    for name, spec in specs.REGISTRY.items():
        assert spec.description and spec.description_ru and spec.label and spec.label_ru, name
        for inp in spec.inputs:
            assert inp in specs.REGISTRY, f"{name} refers to undeclared metric {inp}"


# --- the same numbers, independently, by plain SQL on the demo ----------------------------------

PERIOD = Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31))
BOUNDS = {"start": PERIOD.start, "end": PERIOD.end + dt.timedelta(days=1)}  # end exclusive


def test_spend_by_pillar_equals_sql(small_store) -> None:
    got = spend_by_pillar(read_fact(small_store, "spend", PERIOD), read_dimension(small_store, "channels"))
    sql = small_store.execute_sql(
        "SELECT c.pillar, sum(s.amount) AS spend FROM spend s JOIN channels c USING (channel_id) "
        "WHERE s.day BETWEEN :start AND :end GROUP BY 1", {"start": PERIOD.start, "end": PERIOD.end})
    want = dict(zip(sql["pillar"], sql["spend"]))
    for row in got.iter_rows(named=True):
        assert row["spend"] == pytest.approx(want[row["pillar"]], rel=1e-12)
    assert got["share"].sum() == pytest.approx(1.0)


def test_revenue_equals_sql(small_store) -> None:
    got = sales_totals(read_fact(small_store, "orders", PERIOD)).row(0, named=True)
    sql = small_store.execute_sql(
        "SELECT count(*) n, sum(revenue) r, sum(revenue - cost_of_goods) gp FROM orders "
        "WHERE ordered_at >= :start AND ordered_at < :end", BOUNDS).row(0)
    assert got["orders"] == sql[0]
    assert got["revenue"] == pytest.approx(sql[1], rel=1e-12)
    assert got["gross_profit"] == pytest.approx(sql[2], rel=1e-9)


def test_nps_equals_sql(small_store) -> None:
    got = nps(read_fact(small_store, "nps_responses", PERIOD)).row(0, named=True)
    sql = small_store.execute_sql(
        "SELECT count(*) n, 100.0 * (avg(CASE WHEN score >= 9 THEN 1 ELSE 0 END) - "
        "avg(CASE WHEN score <= 6 THEN 1 ELSE 0 END)) AS nps FROM nps_responses "
        "WHERE responded_at >= :start AND responded_at < :end", BOUNDS).row(0)
    assert got["n"] == sql[0]
    assert got["nps"] == pytest.approx(sql[1], rel=1e-9)


def test_engagements_equal_sql(small_store) -> None:
    got = engagement_totals(read_fact(small_store, "social_posts", PERIOD)).row(0, named=True)
    sql = small_store.execute_sql(
        "SELECT sum(likes + comments + shares + saves)::BIGINT, sum(reach)::BIGINT FROM social_posts "
        "WHERE published_at >= :start AND published_at < :end", BOUNDS).row(0)
    assert got["engagements"] == sql[0]
    assert got["er_reach"] == pytest.approx(sql[0] / sql[1])
