"""The scenario inputs counted by the database equal the old computation on raw rows, and stay a few rows per
week and channel."""

from __future__ import annotations

import polars as pl

from connectors.read import read_fact
from dashboard.filters import ViewState
from dashboard.scenarios import data as scn
from metrics.response import weekly_series, weekly_sums
from tests import retention_reference as ref
from tests.retention_reference import context, moved, same  # noqa: F401 (fixtures)


def test_weekly_series_and_economics_equal_the_computation_on_raw_rows(small_store) -> None:
    ctx = context(small_store, ViewState())
    last_day = ctx.bounds.last  # what the page's scenario_data reads its inputs up to (it then fits the curves)
    weekly, economics = scn.weekly(small_store, last_day), scn.economics(small_store, last_day)
    spend = read_fact(small_store, "spend", columns=("day", "channel_id", "amount"))
    leads = read_fact(small_store, "leads", columns=("created_at", "channel_id"))
    want = weekly_series(weekly_sums(spend, time_col="day", value="amount", name="spend"),
                         weekly_sums(leads, time_col="created_at", value=None, name="leads"), last_day=last_day)
    same(weekly, want, sort=["week", "channel_id"])
    old = ref.scenario_economics(small_store, last_day=last_day)
    assert set(economics) == set(old)
    for horizon, frame in old.items():
        same(economics[horizon], frame)
        assert frame["leads"].sum() > 0 and frame["valued_customers"].sum() > 0


def test_the_scenario_inputs_move_rows_per_week_and_channel(small_store, moved) -> None:
    ctx = context(small_store, ViewState())
    moved.clear()
    weekly = scn.weekly(small_store, ctx.bounds.last)  # every query of scenario_data (which then fits the curves)
    scn.economics(small_store, ctx.bounds.last)
    weeks = weekly["week"].n_unique() + 2  # the incomplete weeks at either end
    channels = ctx.channels.height
    got = sum(v for k, v in moved.items() if k.startswith("dashboard.scenarios."))
    assert got <= 2 * weeks * channels + 3 * channels, dict(moved)
    assert pl.Series(list(moved.values())).sum() == got
