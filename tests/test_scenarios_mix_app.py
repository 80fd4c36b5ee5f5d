"""The Budget scenarios page's default view in AppTest: the marketing-mix model's projection equals the model
fitted here on a plain-SQL weekly frame and summed by hand from its fitted parts; the outcome is in the link and in
a saved scenario, and steers the model only (the lead-source view's goal and value steer that view only); the
optimiser on the model keeps every channel within its observed range and improves the projection."""

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
    # to two decimals, as the page's weekly frame (metrics/mmm/data.py: parallel sums differ in their last bits)
    frame = frame.select("week", "outcome", *sorted(c for c in frame.columns if c not in ("week", "outcome")))
    return frame.with_columns(pl.exclude("week").round(2))


def sql_gross_profit_fit(store):
    """The joint model of weekly gross profit refitted on the weekly frame plain SQL builds."""
    frame = sql_weekly(store, "sum(revenue) - sum(cost_of_goods)", "orders", "ordered_at")
    channels = [c for c in frame.columns if c not in ("week", "outcome")]
    return fit_mmm(mmm_input(frame, date="week", outcome="outcome", spend=channels), n_draws=200, seed=0)


@pytest.fixture(scope="module")
def gross_profit_fit(small_store):
    return sql_gross_profit_fit(small_store)


def mix_cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric[:3]}


def test_the_projection_at_last_periods_budgets_is_the_fitted_gross_profit_of_those_weeks(app_env,
                                                                                             gross_profit_fit):
    fit = gross_profit_fit
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="scn_outcome.en").value == "gross_profit"
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
    assert at.selectbox(key="scn_outcome.en").value == "orders"
    orders = sql_weekly(small_store, "count(*)", "orders", "ordered_at")
    fit = fit_mmm(mmm_input(orders, date="week", outcome="outcome",
                            spend=[c for c in orders.columns if c not in ("week", "outcome")]), n_draws=200, seed=0)
    hand = float(fit.baseline[-WEEKS:].sum() + fit.contributions[-WEEKS:].sum())
    assert mix_cards(at)["Projected: Orders"] == fmt_number(hand, "en", compact=True)
    assert query(at).get("outcome") == "orders"
    bad = run_app({"outcome": "<b>sales"}, page=PAGE)
    assert not bad.exception
    assert bad.selectbox(key="scn_outcome.en").value == "gross_profit"
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


# --- the outcome is part of a saved scenario ---------------------------------------------------------------


@pytest.fixture(scope="module")
def revenue_fit(small_store):
    frame = sql_weekly(small_store, "sum(revenue)", "orders", "ordered_at")
    channels = [c for c in frame.columns if c not in ("week", "outcome")]
    return fit_mmm(mmm_input(frame, date="week", outcome="outcome", spend=channels), n_draws=200, seed=0)


def boxes(at, fit) -> np.ndarray:
    return np.array([float(at.number_input(key=f"scn_budget_{ch}").value) for ch in fit.channels])


def saved(store, payload: dict, name: str = "Plan") -> str:
    from connectors.scenarios import save_scenario

    return save_scenario(store, name=name, author=None, note=None, payload=payload)


def test_a_scenario_saved_on_revenue_reopens_on_revenue_with_its_numbers(app_env, small_store, revenue_fit):
    from connectors.scenarios import delete_scenario, get_scenario

    fit = revenue_fit
    at = run_app(page=PAGE)
    at.selectbox(key="scn_outcome.en").select("revenue").run()
    at.number_input(key="scn_budget_search_ads").set_value(410_000).run()
    budgets = boxes(at, fit)
    hand = project(fit, budgets, WEEKS).outcome  # the model refitted here on a plain-SQL weekly frame
    cards = mix_cards(at)
    assert cards["Projected: Revenue"] == fmt_money(hand, "en")
    at.text_input(key="scn_save_name").input("Revenue plan")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    sid = query(at)["scenario"]
    try:
        assert query(at) == {"scenario": sid}  # the scenario holds the outcome: no parameter beside it
        stored = get_scenario(small_store, sid).payload
        assert (stored["version"], stored["outcome"], stored["budgets"]["search_ads"]) == (2, "revenue", 410_000)

        fresh = run_app({"scenario": sid}, page=PAGE)
        assert not fresh.exception, fresh.exception
        assert fresh.selectbox(key="scn_outcome.en").value == "revenue"
        assert mix_cards(fresh) == cards
        assert np.array_equal(boxes(fresh, fit), budgets)
        assert query(fresh) == {"scenario": sid}
        assert not any("changed it since opening" in i.value for i in fresh.info)

        beside = run_app({"scenario": sid, "outcome": "orders"}, page=PAGE)  # the scenario's own outcome wins
        assert beside.selectbox(key="scn_outcome.en").value == "revenue"
        assert mix_cards(beside) == cards and query(beside) == {"scenario": sid}

        fresh.selectbox(key="scn_outcome.en").select("gross_profit").run()  # now it is not the saved scenario
        assert "Projected: Gross profit" in mix_cards(fresh)
        assert "scenario" not in query(fresh) and "search_ads:410000" in query(fresh)["budget"]
        assert any("changed it since opening" in i.value for i in fresh.info)
    finally:
        delete_scenario(small_store, sid)


def test_a_scenario_saved_without_an_outcome_opens_as_it_always_did(app_env, small_store, gross_profit_fit):
    from connectors.scenarios import delete_scenario

    fit = gross_profit_fit
    sid = saved(small_store, {"version": 1, "weeks": WEEKS, "objective": "gross_profit", "horizon": "12m",
                              "budgets": {"search_ads": 350_000}})
    try:
        at = run_app({"scenario": sid}, page=PAGE)
        assert not at.exception, at.exception
        assert at.selectbox(key="scn_outcome.en").value == "gross_profit"  # the default
        assert at.number_input(key="scn_budget_search_ads").value == 350_000
        hand = project(fit, boxes(at, fit), WEEKS).outcome
        assert mix_cards(at)["Projected: Gross profit"] == fmt_money(hand, "en")
        assert query(at) == {"scenario": sid}
        assert any("Plan" in i.value for i in at.info) and not at.error
        old_link = run_app({"scenario": sid, "outcome": "orders"}, page=PAGE)  # a link written before: as then
        assert old_link.selectbox(key="scn_outcome.en").value == "orders"
        assert old_link.number_input(key="scn_budget_search_ads").value == 350_000
        assert query(old_link) == {"scenario": sid, "outcome": "orders"}
        assert not any("changed it since opening" in i.value for i in old_link.info)
        future = saved(small_store, {"version": 3, "weeks": WEEKS, "objective": "gross_profit", "horizon": "12m",
                                     "budgets": {"search_ads": 350_000}, "outcome": "revenue"}, name="Later")
        unknown = run_app({"scenario": future}, page=PAGE)  # a shape this version does not know: not guessed
        assert any("cannot be opened" in e.value for e in unknown.error)
        delete_scenario(small_store, future)
    finally:
        delete_scenario(small_store, sid)


def test_a_saved_outcome_the_data_no_longer_supports_opens_on_another_with_a_notice(app_env, small_store, tmp_path,
                                                                                   monkeypatch):
    import duckdb

    from dashboard.context import settings
    from tests.importing import copy_store

    store = copy_store(small_store, tmp_path)
    with duckdb.connect(str(store.path)) as con:  # every customer acquired in the last complete week
        con.execute("UPDATE customers SET first_seen = TIMESTAMP '2026-10-20 12:00:00'")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    settings.clear()
    try:
        sid = saved(store, {"version": 2, "weeks": WEEKS, "objective": "gross_profit", "horizon": "12m",
                            "budgets": {"search_ads": 300_000}, "outcome": "new_customers"}, name="Acquisition")
        at = run_app({"scenario": sid}, page=PAGE)
        assert not at.exception, at.exception
        assert not at.error
        outcomes = at.selectbox(key="scn_outcome.en")
        assert "new_customers" not in outcomes.options and "New customers" not in outcomes.options
        assert outcomes.value == "gross_profit"
        notice = next(i.value for i in at.info if "Acquisition" in i.value)
        assert "saved for New customers, which the current data no longer supports" in notice
        assert "shown on Gross profit instead" in notice
        assert at.number_input(key="scn_budget_search_ads").value == 300_000
        assert "Projected: Gross profit" in mix_cards(at)
        assert query(at) == {"scenario": sid}
    finally:
        monkeypatch.undo()
        settings.clear()


# --- which control steers which numbers --------------------------------------------------------------------


def lead_cards(at) -> dict[str, str]:
    """The lead-source view's six cards (after the model's three)."""
    return {m.label: m.value for m in at.metric[3:9]}


def test_the_lead_source_controls_steer_only_their_view_and_the_outcome_only_the_model(app_env, revenue_fit):
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    keys = [s.key for s in at.selectbox]
    assert keys[:4] == ["scn_weeks.en", "scn_outcome.en", "scn_objective.en", "scn_horizon.en"]  # the main inputs first
    assert at.selectbox(key="scn_outcome.en").label == "What to maximise"
    assert "lead-source curves" in at.selectbox(key="scn_objective.en").label
    assert "lead-source curves" in at.selectbox(key="scn_horizon.en").label
    model, lead = mix_cards(at), lead_cards(at)

    at.selectbox(key="scn_horizon.en").select("first").run()
    assert mix_cards(at) == model
    first_order = lead_cards(at)
    assert first_order["Revenue"] != lead["Revenue"] and first_order["Leads"] == lead["Leads"]
    at.selectbox(key="scn_objective.en").select("leads").run()
    assert mix_cards(at) == model and lead_cards(at) == first_order
    assert any(c.value.startswith("Finds the split of the budget that maximises leads") for c in at.caption)
    assert query(at) == {"objective": "leads", "horizon": "first"}

    at.selectbox(key="scn_outcome.en").select("revenue").run()
    assert not at.exception, at.exception
    assert lead_cards(at) == first_order
    hand = project(revenue_fit, boxes(at, revenue_fit), WEEKS).outcome
    assert mix_cards(at)["Projected: Revenue"] == fmt_money(hand, "en") != model["Projected: Gross profit"]
    assert query(at) == {"objective": "leads", "horizon": "first", "outcome": "revenue"}


def test_comparing_scenarios_of_different_outcomes_keeps_their_numbers_apart(app_env, small_store, gross_profit_fit,
                                                                            revenue_fit):
    from connectors.scenarios import delete_scenario

    sid = saved(small_store, {"version": 2, "weeks": WEEKS, "objective": "gross_profit", "horizon": "12m",
                              "budgets": {"search_ads": 500_000}, "outcome": "revenue"}, name="Revenue push")
    try:
        at = run_app({"compare_ids": sid}, page=PAGE)
        assert not at.exception, at.exception
        table = next(d.value for d in at.dataframe if "Revenue push" in d.value.columns).set_index("Result")
        assert list(table.columns) == ["Last period continued", "This scenario", "Revenue push"]
        assert list(table.loc["Maximises"]) == ["—", "Gross profit", "Revenue"]
        gp, rev = table.loc["Model: Gross profit"], table.loc["Model: Revenue"]
        assert gp["Revenue push"] == "—" and rev["This scenario"] == "—"  # never side by side in one row
        now = project(gross_profit_fit, boxes(at, gross_profit_fit), WEEKS)
        assert gp["This scenario"].startswith(fmt_money(now.outcome, "en") + " (")
        theirs = dict(zip(gross_profit_fit.channels, boxes(at, gross_profit_fit)), search_ads=500_000.0)
        other = project(revenue_fit, np.array([theirs[ch] for ch in revenue_fit.channels]), WEEKS)
        lo, hi = other.outcome_range
        shown = f"{fmt_money(other.outcome, 'en')} ({fmt_money(lo, 'en')} – {fmt_money(hi, 'en')})"
        assert rev["Revenue push"] == shown
        last = project(revenue_fit, last_budgets(revenue_fit, WEEKS), WEEKS).outcome
        assert rev["Last period continued"].startswith(fmt_money(last, "en") + " (")
        assert any("maximise different outcomes" in c.value for c in at.caption)
        same = run_app({"compare_ids": sid, "outcome": "revenue"}, page=PAGE)
        table = next(d.value for d in same.dataframe if "Revenue push" in d.value.columns).set_index("Result")
        assert "Model: Gross profit" not in table.index and table.loc["Model: Revenue", "This scenario"] != "—"
        assert not any("maximise different outcomes" in c.value for c in same.caption)
    finally:
        delete_scenario(small_store, sid)
