"""Sales pillar on the Overview: revenue."""

from __future__ import annotations

from dashboard.context import PageContext
from dashboard.overview.data import Headline
from metrics.periods import full_buckets
from metrics.sales import sales_by_period, sales_totals

COLUMNS = ("ordered_at", "revenue", "cost_of_goods")


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    orders = ctx.load("orders", columns=COLUMNS)
    now = sales_totals(orders)["revenue"][0]
    prev = sales_totals(ctx.load("orders", comparison=True, columns=COLUMNS))["revenue"][0] if ctx.comparison else None
    trend = full_buckets(sales_by_period(orders, grain=grain), start=ctx.period[0], end=ctx.period[1], grain=grain)
    return [Headline("revenue", now if orders.height else None, prev, trend=tuple(trend["revenue"].to_list()),
                     empty="overview.no_orders")]
