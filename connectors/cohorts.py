"""A cohort's gross profit month by month since acquisition, for the payback period.

Months are 30.4375-day steps from each customer's first order (``first_seen``);
month 0 holds the first order. A customer counts as observed through month k when
the data reach at least k + 1 whole months past their first order.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.read import Filters, where_clauses
from connectors.store import Store

MONTH_DAYS = 30.4375


def _months(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.floor(sa.extract("epoch", later - earlier) / (86400.0 * MONTH_DAYS))


def read_cohort_margin(store: Store, filters: Filters, *, data_end: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The period's new customers (filters as for customers) and their orders over all time.

    Returns ``(margin, sizes)``: ``margin`` has ``observed`` (i64: whole months observed),
    ``month`` (i64: months since acquisition), ``gross_profit`` (f64, currency);
    ``sizes`` has ``observed``, ``customers`` and ``repeat`` (i64: customers with two
    orders or more so far).
    """
    c, o = schema.customers, schema.orders
    where = where_clauses("customers", filters)
    end = dt.datetime.combine(data_end + dt.timedelta(days=1), dt.time())
    cust = sa.select(
        c.c.customer_id, c.c.first_seen, _months(sa.literal(end, sa.DateTime), c.c.first_seen).label("observed"),
    ).where(*where).cte("cohort")
    month = _months(o.c.ordered_at, cust.c.first_seen)
    margin = (
        sa.select(cust.c.observed, month.label("month"),
                  sa.func.sum(o.c.revenue - o.c.cost_of_goods).label("gross_profit"))
        .join(cust, o.c.customer_id == cust.c.customer_id)
        .where(o.c.ordered_at >= cust.c.first_seen)
        .group_by(cust.c.observed, month)
        .order_by(cust.c.observed, month)
    )
    per_customer = (
        sa.select(o.c.customer_id, sa.func.count().label("orders"))
        .join(cust, o.c.customer_id == cust.c.customer_id)
        .group_by(o.c.customer_id)
        .cte("cohort_orders")
    )
    sizes = (
        sa.select(cust.c.observed, sa.func.count().label("customers"),
                  sa.func.sum(sa.case((per_customer.c.orders >= 2, 1), else_=0)).label("repeat"))
        .select_from(cust.outerjoin(per_customer, cust.c.customer_id == per_customer.c.customer_id))
        .group_by(cust.c.observed)
        .order_by(cust.c.observed)
    )
    m = store.query(margin).select(pl.col("observed").cast(pl.Int64), pl.col("month").cast(pl.Int64),
                                   pl.col("gross_profit").cast(pl.Float64))
    s = store.query(sizes).select(pl.col("observed").cast(pl.Int64), pl.col("customers").cast(pl.Int64),
                                  pl.col("repeat").cast(pl.Int64))
    return m, s
