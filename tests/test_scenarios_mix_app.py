"""The Budget scenarios page's default view in AppTest: the marketing-mix model's projection equals the model
fitted here on a plain-SQL weekly frame and summed by hand from its fitted parts; the outcome is in the link;
the optimiser on the model keeps every channel within its observed range and improves the projection."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from dashboard.i18n import fmt_money, fmt_number
from metrics.mmm import channel_summary, fit_mmm, mmm_input
from metrics.mmm.diagnostics import uncertain_channels
from metrics.mmm.scenario import last_budgets, observed_range, project
from tests.test_app import query, run_app

PAGE = "pages/scenarios.py"
LAST_DAY = dt.date(2026, 10, 31)
WEEKS = 13


def sql_weekly(store, outcome_sql: str, table: str, day: str) -> pl.DataFrame:
    """Complete weeks up to LAST_DAY: the outcome and one spend column per channel, by plain SQL."""
    spend = store.execute_sql(
        "SELECT CAST(date_trunc('week', day) AS DATE) AS week, channel_id, sum(amount) AS spend FROM spend "
        "GROUP BY 1, 2", {})
    got = store.execute_sql(
        f"SELECT CAST(date_trunc('week', {day}) AS DATE) AS week, CAST({outcome_sql} AS DOUBLE) AS outcome "
        f"FROM {table} GROUP BY 1", {})
    wide = spend.pivot(on="channel_id", index="week", values="spend", sort_columns=True)
    frame = (got.join(wide, on="week", how="left").fill_null(0.0)
             .filter(pl.col("week") + pl.duration(days=6) <= LAST_DAY).sort("week"))
    return frame.select("week", "outcome", *sorted(c for c in frame.columns if c not in ("week", "outcome")))


@pytest.fixture(scope="module")
def gross_profit_fit(small_store):
    frame = sql_weekly(small_store, "sum(revenue) - sum(cost_of_goods)", "orders", "ordered_at")
    channels = [c for c in frame.columns if c not in ("week", "outcome")]
    return fit_mmm(mmm_input(frame, date="week", outcome="outcome", spend=channels), n_draws=200, seed=0)


def mix_cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric[:3]}


def test_the_projection_at_last_periods_budgets_is_the_fitted_gross_profit_of_those_weeks(app_env,
                                                                                             gross_profit_fit):
    fit = gross_profit_fit
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="scn_outcome").value == "gross_profit"
    hand = float(fit.baseline[-WEEKS:].sum() + fit.contributions[-WEEKS:].sum())
    media = float(fit.contributions[-WEEKS:].sum())
    cards = mix_cards(at)
    assert cards == {"Budget, all channels": fmt_money(fit.data.spend[-WEEKS:].sum(), "en"),
                     "Projected: Gross profit": fmt_money(hand, "en"), "Of it from marketing": fmt_money(media, "en")}
    lo, hi = project(fit, last_budgets(fit, WEEKS), WEEKS).outcome_range
    assert f"90% range: {fmt_money(lo, 'en')} – {fmt_money(hi, 'en')}" in [c.value for c in at.caption]
    shown = next(df.value for df in at.dataframe if "From the channel" in df.value.columns)
    assert len(shown) == len(fit.channels)  # every channel with spend, all three pillars
    flagged = uncertain_channels(channel_summary(fit))
    assert sum(name.endswith(" · uncertain") for name in shown["Channel"]) == len(flagged)
    for ch in fit.channels:
        assert at.number_input(key=f"scn_budget_{ch}") is not None  # a budget box per channel of the model


def test_an_outcome_link_fits_that_outcome_and_a_bad_one_falls_back(app_env, small_store):
    at = run_app({"outcome": "orders"}, page=PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="scn_outcome").value == "orders"
    orders = sql_weekly(small_store, "count(*)", "orders", "ordered_at")
    fit = fit_mmm(mmm_input(orders, date="week", outcome="outcome",
                            spend=[c for c in orders.columns if c not in ("week", "outcome")]), n_draws=200, seed=0)
    hand = float(fit.baseline[-WEEKS:].sum() + fit.contributions[-WEEKS:].sum())
    assert mix_cards(at)["Projected: Orders"] == fmt_number(hand, "en", compact=True)
    assert query(at).get("outcome") == "orders"
    bad = run_app({"outcome": "<b>sales"}, page=PAGE)
    assert not bad.exception
    assert bad.selectbox(key="scn_outcome").value == "gross_profit"
    assert "could not be used" in " ".join(w.value for w in bad.warning)
    assert "outcome" not in query(bad)


def test_the_optimiser_on_the_model_stays_within_the_observed_ranges(app_env, gross_profit_fit):
    fit = gross_profit_fit
    at = run_app(page=PAGE)
    start = np.array([float(at.number_input(key=f"scn_budget_{ch}").value) for ch in fit.channels])
    before = project(fit, start, WEEKS).outcome
    next(b for b in at.button if b.label == "Optimise on the model").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Optimised for gross profit") for s in at.success)
    got = np.array([float(at.number_input(key=f"scn_budget_{ch}").value) for ch in fit.channels])
    assert got.sum() == pytest.approx(start.sum(), abs=1.0)
    lo, hi = observed_range(fit, WEEKS)
    assert (got >= lo - 1).all() and (got <= hi + 1).all()
    after = project(fit, got, WEEKS)
    assert after.outcome > before
    assert mix_cards(at)["Projected: Gross profit"] == fmt_money(after.outcome, "en")
    assert "budget" in query(at)


def test_allowing_more_never_moves_an_uncertain_channel_outside_its_range(app_env, gross_profit_fit):
    fit = gross_profit_fit
    flagged = uncertain_channels(channel_summary(fit))
    assert flagged and len(flagged) < len(fit.channels)
    at = run_app(page=PAGE)
    total = f"scn_mix_total_{int(round(sum(at.number_input(key=f'scn_budget_{ch}').value for ch in fit.channels)))}"
    at.checkbox(key="scn_mix_outside").check().run()
    at.number_input(key=total).set_value(int(1.5 * fit.data.spend[-WEEKS:].sum())).run()
    next(b for b in at.button if b.label == "Optimise on the model").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Optimised for gross profit") for s in at.success), [e.value for e in at.error]
    lo, hi = observed_range(fit, WEEKS)
    for j, ch in enumerate(fit.channels):
        value = at.number_input(key=f"scn_budget_{ch}").value
        if ch in flagged:
            assert lo[j] - 1 <= value <= hi[j] + 1, ch
