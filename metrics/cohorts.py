"""Cohorts, repeat purchases, churn and historical CLV, as of a day (see :mod:`metrics.retention`).

Each metric is computed from a small frame of counts — customers active per cohort, channel
and month (:func:`cohort_activity`), customers and repeaters (:func:`repeat_counts`), active
customers at two moments (:func:`churn_counts`) — which the database computes as well
(``connectors.customer_status``); the functions on customer rows build the same counts in
polars and call the same metric, so each formula is written once.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from metrics.retention import month_index, months_before, purchases

ACTIVITY_SCHEMA = {"cohort": pl.Date, "months_since": pl.Int32, "active": pl.Int64, "gross_profit": pl.Float64}


def last_complete_month(as_of: dt.date) -> int:
    """Month index (year · 12 + month − 1) of the last calendar month complete on ``as_of``."""
    return as_of.year * 12 + as_of.month - 1 - (0 if (as_of + dt.timedelta(days=1)).day == 1 else 1)


def _month_start(idx: pl.Expr) -> pl.Expr:
    return pl.date(idx // 12, idx % 12 + 1, 1)


def cohort_activity(base: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date,
                    by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Customers buying in each month since their acquisition month, per cohort (and ``by`` columns of ``base``).

    Returns ``cohort`` (date, first day of the month of the first purchase), ``*by``, ``months_since``
    (i32, 0 = the acquisition month), ``active`` (i64, customers with a purchase that month) and
    ``gross_profit`` (f64, currency, of those purchases). Only months complete by ``as_of``; month 0 holds
    every customer of the cohort (the first purchase is in it).
    """
    last = last_complete_month(as_of)
    return (
        purchases(daily, as_of=as_of)
        .join(base.lazy().select("customer_id", "first_order", *by), on="customer_id")
        .with_columns(month_index("first_order").alias("c_idx"), month_index("day").alias("m_idx"))
        .filter(pl.col("m_idx") <= last)
        .group_by("customer_id", *by, "c_idx", "m_idx")
        .agg(pl.col("gross_profit").sum())
        .group_by("c_idx", *by, (pl.col("m_idx") - pl.col("c_idx")).cast(pl.Int32).alias("months_since"))
        .agg(pl.len().cast(pl.Int64).alias("active"), pl.col("gross_profit").sum().cast(pl.Float64))
        .select(_month_start(pl.col("c_idx")).alias("cohort"), *by, "months_since", "active", "gross_profit")
        .sort("cohort", *by, "months_since")
        .collect()
    )


def _grid(activity: pl.DataFrame, *, as_of: dt.date, by: tuple[str, ...]) -> pl.LazyFrame:
    """Every (cohort[, by], months_since) observable by ``as_of``, with the cohort's size (its month 0)."""
    last = last_complete_month(as_of)
    sizes = (
        activity.lazy().filter(pl.col("months_since") == 0)
        .select("cohort", *by, pl.col("active").alias("cohort_size"),
                (month_index("cohort")).alias("c_idx"))
        .filter(pl.col("c_idx") <= last)
    )
    return (
        sizes.with_columns(pl.int_ranges(0, last - pl.col("c_idx") + 1).alias("months_since"))
        .explode("months_since").with_columns(pl.col("months_since").cast(pl.Int32))
        .drop("c_idx")
    )


def cohort_retention_from_activity(activity: pl.DataFrame, *, as_of: dt.date,
                                   by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Share of each acquisition-month cohort that bought in each later month, from :func:`cohort_activity`.

    Returns ``cohort`` (date), ``*by``, ``months_since`` (i32), ``cohort_size``, ``active`` (i64) and
    ``retention`` (active / cohort_size, 0..1). Only months complete by ``as_of``; month 0 is 1.0.
    """
    by = tuple(by)
    return (
        _grid(activity, as_of=as_of, by=by)
        .join(activity.lazy().select("cohort", *by, "months_since", "active"), on=["cohort", *by, "months_since"],
              how="left")
        .with_columns(pl.col("active").fill_null(0))
        .with_columns((pl.col("active") / pl.col("cohort_size")).alias("retention"))
        .select("cohort", *by, "months_since", "cohort_size", "active", "retention")
        .sort("cohort", *by, "months_since")
        .collect()
    )


def cohort_retention(base: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date,
                     by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Share of each acquisition-month cohort that bought in each later month (customer rows in):
    :func:`cohort_retention_from_activity` of :func:`cohort_activity`."""
    return cohort_retention_from_activity(cohort_activity(base, daily, as_of=as_of, by=by), as_of=as_of, by=by)


def cohorts_overall(cohorts: pl.DataFrame) -> pl.DataFrame:
    """:func:`cohort_retention` computed ``by`` some column, summed back to one row per cohort and month.

    Each customer is in exactly one group, so sizes and active counts add up. Same columns
    as :func:`cohort_retention` without ``by``.
    """
    return (
        cohorts.lazy().group_by("cohort", "months_since")
        .agg(pl.col("cohort_size").sum(), pl.col("active").sum())
        .with_columns((pl.col("active") / pl.col("cohort_size")).alias("retention"))
        .sort("cohort", "months_since")
        .collect()
    )


def retention_curve(cohorts: pl.DataFrame, *, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Cohorts pooled: share of customers buying in month k after acquisition.

    Input: :func:`cohort_retention` (with the same ``by``). Returns ``*by``, ``months_since``,
    ``customers`` (cohort members observed at k), ``active`` and ``retention`` (0..1).
    """
    return (
        cohorts.lazy().group_by(*by, "months_since")
        .agg(pl.col("cohort_size").sum().alias("customers"), pl.col("active").sum())
        .with_columns((pl.col("active") / pl.col("customers")).alias("retention"))
        .sort(*by, "months_since")
        .collect()
    )


def historical_clv_from_activity(activity: pl.DataFrame, *, as_of: dt.date) -> pl.DataFrame:
    """Cumulative gross profit per acquired customer, by acquisition-month cohort, from :func:`cohort_activity`
    (with any ``by``: it is summed over).

    Returns ``cohort`` (date), ``months_since`` (i32), ``cohort_size`` (i64) and ``clv`` (currency: gross
    profit of the cohort's purchases in months 0..k / cohort size). Only months complete by ``as_of``.
    """
    overall = activity.lazy().group_by("cohort", "months_since").agg(
        pl.col("active").sum(), pl.col("gross_profit").sum()).collect()
    return (
        _grid(overall, as_of=as_of, by=())
        .join(overall.lazy().select("cohort", "months_since", "gross_profit"), on=["cohort", "months_since"],
              how="left")
        .with_columns(pl.col("gross_profit").fill_null(0.0))
        .sort("cohort", "months_since")
        .with_columns(pl.col("gross_profit").cum_sum().over("cohort").alias("cum_gp"))
        .with_columns((pl.col("cum_gp") / pl.col("cohort_size")).alias("clv"))
        .select("cohort", "months_since", "cohort_size", "clv")
        .collect()
    )


def historical_clv_by_cohort(base: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date) -> pl.DataFrame:
    """Cumulative gross profit per acquired customer by cohort (customer rows in):
    :func:`historical_clv_from_activity` of :func:`cohort_activity`."""
    return historical_clv_from_activity(cohort_activity(base, daily, as_of=as_of), as_of=as_of)


def historical_clv_curve(clv_by_cohort: pl.DataFrame) -> pl.DataFrame:
    """Cohorts pooled by acquisition year: gross profit per acquired customer by months since acquisition.

    Input: :func:`historical_clv_by_cohort`. Only months observed for every cohort of the year
    (so the line does not jump as young cohorts drop out). Returns ``year`` (i32), ``months_since`` (i32),
    ``customers`` (i64, members of the year's cohorts observed at that month) and ``clv``
    (currency, cohort CLVs weighted by cohort size).
    """
    year = pl.col("cohort").dt.year().cast(pl.Int32)
    return (
        clv_by_cohort.lazy()
        .with_columns(year.alias("year"), pl.col("months_since").max().over("cohort").alias("_seen"))
        .filter(pl.col("months_since") <= pl.col("_seen").min().over("year"))
        .group_by("year", "months_since")
        .agg(pl.col("cohort_size").sum().alias("customers"),
             (pl.col("clv") * pl.col("cohort_size")).sum().alias("_total"))
        .with_columns((pl.col("_total") / pl.col("customers")).alias("clv"))
        .select("year", "months_since", "customers", "clv")
        .sort("year", "months_since")
        .collect()
    )


def repeat_counts(base: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date, within_days: int = 365,
                  by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Customers whose first purchase is at least ``within_days`` before ``as_of`` (a full window observed)
    and how many of them bought again within ``within_days`` of it: ``*by``, ``customers``, ``repeaters`` (i64)."""
    eligible = base.lazy().filter(pl.col("first_order") <= as_of - dt.timedelta(days=within_days))
    again = (
        purchases(daily, as_of=as_of).join(eligible.select("customer_id", "first_order"), on="customer_id")
        .filter((pl.col("day") > pl.col("first_order"))
                & (pl.col("day") <= pl.col("first_order") + dt.timedelta(days=within_days)))
        .select("customer_id").unique().with_columns(pl.lit(True).alias("_again"))
    )
    lf = eligible.join(again, on="customer_id", how="left").with_columns(pl.col("_again").fill_null(False))
    aggs = [pl.len().cast(pl.Int64).alias("customers"), pl.col("_again").sum().cast(pl.Int64).alias("repeaters")]
    return (lf.group_by(*by).agg(aggs).sort(*by) if by else lf.select(aggs)).collect()


def repeat_rate_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """:func:`repeat_counts` with ``repeat_rate`` = repeaters / customers (0..1, null with no customers)."""
    return counts.with_columns(
        pl.when(pl.col("customers") > 0).then(pl.col("repeaters") / pl.col("customers")).alias("repeat_rate"))


def repeat_purchase_rate(base: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date, within_days: int = 365,
                         by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Share of customers who bought again within ``within_days`` of their first purchase, over the customers
    whose first purchase is at least ``within_days`` before ``as_of``. ``by`` groups by columns of ``base``.
    Returns ``*by``, ``customers`` (i64), ``repeaters`` (i64) and ``repeat_rate`` (0..1, null with no customers)."""
    return repeat_rate_from_counts(repeat_counts(base, daily, as_of=as_of, within_days=within_days, by=by))


def churn_counts(base: pl.DataFrame, daily: pl.DataFrame, *, start: dt.date, end: dt.date,
                 active_months: int = 12) -> pl.DataFrame:
    """Customers of ``base`` active when the period starts, and how many of them are still active when it
    ends (active on a day = a purchase in the ``active_months`` up to it): one row, ``active_at_start`` and
    ``still_active`` (i64)."""
    days = purchases(daily, as_of=end).select("customer_id", "day")
    s_from = months_before(start, active_months)
    e_from = months_before(end, active_months)
    at_start = days.filter((pl.col("day") > s_from) & (pl.col("day") <= start)).select("customer_id").unique()
    at_end = days.filter((pl.col("day") > e_from) & (pl.col("day") <= end)).select("customer_id").unique()
    n0 = at_start.join(base.lazy().select("customer_id"), on="customer_id").select(pl.len()).collect().item()
    kept = at_start.join(at_end, on="customer_id").join(base.lazy().select("customer_id"), on="customer_id") \
        .select(pl.len()).collect().item()
    return pl.DataFrame({"active_at_start": [n0], "still_active": [kept]},
                        schema={"active_at_start": pl.Int64, "still_active": pl.Int64})


def churn_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """:func:`churn_counts` with ``churn_rate`` = 1 − still_active / active_at_start (0..1, null when nobody
    was active at the start)."""
    n0, kept = int(counts["active_at_start"][0]), int(counts["still_active"][0])
    return pl.DataFrame({
        "active_at_start": [n0], "still_active": [kept], "churn_rate": [1.0 - kept / n0 if n0 else None],
    }, schema={"active_at_start": pl.Int64, "still_active": pl.Int64, "churn_rate": pl.Float64})


def churn_rate(base: pl.DataFrame, daily: pl.DataFrame, *, start: dt.date, end: dt.date,
               active_months: int = 12) -> pl.DataFrame:
    """Share of the customers active when the period starts who are no longer active when it ends:
    :func:`churn_from_counts` of :func:`churn_counts`. Returns one row: ``active_at_start``, ``still_active``
    (i64) and ``churn_rate`` (0..1, null when nobody was active at the start)."""
    return churn_from_counts(churn_counts(base, daily, start=start, end=end, active_months=active_months))
