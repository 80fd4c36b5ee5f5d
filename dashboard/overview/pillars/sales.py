"""Sales pillar on the Overview: revenue, summed by the database (the total and one row per trend bucket)."""

from __future__ import annotations

from dashboard.context import PageContext
from dashboard.overview.data import Headline, trend_points
from metrics.periods import full_buckets


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    now = ctx.measures("orders", ["orders", "revenue"]).row(0, named=True)
    prev = ctx.measures("orders", ["revenue"], comparison=True)["revenue"][0] if ctx.comparison else None
    trend = full_buckets(ctx.measures("orders", ["revenue"], grain=grain), start=ctx.period[0], end=ctx.period[1],
                         grain=grain)
    points, span = trend_points(trend, "revenue", grain, ctx.period)
    return [Headline("revenue", now["revenue"] if now["orders"] else None, prev,
                     trend=points, empty="overview.no_orders", grain=grain, span=span)]
