"""The Sales page's numbers: measures counted by the database, cached journeys and attribution.

Sums and counts (spend, leads, customers, orders, reach) come from :mod:`connectors.measures`
at the grain the page shows; the journeys to a sale are counted in SQL
(:mod:`connectors.sales_inputs`), and so is the cohort's margin (:mod:`connectors.cohorts`).
Attribution is counted in SQL (:mod:`connectors.attribution_counts`: heuristic credit per channel, the
chain's transitions); every model's result is cached, so a model change redraws without recomputing. Everything is cached on the page
context (:func:`dashboard.context.cached_on_context`); the journeys' entries on the context
without the channel filter, which they do not read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from connectors.cohorts import read_cohort_margin
from connectors.attribution_counts import AttributionCounts, read_attribution_counts
from connectors.sales_inputs import read_touch_counts
from dashboard.context import PageContext, cached_on_context
from metrics.attribution import MODELS, attribute_counted
from dashboard.filters import whole_number
from metrics.journeys import (
    TouchCounts, channel_selection, cohort_margin_curve, days_distribution, funnel, payback_months,
    touches_by_first_channel, touches_distribution,
)
from metrics.periods import full_buckets
from metrics.rules import acquisition_channel_ids
from metrics.sales import (
    acquisition_totals, campaign_results, channel_results, return_on_spend, sales_spend,
    spend_and_margin_by_period, with_gross_profit,
)

# widget keys of the page's own controls
MODEL = "sales_model"
LOOKBACK = "sales_lookback"
GRAIN = "sales_grain"
TABLE = "sales_table"
LOOKBACK_CHOICES = (7, 14, 30, 60, 90)
GRAIN_CHOICES = ("day", "week", "month")
DEFAULT_MODEL = "markov"


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


def _journey_context(ctx: PageContext) -> PageContext:
    """The context without the channel filter: journeys keep every channel (the channel filter picks
    rows, it does not cut journeys), so their cache entries do not depend on it either."""
    return replace(ctx, view=replace(ctx.view, channels=())) if ctx.view.channels else ctx


@cached_on_context(max_entries=16)
def _counts(ctx: PageContext, lookback: int, comparison: bool) -> AttributionCounts:
    return read_attribution_counts(ctx.store, ctx.filters(comparison=comparison), lookback_days=lookback,
                                   half_life_days=float(ctx.settings.half_life_days))


@cached_on_context(max_entries=16)
def _all_models(ctx: PageContext, lookback: int, comparison: bool) -> pl.DataFrame:
    counts = _counts(ctx, lookback, comparison)
    return attribute_counted(counts.transitions, counts.credited())


@cached_on_context(max_entries=16)
def _touch_counts(ctx: PageContext) -> TouchCounts:
    return read_touch_counts(ctx.store, ctx.filters())


@cached_on_context(max_entries=16)
def _cohort(ctx: PageContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    return read_cohort_margin(ctx.store, ctx.filters(), data_end=ctx.bounds.last)


def _spend(ctx: PageContext, *, comparison: bool = False) -> pl.DataFrame:
    """Every channel's spend, impressions and clicks per channel and campaign."""
    return ctx.measures("spend", ["spend", "impressions", "clicks"], by=["channel_id", "campaign_id"],
                        comparison=comparison)


def _leads(ctx: PageContext, *, comparison: bool = False) -> pl.DataFrame:
    """Leads and converted leads per source channel and campaign."""
    return ctx.measures("leads", ["leads", "converted_leads"], by=["channel_id", "campaign_id"], comparison=comparison)


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


def attribution(ctx: PageContext, lookback: int, *, comparison: bool = False) -> pl.DataFrame:
    """Every model's credit per channel (see :func:`metrics.attribution.attribute_counted`)."""
    return _all_models(_journey_context(ctx), lookback, comparison)


@cached_on_context(max_entries=32)
def _one_model(ctx: PageContext, lookback: int, comparison: bool, model: str) -> pl.DataFrame:
    counts = _counts(ctx, lookback, comparison)
    return attribute_counted(counts.transitions, counts.credited(), models=[model]).drop("model")


def model_credit(ctx: PageContext, model: str, lookback: int, *, comparison: bool = False) -> pl.DataFrame:
    """One model's credit per channel: ``channel``, ``conversions``, ``value``, ``gross_profit``."""
    if not comparison:
        return attribution(ctx, lookback).filter(pl.col("model") == model).drop("model")
    return _one_model(_journey_context(ctx), lookback, comparison, model)


def journeys(ctx: PageContext, lookback: int) -> AttributionCounts:
    """The period's attribution counts (the new customers tracked and untracked among them)."""
    return _counts(_journey_context(ctx), lookback, False)


def _selected(frame: pl.DataFrame, ctx: PageContext, column: str = "channel_id") -> pl.DataFrame:
    return frame.filter(pl.col(column).is_in(list(ctx.view.channels))) if ctx.view.channels else frame


def _table_spend(all_spend: pl.DataFrame, leads: pl.DataFrame, credit: pl.DataFrame, ctx: PageContext) -> pl.DataFrame:
    """The spend rows of the channels the channel and campaign tables show — the sales channels, and any other
    channel with leads or attribution credit — each with its whole spend, so a channel shows
    the same money in every table of the page (the KPI row's acquisition spend counts the sales channels only)."""
    shown = (set(acquisition_channel_ids(ctx.channels))
             | set(leads["channel_id"].to_list()) | set(credit["channel"].to_list()))
    return all_spend.filter(pl.col("channel_id").is_in(list(shown)))


def _period_numbers(ctx: PageContext, model: str, lookback: int, *, comparison: bool) -> dict[str, float | None]:
    """The KPI values of the period (or of the comparison period)."""
    spend = sales_spend(_spend(ctx, comparison=comparison), ctx.channels)
    leads = _leads(ctx, comparison=comparison)
    counts = pl.concat([
        spend.select(pl.col("spend").sum()), leads.select(pl.col("leads", "converted_leads").sum()),
        ctx.measures("customers", ["new_customers"], comparison=comparison),
    ], how="horizontal")
    acq = acquisition_totals(counts).row(0, named=True)
    money = with_gross_profit(ctx.measures("orders", ["revenue", "cost_of_goods"], comparison=comparison)).row(
        0, named=True)
    credit = model_credit(ctx, model, lookback, comparison=comparison)
    paid = channel_results(spend, leads, credit, ctx.channels).filter(pl.col("spend") > 0)
    paid = _selected(paid, ctx)
    ret = return_on_spend(paid.select(pl.col("spend", "revenue", "gross_profit").sum())).row(0, named=True)
    return {
        "sales_spend": acq["spend"], "leads": float(acq["leads"]), "cpl": acq["cpl"], "conversion": acq["conversion"],
        "new_customers": float(acq["new_customers"]), "cac": acq["cac"], "revenue": money["revenue"],
        "gross_profit": money["gross_profit"], "roas": ret["roas"], "romi": ret["romi"],
    }


def sales_results(ctx: PageContext, model: str, lookback: int, grain: str) -> SalesResults:
    now = _period_numbers(ctx, model, lookback, comparison=False)
    prev = _period_numbers(ctx, model, lookback, comparison=True) if ctx.comparison else {}

    all_spend = _spend(ctx)
    leads = _leads(ctx)
    long = attribution(ctx, lookback)
    credit = long.filter(pl.col("model") == model)
    spend = _table_spend(all_spend, leads, credit, ctx)
    channels = _selected(channel_results(spend, leads, credit, ctx.channels), ctx)
    campaigns = campaign_results(spend, leads, ctx.campaigns)
    by_period = spend_and_margin_by_period(
        sales_spend(ctx.measures("spend", ["spend"], grain=grain, by=["channel_id"]), ctx.channels),
        ctx.measures("orders", ["revenue", "cost_of_goods"], grain=grain))
    trend = full_buckets(by_period, start=ctx.period[0], end=ctx.period[1], grain=grain)  # a cut bucket looks like a drop

    touches = _touch_counts(ctx)
    reach = ctx.measures("touchpoints", ["journeys"], by=["channel_id"]).rename({"journeys": "reach"})
    journeys_total = int(ctx.measures("touchpoints", ["journeys"])["journeys"][0])
    margin, sizes = _cohort(ctx)
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
        funnel=funnel(journeys=journeys_total, leads=int(leads["leads"].sum()), new_customers=touches.new_customers,
                      repeat_customers=repeat),
        touches=touches_distribution(touches.by_touches),
        days=days_distribution(touches.by_days),
        by_first_channel=touches_by_first_channel(touches.by_first_channel),
        selection=channel_selection(all_spend, reach, leads, touches.by_acquisition),
        payback_curve=curve,
        payback=payback,
        months_observed=observed,
        cac=now["cac"],
        untracked=paths.untracked,
        new_customers_tracked=paths.new_customers - paths.untracked,
    )


def warm_up(ctx: PageContext) -> None:
    """The default view's numbers into the caches (see ``dashboard/warmup.py``)."""
    sales_results(ctx, DEFAULT_MODEL, ctx.settings.lookback_days, "week")
