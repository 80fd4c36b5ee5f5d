"""What a fitted model credits to groups of channels over a range of weeks (metrics/mmm/contributions.py): on a
fit written down by hand, where the answer is a sum of halves, and on a model fitted to simulated data, where the
groups add up to the fitted weekly contributions of those weeks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from metrics.mmm import fit_mmm, mmm_input
from metrics.mmm.contributions import group_contributions, weeks_within
from metrics.mmm.data import MMMInput
from metrics.mmm.fit import Draws, MMMFit
from metrics.mmm.predict import media_parts
from metrics.mmm.simulate import simulate_mmm

MONDAY = dt.date(2026, 1, 5)


def literal_fit(beta_scales=(0.5, 1.0, 1.5)) -> MMMFit:
    """Four weeks, three channels spending 1 a week, no carry-over, half-saturation 1, shape 1, scale 1: every
    week each channel gives half its coefficient (10, 20, 40 -> 5, 10, 20). Draws: the coefficients scaled."""
    n, beta = 4, np.array([10.0, 20.0, 40.0])
    weeks = np.array([np.datetime64(MONDAY + dt.timedelta(weeks=i)) for i in range(n)]).astype("datetime64[D]")
    data = MMMInput(weeks, np.full(n, 100.0), np.ones((n, 3)), ("a", "b", "c"), np.zeros((n, 0)))
    ones, zeros = np.ones(3), np.zeros(3)
    b = len(beta_scales)
    draws = Draws(theta=np.zeros((b, 3)), kappa=np.ones((b, 3)), s=np.ones((b, 3)),
                  beta=np.array([beta * k for k in beta_scales]), contribution=np.zeros((b, 3)),
                  baseline_level=np.zeros(b), baseline=np.zeros((b, n)))
    fit = MMMFit(data=data, theta=zeros, kappa=ones, s=ones, beta=beta, scale=ones, delays=(0, 0, 0),
                 base_coef=np.zeros(1), base_names=("intercept",), fourier=0, t_mean=0.0, fitted=np.zeros(n),
                 baseline=np.zeros(n), contributions=np.tile(beta / 2, (n, 1)), sigma=1.0, draws=draws,
                 lift_tests=(), fit_seconds=0.0)
    assert np.allclose(media_parts(fit, data.spend), fit.contributions)  # the literal parts are the model's
    return fit


def test_a_literal_fit_sums_the_whole_weeks_inside_the_range_per_group():
    # Wednesday 7 Jan to Sunday 25 Jan: the weeks of 12 and 19 Jan lie inside, the week of 5 Jan does not
    got = group_contributions(literal_fit(), {"a": "sales", "b": "sales", "c": "reputation"},
                              start=dt.date(2026, 1, 7), end=dt.date(2026, 1, 25))
    rows = {r["group"]: r for r in got.iter_rows(named=True)}
    assert got["group"].to_list() == ["reputation", "sales"]
    assert rows["sales"]["contribution"] == pytest.approx(2 * (5 + 10))
    assert rows["reputation"]["contribution"] == pytest.approx(2 * 20)
    # three draws at 0.5, 1 and 1.5 times the point: the 5th and 95th percentiles interpolate to 0.55 and 1.45
    assert rows["sales"]["low"] == pytest.approx(0.55 * 30) and rows["sales"]["high"] == pytest.approx(1.45 * 30)
    assert rows["reputation"]["low"] == pytest.approx(0.55 * 40)
    assert rows["sales"]["weeks"] == 2
    assert (rows["sales"]["first_week"], rows["sales"]["last_week"]) == (dt.date(2026, 1, 12), dt.date(2026, 1, 19))


def test_channels_outside_the_mapping_and_ranges_without_a_fitted_week_give_nothing():
    fit = literal_fit()
    only_c = group_contributions(fit, {"c": "communication", "zz": "sales"}, start=MONDAY, end=dt.date(2026, 2, 1))
    assert only_c["group"].to_list() == ["communication"] and only_c["contribution"][0] == pytest.approx(4 * 20)
    # a week cut by the range's end does not count; a range after the fitted weeks has none
    assert group_contributions(fit, {"a": "sales"}, start=MONDAY, end=dt.date(2026, 1, 10)).height == 0
    assert group_contributions(fit, {"a": "sales"}, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 31)).height == 0
    assert weeks_within(fit, MONDAY, dt.date(2026, 1, 11)).tolist() == [True, False, False, False]


def test_a_fit_without_draws_has_no_interval():
    fit = literal_fit(beta_scales=(1.0,))  # one draw is no spread
    got = group_contributions(fit, {"a": "sales"}, start=MONDAY, end=dt.date(2026, 2, 1))
    assert got["contribution"][0] == pytest.approx(20) and got["low"][0] is None and got["high"][0] is None


@pytest.fixture(scope="module")
def simulated_fit() -> MMMFit:
    frame, _ = simulate_mmm(60, seed=3)
    channels = [c for c in frame.columns if c not in ("week", "outcome")]
    return fit_mmm(mmm_input(frame, date="week", outcome="outcome", spend=channels), n_draws=40, seed=0)


def test_on_a_fitted_model_the_groups_add_up_to_the_weeks_fitted_parts(simulated_fit):
    fit = simulated_fit
    start = fit.data.weeks[20].astype("datetime64[D]").astype(dt.date)
    end = start + dt.timedelta(weeks=13, days=-1)  # 13 whole weeks with carry-over from the 20 weeks before
    groups = {ch: ("first" if j % 2 == 0 else "second") for j, ch in enumerate(fit.channels)}
    got = group_contributions(fit, groups, start=start, end=end)
    parts = media_parts(fit, fit.data.spend)[20:33]
    assert got["contribution"].sum() == pytest.approx(parts.sum(), rel=1e-9)
    first = [j for j in range(len(fit.channels)) if j % 2 == 0]
    assert got.filter(got["group"] == "first")["contribution"][0] == pytest.approx(parts[:, first].sum(), rel=1e-9)
    assert (got["weeks"] == 13).all()
    for row in got.iter_rows(named=True):
        assert row["low"] < row["contribution"] < row["high"], row


def test_on_the_demos_leads_the_sales_pillars_truth_lies_in_its_range(small_store):
    """The demo records each channel's true weekly leads (not its gross profit), so the grouping is checked on
    the model of leads over the Overview's default weeks (3 Aug to 25 Oct 2026). Sales: the truth (about 1,590
    leads) lies inside the 90% range around about 1,630. Communication: the halo of events and social media
    (about 165 leads) lies inside its range (about 50-1,870, point 430). Reputation: the halo of PR and
    sponsorship is about 415 leads, and the model gives those two about 460, but customer care and gifts, which
    cause none, are in that pillar too (steady spend is confounded with the baseline; about 360 more), so the
    truth lies just under the pillar's range (about 420-1,880, point 820): written down so that a change shows."""
    import json

    import polars as pl

    from connectors.demo.mmm_truth import true_weekly_contribution
    from dashboard.scenarios.mix_data import fit_mix

    truth = json.loads(small_store.get_meta("demo_truth"))
    fit = fit_mix(small_store, dt.date(2026, 10, 31), "leads").fit
    rows = small_store.execute_sql("SELECT channel_id, pillar FROM channels", {})
    pillars = dict(zip(rows["channel_id"].to_list(), rows["pillar"].to_list()))
    got = {r["group"]: r for r in group_contributions(fit, pillars, start=dt.date(2026, 8, 3),
                                                      end=dt.date(2026, 10, 31)).iter_rows(named=True)}
    weekly = true_weekly_contribution(truth).filter(pl.col("week").is_between(dt.date(2026, 8, 3),
                                                                               dt.date(2026, 10, 19)))
    true = {p: float(weekly.filter(pl.col("channel_id").replace_strict(pillars, default=None) == p)["contribution"]
                     .sum()) for p in got}
    assert got["sales"]["weeks"] == 12
    assert got["sales"]["low"] <= true["sales"] <= got["sales"]["high"]
    assert true["sales"] > 1000 and abs(got["sales"]["contribution"] - true["sales"]) / true["sales"] < 0.2
    assert true["communication"] > 100 and true["reputation"] > 300  # the halo
    assert got["communication"]["low"] <= true["communication"] <= got["communication"]["high"]
    assert true["reputation"] < got["reputation"]["low"] < 1.1 * true["reputation"]  # the miss, just under
    assert got["reputation"]["contribution"] > 1.5 * true["reputation"]
