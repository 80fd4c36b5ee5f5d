"""Retention & profit: the page's computations, cached per data version, filters and as-of day.

Two caches: the customer model (statuses, cohorts, values, retention inputs) and the
CLV fits (BG/NBD + Gamma-Gamma and each customer's predictions), both keyed by the
store, its data version, the channel and region filters, the as-of day and the
settings they use — so a rerun (a slider move, a language switch) costs nothing, and
new data is picked up on the next run. Everything here is computed by ``metrics``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.context import PageContext, store_id
from dashboard.filters import decimal_number
from connectors.export import csv_bytes
from dashboard.i18n import fmt_date, t
from metrics import clv as clv_metrics
from metrics import retention as rm
from metrics import retention_value as rv
from metrics.rules import acquisition_channel_ids
from metrics.scenarios import new_customer_value

# widget keys and the page's URL parameter
DELTA = "retention_delta"
DELTA_PARAM = "delta"
EXPORT_STATUS = "retention_export_status"
DELTA_DEFAULT = 5.0
DELTA_MAX = 10.0

ORDER_COLUMNS = ("customer_id", "ordered_at", "revenue", "cost_of_goods")


def parse_delta(text: str) -> float | None:
    """A Δ from the link: points between 0 and 10 in steps of 0.5; anything else is unusable."""
    value = decimal_number(text)
    if value is None or not 0.0 <= value <= DELTA_MAX or round(value * 2) != value * 2:
        return None
    return value


def dump_delta(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class CustomerModel:
    as_of: dt.date
    statuses: pl.DataFrame  # one row per customer (metrics.retention.customer_status)
    daily: pl.DataFrame  # purchase days (metrics.retention.daily_purchases)
    cohorts: pl.DataFrame
    curves: pl.DataFrame  # retention curve by acquisition channel
    clv_by_cohort: pl.DataFrame
    repeat: pl.DataFrame
    inputs: rv.RetentionInputs
    nps_value: pl.DataFrame
    complaints: pl.DataFrame


@dataclass(frozen=True)
class ClvModel:
    bgnbd: clv_metrics.BgNbdFit | None
    gamma_gamma: clv_metrics.GammaGammaFit | None
    predictions: pl.DataFrame | None  # customer_id, probability_alive, expected_purchases, expected_value, clv
    error: str | None = None


def _orders(ctx: PageContext) -> pl.DataFrame:
    return ctx.load("orders", columns=ORDER_COLUMNS, whole_history=True)


def _acquisition_spend(ctx: PageContext, as_of: dt.date, months: int) -> float:
    spend = ctx.load("spend", columns=("day", "channel_id", "amount"), whole_history=True)
    since = rm.months_before(as_of, months)
    return float(spend.filter(pl.col("channel_id").is_in(acquisition_channel_ids(ctx.channels))
                              & (pl.col("day") > since) & (pl.col("day") <= as_of))["amount"].sum())


@dataclass(frozen=True)
class ValueModel:
    """What retention, a promoter and a complaint handled in time are worth: all the Overview needs."""

    as_of: dt.date
    daily: pl.DataFrame  # purchase days (metrics.retention.daily_purchases)
    base: pl.DataFrame  # one row per customer (metrics.retention.customer_base)
    inputs: rv.RetentionInputs
    nps_value: pl.DataFrame
    complaints: pl.DataFrame
    new_customer_value: pl.DataFrame  # first-year value of a new customer by channel (metrics.scenarios)


@st.cache_resource(show_spinner=False, max_entries=8)
def _value_model(_ctx: PageContext, sid: str, version: str, channels: tuple[str, ...], regions: tuple[str, ...],
                 as_of: dt.date, active_months: int, standard_hours: float) -> ValueModel:
    ctx = _ctx
    orders = _orders(ctx)
    customers = ctx.load("customers", columns=("customer_id", "first_seen", "acquisition_channel_id", "region",
                                               "segment"), whole_history=True)
    complaints = ctx.load("complaints", columns=("customer_id", "opened_at", "resolved_at"), whole_history=True)
    nps = ctx.load("nps_responses", columns=("customer_id", "responded_at", "score"), whole_history=True)
    referrals = ctx.load("referrals", whole_history=True)
    daily = rm.daily_purchases(orders)
    base = rm.customer_base(customers, daily, as_of=as_of)
    groups = rv.nps_group_of_first_purchase(nps, base)
    return ValueModel(
        as_of=as_of,
        daily=daily,
        base=base,
        inputs=rv.retention_inputs(base, daily, _acquisition_spend(ctx, as_of, active_months), as_of=as_of,
                                   months=active_months),
        nps_value=rv.value_by_nps_group(base, daily, groups, referrals, as_of=as_of),
        complaints=rv.complaint_outcomes(complaints, orders, as_of=as_of, standard_hours=standard_hours),
        new_customer_value=new_customer_value(customers, orders, last_day=as_of),
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _customer_model(_ctx: PageContext, sid: str, version: str, channels: tuple[str, ...], regions: tuple[str, ...],
                    as_of: dt.date, active_months: int, lost_months: int, loyal_orders: int,
                    standard_hours: float) -> CustomerModel:
    ctx = _ctx
    value = value_model(ctx)
    daily, base = value.daily, value.base
    complaints = ctx.load("complaints", columns=("customer_id", "opened_at", "resolved_at"), whole_history=True)
    nps = ctx.load("nps_responses", columns=("customer_id", "responded_at", "score"), whole_history=True)
    reviews = ctx.load("reviews", columns=("customer_id", "created_at", "rating", "sentiment"), whole_history=True)
    offended = rm.offended_customers(complaints, nps, reviews, as_of=as_of, months=active_months)
    seasonal = rm.seasonal_customers(daily, as_of=as_of)
    statuses = rm.customer_status(base, offended, seasonal, as_of=as_of, active_months=active_months,
                                  lost_months=lost_months, loyal_orders=loyal_orders)
    by_channel = rm.cohort_retention(base, daily, as_of=as_of, by=("acquisition_channel_id",))
    return CustomerModel(
        as_of=as_of,
        statuses=statuses,
        daily=daily,
        cohorts=rm.cohorts_overall(by_channel),
        curves=rm.retention_curve(by_channel, by=("acquisition_channel_id",)),
        clv_by_cohort=rm.historical_clv_by_cohort(base, daily, as_of=as_of),
        repeat=rm.repeat_purchase_rate(base, daily, as_of=as_of),
        inputs=value.inputs,
        nps_value=value.nps_value,
        complaints=value.complaints,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _clv_model(_daily: pl.DataFrame, sid: str, version: str, channels: tuple[str, ...], regions: tuple[str, ...],
               as_of: dt.date, horizon_years: int, discount_rate: float) -> ClvModel:
    summary = clv_metrics.rfm_summary(_daily, as_of, "week", time_col="day", value_col="gross_profit")
    try:
        bg = clv_metrics.fit_bgnbd(summary)
        gg = clv_metrics.fit_gamma_gamma(summary)
    except clv_metrics.FitError as exc:
        return ClvModel(None, None, None, str(exc))
    pred = clv_metrics.customer_predictions(summary, bg, gg, horizon_months=12 * horizon_years,
                                            annual_discount_rate=discount_rate)
    return ClvModel(bg, gg, pred)


def _key(ctx: PageContext) -> tuple:
    return store_id(ctx.store), ctx.version, ctx.view.channels, ctx.view.regions, ctx.period[1]


def value_model(ctx: PageContext) -> ValueModel:
    """The light part of the customer model, cached on the same key: enough for the Overview."""
    s = ctx.settings
    return _value_model(ctx, *_key(ctx), s.active_months, float(s.complaint_resolution_hours))


def customer_model(ctx: PageContext) -> CustomerModel:
    s = ctx.settings
    return _customer_model(ctx, *_key(ctx), s.active_months, s.lost_months, s.loyal_orders,
                           float(s.complaint_resolution_hours))


def clv_model(ctx: PageContext) -> ClvModel:
    """The CLV fits on the purchase days of the customer model (cached on the same key plus horizon and rate)."""
    s = ctx.settings
    return _clv_model(customer_model(ctx).daily, *_key(ctx), s.horizon_years, s.discount_rate)


@st.cache_resource(show_spinner=False, max_entries=16)
def _churn(_model: CustomerModel, sid: str, version: str, channels: tuple[str, ...],
           regions: tuple[str, ...], as_of: dt.date, start: dt.date, active_months: int) -> pl.DataFrame:
    return rm.churn_rate(_model.statuses, _model.daily, start=start, end=as_of, active_months=active_months)


def churn(ctx: PageContext, model: CustomerModel) -> pl.DataFrame:
    """Churn over the chosen period (customers active at its start who are no longer active at its end)."""
    return _churn(model, *_key(ctx), ctx.period[0], ctx.settings.active_months)


def sensitivity(ctx: PageContext, model: CustomerModel | ValueModel) -> pl.DataFrame:
    """Profit difference for Δ = 0, 0.5, …, 10 points over the horizon of the settings."""
    return rv.retention_sensitivity(model.inputs, deltas=tuple(i / 200 for i in range(21)),
                                    years=ctx.settings.horizon_years, discount_rate=ctx.settings.discount_rate)


def segment_table(model: CustomerModel, clv: ClvModel, lang: str) -> pl.DataFrame:
    """The status summary with translated labels, for the page's table."""
    summary = rm.status_summary(model.statuses, clv.predictions)
    return summary.with_columns(
        pl.col("status").replace_strict({s: t(f"status.{s}", lang) for s in rm.STATUSES}).alias("status_label"),
        pl.col("action").replace_strict({a: t(f"action.{a}", lang) for a in set(rm.ACTIONS.values())})
        .alias("action_label"),
    )


def filter_lines(ctx: PageContext, status: str) -> list[str]:
    """What an export was made with, printed on top of it."""
    lang = ctx.lang
    channels = ", ".join(ctx.channel_name(c) for c in ctx.view.channels) or t("export.all", lang)
    regions = ", ".join(ctx.view.regions) or t("export.all", lang)
    return [
        t("export.title", lang, status=t(f"status.{status}", lang)),
        t("export.as_of", lang, date=fmt_date(ctx.period[1], lang)),
        t("export.channels", lang, channels=channels),
        t("export.regions", lang, regions=regions),
        t("export.thresholds", lang, active=ctx.settings.active_months, lost=ctx.settings.lost_months,
          loyal=ctx.settings.loyal_orders),
    ]


def segment_csv(ctx: PageContext, model: CustomerModel, clv: ClvModel, status: str) -> bytes:
    """The customer list of one status for the CRM, with the filters on top."""
    rows = model.statuses.filter(pl.col("status") == status)
    if clv.predictions is not None:
        rows = rows.join(clv.predictions.select("customer_id", "probability_alive", "clv"), on="customer_id",
                         how="left")
    return csv_bytes(rows.sort("customer_id"), header_lines=filter_lines(ctx, status))
