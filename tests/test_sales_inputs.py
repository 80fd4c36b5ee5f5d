"""The Sales page's inputs counted by the database equal the same numbers computed from raw rows.

The raw-row computation (``raw_results``) is the page as it was first written: every row of
spend, leads, customers, orders and touchpoints read under the filters, and the metric
functions applied to them in polars. The page now receives measures, counts and merged paths;
both must give the same numbers for a 90-day period, 12 months, all data and with channel and
region filters. A second group of tests counts the rows the page's cold computation receives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections import Counter

import polars as pl
import pytest
import streamlit as st
from polars.testing import assert_frame_equal

from connectors.cohorts import read_cohort_margin
from connectors.journeys import read_conversion_touches, read_paths
from connectors.measures import measure_frame
from connectors.read import Filters, read_fact
from connectors.attribution_counts import read_attribution_counts
from connectors.sales_inputs import read_touch_counts
from dashboard.context import PageContext, base_context, build_context
from dashboard.filters import ViewState
from dashboard.sales.data import sales_results
from metrics.attribution import attribute_all, attribute_counted, transition_counts
from metrics.journeys import (
    channel_selection, cohort_margin_curve, days_distribution, funnel, payback_months, touch_counts,
    touches_by_first_channel, touches_distribution,
)
from metrics.periods import GRAIN_EVERY, full_buckets
from metrics.sales import (
    acquisition_totals, campaign_results, channel_results, lead_counts, return_on_spend, sales_by_period,
    sales_spend, sales_totals, spend_and_margin_by_period, spend_sums,
)
from tests.lanes import spread

FILTERS = [
    Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31)),
    Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31), regions=("Тверь",)),
    Filters(None, None, channels=("search_ads", "display", "email")),
]
FILTER_IDS = ["90d", "12m-region", "all-channels"]
VIEWS = {
    "90d": (ViewState(), "markov", 30, "week"),
    "12m": (ViewState(period="last_12_months"), "linear", 30, "month"),
    "all": (ViewState(period="all"), "position_based", 60, "week"),
    "90d-filtered": (ViewState(channels=("search_ads", "display", "email"), regions=("Москва", "Тверь")),
                     "time_decay", 14, "day"),
    "12m-filtered": (ViewState(period="last_12_months", channels=("social_ads", "direct"), regions=("Тверь",)),
                     "shapley", 30, "week"),
}
CLOSE = {"check_exact": False, "rel_tol": 1e-9, "abs_tol": 1e-9}


def _context(store, view: ViewState) -> PageContext:
    return build_context(store, view, *base_context(store))


# --- the raw-row computation --------------------------------------------------------------------------


def _selected(frame: pl.DataFrame, ctx: PageContext, column: str = "channel_id") -> pl.DataFrame:
    return frame.filter(pl.col(column).is_in(list(ctx.view.channels))) if ctx.view.channels else frame


def _raw_numbers(ctx: PageContext, flt: Filters, model: str, lookback: int) -> dict[str, float | None]:
    store = ctx.store
    spend = sales_spend(spend_sums(read_fact(store, "spend", flt)), ctx.channels)
    lead_rows = read_fact(store, "leads", flt)
    totals = pl.DataFrame({"spend": [spend["spend"].sum()], "leads": [lead_rows.height],
                           "converted_leads": [lead_rows["customer_id"].is_not_null().sum()],
                           "new_customers": [read_fact(store, "customers", flt).height]})
    acq = acquisition_totals(totals).row(0, named=True)
    money = sales_totals(read_fact(store, "orders", flt)).row(0, named=True)
    paths = read_paths(store, Filters(flt.start, flt.end, (), flt.regions), lookback_days=lookback).paths
    credit = attribute_all(paths, half_life_days=float(ctx.settings.half_life_days)).filter(pl.col("model") == model)
    paid = _selected(channel_results(spend, lead_counts(lead_rows), credit, ctx.channels).filter(pl.col("spend") > 0),
                     ctx)
    ret = return_on_spend(paid.select(pl.col("spend", "revenue", "gross_profit").sum())).row(0, named=True)
    return {"sales_spend": acq["spend"], "leads": float(acq["leads"]), "cpl": acq["cpl"],
            "conversion": acq["conversion"], "new_customers": float(acq["new_customers"]), "cac": acq["cac"],
            "revenue": money["revenue"], "gross_profit": money["gross_profit"], "roas": ret["roas"],
            "romi": ret["romi"]}


def raw_results(ctx: PageContext, model: str, lookback: int, grain: str) -> dict[str, object]:
    """The page's numbers from raw rows (see the module docstring)."""
    store, flt = ctx.store, ctx.filters()
    now = _raw_numbers(ctx, flt, model, lookback)
    prev = _raw_numbers(ctx, ctx.filters(comparison=True), model, lookback) if ctx.comparison else {}
    spend_rows = read_fact(store, "spend", flt)
    lead_rows = read_fact(store, "leads", flt)
    spend = spend_sums(spend_rows, ("channel_id", "campaign_id"))
    leads = lead_counts(lead_rows, ("channel_id", "campaign_id"))
    journeys = read_paths(store, Filters(flt.start, flt.end, (), flt.regions), lookback_days=lookback)
    long = attribute_all(journeys.paths, half_life_days=float(ctx.settings.half_life_days))
    credit = long.filter(pl.col("model") == model)
    weekly = sales_spend(spend_rows, ctx.channels).with_columns(period=pl.col("day").dt.truncate(GRAIN_EVERY[grain]))
    trend = spend_and_margin_by_period(spend_sums(weekly, ("period",)),
                                       sales_by_period(read_fact(store, "orders", flt), grain=grain))
    touches = touch_counts(read_conversion_touches(store, flt))
    touch_rows = read_fact(store, "touchpoints", flt, columns=("journey_id", "channel_id"))
    reach = touch_rows.group_by("channel_id").agg(pl.col("journey_id").n_unique().alias("reach"))
    margin, sizes = read_cohort_margin(store, flt, data_end=ctx.bounds.last)
    curve = cohort_margin_curve(margin, sizes)
    payback, observed = payback_months(curve, now["cac"])
    # the channel and campaign tables: the whole spend of the sales channels and of any channel with leads or credit
    shown = set(sales_spend(ctx.channels, ctx.channels)["channel_id"]) | set(leads["channel_id"]) | set(
        credit["channel"])
    table_spend = spend.filter(pl.col("channel_id").is_in(list(shown)))
    return {
        "kpis": {name: (now[name], prev.get(name)) for name in now},
        "trend": full_buckets(trend, start=ctx.period[0], end=ctx.period[1], grain=grain),
        "channels": _selected(channel_results(table_spend, leads, credit, ctx.channels), ctx),
        "campaigns": campaign_results(table_spend, leads, ctx.campaigns),
        "attribution": _selected(long, ctx, "channel"),
        "funnel": funnel(journeys=touch_rows["journey_id"].n_unique(), leads=lead_rows.height,
                         new_customers=touches.new_customers, repeat_customers=int(sizes["repeat"].sum())),
        "touches": touches_distribution(touches.by_touches),
        "days": days_distribution(touches.by_days),
        "by_first_channel": touches_by_first_channel(touches.by_first_channel),
        "selection": channel_selection(spend, reach, leads, touches.by_acquisition),
        "payback_curve": curve,
        "payback": payback,
        "months_observed": observed,
        "untracked": journeys.untracked,
        "new_customers_tracked": journeys.new_customers - journeys.untracked,
    }


@pytest.mark.parametrize("name", spread(VIEWS, fast={"90d", "12m-filtered"}))
def test_the_page_shows_the_numbers_of_the_raw_rows(small_store, name: str) -> None:
    view, model, lookback, grain = VIEWS[name]
    ctx = _context(small_store, view)
    got = sales_results(ctx, model, lookback, grain)
    want = raw_results(ctx, model, lookback, grain)
    kpis = {k.metric: (k.value, k.previous) for k in got.kpis}
    assert kpis.pop("payback") == (None if want["payback"] is None else float(want["payback"]), None)
    assert kpis.keys() == want["kpis"].keys()
    for metric, pair in want["kpis"].items():
        for mine, theirs in zip(kpis[metric], pair, strict=True):
            assert (mine is None) == (theirs is None), metric
            assert theirs is None or mine == pytest.approx(theirs, rel=1e-9, abs=1e-12), metric
    for field in dataclasses.fields(got):
        if field.name == "kpis" or field.name == "cac":
            continue
        mine, theirs = getattr(got, field.name), want[field.name]
        if isinstance(theirs, pl.DataFrame):
            assert_frame_equal(mine, theirs, **CLOSE)
        else:
            assert mine == theirs, field.name
    assert got.trend.height > 0 and got.channels.height > 0 and got.funnel["count"][2] > 0


@pytest.mark.postgres
@pytest.mark.parametrize("name", ["90d", "12m-filtered"])
def test_postgres_gives_the_page_the_same_numbers(small_store, pg_store, name: str) -> None:
    view, model, lookback, grain = VIEWS[name]
    duck = sales_results(_context(small_store, view), model, lookback, grain)
    pg = sales_results(_context(pg_store, view), model, lookback, grain)
    assert [k.metric for k in pg.kpis] == [k.metric for k in duck.kpis]
    for mine, theirs in zip(pg.kpis, duck.kpis, strict=True):
        for a, b in ((mine.value, theirs.value), (mine.previous, theirs.previous)):
            assert (a is None) == (b is None) and (a is None or a == pytest.approx(b, rel=1e-9)), mine.metric
    for field in dataclasses.fields(duck):
        if isinstance(getattr(duck, field.name), pl.DataFrame):
            assert_frame_equal(getattr(pg, field.name), getattr(duck, field.name), **CLOSE)
        elif isinstance(getattr(duck, field.name), float):
            assert getattr(pg, field.name) == pytest.approx(getattr(duck, field.name), rel=1e-9), field.name
        elif field.name != "kpis":
            assert getattr(pg, field.name) == getattr(duck, field.name), field.name


# --- each input against the rows it counts (DuckDB and PostgreSQL) --------------------------------------


@pytest.mark.parametrize("filters", FILTERS, ids=FILTER_IDS)
def test_lead_customer_and_journey_measures_equal_the_rows(backend, filters: Filters) -> None:
    leads = read_fact(backend, "leads", filters)
    got = measure_frame(backend, "leads", ["leads", "converted_leads"], filters, by=["channel_id"])
    want = leads.group_by("channel_id").agg(pl.len().alias("leads"), pl.col("customer_id").count().alias("won"))
    assert got.sort("channel_id").rows() == want.sort("channel_id").rows()
    customers = measure_frame(backend, "customers", ["new_customers"], filters)["new_customers"][0]
    assert customers == read_fact(backend, "customers", filters).height > 0
    touches = read_fact(backend, "touchpoints", filters, columns=("journey_id", "channel_id"))
    reach = measure_frame(backend, "touchpoints", ["journeys"], filters, by=["channel_id"])
    want_reach = touches.group_by("channel_id").agg(pl.col("journey_id").n_unique())
    assert reach.sort("channel_id").rows() == want_reach.sort("channel_id").rows()
    total = measure_frame(backend, "touchpoints", ["journeys"], filters)["journeys"][0]
    assert total == touches["journey_id"].n_unique() < reach["journeys"].sum()  # people see several channels


@pytest.mark.parametrize("filters", FILTERS, ids=FILTER_IDS)
def test_touch_counts_equal_the_per_customer_journeys(backend, filters: Filters) -> None:
    got = read_touch_counts(backend, filters)
    want = touch_counts(read_conversion_touches(backend, filters))
    for part in ("by_touches", "by_days", "by_first_channel", "by_acquisition"):
        assert_frame_equal(getattr(got, part), getattr(want, part), **CLOSE)
    assert got.new_customers == want.new_customers > 0
    assert got.by_touches.height < 100 and got.by_first_channel.height <= 20  # counts, not customers


@pytest.mark.parametrize("filters", spread(FILTERS, ids=FILTER_IDS, fast={"12m-region"}))
def test_counted_attribution_gives_every_model_the_credit_of_the_journeys(backend, filters: Filters) -> None:
    journeys = read_paths(backend, filters, lookback_days=30)
    for half_life, first, last in ((2.0, 0.4, 0.4), (7.0, 0.3, 0.5)):
        got = read_attribution_counts(backend, filters, lookback_days=30, half_life_days=half_life,
                                      first_weight=first, last_weight=last)
        assert (got.untracked, got.new_customers) == (journeys.untracked, journeys.new_customers)
        assert_frame_equal(attribute_counted(got.transitions, got.credited()),
                           attribute_all(journeys.paths, half_life_days=half_life, first_weight=first,
                                         last_weight=last), **CLOSE)
    assert_frame_equal(got.transitions, transition_counts(journeys.paths), **CLOSE)
    channels = journeys.paths["path"].explode().n_unique()
    assert got.transitions.height <= (channels + 1) * (channels + 2) and got.credit.height <= 5 * channels


@pytest.fixture
def tiny_journeys(tmp_path):
    """Three new customers of October 2026, touches by hand, and time decay's credit by hand (half-life 7 days)."""
    from connectors import schema
    from connectors.store import DuckDBStore

    store = DuckDBStore(tmp_path / "tiny.duckdb")
    at = dt.datetime
    rows = {
        schema.customers: [
            {"customer_id": 1, "first_seen": at(2026, 10, 10, 12), "acquisition_channel_id": "search_ads",
             "region": "Москва", "segment": "retail"},
            {"customer_id": 2, "first_seen": at(2026, 10, 20), "acquisition_channel_id": "email",
             "region": "Москва", "segment": "retail"},
            {"customer_id": 3, "first_seen": at(2026, 10, 25), "acquisition_channel_id": "direct",
             "region": "Москва", "segment": "retail"},
        ],
        schema.orders: [
            {"order_id": 1, "customer_id": 1, "ordered_at": at(2026, 10, 10, 12), "region": "Москва",
             "revenue": 1000.0, "cost_of_goods": 400.0},
            {"order_id": 2, "customer_id": 2, "ordered_at": at(2026, 10, 20), "region": "Москва",
             "revenue": 500.0, "cost_of_goods": 100.0},
        ],
        schema.touchpoints: [
            {"touch_id": 1, "journey_id": 1, "customer_id": 1, "ts": at(2026, 10, 10, 12), "channel_id": "search_ads", "campaign_id": None},
            {"touch_id": 2, "journey_id": 1, "customer_id": 1, "ts": at(2026, 10, 3, 12), "channel_id": "email", "campaign_id": None},
            {"touch_id": 3, "journey_id": 1, "customer_id": 1, "ts": at(2026, 9, 1), "channel_id": "display", "campaign_id": None},
            {"touch_id": 4, "journey_id": 2, "customer_id": 2, "ts": at(2026, 10, 6), "channel_id": "email", "campaign_id": None},
        ],
    }
    store.ensure_schema()
    store.write_frames({table.name: pl.DataFrame(values, schema_overrides={"campaign_id": pl.String})
                        if table is schema.touchpoints else pl.DataFrame(values) for table, values in rows.items()})
    # customer 1: email 7 days before (time decay weight 0.5), then search ads at the order (weight 1); display
    # lies outside the 30-day window. Customer 2: one email touch, all the credit. Customer 3: no touch.
    want = {
        "time_decay": {"search_ads": (2 / 3, 2 / 3 * 1000), "email": (1 / 3 + 1, 1 / 3 * 1000 + 500)},
        "first_touch": {"search_ads": (0.0, 0.0), "email": (2.0, 1500.0)},
        "last_touch": {"search_ads": (1.0, 1000.0), "email": (1.0, 500.0)},
        "linear": {"search_ads": (0.5, 500.0), "email": (1.5, 1000.0)},
        "position_based": {"search_ads": (0.5, 500.0), "email": (1.5, 1000.0)},  # two touches: 0.4 / 0.4 → halves
    }
    return store, Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), want


def test_heuristic_credit_by_hand(tiny_journeys) -> None:
    """Two customers, hand-made touches: the database's sums equal the hand formulas."""
    store, filters, want = tiny_journeys
    got = read_attribution_counts(store, filters, lookback_days=30, half_life_days=7.0)
    for model, credit in want.items():
        rows = {r["channel"]: (r["conversions"], r["value"]) for r in got.credited()[model].iter_rows(named=True)}
        assert rows.keys() == credit.keys(), model
        for channel, (conversions, value) in credit.items():
            assert rows[channel] == pytest.approx((conversions, value), rel=1e-12), (model, channel)
    # (start) → email → search ads → conversion; (start) → email → conversion; customer 3 untracked
    steps = {(r["source"], r["target"]): r["journeys"] for r in got.transitions.iter_rows(named=True)}
    assert steps == {("(start)", "email"): 2, ("email", "search_ads"): 1, ("search_ads", "(conversion)"): 1,
                     ("email", "(conversion)"): 1}
    assert (got.untracked, got.new_customers) == (1, 3)


# --- rows moved ---------------------------------------------------------------------------------------


@pytest.fixture
def rows_by_caller(small_store, monkeypatch) -> Counter[str]:
    """Rows returned by every ``small_store.query``, per calling function; every cache emptied first."""
    counts: Counter[str] = Counter()
    inner = small_store.query

    def query(stmt):
        frame = inner(stmt)
        counts[sys._getframe(1).f_code.co_name] += frame.height
        return frame

    monkeypatch.setattr(small_store, "query", query)
    st.cache_resource.clear()
    yield counts
    st.cache_resource.clear()


JOURNEY_READERS = {"read_attribution_counts"}


@pytest.mark.parametrize("period", spread(["last_90_days", "last_12_months", "all"], fast={"last_90_days"}))
def test_a_cold_page_receives_rows_that_grow_with_the_answer(small_store, rows_by_caller, period: str) -> None:
    ctx = _context(small_store, ViewState(period=period))
    sales_results(ctx, "markov", 30, "week")
    seen = dict(rows_by_caller)
    counted = sum(n for caller, n in seen.items() if caller not in JOURNEY_READERS)
    weeks = (ctx.period[1] - ctx.period[0]).days // 7 + 1
    # per week × channel for the trend; per channel × campaign, channel, bucket and cohort month otherwise
    bound = 16 * weeks + 3_000
    assert 0 < counted < bound, seen
    assert "read_fact" not in seen  # no raw rows of any fact family
    # attribution: counts per channel and per step of the chain, and the count of new customers — not journeys
    flt = Filters(ctx.period[0], ctx.period[1])
    journeys = read_paths(small_store, flt, lookback_days=30).paths
    channels = journeys["path"].explode().n_unique()
    assert 0 < seen["read_attribution_counts"] <= 2 * (5 * channels + (channels + 1) * (channels + 2) + 1)  # + comparison
