"""Budget scenarios: cached fits, scenario inputs, their URL form and the saved-scenario store.

The response curves are fitted once per data version (``st.cache_resource``): weekly spend
and leads per channel, mature leads and their conversions per channel and the value new
customers brought per channel are all counted by the database (``connectors.measures``,
``connectors.customer_value``), so what comes back grows with weeks × channels. Everything
after that (projections, curves, the optimiser) runs on every redraw and takes milliseconds.

A scenario's inputs are the period length, the objective, the value horizon and a budget
per channel. Unsaved inputs live in the link (``budget=search_ads:300000,display:150000``,
``weeks``, ``objective``, ``horizon``, ``outcome``); a saved scenario is ``?scenario=<id>``. The outcome the
marketing-mix model explains and maximises is part of the scenario: saved with it (payload version 2) and
restored when it is opened. A scenario saved before that (version 1) holds none and opens on the link's
``outcome``, else the default, as it always did.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
import streamlit as st

from connectors.customer_value import new_customer_sums
from connectors.measures import measure_frame
from connectors.read import Filters
from connectors.scenarios import SavedScenario, get_scenario, list_scenarios, valid_id
from connectors.store import truth_of
from dashboard.context import PageContext, store_id
from dashboard.filters import escape_markdown, whole_number
from dashboard.scenarios.mix_data import DEFAULT_OUTCOME, OUTCOMES, mix_model, mix_outcomes
from metrics.response import ResponseModel, fit_response, weekly_series
from metrics.scenarios import (
    HORIZONS, OBJECTIVES, Planner, economics_from_counts, last_period_budgets, lead_cutoff, new_customer_value_from_sums,
    period_start,
)

N_BOOT = 100
SEED = 0
WEEK_CHOICES = (4, 8, 13, 26, 52)
DEFAULT_WEEKS = 13
DEFAULT_OBJECTIVE = "gross_profit"
DEFAULT_HORIZON = "12m"
MAX_BUDGET = 10**12
MAX_COMPARE = 3  # saved scenarios next to the current one: four side by side
PAYLOAD_VERSION = 2  # 2: the marketing-mix model's outcome is saved in the scenario
PAYLOAD_VERSIONS = (1, 2)  # the versions that open (1: saved before the outcome was part of a scenario)

# widget and state keys
OUTCOME = "scn_outcome"
MIX_TOTAL = "scn_mix_total"
MIX_OUTSIDE = "scn_mix_outside"
WEEKS = "scn_weeks"
WEEKS_PREV = "scn_weeks_prev"
OBJECTIVE = "scn_objective"
HORIZON = "scn_horizon"
COMPARE = "scn_compare"
SEEDED = "scn_seeded"
LOADED = "scn_loaded"
LOADED_OUTCOME = "scn_loaded_outcome"  # the outcome the open saved scenario was opened on
LINK_ERROR = "scn_link_error"
SEED_INPUTS = "scn_seed_inputs"
KEPT = "scn_kept"  # the inputs as of the last run (widget state is dropped while another page is shown)
FLASH = "scn_flash"
CONFIRM_DELETE = "scn_confirm_delete"
DELETE_CHOICE = "scn_delete_choice"
OPEN_CHOICE = "scn_open_choice"
WHATIF_CHANNEL = "scn_whatif_channel"
WHATIF_BUDGET = "scn_whatif_budget"
OPT_MODE = "scn_opt_mode"
OPT_TOTAL = "scn_opt_total"
OPT_TARGET = "scn_opt_target"
OPT_BOUNDS = "scn_opt_bounds"
SAVE_FORM = "scn_save_form"
SAVE_NAME = "scn_save_name"
SAVE_AUTHOR = "scn_save_author"
SAVE_NOTE = "scn_save_note"
TABS = "scn_tabs"  # the open tab stays open when a button reruns the page

# URL parameters (declared in dashboard/registry.py, the "scenarios" page)
P_SCENARIO, P_BUDGET, P_WEEKS, P_OBJECTIVE, P_HORIZON, P_COMPARE, P_OUTCOME = (
    "scenario", "budget", "weeks", "objective", "horizon", "compare_ids", "outcome")


def budget_key(channel_id: str) -> str:
    return f"scn_budget_{channel_id}"


# --- the fitted model, cached per data version -----------------------------------------------


@dataclass(frozen=True)
class ScenarioData:
    weekly: pl.DataFrame
    model: ResponseModel
    economics: dict[str, pl.DataFrame]  # by value horizon
    last_day: dt.date
    load_seconds: float
    channels: tuple[str, ...] = ()  # every channel with spend (all three pillars): one budget box each

    def budget_channels(self) -> list[str]:
        return list(self.channels) or self.model.spend_channels()


def _weekly(store, family: str, measure: str, name: str) -> pl.DataFrame:
    frame = measure_frame(store, family, [measure], Filters(), grain="week", by=("channel_id",))
    return frame.select(pl.col("period").alias("week"), "channel_id", pl.col(measure).cast(pl.Float64).alias(name))


def weekly(store, last_day: dt.date) -> pl.DataFrame:
    """Spend and leads per week and channel, summed by the database (``metrics.response.weekly_series``)."""
    return weekly_series(_weekly(store, "spend", "spend", "spend"), _weekly(store, "leads", "leads", "leads"),
                         last_day=last_day)


def economics(store, last_day: dt.date) -> dict[str, pl.DataFrame]:
    """Conversion and the value of a new customer per channel for each value horizon, counted by the database:
    mature leads and their conversions per channel (measures), new customers' value summed per channel."""
    mature = Filters(None, lead_cutoff(last_day))
    conversion = measure_frame(store, "leads", ["leads", "converted_leads"], mature, by=("channel_id",)).select(
        "channel_id", "leads", pl.col("converted_leads").alias("converted"))
    return {
        h: economics_from_counts(conversion, new_customer_value_from_sums(
            new_customer_sums(store, Filters(), last_day=last_day, horizon_days=days)))
        for h, days in HORIZONS.items()
    }


@st.cache_resource(show_spinner=False, max_entries=4)
def _scenario_data(_store, sid: str, version: str, last_day: dt.date) -> ScenarioData | None:
    """Keyed by what it reads: the whole history of one database at one data version, up to its last day
    (the view's period and filters do not apply to a future budget)."""
    import time

    started = time.perf_counter()
    series = weekly(_store, last_day)
    if series.height == 0 or series["week"].n_unique() < 26:
        return None
    eco = economics(_store, last_day)
    loaded = time.perf_counter() - started
    model = fit_response(series, n_boot=N_BOOT, seed=SEED)
    if not model.spend_channels():
        return None
    spent = series.group_by("channel_id").agg(pl.col("spend").sum()).filter(pl.col("spend") > 0)["channel_id"]
    channels = tuple(sorted(set(spent.to_list()) | set(model.spend_channels())))
    return ScenarioData(series, model, eco, last_day, loaded, channels)


def scenario_data(ctx: PageContext) -> ScenarioData | None:
    """Weekly series, fitted curves and economics for the whole history (None: too little data)."""
    return _scenario_data(ctx.store, store_id(ctx.store), ctx.version, ctx.bounds.last)


@st.cache_resource(show_spinner=False, max_entries=32)
def _planner(_data: ScenarioData, sid: str, version: str, horizon: str, weeks: int) -> Planner:
    return Planner(_data.model, _data.economics[horizon], weeks=weeks, start=period_start(_data.last_day))


def planner(ctx: PageContext, data: ScenarioData, horizon: str, weeks: int) -> Planner:
    return _planner(data, store_id(ctx.store), ctx.version, horizon, weeks)


# --- scenario inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    weeks: int = DEFAULT_WEEKS
    objective: str = DEFAULT_OBJECTIVE
    horizon: str = DEFAULT_HORIZON
    budgets: dict[str, int] = field(default_factory=dict)
    outcome: str = DEFAULT_OUTCOME  # what the marketing-mix model explains and its optimiser maximises

    def payload(self) -> dict[str, Any]:
        return {"version": PAYLOAD_VERSION, "weeks": self.weeks, "objective": self.objective,
                "horizon": self.horizon, "budgets": dict(self.budgets), "outcome": self.outcome}


def baseline_budgets(data: ScenarioData, weeks: int) -> dict[str, int]:
    """The last ``weeks`` weeks' spend per channel: the plan 'last period continued'."""
    got = last_period_budgets(data.weekly, weeks=weeks, channels=data.budget_channels())
    return {ch: int(round(v)) for ch, v in got.items()}


BUDGET_HEADROOM = 10  # a budget box takes up to this many times the largest spend the data has seen
MIN_BUDGET_LIMIT = 1_000_000


def budget_limit(data: ScenarioData, weeks: int) -> int:
    """The largest budget a box takes for ``weeks`` weeks: ``BUDGET_HEADROOM`` × the largest weekly spend any
    channel had, over that many weeks (at least ``MIN_BUDGET_LIMIT``). Beyond it the response curves are
    extrapolated so far that a projection would mean nothing."""
    peak = data.weekly["spend"].max() if "spend" in data.weekly.columns and data.weekly.height else None
    peak = float(peak) if peak is not None else 0.0
    return max(int(round(BUDGET_HEADROOM * peak * weeks, -3)), MIN_BUDGET_LIMIT)


def parse_budget(text: str, channels: list[str]) -> dict[str, int] | None:
    """``ch:amount,ch:amount`` → budgets; None when anything in it is unusable."""
    out: dict[str, int] = {}
    items = [p for p in text.split(",") if p]
    if not items or len(items) > 2 * len(channels) + 5:
        return None
    for item in items:
        ch, sep, amount = item.partition(":")
        value = whole_number(amount)
        if not sep or ch not in channels or ch in out or value is None or value > MAX_BUDGET:
            return None
        out[ch] = value
    return out


def dump_budget(budgets: dict[str, int], channels: list[str]) -> str:
    return ",".join(f"{ch}:{int(budgets.get(ch, 0))}" for ch in channels)


def parse_weeks(text: str) -> int | None:
    value = whole_number(text)
    return value if value in WEEK_CHOICES else None


def saved_outcome(payload: dict[str, Any]) -> str | None:
    """The outcome a saved payload holds; None for a version 1 payload (saved before scenarios held one)."""
    return None if payload.get("version") == 1 else payload.get("outcome")


def available_outcome(outcome: str, outcomes: tuple[str, ...]) -> str:
    """``outcome`` when the data supports it (or supports none: there is no model to show), else the default,
    else the first supported one."""
    if outcome in outcomes or not outcomes:
        return outcome
    return DEFAULT_OUTCOME if DEFAULT_OUTCOME in outcomes else outcomes[0]


def inputs_from_payload(payload: dict[str, Any], data: ScenarioData, *, outcome: str = DEFAULT_OUTCOME,
                        outcomes: tuple[str, ...] = OUTCOMES) -> Inputs | None:
    """A saved payload back into inputs; None when it does not fit the current data or is damaged.

    The outcome is the payload's own (version 2) or ``outcome`` (a version 1 payload holds none), moved to an
    outcome the data supports (``outcomes``, see ``available_outcome``) when it no longer supports that one."""
    channels = data.budget_channels()
    weeks, objective, horizon = payload.get("weeks"), payload.get("objective"), payload.get("horizon")
    budgets = payload.get("budgets")
    version = payload.get("version")
    if version not in PAYLOAD_VERSIONS or isinstance(version, bool) or weeks not in WEEK_CHOICES \
            or objective not in OBJECTIVES or horizon not in HORIZONS or not isinstance(budgets, dict):
        return None
    kept = saved_outcome(payload)
    if version != 1 and kept not in OUTCOMES:
        return None
    clean = baseline_budgets(data, weeks)
    for ch, value in budgets.items():
        if ch not in channels:
            continue  # a channel no longer modelled: dropped (the page says the numbers are recomputed)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) \
                or not 0 <= value <= MAX_BUDGET:
            return None
        clean[ch] = int(round(value))
    return Inputs(int(weeks), objective, horizon, clean, available_outcome(kept or outcome, outcomes))


def current_inputs(data: ScenarioData) -> Inputs:
    ss = st.session_state
    weeks = ss.get(WEEKS, DEFAULT_WEEKS)
    budgets = {ch: int(round(ss.get(budget_key(ch), 0) or 0)) for ch in data.budget_channels()}
    return Inputs(weeks, ss.get(OBJECTIVE, DEFAULT_OBJECTIVE), ss.get(HORIZON, DEFAULT_HORIZON), budgets,
                  ss.get(OUTCOME, DEFAULT_OUTCOME))


def set_inputs(inputs: Inputs) -> None:
    """Put inputs into the widgets' state (before the widgets are drawn, or from a callback)."""
    ss = st.session_state
    ss[WEEKS] = ss[WEEKS_PREV] = inputs.weeks
    ss[OBJECTIVE] = inputs.objective
    ss[HORIZON] = inputs.horizon
    ss[OUTCOME] = inputs.outcome
    for ch, value in inputs.budgets.items():
        ss[budget_key(ch)] = int(value)


def open_saved(saved: SavedScenario, inputs: Inputs) -> None:
    """Show a saved scenario: its inputs into the widgets' state (from a callback or before the widgets)."""
    ss = st.session_state
    set_inputs(inputs)
    ss[LOADED] = saved
    ss[LOADED_OUTCOME] = inputs.outcome
    ss[LINK_ERROR] = None


def loaded_inputs(data: ScenarioData, outcomes: tuple[str, ...]) -> Inputs | None:
    """The open saved scenario's inputs as opened (a version 1 scenario: on the outcome it was opened on);
    None when none is open or it no longer fits the data."""
    ss = st.session_state
    saved: SavedScenario | None = ss.get(LOADED)
    if saved is None:
        return None
    return inputs_from_payload(saved.payload, data, outcome=ss.get(LOADED_OUTCOME, DEFAULT_OUTCOME),
                               outcomes=outcomes)


# --- the link ----------------------------------------------------------------------------------


def _query(param: str, problems: list[str]) -> str | None:
    """The parameter's text; None when absent, or when repeated or too long (then it is a problem)."""
    values = st.query_params.get_all(param)
    if not values:
        return None
    if len(values) > 1 or len(values[0]) > 2000:
        problems.append(param)
        return None
    return values[0]


def seed_from_link(ctx: PageContext, data: ScenarioData) -> list[str]:
    """On the page's first run in a session: inputs from ``?scenario=`` or the unsaved parameters.

    Returns the parameters that could not be used (for the link notice). A scenario id that
    does not exist is reported separately (``LINK_ERROR``), with the baseline shown instead.
    """
    ss = st.session_state
    if ss.get(SEEDED):
        kept = ss.get(KEPT)
        if kept is not None and any(budget_key(ch) not in ss for ch in kept[0].budgets):
            set_inputs(kept[0])  # back from another page: Streamlit forgot the widgets, we did not
            ss[COMPARE] = list(kept[1])
        return []
    ss[SEEDED] = True
    ss[LOADED] = None
    ss[LINK_ERROR] = None
    problems: list[str] = []
    channels = data.budget_channels()
    inputs: Inputs | None = None
    outcome = _checked(P_OUTCOME, OUTCOMES, DEFAULT_OUTCOME, problems)
    raw_id = st.query_params.get_all(P_SCENARIO)
    if raw_id:
        sid = raw_id[0] if len(raw_id) == 1 else ""  # a repeated id is ambiguous: not a scenario
        saved = get_scenario(ctx.store, sid) if valid_id(sid) else None
        loose = [P_BUDGET, P_WEEKS, P_OBJECTIVE, P_HORIZON]  # a saved scenario wins over loose parameters
        if saved is None:
            ss[LINK_ERROR] = ("scn.bad_id", sid[:40])
        else:
            inputs = inputs_from_payload(saved.payload, data, outcome=outcome, outcomes=mix_outcomes(ctx))
            if inputs is None:
                ss[LINK_ERROR] = ("scn.bad_payload", saved.name[:80])
            else:
                open_saved(saved, inputs)
                if saved_outcome(saved.payload) is not None:
                    loose.append(P_OUTCOME)  # the scenario holds its outcome
        for p in loose:
            if p in st.query_params:
                del st.query_params[p]
        if inputs is None:
            del st.query_params[P_SCENARIO]
    if inputs is None:
        weeks = DEFAULT_WEEKS
        text = _query(P_WEEKS, problems)
        if text is not None:
            weeks = parse_weeks(text) or DEFAULT_WEEKS
            if parse_weeks(text) is None:
                problems.append(P_WEEKS)
        objective = _checked(P_OBJECTIVE, OBJECTIVES, DEFAULT_OBJECTIVE, problems)
        horizon = _checked(P_HORIZON, tuple(HORIZONS), DEFAULT_HORIZON, problems)
        budgets = baseline_budgets(data, weeks)
        text = _query(P_BUDGET, problems)
        if text is not None:
            parsed = parse_budget(text, channels)
            if parsed is None:
                problems.append(P_BUDGET)
            else:
                budgets.update(parsed)
        inputs = Inputs(weeks, objective, horizon, budgets, outcome)
    set_inputs(inputs)
    ss[SEED_INPUTS] = inputs
    ss[COMPARE] = _seed_compare(ctx, problems)
    for p in problems:
        if p in st.query_params:
            del st.query_params[p]
    return problems


def _checked(param: str, choices: tuple[str, ...], default: str, problems: list[str]) -> str:
    text = _query(param, problems)
    if text is None:
        return default
    if text in choices:
        return text
    problems.append(param)
    return default


def _seed_compare(ctx: PageContext, problems: list[str]) -> list[str]:
    text = _query(P_COMPARE, problems)
    if text is None:
        return []
    ids = [i for i in text.split(",") if i]
    known = set(saved_frame(ctx)["scenario_id"].to_list())
    good = [i for i in dict.fromkeys(ids) if valid_id(i) and i in known][:MAX_COMPARE]
    if len(good) != len(ids):
        problems.append(P_COMPARE)
    return good


def write_link(inputs: Inputs, data: ScenarioData, outcomes: tuple[str, ...]) -> None:
    """The address bar: ``scenario=<id>`` while a saved scenario is shown unchanged (with ``outcome`` beside a
    version 1 one, which holds none), else the inputs."""
    ss = st.session_state
    qp = st.query_params
    loaded: SavedScenario | None = ss.get(LOADED)
    wanted: dict[str, str] = {}
    if loaded is not None and loaded_inputs(data, outcomes) == inputs:
        wanted[P_SCENARIO] = loaded.scenario_id
        if saved_outcome(loaded.payload) is None and inputs.outcome != DEFAULT_OUTCOME:
            wanted[P_OUTCOME] = inputs.outcome
    else:
        if inputs.weeks != DEFAULT_WEEKS:
            wanted[P_WEEKS] = str(inputs.weeks)
        if inputs.objective != DEFAULT_OBJECTIVE:
            wanted[P_OBJECTIVE] = inputs.objective
        if inputs.horizon != DEFAULT_HORIZON:
            wanted[P_HORIZON] = inputs.horizon
        if inputs.budgets != baseline_budgets(data, inputs.weeks):
            wanted[P_BUDGET] = dump_budget(inputs.budgets, data.budget_channels())
        if inputs.outcome != DEFAULT_OUTCOME:
            wanted[P_OUTCOME] = inputs.outcome
    compare = ss.get(COMPARE) or []
    ss[KEPT] = (inputs, tuple(compare))
    if compare:
        wanted[P_COMPARE] = ",".join(compare)
    for param in (P_SCENARIO, P_BUDGET, P_WEEKS, P_OBJECTIVE, P_HORIZON, P_COMPARE, P_OUTCOME):
        if param in wanted:
            if qp.get(param) != wanted[param]:
                qp[param] = wanted[param]
        elif param in qp:
            del qp[param]


# --- saved scenarios -----------------------------------------------------------------------------


def saved_frame(ctx: PageContext) -> pl.DataFrame:
    """Saved scenarios, newest first (read on every run: a save elsewhere shows up at once)."""
    return list_scenarios(ctx.store)


def saved_inputs(ctx: PageContext, data: ScenarioData, scenario_id: str) -> tuple[SavedScenario, Inputs] | None:
    """A saved scenario and its inputs, on an outcome the data supports (a version 1 one: the default)."""
    saved = get_scenario(ctx.store, scenario_id)
    if saved is None:
        return None
    inputs = inputs_from_payload(saved.payload, data, outcomes=mix_outcomes(ctx))
    return (saved, inputs) if inputs is not None else None


def with_weeks(inputs: Inputs, weeks: int) -> Inputs:
    """The same weekly budget over another number of weeks."""
    factor = weeks / inputs.weeks
    return replace(inputs, weeks=weeks, budgets={ch: int(round(v * factor)) for ch, v in inputs.budgets.items()})


def parse_payload(text: str | None) -> dict[str, Any]:
    """A stored payload as a dict ({} when it is not readable JSON of an object)."""
    try:
        value = json.loads(text or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def escape(text: str, limit: int = 80) -> str:
    """User text (names, notes) made inert for markdown."""
    return escape_markdown(text, limit=limit)


@st.cache_resource(show_spinner=False, max_entries=4)
def _truth_curves(_store, sid: str, version: str) -> dict | None:
    truth = truth_of(_store)
    return (truth or {}).get("response_curves", {}).get("channels") or None


def demo_truth_curves(ctx: PageContext) -> dict | None:
    """The demo company's recorded curve parameters, when the data is the demo (else None)."""
    return _truth_curves(ctx.store, store_id(ctx.store), ctx.version)


def warm_up(ctx: PageContext) -> None:
    """The fitted response curves and the marketing-mix model into the cache (see ``dashboard/warmup.py``)."""
    scenario_data(ctx)
    outcomes = mix_outcomes(ctx)
    if outcomes:
        mix_model(ctx, DEFAULT_OUTCOME if DEFAULT_OUTCOME in outcomes else outcomes[0])
