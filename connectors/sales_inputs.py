"""The Sales page's journey inputs, counted by the database.

- :func:`read_touch_counts`: the period's new customers' whole tracked journeys before their first
  order, counted per number of touches, per bucket of days, per first channel (with the medians)
  and per acquisition channel — a few hundred rows whatever the number of customers. The same
  journeys as :func:`connectors.journeys.read_conversion_touches` (one row per customer), which
  :func:`metrics.journeys.touch_counts` turns into the same counts (tested equal).
- :func:`read_attribution_journeys`: the attribution journeys of :func:`connectors.journeys.read_paths`
  (built by its queries) grouped in SQL where no model can tell them apart: non-converting journeys
  by path, one-touch converting journeys by channel; journeys of several touches stay one row each,
  since time decay weighs their touches by age.
- :func:`read_merged_paths`: the same journeys merged by identical path, for every model but time
  decay: one row per distinct path.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from connectors.journeys import conversion_paths_query, new_customer_journeys, null_paths_query
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


class _length(sa.sql.functions.FunctionElement):
    """The number of elements of an array (``cardinality`` in PostgreSQL and Spark, ``len`` in DuckDB)."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(_length)
def _length_sql(element, compiler, **kw) -> str:
    return f"cardinality({compiler.process(element.clauses, **kw)})"


@compiles(_length, "duckdb")
def _length_duckdb(element, compiler, **kw) -> str:
    return f"len({compiler.process(element.clauses, **kw)})"


@dataclass(frozen=True)
class AttributionJourneys:
    """``paths``: the attribution journeys grouped where no model can tell them apart: ``path``
    (list[str]), ``days_before`` (list[f64], days; null for rows without conversions), ``conversions``
    (i64), ``value``, ``gross_profit`` (f64), ``nulls`` (i64). ``untracked``: new customers of the period
    with no touch in their window; ``new_customers``: all of them."""

    paths: pl.DataFrame
    untracked: int
    new_customers: int


def _grouped_paths_query(filters: Filters, lookback_days: int, *, touch_times: bool) -> tuple[sa.Select, sa.CTE]:
    """The journeys of :func:`connectors.journeys.read_paths`, summed per path (and, with ``touch_times``,
    per touch ages: journeys of several touches stay apart, one-touch journeys of a channel merge — time
    decay gives a lone touch all the credit whatever its age)."""
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    conv_stmt, cust = conversion_paths_query(filters, lookback_days)
    conv = conv_stmt.order_by(None).subquery("conv")
    lost = null_paths_query(filters, lookback_days).subquery("lost")
    zero, none = sa.cast(sa.literal(0), sa.BigInteger), sa.cast(sa.literal(0.0), sa.Double)
    days = sa.case((_length(conv.c.path) == 1, sa.null()), else_=conv.c.days_before) if touch_times else sa.null()
    both = sa.union_all(
        sa.select(conv.c.path, days.label("days_before"),
                  sa.cast(conv.c.conversions, sa.BigInteger).label("conversions"),
                  sa.cast(conv.c.value, sa.Double).label("value"),
                  sa.cast(conv.c.gross_profit, sa.Double).label("gross_profit"), zero.label("nulls")),
        sa.select(lost.c.path, sa.null(), zero, none, none, sa.cast(lost.c.nulls, sa.BigInteger)),
    ).subquery("journeys")
    types = {"conversions": sa.BigInteger, "value": sa.Double, "gross_profit": sa.Double, "nulls": sa.BigInteger}
    keys = (both.c.path, both.c.days_before) if touch_times else (both.c.path,)
    return sa.select(
        *keys, *[sa.cast(sa.func.sum(both.c[c]), kind).label(c) for c, kind in types.items()],
    ).group_by(*keys), cust


def _paths_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("path").cast(pl.List(pl.String)),
        *([pl.col("days_before").cast(pl.List(pl.Float64))] if "days_before" in frame.columns else []),
        pl.col("conversions").cast(pl.Int64), pl.col("value").cast(pl.Float64),
        pl.col("gross_profit").cast(pl.Float64), pl.col("nulls").cast(pl.Int64),
    )


def read_attribution_journeys(store: Store, filters: Filters, *, lookback_days: int = 30) -> AttributionJourneys:
    """The period's attribution journeys for every model (time decay included), grouped in SQL where that
    changes no model's result (:class:`AttributionJourneys`); the same credit as
    :func:`connectors.journeys.read_paths`'s paths (tested)."""
    stmt, cust = _grouped_paths_query(filters, lookback_days, touch_times=True)
    paths = _paths_frame(store.query(stmt)).with_columns(
        # a lone touch: any age gives it all of time decay's credit
        days_before=pl.when(pl.col("days_before").is_null() & (pl.col("conversions") > 0))
        .then(pl.lit([0.0], dtype=pl.List(pl.Float64))).otherwise(pl.col("days_before")),
    ).sort(pl.col("path").list.join(">"), pl.col("days_before").list.eval(pl.element().cast(pl.String)).list.join(","),
           nulls_last=True)
    new_customers = int(store.query(sa.select(sa.func.count()).select_from(cust)).item())
    return AttributionJourneys(paths, new_customers - int(paths["conversions"].sum()), new_customers)


def read_merged_paths(store: Store, filters: Filters, *, lookback_days: int = 30) -> pl.DataFrame:
    """The period's attribution journeys merged by identical path, as
    :func:`metrics.attribution.aggregate_paths` of :func:`connectors.journeys.read_paths`'s paths:
    ``path`` (list[str]), ``conversions`` (i64), ``value``, ``gross_profit`` (f64), ``nulls`` (i64) — for
    every model but time decay, which needs the touch ages."""
    stmt, _ = _grouped_paths_query(filters, lookback_days, touch_times=False)
    return _paths_frame(store.query(stmt)).sort(pl.col("path").list.join(">"))
