"""The Sales page's numbers: cached journeys and attribution, and every frame the page draws.

Heavy parts are cached per (store, data version, filters, look-back): the journeys
(built in SQL, :mod:`connectors.journeys`), every attribution model's result, the
touch counts and the cohort's margin. The page only picks rows out of them, so a
model change redraws without recomputing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import streamlit as st

from connectors import read
from connectors.cohorts import read_cohort_margin
from connectors.journeys import JourneyPaths, read_conversion_touches, read_paths
from connectors.read import Filters
from dashboard.context import PageContext, Store, store_id
from dashboard.filters import whole_number
from metrics.attribution import MODELS, attribute_all
from metrics.journeys import (
    channel_selection, cohort_margin_curve, days_distribution, funnel, payback_months, touches_by_first_channel,
    touches_distribution,
)
from metrics.periods import full_buckets
from metrics.sales import (
    acquisition_totals, campaign_results, channel_results, return_on_spend, sales_spend, sales_totals,
    spend_and_margin_by_period,
)

# widget keys of the page's own controls
MODEL = "sales_model"
LOOKBACK = "sales_lookback"
GRAIN = "sales_grain"
TABLE = "sales_table"
LOOKBACK_CHOICES = (7, 14, 30, 60, 90)
GRAIN_CHOICES = ("day", "week", "month")
DEFAULT_MODEL = "markov"

SPEND_COLUMNS = ("day", "campaign_id", "channel_id", "amount", "impressions", "clicks")
LEAD_COLUMNS = ("channel_id", "campaign_id", "customer_id")
ORDER_COLUMNS = ("ordered_at", "revenue", "cost_of_goods")


def parse_model(text: str) -> str | None:
    return text if text in MODELS else None


MAX_LOOKBACK = 180


def parse_lookback(text: str) -> int | None:
    value = whole_number(text)
    return value if value is not None and 1 <= value <= MAX_LOOKBACK else None


def lookback_options(*values: int) -> list[int]:
    """The usual windows plus the configured default and a value that came with a link."""
    return sorted(set(LOOKBACK_CHOICES) | {v for v in values if 1 <= v <= MAX_LOOKBACK})


def parse_grain(text: str) -> str | None:
    return text if text in GRAIN_CHOICES else None


# --- cached heavy parts --------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=16)
def _paths(_store: Store, sid: str, version: str, filters: Filters, lookback: int) -> JourneyPaths:
    return read_paths(_store, filters, lookback_days=lookback)


@st.cache_resource(show_spinner=False, max_entries=16)
def _attribution(_store: Store, sid: str, version: str, filters: Filters, lookback: int,
                 half_life: float) -> pl.DataFrame:
    journeys = _paths(_store, sid, version, filters, lookback)
    return attribute_all(journeys.paths, half_life_days=half_life)


@st.cache_resource(show_spinner=False, max_entries=16)
def _conversion_touches(_store: Store, sid: str, version: str, filters: Filters) -> pl.DataFrame:
    return read_conversion_touches(_store, filters)


@st.cache_resource(show_spinner=False, max_entries=16)
def _cohort(_store: Store, sid: str, version: str, filters: Filters,
            data_end: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    return read_cohort_margin(_store, filters, data_end=data_end)


@st.cache_resource(show_spinner=False, max_entries=16)
def _touch_reach(_store: Store, sid: str, version: str, filters: Filters) -> tuple[pl.DataFrame, int]:
    by_channel = read.aggregate_fact(_store, "touchpoints", filters,
                                     measures={"reach": ("count_distinct", "journey_id")}, by=["channel_id"])
    total = read.aggregate_fact(_store, "touchpoints", filters, measures={"journeys": ("count_distinct", "journey_id")})
    return by_channel, int(total["journeys"][0] or 0)


# --- what the page shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    metric: str
    value: float | None
    previous: float | None


@dataclass(frozen=True)
class SalesResults:
    kpis: tuple[Kpi, ...]
    trend: pl.DataFrame
    channels: pl.DataFrame
    campaigns: pl.DataFrame
    attribution: pl.DataFrame  # long: model, channel, conversions, value, gross_profit
    funnel: pl.DataFrame
    touches: pl.DataFrame
    days: pl.DataFrame
    by_first_channel: pl.DataFrame
    selection: pl.DataFrame
    payback_curve: pl.DataFrame
    payback: int | None
    months_observed: int
    cac: float | None
    untracked: int
    new_customers_tracked: int


def _attribution_filters(ctx: PageContext, *, comparison: bool = False) -> Filters:
    """Journeys keep every channel (the channel filter picks rows, it does not cut journeys)."""
    flt = ctx.filters(comparison=comparison)
    return Filters(flt.start, flt.end, (), flt.regions)


def attribution(ctx: PageContext, lookback: int, *, comparison: bool = False) -> pl.DataFrame:
    """Every model's credit per channel (see :func:`metrics.attribution.attribute_all`)."""
    return _attribution(ctx.store, store_id(ctx.store), ctx.version, _attribution_filters(ctx, comparison=comparison),
                        lookback, float(ctx.settings.half_life_days))


def journeys(ctx: PageContext, lookback: int) -> JourneyPaths:
    return _paths(ctx.store, store_id(ctx.store), ctx.version, _attribution_filters(ctx), lookback)


def _selected(frame: pl.DataFrame, ctx: PageContext, column: str = "channel_id") -> pl.DataFrame:
    return frame.filter(pl.col(column).is_in(list(ctx.view.channels))) if ctx.view.channels else frame


def _period_numbers(ctx: PageContext, model: str, lookback: int, *, comparison: bool) -> dict[str, float | None]:
    """The KPI values of the period (or of the comparison period)."""
    spend = sales_spend(ctx.load("spend", comparison=comparison, columns=SPEND_COLUMNS), ctx.channels)
    leads = ctx.load("leads", comparison=comparison, columns=LEAD_COLUMNS)
    customers = ctx.load("customers", comparison=comparison, columns=("customer_id",))
    orders = ctx.load("orders", comparison=comparison, columns=ORDER_COLUMNS)
    acq = acquisition_totals(spend, leads, customers).row(0, named=True)
    money = sales_totals(orders).row(0, named=True)
    credit = attribution(ctx, lookback, comparison=comparison).filter(pl.col("model") == model)
    paid = channel_results(spend, leads, credit, ctx.channels).filter(pl.col("spend") > 0)
    paid = _selected(paid, ctx)
    ret = return_on_spend(paid.select(pl.col("spend", "revenue", "gross_profit").sum())).row(0, named=True)
    return {
        "sales_spend": acq["spend"], "leads": float(acq["leads"]), "cpl": acq["cpl"], "conversion": acq["conversion"],
        "new_customers": float(acq["new_customers"]), "cac": acq["cac"], "revenue": money["revenue"],
        "gross_profit": money["gross_profit"], "roas": ret["roas"], "romi": ret["romi"],
    }


def sales_results(ctx: PageContext, model: str, lookback: int, grain: str) -> SalesResults:
    sid = store_id(ctx.store)
    now = _period_numbers(ctx, model, lookback, comparison=False)
    prev = _period_numbers(ctx, model, lookback, comparison=True) if ctx.comparison else {}

    all_spend = ctx.load("spend", columns=SPEND_COLUMNS)
    spend = sales_spend(all_spend, ctx.channels)
    leads = ctx.load("leads", columns=LEAD_COLUMNS)
    long = attribution(ctx, lookback)
    credit = long.filter(pl.col("model") == model)
    channels = _selected(channel_results(spend, leads, credit, ctx.channels), ctx)
    campaigns = campaign_results(spend, leads, ctx.campaigns)
    trend = full_buckets(spend_and_margin_by_period(spend, ctx.load("orders", columns=ORDER_COLUMNS), grain=grain),
                         start=ctx.period[0], end=ctx.period[1], grain=grain)  # a cut bucket would look like a drop

    flt = ctx.filters()
    touches = _conversion_touches(ctx.store, sid, ctx.version, flt)
    reach, journeys_total = _touch_reach(ctx.store, sid, ctx.version, flt)
    margin, sizes = _cohort(ctx.store, sid, ctx.version, flt, ctx.bounds.last)
    curve = cohort_margin_curve(margin, sizes)
    payback, observed = payback_months(curve, now["cac"])
    repeat = int(sizes["repeat"].sum()) if sizes.height else 0
    paths = journeys(ctx, lookback)

    kpis = [Kpi(name, now[name], prev.get(name)) for name in (
        "sales_spend", "leads", "cpl", "conversion", "new_customers", "cac", "revenue", "gross_profit", "roas", "romi",
    )]
    kpis.append(Kpi("payback", float(payback) if payback is not None else None, None))
    return SalesResults(
        kpis=tuple(kpis),
        trend=trend,
        channels=channels,
        campaigns=campaigns,
        attribution=_selected(long, ctx, "channel"),
        funnel=funnel(journeys=journeys_total, leads=int(leads.height), new_customers=int(touches.height),
                      repeat_customers=repeat),
        touches=touches_distribution(touches),
        days=days_distribution(touches),
        by_first_channel=touches_by_first_channel(touches),
        selection=channel_selection(all_spend, reach, leads, touches),
        payback_curve=curve,
        payback=payback,
        months_observed=observed,
        cac=now["cac"],
        untracked=paths.untracked,
        new_customers_tracked=paths.new_customers - paths.untracked,
    )
