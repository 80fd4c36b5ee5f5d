"""Lift tests imported as a table calibrate the marketing-mix model read from the store.

A constructed company: two channels bought on one plan (the second always spends 0.9 times the first), only
the first one works. Weekly leads alone cannot tell them apart; a lift test on the first one can. The lift
test comes in as a CSV file through the import, the page's loader reads spend, leads and the lift tests
from the store, and the first channel's ROI over the test's weeks lands within the test's 90% interval only
with the test.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.lift_tests import lift_test_frame
from connectors.store import DuckDBStore
from dashboard.scenarios.mix_data import fit_mix
from metrics.mmm.transforms import saturated, spend_scale

N_WEEKS = 104
FIRST = dt.date(2024, 1, 1)  # a Monday
TEST_WEEKS = (60, 67)  # the lift test's first and last week
Z90 = 1.645


def company(seed: int):
    """Spend per day (one row per week, on its Monday) and one row per lead; the first channel's true weekly
    contribution."""
    rng = np.random.default_rng(seed)
    alpha = np.round(rng.gamma(4, 2500, N_WEEKS) * (rng.random(N_WEEKS) > 0.2), 2)
    beta = np.round(0.9 * alpha, 2)
    effect = 400 * saturated(alpha, 0.3, 1.0, 1.0, spend_scale(alpha))
    leads = np.round(200 + effect + rng.normal(0, 12, N_WEEKS)).astype(int)
    mondays = [FIRST + dt.timedelta(days=7 * w) for w in range(N_WEEKS)]
    spend = pl.DataFrame({
        "day": mondays * 2, "campaign_id": ["alpha_all"] * N_WEEKS + ["beta_all"] * N_WEEKS,
        "channel_id": ["alpha"] * N_WEEKS + ["beta"] * N_WEEKS, "amount": np.r_[alpha, beta]})
    created = [dt.datetime.combine(mondays[w], dt.time(12)) for w in range(N_WEEKS) for _ in range(leads[w])]
    lead_rows = pl.DataFrame({"lead_id": np.arange(1, len(created) + 1), "created_at": created,
                              "channel_id": ["direct"] * len(created)})
    return spend, lead_rows, alpha, effect


def scratch_store(tmp_path, seed: int):
    spend, leads, alpha, effect = company(seed)
    store = DuckDBStore(tmp_path / f"lift{seed}.duckdb")
    store.ensure_schema()
    store.write_frames({
        "channels": pl.DataFrame({"channel_id": ["alpha", "beta", "direct"], "name": ["Alpha", "Beta", "Direct"],
                                  "pillar": ["sales"] * 3, "kind": ["paid", "paid", "owned"]}),
        "campaigns": pl.DataFrame({"campaign_id": ["alpha_all", "beta_all"], "channel_id": ["alpha", "beta"],
                                   "name": ["Alpha", "Beta"]}),
        "spend": spend, "leads": leads})
    return store, alpha, effect


def lift_csv(lift: float, se: float) -> bytes:
    start = FIRST + dt.timedelta(days=7 * TEST_WEEKS[0])
    end = FIRST + dt.timedelta(days=7 * TEST_WEEKS[1] + 6)
    return (f"channel_id;start_date;end_date;outcome;lift;lift_se\n"
            f"alpha;{start:%d.%m.%Y};{end:%d.%m.%Y};leads;{lift:.1f};{se:.1f}\n").encode()


def window_roi(mix, spend: np.ndarray) -> float:
    j = mix.fit.channels.index("alpha")
    w0, w1 = TEST_WEEKS
    return float(mix.fit.contributions[w0:w1 + 1, j].sum() / spend[w0:w1 + 1].sum())


@pytest.mark.parametrize("seed", [11, 13])
def test_an_imported_lift_test_pulls_the_confounded_channel_into_its_interval(tmp_path, seed):
    store, alpha, effect = scratch_store(tmp_path, seed)
    last_day = FIRST + dt.timedelta(days=7 * N_WEEKS - 1)
    w0, w1 = TEST_WEEKS
    lift = float(effect[w0:w1 + 1].sum())
    se = 0.08 * lift
    spent = alpha[w0:w1 + 1].sum()
    low, high = (lift - Z90 * se) / spent, (lift + Z90 * se) / spent

    without = fit_mix(store, last_day, "leads")
    assert without is not None and without.fit.lift_tests == ()
    assert not low <= window_roi(without, alpha) <= high  # the plan moves both channels: leads cannot tell

    plan = plan_import(store, lift_csv(lift, se), "lift.csv", ImportRequest("lift_tests"), max_bytes=10**6)
    assert plan.ok, [p.code for p in plan.problems]
    assert apply_import(store, plan).rows_added == 1
    frame = lift_test_frame(store, "leads")
    assert frame.select("channel", "start", "end").row(0) == (
        "alpha", FIRST + dt.timedelta(days=7 * w0), FIRST + dt.timedelta(days=7 * w1 + 6))
    assert frame["lift"][0] == pytest.approx(lift, abs=0.05) and lift_test_frame(store, "orders").height == 0

    calibrated = fit_mix(store, last_day, "leads")
    assert len(calibrated.fit.lift_tests) == 1
    assert low <= window_roi(calibrated, alpha) <= high
    assert abs(window_roi(calibrated, alpha) - lift / spent) < abs(window_roi(without, alpha) - lift / spent)


def test_a_lift_file_with_mistakes_is_refused_with_every_problem(tmp_path):
    store, _, _ = scratch_store(tmp_path, 11)
    bad = (b"channel_id,start_date,end_date,outcome,lift,lift_se\n"
           b"alpah,2025-03-03,2025-02-01,leeds,120,0\n")
    plan = plan_import(store, bad, "bad.csv", ImportRequest("lift_tests"), max_bytes=10**6)
    assert not plan.ok
    assert {(p.code, p.column) for p in plan.problems} >= {
        ("unknown_channel", "channel_id"), ("not_allowed", "outcome"), ("out_of_range", "lift_se"),
        ("inconsistent", "end_date")}
    assert store.execute_sql("SELECT count(*) AS n FROM lift_tests", {})["n"][0] == 0
