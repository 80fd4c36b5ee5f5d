"""Budgets on the joint model (metrics/mmm/scenario.py): the projection against hand formulas and against the
fit's own components, the split on a literal two-channel model whose answer is solvable by hand, and the
bounds that keep uncertain channels inside what was observed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from metrics.mmm import channel_summary, fit_mmm, mmm_input
from metrics.mmm.data import MMMInput
from metrics.mmm.diagnostics import uncertain_channels
from metrics.mmm.fit import MMMFit
from metrics.mmm.scenario import (
    HEADROOM, SplitError, best_split, last_budgets, observed_range, project, scenario_spend, split_bounds,
)
from metrics.mmm.simulate import default_channels, simulate_mmm


def literal_fit(spend: np.ndarray, *, theta, kappa, s, beta, baseline) -> MMMFit:
    """A model given by its parameters (spend scale 1, no delay, nothing spent before the data)."""
    n, c = spend.shape
    weeks = np.arange(n).astype("timedelta64[D]") * 7 + np.datetime64("2026-01-05")
    data = MMMInput(weeks, np.ones(n), spend.astype(float), tuple(f"ch{j}" for j in range(c)), np.zeros((n, 0)))
    baseline = np.asarray(baseline, float)
    return MMMFit(data=data, theta=np.asarray(theta, float), kappa=np.asarray(kappa, float),
                  s=np.asarray(s, float), beta=np.asarray(beta, float), scale=np.ones(c), delays=(0,) * c,
                  base_coef=np.zeros(1), base_names=("intercept",), fourier=0, t_mean=0.0, fitted=baseline,
                  baseline=baseline, contributions=np.zeros((n, c)), sigma=1.0, draws=None, lift_tests=(),
                  fit_seconds=0.0)


def two_channels() -> MMMFit:
    """No carry-over, shape 1: one week's outcome is 10 + 4 b1 / (b1 + 100) + b2 / (b2 + 100)."""
    spend = np.array([[50.0, 50.0], [500.0, 500.0], [0.0, 0.0]])
    return literal_fit(spend, theta=[0.0, 0.0], kappa=[100.0, 100.0], s=[1.0, 1.0], beta=[4.0, 1.0],
                       baseline=[10.0, 10.0, 10.0])


def test_two_channels_split_where_their_marginal_returns_are_equal():
    """d/db (beta b / (b + K)) = beta K / (b + K)^2; equal for beta 4 and 1 when b1 + 100 = 2 (b2 + 100), so with
    1,000 to spend b2 = (1,000 - 100) / 3 = 300 and b1 = 700; both marginal returns are then 1 / 1,600."""
    fit = two_channels()
    lo, hi = np.zeros(2), np.full(2, 1000.0)
    got = best_split(fit, total=1000.0, weeks=1, lo=lo, hi=hi, start=np.array([500.0, 500.0]))
    assert got == pytest.approx([700.0, 300.0], abs=0.5)
    assert 4 * 100 / (got[0] + 100) ** 2 == pytest.approx(100 / (got[1] + 100) ** 2, rel=2e-3)
    answer = project(fit, got, 1)
    assert answer.outcome == pytest.approx(10 + 4 * 700 / 800 + 300 / 400, rel=1e-6)
    even = project(fit, np.array([500.0, 500.0]), 1)
    assert even.outcome == pytest.approx(10 + 4 * 500 / 600 + 500 / 600)
    assert answer.outcome > even.outcome


def test_the_split_keeps_its_bounds_and_says_when_a_total_cannot_fit():
    fit = two_channels()
    got = best_split(fit, total=1000.0, weeks=1, lo=np.array([0.0, 450.0]), hi=np.array([1000.0, 1000.0]))
    assert got == pytest.approx([550.0, 450.0], abs=0.5)  # channel 2 would want 300: held at its floor
    with pytest.raises(SplitError) as err:
        best_split(fit, total=5000.0, weeks=1, lo=np.zeros(2), hi=np.full(2, 1000.0))
    assert (err.value.low, err.value.high) == (0.0, 2000.0)


def test_the_projection_scales_each_channels_own_weekly_pattern_and_carries_over():
    """Two weeks replayed with decay 0.5 and shape 1 (spend scale 1): the carry-over by hand."""
    spend = np.array([[40.0, 0.0], [10.0, 0.0], [30.0, 0.0]])
    fit = literal_fit(spend, theta=[0.5, 0.2], kappa=[20.0, 5.0], s=[1.0, 1.0], beta=[3.0, 2.0],
                      baseline=[1.0, 2.0, 3.0])
    budgets = np.array([80.0, 10.0])  # channel 1: its 10 / 30 pattern doubled; channel 2 spent nothing: 5 a week
    assert scenario_spend(fit, budgets, 2) == pytest.approx(np.array([[40.0, 0.0], [20.0, 5.0], [60.0, 5.0]]))
    a1 = [40.0, 20 + 0.5 * 40, 60 + 0.5 * 40]  # carry-over of channel 1: 40, 40, 80
    u1 = [(1 - 0.5) * a for a in a1]
    a2 = [0.0, 5.0, 5 + 0.2 * 5]
    u2 = [(1 - 0.2) * a for a in a2]
    h = lambda u, k: u / (u + k)  # noqa: E731
    want = 2.0 + 3.0 + 3 * (h(u1[1], 20) + h(u1[2], 20)) + 2 * (h(u2[1], 5) + h(u2[2], 5))
    got = project(fit, budgets, 2)
    assert got.outcome == pytest.approx(want, rel=1e-12)
    assert got.baseline == 5.0 and got.outcome_range is None
    assert last_budgets(fit, 2) == pytest.approx([40.0, 0.0])
    with pytest.raises(ValueError):
        project(fit, np.array([-1.0, 0.0]), 2)


@pytest.fixture(scope="module")
def simulated():
    channels = default_channels(4)
    frame, _ = simulate_mmm(104, channels=channels, seed=5)
    data = mmm_input(frame, date="week", outcome="outcome", spend=[c.name for c in channels], controls=["holiday"])
    return fit_mmm(data, n_draws=60, seed=0)


def test_the_last_period_replayed_is_the_fitted_outcome_of_those_weeks(simulated):
    fit = simulated
    for weeks in (4, 13):
        got = project(fit, last_budgets(fit, weeks), weeks)
        hand = float(fit.baseline[-weeks:].sum() + fit.contributions[-weeks:].sum())
        assert got.outcome == pytest.approx(hand, rel=1e-9)
        assert got.contribution == pytest.approx(fit.contributions[-weeks:].sum(0), rel=1e-9)
        lo, hi = got.outcome_range
        assert lo < got.outcome < hi
        assert (got.contribution_lo <= got.contribution_hi).all()


def test_draws_give_the_range_of_each_draws_own_outcome(simulated):
    """Each draw's outcome recomputed through the point estimate's code path (its parameters and baseline put in
    the fit's place); the range is their 5th and 95th percentiles."""
    fit = simulated
    d = fit.draws
    budgets = 1.5 * last_budgets(fit, 8)
    totals = [project(replace(fit, theta=d.theta[i], kappa=d.kappa[i], s=d.s[i], beta=d.beta[i],
                              baseline=d.baseline[i], draws=None), budgets, 8).outcome
              for i in range(d.beta.shape[0])]
    got = project(fit, budgets, 8)
    assert got.outcome_range == pytest.approx(tuple(np.quantile(totals, (0.05, 0.95))), rel=1e-9)
    assert got.outcome > project(fit, last_budgets(fit, 8), 8).outcome  # more spend, more outcome


def test_uncertain_channels_keep_their_observed_range_when_more_is_allowed(simulated):
    fit = simulated
    table = pl.DataFrame({"channel": ["a", "b", "c"], "roi_lo": [0.0, 0.4, None]})
    assert uncertain_channels(table) == {"a", "c"}
    lo, hi = observed_range(fit, 13)
    x = fit.data.spend
    by_hand = np.array([x[i:i + 13].sum(0) for i in range(x.shape[0] - 12)])  # every run of 13 weeks
    assert lo == pytest.approx(by_hand.min(0)) and hi == pytest.approx(by_hand.max(0))
    assert (lo <= last_budgets(fit, 13)).all() and (last_budgets(fit, 13) <= hi).all()
    unsure = {fit.channels[0]}
    w_lo, w_hi = split_bounds(fit, 13, uncertain=unsure, allow_outside=True)
    assert (w_lo[0], w_hi[0]) == (lo[0], hi[0])
    assert (w_lo[1:] == 0).all() and w_hi[1:] == pytest.approx(HEADROOM * hi[1:])
    n_lo, n_hi = split_bounds(fit, 13, uncertain=unsure)
    assert n_lo == pytest.approx(lo) and n_hi == pytest.approx(hi)
    start = last_budgets(fit, 13)
    got = best_split(fit, total=float(start.sum()), weeks=13, lo=lo, hi=hi, start=start)
    assert (got >= lo - 1e-6).all() and (got <= hi + 1e-6).all() and got.sum() == pytest.approx(start.sum())
    assert project(fit, got, 13).outcome >= project(fit, start, 13).outcome - 1e-9


def test_the_real_fit_flags_channels_whose_interval_reaches_zero(simulated):
    table = channel_summary(simulated)
    flagged = uncertain_channels(table)
    assert flagged == {r["channel"] for r in table.iter_rows(named=True) if not r["roi_lo"] > 0}
