"""The value model, the Retention & profit page and the scenario economics computed the way the pages did
before the database did the counting: the ``metrics`` functions on raw rows read with ``read_fact``.

The tests compare the pages' numbers with these, on the small demo, for several periods and filters.
"""

from __future__ import annotations

import collections
import datetime as dt
import inspect
from dataclasses import dataclass

import polars as pl
import pytest
import streamlit as st
from polars.testing import assert_frame_equal

from connectors.read import Filters, read_dimension, read_fact
from dashboard.filters import ViewState
from metrics import clv as mclv
from metrics import cohorts as mc
from metrics import retention as rm
from metrics import retention_value as rv
from metrics.budget import spend_by_pillar
from metrics.scenarios import channel_economics, new_customer_value

ORDER_COLUMNS = ("customer_id", "ordered_at", "revenue", "cost_of_goods")
REL = 1e-9  # sums of the same numbers added in another order
VIEWS = {
    "90 days": ViewState(),
    "12 months": ViewState(period="last_12_months"),
    "all data": ViewState(period="all"),
    "channels": ViewState(period="last_12_months", channels=("search_ads", "referral", "direct")),
    "region": ViewState(regions=("Москва",)),
    "earlier end": ViewState(period="custom", start=dt.date(2025, 4, 1), end=dt.date(2025, 9, 30)),
}


def context(store, view):
    """The page context of a view on the store, as the app builds it."""
    from dashboard import context as app_data

    return app_data.build_context(store, view, *app_data.base_context(store))


def same(got: pl.DataFrame, want: pl.DataFrame, *, sort: str | list[str] | None = None, rel: float = REL) -> None:
    if sort:
        got, want = got.sort(sort, nulls_last=True), want.sort(sort, nulls_last=True)
    assert_frame_equal(got, want, check_dtypes=False, rel_tol=rel, abs_tol=1e-9)


def _caller() -> str:
    for frame in inspect.stack()[2:]:
        module = frame.frame.f_globals.get("__name__", "")
        if module.startswith("dashboard.") and module != "dashboard.context":
            return f"{module}.{frame.function}"
    return "?"


@pytest.fixture
def moved(small_store, monkeypatch) -> collections.Counter:
    """Rows each page function receives from the database, from a cold start (every cache emptied)."""
    st.cache_resource.clear()
    counts: collections.Counter = collections.Counter()
    real = small_store.query

    def query(stmt):
        frame = real(stmt)
        counts[_caller()] += frame.height
        return frame

    monkeypatch.setattr(small_store, "query", query)
    return counts


@pytest.fixture(scope="module")
def raw(small_store):
    """The raw rows of the old computation, per (channels, regions), read once per module."""
    cache: dict = {}

    def get(channels=(), regions=()):
        key = (channels, regions)
        if key not in cache:
            cache[key] = rows(small_store, channels, regions)
        return cache[key]

    return get
CUSTOMER_COLUMNS = ("customer_id", "first_seen", "acquisition_channel_id", "region", "segment")


def acquisition_channels(channels: pl.DataFrame) -> list[str]:
    """The sales pillar's channels (PRODUCT.md: acquisition spend is the sales channels' spend)."""
    return channels.filter(pl.col("pillar") == "sales")["channel_id"].to_list()


@dataclass(frozen=True)
class Rows:
    """Every raw row the old computation read, whole history, under the channel and region filters."""

    orders: pl.DataFrame
    customers: pl.DataFrame
    complaints: pl.DataFrame
    nps: pl.DataFrame
    reviews: pl.DataFrame
    referrals: pl.DataFrame
    spend: pl.DataFrame
    daily: pl.DataFrame


def rows(store, channels: tuple[str, ...] = (), regions: tuple[str, ...] = ()) -> Rows:
    flt = Filters(None, None, channels, regions)
    orders = read_fact(store, "orders", flt, ORDER_COLUMNS)
    return Rows(
        orders=orders,
        customers=read_fact(store, "customers", flt, CUSTOMER_COLUMNS),
        complaints=read_fact(store, "complaints", flt, ("customer_id", "opened_at", "resolved_at")),
        nps=read_fact(store, "nps_responses", flt, ("customer_id", "responded_at", "score")),
        reviews=read_fact(store, "reviews", flt, ("customer_id", "created_at", "rating", "sentiment")),
        referrals=read_fact(store, "referrals", flt),
        spend=read_fact(store, "spend", flt, ("day", "channel_id", "amount")),
        daily=rm.daily_purchases(orders),
    )


def value_model(store, raw: Rows, *, as_of: dt.date, active_months: int = 12, standard_hours: float = 48.0) -> dict:
    """The Overview's value model: retention inputs, promoter and complaint value, new-customer value."""
    channels = read_dimension(store, "channels")
    base = rm.customer_base(raw.customers, raw.daily, as_of=as_of)
    since = rm.months_before(as_of, active_months)
    spend = float(raw.spend.filter(pl.col("channel_id").is_in(acquisition_channels(channels))
                                   & (pl.col("day") > since) & (pl.col("day") <= as_of))["amount"].sum())
    groups = rv.nps_group_of_first_purchase(raw.nps, base)
    return {
        "inputs": rv.retention_inputs(base, raw.daily, spend, as_of=as_of, months=active_months),
        "nps_value": rv.value_by_nps_group(base, raw.daily, groups, raw.referrals, as_of=as_of),
        "complaints": rv.complaint_outcomes(raw.complaints, raw.orders, as_of=as_of, standard_hours=standard_hours),
        "new_customer_value": new_customer_value(raw.customers, raw.orders, last_day=as_of),
    }


def contribution_inputs(store, flt: Filters, *, standard_hours: float = 48.0) -> dict:
    """What the Overview's contributions read from the period's rows besides the value model."""
    orders = read_fact(store, "orders", flt, ("customer_id",))
    answers = read_fact(store, "nps_responses", flt, ("score",))
    complaints = read_fact(store, "complaints", flt, ("opened_at", "resolved_at"))
    hours = (complaints["resolved_at"] - complaints["opened_at"]).dt.total_seconds() / 3600.0
    spend = read_fact(store, "spend", flt, ("channel_id", "amount"))
    return {
        "buying_customers": orders["customer_id"].n_unique(),
        "promoter_share": float((answers["score"] >= 9).mean()) if answers.height else None,
        "fast_complaints": int((complaints["resolved_at"].is_not_null() & (hours <= standard_hours)).sum()),
        "spend": spend_by_pillar(spend, read_dimension(store, "channels")),
    }


def customer_model(raw: Rows, *, as_of: dt.date, start: dt.date, active_months: int = 12, lost_months: int = 24,
                   loyal_orders: int = 3) -> dict:
    """The Retention & profit page's customer numbers: statuses, cohorts, repeat rate, churn."""
    base = rm.customer_base(raw.customers, raw.daily, as_of=as_of)
    offended = rm.offended_customers(raw.complaints, raw.nps, raw.reviews, as_of=as_of, months=active_months)
    seasonal = rm.seasonal_customers(raw.daily, as_of=as_of)
    statuses = rm.customer_status(base, offended, seasonal, as_of=as_of, active_months=active_months,
                                  lost_months=lost_months, loyal_orders=loyal_orders)
    by_channel = mc.cohort_retention(base, raw.daily, as_of=as_of, by=("acquisition_channel_id",))
    return {
        "statuses": statuses,
        "cohorts": mc.cohorts_overall(by_channel),
        "curves": mc.retention_curve(by_channel, by=("acquisition_channel_id",)),
        "clv_by_cohort": mc.historical_clv_by_cohort(base, raw.daily, as_of=as_of),
        "repeat": mc.repeat_purchase_rate(base, raw.daily, as_of=as_of),
        "churn": mc.churn_rate(statuses, raw.daily, start=start, end=as_of, active_months=active_months),
    }


def clv(raw: Rows, statuses: pl.DataFrame, *, as_of: dt.date, horizon_years: int = 3,
        discount_rate: float = 0.12) -> dict:
    """The CLV fits, each customer's prediction, and what the page shows from them."""
    summary = mclv.rfm_summary(raw.daily, as_of, "week", time_col="day", value_col="gross_profit")
    bg, gg = mclv.fit_bgnbd(summary), mclv.fit_gamma_gamma(summary)
    pred = mclv.customer_predictions(summary, bg, gg, horizon_months=12 * horizon_years,
                                     annual_discount_rate=discount_rate)
    return {"bgnbd": bg, "gamma_gamma": gg, "predictions": pred, "average": pred["clv"].mean(),
            "summary": rm.status_summary(statuses, pred), "distribution": mclv.clv_distribution(pred)}


def scenario_economics(store, *, last_day: dt.date) -> dict[str, pl.DataFrame]:
    """Conversion and the value of a new customer per channel, for both value horizons, whole history."""
    leads = read_fact(store, "leads", columns=("channel_id", "created_at", "customer_id"))
    customers = read_fact(store, "customers", columns=("customer_id", "first_seen", "acquisition_channel_id"))
    orders = read_fact(store, "orders", columns=ORDER_COLUMNS)
    return {h: channel_economics(leads, customers, orders, last_day=last_day, horizon_days=days)
            for h, days in (("12m", 365), ("first", None))}
