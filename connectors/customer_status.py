"""The Retention & profit page's customer model, computed by the database: each customer's status
(``metrics.retention``: offended, seasonal, loyal, ... as of a day) and RFM summary, cohorts, churn.

What comes back is grouped: customers per (status, frequency, recency, T, value per repeat
purchase) — the exact inputs of the CLV fits, which need no finer detail — cohorts per
(acquisition month, channel, months since), churn as two counts. Only a CRM export asks for
the customers of one status one by one.

The rules are the ones of ``metrics.retention`` (thresholds are settings; the NPS cut-off comes from
``metrics.rules``); the tests compare every frame with those functions on raw rows.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.customer_history import (
    count_sum, customer_hash, day_of, day_param, days_between, first_purchases, moment_param, month_index,
    number_param, purchase_days, start_of_day_after, whole,
)
from connectors.read import Filters, where_clauses
from connectors.store import Store
from metrics.clv_totals import SUM_COLUMNS
from metrics.cohorts import last_complete_month
from metrics.retention import NEGATIVE_RATING_MAX, SEASON_MONTHS, SEASON_YEARS, months_before
from metrics.rules import DETRACTOR_MAX

REPEAT_DAYS = 365  # the repeat-purchase rate's window after the first purchase
RFM_KEYS = ("status", "frequency", "recency_days", "T_days", "monetary_value")
if SEASON_YEARS != 2 or not 1 <= SEASON_MONTHS <= 6:
    raise ValueError("the seasonal rule in SQL counts two season years for seasons of up to six months")


def _i(name: str, value: int) -> sa.BindParameter:
    return sa.bindparam(name, int(value), sa.Integer, unique=True)


def _offended(filters: Filters, as_of: dt.date, months: int) -> sa.CTE:
    """Customers with a grievance on ``as_of`` (``metrics.retention.offended_customers``)."""
    c, n, r = schema.complaints, schema.nps_responses, schema.reviews
    end = moment_param("grievance_end", start_of_day_after(as_of))
    since = moment_param("grievance_since", start_of_day_after(months_before(as_of, months)))
    open_complaint = sa.select(c.c.customer_id).where(
        *where_clauses("complaints", whole(filters)), c.c.customer_id.is_not(None), c.c.opened_at < end,
        sa.or_(c.c.resolved_at.is_(None), c.c.resolved_at >= end))
    detractor = sa.select(n.c.customer_id).where(
        *where_clauses("nps_responses", whole(filters)), n.c.customer_id.is_not(None), n.c.responded_at >= since,
        n.c.responded_at < end, n.c.score <= _i("detractor_max", DETRACTOR_MAX))
    negative = sa.case((r.c.rating.is_not(None), r.c.rating <= _i("negative_rating", NEGATIVE_RATING_MAX)),
                       else_=r.c.sentiment == sa.bindparam("negative", "negative", sa.String, unique=True))
    bad_review = sa.select(r.c.customer_id).where(
        *where_clauses("reviews", whole(filters)), r.c.customer_id.is_not(None), r.c.created_at >= since,
        r.c.created_at < end, negative)
    return sa.union(open_complaint, detractor, bad_review).cte("offended")


def _customers(store: Store, filters: Filters, *, as_of: dt.date, active_months: int, lost_months: int,
               loyal_orders: int) -> sa.CTE:
    """:func:`customer_rows_query`, or the same rows from the customers' rollup where it serves the view
    (:mod:`connectors.rollups`: current, as of the same day, with the same thresholds)."""
    from connectors import rollups

    built = rollups.built(store)
    if built is not None and built.customers_cover(filters, as_of, active_months, lost_months, loyal_orders):
        return rollups.customer_rows_rollup(filters)
    return customer_rows_query(filters, as_of=as_of, active_months=active_months, lost_months=lost_months,
                               loyal_orders=loyal_orders)


def customer_rows_query(filters: Filters, *, as_of: dt.date, active_months: int, lost_months: int,
                        loyal_orders: int) -> sa.CTE:
    """One row per customer with a purchase up to ``as_of``: history, status (null for a buyer who is not among
    the filtered customers), RFM summary in days and the repeat-purchase flags."""
    cust = schema.customers
    daily = purchase_days(filters, until=as_of)
    hist = (
        sa.select(daily.c.customer_id, sa.func.min(daily.c.day).label("first_order"),
                  sa.func.max(daily.c.day).label("last_order"), sa.func.count().label("purchases"),
                  sa.func.sum(daily.c.revenue).label("revenue"), sa.func.sum(daily.c.gross_profit).label("gross_profit"))
        .group_by(daily.c.customer_id).cte("history")
    )
    month = sa.cast(sa.extract("month", daily.c.day), sa.Integer) - 1
    repeat = daily.c.day > hist.c.first_order
    per_day = (
        sa.select(daily.c.customer_id, daily.c.day, daily.c.gross_profit, hist.c.first_order, month.label("m"),
                  sa.cast(sa.extract("year", daily.c.day), sa.Integer).label("y"),
                  sa.case((repeat, 1), else_=0).label("repeat"))
        .join_from(daily, hist, daily.c.customer_id == hist.c.customer_id)
        .cte("per_day")
    )
    again = sa.and_(per_day.c.repeat == 1,
                    days_between(per_day.c.day, per_day.c.first_order) <= number_param("repeat_days", REPEAT_DAYS))
    in_month = [sa.func.sum(sa.case((sa.and_(per_day.c.repeat == 1, per_day.c.m == k), 1), else_=0)).label(f"m{k}")
                for k in range(12)]
    repeat_month = sa.case((per_day.c.repeat == 1, per_day.c.y * 12 + per_day.c.m))
    detail = (
        sa.select(per_day.c.customer_id,
                  sa.func.sum(sa.case((per_day.c.repeat == 0, per_day.c.gross_profit), else_=0.0)).label("first_value"),
                  sa.func.max(sa.case((again, 1), else_=0)).label("repeated"), *in_month,
                  (sa.func.max(repeat_month) - sa.func.min(repeat_month)).label("repeat_span"))
        .group_by(per_day.c.customer_id).cte("detail")
    )
    # seasonal rule: the earliest window of SEASON_MONTHS months holding every repeat purchase, in at least two
    # season years. With every repeat purchase inside one window, two of them are in the same season year when
    # at most SEASON_MONTHS − 1 months apart and in different ones when at least 13 − SEASON_MONTHS apart, so
    # "two season years or more" is "repeat purchases SEASON_MONTHS months apart or more".
    repeats = sum((detail.c[f"m{k}"] for k in range(1, 12)), detail.c.m0)
    fits = [(sa.and_(repeats > 0, repeats == sum((detail.c[f"m{(s + k) % 12}"] for k in range(1, SEASON_MONTHS)),
                                                 detail.c[f"m{s}"])), _i(f"season_{s}", s)) for s in range(12)]
    season = sa.case(*fits, else_=None)
    window = (
        sa.select(detail.c.customer_id, season.label("s"),
                  sa.case((sa.and_(season.is_not(None), detail.c.repeat_span >= _i("span", SEASON_MONTHS)), 1),
                          else_=0).label("seasonal"))
        .cte("window")
    )
    # ... and now outside it: the window's start months for which the as-of month is off season
    off_starts = [s for s in range(12) if (as_of.month - 1 - s) % 12 >= SEASON_MONTHS]
    offended = _offended(filters, as_of, active_months)
    base = (sa.select(cust.c.customer_id, cust.c.acquisition_channel_id, cust.c.region, cust.c.segment)
            .where(*where_clauses("customers", whole(filters))).cte("filtered"))
    active = hist.c.last_order > day_param("active_since", months_before(as_of, active_months))
    off_season = sa.and_(window.c.seasonal == 1, window.c.s.in_([_i("off", s) for s in off_starts]))
    status = sa.case(
        (base.c.customer_id.is_(None), None),
        (offended.c.customer_id.is_not(None), "offended"),
        (sa.and_(active, off_season), "seasonal"),
        (sa.and_(active, hist.c.purchases >= _i("loyal_orders", loyal_orders)), "loyal"),
        (sa.and_(active, hist.c.purchases == 1), "non_loyal"),
        (active, "active"),
        (hist.c.last_order > day_param("lost_before", months_before(as_of, lost_months)), "lapsed"),
        else_="lost",
    )
    as_of_day = day_param("rfm_end", as_of)
    return (
        sa.select(
            hist.c.customer_id, base.c.acquisition_channel_id, base.c.region, base.c.segment, hist.c.first_order,
            hist.c.last_order, hist.c.purchases, hist.c.revenue, hist.c.gross_profit, status.label("status"),
            (hist.c.purchases - 1).label("frequency"),
            days_between(hist.c.last_order, hist.c.first_order).label("recency_days"),
            days_between(as_of_day, hist.c.first_order).label("T_days"),
            sa.case((hist.c.purchases > 1, (hist.c.gross_profit - detail.c.first_value) / (hist.c.purchases - 1)),
                    else_=0.0).label("monetary_value"),
            sa.case((hist.c.first_order <= day_param("eligible", as_of - dt.timedelta(days=REPEAT_DAYS)), 1),
                    else_=0).label("eligible"),
            detail.c.repeated,
        )
        .select_from(
            hist.join(detail, detail.c.customer_id == hist.c.customer_id)
            .join(window, window.c.customer_id == hist.c.customer_id)
            .outerjoin(base, base.c.customer_id == hist.c.customer_id)
            .outerjoin(offended, offended.c.customer_id == hist.c.customer_id)
        )
        .cte("customer_rows")
    )


def _rfm_types(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("status").cast(pl.String), pl.col("frequency").cast(pl.Int64),
        pl.col("recency_days").round().cast(pl.Int64), pl.col("T_days").round().cast(pl.Int64),
        pl.col("monetary_value").cast(pl.Float64))


def status_groups(store: Store, filters: Filters, *, as_of: dt.date, active_months: int = 12,
                  lost_months: int = 24, loyal_orders: int = 3, fit_customers: int | None = None) -> pl.DataFrame:
    """Customers grouped by status, and the CLV fits' sample grouped by RFM summary, as of ``as_of`` under the
    channel and region filters: one query, one pass over the customers.

    The fits take at most ``fit_customers`` customers (all when None or when there are no more): the first
    ones in the order of :func:`connectors.customer_history.customer_hash` (ties by id), the same customers on
    every engine. Columns: ``status`` (str; null for buyers outside the filtered customers), ``fitted`` (i64:
    1 for the sample's rows), ``frequency`` (i64, repeat purchase days), ``recency_days`` and ``T_days`` (i64,
    first to last purchase day, first purchase day to ``as_of``), ``monetary_value`` (f64, mean gross profit
    of the repeat purchase days) — the four null on the one row per status of the customers outside the
    sample — then per group ``customers``, ``revenue`` and ``gross_profit`` (to date), ``eligible``
    (customers whose first purchase is at least a year old) and ``repeated`` (of those, bought again within
    a year). Summed per status, the rows give every status's totals; the sample's rows are what the fits
    need (each repeat customer's own mean value keeps most of them apart), so at most ``fit_customers`` + 8
    rows come back.
    """
    rows = _customers(store, filters, as_of=as_of, active_months=active_months, lost_months=lost_months,
                      loyal_orders=loyal_orders)
    if fit_customers is None:
        fitted = sa.literal(1, sa.Integer)
    else:
        rank = sa.func.row_number().over(order_by=(customer_hash(rows.c.customer_id), rows.c.customer_id))
        fitted = sa.case((rank <= _i("fit_customers", fit_customers), 1), else_=0)
    flagged = sa.select(rows, fitted.label("fitted")).cte("flagged")
    source = (sa.select(flagged.c.status, flagged.c.fitted, flagged.c.revenue, flagged.c.gross_profit,
                        flagged.c.eligible, flagged.c.repeated,
                        *(sa.case((flagged.c.fitted == 1, flagged.c[k])).label(k) for k in RFM_KEYS[1:]))
              .cte("sampled"))  # the grouping keys as plain columns (DuckDB groups by no bound value)
    keys = [source.c[k] for k in ("status", "fitted", *RFM_KEYS[1:])]
    eligible = count_sum(sa.case((source.c.status.is_not(None), source.c.eligible), else_=0))
    repeated = count_sum(sa.case((source.c.status.is_not(None), source.c.eligible * source.c.repeated), else_=0))
    stmt = sa.select(*keys, sa.func.count().label("customers"),
                     sa.cast(sa.func.sum(source.c.revenue), sa.Double).label("revenue"),
                     sa.cast(sa.func.sum(source.c.gross_profit), sa.Double).label("gross_profit"),
                     eligible.label("eligible"), repeated.label("repeated")).group_by(*keys)
    return _rfm_types(store.query(stmt)).with_columns(
        pl.col("fitted", "customers", "eligible", "repeated").cast(pl.Int64),
        pl.col("revenue", "gross_profit").cast(pl.Float64))


def prediction_sums(store: Store, filters: Filters, *, as_of: dt.date, r: float, alpha: float, a: float,
                    b: float, bucket_days: int = 1, active_months: int = 12, lost_months: int = 24,
                    loyal_orders: int = 3) -> pl.DataFrame:
    """What the CLV predictions of every customer need, summed by the database with the fitted BG/NBD
    parameters (weekly units) as bound values: the customers grouped by ``status``, ``frequency`` and their
    age T in buckets of ``bucket_days`` days (1: the exact age).

    Each customer's probability of being alive, P = 1 / (1 + a/(b+x−1) · ((alpha+T)/(alpha+t_x))^(r+x)) for
    x > 0 repeat purchases (1 without any; ``metrics.clv.probability_alive``), is the only part of the
    outlook that depends on the recency t_x; the expected value per purchase is linear in the mean value m.
    So per group, with u = T − ``age_start`` (weeks into the bucket): ``customers`` (i64), ``alive`` = Σ P,
    ``alive_u`` = Σ P·u, ``alive_u2`` = Σ P·u², ``alive_value`` = Σ P·m, ``alive_value_u`` = Σ P·m·u and
    ``alive_value_u2`` = Σ P·m·u², from which ``metrics.clv_totals.population_predictions`` computes the
    group's expected purchases and CLV. Rows grow with statuses × frequencies × age buckets, not with the
    number of customers.
    """
    rows = _customers(store, filters, as_of=as_of, active_months=active_months, lost_months=lost_months,
                      loyal_orders=loyal_orders)
    week = number_param("week_days", 7.0)
    x, tx, T, m = rows.c.frequency, rows.c.recency_days / week, rows.c.T_days / week, rows.c.monetary_value
    p = {k: number_param(f"fit_{k}", v) for k, v in (("r", r), ("alpha", alpha), ("a", a), ("b", b))}
    # ln of the odds' second term; b + max(x, 1) − 1 > 0 keeps the logarithm defined where x = 0 is not used
    log_term = (sa.func.ln(p["a"]) - sa.func.ln(p["b"] + sa.func.greatest(x, 1) - 1)
                + (p["r"] + x) * (sa.func.ln(p["alpha"] + T) - sa.func.ln(p["alpha"] + tx)))
    alive = sa.case((x == 0, sa.cast(1.0, sa.Double)),
                    else_=1.0 / (1.0 + sa.func.exp(sa.func.least(log_term, number_param("exp_cap", 700.0)))))
    bucket = number_param("bucket_days", bucket_days)
    age = sa.cast(sa.func.floor(rows.c.T_days / bucket), sa.BigInteger)
    per_customer = sa.select(
        rows.c.status, x.label("frequency"), age.label("age"), sa.cast(alive, sa.Double).label("p"),
        sa.cast(m, sa.Double).label("m"),
        sa.cast((rows.c.T_days - age * bucket) / week, sa.Double).label("u"),  # weeks since the bucket's start
    ).cte("alive")
    c = per_customer.c

    def total(expr: sa.ColumnElement, name: str) -> sa.Label:
        return sa.cast(sa.func.sum(expr), sa.Double).label(name)

    stmt = sa.select(
        c.status, c.frequency, c.age, sa.func.count().label("customers"),
        total(c.p, "alive"), total(c.p * c.u, "alive_u"), total(c.p * c.u * c.u, "alive_u2"),
        total(c.p * c.m, "alive_value"), total(c.p * c.m * c.u, "alive_value_u"),
        total(c.p * c.m * c.u * c.u, "alive_value_u2"),
    ).group_by(c.status, c.frequency, c.age)
    return store.query(stmt).select(
        pl.col("status").cast(pl.String), pl.col("frequency").cast(pl.Int64),
        (pl.col("age").cast(pl.Float64) * bucket_days / 7.0).alias("age_start"), pl.col("customers").cast(pl.Int64),
        *(pl.col(k).cast(pl.Float64) for k in SUM_COLUMNS))


def status_customers(store: Store, filters: Filters, status: str, *, as_of: dt.date, active_months: int = 12,
                     lost_months: int = 24, loyal_orders: int = 3) -> pl.DataFrame:
    """The customers of one status, one row each (for a CRM export): ``customer_id``,
    ``acquisition_channel_id``, ``region``, ``segment``, ``first_order``, ``last_order``, ``purchases``,
    ``revenue``, ``gross_profit``, ``status`` and the RFM columns of :func:`status_groups`."""
    rows = _customers(store, filters, as_of=as_of, active_months=active_months, lost_months=lost_months,
                      loyal_orders=loyal_orders)
    cols = ("customer_id", "acquisition_channel_id", "region", "segment", "first_order", "last_order", "purchases",
            "revenue", "gross_profit", *RFM_KEYS)
    stmt = (sa.select(*(rows.c[c] for c in cols))
            .where(rows.c.status == sa.bindparam("wanted", status, sa.String)).order_by(rows.c.customer_id))
    return _rfm_types(store.query(stmt)).with_columns(
        pl.col("customer_id", "purchases").cast(pl.Int64), pl.col("first_order", "last_order").cast(pl.Date),
        pl.col("revenue", "gross_profit").cast(pl.Float64),
        *(pl.col(c).cast(pl.String) for c in ("acquisition_channel_id", "region", "segment")))


def cohort_activity(store: Store, filters: Filters, *, as_of: dt.date) -> pl.DataFrame:
    """Customers buying in each month since their acquisition month, per cohort and acquisition channel
    (``metrics.cohorts.cohort_activity`` with ``by=("acquisition_channel_id",)``: same columns)."""
    o = schema.orders
    firsts = first_purchases(filters, as_of)
    dated = (
        sa.select(o.c.customer_id, firsts.c.acquisition_channel_id, month_index(firsts.c.first_order).label("c_idx"),
                  month_index(day_of(o.c.ordered_at)).label("m_idx"),
                  (o.c.revenue - o.c.cost_of_goods).label("gross_profit"))
        .join_from(o, firsts, o.c.customer_id == firsts.c.customer_id)
        .where(*where_clauses("orders", whole(filters)),
               o.c.ordered_at < moment_param("orders_until", start_of_day_after(as_of)))
        .cte("dated_orders")
    )
    months = (
        sa.select(dated.c.customer_id, dated.c.acquisition_channel_id, dated.c.c_idx, dated.c.m_idx,
                  sa.func.sum(dated.c.gross_profit).label("gross_profit"))
        .where(dated.c.m_idx <= _i("last_complete", last_complete_month(as_of)))
        .group_by(dated.c.customer_id, dated.c.acquisition_channel_id, dated.c.c_idx, dated.c.m_idx)
        .cte("customer_months")
    )
    since = (months.c.m_idx - months.c.c_idx).label("months_since")
    stmt = (
        sa.select(months.c.c_idx, months.c.acquisition_channel_id, since, sa.func.count().label("active"),
                  sa.cast(sa.func.sum(months.c.gross_profit), sa.Double).label("gross_profit"))
        .group_by(months.c.c_idx, months.c.acquisition_channel_id, months.c.m_idx)
    )
    frame = store.query(stmt)
    c_idx = pl.col("c_idx").cast(pl.Int64)
    return frame.select(
        pl.date(c_idx // 12, c_idx % 12 + 1, 1).alias("cohort"), pl.col("acquisition_channel_id").cast(pl.String),
        pl.col("months_since").cast(pl.Int32), pl.col("active").cast(pl.Int64), pl.col("gross_profit").cast(pl.Float64),
    ).sort("cohort", "acquisition_channel_id", "months_since")


def churn_counts(store: Store, filters: Filters, *, start: dt.date, end: dt.date,
                 active_months: int = 12) -> pl.DataFrame:
    """Customers active when the period starts and, of those, still active when it ends
    (``metrics.cohorts.churn_counts``: one row, same columns)."""
    o, c = schema.orders, schema.customers
    day = day_of(o.c.ordered_at)
    s_from, e_from = months_before(start, active_months), months_before(end, active_months)
    at_start = sa.and_(day > day_param("start_from", s_from), day <= day_param("start", start))
    at_end = day > day_param("end_from", e_from)
    flags = (
        sa.select(o.c.customer_id, sa.func.max(sa.case((at_start, 1), else_=0)).label("at_start"),
                  sa.func.max(sa.case((at_end, 1), else_=0)).label("at_end"))
        .where(*where_clauses("orders", whole(filters)),
               o.c.ordered_at >= moment_param("scan_from", start_of_day_after(s_from)),
               o.c.ordered_at < moment_param("scan_to", start_of_day_after(end)))
        .group_by(o.c.customer_id).cte("flags")
    )
    stmt = (
        sa.select(count_sum(flags.c.at_start).label("active_at_start"),
                  count_sum(flags.c.at_start * flags.c.at_end).label("still_active"))
        .join_from(flags, c, flags.c.customer_id == c.c.customer_id)
        .where(*where_clauses("customers", whole(filters)))
    )
    return store.query(stmt).select(pl.col("active_at_start", "still_active").cast(pl.Int64).fill_null(0))
