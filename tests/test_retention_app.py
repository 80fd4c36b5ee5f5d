"""The Retention & profit page in AppTest: its numbers equal the metric functions', the Δ lives in the link,
exports neutralise formulas and print their filters."""

from __future__ import annotations

import datetime as dt

import polars as pl

from connectors.read import Filters, read_dimension, read_fact
from connectors.export import csv_bytes, neutralise_formulas
from dashboard.i18n import fmt_money, fmt_number, fmt_pct
from metrics import clv as mclv
from metrics.retention import (
    customer_base, customer_status, daily_purchases, offended_customers, seasonal_customers, status_summary,
)
from metrics.cohorts import repeat_purchase_rate
from metrics.retention_value import retention_inputs, retention_sensitivity
from tests.test_app import query, run_app

AS_OF = dt.date(2026, 10, 31)


def _expected(store) -> dict:
    whole = Filters()
    orders = read_fact(store, "orders", whole)
    daily = daily_purchases(orders)
    base = customer_base(read_fact(store, "customers", whole), daily, as_of=AS_OF)
    channels = read_dimension(store, "channels")
    acquisition = channels.filter((pl.col("pillar") == "sales") & (pl.col("kind") != "earned"))["channel_id"]
    spend = read_fact(store, "spend", Filters(dt.date(2025, 11, 1), AS_OF))
    inputs = retention_inputs(base, daily, spend.filter(pl.col("channel_id").is_in(acquisition))["amount"].sum(),
                              as_of=AS_OF)
    sens = retention_sensitivity(inputs, deltas=(0.05, 0.075))
    summary = mclv.rfm_summary(orders.with_columns((pl.col("revenue") - pl.col("cost_of_goods")).alias("gp")),
                               AS_OF, value_col="gp")
    pred = mclv.customer_predictions(summary, mclv.fit_bgnbd(summary), mclv.fit_gamma_gamma(summary))
    statuses = customer_status(
        base, offended_customers(read_fact(store, "complaints", whole), read_fact(store, "nps_responses", whole),
                                 read_fact(store, "reviews", whole), as_of=AS_OF),
        seasonal_customers(daily, as_of=AS_OF), as_of=AS_OF)
    return {"inputs": inputs, "sens": sens, "clv": pred["clv"].mean(), "statuses": status_summary(statuses, pred),
            "repeat": repeat_purchase_rate(base, daily, as_of=AS_OF)["repeat_rate"][0]}


def test_retention_page_shows_the_metric_functions_numbers(app_env, small_store) -> None:
    at = run_app({"delta": "7.5"}, page="pages/retention.py")
    assert not at.exception
    want = _expected(small_store)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Active customers"] == fmt_number(int(want["inputs"].tenure["active_now"].sum()))
    assert shown["Yearly retention"] == fmt_pct(want["inputs"].retention)
    assert shown["Repeat-purchase rate"] == fmt_pct(want["repeat"])
    assert shown["Predicted CLV"] == fmt_money(want["clv"])
    at_75 = want["sens"].row(1, named=True)
    assert shown["Profit at +7.5 pp"] == fmt_money(at_75["profit"])
    assert shown["Difference"] == fmt_money(at_75["difference"])
    assert at.slider(key="retention_delta").value == 7.5
    assert query(at)["delta"] == "7.5"
    table = pl.from_pandas(at.dataframe[0].value)  # numbers, which the table writes in the view's language
    assert table["customers"].to_list() == want["statuses"]["customers"].to_list()
    assert table["action_label"].to_list()[:3] == ["Sell", "Keep", "Make loyal"]
    five = want["sens"].row(0, named=True)
    assert any(f"+5 pp → +{fmt_pct(five['difference_pct'])}" in m.value for m in at.markdown)


def test_moving_the_slider_updates_the_link_and_a_bad_delta_falls_back(app_env) -> None:
    at = run_app(page="pages/retention.py")
    assert "delta" not in query(at)  # the default is left out of the link
    at.slider(key="retention_delta").set_value(3.0).run()
    assert not at.exception
    assert query(at)["delta"] == "3"
    bad = run_app({"delta": "<b>99</b>"}, page="pages/retention.py")
    assert not bad.exception
    assert any("could not be used" in w.value and "Retention change `<b>99</b>`" in w.value for w in bad.warning)
    assert bad.slider(key="retention_delta").value == 5.0


def test_russian_page_runs_and_an_empty_history_says_so(app_env) -> None:
    ru = run_app({"lang": "ru"}, page="pages/retention.py")
    assert not ru.exception and ru.title[0].value == "Удержание и прибыль"
    empty = run_app({"period": "custom", "from": "2020-01-01", "to": "2020-01-31"}, page="pages/retention.py")
    assert not empty.exception
    assert any("No customers with orders" in i.value for i in empty.info)
    assert not empty.metric


def test_exports_neutralise_formulas_and_print_their_filters() -> None:
    frame = pl.DataFrame({"customer_id": [1, 2, 3, 4, 5], "name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok"],
                          "revenue": [-5.0, 1.0, 2.0, 3.0, 4.0]})
    safe = neutralise_formulas(frame)
    assert safe["name"].to_list() == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "ok"]
    assert safe["revenue"].to_list() == [-5.0, 1.0, 2.0, 3.0, 4.0]  # numbers are numbers, not formulas
    text = csv_bytes(frame, header_lines=["Status: Loyal", "Regions: all\n=cmd"]).decode("utf-8")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[:2] == ["# Status: Loyal", "# Regions: all =cmd"]
    assert lines[2] == "customer_id,name,revenue" and "'=HYPERLINK" in lines[3]
