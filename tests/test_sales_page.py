"""The Sales page in AppTest: its numbers equal the metric functions', its controls live in the link."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from connectors.journeys import read_paths
from connectors.read import Filters, read_dimension, read_fact
from dashboard.i18n import fmt_money, fmt_number, fmt_pct
from metrics.attribution import aggregate_paths, attribute_paths
from metrics.sales import (
    acquisition_totals, channel_results, lead_counts, return_on_spend, sales_spend, sales_totals, spend_sums,
)
from tests.test_app import metrics_by_label, query, run_app

START, END = dt.date(2026, 8, 3), dt.date(2026, 10, 31)  # the default "last 90 days" of the demo


def expected(store, model: str = "markov", lookback: int = 30, start=START, end=END):
    flt = Filters(start, end)
    channels = read_dimension(store, "channels")
    spend = sales_spend(spend_sums(read_fact(store, "spend", flt)), channels)
    lead_rows = read_fact(store, "leads", flt)
    leads = lead_counts(lead_rows)
    totals = pl.DataFrame({"spend": [spend["spend"].sum()], "leads": [lead_rows.height],
                           "converted_leads": [lead_rows["customer_id"].is_not_null().sum()],
                           "new_customers": [read_fact(store, "customers", flt).height]})
    acq = acquisition_totals(totals).row(0, named=True)
    money = sales_totals(read_fact(store, "orders", flt)).row(0, named=True)
    paths = read_paths(store, flt, lookback_days=lookback).paths
    credit = attribute_paths(paths if model == "time_decay" else aggregate_paths(paths), model)
    paid = channel_results(spend, leads, credit, channels).filter(pl.col("spend") > 0).select(
        pl.col("spend", "revenue", "gross_profit").sum())  # the KPI row: the sales channels with spend
    # the channel table: every channel's whole spend (the same money as in the page's other tables)
    shown = set(spend["channel_id"]) | set(channels.filter(pl.col("pillar") == "sales")["channel_id"]) | set(
        leads["channel_id"]) | set(credit["channel"])
    every = spend_sums(read_fact(store, "spend", flt))
    table = channel_results(every.filter(pl.col("channel_id").is_in(list(shown))), leads, credit, channels)
    ret = return_on_spend(paid).row(0, named=True)
    return acq, money, ret, table


def test_sales_page_numbers_equal_metric_functions(app_env, small_store) -> None:
    at = run_app(page="pages/sales.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "Sales"
    acq, money, ret, table = expected(small_store)
    shown = {label: value for label, value, _ in metrics_by_label(at)}
    assert shown["Acquisition spend"] == fmt_money(acq["spend"])
    assert shown["Leads"] == fmt_number(acq["leads"], compact=True)
    assert shown["CPL"] == fmt_money(acq["cpl"])
    assert shown["Lead conversion"] == fmt_pct(acq["conversion"])
    assert shown["New customers"] == fmt_number(acq["new_customers"], compact=True)
    assert shown["CAC"] == fmt_money(acq["cac"])
    assert shown["Revenue"] == fmt_money(money["revenue"])
    assert shown["Gross profit"] == fmt_money(money["gross_profit"])
    assert shown["ROAS (first orders)"] == fmt_number(ret["roas"], digits=2) + "×"
    assert shown["ROMI (first orders)"] == fmt_pct(ret["romi"])
    assert shown["Payback period"].endswith("mo")
    deltas = {label: delta for label, _, delta in metrics_by_label(at)}
    assert deltas["Lead conversion"].endswith("pts") and deltas["Revenue"].endswith("%")
    # the channel table is the metric function's frame, money rounded for display
    frame = pl.from_pandas(at.dataframe[0].value)
    names = dict(zip(read_dimension(small_store, "channels")["channel_id"], read_dimension(small_store, "channels")["name"]))
    want = table.with_columns(pl.col("channel_id").replace_strict(names))
    assert frame["channel_id"].to_list() == want["channel_id"].to_list()
    assert frame["spend"].to_list() == pytest.approx(want["spend"].round(0).to_list())
    assert frame["new_customers"].to_list() == pytest.approx(want["new_customers"].to_list())
    assert frame["revenue"].to_list() == pytest.approx(want["revenue"].round(0).to_list())
    romi = [x for x in frame["romi"].to_list() if x == x and x is not None]
    assert romi == pytest.approx([x for x in want["romi"].to_list() if x is not None])


def test_model_and_lookback_come_from_the_link(app_env, small_store) -> None:
    at = run_app({"model": "last_touch", "lookback": "21", "grain": "month"}, page="pages/sales.py")
    assert not at.exception
    assert at.selectbox(key="sales_model.en").value == "last_touch"
    assert at.selectbox(key="sales_lookback.en").value == 21  # any window up to 180 days can come with a link
    assert not at.warning
    _, _, ret, _ = expected(small_store, "last_touch", 21)
    shown = {label: value for label, value, _ in metrics_by_label(at)}
    assert shown["ROMI (first orders)"] == fmt_pct(ret["romi"])
    assert query(at)["model"] == "last_touch" and query(at)["lookback"] == "21"
    at.selectbox(key="sales_model.en").select("shapley").run()
    assert query(at)["model"] == "shapley"
    _, _, ret, _ = expected(small_store, "shapley", 21)
    assert {label: v for label, v, _ in metrics_by_label(at)}["ROMI (first orders)"] == fmt_pct(ret["romi"])
    at.selectbox(key="sales_model.en").select("markov").run()
    assert "model" not in query(at)  # the default is left out of the link


def test_a_bad_model_in_the_link_falls_back_with_a_notice(app_env) -> None:
    at = run_app({"model": "<b>last_click</b>", "lookback": "999"}, page="pages/sales.py")
    assert not at.exception
    assert at.selectbox(key="sales_model.en").value == "markov"
    assert at.selectbox(key="sales_lookback.en").value == 30
    notices = " ".join(w.value for w in at.warning)
    assert "Attribution model `<b>last_click</b>`" in notices and "Lookback window `999`" in notices


def test_sales_page_in_russian_with_filters(app_env) -> None:
    at = run_app({"lang": "ru", "ch": "search_ads,display", "region": "Тверь", "period": "last_month"},
                 page="pages/sales.py")
    assert not at.exception
    assert at.title[0].value == "Продажи"
    frame = pl.from_pandas(at.dataframe[0].value)
    assert set(frame["channel_id"].to_list()) <= {"Поисковая реклама (Яндекс Директ)", "Медийная и видеореклама"}
    captions = " ".join(c.value for c in at.caption)
    assert "фильтре каналов" in captions  # journeys keep every channel: said on the page


def test_an_empty_period_says_so(app_env) -> None:
    at = run_app({"period": "custom", "from": "2031-01-01", "to": "2031-01-31"}, page="pages/sales.py")
    assert not at.exception
    assert any("No data" in i.value or "nothing" in i.value.lower() for i in at.info), [i.value for i in at.info]
    assert not at.metric
