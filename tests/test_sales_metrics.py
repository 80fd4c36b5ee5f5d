"""Sales metrics on literal frames, and the same numbers by plain SQL on the demo."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from connectors.cohorts import MONTH_DAYS, read_cohort_margin
from connectors.journeys import read_conversion_touches
from connectors.read import Filters, read_dimension, read_fact
from connectors.export import csv_bytes
from metrics.journeys import (
    channel_selection, cohort_margin_curve, day_bucket, days_distribution, funnel, payback_months, touch_counts,
    touches_by_first_channel, touches_distribution,
)
from metrics.sales import (
    acquisition_totals, campaign_results, channel_results, lead_counts, return_on_spend, sales_by_period, sales_spend,
    spend_and_margin_by_period, spend_sums,
)

CHANNELS = pl.DataFrame({"channel_id": ["ads", "mail", "pr"], "pillar": ["sales", "sales", "reputation"]})
SPEND = pl.DataFrame({
    "day": [dt.date(2026, 1, 5), dt.date(2026, 1, 6), dt.date(2026, 1, 12), dt.date(2026, 1, 5)],
    "campaign_id": ["ads_1", "ads_1", "mail_1", "pr_1"],
    "channel_id": ["ads", "ads", "mail", "pr"],
    "amount": [600.0, 400.0, 300.0, 999.0],
    "impressions": [1000, 1000, 50, None],
    "clicks": [10, 20, 0, None],
})
LEADS = pl.DataFrame({
    "channel_id": ["ads", "ads", "ads", "ads", "mail", "direct"],
    "campaign_id": ["ads_1", "ads_1", "ads_1", "ads_1", "mail_1", None],
    "customer_id": [1, None, 2, None, None, 3],
})
ATTRIBUTED = pl.DataFrame({"channel": ["ads", "mail", "direct"], "conversions": [1.5, 0.5, 1.0],
                           "value": [3000.0, 500.0, 1000.0], "gross_profit": [1200.0, 200.0, 400.0]})


def _totals(spend: pl.DataFrame, leads: pl.DataFrame, new_customers: int) -> pl.DataFrame:
    return pl.DataFrame({"spend": [float(sales_spend(spend, CHANNELS)["amount"].sum())], "leads": [leads.height],
                         "converted_leads": [int(leads["customer_id"].is_not_null().sum())],
                         "new_customers": [new_customers]})


def test_acquisition_totals_literal_and_empty() -> None:
    got = acquisition_totals(_totals(SPEND, LEADS, 4))
    want = pl.DataFrame({"spend": [1300.0], "leads": [6], "converted_leads": [3], "new_customers": [4],
                         "cpl": [1300 / 6], "conversion": [0.5], "cac": [325.0]})
    assert_frame_equal(got, want)
    empty = acquisition_totals(_totals(SPEND.clear(), LEADS.clear(), 0))
    assert empty.row(0) == (0.0, 0, 0, 0, None, None, None)


def test_spend_sums_and_lead_counts_literal() -> None:
    by_campaign = spend_sums(SPEND, ("channel_id", "campaign_id"))
    assert by_campaign.rows() == [("ads", "ads_1", 1000.0, 2000.0, 30.0), ("mail", "mail_1", 300.0, 50.0, 0.0),
                                  ("pr", "pr_1", 999.0, 0.0, 0.0)]
    assert lead_counts(LEADS).rows() == [("ads", 4, 2), ("direct", 1, 1), ("mail", 1, 0)]
    assert lead_counts(LEADS, ("campaign_id",)).rows() == [("ads_1", 4, 2), ("mail_1", 1, 0), (None, 1, 1)]


def test_channel_results_literal() -> None:
    got = channel_results(sales_spend(spend_sums(SPEND), CHANNELS), lead_counts(LEADS), ATTRIBUTED, CHANNELS)
    assert got["channel_id"].to_list() == ["ads", "mail", "direct"]
    ads, mail, direct = got.rows(named=True)
    assert ads == {"channel_id": "ads", "pillar": "sales", "spend": 1000.0, "leads": 4, "converted_leads": 2,
                   "cpl": 250.0, "conversion": 0.5, "new_customers": 1.5, "cac": 1000 / 1.5, "revenue": 3000.0,
                   "gross_profit": 1200.0, "roas": 3.0, "romi": 0.2}
    assert mail["romi"] == pytest.approx((200 - 300) / 300) and mail["conversion"] == 0.0
    assert direct["spend"] == 0.0 and direct["cpl"] is None and direct["cac"] is None and direct["roas"] is None
    assert direct["pillar"] is None  # not in the channel list given


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 1e3), st.floats(1.0, 1e6), st.floats(0.0, 1e6), st.floats(0.0, 1e6))
def test_return_ratios_ignore_the_currency(rate, spend, revenue, profit) -> None:
    frame = pl.DataFrame({"spend": [spend], "revenue": [revenue], "gross_profit": [profit]})
    a = return_on_spend(frame).row(0, named=True)
    b = return_on_spend(frame * rate).row(0, named=True)
    assert a["roas"] == pytest.approx(b["roas"], rel=1e-9) and a["romi"] == pytest.approx(b["romi"], rel=1e-9, abs=1e-12)
    assert a["romi"] == pytest.approx(profit / spend - 1, rel=1e-9, abs=1e-12)


def test_campaign_results_literal() -> None:
    campaigns = pl.DataFrame({"campaign_id": ["ads_1", "mail_1", "idle"], "name": ["A", "M", "I"],
                              "channel_id": ["ads", "mail", "ads"], "region": [None, "Тверь", None]})
    got = campaign_results(spend_sums(SPEND, ("campaign_id",)), lead_counts(LEADS, ("campaign_id",)), campaigns)
    assert got["campaign_id"].to_list() == ["ads_1", "mail_1"]  # idle: no spend, no leads
    a = got.row(0, named=True)
    assert (a["spend"], a["impressions"], a["clicks"], a["leads"], a["converted_leads"]) == (1000.0, 2000, 30, 4, 2)
    assert a["cpl"] == 250.0 and a["cost_per_customer"] == 500.0
    assert got.row(1, named=True)["cost_per_customer"] is None


def test_spend_and_margin_by_period_fills_missing_weeks() -> None:
    orders = pl.DataFrame({"ordered_at": [dt.datetime(2026, 1, 20, 10)], "revenue": [100.0], "cost_of_goods": [60.0]})
    weekly = SPEND.with_columns(period=pl.col("day").dt.truncate("1w"))
    got = spend_and_margin_by_period(spend_sums(weekly, ("period", "channel_id")),
                                     sales_by_period(orders, grain="week"))
    assert got.rows() == [(dt.date(2026, 1, 5), 1999.0, 0.0, 0.0), (dt.date(2026, 1, 12), 300.0, 0.0, 0.0),
                          (dt.date(2026, 1, 19), 0.0, 100.0, 40.0)]


JOURNEYS = pl.DataFrame({
    "customer_id": [1, 2, 3, 4, 5, 6],
    "acquisition_channel_id": ["ads", "ads", "mail", "direct", "ads", "mail"],
    "first_channel": ["ads", "ads", "mail", "direct", "ads", None],
    "touches": [1, 3, 12, 2, 3, 0],
    "days": [0.5, 6.0, 70.0, 2.0, 3.0, None],
})


def test_touch_and_day_distributions() -> None:
    counts = touch_counts(JOURNEYS)
    assert counts.new_customers == 6
    assert counts.by_touches.rows() == [(0, 1), (1, 1), (2, 1), (3, 2), (12, 1)]
    touches = touches_distribution(counts.by_touches)
    assert dict(zip(touches["touches"], touches["customers"])) == {1: 1, 2: 1, 3: 2, 4: 0, 5: 0, 6: 0, 8: 0, 10: 1}
    assert touches["share"].sum() == pytest.approx(1.0)
    days = days_distribution(counts.by_days)
    assert days["customers"].to_list() == [1, 1, 2, 0, 0, 0, 1]  # <1, 1–3, 3–7, ..., ≥60; 3.0 falls in 3–7
    by_first = touches_by_first_channel(counts.by_first_channel)
    assert by_first.row(0, named=True) == {"first_channel": "ads", "customers": 3, "mean_touches": 7 / 3,
                                           "median_touches": 3.0, "median_days": 3.0}
    assert touches_distribution(touch_counts(JOURNEYS.clear()).by_touches)["share"].to_list() == [None] * 8


def test_day_buckets_include_their_lower_edge() -> None:
    days = pl.DataFrame({"days": [0.0, 0.999, 1.0, 2.5, 3.0, 7.0, 13.9, 14.0, 30.0, 59.99, 60.0, 400.0, None]})
    assert days.select(day_bucket(pl.col("days")).alias("bucket"))["bucket"].to_list() == [0, 0, 1, 1, 2, 3, 3, 4, 5, 5, 6, 6, None]


def test_channel_selection_literal() -> None:
    reach = pl.DataFrame({"channel_id": ["ads", "mail", "social"], "reach": [100, 40, 10]})
    got = channel_selection(spend_sums(SPEND), reach, lead_counts(LEADS), touch_counts(JOURNEYS).by_acquisition)
    rows = {r["channel_id"]: r for r in got.iter_rows(named=True)}
    assert rows["ads"]["responses"] == 4 and rows["ads"]["response_rate"] == 0.04
    assert rows["ads"]["cost_per_response"] == 250.0 and rows["ads"]["contact_stages"] == pytest.approx(7 / 3)
    assert rows["social"]["responses"] == 0 and rows["social"]["cost_per_response"] is None
    assert rows["direct"]["reach"] == 0 and rows["direct"]["response_rate"] is None
    assert rows["mail"]["customers"] == 1  # customer 6 is untracked


def test_funnel_rates() -> None:
    got = funnel(journeys=1000, leads=100, new_customers=25, repeat_customers=0)
    assert got["rate"].to_list() == [None, 0.1, 0.25, 0.0]
    assert funnel(journeys=0, leads=0, new_customers=0, repeat_customers=0)["rate"].to_list() == [None] * 4


def test_cohort_curve_averages_only_observed_customers_and_payback() -> None:
    # 2 customers observed 3 months, 1 customer observed 1 month
    sizes = pl.DataFrame({"observed": [1, 3], "customers": [1, 2], "repeat": [0, 1]})
    margin = pl.DataFrame({"observed": [1, 3, 3, 3], "month": [0, 0, 1, 2], "gross_profit": [90.0, 200.0, 60.0, 40.0]})
    curve = cohort_margin_curve(margin, sizes)
    assert curve.rows() == [(0, 3, 290 / 3, 290 / 3), (1, 2, 30.0, 290 / 3 + 30), (2, 2, 20.0, 290 / 3 + 50)]
    assert payback_months(curve, 100.0) == (2, 3)
    assert payback_months(curve, 1000.0) == (None, 3)
    assert payback_months(curve, None) == (None, 3)
    assert cohort_margin_curve(margin.clear(), sizes.clear()).height == 0


def test_csv_neutralises_formulas() -> None:
    frame = pl.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@a", "ok"], "n": [1, 2, 3, 4, 5]})
    text = csv_bytes(frame, header_lines=["period 2026-01-01 .. 2026-01-31"]).decode("utf-8")
    assert text.startswith("\ufeff# period 2026-01-01 .. 2026-01-31\n")
    body = text.splitlines()[2:]
    assert [line.split(",")[0] for line in body] == ["\"'=HYPERLINK(\"\"x\"\")\"", "'+1", "'-2", "'@a", "ok"]


# --- independent SQL on the demo ----------------------------------------------------------------------

PERIOD = Filters(dt.date(2025, 4, 1), dt.date(2025, 6, 30))


def test_channel_table_spend_and_leads_equal_sql(small_store) -> None:
    channels = read_dimension(small_store, "channels")
    spend = sales_spend(spend_sums(read_fact(small_store, "spend", PERIOD)), channels)
    leads = lead_counts(read_fact(small_store, "leads", PERIOD))
    empty = pl.DataFrame(schema={"channel": pl.String, "conversions": pl.Float64, "value": pl.Float64,
                                 "gross_profit": pl.Float64})
    got = channel_results(spend, leads, empty, channels)
    sql = small_store.execute_sql(
        """
        select c.channel_id,
               (select coalesce(sum(amount), 0) from spend s where s.channel_id = c.channel_id
                  and s.day between :start and :end) as spend,
               (select count(*) from leads l where l.channel_id = c.channel_id
                  and l.created_at >= :start and l.created_at < :end + interval 1 day) as leads,
               (select count(customer_id) from leads l where l.channel_id = c.channel_id
                  and l.created_at >= :start and l.created_at < :end + interval 1 day) as won
        from channels c where c.pillar = 'sales' order by 1
        """, {"start": PERIOD.start, "end": PERIOD.end})
    mine = got.filter(pl.col("pillar") == "sales").sort("channel_id")
    assert mine["channel_id"].to_list() == sql["channel_id"].to_list()
    assert mine["spend"].to_list() == pytest.approx(sql["spend"].to_list())
    assert mine["leads"].to_list() == sql["leads"].to_list()
    assert mine["converted_leads"].to_list() == sql["won"].to_list()


def test_conversion_touches_equal_sql(small_store) -> None:
    got = read_conversion_touches(small_store, PERIOD)
    sql = small_store.execute_sql(
        """
        select c.customer_id, count(t.touch_id) as touches,
               epoch(c.first_seen - min(t.ts)) / 86400 as days,
               arg_min(t.channel_id, t.ts) as first_channel
        from customers c left join touchpoints t on t.customer_id = c.customer_id and t.ts <= c.first_seen
        where c.first_seen >= :start and c.first_seen < :end + interval 1 day
        group by c.customer_id, c.first_seen order by c.customer_id
        """, {"start": PERIOD.start, "end": PERIOD.end})
    assert got["customer_id"].to_list() == sql["customer_id"].to_list()
    assert got["touches"].to_list() == sql["touches"].to_list()
    assert got["days"].to_list() == pytest.approx(sql["days"].to_list(), nan_ok=True)
    assert got["first_channel"].to_list() == sql["first_channel"].to_list()


def test_cohort_curve_equals_sql_for_a_fully_observed_cohort(small_store) -> None:
    end = dt.date(2026, 10, 31)
    margin, sizes = read_cohort_margin(small_store, PERIOD, data_end=end)
    curve = cohort_margin_curve(margin, sizes)
    assert int(sizes["observed"].min()) >= 12  # everyone observed for a year: month k averages over all
    sql = small_store.execute_sql(
        f"""
        with cohort as (select customer_id, first_seen from customers
                        where first_seen >= :start and first_seen < :end + interval 1 day)
        select (select sum(o.revenue - o.cost_of_goods) from orders o join cohort c using (customer_id)
                where o.ordered_at >= c.first_seen
                  and floor(epoch(o.ordered_at - c.first_seen) / 86400 / {MONTH_DAYS}) <= 5)
               / (select count(*) from cohort) as per_customer,
               (select count(*) from (select customer_id from orders join cohort using (customer_id)
                group by customer_id having count(*) >= 2)) as repeaters
        """, {"start": PERIOD.start, "end": PERIOD.end})
    assert curve.filter(pl.col("month") == 5)["cumulative"][0] == pytest.approx(sql["per_customer"][0], rel=1e-9)
    assert int(sizes["repeat"].sum()) == sql["repeaters"][0]
