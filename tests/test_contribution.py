"""Each pillar's estimated profit contribution: literal frames by hand, plain SQL on the demo, properties."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from connectors.read import read_dimension, read_fact
from metrics import contribution as mc
from metrics.scenarios import new_customer_value

D = dt.date
CHANNELS = pl.DataFrame({
    "channel_id": ["search_ads", "direct", "pr", "social_media", "referral"],
    "pillar": ["sales", "sales", "reputation", "communication", "communication"],
    "kind": ["paid", "earned", "earned", "owned", "earned"],
})


def test_new_customer_value_by_hand() -> None:
    customers = pl.DataFrame({
        "customer_id": [1, 2, 3],
        "first_seen": [dt.datetime(2025, 1, 1, 10), dt.datetime(2025, 6, 1, 12), dt.datetime(2026, 1, 1, 9)],
        "acquisition_channel_id": ["x", "y", "x"],
    })
    orders = pl.DataFrame({
        "customer_id": [1, 1, 1, 2, 2, 3],
        "ordered_at": [dt.datetime(2025, 1, 1, 10), dt.datetime(2025, 6, 1, 15), dt.datetime(2026, 1, 1, 11),
                       dt.datetime(2025, 6, 1, 12), dt.datetime(2026, 5, 31, 18), dt.datetime(2026, 1, 1, 9)],
        "revenue": [30.0, 15.0, 20.0, 50.0, 10.0, 300.0],
        "cost_of_goods": [20.0, 10.0, 13.0, 30.0, 7.0, 201.0],
    })
    got = new_customer_value(customers, orders, last_day=D(2026, 6, 30))
    # customer 1: 10 + 5 (1 Jan 2026 11:00 is past 365 days); 2: 20 + 3; 3: too young (no whole year yet)
    want = pl.DataFrame({
        "channel_id": ["x", "y", None],
        "valued_customers": [1, 1, 2],
        "revenue_per_customer": [45.0, 60.0, 52.5],
        "gross_profit_per_customer": [15.0, 23.0, 19.0],
    })
    assert_frame_equal(got, want)
    first = new_customer_value(customers, orders, last_day=D(2026, 6, 30), horizon_days=None)
    assert first["gross_profit_per_customer"].to_list() == [(10.0 + 99.0) / 2, 20.0, (10 + 20 + 99) / 3]


def test_attributed_value_by_hand() -> None:
    credit = pl.DataFrame({"channel": ["search_ads", "referral", "social_media", "direct", "pr"],
                           "conversions": [2.5, 1.0, 0.5, 3.0, 1.0]})
    value = pl.DataFrame({"channel_id": ["search_ads", "social_media", None],
                          "valued_customers": [10, 4, 20], "gross_profit_per_customer": [100.0, 40.0, 50.0]})
    got = mc.attributed_value(credit, value, CHANNELS)
    want = pl.DataFrame([
        ("sales", "acquired", 250.0),  # 2.5 × 100
        ("communication", "referred", 50.0),  # 1 × 50: no cohort of its own, the all-channel value
        ("communication", "engaged", 20.0),  # 0.5 × 40
        ("reputation", "attributed", 50.0),
        ("none", "organic", 150.0),  # direct visits belong to no pillar
    ], schema=mc.SCHEMA, orient="row")
    assert_frame_equal(got, want)


@given(st.lists(st.tuples(st.sampled_from(["search_ads", "direct", "pr", "social_media", "referral", "unknown"]),
                          st.floats(0, 1000, allow_subnormal=False)), max_size=12),
       st.floats(0.01, 1000))
def test_attributed_value_keeps_every_credited_customer_and_scales_with_money(rows, rate) -> None:
    credit = pl.DataFrame({"channel": [r[0] for r in rows], "conversions": [r[1] for r in rows]},
                          schema={"channel": pl.String, "conversions": pl.Float64})
    value = pl.DataFrame({"channel_id": ["search_ads", None], "valued_customers": [3, 9],
                          "gross_profit_per_customer": [120.0, 80.0]})
    got = mc.attributed_value(credit, value, CHANNELS)
    expected = sum(c * (120.0 if ch == "search_ads" else 80.0) for ch, c in rows)
    assert got["amount"].sum() == pytest.approx(expected, rel=1e-9, abs=1e-6)
    scaled = mc.attributed_value(credit, value.with_columns(pl.col("gross_profit_per_customer") * rate), CHANNELS)
    assert scaled["amount"].to_list() == pytest.approx([a * rate for a in got["amount"].to_list()], rel=1e-9,
                                                       abs=1e-6)


def test_reputation_value_by_hand() -> None:
    got = mc.reputation_value(buying_customers=1000, promoter_share=0.4, promoter_gap=500.0, fast_complaints=30,
                              complaint_gap=200.0, period_days=73)
    assert got["amount"].to_list() == pytest.approx([1000 * 0.4 * 500 * 0.2, 30 * 200.0])
    nothing = mc.reputation_value(buying_customers=10, promoter_share=None, promoter_gap=-5.0, fast_complaints=3,
                                  complaint_gap=None, period_days=30)
    assert nothing["amount"].to_list() == [0.0, 0.0]  # unknown or negative inputs claim nothing


def test_pillar_contributions_subtract_spend() -> None:
    parts = pl.DataFrame([("sales", "acquired", 300.0), ("communication", "referred", 50.0),
                          ("communication", "engaged", 25.0), ("none", "organic", 999.0)],
                         schema=mc.SCHEMA, orient="row")
    spend = pl.DataFrame({"pillar": ["sales", "reputation", "communication"], "spend": [100.0, 40.0, 30.0],
                          "share": [0.59, 0.24, 0.17]})
    got = mc.pillar_contributions(parts, spend)
    assert got["pillar"].to_list() == ["sales", "reputation", "communication"]
    assert got["contribution"].to_list() == [200.0, -40.0, 45.0]


def test_new_customer_value_equals_sql(small_store) -> None:
    last_day = D(2026, 10, 31)
    orders = read_fact(small_store, "orders", columns=["customer_id", "ordered_at", "revenue", "cost_of_goods"])
    got = new_customer_value(read_fact(small_store, "customers"), orders, last_day=last_day)
    sql = small_store.execute_sql(
        """
        WITH cohort AS (SELECT customer_id, acquisition_channel_id, first_seen FROM customers
                        WHERE first_seen < CAST(:start AS TIMESTAMP) - INTERVAL 364 DAY),
        gp AS (SELECT k.customer_id, k.acquisition_channel_id,
                      coalesce(sum(o.revenue - o.cost_of_goods), 0) AS gp
               FROM cohort k LEFT JOIN orders o ON o.customer_id = k.customer_id
                    AND o.ordered_at < k.first_seen + INTERVAL 365 DAY
               GROUP BY 1, 2)
        SELECT acquisition_channel_id, count(*) AS n, avg(gp) AS v FROM gp GROUP BY 1 ORDER BY 1
        """, {"start": last_day})
    by_channel = got.filter(pl.col("channel_id").is_not_null())
    assert by_channel["channel_id"].to_list() == sql["acquisition_channel_id"].to_list()
    assert by_channel["valued_customers"].to_list() == sql["n"].to_list()
    assert by_channel["gross_profit_per_customer"].to_list() == pytest.approx(sql["v"].to_list(), rel=1e-9)


def test_referred_customers_are_worth_more_in_their_first_year_on_the_demo(small_store) -> None:
    """Ground truth: referred customers start as promoters more often, and promoters drop out less."""
    orders = read_fact(small_store, "orders", columns=["customer_id", "ordered_at", "revenue", "cost_of_goods"])
    got = new_customer_value(read_fact(small_store, "customers"), orders, last_day=D(2026, 10, 31))
    value = dict(zip(got["channel_id"].to_list(), got["gross_profit_per_customer"].to_list()))
    assert value["referral"] > value[None]
    assert set(read_dimension(small_store, "channels")["channel_id"]) >= {k for k in value if k}
