"""Attribution journeys built in the database.

The same journeys as :func:`metrics.attribution.build_paths` (tested equal), but the
work happens in SQL, so a year of touchpoints never travels to the app:

- converting journeys: new customers of the period (``customers.first_seen`` in the
  period, region filter on the customer) with every touch of theirs within the
  look-back window before the first order; value = revenue and gross profit of the
  orders placed at ``first_seen`` (the first order);
- non-converting journeys: anonymous journeys (touches without a customer) whose
  last touch falls in the period, their touches within the look-back window before
  that last touch, merged by identical path (only the Markov models need them, and
  only as counts).

The channel filter is not applied: cutting channels out of journeys would change
what the models measure (pages show the selected channels' rows instead).
Anonymous journeys carry no region, so a region filter keeps all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from connectors import query_log, schema
from connectors.read import Filters, where_clauses
from connectors.store import Store

PATH_COLUMNS = ("customer_id", "ended_at", "path", "days_before", "conversions", "value", "gross_profit", "nulls")


@dataclass(frozen=True)
class JourneyPaths:
    """``paths``: converting journeys one per customer, non-converting ones merged by path.

    Columns: ``customer_id`` (i64, null for merged non-converting rows), ``ended_at``
    (datetime), ``path`` (list[str]), ``days_before`` (list[f64], days; null for
    non-converting rows), ``conversions`` (i64), ``value`` (f64, first-order revenue),
    ``gross_profit`` (f64, first-order gross profit), ``nulls`` (i64).
    ``untracked``: new customers of the period with no touch in their window.
    """

    paths: pl.DataFrame
    untracked: int
    new_customers: int


def _bounds(filters: Filters) -> tuple[dt.datetime | None, dt.datetime | None]:
    lo = dt.datetime.combine(filters.start, dt.time()) if filters.start else None
    hi = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time()) if filters.end else None
    return lo, hi


def _in_period(col: sa.ColumnElement, lo: dt.datetime | None, hi: dt.datetime | None) -> list[sa.ColumnElement]:
    out = []
    if lo is not None:
        out.append(col >= lo)
    if hi is not None:
        out.append(col < hi)
    return out


def _days(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    return sa.extract("epoch", later - earlier) / 86400.0


def conversion_touches(filters: Filters, lookback_days: int) -> tuple[sa.CTE, sa.CTE, sa.CTE]:
    """CTEs of the converting journeys' parts: the period's new customers (``customer_id``,
    ``first_seen``, ``region``), their first orders' value (``customer_id``, ``value``, ``gross_profit``) and
    their touches within the look-back window before the first order (``customer_id``, ``journey_id``, ``ts``,
    ``channel_id``, ``first_seen``, ``region``)."""
    c, o, t = schema.customers, schema.orders, schema.touchpoints
    # new customers of the period in its regions; the channel filter does not cut journeys
    where = where_clauses("customers", Filters(filters.start, filters.end, (), filters.regions))
    cust = sa.select(c.c.customer_id, c.c.first_seen, c.c.region).where(*where).cte("cust")
    first = (
        sa.select(o.c.customer_id, sa.func.sum(o.c.revenue).label("value"),
                  sa.func.sum(o.c.revenue - o.c.cost_of_goods).label("gross_profit"))
        .join(cust, sa.and_(o.c.customer_id == cust.c.customer_id, o.c.ordered_at == cust.c.first_seen))
        .group_by(o.c.customer_id)
        .cte("first_order")
    )
    window = dt.timedelta(days=lookback_days)
    touches = (
        sa.select(t.c.customer_id, t.c.journey_id, t.c.ts, t.c.channel_id, cust.c.first_seen, cust.c.region)
        .join(cust, t.c.customer_id == cust.c.customer_id)
        .where(t.c.ts <= cust.c.first_seen, t.c.ts >= cust.c.first_seen - window)
        .cte("conv_touches")
    )
    return cust, first, touches


def conversion_paths_query(filters: Filters, lookback_days: int) -> tuple[sa.Select, sa.CTE]:
    """The converting journeys, and the CTE of the period's new customers."""
    cust, first, touches = conversion_touches(filters, lookback_days)
    order = (touches.c.ts, touches.c.journey_id, touches.c.channel_id)
    paths = (
        sa.select(
            touches.c.customer_id,
            sa.func.max(touches.c.first_seen).label("ended_at"),
            sa.func.array_agg(aggregate_order_by(touches.c.channel_id, *order)).label("path"),
            sa.func.array_agg(aggregate_order_by(_days(touches.c.first_seen, touches.c.ts), *order)).label(
                "days_before"),
        )
        .group_by(touches.c.customer_id)
        .cte("conv_paths")
    )
    return (
        sa.select(
            paths.c.customer_id, paths.c.ended_at, paths.c.path, paths.c.days_before,
            sa.literal(1, sa.BigInteger).label("conversions"),
            sa.func.coalesce(first.c.value, 0.0).label("value"),
            sa.func.coalesce(first.c.gross_profit, 0.0).label("gross_profit"),
            sa.literal(0, sa.BigInteger).label("nulls"),
        )
        .select_from(paths.outerjoin(first, paths.c.customer_id == first.c.customer_id))
        .order_by(paths.c.ended_at, paths.c.customer_id)
    ), cust


class channels_in_order(FunctionElement):
    """Aggregate: the channels of a group's touches as a list ordered by (ts, channel).

    ``array_agg(channel ORDER BY ts, channel)``. On DuckDB, whose ordered aggregates
    slow down with millions of groups, an unordered list of (ts, channel) structs,
    sorted per group afterwards: the same list, about a third less work.
    """

    inherit_cache = True
    name = "channels_in_order"


@compiles(channels_in_order)
def _channels_in_order(element: channels_in_order, compiler, **kw) -> str:
    channel, ts = element.clauses
    return compiler.process(sa.func.array_agg(aggregate_order_by(channel, ts, channel)), **kw)


@compiles(channels_in_order, "duckdb")
def _channels_in_order_duckdb(element: channels_in_order, compiler, **kw) -> str:
    channel, ts = (compiler.process(c, **kw) for c in element.clauses)
    return f"list_transform(list_sort(list(struct_pack(ts := {ts}, c := {channel}))), lambda x: x.c)"


def anonymous_touches(filters: Filters, lookback_days: int) -> sa.CTE:
    """The touches of the period's non-converting journeys: ``journey_id``, ``ts``, ``channel_id``, ``ended_at``
    (the journey's last touch).

    One pass over the anonymous touches of [period start − window, period end): each
    journey's end is ``max(ts) over (partition by journey_id)``; a journey counts when
    its end falls in the period, with its touches of the window before that end. Touches
    after the period cannot belong to a journey ending in it, so they are not read, except
    for the ids of journeys still going on after the period (their true end lies later):
    those are left out by an anti-join. The cost grows with the touches of the period and
    the window, not with the history (no self-join of the touches).
    """
    t = schema.touchpoints
    later = schema.touchpoints.alias("later")
    lo, hi = _bounds(filters)
    window = dt.timedelta(days=lookback_days)
    where = [t.c.customer_id.is_(None), *_in_period(t.c.ts, None if lo is None else lo - window, hi)]
    if hi is not None:
        where.append(~sa.exists().where(later.c.journey_id == t.c.journey_id, later.c.customer_id.is_(None),
                                        later.c.ts >= hi))
    anon = (
        sa.select(t.c.journey_id, t.c.ts, t.c.channel_id,
                  sa.func.max(t.c.ts).over(partition_by=t.c.journey_id).label("ended_at"))
        .where(*where)
        .cte("anon")
    )
    kept = [anon.c.ts >= anon.c.ended_at - window, *_in_period(anon.c.ended_at, lo, None)]
    return sa.select(anon.c.journey_id, anon.c.ts, anon.c.channel_id, anon.c.ended_at).where(*kept).cte("anon_touches")


def null_paths_query(filters: Filters, lookback_days: int) -> sa.Select:
    """Non-converting journeys merged by path: ``path`` (channel ids in time order), ``nulls`` (journeys);
    the journeys of :func:`anonymous_touches`."""
    anon = anonymous_touches(filters, lookback_days)
    per_journey = (
        sa.select(anon.c.journey_id, channels_in_order(anon.c.channel_id, anon.c.ts).label("path"))
        .group_by(anon.c.journey_id)
        .cte("anon_paths")
    )
    return sa.select(per_journey.c.path, sa.func.count().label("nulls")).group_by(per_journey.c.path)


def read_paths(store: Store, filters: Filters, *, lookback_days: int = 30) -> JourneyPaths:
    """The period's attribution journeys (see the module docstring)."""
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    conv_stmt, cust = conversion_paths_query(filters, lookback_days)
    with query_log.labelled("journeys.converting"):
        conv = store.query(conv_stmt)
    with query_log.labelled("journeys.anonymous"):
        nulls = store.query(null_paths_query(filters, lookback_days))
    with query_log.labelled("journeys.new_customers"):
        new_customers = int(store.query(sa.select(sa.func.count()).select_from(cust)).item())
    conv = conv.select(
        pl.col("customer_id").cast(pl.Int64),
        pl.col("ended_at").cast(pl.Datetime("us")),
        pl.col("path").cast(pl.List(pl.String)),
        pl.col("days_before").cast(pl.List(pl.Float64)),
        pl.col("conversions").cast(pl.Int64),
        pl.col("value").cast(pl.Float64),
        pl.col("gross_profit").cast(pl.Float64),
        pl.col("nulls").cast(pl.Int64),
    )
    nulls = nulls.select(
        pl.lit(None, dtype=pl.Int64).alias("customer_id"),
        pl.lit(None, dtype=pl.Datetime("us")).alias("ended_at"),
        pl.col("path").cast(pl.List(pl.String)),
        pl.lit(None, dtype=pl.List(pl.Float64)).alias("days_before"),
        pl.lit(0, dtype=pl.Int64).alias("conversions"),
        pl.lit(0.0).alias("value"),
        pl.lit(0.0).alias("gross_profit"),
        pl.col("nulls").cast(pl.Int64),
    ).sort(pl.col("path").list.join(">"))
    paths = pl.concat([conv, nulls])
    return JourneyPaths(paths, new_customers - conv.height, new_customers)


def new_customer_journeys(filters: Filters) -> tuple[sa.CTE, sa.CTE]:
    """The period's new customers (``cust``: customer_id, first_seen, acquisition_channel_id) and, per tracked
    customer, their journey up to the first order (``per``: customer_id, touches, first_ts, first_channel)."""
    c, t = schema.customers, schema.touchpoints
    where = where_clauses("customers", filters)
    cust = sa.select(c.c.customer_id, c.c.first_seen, c.c.acquisition_channel_id).where(*where).cte("cust")
    ranked = (
        sa.select(
            t.c.customer_id, t.c.ts, t.c.channel_id,
            sa.func.row_number().over(partition_by=t.c.customer_id, order_by=(t.c.ts, t.c.channel_id)).label("rn"),
        )
        .join(cust, t.c.customer_id == cust.c.customer_id)
        .where(t.c.ts <= cust.c.first_seen)
        .cte("ranked")
    )
    per = (
        sa.select(
            ranked.c.customer_id,
            sa.func.count().label("touches"),
            sa.func.min(ranked.c.ts).label("first_ts"),
            sa.func.max(sa.case((ranked.c.rn == 1, ranked.c.channel_id))).label("first_channel"),
        )
        .group_by(ranked.c.customer_id)
        .cte("per_customer")
    )
    return cust, per


def read_conversion_touches(store: Store, filters: Filters) -> pl.DataFrame:
    """Every new customer of the period with their whole tracked journey before the first order.

    No look-back limit (this is the journey's length, not a credit window). Returns
    ``customer_id`` (i64), ``acquisition_channel_id`` (str), ``first_channel`` (str, null when
    untracked), ``touches`` (i64, touches up to the first order), ``days`` (f64, days from
    the first touch to the first order; null when untracked). Channel filter: on the
    customer's acquisition channel, as for customers everywhere.
    """
    cust, per = new_customer_journeys(filters)
    stmt = (
        sa.select(
            cust.c.customer_id, cust.c.acquisition_channel_id, per.c.first_channel,
            sa.func.coalesce(per.c.touches, 0).label("touches"),
            _days(cust.c.first_seen, per.c.first_ts).label("days"),
        )
        .select_from(cust.outerjoin(per, cust.c.customer_id == per.c.customer_id))
        .order_by(cust.c.customer_id)
    )
    frame = store.query(stmt)
    return frame.select(
        pl.col("customer_id").cast(pl.Int64), pl.col("acquisition_channel_id").cast(pl.String),
        pl.col("first_channel").cast(pl.String), pl.col("touches").cast(pl.Int64), pl.col("days").cast(pl.Float64),
    )
