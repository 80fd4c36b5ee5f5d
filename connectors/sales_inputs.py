"""The Sales page's journey inputs, counted by the database.

- :func:`read_touch_counts`: the period's new customers' whole tracked journeys before their first
  order, counted per number of touches, per bucket of days, per first channel (with the medians)
  and per acquisition channel — a few hundred rows whatever the number of customers. The same
  journeys as :func:`connectors.journeys.read_conversion_touches` (one row per customer), which
  :func:`metrics.journeys.touch_counts` turns into the same counts (tested equal).
- :func:`read_attribution_journeys`: the attribution journeys of :func:`connectors.journeys.read_paths`
  (built by its queries) merged by identical path — one row per distinct path — with time decay's
  credit per channel summed by the database (each touch weighs 2^(−age / half-life) within its
  journey), so no journey travels to the app;
- :func:`read_merged_paths`: the merged paths alone, for every model but time decay;
- :func:`read_time_decay_credit`: time decay's credit per channel alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa

from connectors.journeys import conversion_paths_query, conversion_touches, new_customer_journeys, null_paths_query
from connectors.read import Filters
from connectors.store import Store
from metrics.journeys import DAY_EDGES, TouchCounts


def _days(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    return sa.extract("epoch", later - earlier) / 86400.0


def _day_bucket(days: sa.ColumnElement) -> sa.ColumnElement:
    """:func:`metrics.journeys.day_bucket` in SQL: k for days >= DAY_EDGES[k-1], 0 below the first edge."""
    whens = [(days >= sa.literal(edge, sa.Double), k) for k, edge in reversed(list(enumerate(DAY_EDGES, start=1)))]
    return sa.case(*whens, (days.is_not(None), 0))


def _median(col: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(sa.func.percentile_cont(0.5).within_group(col), sa.Double)


def journeys_to_sale_query(filters: Filters) -> sa.Select:
    """Grouping sets over the new customers' journeys (see :func:`read_touch_counts`)."""
    cust, per = new_customer_journeys(filters)
    days = _days(cust.c.first_seen, per.c.first_ts)
    journeys = (
        sa.select(
            cust.c.acquisition_channel_id, per.c.first_channel,
            sa.func.coalesce(per.c.touches, 0).label("touches"), days.label("days"), _day_bucket(days).label("bucket"),
        )
        .select_from(cust.outerjoin(per, cust.c.customer_id == per.c.customer_id))
        .cte("journeys")
    )
    keys = (journeys.c.touches, journeys.c.bucket, journeys.c.first_channel, journeys.c.acquisition_channel_id)
    tracked = journeys.c.touches > 0
    return (
        sa.select(
            *keys,
            *[sa.func.grouping(k).label(f"g_{k.name}") for k in keys],
            sa.func.count().label("customers"),
            sa.cast(sa.func.sum(sa.case((tracked, 1), else_=0)), sa.BigInteger).label("tracked"),
            sa.cast(sa.func.sum(journeys.c.touches), sa.BigInteger).label("touch_sum"),
            _median(journeys.c.touches).label("median_touches"),
            _median(journeys.c.days).label("median_days"),
        )
        .group_by(sa.func.grouping_sets(*[sa.tuple_(k) for k in keys]))
    )


def read_touch_counts(store: Store, filters: Filters) -> TouchCounts:
    """The period's new customers' journeys to the first order, counted (:class:`metrics.journeys.TouchCounts`).

    No look-back limit (this is the journey's length, not a credit window). Customers are the
    period's new customers under the filters (channel filter on the acquisition channel, as
    for customers everywhere); their touches are every touch up to the first order; the first
    channel is the earliest touch's (ties broken by channel id).
    """
    frame = store.query(journeys_to_sale_query(filters))
    count = pl.col("customers").cast(pl.Int64)
    touch_sum = pl.col("touch_sum").cast(pl.Int64).alias("touches")

    def of(key: str) -> pl.DataFrame:
        return frame.filter(pl.col(f"g_{key}") == 0)

    by_touches = of("touches").select(pl.col("touches").cast(pl.Int64), count).sort("touches")
    return TouchCounts(
        by_touches=by_touches,
        by_days=of("bucket").select(pl.col("bucket").cast(pl.Int64), count).sort("bucket", nulls_last=True),
        by_first_channel=of("first_channel").filter(pl.col("first_channel").is_not_null()).select(
            pl.col("first_channel").cast(pl.String), count, touch_sum,
            pl.col("median_touches").cast(pl.Float64), pl.col("median_days").cast(pl.Float64),
        ).sort("first_channel"),
        by_acquisition=of("acquisition_channel_id").filter(pl.col("tracked") > 0).select(
            pl.col("acquisition_channel_id").cast(pl.String).alias("channel_id"),
            pl.col("tracked").cast(pl.Int64).alias("customers"), touch_sum,
        ).sort("channel_id", nulls_last=True),
        new_customers=int(by_touches["customers"].sum()),
    )


@dataclass(frozen=True)
class AttributionJourneys:
    """``paths``: the attribution journeys merged by identical path: ``path`` (list[str]), ``conversions``
    (i64), ``value``, ``gross_profit`` (f64), ``nulls`` (i64). ``time_decay``: time decay's credit per
    channel (``channel``, ``conversions``, ``value``, ``gross_profit``; channels that earned some) for
    ``half_life_days``. ``untracked``: new customers of the period with no touch in their window;
    ``new_customers``: all of them."""

    paths: pl.DataFrame
    time_decay: pl.DataFrame
    half_life_days: float
    untracked: int
    new_customers: int



def merged_paths_query(filters: Filters, lookback_days: int) -> tuple[sa.Select, sa.CTE]:
    """The journeys of :func:`connectors.journeys.read_paths`, summed per identical path."""
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    conv_stmt, cust = conversion_paths_query(filters, lookback_days)
    conv = conv_stmt.order_by(None).subquery("conv")
    lost = null_paths_query(filters, lookback_days).subquery("lost")
    zero, none = sa.cast(sa.literal(0), sa.BigInteger), sa.cast(sa.literal(0.0), sa.Double)
    both = sa.union_all(
        sa.select(conv.c.path, sa.cast(conv.c.conversions, sa.BigInteger).label("conversions"),
                  sa.cast(conv.c.value, sa.Double).label("value"),
                  sa.cast(conv.c.gross_profit, sa.Double).label("gross_profit"), zero.label("nulls")),
        sa.select(lost.c.path, zero, none, none, sa.cast(lost.c.nulls, sa.BigInteger)),
    ).subquery("journeys")
    types = {"conversions": sa.BigInteger, "value": sa.Double, "gross_profit": sa.Double, "nulls": sa.BigInteger}
    return sa.select(
        both.c.path, *[sa.cast(sa.func.sum(both.c[c]), kind).label(c) for c, kind in types.items()],
    ).group_by(both.c.path), cust


def time_decay_credit_query(filters: Filters, lookback_days: int, half_life_days: float) -> sa.Select:
    """Time decay's credit per channel (:func:`metrics.attribution.attribute_paths` with ``time_decay``)
    summed over the converting journeys: a touch ``age`` days before the first order weighs
    2^(−age / half-life), each journey's weights are scaled to one conversion and its first order's value."""
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    if not half_life_days > 0:
        raise ValueError("half_life_days must be positive")
    _, first, touches = conversion_touches(filters, lookback_days)
    age = sa.func.greatest(sa.extract("epoch", touches.c.first_seen - touches.c.ts) / 86400.0, 0.0)
    weight = sa.func.power(sa.literal(0.5, sa.Double), age / sa.literal(float(half_life_days), sa.Double))
    weighted = sa.select(
        touches.c.customer_id, touches.c.channel_id, weight.label("w"),
        sa.func.sum(weight).over(partition_by=touches.c.customer_id).label("total"),
    ).cte("weighted")
    share = weighted.c.w / weighted.c.total
    return (
        sa.select(
            weighted.c.channel_id.label("channel"),
            sa.cast(sa.func.sum(share), sa.Double).label("conversions"),
            sa.cast(sa.func.sum(share * sa.func.coalesce(first.c.value, 0.0)), sa.Double).label("value"),
            sa.cast(sa.func.sum(share * sa.func.coalesce(first.c.gross_profit, 0.0)), sa.Double).label("gross_profit"),
        )
        .select_from(weighted.outerjoin(first, weighted.c.customer_id == first.c.customer_id))
        .group_by(weighted.c.channel_id)
    )


def _paths_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("path").cast(pl.List(pl.String)), pl.col("conversions").cast(pl.Int64),
        pl.col("value").cast(pl.Float64), pl.col("gross_profit").cast(pl.Float64), pl.col("nulls").cast(pl.Int64),
    ).sort(pl.col("path").list.join(">"))


def read_merged_paths(store: Store, filters: Filters, *, lookback_days: int = 30) -> pl.DataFrame:
    """The period's attribution journeys merged by identical path, as
    :func:`metrics.attribution.aggregate_paths` of :func:`connectors.journeys.read_paths`'s paths:
    ``path`` (list[str]), ``conversions`` (i64), ``value``, ``gross_profit`` (f64), ``nulls`` (i64) — for
    every model but time decay, which needs the touch ages (:func:`read_time_decay_credit`)."""
    stmt, _ = merged_paths_query(filters, lookback_days)
    return _paths_frame(store.query(stmt))


def read_time_decay_credit(store: Store, filters: Filters, *, lookback_days: int = 30,
                           half_life_days: float = 7.0) -> pl.DataFrame:
    """Time decay's credit per channel (:func:`time_decay_credit_query`): ``channel``, ``conversions``,
    ``value``, ``gross_profit``, one row per channel with a touch in a converting journey."""
    frame = store.query(time_decay_credit_query(filters, lookback_days, half_life_days))
    return frame.select(
        pl.col("channel").cast(pl.String), *[pl.col(c).cast(pl.Float64) for c in ("conversions", "value", "gross_profit")],
    ).sort("channel")


def read_attribution_journeys(store: Store, filters: Filters, *, lookback_days: int = 30,
                              half_life_days: float = 7.0) -> AttributionJourneys:
    """The period's attribution journeys for every model, time decay included
    (:class:`AttributionJourneys`): every model gets the same credit as from
    :func:`connectors.journeys.read_paths`'s paths (tested), from one row per distinct path and one per channel."""
    stmt, cust = merged_paths_query(filters, lookback_days)
    paths = _paths_frame(store.query(stmt))
    decay = read_time_decay_credit(store, filters, lookback_days=lookback_days, half_life_days=half_life_days)
    new_customers = int(store.query(sa.select(sa.func.count()).select_from(cust)).item())
    return AttributionJourneys(paths, decay, float(half_life_days), new_customers - int(paths["conversions"].sum()),
                               new_customers)
