"""Retention-to-profit projection (hand formula), promoter and complaint value (the demo's ground truth)."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.read import read_fact
from metrics.retention import customer_base, daily_purchases
from metrics.retention_value import (
    RetentionInputs, complaint_outcomes, nps_group_of_first_purchase, profit_projection, retention_inputs,
    retention_sensitivity, value_by_nps_group,
)

AS_OF = dt.date(2026, 10, 31)


def _inputs(scale: float = 1.0, retention=(0.5, 0.8)) -> RetentionInputs:
    tenure = pl.DataFrame({"tenure": [0, 1], "active_prev": [10, 10], "retained": [5, 8],
                           "retention": list(retention), "active_now": [100, 50],
                           "margin_per_active": [10.0 * scale, 20.0 * scale]},
                          schema_overrides={"tenure": pl.Int32})
    return RetentionInputs(tenure=tenure, new_customers=100, acquisition_spend=200.0 * scale, cac=2.0 * scale,
                           retention=0.65, as_of=AS_OF)


def test_projection_follows_the_hand_formula() -> None:
    got = profit_projection(_inputs(), years=2, discount_rate=0.1)
    # year 1: 100 new + (100·0.5 + 50·0.8) = 90 in the second bucket; year 2: 100 + (100·0.5 + 90·0.8) = 122
    assert got["active_customers"].to_list() == pytest.approx([190.0, 222.0])
    assert got["gross_profit"].to_list() == pytest.approx([100 * 10 + 90 * 20, 100 * 10 + 122 * 20])
    assert got["profit"].to_list() == pytest.approx([2600.0, 3240.0])
    assert got["discounted_profit"].to_list() == pytest.approx([2600 / 1.1, 3240 / 1.21])
    up = profit_projection(_inputs(), delta=0.1, years=2, discount_rate=0.1)
    # retention 0.6 / 0.9: year 1 second bucket 60 + 45 = 105; year 2: 60 + 94.5 = 154.5
    assert up["profit"].to_list() == pytest.approx([1000 + 2100 - 200, 1000 + 3090 - 200])
    sens = retention_sensitivity(_inputs(), deltas=(0.0, 0.1), years=2, discount_rate=0.1)
    base = 2600 / 1.1 + 3240 / 1.21
    high = 2900 / 1.1 + 3890 / 1.21
    assert sens["difference"].to_list() == pytest.approx([0.0, high - base])
    assert sens["difference_pct"][1] == pytest.approx((high - base) / base)
    assert sens["delta_points"].to_list() == [0.0, 10.0]


def test_retention_is_capped_at_one_and_unknown_inputs_give_no_projection() -> None:
    capped = profit_projection(_inputs(retention=(0.95, 0.99)), delta=0.10, years=1, discount_rate=0.0)
    assert capped["active_customers"][0] == pytest.approx(100 + 100 + 50)
    unknown = _inputs(retention=(0.5, None))
    assert profit_projection(unknown).height == 0
    assert retention_sensitivity(unknown).height == 0


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(min_value=0.01, max_value=1e4), delta=st.floats(min_value=0.0, max_value=0.1))
def test_money_rescaled_leaves_the_percentage_unchanged(scale: float, delta: float) -> None:
    a = retention_sensitivity(_inputs(), deltas=(delta,))
    b = retention_sensitivity(_inputs(scale), deltas=(delta,))
    tol = 1e-12 * b["baseline_profit"][0]  # the difference of two large totals carries their rounding
    assert b["difference"][0] == pytest.approx(a["difference"][0] * scale, rel=1e-9, abs=tol)
    assert b["difference_pct"][0] == pytest.approx(a["difference_pct"][0], rel=1e-9, abs=1e-12)
    assert a["difference"][0] >= 0  # more retention never loses money when margins are positive


def test_retention_inputs_on_literal_orders() -> None:
    def order(c: int, day: str, revenue: float) -> tuple:
        return c, dt.datetime.fromisoformat(day), revenue, revenue / 2

    rows = [order(1, "2024-12-01", 100), order(1, "2026-01-01", 100),  # tenure 0 in W1, retained
            order(2, "2025-03-01", 40),  # tenure 0 in W1, not retained
            order(3, "2023-01-01", 10), order(3, "2025-02-01", 10), order(3, "2026-02-01", 30),  # tenure 2
            order(4, "2026-05-01", 60)]  # new in W2
    orders = daily_purchases(pl.DataFrame(rows, schema=["customer_id", "ordered_at", "revenue", "cost_of_goods"],
                                          orient="row"))
    customers = pl.DataFrame({"customer_id": [1, 2, 3, 4], "acquisition_channel_id": ["x"] * 4,
                              "region": ["r"] * 4, "segment": ["s"] * 4})
    base = customer_base(customers, orders, as_of=AS_OF)
    got = retention_inputs(base, orders, 120.0, as_of=AS_OF)
    assert got.tenure.select("tenure", "active_prev", "retained", "active_now").rows() == [
        (0, 2, 1, 1), (1, 0, 0, 1), (2, 1, 1, 1)]
    assert got.tenure["margin_per_active"].to_list() == [30.0, 50.0, 15.0]
    assert got.new_customers == 1 and got.cac == 120.0 and got.retention == pytest.approx(2 / 3)


# --- ground truth of the small demo --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frames(small_store) -> dict[str, pl.DataFrame]:
    return {n: read_fact(small_store, n) for n in ("customers", "orders", "nps_responses", "referrals", "complaints")}


def test_complaints_resolved_within_the_standard_keep_customers_as_recorded(frames, small_demo) -> None:
    got = complaint_outcomes(frames["complaints"], frames["orders"], as_of=AS_OF, standard_hours=48)
    truth = small_demo.truth["complaint_retention"]
    for row in got.iter_rows(named=True):
        want = truth[row["speed"]]
        assert row["complaints"] == want["complaints"]
        assert row["ordered_again"] == pytest.approx(want["ordered_again_12m"], abs=1e-6)
    fast, slow = got.row(0, named=True), got.row(1, named=True)
    assert fast["gross_profit_12m"] > slow["gross_profit_12m"]


def test_promoters_retain_and_refer_as_the_demo_recorded(frames, small_demo) -> None:
    """Observed (by the answer about the first purchase) vs the latent class the demo drew.

    Tolerance: 3 standard errors of the group's estimate (binomial for the repeat rate,
    Poisson for referrals), plus misclassification — 10% of the demo's answers are drawn
    at random, so about 11% of the observed detractors (and 4% of the promoters) belong to
    other classes, which pulls each group's value towards the others by at most 11% of the
    largest gap between classes.
    """
    daily = daily_purchases(frames["orders"])
    base = customer_base(frames["customers"], daily, as_of=AS_OF)
    groups = nps_group_of_first_purchase(frames["nps_responses"], base)
    got = {r["nps_group"]: r for r in value_by_nps_group(base, daily, groups, frames["referrals"],
                                                          as_of=AS_OF).iter_rows(named=True)}
    repeat = {k: v["repeat_12m"] for k, v in small_demo.truth["repeat_by_class"].items()}
    refs = small_demo.truth["referrals_per_customer_by_class"]
    repeat_gap, refs_gap = max(repeat.values()) - min(repeat.values()), max(refs.values()) - min(refs.values())
    lines = []
    for group, row in got.items():
        n = row["customers"]
        se = math.sqrt(repeat[group] * (1 - repeat[group]) / n)
        assert abs(row["repeat_rate"] - repeat[group]) <= 3 * se + 0.11 * repeat_gap, (group, row, repeat[group])
        se_r = math.sqrt(max(refs[group], 1e-3) / n)
        assert abs(row["referrals_per_customer"] - refs[group]) <= 3 * se_r + 0.11 * refs_gap, (group, row)
        lines.append(f"{group}: n={n} repeat {row['repeat_rate']:.3f} (truth {repeat[group]:.3f}), referrals "
                     f"{row['referrals_per_customer']:.3f} (truth {refs[group]:.3f})")
    print("\n" + "\n".join(lines))
    assert got["promoter"]["repeat_rate"] > got["detractor"]["repeat_rate"]
    assert got["promoter"]["value"] > got["passive"]["value"] > got["detractor"]["value"]
