"""Ground truth for the Budget scenarios page: the demo company's known weekly leads per channel
(connectors/demo/mmm_truth.py) against the page's model of leads, over the 13 weeks the page projects at last
period's budgets (the page's loader and projection, so the very numbers it shows).

What holds: every channel's true contribution lies within the page's 90% range, and for the channels that
cause leads and vary their spend (direct mail, display, promotions, retargeting, social ads, and PR and
sponsorship through their halo: leads that arrive as direct) the point is within ±3 percentage points of the
period's leads. What does not (written down, asserted as it is so that a change shows): search ads' point is
about 6 points too high (its spend never stops), customer care takes about 9 points although it causes no leads
and social media about 7 against a true 3 (steady channels are confounded with the baseline), and so marketing
as a whole is credited with about 84% of the leads against a true 63%.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from connectors.demo.mmm_truth import true_weekly_contribution
from dashboard.scenarios.mix_data import fit_mix
from metrics.mmm.scenario import last_budgets, project

WEEKS = 13
SHARE_TOL = 0.03
WITHIN = ("direct_mail", "display", "promotions", "retargeting", "social_ads", "pr", "sponsorship")


@pytest.fixture(scope="module")
def page_and_truth(small_store):
    truth = json.loads(small_store.get_meta("demo_truth"))
    mix = fit_mix(small_store, dt.date.fromisoformat(truth["period"]["end"]), "leads")
    fit = mix.fit
    shown = project(fit, last_budgets(fit, WEEKS), WEEKS)
    weeks = pl.Series(fit.data.weeks[-WEEKS:]).cast(pl.Date)
    by = (true_weekly_contribution(truth).filter(pl.col("week").is_in(weeks.implode()))
          .group_by("channel_id").agg(pl.col("contribution").sum()))
    true = dict(zip(by["channel_id"], by["contribution"]))
    return fit, shown, true, float(fit.data.outcome[-WEEKS:].sum())


def test_every_true_contribution_lies_within_the_pages_range(page_and_truth):
    fit, shown, true, _ = page_and_truth
    assert set(true) == set(fit.channels)
    for j, ch in enumerate(fit.channels):
        assert shown.contribution_lo[j] <= true[ch] <= shown.contribution_hi[j], ch


def test_varying_channels_points_are_within_three_points_of_the_periods_leads(page_and_truth):
    fit, shown, true, leads = page_and_truth
    for ch in WITHIN:
        j = fit.channels.index(ch)
        assert true[ch] / leads >= 0.02, ch  # big enough for the tolerance to mean something
        assert shown.contribution[j] / leads == pytest.approx(true[ch] / leads, abs=SHARE_TOL), ch


def test_where_the_page_misses_the_truth(page_and_truth):
    fit, shown, true, leads = page_and_truth
    point = dict(zip(fit.channels, shown.contribution / leads))
    assert point["search_ads"] - true["search_ads"] / leads > SHARE_TOL
    assert true["customer_care"] == 0.0 and point["customer_care"] > 0.05  # about 9 points (15 before the halo)
    assert point["social_media"] - true["social_media"] / leads > SHARE_TOL
    # about 21 points (29 before the halo: its leads raised the true share from 57% to 63%, the point stayed ~85%)
    assert shown.contribution.sum() / leads - sum(true.values()) / leads > 0.15
