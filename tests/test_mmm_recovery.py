"""Ground truth: the joint model recovers known decays and contribution shares.

Tolerances: decay within ±0.07 and contribution share within ±3 percentage points, for channels with at
least 5% of the outcome. Three data sets: simulated (metrics/mmm/simulate.py, four seeds, not chosen),
PyMC-Marketing's published example (tests/data/README.md) and the demo company (weekly frame from SQL).
Where the tolerance is not reached, the test says so and checks the weaker claim that holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import polars as pl
import pytest

from connectors.demo.mmm_truth import true_weekly_contribution
from connectors.measures import measure_frame
from connectors.read import Filters
from metrics.mmm import channel_summary, fit_mmm, mmm_input
from metrics.mmm.data import weekly_frame
from metrics.mmm.simulate import default_channels, simulate_mmm
from tests.mmm_reference import PYMC_EXAMPLE, PYMC_EXAMPLE_SHA256, PYMC_TRUE_DECAY, pymc_example, pymc_true_shares

DECAY_TOL, SHARE_TOL, MIN_SHARE = 0.07, 0.03, 0.05
CORRELATED = ("display_a", "display_b")
HALO = ("pr", "sponsorship", "events", "social_media")  # the demo's reputation and communication channels with leads


@pytest.fixture(scope="module")
def simulated_fits():
    channels = default_channels()
    out = []
    for seed in range(4):
        frame, truth = simulate_mmm(156, channels=channels, seed=seed)
        data = mmm_input(frame, date="week", outcome="outcome", spend=[c.name for c in channels], controls=["holiday"])
        out.append((seed, truth, channel_summary(fit_mmm(data, n_draws=0))))
    return out


def test_simulated_decays_and_shares_are_recovered(simulated_fits):
    checked = 0
    for seed, truth, table in simulated_fits:
        for row in table.iter_rows(named=True):
            true = truth["channels"][row["channel"]]
            if true["share"] < MIN_SHARE or row["channel"] in CORRELATED:
                continue
            checked += 1
            assert row["decay"] == pytest.approx(true["theta"], abs=DECAY_TOL), (seed, row["channel"])
            assert row["contribution_share"] == pytest.approx(true["share"], abs=SHARE_TOL), (seed, row["channel"])
    assert checked >= 8  # search and social in every seed, the pulsed channel where it is big enough


def test_simulated_correlated_pair_is_recovered_together(simulated_fits):
    """Two channels flighted on one plan: their joint share is recovered within tolerance, each one's decay only
    within ±0.15 (in one seed of four a decay misses ±0.07 by about 0.01)."""
    for seed, truth, table in simulated_fits:
        pair = table.filter(pl.col("channel").is_in(CORRELATED))
        true_pair = sum(truth["channels"][c]["share"] for c in CORRELATED)
        assert pair["contribution_share"].sum() == pytest.approx(true_pair, abs=SHARE_TOL), seed
        for row in pair.iter_rows(named=True):
            assert row["decay"] == pytest.approx(truth["channels"][row["channel"]]["theta"], abs=0.15), seed
            assert row["contribution_share"] > 0.0  # never dropped


def test_public_example_is_the_published_file():
    assert hashlib.sha256(PYMC_EXAMPLE.read_bytes()).hexdigest() == PYMC_EXAMPLE_SHA256
    assert pymc_example().height == 179


@pytest.fixture(scope="module")
def pymc_fit():
    frame = pymc_example()
    data = mmm_input(frame, date="date_week", outcome="y", spend=["x1", "x2"], controls=["event_1", "event_2"])
    return (frame, channel_summary(fit_mmm(data, n_draws=200, seed=0)),
            channel_summary(fit_mmm(data, n_draws=20, seed=0, uncertainty="bootstrap")))


def test_public_example_decays_and_the_smaller_channel_share(pymc_fit):
    frame, table, _ = pymc_fit
    shares = pymc_true_shares(frame)
    assert shares["x1"] == pytest.approx(0.291, abs=0.001) and shares["x2"] == pytest.approx(0.070, abs=0.001)
    rows = {r["channel"]: r for r in table.iter_rows(named=True)}
    for ch, theta in PYMC_TRUE_DECAY.items():
        assert rows[ch]["decay"] == pytest.approx(theta, abs=DECAY_TOL), ch
    assert rows["x2"]["contribution_share"] == pytest.approx(shares["x2"], abs=SHARE_TOL)


def test_public_example_larger_channel_share_misses_the_tolerance(pymc_fit):
    """x1 always spends (never a week at zero), so the level of its contribution against the intercept rests on
    the curve's shape at low spend, which the data pin down weakly: the posterior changes by about 1.5 nats
    between shape 1.3 (x1 share about 29%) and 1.9 (about 23%). The point estimate is about 22.5% against a
    true 29.1% (outside ±3 pp), for two reasons. The Hill curve cannot follow the true logistic one at low
    spend: about 3 pp (fitted to the formula without its noise, x1 gets 26.2%). This file's noise does the rest:
    refits of the true formula with fresh noise of the stated sd give x1 shares with sd about 5 pp (within ±3 pp
    in 8 of 20), and even the true logistic curve in place of Hill gives 25.2% here. Not the cause: the shape
    prior (a wider one gives 21.5%), the linear trend (a quadratic one, or the true trend as a control, 22.1-22.7%),
    the ROI prior, the half-saturation bounds, the start (random starts find the same optimum). The bootstrap's
    90% interval contains the truth; the Laplace interval's upper end (about 28.5%) falls just short of it."""
    frame, laplace, bootstrap = pymc_fit
    true = pymc_true_shares(frame)["x1"]
    point = laplace.filter(pl.col("channel") == "x1").row(0, named=True)
    boot = bootstrap.filter(pl.col("channel") == "x1").row(0, named=True)
    assert boot["share_lo"] <= true <= boot["share_hi"]
    assert point["share_lo"] < point["contribution_share"] < point["share_hi"] < true
    assert abs(point["contribution_share"] - true) > SHARE_TOL  # written down; fails loudly once it is fixed


@pytest.fixture(scope="module")
def demo_mmm(small_store):
    truth = json.loads(small_store.get_meta("demo_truth"))
    spend = measure_frame(small_store, "spend", ["spend"], Filters(), grain="week", by=["channel_id"])
    leads = measure_frame(small_store, "leads", ["leads"], Filters(), grain="week")
    last = dt.date.fromisoformat(truth["period"]["end"])
    frame = weekly_frame(spend, leads, last_day=last, outcome_name="leads")
    channels = sorted(c for c in frame.columns if c not in ("week", "leads"))
    fit = fit_mmm(mmm_input(frame, date="week", outcome="leads", spend=channels), n_draws=0)
    return truth, frame, fit


def test_demo_weekly_frame_from_sql_matches_the_truth_and_a_plain_query(demo_mmm, small_store):
    truth, frame, _ = demo_mmm
    n = frame.height
    assert n == len(truth["weekly_spend"]["search_ads"]) - 1  # the last, partial week is left out
    for channel, weekly in truth["weekly_spend"].items():
        assert frame[channel].to_numpy() == pytest.approx(np.array(weekly[:n]), abs=0.02 * 7)
    plain = small_store.execute_sql(
        "SELECT count(*) AS n FROM leads WHERE created_at >= :a AND created_at < :b",
        {"a": dt.datetime(2023, 5, 1), "b": dt.datetime.combine(frame["week"][-1] + dt.timedelta(days=7), dt.time())})
    assert frame["leads"].sum() == plain["n"][0]


def test_demo_truth_export_is_the_expected_leads_the_halo_and_zero_elsewhere(demo_mmm):
    truth, _, _ = demo_mmm
    table = true_weekly_contribution(truth)
    by = table.group_by("channel_id").agg(pl.col("contribution").sum())
    sums = dict(zip(by["channel_id"], by["contribution"]))
    assert set(sums) == set(truth["weekly_spend"])
    for channel in truth["response_curves"]["channels"]:
        assert sums[channel] == pytest.approx(sum(truth["expected_weekly_leads"][channel]))
    for channel in HALO:
        assert sums[channel] == pytest.approx(sum(truth["expected_weekly_halo_leads"][channel]))
        assert sums[channel] > 0.0, channel
    assert set(HALO) == set(truth["halo_curves"]["channels"])
    assert sums["customer_care"] == sums["gifts"] == sums["newsletter"] == sums["referral"] == 0.0


def _demo_shares(truth, frame):
    contribution = true_weekly_contribution(truth).filter(pl.col("week").is_in(frame["week"].implode()))
    total = frame["leads"].sum()
    by = contribution.group_by("channel_id").agg(pl.col("contribution").sum() / total)
    return dict(zip(by["channel_id"], by["contribution"]))


def _demo_tables(demo_mmm):
    truth, frame, fit = demo_mmm
    curves = {**truth["response_curves"]["channels"], **truth["halo_curves"]["channels"]}
    return _demo_shares(truth, frame), {r["channel"]: r for r in channel_summary(fit).iter_rows(named=True)}, curves


def test_demo_recovery_where_it_holds(demo_mmm):
    """The demo's leads fitted with all fourteen spend channels (sales, reputation, communication) at once; the
    true contribution includes the halo of PR, sponsorship, events and social media (their leads arrive as
    'direct').

    Within tolerance: the decays of search ads, display and promotions; the shares of display, promotions, PR
    and sponsorship (the channels with at least 5% that are not written down as misses below). Retargeting fell
    to 4.9% with the halo in the total, under the 5% of the tolerance; it, direct mail and events are still
    checked at ±3 pp. The misses are in ``test_demo_known_misses_are_written_down``.
    """
    shares, table, curves = _demo_tables(demo_mmm)
    for channel in ("search_ads", "display", "promotions"):
        assert table[channel]["decay"] == pytest.approx(curves[channel]["theta"], abs=DECAY_TOL), channel
    for channel in ("display", "promotions", "pr", "sponsorship"):
        assert shares[channel] >= MIN_SHARE, channel
        assert table[channel]["contribution_share"] == pytest.approx(shares[channel], abs=SHARE_TOL), channel
    for channel in ("retargeting", "direct_mail", "events"):
        assert shares[channel] < MIN_SHARE, channel
        assert table[channel]["contribution_share"] == pytest.approx(shares[channel], abs=SHARE_TOL), channel


def test_demo_model_sees_the_halo_that_last_click_misses(demo_mmm, small_store):
    """No lead names PR, sponsorship, events or social media as its source, yet the model gives each of them a
    share of the leads (at least 1%), and the two halo channels with at least 5% (PR, sponsorship) within
    ±3 pp; social media's share is a written-down miss (below)."""
    shares, table, _ = _demo_tables(demo_mmm)
    sources = small_store.execute_sql("SELECT DISTINCT channel_id FROM leads")["channel_id"].to_list()
    assert not set(HALO) & set(sources)
    for channel in HALO:
        assert table[channel]["contribution_share"] > 0.01, channel
    for channel in ("pr", "sponsorship"):
        assert shares[channel] >= MIN_SHARE
        assert table[channel]["contribution_share"] == pytest.approx(shares[channel], abs=SHARE_TOL), channel
    true_halo = sum(shares[c] for c in HALO)
    assert true_halo > 0.15  # the halo is a sixth of the leads


def test_demo_known_misses_are_written_down(demo_mmm):
    """Where the demo's fit misses the tolerance (each assertion fails loudly once it is fixed).

    Shares: search ads about 25% against a true 19.7% and social ads about 8.0% against 11.3%: the spend of
    both never stops (its lowest flight is 0.3 of the budget), so the level of their contribution against the
    baseline rests on the curve's shape at low spend (fitted with only the ten channels that cause leads, the
    same: 26.0% and 8.2%). Customer care (9.2%, causes none), social media (7.2% against 3.0%) and the
    newsletter (3.4%, causes none) have steady spend (a flat budget with 8% noise), which the model cannot tell
    from the baseline; the weak ROI prior does not hold them at their true share.
    Decays: social ads about 0.61 (true 0.45), PR about 0.61 (0.5), sponsorship about 0.30 (0.6), and among
    the channels under 5%: retargeting about 0.65 (0.15), direct mail about 0.19 (0.5), events about 0.57 (0.3);
    social media's 0.328 (0.4) is outside by 0.002, too close to the line to assert either way.
    """
    shares, table, curves = _demo_tables(demo_mmm)
    over = {ch: table[ch]["contribution_share"] - shares[ch] for ch in table}
    assert over["search_ads"] > SHARE_TOL and over["social_ads"] < -SHARE_TOL
    for channel in ("customer_care", "social_media", "newsletter"):
        assert over[channel] > SHARE_TOL, channel
    for channel in ("social_ads", "pr", "sponsorship", "retargeting", "direct_mail", "events"):
        assert abs(table[channel]["decay"] - curves[channel]["theta"]) > DECAY_TOL, channel
