"""Every customer query of the value model, Retention & profit and Budget scenarios runs on each backend
(DuckDB, PostgreSQL) and equals the metrics' own counting on that backend's raw rows."""

from __future__ import annotations

import datetime as dt

import polars as pl

from connectors import customer_status, customer_value
from connectors.customer_history import HASH_MODULUS, HASH_MULTIPLIER
from connectors.measures import measure_frame
from connectors.read import Filters, read_fact
from metrics import clv as mclv
from metrics import cohorts as mc
from metrics import retention as rm
from metrics import retention_value as rv
from metrics.scenarios import lead_conversion_counts, lead_cutoff, new_customer_sums
from tests import retention_reference as ref
from tests.retention_reference import same

AS_OF = dt.date(2026, 8, 31)
FILTERS = Filters(None, None, ("search_ads", "display", "direct", "referral"), ("Москва", "Тверь"))


def test_customer_queries_equal_the_metrics_on_each_backend(backend) -> None:
    raw = ref.rows(backend, FILTERS.channels, FILTERS.regions)
    base = rm.customer_base(raw.customers, raw.daily, as_of=AS_OF)
    same(customer_value.tenure_counts(backend, FILTERS, as_of=AS_OF), rv.tenure_counts(base, raw.daily, as_of=AS_OF))
    groups = rv.nps_group_of_first_purchase(raw.nps, base)
    same(customer_value.nps_group_counts(backend, FILTERS, as_of=AS_OF),
         rv.nps_group_counts(base, raw.daily, groups, raw.referrals, as_of=AS_OF), sort="nps_group")
    same(customer_value.complaint_counts(backend, FILTERS, as_of=AS_OF, standard_hours=36.0),
         rv.complaint_counts(raw.complaints, raw.orders, as_of=AS_OF, standard_hours=36.0), sort="speed")
    for horizon in (365, None):
        same(customer_value.new_customer_sums(backend, FILTERS, last_day=AS_OF, horizon_days=horizon),
             new_customer_sums(raw.customers, raw.orders, last_day=AS_OF, horizon_days=horizon))
    same(customer_status.cohort_activity(backend, FILTERS, as_of=AS_OF),
         mc.cohort_activity(base, raw.daily, as_of=AS_OF, by=("acquisition_channel_id",)))
    start = AS_OF - dt.timedelta(days=179)
    same(customer_status.churn_counts(backend, FILTERS, start=start, end=AS_OF),
         mc.churn_counts(base, raw.daily, start=start, end=AS_OF))


def test_status_groups_and_export_equal_the_metrics_on_each_backend(backend) -> None:
    raw = ref.rows(backend, (), FILTERS.regions)
    old = ref.customer_model(raw, as_of=AS_OF, start=AS_OF)
    statuses = old["statuses"]
    grouped = customer_status.status_groups(backend, Filters(regions=FILTERS.regions), as_of=AS_OF)
    per_status = grouped.filter(pl.col("status").is_not_null()).group_by("status").agg(
        pl.col("customers", "revenue", "gross_profit").sum())
    want = statuses.group_by("status").agg(pl.len().alias("customers"), pl.col("revenue", "gross_profit").sum())
    same(per_status, want, sort="status")
    summary = mclv.rfm_summary(raw.daily, AS_OF, "day", time_col="day", value_col="gross_profit")
    counted = grouped.group_by(pl.col("frequency"), pl.col("recency_days").cast(pl.Float64).alias("recency"),
                               pl.col("T_days").cast(pl.Float64).alias("T")).agg(pl.col("customers").sum())
    same(counted, summary.group_by("frequency", "recency", "T").agg(pl.len().alias("customers")),
         sort=["frequency", "recency", "T"])
    loyal = customer_status.status_customers(backend, Filters(regions=FILTERS.regions), "loyal", as_of=AS_OF)
    assert loyal["customer_id"].to_list() == statuses.filter(pl.col("status") == "loyal")["customer_id"].sort().to_list()


def test_the_clv_sample_and_its_sums_are_the_same_on_each_backend(backend, small_store) -> None:
    """The fits' sample is the first customers by the multiplicative hash (computed here in Python) on every
    backend, and the summed predictions with given parameters equal DuckDB's."""
    flt, sample = Filters(regions=FILTERS.regions), 2000
    raw = ref.rows(backend, (), FILTERS.regions)
    summary = mclv.rfm_summary(raw.daily, AS_OF, "day", time_col="day", value_col="gross_profit")
    ids = sorted(summary["customer_id"].to_list(), key=lambda i: ((i * HASH_MULTIPLIER) % HASH_MODULUS, i))[:sample]
    groups = customer_status.status_groups(backend, flt, as_of=AS_OF, fit_customers=sample)
    keys = ["frequency", "recency", "T"]
    got = groups.filter(pl.col("fitted") == 1).group_by(
        "frequency", pl.col("recency_days").cast(pl.Float64).alias("recency"),
        pl.col("T_days").cast(pl.Float64).alias("T")).agg(pl.col("customers").sum(),
                                                          (pl.col("monetary_value") * pl.col("customers")).sum())
    want = summary.filter(pl.col("customer_id").is_in(ids)).group_by(keys).agg(pl.len().alias("customers"),
                                                                                pl.col("monetary_value").sum())
    same(got, want, sort=keys)
    if backend is small_store:  # DuckDB's sums are checked against each customer's in tests/test_retention_sample.py
        return
    fit = {"r": 0.7, "alpha": 4.0, "a": 1.6, "b": 19.0, "bucket_days": 7}
    same(customer_status.prediction_sums(backend, flt, as_of=AS_OF, **fit),
         customer_status.prediction_sums(small_store, flt, as_of=AS_OF, **fit), sort=["status", "frequency", "age_start"])


def test_lead_measures_equal_the_lead_rows_on_each_backend(backend) -> None:
    last_day = dt.date(2026, 10, 31)
    got = measure_frame(backend, "leads", ["leads", "converted_leads"], Filters(None, lead_cutoff(last_day)),
                        by=("channel_id",))
    want = lead_conversion_counts(read_fact(backend, "leads", columns=("channel_id", "created_at", "customer_id")),
                                  last_day=last_day)
    same(got.rename({"converted_leads": "converted"}), want, sort="channel_id")
