"""The joint marketing-mix model of the Budget scenarios page, fitted once per database, data version and outcome.

The weekly frame comes from grouped queries (spend per week and channel, the outcome's measures per week) over
the whole history, like the rest of the page; the fit (``st.cache_resource``) is keyed by what it reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
import streamlit as st

from connectors.lift_tests import lift_test_frame
from connectors.measures import measure_frame
from connectors.schema import LIFT_OUTCOMES
from connectors.read import Filters
from dashboard.context import PageContext, store_id
from metrics.mmm import Diagnostics, MMMFit, MMMInputError, channel_summary, diagnose, fit_mmm, mmm_input
from metrics.mmm.data import MIN_WEEKS, lift_tests, weekly_frame
from metrics.mmm.diagnostics import uncertain_channels
from metrics.mmm.scenario import last_budgets

SEED = 0


# --- the joint marketing-mix model, cached per database, data version and outcome ---------------------------

OUTCOMES = LIFT_OUTCOMES  # the order they are offered in
DEFAULT_OUTCOME = "gross_profit"
MONEY_OUTCOMES = ("gross_profit", "revenue")
MIX_DRAWS = 200
# the weekly outcome: (fact family, measures, how they make the outcome)
_OUTCOME_MEASURES: dict[str, tuple[str, tuple[str, ...], pl.Expr]] = {
    "gross_profit": ("orders", ("revenue", "cost_of_goods"), pl.col("revenue") - pl.col("cost_of_goods")),
    "revenue": ("orders", ("revenue",), pl.col("revenue")),
    "orders": ("orders", ("orders",), pl.col("orders")),
    "new_customers": ("customers", ("new_customers",), pl.col("new_customers")),
    "leads": ("leads", ("leads",), pl.col("leads")),
}


def weekly_input(store, last_day: dt.date, outcome: str = "leads") -> pl.DataFrame:
    """``week``, ``<outcome>`` and one spend column per channel: complete weeks of the whole history, summed by
    the database (spend per week and channel, the outcome's measures per week)."""
    family, measures, expr = _OUTCOME_MEASURES[outcome]
    spend = measure_frame(store, "spend", ["spend"], Filters(), grain="week", by=("channel_id",))
    got = measure_frame(store, family, list(measures), Filters(), grain="week")
    return weekly_frame(spend, got.select("period", expr.cast(pl.Float64).alias(outcome)), last_day=last_day,
                        outcome_name=outcome)


@dataclass(frozen=True)
class MixModel:
    outcome: str
    fit: MMMFit
    summary: pl.DataFrame  # ``metrics.mmm.channel_summary``
    uncertain: frozenset[str]  # channels whose ROI interval reaches zero

    def budgets(self, budgets: dict[str, int], weeks: int) -> np.ndarray:
        """The scenario's budgets in the fit's channel order (a channel without a box: its last period)."""
        last = last_budgets(self.fit, weeks)
        return np.array([float(budgets.get(ch, last[j])) for j, ch in enumerate(self.fit.channels)])


def _usable(frame: pl.DataFrame, outcome: str) -> bool:
    channels = [c for c in frame.columns if c not in ("week", outcome)]
    return frame.height >= MIN_WEEKS and bool(channels) and float(frame[outcome].mean() or 0) > 0


@st.cache_resource(show_spinner=False, max_entries=4)
def _mix_outcomes(_store, sid: str, version: str, last_day: dt.date) -> tuple[str, ...]:
    return tuple(o for o in OUTCOMES if _usable(weekly_input(_store, last_day, o), o))


def mix_outcomes(ctx: PageContext) -> tuple[str, ...]:
    """The outcomes the data supports: at least 26 complete weeks of it, a positive mean, some spend."""
    return _mix_outcomes(ctx.store, store_id(ctx.store), ctx.version, ctx.bounds.last)


def fit_mix(store, last_day: dt.date, outcome: str) -> MixModel | None:
    """The model of ``outcome`` on the store's whole history up to ``last_day``, calibrated by the store's lift
    tests of that outcome (those of channels without spend say nothing about the model and are left out);
    None when the data does not support it."""
    frame = weekly_input(store, last_day, outcome)
    if not _usable(frame, outcome):
        return None
    channels = sorted(c for c in frame.columns if c not in ("week", outcome))
    try:
        data = mmm_input(frame, date="week", outcome=outcome, spend=channels)
        tests = [x for x in lift_tests(lift_test_frame(store, outcome)) if x.channel in channels]
    except MMMInputError:
        return None
    fit = fit_mmm(data, lift_tests=tests, n_draws=MIX_DRAWS, seed=SEED)
    summary = channel_summary(fit)
    return MixModel(outcome, fit, summary, uncertain_channels(summary))


@st.cache_resource(show_spinner=False, max_entries=8)
def _mix(_store, sid: str, version: str, last_day: dt.date, outcome: str) -> MixModel | None:
    """Keyed by what it reads: one database at one data version (an imported lift test is a new version), up
    to its last day, one outcome."""
    return fit_mix(_store, last_day, outcome)


def mix_model(ctx: PageContext, outcome: str) -> MixModel | None:
    return _mix(ctx.store, store_id(ctx.store), ctx.version, ctx.bounds.last, outcome)


@st.cache_resource(show_spinner=False, max_entries=8)
def _mix_diagnostics(_store, sid: str, version: str, last_day: dt.date, outcome: str) -> Diagnostics | None:
    mix = _mix(_store, sid, version, last_day, outcome)
    return None if mix is None else diagnose(mix.fit, roi_table=mix.summary)


def mix_diagnostics(ctx: PageContext, outcome: str) -> Diagnostics | None:
    """How far to trust the model (a refit without the last 13 weeks, so cached apart from the fit)."""
    return _mix_diagnostics(ctx.store, store_id(ctx.store), ctx.version, ctx.bounds.last, outcome)
