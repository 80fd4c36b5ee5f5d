"""The value model's inputs, counted by the database: what retention, a promoter, a complaint
resolved in time and a new customer are worth.

Each function returns the small frame of counts and sums that a metric in ``metrics`` turns
into the numbers shown (``metrics.retention_value.retention_inputs_from_counts``,
``nps_value_from_counts``, ``complaint_outcomes_from_counts``,
``metrics.scenarios.new_customer_value_from_sums``); the same metrics computed from raw rows
(``tenure_counts``, ``nps_group_counts``, ... in ``metrics``) are the independent check in the
tests. Rows returned grow with the answer (tenure buckets, NPS scores, channels), never with the
number of customers or orders.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.customer_history import (
    DAY_SECONDS, count_sum, day_of, day_param, days_between, first_purchases, moment_param, number_param, orders_of,
    seconds_between, start_of_day_after, tenure_of, whole,
)
from connectors.read import Filters, where_clauses
from connectors.store import Store
from metrics.retention import months_before
from metrics.retention_value import ANSWER_DAYS, TENURE_BUCKETS, nps_group, tenure_edges


def tenure_counts(store: Store, filters: Filters, *, as_of: dt.date, months: int = 12,
                  buckets: int = TENURE_BUCKETS) -> pl.DataFrame:
    """Customers by tenure in the previous and the last ``months`` (``metrics.retention_value.tenure_counts``).

    One query, one pass over the orders grouped by customer; at most ``buckets``² rows come back (customers
    by their tenure in each window), summed here to one row per bucket: ``tenure`` (i32), ``active_prev``,
    ``retained``, ``active_now`` (i64), ``gross_profit`` (f64, in the last window).
    """
    o, c = schema.orders, schema.customers
    w2_start, w1_start = months_before(as_of, months), months_before(as_of, 2 * months)
    day = day_of(o.c.ordered_at)
    in_now = day > day_param("w2_start", w2_start)
    in_prev = sa.and_(day > day_param("w1_start", w1_start), day <= day_param("w2_end", w2_start))
    windows = (
        sa.select(o.c.customer_id, sa.func.min(day).label("first_order"),
                  sa.func.max(sa.case((in_prev, 1), else_=0)).label("in_prev"),
                  sa.func.max(sa.case((in_now, 1), else_=0)).label("in_now"),
                  sa.func.sum(sa.case((in_now, o.c.revenue - o.c.cost_of_goods), else_=0.0)).label("gp_now"))
        .where(*where_clauses("orders", whole(filters)),
               o.c.ordered_at < moment_param("orders_before", start_of_day_after(as_of)))
        .group_by(o.c.customer_id)
        .cte("windows")
    )
    tagged = (
        sa.select(
            tenure_of(windows.c.first_order, tenure_edges(w1_start, buckets), "prev_edge").label("tenure_prev"),
            tenure_of(windows.c.first_order, tenure_edges(w2_start, buckets), "now_edge").label("tenure_now"),
            windows.c.in_prev, windows.c.in_now, windows.c.gp_now,
        )
        .join_from(windows, c, windows.c.customer_id == c.c.customer_id)
        .where(*where_clauses("customers", whole(filters)))
        .cte("tagged")
    )
    stmt = (
        sa.select(tagged.c.tenure_prev, tagged.c.tenure_now, count_sum(tagged.c.in_prev).label("active_prev"),
                  count_sum(tagged.c.in_prev * tagged.c.in_now).label("retained"),
                  count_sum(tagged.c.in_now).label("active_now"),
                  sa.cast(sa.func.sum(tagged.c.gp_now), sa.Double).label("gross_profit"))
        .group_by(tagged.c.tenure_prev, tagged.c.tenure_now)
    )
    pairs = store.query(stmt).with_columns(pl.col("tenure_prev", "tenure_now").cast(pl.Int32),
                                           pl.col("active_prev", "retained", "active_now").cast(pl.Int64),
                                           pl.col("gross_profit").cast(pl.Float64))
    prev = pairs.group_by(pl.col("tenure_prev").alias("tenure")).agg(pl.col("active_prev", "retained").sum())
    now = pairs.group_by(pl.col("tenure_now").alias("tenure")).agg(pl.col("active_now", "gross_profit").sum())
    return (
        pl.DataFrame({"tenure": list(range(buckets))}, schema={"tenure": pl.Int32})
        .join(prev, on="tenure", how="left").join(now, on="tenure", how="left")
        .select("tenure", *(pl.col(c).fill_null(0).cast(pl.Int64) for c in ("active_prev", "retained", "active_now")),
                pl.col("gross_profit").cast(pl.Float64))
        .sort("tenure")
    )


def nps_group_counts(store: Store, filters: Filters, *, as_of: dt.date, answer_days: int = ANSWER_DAYS,
                     days: int = 365) -> pl.DataFrame:
    """The sums behind the value of promoters, passives and detractors
    (``metrics.retention_value.nps_group_counts``: same columns; ``nps_group`` null on the referred row).

    The database returns one row per score of a customer's first answer (at most 11) and one for the
    referred customers; the scores are grouped here with the one NPS rule (``metrics.rules``).
    """
    base = first_purchases(filters, as_of)
    o, n, r = schema.orders, schema.nps_responses, schema.referrals
    ranked = (
        sa.select(n.c.customer_id, n.c.score, sa.func.row_number().over(
            partition_by=n.c.customer_id, order_by=(n.c.responded_at, n.c.response_id)).label("answer"))
        .join_from(n, base, n.c.customer_id == base.c.customer_id)
        .where(*where_clauses("nps_responses", whole(filters)),
               days_between(day_of(n.c.responded_at), base.c.first_order) <= number_param("answer_days", answer_days))
        .cte("ranked")
    )
    first_answer = sa.select(ranked.c.customer_id, ranked.c.score).where(ranked.c.answer == 1).cte("first_answer")
    eligible = (sa.select(base.c.customer_id, base.c.first_order)
                .where(base.c.first_order <= day_param("eligible_until", as_of - dt.timedelta(days=days)))
                .cte("eligible"))
    day = day_of(o.c.ordered_at)
    first_year = (
        sa.select(o.c.customer_id,
                  sa.func.max(sa.case((day > eligible.c.first_order, 1), else_=0)).label("repeat"),
                  sa.func.sum(o.c.revenue - o.c.cost_of_goods).label("gross_profit"))
        .join_from(o, eligible, o.c.customer_id == eligible.c.customer_id)
        .where(*where_clauses("orders", whole(filters)),
               o.c.ordered_at < moment_param("orders_before", start_of_day_after(as_of)),
               days_between(day, eligible.c.first_order) <= number_param("days", days))
        .group_by(o.c.customer_id)
        .cte("first_year")
    )
    year = (
        sa.select(eligible.c.customer_id, sa.func.coalesce(first_year.c.repeat, 0).label("repeat"),
                  sa.func.coalesce(first_year.c.gross_profit, 0.0).label("gross_profit"))
        .join_from(eligible, first_year, eligible.c.customer_id == first_year.c.customer_id, isouter=True)
        .cte("year")
    )
    until = moment_param("referred_before", start_of_day_after(as_of))
    made = (sa.select(r.c.referrer_customer_id.label("customer_id"), sa.func.count().label("referrals"))
            .where(r.c.referred_at < until).group_by(r.c.referrer_customer_id).cte("made"))
    referred = (sa.select(r.c.referred_customer_id.label("customer_id")).where(r.c.referred_at < until)
                .group_by(r.c.referred_customer_id).cte("referred"))
    sums = (sa.func.count().label("customers"), count_sum(year.c.repeat).label("repeaters"),
            sa.cast(sa.func.sum(year.c.gross_profit), sa.Double).label("gross_profit"))
    per_score = (
        sa.select(first_answer.c.score, *sums,
                  count_sum(sa.func.coalesce(made.c.referrals, 0)).label("referrals"))
        .select_from(year.join(first_answer, year.c.customer_id == first_answer.c.customer_id)
                     .outerjoin(made, year.c.customer_id == made.c.customer_id))
        .group_by(first_answer.c.score)
    )
    of_referred = (
        sa.select(sa.cast(sa.null(), sa.SmallInteger).label("score"), *sums,
                  sa.cast(sa.null(), sa.BigInteger).label("referrals"))
        .select_from(year.join(referred, year.c.customer_id == referred.c.customer_id))
    )
    rows = store.query(sa.union_all(per_score, of_referred)).with_columns(
        pl.col("score").cast(pl.Int64), pl.col("customers", "repeaters", "referrals").cast(pl.Int64).fill_null(0),
        pl.col("gross_profit").cast(pl.Float64).fill_null(0.0))
    groups = (rows.filter(pl.col("score").is_not_null())
              .group_by(nps_group(pl.col("score")).alias("nps_group"))
              .agg(pl.col("customers", "repeaters", "gross_profit", "referrals").sum()))
    referred_row = rows.filter(pl.col("score").is_null()).select(
        pl.lit(None, dtype=pl.String).alias("nps_group"), "customers", "repeaters", "gross_profit", "referrals")
    return pl.concat([groups, referred_row])


def complaint_counts(store: Store, filters: Filters, *, as_of: dt.date, standard_hours: float,
                     days: int = 365) -> pl.DataFrame:
    """Complaints resolved within the standard vs late and what the customers bought in the year after
    (``metrics.retention_value.complaint_counts``: same columns, one row per speed present)."""
    c = schema.complaints
    o = orders_of(filters).cte("orders_in_view")
    hours = seconds_between(c.c.resolved_at, c.c.opened_at) / 3600.0
    fast = sa.and_(c.c.resolved_at.is_not(None), hours <= number_param("standard_hours", standard_hours))
    opened_before = dt.datetime.combine(as_of - dt.timedelta(days=days) + dt.timedelta(days=1), dt.time())
    comp = (
        sa.select(c.c.complaint_id, c.c.customer_id, c.c.opened_at, sa.case((fast, 1), else_=0).label("fast"))
        .where(*where_clauses("complaints", whole(filters)), c.c.customer_id.is_not(None),
               c.c.opened_at < moment_param("opened_before", opened_before))
        .cte("comp")
    )
    after = (
        sa.select(comp.c.complaint_id, sa.func.count().label("orders"),
                  sa.func.sum(o.c.revenue - o.c.cost_of_goods).label("gross_profit"))
        .join_from(comp, o, o.c.customer_id == comp.c.customer_id)
        .where(o.c.ordered_at > comp.c.opened_at,
               seconds_between(o.c.ordered_at, comp.c.opened_at) <= number_param("window", days * DAY_SECONDS))
        .group_by(comp.c.complaint_id)
        .cte("after")
    )
    stmt = (
        sa.select(comp.c.fast, sa.func.count().label("complaints"),
                  count_sum(sa.case((after.c.orders > 0, 1), else_=0)).label("ordered_again"),
                  sa.cast(sa.func.sum(sa.func.coalesce(after.c.gross_profit, 0.0)), sa.Double).label("gross_profit"))
        .select_from(comp.outerjoin(after, comp.c.complaint_id == after.c.complaint_id))
        .group_by(comp.c.fast)
    )
    rows = store.query(stmt)
    return rows.select(
        pl.when(pl.col("fast") == 1).then(pl.lit("fast")).otherwise(pl.lit("slow")).alias("speed"),
        pl.col("complaints").cast(pl.Int64), pl.col("ordered_again").cast(pl.Int64),
        pl.col("gross_profit").cast(pl.Float64))


def new_customer_sums(store: Store, filters: Filters, *, last_day: dt.date,
                      horizon_days: int | None = 365) -> pl.DataFrame:
    """What new customers brought, summed per acquisition channel (``metrics.scenarios.new_customer_sums``:
    same rule and columns)."""
    c = schema.customers
    o = orders_of(filters).cte("orders_in_view")
    cust = (sa.select(c.c.customer_id, c.c.first_seen, c.c.acquisition_channel_id.label("channel_id"))
            .where(*where_clauses("customers", whole(filters))).cte("cust"))
    if horizon_days is None:  # each customer's first order (the lowest id among orders at the same moment)
        first_at = (sa.select(o.c.customer_id, sa.func.min(o.c.ordered_at).label("first_at"))
                    .group_by(o.c.customer_id).cte("first_at"))
        first_id = (
            sa.select(o.c.customer_id, sa.func.min(o.c.order_id).label("order_id"))
            .join_from(o, first_at, sa.and_(o.c.customer_id == first_at.c.customer_id,
                                            o.c.ordered_at == first_at.c.first_at))
            .group_by(o.c.customer_id)
            .cte("first_id")
        )
        stmt = (
            sa.select(cust.c.channel_id, sa.func.count().label("valued_customers"),
                      sa.cast(sa.func.sum(o.c.revenue), sa.Double).label("revenue"),
                      sa.cast(sa.func.sum(o.c.revenue - o.c.cost_of_goods), sa.Double).label("gross_profit"))
            .select_from(first_id.join(o, o.c.order_id == first_id.c.order_id)
                         .join(cust, cust.c.customer_id == first_id.c.customer_id))
            .group_by(cust.c.channel_id)
            .order_by(cust.c.channel_id)
        )
    else:  # the cohort's sizes, and its orders in each customer's first window summed per channel
        end = dt.datetime.combine(last_day - dt.timedelta(days=horizon_days - 1), dt.time())
        cohort = sa.select(cust).where(cust.c.first_seen < moment_param("acquired_before", end)).cte("cohort")
        sizes = (sa.select(cohort.c.channel_id, sa.func.count().label("valued_customers"))
                 .group_by(cohort.c.channel_id).cte("sizes"))
        window = (
            sa.select(cohort.c.channel_id, sa.func.sum(o.c.revenue).label("revenue"),
                      sa.func.sum(o.c.revenue - o.c.cost_of_goods).label("gross_profit"))
            .join_from(o, cohort, o.c.customer_id == cohort.c.customer_id)
            .where(seconds_between(o.c.ordered_at, cohort.c.first_seen)
                   < number_param("horizon", horizon_days * DAY_SECONDS))
            .group_by(cohort.c.channel_id)
            .cte("first_window")
        )
        stmt = (
            sa.select(sizes.c.channel_id, sizes.c.valued_customers,
                      sa.cast(sa.func.coalesce(window.c.revenue, 0.0), sa.Double).label("revenue"),
                      sa.cast(sa.func.coalesce(window.c.gross_profit, 0.0), sa.Double).label("gross_profit"))
            .join_from(sizes, window, sizes.c.channel_id == window.c.channel_id, isouter=True)
            .order_by(sizes.c.channel_id)
        )
    return store.query(stmt).select(pl.col("channel_id").cast(pl.String), pl.col("valued_customers").cast(pl.Int64),
                                    pl.col("revenue").cast(pl.Float64), pl.col("gross_profit").cast(pl.Float64))
