"""The Sales page's journey inputs, counted by the database.

- :func:`read_touch_counts`: the period's new customers' whole tracked journeys before their first
  order, counted per number of touches, per bucket of days, per first channel (with the medians)
  and per acquisition channel — a few hundred rows whatever the number of customers. The same
  journeys as :func:`connectors.journeys.read_conversion_touches` (one row per customer), which
  :func:`metrics.journeys.touch_counts` turns into the same counts (tested equal).
Attribution's counts are in :mod:`connectors.attribution_counts`.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from connectors.journeys import new_customer_journeys
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
