"""Each customer's purchase history, built in SQL: the common table expressions the customer queries share.

A *purchase* is a calendar day with at least one order (``metrics.retention``). The
channel filter picks orders and customers by the customer's acquisition channel, the
region filter by the row's own region (``connectors.read.where_clauses``); the period
never applies here: a customer's history is whole, "as of" a day. Every value the
view chooses (the as-of day, window edges) is a bound parameter.

Day arithmetic is written with portable constructs only: ``CAST(... AS DATE)``,
``EXTRACT(epoch FROM later - earlier)`` for a span, ``EXTRACT(year / month ...)``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from connectors import schema
from connectors.read import Filters, where_clauses

DAY_SECONDS = 86400.0
HASH_MULTIPLIER = 2654435761  # Knuth's multiplicative hash: (id · 2654435761) mod 2³² spreads consecutive ids evenly
HASH_MODULUS = 4294967296


def whole(filters: Filters) -> Filters:
    """The filters without their period: channels and regions only."""
    return filters.with_period(None, None)


def day_of(col: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(col, sa.Date)


def seconds_between(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    """``later − earlier`` in seconds (two timestamps)."""
    return sa.extract("epoch", later - earlier)


def days_between(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    """``later − earlier`` in whole days (two dates), as a double (PostgreSQL's EXTRACT gives NUMERIC)."""
    return sa.cast(seconds_between(sa.cast(later, sa.DateTime), sa.cast(earlier, sa.DateTime)) / DAY_SECONDS,
                   sa.Double)


def count_sum(expr: sa.ColumnElement) -> sa.ColumnElement:
    """SUM of a count or a 0/1 flag, as a BIGINT everywhere (PostgreSQL sums BIGINTs to NUMERIC)."""
    return sa.cast(sa.func.sum(expr), sa.BigInteger)


def month_index(day: sa.ColumnElement) -> sa.ColumnElement:
    """year · 12 + month − 1 of a date (``metrics.retention.month_index``)."""
    return (sa.cast(sa.extract("year", day), sa.Integer) * 12 + sa.cast(sa.extract("month", day), sa.Integer)
            - 1)


def customer_hash(customer_id: sa.ColumnElement) -> sa.ColumnElement:
    """``(customer_id · 2654435761) mod 2³²`` in BIGINT arithmetic: the same number on every engine (no engine's
    own hash function), a bijection on ids below 2³², so ordering by it (then by id) is a fixed shuffle."""
    mult = sa.cast(sa.bindparam("hash_multiplier", HASH_MULTIPLIER, sa.BigInteger, unique=True), sa.BigInteger)
    mod = sa.cast(sa.bindparam("hash_modulus", HASH_MODULUS, sa.BigInteger, unique=True), sa.BigInteger)
    return (sa.cast(customer_id, sa.BigInteger) * mult) % mod


def day_param(name: str, value: dt.date) -> sa.BindParameter:
    return sa.bindparam(name, value, sa.Date, unique=True)


def moment_param(name: str, value: dt.datetime) -> sa.BindParameter:
    return sa.bindparam(name, value, sa.DateTime, unique=True)


def number_param(name: str, value: float) -> sa.BindParameter:
    return sa.bindparam(name, float(value), sa.Float, unique=True)


def start_of_day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def orders_of(filters: Filters) -> sa.Select:
    """The orders under the channel and region filters (every column), whole history."""
    o = schema.orders
    return sa.select(o).where(*where_clauses("orders", whole(filters)))


def purchase_days(filters: Filters, name: str = "daily", *, until: dt.date | None = None) -> sa.CTE:
    """One row per customer and purchase day: ``customer_id``, ``day``, ``revenue``, ``gross_profit``
    (``metrics.retention.daily_purchases``); with ``until``, only the days up to it."""
    o = schema.orders
    day = day_of(o.c.ordered_at)
    where = where_clauses("orders", whole(filters))
    if until is not None:
        where.append(o.c.ordered_at < moment_param("orders_before", start_of_day_after(until)))
    return (
        sa.select(o.c.customer_id, day.label("day"), sa.func.sum(o.c.revenue).label("revenue"),
                  sa.func.sum(o.c.revenue - o.c.cost_of_goods).label("gross_profit"))
        .where(*where)
        .group_by(o.c.customer_id, day)
        .cte(name)
    )


def first_purchases(filters: Filters, as_of: dt.date, name: str = "firsts") -> sa.CTE:
    """Customers (filters as customers) with an order up to ``as_of`` and the day of their first one:
    ``customer_id``, ``acquisition_channel_id``, ``first_order`` (one aggregation of the orders by customer)."""
    o, c = schema.orders, schema.customers
    firsts = (
        sa.select(o.c.customer_id, sa.func.min(day_of(o.c.ordered_at)).label("first_order"))
        .where(*where_clauses("orders", whole(filters)),
               o.c.ordered_at < moment_param("orders_before", start_of_day_after(as_of)))
        .group_by(o.c.customer_id)
        .cte(f"{name}_orders")
    )
    return (
        sa.select(c.c.customer_id, c.c.acquisition_channel_id, firsts.c.first_order)
        .join_from(c, firsts, c.c.customer_id == firsts.c.customer_id)
        .where(*where_clauses("customers", whole(filters)))
        .cte(name)
    )


def tenure_of(first: sa.ColumnElement, edges: list[dt.date], prefix: str) -> sa.ColumnElement:
    """The tenure bucket of a first purchase: how many of ``edges`` (``metrics.retention_value.tenure_edges``)
    it is on or before."""
    terms = [sa.case((first <= day_param(f"{prefix}_{k}", edge), 1), else_=0) for k, edge in enumerate(edges)]
    return sum(terms[1:], terms[0]) if terms else sa.literal(0, sa.Integer)
