"""The CLV fits on a fixed sample and the predictions summed over every customer, on literal stores of a few
hundred customers with a sample smaller than the population: the sample is exactly the hashed customers
(plain SQL), the sums equal each customer's own prediction, and the rows that come back stay bounded."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa

from connectors import customer_status as cs
from connectors.read import Filters
from connectors.store import DuckDBStore
from dashboard.filters import ViewState
from dashboard.retention import data as rd
from metrics import clv as mclv
from metrics import clv_totals
from metrics import retention as rm
from tests import retention_reference as ref

AS_OF = dt.date(2026, 10, 31)
SAMPLE = 120
HORIZON = {"horizon_months": 36, "annual_discount_rate": 0.12}


def _store(path, customers: int, *, copies: int = 1, seed: int = 7) -> DuckDBStore:
    """``customers`` buyers over three years: a first order, then repeat orders at a rate of their own, some of
    them stopping; ids in steps of 3 so the hash order is not the id order. With ``copies``, each history is
    bought again by other customers, their values 0.1% higher per copy: the same dates, frequencies and ages,
    a mean value of their own."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(2023, 11, 1, 10)
    history = []
    for j in range(customers):
        first = rng.integers(0, 1050)
        rate, life = rng.gamma(0.8, 1 / 40), rng.exponential(500)
        day = first
        while True:
            history.append((j, start + dt.timedelta(days=int(day), hours=int(rng.integers(0, 9))),
                            float(np.round(rng.gamma(2.0, 40.0), 2))))
            day += 1 + rng.exponential(1 / max(rate, 1e-3))
            if day > 1095 or day - first > life:
                break
    ids = [3 * (k * customers + j) + 5 for k in range(copies) for j in range(customers)]
    rows = [(3 * (k * customers + j) + 5, at, round(value * (1 + 0.001 * k), 2))
            for k in range(copies) for j, at, value in history]
    store = DuckDBStore(path)
    store.ensure_schema()
    orders = pl.DataFrame(rows, schema=["customer_id", "ordered_at", "revenue"], orient="row").with_columns(
        pl.int_range(1, pl.len() + 1).alias("order_id"), pl.lit("Тверь").alias("region"),
        (pl.col("revenue") * 0.6).alias("cost_of_goods"))
    customers_frame = pl.DataFrame({"customer_id": ids, "first_seen": [start] * len(ids),
                                    "acquisition_channel_id": ["search_ads"] * len(ids),
                                    "region": ["Тверь"] * len(ids), "segment": ["retail"] * len(ids)})
    store.write_frames({"customers": customers_frame, "orders": orders})
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> DuckDBStore:
    return _store(tmp_path_factory.mktemp("sample") / "literal.duckdb", 400)


def _hashed_ids(store: DuckDBStore, n: int) -> list[int]:
    """The sample in plain SQL: buyers up to the as-of day, ordered by the multiplicative hash, first n."""
    sql = ("SELECT customer_id FROM (SELECT DISTINCT customer_id FROM orders WHERE ordered_at < $until) "
           "ORDER BY (customer_id * 2654435761) % 4294967296, customer_id LIMIT $n")
    with store.reading() as con:
        rows = con.execute(sql, {"until": dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time()),
                                 "n": n}).fetchall()
    return [r[0] for r in rows]


def _summary(store: DuckDBStore) -> pl.DataFrame:
    """Every customer's RFM summary in weeks (gross profit per purchase), with their status."""
    raw = ref.rows(store)
    summary = mclv.rfm_summary(raw.daily, AS_OF, "week", time_col="day", value_col="gross_profit")
    rows = cs.customer_rows_query(Filters(), as_of=AS_OF, active_months=12, lost_months=24, loyal_orders=3)
    statuses = store.query(sa.select(rows.c.customer_id, rows.c.status)).with_columns(
        pl.col("customer_id").cast(pl.Int64), pl.col("status").cast(pl.String))
    assert set(statuses["status"].drop_nulls()) <= set(rm.STATUSES)
    return summary.join(statuses, on="customer_id", how="left")


def test_the_fits_take_exactly_the_hashed_customers(store) -> None:
    groups = cs.status_groups(store, Filters(), as_of=AS_OF, fit_customers=SAMPLE)
    every = cs.status_groups(store, Filters(), as_of=AS_OF)
    population = int(every["customers"].sum())
    assert population > SAMPLE and int(groups["customers"].sum()) == population
    ids = _hashed_ids(store, SAMPLE)
    assert ids == sorted(ids, key=lambda i: ((i * 2654435761) % 2**32, i)) and ids != sorted(ids)
    summary = _summary(store)
    want = (summary.filter(pl.col("customer_id").is_in(ids))
            .group_by("status", "frequency", (pl.col("recency") * 7).round().cast(pl.Int64).alias("recency_days"),
                      (pl.col("T") * 7).round().cast(pl.Int64).alias("T_days"), "monetary_value")
            .agg(pl.len().alias("customers")))
    got = groups.filter(pl.col("fitted") == 1).select(want.columns)
    assert int(got["customers"].sum()) == SAMPLE
    ref.same(got, want, sort=["status", "frequency", "recency_days", "T_days", "monetary_value"])
    # the rows outside the sample: one per status, and every status's totals are those of every customer
    rest = groups.filter(pl.col("fitted") == 0)
    assert rest["frequency"].null_count() == rest.height and rest["status"].n_unique() == rest.height
    totals = ("customers", "revenue", "gross_profit", "eligible", "repeated")
    ref.same(groups.group_by("status").agg(pl.col(totals).sum()), every.group_by("status").agg(pl.col(totals).sum()),
             sort="status")
    # a sample at least as large as the population is every customer, grouped as without one
    ref.same(cs.status_groups(store, Filters(), as_of=AS_OF, fit_customers=population), every,
             sort=["status", "frequency", "recency_days", "T_days", "monetary_value"])


def _by_hand(summary: pl.DataFrame, bg: mclv.BgNbdFit, gg: mclv.GammaGammaFit) -> pl.DataFrame:
    """Each customer's outlook: P(alive) by the formula, expected purchases and CLV by the per-customer
    function (checked against lifetimes in tests/test_clv.py), summed per status."""
    x, tx, t_ = (summary[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    odds = 1.0 + np.where(x > 0, bg.a / (bg.b + np.maximum(x, 1) - 1) * ((bg.alpha + t_) / (bg.alpha + tx)) ** (bg.r + x),
                          0.0)
    pred = mclv.customer_predictions(summary, bg, gg, **HORIZON)
    np.testing.assert_allclose(pred["probability_alive"].to_numpy(), 1.0 / odds, rtol=1e-12)
    return (summary.select("customer_id", "status").join(pred, on="customer_id")
            .group_by("status").agg(pl.len().alias("customers"),
                                    pl.col("probability_alive").sum().alias("probability_alive_sum"),
                                    pl.col("expected_purchases").sum().alias("expected_purchases_sum"),
                                    pl.col("clv").sum().alias("clv_sum")))


def test_summed_predictions_equal_each_customers_prediction(store) -> None:
    sample = rd._in_weeks(cs.status_groups(store, Filters(), as_of=AS_OF, fit_customers=SAMPLE)
                          .filter(pl.col("fitted") == 1))
    bg, gg = mclv.fit_bgnbd(sample), mclv.fit_gamma_gamma(sample)
    assert bg.customers == SAMPLE
    want = _by_hand(_summary(store), bg, gg)
    exact = cs.prediction_sums(store, Filters(), as_of=AS_OF, r=bg.r, alpha=bg.alpha, a=bg.a, b=bg.b, bucket_days=1)
    got = clv_totals.totals_by_status(clv_totals.population_predictions(exact, bg, gg, **HORIZON))
    ref.same(got, want, sort="status", rel=1e-9)
    weekly = cs.prediction_sums(store, Filters(), as_of=AS_OF, r=bg.r, alpha=bg.alpha, a=bg.a, b=bg.b, bucket_days=7)
    assert weekly.height < exact.height
    near = clv_totals.totals_by_status(clv_totals.population_predictions(weekly, bg, gg, **HORIZON))
    ref.same(near, want, sort="status", rel=1e-6)  # ages in weeks: the second-order expansion (clv_totals)
    # without the second-order terms the weekly ages would be off by far more
    flat = weekly.with_columns(pl.lit(0.0).alias(c) for c in ("alive_u2", "alive_value_u2"))
    rough = clv_totals.totals_by_status(clv_totals.population_predictions(flat, bg, gg, **HORIZON))
    assert (rough.sort("status")["clv_sum"] - want.sort("status")["clv_sum"]).abs().max() > 10 * (
        near.sort("status")["clv_sum"] - want.sort("status")["clv_sum"]).abs().max()


def _rows_received(store: DuckDBStore) -> dict[str, int]:
    """Rows of the fits' query and of the sums' query with a sample of ``SAMPLE``."""
    groups = cs.status_groups(store, Filters(), as_of=AS_OF, fit_customers=SAMPLE)
    bg = mclv.fit_bgnbd(rd._in_weeks(groups.filter(pl.col("fitted") == 1)))
    sums = cs.prediction_sums(store, Filters(), as_of=AS_OF, r=bg.r, alpha=bg.alpha, a=bg.a, b=bg.b,
                              bucket_days=rd.AGE_BUCKET_DAYS)
    return {"groups": groups.height, "sums": sums.height}


def test_rows_received_do_not_grow_with_the_customers(store, tmp_path) -> None:
    """The same histories bought by four times the customers, each with a mean value of their own: the fits'
    rows stay at most the sample (plus a row per status), the sums' rows are the same (status, frequency,
    week of age) cells; without a sample the grouped rows grow with the customers."""
    bigger = _store(tmp_path / "bigger.duckdb", 400, copies=4)
    small_rows, big_rows = _rows_received(store), _rows_received(bigger)
    statuses = len(rm.STATUSES) + 1
    assert SAMPLE // 2 < small_rows["groups"] <= SAMPLE + statuses and big_rows["groups"] <= SAMPLE + statuses
    assert big_rows["sums"] == small_rows["sums"]
    assert cs.status_groups(bigger, Filters(), as_of=AS_OF).height > 3 * cs.status_groups(store, Filters(),
                                                                                         as_of=AS_OF).height
    # the page's model: fitted on the sample, every customer in the totals, the sample's histogram counted
    # for all of them
    ctx = ref.context(bigger, ViewState(period="all"))
    clv = rd.clv_model(dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, clv_fit_customers=SAMPLE)))
    assert clv.sampled and clv.bgnbd.customers == SAMPLE and clv.population == 1600
    assert int(clv_totals.totals_by_status(clv.totals)["customers"].sum()) == clv.population
    dist = clv.distribution()
    assert abs(int(dist["customers"].sum()) - clv.population) <= dist.height
    assert dist["customers"].sum() > 10 * clv.sample["customers"].sum()
