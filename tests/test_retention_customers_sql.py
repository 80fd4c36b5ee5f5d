"""The Retention & profit page's customer model and CLV, counted by the database, equal the old computation
on raw rows (``tests/retention_reference.py``), on the demo and on literal edge cases; and what it moves."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from connectors import customer_status
from connectors.read import Filters
from connectors.store import DuckDBStore
from dashboard.filters import ViewState
from dashboard.retention import data as rd
from metrics import clv as mclv
from metrics import retention as rm
from metrics.cohorts import churn_counts
from tests import retention_reference as ref
from tests.lanes import spread
from tests.retention_reference import VIEWS, context, moved, raw, same  # noqa: F401 (fixtures)
from tests.test_retention import AS_OF, STATUS_ORDERS

FIT = 1e-9  # fitted parameters: both paths reach the same optimum (the fits end with Newton steps)


@pytest.mark.parametrize("name", spread(VIEWS, fast={"channels", "earlier end"}))
def test_customer_model_equals_the_computation_on_raw_rows(small_store, raw, name: str) -> None:
    ctx = context(small_store, VIEWS[name])
    s = ctx.settings
    got = rd.customer_model(ctx)
    want = ref.customer_model(raw(ctx.view.channels, ctx.view.regions), as_of=ctx.period[1], start=ctx.period[0],
                              active_months=s.active_months, lost_months=s.lost_months, loyal_orders=s.loyal_orders)
    summary = rm.status_summary(want["statuses"])
    assert got.customers == want["statuses"].height > 0
    same(rm.status_summary_from_sums(rd.status_sums(got, rd.ClvModel(None, None, None, None))), summary)
    for key in ("cohorts", "curves", "clv_by_cohort", "repeat"):
        same(getattr(got, key), want[key])
    same(rd.churn(ctx), want["churn"])


@pytest.mark.parametrize("name", spread(["90 days", "channels", "region", "earlier end"], fast={"channels"}))
def test_clv_equals_the_fit_on_each_customer(small_store, raw, name: str) -> None:
    ctx = context(small_store, VIEWS[name])
    s = ctx.settings
    rows = raw(ctx.view.channels, ctx.view.regions)
    old = ref.customer_model(rows, as_of=ctx.period[1], start=ctx.period[0], active_months=s.active_months,
                             lost_months=s.lost_months, loyal_orders=s.loyal_orders)
    want = ref.clv(rows, old["statuses"], as_of=ctx.period[1], horizon_years=s.horizon_years,
                   discount_rate=s.discount_rate)
    model, got = rd.customer_model(ctx), rd.clv_model(ctx)
    assert got.bgnbd.customers == want["bgnbd"].customers and got.gamma_gamma.customers == want["gamma_gamma"].customers
    assert got.bgnbd.log_likelihood == pytest.approx(want["bgnbd"].log_likelihood, rel=1e-12)
    assert got.gamma_gamma.log_likelihood == pytest.approx(want["gamma_gamma"].log_likelihood, rel=1e-12)
    for fit in ("bgnbd", "gamma_gamma"):
        for p in ("r", "alpha", "a", "b") if fit == "bgnbd" else ("p", "q", "v"):
            assert getattr(getattr(got, fit), p) == pytest.approx(getattr(want[fit], p), rel=FIT), (fit, p)
    assert got.average == pytest.approx(want["average"], rel=FIT)
    table = rd.segment_table(model, got, "en")
    same(table.drop("status_label", "action_label"), want["summary"], rel=FIT)
    dist = got.distribution()
    assert dist["customers"].to_list() == want["distribution"]["customers"].to_list()
    same(dist, want["distribution"], rel=FIT)
    # the CRM export: the same customers with the same probabilities and CLVs
    status = "loyal"
    export = rd.segment_customers(ctx, got, status)
    expected = old["statuses"].filter(pl.col("status") == status).join(
        want["predictions"].select("customer_id", "probability_alive", "clv"), on="customer_id").sort("customer_id")
    assert export.columns == [*rd.EXPORT_COLUMNS, "probability_alive", "clv"]
    same(export, expected.select(export.columns), rel=FIT)


def test_grouped_rows_are_what_the_fits_need(small_store, raw) -> None:
    """One row per distinct (status, frequency, recency, T, value per repeat purchase): no customer list."""
    rows = raw()
    summary = mclv.rfm_summary(rows.daily, AS_OF, "day", time_col="day", value_col="gross_profit")
    groups = customer_status.status_groups(small_store, Filters(), as_of=AS_OF)
    assert groups["customers"].sum() == summary.height
    distinct = summary.select("frequency", "recency", "T").unique().height
    assert distinct <= groups.height < summary.height
    assert groups.filter(pl.col("frequency") == 0).height <= 7 * summary.filter(pl.col("frequency") == 0)["T"].n_unique()


def _literal_store(tmp_path) -> DuckDBStore:
    """The status edge cases of tests/test_retention.py, written into a database of their own."""
    store = DuckDBStore(tmp_path / "literal.duckdb")
    store.ensure_schema()
    ids = sorted({r[0] for r in STATUS_ORDERS})
    customers = pl.DataFrame({"customer_id": ids, "first_seen": [dt.datetime(2023, 1, 1)] * len(ids),
                              "acquisition_channel_id": ["search_ads"] * len(ids), "region": ["Тверь"] * len(ids),
                              "segment": ["retail"] * len(ids)})
    orders = pl.DataFrame({
        "order_id": list(range(1, len(STATUS_ORDERS) + 1)), "customer_id": [r[0] for r in STATUS_ORDERS],
        "ordered_at": [dt.datetime.fromisoformat(r[1]) for r in STATUS_ORDERS], "region": ["Тверь"] * len(STATUS_ORDERS),
        "revenue": [r[2] for r in STATUS_ORDERS], "cost_of_goods": [r[2] * 0.6 for r in STATUS_ORDERS]})
    complaints = pl.DataFrame({"complaint_id": [1, 2], "customer_id": [10, 1],
                               "opened_at": [dt.datetime(2022, 1, 20), dt.datetime(2026, 1, 1)],
                               "resolved_at": [None, dt.datetime(2026, 1, 2)]},
                              schema_overrides={"resolved_at": pl.Datetime("us")})
    nps = pl.DataFrame({"response_id": [1, 2], "customer_id": [8, 1],
                        "responded_at": [dt.datetime(2026, 3, 12), dt.datetime(2024, 1, 1)], "score": [4, 3]})
    reviews = pl.DataFrame({"review_id": [1, 2, 3], "source": ["maps"] * 3, "customer_id": [11, None, 3],
                            "created_at": [dt.datetime(2024, 9, 1), dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 1)],
                            "rating": [1, 1, None], "sentiment": [None, None, "positive"]},
                           schema_overrides={"customer_id": pl.Int64, "sentiment": pl.String, "rating": pl.Int64})
    store.write_frames({"customers": customers, "orders": orders, "complaints": complaints, "nps_responses": nps,
                        "reviews": reviews})
    return store


def test_every_status_on_literal_customers_equals_the_polars_rule(tmp_path) -> None:
    store = _literal_store(tmp_path)
    raw_rows = ref.rows(store)
    for as_of in (AS_OF, dt.date(2026, 4, 30), dt.date(2025, 11, 1)):
        old = ref.customer_model(raw_rows, as_of=as_of, start=as_of - dt.timedelta(days=89))
        statuses = old["statuses"].sort("customer_id")
        got = pl.concat([customer_status.status_customers(store, Filters(), status, as_of=as_of)
                         for status in rm.STATUSES]).sort("customer_id")
        assert got["customer_id"].to_list() == statuses["customer_id"].to_list()
        assert got["status"].to_list() == statuses["status"].to_list(), as_of
        same(got.select(statuses.drop("action").columns), statuses.drop("action"))
        same(customer_status.churn_counts(store, Filters(), start=as_of - dt.timedelta(days=89), end=as_of),
             churn_counts(statuses, raw_rows.daily, start=as_of - dt.timedelta(days=89), end=as_of))
    assert "seasonal" in ref.customer_model(raw_rows, as_of=AS_OF, start=AS_OF)["statuses"]["status"].to_list()


def test_the_customer_model_moves_rows_of_the_answer_and_the_fit_inputs(small_store, moved, raw) -> None:
    ctx = context(small_store, ViewState(period="all"))
    moved.clear()
    model = rd.customer_model(ctx)
    clv = rd.clv_model(ctx)
    rd.churn(ctx)
    rd.sensitivity(ctx, model)
    rd.segment_table(model, clv, "en")
    months = (ctx.period[1].year - ctx.bounds.first.year) * 12 + ctx.period[1].month - ctx.bounds.first.month + 1
    channels = ctx.channels.height
    fit_inputs = model.groups.height
    answer = sum(moved.values()) - fit_inputs
    # per cohort, channel and month since (a triangle), a few rows for the value model, one for churn
    assert answer <= channels * months * (months + 1) // 2 + 3 * channels + 30, dict(moved)
    # the CLV fits' inputs: fewer rows than customers (see test_grouped_rows_are_what_the_fits_need)
    assert fit_inputs < model.customers
