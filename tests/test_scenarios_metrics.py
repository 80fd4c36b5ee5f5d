"""Scenario projections: the period response by hand and by brute force, the economics by SQL, the chain."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from metrics.response import ChannelFit, CurveParams, ResponseModel, hill, weekly_leads
from metrics.scenarios import (
    Planner, carry_profile, channel_economics, last_period_budgets, period_leads, period_leads_slope, period_start,
    tail_weeks,
)


def brute_force_leads(p: CurveParams, budget: float, weeks: int) -> float:
    """Simulate the weeks one by one: flat spend for the period, then nothing until the carry-over is gone."""
    spend = np.r_[np.full(weeks, budget / weeks), np.zeros(3000)]
    return float(weekly_leads(spend, p).sum())


def test_period_leads_without_carry_over_by_hand() -> None:
    p = np.array([0.0, 10_000.0, 1.0, 50.0])
    # 13 weeks of 5,000: each week 50 * 5000 / 15000
    assert period_leads(p, np.array([65_000.0]), 13)[0, 0] == pytest.approx(13 * 50 / 3)
    assert period_leads(p, np.array([0.0]), 13)[0, 0] == 0.0


@pytest.mark.parametrize("theta,s", [(0.3, 1.0), (0.65, 1.6), (0.9, 2.5), (0.95, 0.7)])
def test_period_leads_equal_a_week_by_week_simulation(theta: float, s: float) -> None:
    p = CurveParams(theta=theta, kappa=40_000.0, s=s, beta=120.0)
    budgets = np.array([1_000.0, 200_000.0, 1_500_000.0])
    got = period_leads(p.as_array(), budgets, 13)[0]
    want = [brute_force_leads(p, b, 13) for b in budgets]
    assert got == pytest.approx(want, rel=1e-6)


def test_period_slope_matches_a_finite_difference() -> None:
    p = np.array([0.5, 30_000.0, 1.4, 70.0])
    b = np.array([50_000.0, 300_000.0])
    numeric = (period_leads(p, b + 1.0, 8) - period_leads(p, b - 1.0, 8)) / 2.0
    assert period_leads_slope(p, b, 8) == pytest.approx(numeric, rel=1e-5)


def test_carry_profile_and_tail() -> None:
    g = carry_profile(np.array(0.5), 3, tail_weeks(0.5))
    assert g[:5].tolist() == pytest.approx([1.0, 1.5, 1.75, 0.875, 0.4375])
    assert tail_weeks(0.0) == 0 and 0.5 ** tail_weeks(0.5) < 1e-9
    assert tail_weeks(0.5, 0.5) >= 2 * tail_weeks(0.5) - 1  # slow-fading leads when s < 1
    assert period_start(dt.date(2026, 10, 31)) == dt.date(2026, 11, 2)
    assert period_start(dt.date(2026, 11, 1)) == dt.date(2026, 11, 2)  # a Sunday: the next day


# --- economics ---------------------------------------------------------------------------------------


def test_channel_economics_on_literal_frames() -> None:
    t = dt.datetime
    leads = pl.DataFrame({
        "channel_id": ["a", "a", "a", "b", "b"],
        "created_at": [t(2024, 1, 1), t(2024, 1, 2), t(2024, 12, 30), t(2024, 1, 5), t(2024, 2, 1)],
        "customer_id": [1, None, None, 2, None],
    })
    customers = pl.DataFrame({"customer_id": [1, 2, 3], "first_seen": [t(2024, 1, 3), t(2024, 1, 6), t(2024, 1, 7)],
                              "acquisition_channel_id": ["a", "b", "c"]})
    orders = pl.DataFrame({
        "customer_id": [1, 1, 1, 2, 3],
        "ordered_at": [t(2024, 1, 3), t(2024, 6, 1), t(2025, 3, 1), t(2024, 1, 6), t(2024, 1, 7)],
        "revenue": [100.0, 50.0, 999.0, 80.0, 10.0], "cost_of_goods": [60.0, 30.0, 500.0, 40.0, 5.0],
    })
    got = channel_economics(leads, customers, orders, last_day=dt.date(2025, 6, 30), horizon_days=365)
    # the 30 Dec lead is mature (>30 days before 30 Jun 2025); the order of March 2025 is outside 12 months
    want = pl.DataFrame({
        "channel_id": ["a", "b", "c"], "leads": [3, 2, 0], "converted": [1, 1, 0],
        "conversion": [1 / 3, 0.5, None], "valued_customers": [1, 1, 1],
        "revenue_per_customer": [150.0, 80.0, 10.0], "gross_profit_per_customer": [60.0, 40.0, 5.0],
        "value_source": ["channel", "channel", "channel"],
    })
    assert_frame_equal(got, want)
    first = channel_economics(leads, customers, orders, last_day=dt.date(2025, 6, 30), horizon_days=None)
    assert first["revenue_per_customer"].to_list() == [100.0, 80.0, 10.0]
    young = channel_economics(leads, customers, orders, last_day=dt.date(2024, 6, 30), horizon_days=365)
    # nobody has a full year yet: no value anywhere (channel c has neither leads nor valued customers)
    assert young["channel_id"].to_list() == ["a", "b"]
    assert young["value_source"].to_list() == ["all", "all"]
    assert young["revenue_per_customer"].null_count() == 2


def test_channel_economics_equal_plain_sql_and_the_demo_conversion(small_store) -> None:
    from connectors.demo.company import CONVERSION
    from connectors.read import read_fact

    last = dt.date(2026, 10, 31)
    got = channel_economics(
        read_fact(small_store, "leads", columns=["channel_id", "created_at", "customer_id"]),
        read_fact(small_store, "customers", columns=["customer_id", "first_seen", "acquisition_channel_id"]),
        read_fact(small_store, "orders", columns=["customer_id", "ordered_at", "revenue", "cost_of_goods"]),
        last_day=last, horizon_days=365,
    )
    sql = small_store.execute_sql("""
        WITH cohort AS (
            SELECT customer_id, first_seen, acquisition_channel_id AS channel_id FROM customers
            WHERE first_seen < CAST(:start AS TIMESTAMP)),
        value AS (
            SELECT c.customer_id, c.channel_id,
                   COALESCE(SUM(o.revenue), 0) AS revenue, COALESCE(SUM(o.revenue - o.cost_of_goods), 0) AS gp
            FROM cohort c LEFT JOIN orders o
              ON o.customer_id = c.customer_id AND o.ordered_at < c.first_seen + INTERVAL 365 DAY
            GROUP BY ALL)
        SELECT channel_id, AVG(revenue) AS revenue_per_customer, AVG(gp) AS gross_profit_per_customer,
               COUNT(*) AS valued_customers
        FROM value GROUP BY channel_id ORDER BY channel_id
    """, {"start": dt.datetime(2025, 11, 1)})
    joined = got.join(sql, on="channel_id", suffix="_sql")
    assert joined.height == sql.height
    for col in ("revenue_per_customer", "gross_profit_per_customer"):
        assert joined[col].to_numpy() == pytest.approx(joined[f"{col}_sql"].to_numpy(), rel=1e-9)
    assert joined["valued_customers"].to_list() == joined["valued_customers_sql"].to_list()
    for r in got.iter_rows(named=True):  # recovers the simulation's conversion within binomial noise
        p = CONVERSION[r["channel_id"]]
        assert abs(r["conversion"] - p) <= 4 * (p * (1 - p) / r["leads"]) ** 0.5 + 0.01, r


# --- the planner ------------------------------------------------------------------------------------


def tiny_model(weeks: int = 60) -> ResponseModel:
    """Two curve channels, one constant one and one organic baseline, with hand-set parameters."""
    a = CurveParams(theta=0.0, kappa=10_000.0, s=1.0, beta=40.0)
    b = CurveParams(theta=0.5, kappa=20_000.0, s=2.0, beta=60.0)
    rng = np.random.default_rng(0)

    def curve(ch, p):
        draws = np.tile(p.as_array(), (20, 1)) * rng.uniform(0.95, 1.05, (20, 4))
        draws[:, 0] = np.clip(draws[:, 0], 0, 0.9)
        return ChannelFit(ch, "curve", p, draws, 0.9, 0.1, weeks, weeks, 10_000.0, 30_000.0, 25_000.0)

    fits = {
        "a": curve("a", a), "b": curve("b", b),
        "c": ChannelFit("c", "constant", None, np.full((20, 1), 7.0), None, None, weeks, weeks, 5_000.0, 0.0,
                        5_000.0, level=7.0),
        "o": ChannelFit("o", "baseline", None, np.tile([30.0, 0, 0, 0, 0, 0], (20, 1)), 0.5, 0.1, weeks, 0, 0.0,
                        0.0, coef=np.array([30.0, 0, 0, 0, 0, 0])),
    }
    return ResponseModel(fits, dt.date(2024, 1, 1), dt.date(2024, 1, 1) + dt.timedelta(weeks=weeks - 1), weeks,
                         20, 0.0)


ECONOMICS = pl.DataFrame({
    "channel_id": ["a", "b", "c", "o"], "conversion": [0.5, 0.25, 0.4, 0.2],
    "revenue_per_customer": [1_000.0, 2_000.0, 500.0, 800.0], "gross_profit_per_customer": [400.0, 800.0, 200.0, 300.0],
})


def test_projection_chain_by_hand() -> None:
    plan = Planner(tiny_model(), ECONOMICS, weeks=4)
    by_channel, total = plan.project({"a": 40_000.0, "b": 0.0, "c": 8_000.0})
    rows = {r["channel_id"]: r for r in by_channel.iter_rows(named=True)}
    leads_a = 4 * 40 * 10_000 / 20_000  # four weeks at half saturation
    assert rows["a"]["leads"] == pytest.approx(leads_a)
    assert rows["a"]["customers"] == pytest.approx(leads_a * 0.5)
    assert rows["a"]["revenue"] == pytest.approx(leads_a * 0.5 * 1_000)
    assert rows["a"]["gross_profit"] == pytest.approx(leads_a * 0.5 * 400)
    assert rows["a"]["romi"] == pytest.approx((leads_a * 0.5 * 400 - 40_000) / 40_000)
    assert rows["b"]["leads"] == 0.0 and rows["b"]["romi"] is None
    assert rows["c"]["leads"] == pytest.approx(28.0)  # constant: 7 a week whatever the budget
    assert rows["c"]["romi"] is None  # so its budget earns no return of its own
    assert rows["o"]["leads"] == pytest.approx(120.0) and rows["o"]["romi"] is None
    t = total.row(0, named=True)
    assert t["budget"] == 48_000.0
    for col in ("leads", "customers", "revenue", "gross_profit"):
        assert t[col] == pytest.approx(by_channel[col].sum())
    paid = rows["a"]["gross_profit"] + rows["c"]["gross_profit"]
    assert t["paid_gross_profit"] == pytest.approx(paid)
    assert t["romi"] == pytest.approx((paid - 48_000) / 48_000)
    for r in [*rows.values(), t]:
        assert r["leads_lo"] <= r["leads"] * 1.06 and r["leads_hi"] >= r["leads"] * 0.94


def test_marginal_romi_is_the_curve_slope() -> None:
    plan = Planner(tiny_model(), ECONOMICS, weeks=4)
    by_channel, _ = plan.project({"a": 40_000.0, "b": 100_000.0})
    row = by_channel.filter(pl.col("channel_id") == "b").row(0, named=True)
    numeric = (plan.value("b", 100_001.0, "gross_profit") - plan.value("b", 99_999.0, "gross_profit"))[0] / 2
    assert row["marginal_romi"] == pytest.approx(numeric - 1, rel=1e-5)
    curves = plan.response_curves(points=11, upto={"a": 100_000.0, "b": 100_000.0})
    assert set(curves["channel_id"]) == {"a", "b", "c"}
    at = curves.filter((pl.col("channel_id") == "b") & (pl.col("budget") == 100_000.0)).row(0, named=True)
    assert at["gross_profit"] == pytest.approx(row["gross_profit"])
    assert curves.filter(pl.col("channel_id") == "a")["observed"].to_list()[:5] == [True] * 5


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 1000), st.floats(1_000, 500_000), st.floats(0, 500_000))
def test_rescaling_money_leaves_leads_and_romi_unchanged(rate, budget_a, budget_b) -> None:
    """The same company in another currency: spend, kappa and values × rate."""
    plan = Planner(tiny_model(), ECONOMICS, weeks=6)
    model = tiny_model()
    for f in model.fits.values():
        if f.kind == "curve":
            f.params = CurveParams(f.params.theta, f.params.kappa * rate, f.params.s, f.params.beta)
            f.draws[:, 1] *= rate
    money = ECONOMICS.with_columns(pl.col("revenue_per_customer") * rate, pl.col("gross_profit_per_customer") * rate)
    scaled = Planner(model, money, weeks=6)
    _, t1 = plan.project({"a": budget_a, "b": budget_b, "c": 1_000.0})
    _, t2 = scaled.project({"a": budget_a * rate, "b": budget_b * rate, "c": 1_000.0 * rate})
    r1, r2 = t1.row(0, named=True), t2.row(0, named=True)
    assert r2["leads"] == pytest.approx(r1["leads"], rel=1e-9)
    assert r2["romi"] == pytest.approx(r1["romi"], rel=1e-9, abs=1e-12)
    assert r2["gross_profit"] == pytest.approx(r1["gross_profit"] * rate, rel=1e-9)


def test_last_period_budgets() -> None:
    weeks = [dt.date(2024, 1, 1) + dt.timedelta(weeks=k) for k in range(4)]
    weekly = pl.DataFrame({"week": weeks * 2, "channel_id": ["a"] * 4 + ["b"] * 4,
                           "spend": [1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 10.0, 0.0], "leads": [0.0] * 8})
    assert last_period_budgets(weekly, weeks=2, channels=["a", "b", "z"]) == {"a": 7.0, "b": 10.0, "z": 0.0}
    assert hill(np.array([0.0]), 1.0, 0.5)[0] == 0.0
