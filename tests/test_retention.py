"""Customer status, seasonal rule, cohorts, churn, repeat rate and historical CLV.

Literal frames with hand-worked answers, then plain SQL on the small demo as the
independent computation, then the demo's ground truth (seasonal customers).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from connectors.read import read_fact
from metrics.cohorts import (
    churn_rate, cohort_retention, cohorts_overall, historical_clv_by_cohort, repeat_purchase_rate, retention_curve,
)
from metrics.retention import (
    STATUSES, customer_base, customer_status, daily_purchases, months_before, offended_customers, seasonal_customers,
    status_summary,
)

AS_OF = dt.date(2026, 10, 31)


def _orders(rows: list[tuple[int, str, float]]) -> pl.DataFrame:
    """Purchase days (:func:`daily_purchases`) of literal orders (customer, time, revenue; cost 60%)."""
    return daily_purchases(pl.DataFrame({
        "order_id": list(range(1, len(rows) + 1)),
        "customer_id": [r[0] for r in rows],
        "ordered_at": [dt.datetime.fromisoformat(r[1]) for r in rows],
        "revenue": [r[2] for r in rows],
        "cost_of_goods": [r[2] * 0.6 for r in rows],
    }))


def _customers(ids: list[int], channel: str = "search_ads") -> pl.DataFrame:
    return pl.DataFrame({"customer_id": ids, "first_seen": [dt.datetime(2023, 1, 1)] * len(ids),
                         "acquisition_channel_id": [channel] * len(ids), "region": ["Тверь"] * len(ids),
                         "segment": ["retail"] * len(ids)})


EMPTY_COMPLAINTS = pl.DataFrame(schema={"customer_id": pl.Int64, "opened_at": pl.Datetime("us"),
                                        "resolved_at": pl.Datetime("us")})
EMPTY_NPS = pl.DataFrame(schema={"customer_id": pl.Int64, "responded_at": pl.Datetime("us"), "score": pl.Int64})
EMPTY_REVIEWS = pl.DataFrame(schema={"customer_id": pl.Int64, "created_at": pl.Datetime("us"), "rating": pl.Int64,
                                     "sentiment": pl.String})

STATUS_ORDERS = [
    (1, "2026-01-10 10:00", 100.0), (1, "2026-05-01 10:00", 100.0), (1, "2026-09-01 10:00", 100.0),  # loyal
    (2, "2026-06-01 12:00", 50.0),  # non-loyal: one purchase
    (3, "2026-02-01 09:00", 70.0), (3, "2026-03-01 09:00", 70.0),  # active: two purchases
    (4, "2025-06-01 09:00", 40.0),  # lapsed
    (5, "2024-10-31 20:00", 40.0),  # exactly 24 months before: lost
    (6, "2025-10-31 20:00", 40.0),  # exactly 12 months before: lapsed
    (7, "2025-11-01 08:00", 40.0), (7, "2025-11-01 18:00", 40.0),  # just inside; two orders, one purchase day
    (8, "2026-01-10 10:00", 10.0), (8, "2026-02-10 10:00", 10.0), (8, "2026-03-10 10:00", 10.0),  # detractor
    (9, "2023-07-10 10:00", 30.0), (9, "2024-04-05 10:00", 30.0), (9, "2024-05-01 10:00", 30.0),
    (9, "2025-03-20 10:00", 30.0), (9, "2026-04-10 10:00", 30.0),  # spring customer, now October
    (10, "2022-01-10 10:00", 20.0),  # lost, but with a complaint still open: offended
    (11, "2022-05-10 10:00", 20.0),  # lost; negative review two years ago does not count
    (12, "2026-11-02 10:00", 99.0),  # first order after the as-of day: not a customer yet
]


def _statuses() -> pl.DataFrame:
    orders = _orders(STATUS_ORDERS)
    base = customer_base(_customers(list(range(1, 13))), orders, as_of=AS_OF)
    complaints = pl.DataFrame({"customer_id": [10, 1], "opened_at": [dt.datetime(2022, 1, 20), dt.datetime(2026, 1, 1)],
                               "resolved_at": [None, dt.datetime(2026, 1, 2)]},
                              schema_overrides={"resolved_at": pl.Datetime("us")})
    nps = pl.DataFrame({"customer_id": [8, 1], "responded_at": [dt.datetime(2026, 3, 12), dt.datetime(2024, 1, 1)],
                        "score": [4, 3]})
    reviews = pl.DataFrame({"customer_id": [11, None], "created_at": [dt.datetime(2024, 9, 1), dt.datetime(2026, 9, 1)],
                            "rating": [1, 1], "sentiment": [None, None]},
                           schema_overrides={"customer_id": pl.Int64, "sentiment": pl.String})
    offended = offended_customers(complaints, nps, reviews, as_of=AS_OF)
    seasonal = seasonal_customers(orders, as_of=AS_OF)
    return customer_status(base, offended, seasonal, as_of=AS_OF)


def test_every_status_on_literal_customers() -> None:
    got = dict(_statuses().select("customer_id", "status").iter_rows())
    assert got == {1: "loyal", 2: "non_loyal", 3: "active", 4: "lapsed", 5: "lost", 6: "lapsed", 7: "non_loyal",
                   8: "offended", 9: "seasonal", 10: "offended", 11: "lost"}


def test_status_actions_and_summary_add_up() -> None:
    statuses = _statuses()
    assert dict(statuses.select("status", "action").unique().iter_rows())["non_loyal"] == "make_loyal"
    summary = status_summary(statuses)
    assert summary["status"].to_list() == list(STATUSES)
    assert summary["customers"].sum() == 11
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["revenue_share"].sum() == pytest.approx(1.0)
    loyal = summary.filter(pl.col("status") == "loyal").row(0, named=True)
    assert loyal["customers"] == 1 and loyal["historical_clv"] == pytest.approx(300 * 0.4)
    clv = pl.DataFrame({"customer_id": [1, 2], "clv": [10.0, 20.0]})
    with_clv = status_summary(statuses, clv)
    assert with_clv.filter(pl.col("status") == "loyal")["predicted_clv"][0] == 10.0
    empty = status_summary(statuses.head(0))
    assert empty["customers"].sum() == 0 and empty["customer_share"].null_count() == len(STATUSES)


def test_thresholds_are_settings() -> None:
    orders = _orders(STATUS_ORDERS)
    base = customer_base(_customers(list(range(1, 13))), orders, as_of=AS_OF)
    none = offended_customers(EMPTY_COMPLAINTS, EMPTY_NPS, EMPTY_REVIEWS, as_of=AS_OF)
    no_season = seasonal_customers(orders.head(0), as_of=AS_OF)
    wide = dict(customer_status(base, none, no_season, as_of=AS_OF, active_months=18, lost_months=30,
                                loyal_orders=2).select("customer_id", "status").iter_rows())
    assert wide[3] == "loyal" and wide[4] == "non_loyal" and wide[5] == "lapsed" and wide[9] == "loyal"


def test_offended_reasons() -> None:
    nps = pl.DataFrame({"customer_id": [1, 2, 3], "responded_at": [dt.datetime(2026, 1, 1)] * 3, "score": [6, 7, 0]})
    reviews = pl.DataFrame({"customer_id": [4, 5, 6], "created_at": [dt.datetime(2026, 5, 1)] * 3,
                            "rating": [2, None, 3], "sentiment": [None, "negative", "negative"]})
    complaints = pl.DataFrame({"customer_id": [7, 8], "opened_at": [dt.datetime(2026, 10, 30)] * 2,
                               "resolved_at": [dt.datetime(2026, 11, 5), dt.datetime(2026, 10, 31, 12)]})
    got = offended_customers(complaints, nps, reviews, as_of=AS_OF)
    # 6: a 3-star rating is neutral whatever the text's sentiment; 8: resolved by the end of the as-of day
    assert got["customer_id"].to_list() == [1, 3, 4, 5, 7]
    assert got.filter(pl.col("customer_id") == 7)["open_complaint"][0]


def test_seasonal_rule_on_literal_purchases() -> None:
    orders = _orders([
        (1, "2023-06-01 10:00", 1.0), (1, "2023-12-05 10:00", 1.0), (1, "2024-01-10 10:00", 1.0),
        (1, "2024-12-20 10:00", 1.0), (1, "2025-11-15 10:00", 1.0),  # Nov–Jan, three season years
        (2, "2024-04-01 10:00", 1.0), (2, "2025-04-01 10:00", 1.0), (2, "2025-04-20 10:00", 1.0),
        (2, "2025-08-01 10:00", 1.0),  # one repeat purchase off-season: not seasonal
        (3, "2025-03-01 10:00", 1.0), (3, "2025-04-01 10:00", 1.0), (3, "2025-05-01 10:00", 1.0),  # one year only
        (4, "2024-07-01 10:00", 1.0), (4, "2025-03-03 10:00", 1.0), (4, "2026-05-30 10:00", 1.0),  # spring, 2 years
    ])
    got = seasonal_customers(orders, as_of=dt.date(2026, 12, 1))
    want = pl.DataFrame({"customer_id": [1, 4], "season_start": [11, 3], "season_end": [1, 5],
                         "in_season": [True, False]},
                        schema={"customer_id": pl.Int64, "season_start": pl.Int32, "season_end": pl.Int32,
                                "in_season": pl.Boolean})
    assert_frame_equal(got, want)
    assert seasonal_customers(orders, as_of=dt.date(2026, 12, 1), min_years=3)["customer_id"].to_list() == [1]


def test_cohorts_churn_repeat_and_clv_on_literal_orders() -> None:
    orders = _orders([
        (1, "2026-01-05 10:00", 100.0), (1, "2026-02-10 10:00", 50.0), (1, "2026-04-01 10:00", 10.0),
        (2, "2026-01-20 10:00", 200.0),
        (3, "2026-02-03 10:00", 10.0), (3, "2026-02-25 10:00", 10.0),
    ])
    as_of = dt.date(2026, 4, 15)  # April is not complete: months up to March
    base = customer_base(_customers([1, 2, 3]), orders, as_of=as_of)
    got = cohort_retention(base, orders, as_of=as_of)
    assert got.select("cohort", "months_since", "cohort_size", "active").rows() == [
        (dt.date(2026, 1, 1), 0, 2, 2), (dt.date(2026, 1, 1), 1, 2, 1), (dt.date(2026, 1, 1), 2, 2, 0),
        (dt.date(2026, 2, 1), 0, 1, 1), (dt.date(2026, 2, 1), 1, 1, 0),
    ]
    assert got["retention"].to_list() == [1.0, 0.5, 0.0, 1.0, 0.0]
    by_channel = cohort_retention(base, orders, as_of=as_of, by=("acquisition_channel_id",))
    assert_frame_equal(cohorts_overall(by_channel), got)
    curve = retention_curve(got)
    assert curve.select("months_since", "customers", "active").rows() == [(0, 3, 3), (1, 3, 1), (2, 2, 0)]
    clv = historical_clv_by_cohort(base, orders, as_of=as_of)
    # January: (40 + 80) / 2 customers, then + 20 / 2 in February
    assert clv.filter(pl.col("cohort") == dt.date(2026, 1, 1))["clv"].to_list() == pytest.approx([60.0, 70.0, 70.0])
    assert clv.filter(pl.col("cohort") == dt.date(2026, 2, 1))["clv"].to_list() == pytest.approx([8.0, 8.0])
    repeat = repeat_purchase_rate(base, orders, as_of=as_of, within_days=30)
    assert repeat.row(0) == (3, 1, pytest.approx(1 / 3))  # only customer 3 bought again within 30 days
    churn = churn_rate(base, orders, start=dt.date(2026, 2, 28), end=dt.date(2027, 2, 15))
    # customers 1 (1 Apr 2026) and 3 (25 Feb 2026) bought in the 12 months to 15 Feb 2027; customer 2 did not
    assert churn.row(0) == (3, 2, pytest.approx(1 / 3))
    empty = churn_rate(base, orders, start=dt.date(2020, 1, 1), end=dt.date(2020, 2, 1))
    assert empty["churn_rate"][0] is None and empty["active_at_start"][0] == 0


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 10, 31), 12) == dt.date(2025, 10, 31)
    assert months_before(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(min_value=0.01, max_value=1000.0))
def test_status_shares_do_not_depend_on_the_currency(scale: float) -> None:
    statuses = _statuses()
    a = status_summary(statuses)
    b = status_summary(statuses.with_columns(pl.col("revenue", "gross_profit") * scale))
    assert_frame_equal(a.select("customers", "revenue_share", "gross_profit_share"),
                       b.select("customers", "revenue_share", "gross_profit_share"), rel_tol=1e-9)


# --- the small demo: plain SQL as the independent computation -----------------------------------------------

@pytest.fixture(scope="module")
def demo_frames(small_store) -> dict[str, pl.DataFrame]:
    frames = {name: read_fact(small_store, name) for name in ("customers", "orders", "complaints", "nps_responses",
                                                               "reviews")}
    return {**frames, "daily": daily_purchases(frames["orders"])}


@pytest.fixture(scope="module")
def demo_statuses(demo_frames) -> pl.DataFrame:
    f = demo_frames
    base = customer_base(f["customers"], f["daily"], as_of=AS_OF)
    off = offended_customers(f["complaints"], f["nps_responses"], f["reviews"], as_of=AS_OF)
    return customer_status(base, off, seasonal_customers(f["daily"], as_of=AS_OF), as_of=AS_OF)


STATUS_SQL = """
WITH p AS (SELECT customer_id, CAST(ordered_at AS DATE) AS day FROM orders WHERE CAST(ordered_at AS DATE) <= :as_of),
h AS (SELECT customer_id, MAX(day) AS last_day, COUNT(DISTINCT day) AS n FROM p GROUP BY customer_id),
off AS (
  SELECT customer_id FROM complaints WHERE customer_id IS NOT NULL AND opened_at < :end
     AND (resolved_at IS NULL OR resolved_at >= :end)
  UNION SELECT customer_id FROM nps_responses WHERE customer_id IS NOT NULL AND score <= 6
     AND responded_at >= :since AND responded_at < :end
  UNION SELECT customer_id FROM reviews WHERE customer_id IS NOT NULL AND created_at >= :since AND created_at < :end
     AND (rating <= 2 OR (rating IS NULL AND sentiment = 'negative')))
SELECT CASE
  WHEN h.customer_id IN (SELECT customer_id FROM off) THEN 'offended'
  WHEN last_day > :active_since AND n >= 3 THEN 'loyal_or_seasonal'
  WHEN last_day > :active_since AND n = 1 THEN 'non_loyal'
  WHEN last_day > :active_since THEN 'active_or_seasonal'
  WHEN last_day > :lost_before THEN 'lapsed' ELSE 'lost' END AS status, COUNT(*) AS n
FROM h JOIN customers c USING (customer_id) GROUP BY 1 ORDER BY 1
"""


def test_status_counts_equal_plain_sql_on_the_demo(small_store, demo_statuses) -> None:
    params = {"as_of": AS_OF, "end": dt.datetime(2026, 11, 1), "since": dt.datetime(2025, 11, 1),
              "active_since": dt.date(2025, 10, 31), "lost_before": dt.date(2024, 10, 31)}
    sql = dict(small_store.execute_sql(STATUS_SQL, params).iter_rows())
    ours = dict(demo_statuses.group_by("status").len().iter_rows())
    seasonal = demo_statuses.filter(pl.col("status") == "seasonal")
    seasonal_loyal = seasonal.filter(pl.col("purchases") >= 3).height
    assert ours["offended"] == sql["offended"]
    assert ours["non_loyal"] == sql["non_loyal"]  # one purchase: never seasonal (needs repeat purchases)
    assert ours["loyal"] + seasonal_loyal == sql["loyal_or_seasonal"]
    assert ours["active"] + seasonal.height - seasonal_loyal == sql["active_or_seasonal"]
    assert ours["lapsed"] == sql["lapsed"] and ours["lost"] == sql["lost"]
    assert all(ours.get(s, 0) > 0 for s in STATUSES), ours


COHORT_SQL = """
WITH p AS (SELECT DISTINCT customer_id, date_trunc('month', ordered_at) AS m FROM orders
           WHERE ordered_at < TIMESTAMP '2026-11-01'),
f AS (SELECT customer_id, MIN(m) AS cohort FROM p GROUP BY customer_id),
sizes AS (SELECT cohort, COUNT(*) AS size FROM f GROUP BY cohort)
SELECT CAST(f.cohort AS DATE) AS cohort, date_diff('month', f.cohort, p.m) AS k, COUNT(*) AS active,
       ANY_VALUE(size) AS size
FROM p JOIN f USING (customer_id) JOIN sizes ON sizes.cohort = f.cohort GROUP BY 1, 2 ORDER BY 1, 2
"""


def test_cohort_retention_and_clv_equal_plain_sql_on_the_demo(small_store, demo_frames) -> None:
    base = customer_base(demo_frames["customers"], demo_frames["daily"], as_of=AS_OF)
    ours = cohort_retention(base, demo_frames["daily"], as_of=AS_OF).filter(pl.col("active") > 0)
    sql = small_store.execute_sql(COHORT_SQL, {})
    joined = ours.join(sql, left_on=["cohort", "months_since"], right_on=["cohort", "k"], how="full")
    assert joined.height == ours.height == sql.height
    assert (joined["active"] == joined["active_right"]).all() and (joined["cohort_size"] == joined["size"]).all()

    clv_sql = small_store.execute_sql("""
        WITH f AS (SELECT customer_id, date_trunc('month', MIN(ordered_at)) AS cohort FROM orders GROUP BY 1)
        SELECT CAST(cohort AS DATE) AS cohort, SUM(revenue - cost_of_goods) / COUNT(DISTINCT customer_id) AS clv
        FROM orders JOIN f USING (customer_id)
        WHERE ordered_at < cohort + INTERVAL 13 MONTH AND cohort <= TIMESTAMP '2025-10-01'
        GROUP BY 1 ORDER BY 1""", {})
    clv = historical_clv_by_cohort(base, demo_frames["daily"], as_of=AS_OF).filter(pl.col("months_since") == 12)
    joined = clv.join(clv_sql, on="cohort")
    assert joined.height == clv.height == clv_sql.height > 20
    assert (joined["clv"] - joined["clv_right"]).abs().max() < 1e-6


def test_repeat_rate_equals_plain_sql_on_the_demo(small_store, demo_frames) -> None:
    base = customer_base(demo_frames["customers"], demo_frames["daily"], as_of=AS_OF)
    ours = repeat_purchase_rate(base, demo_frames["daily"], as_of=AS_OF).row(0, named=True)
    sql = small_store.execute_sql("""
        WITH p AS (SELECT DISTINCT customer_id, CAST(ordered_at AS DATE) AS day FROM orders),
        f AS (SELECT customer_id, MIN(day) AS first FROM p GROUP BY 1 HAVING MIN(day) <= DATE '2025-10-31')
        SELECT COUNT(*) AS customers,
               COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM p WHERE p.customer_id = f.customer_id
                                AND p.day > f.first AND p.day <= f.first + INTERVAL 365 DAY)) AS repeaters
        FROM f""", {}).row(0, named=True)
    assert (ours["customers"], ours["repeaters"]) == (sql["customers"], sql["repeaters"])


def test_seasonal_rule_recovers_the_demos_seasonal_customers(small_demo, demo_frames) -> None:
    """Precision and recall of the seasonal pattern against the customers the demo made seasonal.

    Recall is judged on the seasonal customers the rule could see: those with repeat
    purchases in at least two calendar years (the others dropped out or arrived lately).
    """
    truth = set(small_demo.truth["seasonal_customers"]["spring"]) | set(small_demo.truth["seasonal_customers"]["winter"])
    found = seasonal_customers(demo_frames["daily"], as_of=AS_OF)
    ids = set(found["customer_id"].to_list())
    repeat = (
        demo_frames["orders"].with_columns(pl.col("ordered_at").cast(pl.Date).alias("day"))
        .unique(["customer_id", "day"]).sort("customer_id", "day")
        .filter(pl.int_range(pl.len()).over("customer_id") > 0)
        .group_by("customer_id").agg(pl.col("day").dt.year().n_unique().alias("years"))
    )
    visible = truth & set(repeat.filter(pl.col("years") >= 2)["customer_id"].to_list())
    precision = len(ids & truth) / len(ids)
    recall_visible = len(ids & visible) / len(visible)
    print(f"\nseasonal rule: flagged {len(ids)}, precision {precision:.3f}, recall {len(ids & truth) / len(truth):.3f} "
          f"of all {len(truth)} seasonal customers, {recall_visible:.3f} of the {len(visible)} visible ones")
    assert precision >= 0.70
    assert recall_visible >= 0.95
    spring = set(small_demo.truth["seasonal_customers"]["spring"]) & ids
    starts = found.filter(pl.col("customer_id").is_in(list(spring)))["season_start"]
    assert starts.is_in([1, 2, 3]).mean() > 0.9  # spring (Mar–May) customers get a window that covers it
