"""The joint marketing-mix model (metrics/mmm): transforms, gradient, input checks, fit bookkeeping, calibration,
optimiser and diagnostics, each against a hand computation or a second way of getting the same number."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.mmm import (
    LiftTest, MixBudgetError, MMMInputError, channel_summary, decomposition, diagnose, fit_mmm, mmm_input,
    optimise_mix,
)
from metrics.mmm.diagnostics import durbin_watson, lag1_autocorrelation, mape, r_squared
from metrics.mmm.fit import setup
from metrics.mmm.predict import predict
from metrics.mmm.simulate import SimChannel, default_channels, simulate_mmm
from metrics.mmm.summary import cli_report
from metrics.mmm.transforms import carry_over, saturated_all


def _hand_carry(x: np.ndarray, theta: float) -> list[float]:
    out, carry = [], 0.0
    for v in x:
        carry = v + theta * carry
        out.append(carry)
    return out


def test_carry_over_matches_the_week_by_week_recursion_and_its_derivative():
    rng = np.random.default_rng(3)
    x = rng.gamma(1.0, 1.0, (70, 4)) * (rng.random((70, 4)) > 0.3)  # 70 weeks: blocks of 26, 26 and 18
    theta = np.array([0.0005, 0.3, 0.6, 0.9])
    a, da = carry_over(x, theta)
    for j in range(4):
        assert a[:, j] == pytest.approx(_hand_carry(x[:, j], theta[j]), rel=1e-12, abs=1e-12)
    eps = 1e-6
    (up, _), (down, _) = carry_over(x, theta + eps), carry_over(x, theta - eps)
    assert (up - down) / (2 * eps) == pytest.approx(da, rel=1e-5, abs=1e-7)


def test_saturation_is_zero_without_spend_and_half_at_kappa():
    x = np.zeros((10, 2))
    x[5:, 1] = 2.0  # steady spend of 2 from week 5
    h, _ = saturated_all(x, np.array([0.4, 0.0005]), np.log([1.0, 1.0]), np.log([1.5, 2.0]), np.array([1.0, 2.0]))
    assert np.all(h[:, 0] == 0.0) and np.all(h[:5, 1] == 0.0)
    # theta ~ 0: u = spend / m = 1 = kappa, so half saturation
    assert h[9, 1] == pytest.approx(0.5, abs=1e-3)


@pytest.fixture(scope="module")
def sim():
    frame, truth = simulate_mmm(156, seed=0)
    channels = [c.name for c in default_channels()]
    return frame, truth, mmm_input(frame, date="week", outcome="outcome", spend=channels, controls=["holiday"])


def test_gradient_equals_finite_differences_with_lift_tests(sim):
    _, _, data = sim
    lift = [LiftTest("search", dt.date(2023, 6, 5), dt.date(2023, 7, 31), 4000.0, 300.0),
            LiftTest("tv", dt.date(2024, 2, 5), dt.date(2024, 4, 29), 2000.0, 500.0)]
    problem = setup(data, lift_tests=lift).problem
    assert problem.lift_channel.tolist() == [0, 2]
    c = problem.n_channels
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.uniform(0.1, 0.8, c), rng.normal(0, 0.3, c), rng.normal(0.2, 0.2, c)])
    value, grad = problem.value_and_grad(z)
    eps = 1e-6
    numeric = np.array([(problem.value_and_grad(z + eps * e)[0] - problem.value_and_grad(z - eps * e)[0]) / (2 * eps)
                        for e in np.eye(z.size)])
    assert grad == pytest.approx(numeric, rel=1e-3, abs=1e-3 * max(1.0, abs(value)) * 1e-2)


def _frame(n=40):
    weeks = [dt.date(2024, 1, 1) + dt.timedelta(weeks=i) for i in range(n)]
    return pl.DataFrame({"week": weeks, "sales": np.linspace(100, 140, n), "tv": np.full(n, 10.0)})


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop("tv"), "columns not in the frame: tv"),
    (lambda f: f.with_columns(tv=pl.lit(-1.0)), "not negative"),
    (lambda f: pl.concat([f, f.head(1)]), "appears twice"),
    (lambda f: f.head(10), "at least 26"),
    (lambda f: f.with_columns(sales=pl.lit(None, dtype=pl.Float64)), "empty or non-numeric"),
])
def test_input_problems_are_named(change, message):
    with pytest.raises(MMMInputError, match=message):
        mmm_input(change(_frame()), date="week", outcome="sales", spend=["tv"])


def test_input_sorts_weeks_and_reads_text_dates():
    frame = _frame().with_columns(pl.col("week").cast(pl.String)).reverse()
    data = mmm_input(frame, date="week", outcome="sales", spend=["tv"])
    assert data.weeks[0] == np.datetime64("2024-01-01") and data.outcome[0] == 100.0


@pytest.fixture(scope="module")
def sim_fit(sim):
    return fit_mmm(sim[2], n_draws=200, seed=1)


def test_parts_sum_to_the_fit_and_contributions_follow_the_reported_curves(sim, sim_fit):
    _, _, data = sim
    fit = sim_fit
    parts = decomposition(fit).group_by("week").agg(pl.col("value").sum()).sort("week")
    assert parts["value"].to_numpy() == pytest.approx(fit.fitted, rel=1e-9)
    assert predict(fit, data) == pytest.approx(fit.fitted, rel=1e-9)
    # independent: the reported parameters put through the week-by-week recursion and the Hill formula
    for j in range(len(fit.channels)):
        a = np.array(_hand_carry(data.spend[:, j], fit.theta[j]))
        u = (1 - fit.theta[j]) * a / fit.scale[j]
        with np.errstate(divide="ignore"):
            h = np.where(u > 0, u ** fit.s[j] / (u ** fit.s[j] + fit.kappa[j] ** fit.s[j]), 0.0)
        assert fit.contributions[:, j] == pytest.approx(fit.beta[j] * h, rel=1e-9, abs=1e-9)


def test_summary_shares_and_roi_are_the_ratios_of_the_sums(sim, sim_fit):
    _, _, data = sim
    table = channel_summary(sim_fit)
    assert table["channel"].to_list() == list(data.channels)  # pulsed and correlated channels are all there
    contribution = sim_fit.contributions.sum(0)
    assert table["contribution_share"].to_numpy() == pytest.approx(contribution / data.outcome.sum())
    assert table["roi"].to_numpy() == pytest.approx(contribution / data.spend.sum(0))
    assert (table["roi_lo"] <= table["roi_hi"]).all()
    report = cli_report(sim_fit, r_squared(data.outcome, sim_fit.fitted))
    assert set(report) == {"channels", "r2", "fit_seconds"}
    assert report["channels"]["tv"]["roi_interval"][0] <= report["channels"]["tv"]["roi_interval"][1]


def test_rescaling_the_outcome_rescales_contributions_and_keeps_shares(sim, sim_fit):
    frame, _, data = sim
    scaled = mmm_input(frame.with_columns(pl.col("outcome") * 1000), date="week", outcome="outcome",
                       spend=list(data.channels), controls=["holiday"])
    fit = fit_mmm(scaled, n_draws=0)
    assert fit.contributions.sum(0) == pytest.approx(sim_fit.contributions.sum(0) * 1000, rel=1e-3, abs=1e-3)
    assert fit.theta == pytest.approx(sim_fit.theta, abs=1e-3)


def test_lift_tests_pull_the_channel_towards_the_measurement(sim):
    frame, truth, data = sim
    weeks = frame["week"].to_list()
    start, end = weeks[40], weeks[91]
    true_lift = float(np.sum(truth["channels"]["social"]["contribution"][40:92]))
    plain = fit_mmm(data, n_draws=0)
    period = slice(40, 92)
    j = data.channels.index("social")
    plain_lift = float(plain.contributions[period, j].sum())
    # a (deliberately wrong) experiment saying the channel did half of what it truly did, measured precisely
    told = true_lift * 0.5
    calibrated = fit_mmm(data, n_draws=0, lift_tests=[LiftTest("social", start, end, told, 0.02 * told)])
    calibrated_lift = float(calibrated.contributions[period, j].sum())
    assert abs(calibrated_lift - told) < abs(plain_lift - told)
    assert calibrated_lift == pytest.approx(told, rel=0.15)
    with pytest.raises(ValueError, match="unknown channel"):
        fit_mmm(data, n_draws=0, lift_tests=[LiftTest("radio", start, end, 1.0, 1.0)])


def test_optimiser_keeps_to_budget_and_observed_range_and_equalises_marginal_returns(sim_fit):
    fit = sim_fit
    budget = float(fit.data.spend[-13:].mean(0).sum())
    started = time.perf_counter()
    plan = optimise_mix(fit, weekly_budget=budget)
    assert time.perf_counter() - started <= 1.0
    lo, hi = fit.data.spend.min(0), fit.data.spend.max(0)
    assert plan.spend.sum() == pytest.approx(budget, rel=1e-6)
    assert np.all(plan.spend >= lo - 1e-6) and np.all(plan.spend <= hi + 1e-6)
    # independent check: the channels strictly inside their range earn the same return on the next rouble
    eps = 1.0
    inside = (plan.spend > lo + 10) & (plan.spend < hi - 10)
    marginal = []
    for j in np.flatnonzero(inside):
        more = plan.spend.copy()
        more[j] += eps
        u0, u1 = plan.spend[j] / fit.scale[j], more[j] / fit.scale[j]
        k, s = fit.kappa[j], fit.s[j]
        marginal.append(fit.beta[j] * (u1**s / (u1**s + k**s) - u0**s / (u0**s + k**s)) / eps)
    assert len(marginal) >= 2
    assert max(marginal) == pytest.approx(min(marginal), rel=0.02)
    assert plan.media_range[0] <= plan.media_outcome <= plan.media_range[1] * 1.0001
    # the plan does at least as well as keeping the recent mix
    recent = fit.data.spend[-13:].mean(0)
    from metrics.mmm.optimise import media_outcome
    assert plan.media_outcome >= media_outcome(fit, recent) - 1e-6
    with pytest.raises(MixBudgetError):
        optimise_mix(fit, weekly_budget=float(hi.sum()) * 1.5)
    wide = optimise_mix(fit, weekly_budget=float(hi.sum()) * 1.5,
                        bounds={ch: (0.0, 3 * h) for ch, h in zip(fit.channels, hi)}, allow_outside=True)
    assert wide.spend.sum() == pytest.approx(hi.sum() * 1.5, rel=1e-6)


def test_diagnostics_by_hand():
    resid = np.array([1.0, -1.0, 2.0, 0.0, -2.0])
    assert durbin_watson(resid) == pytest.approx((4 + 9 + 4 + 4) / 10)
    r = resid - resid.mean()
    assert lag1_autocorrelation(resid) == pytest.approx(float(r[1:] @ r[:-1] / (r @ r)))
    y, f = np.array([10.0, 20.0, 30.0]), np.array([11.0, 18.0, 30.0])
    assert mape(y, f) == pytest.approx((0.1 + 0.1 + 0) / 3)
    assert r_squared(y, f) == pytest.approx(1 - 5 / 200)


def test_diagnose_reports_holdout_and_summary_keys(sim, sim_fit):
    diag = diagnose(sim_fit, roi_table=channel_summary(sim_fit))
    assert diag.holdout_weeks == 13
    assert diag.r2 > 0.9 and diag.holdout_mape < 0.05
    assert diag.summary[0] == "fit_strong" and "holdout_good" in diag.summary
    assert {"residuals_independent", "residuals_autocorrelated"} & set(diag.summary)


def test_a_channel_moving_with_another_gets_a_wider_interval_than_one_moving_alone():
    channels = [SimChannel("alone", 0.3, 1.0, 1.2, 300.0, 20_000),
                SimChannel("twin_a", 0.3, 1.0, 1.2, 300.0, 20_000, "correlated"),
                SimChannel("twin_b", 0.3, 1.0, 1.2, 300.0, 20_000, "correlated")]
    frame, _ = simulate_mmm(156, channels=channels, seed=5)
    data = mmm_input(frame, date="week", outcome="outcome", spend=["alone", "twin_a", "twin_b"])
    table = channel_summary(fit_mmm(data, n_draws=200, seed=2))
    width = ((table["share_hi"] - table["share_lo"]) / table["contribution_share"]).to_list()
    assert min(width[1], width[2]) > width[0]


def test_bootstrap_intervals_hold_the_point_and_are_reproducible(sim):
    _, _, data = sim
    first = channel_summary(fit_mmm(data, n_draws=6, seed=4, uncertainty="bootstrap"))
    again = channel_summary(fit_mmm(data, n_draws=6, seed=4, uncertainty="bootstrap"))
    assert first.equals(again)
    assert (first["share_lo"] <= first["share_hi"]).all()
    with pytest.raises(ValueError, match="uncertainty"):
        fit_mmm(data, n_draws=2, uncertainty="guess")


def test_weekly_frame_keeps_full_weeks_and_fills_weeks_without_spend():
    spend = pl.DataFrame({"period": [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 1, 15)],
                          "channel_id": ["tv", "radio", "tv"], "spend": [10, 5, 7]})
    outcome = pl.DataFrame({"period": [dt.date(2024, 1, 1) + dt.timedelta(weeks=i) for i in range(4)],
                            "leads": [3, 4, 5, 6]})
    from metrics.mmm.data import weekly_frame
    frame = weekly_frame(spend, outcome, last_day=dt.date(2024, 1, 27), outcome_name="leads")  # week 4 is partial
    assert frame.columns == ["week", "leads", "radio", "tv"]
    assert frame["week"].to_list() == [dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 15)]
    assert frame["tv"].to_list() == [10.0, 0.0, 7.0] and frame["radio"].to_list() == [5.0, 0.0, 0.0]
    assert frame["leads"].to_list() == [3.0, 4.0, 5.0]


def test_weekly_frame_is_the_same_for_sums_that_differ_in_their_last_bits():
    """A database that adds rows in parallel may return 0.1 + 0.2 one time and 0.3 the next: the frame is one."""
    from metrics.mmm.data import weekly_frame

    def frame(spend: float, outcome: float) -> pl.DataFrame:
        return weekly_frame(pl.DataFrame({"period": [dt.date(2024, 1, 1)], "channel_id": ["tv"], "spend": [spend]}),
                            pl.DataFrame({"period": [dt.date(2024, 1, 1)], "gross_profit": [outcome]}),
                            last_day=dt.date(2024, 1, 7), outcome_name="gross_profit")

    assert 0.1 + 0.2 != 0.3 and 1e6 + 0.1 + 0.2 != 1e6 + 0.3
    assert_frame_equal(frame(0.1 + 0.2, 1e6 + 0.1 + 0.2), frame(0.3, 1e6 + 0.3), check_exact=True)
    assert frame(1234.567, 7.0)["tv"].to_list() == [1234.57]  # to kopecks


def test_a_known_delay_is_used_and_fits_a_delayed_effect_better():
    from metrics.mmm.transforms import saturated, spend_scale

    frame, truth = simulate_mmm(156, channels=[SimChannel("radio", 0.3, 1.0, 1.2, 400.0, 20_000)], seed=8)
    booked = frame["radio"].to_numpy()
    arrives = np.r_[0.0, 0.0, booked[:-2]]  # the effect follows the spend two weeks late
    effect = 400.0 * saturated(arrives, 0.3, 1.0, 1.2, spend_scale(arrives))
    noise = np.random.default_rng(0).normal(0, 20, 156)
    late = frame.with_columns(outcome=pl.Series(np.array(truth["baseline"]) + effect + noise))
    data = mmm_input(late, date="week", outcome="outcome", spend=["radio"], controls=["holiday"])
    plain = fit_mmm(data, n_draws=0)
    told = fit_mmm(data, n_draws=0, delays={"radio": 2})
    assert told.delays == (2,)
    sse = lambda f: float(((data.outcome - f.fitted) ** 2).sum())  # noqa: E731
    assert sse(told) < 0.5 * sse(plain)
    assert told.theta[0] == pytest.approx(0.3, abs=0.07)
    assert told.contributions[:, 0].sum() == pytest.approx(effect.sum(), rel=0.1)
