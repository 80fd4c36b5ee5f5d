"""The Overview's numbers: each pillar's spend, share of budget and headline result.

Everything is computed by ``metrics`` functions on frames from the cached loaders;
this module only decides which metric answers which pillar and gathers current and
comparison values, so the page stays a description of the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.data import PageContext
from metrics.budget import PILLARS, spend_by_pillar
from metrics.periods import full_buckets
from metrics.communication import engagement_by_period, engagement_totals
from metrics.reputation import nps, nps_by_period
from metrics.sales import sales_by_period, sales_totals


@dataclass(frozen=True)
class Headline:
    metric: str  # name in metrics.specs
    value: float | None
    previous: float | None
    margin: float | None = None  # ± for estimates with sampling error (NPS)
    n: int | None = None  # answers behind the value, when it is a survey result
    trend: tuple[float, ...] = ()


@dataclass(frozen=True)
class PillarSummary:
    pillar: str
    spend: float
    share: float | None
    spend_previous: float | None
    headline: Headline


def trend_grain(days: int) -> str:
    """A trend line's bucket: daily for a month, weekly up to half a year, monthly beyond."""
    if days <= 31:
        return "day"
    if days <= 190:
        return "week"
    return "month"


def pillar_summaries(ctx: PageContext) -> list[PillarSummary]:
    has_cmp = ctx.comparison is not None
    spend_now = spend_by_pillar(ctx.load("spend", columns=("channel_id", "amount")), ctx.channels)
    spend_prev = (
        spend_by_pillar(ctx.load("spend", comparison=True, columns=("channel_id", "amount")), ctx.channels)
        if has_cmp else None
    )
    days = (ctx.period[1] - ctx.period[0]).days + 1
    grain = trend_grain(days)
    headlines = {
        "sales": _sales_headline(ctx, grain),
        "reputation": _reputation_headline(ctx, grain),
        "communication": _communication_headline(ctx, grain),
    }
    out = []
    for pillar in PILLARS:
        row = spend_now.filter(pl.col("pillar") == pillar).row(0, named=True)
        prev = spend_prev.filter(pl.col("pillar") == pillar)["spend"][0] if spend_prev is not None else None
        out.append(PillarSummary(pillar, row["spend"], row["share"], prev, headlines[pillar]))
    return out


def _sales_headline(ctx: PageContext, grain: str) -> Headline:
    cols = ("ordered_at", "revenue", "cost_of_goods")
    orders = ctx.load("orders", columns=cols)
    now = sales_totals(orders)["revenue"][0]
    prev = sales_totals(ctx.load("orders", comparison=True, columns=cols))["revenue"][0] if ctx.comparison else None
    trend = full_buckets(sales_by_period(orders, grain=grain), start=ctx.period[0], end=ctx.period[1],
                         grain=grain)["revenue"].to_list()
    return Headline("revenue", now if orders.height else None, prev, trend=tuple(trend))


def _reputation_headline(ctx: PageContext, grain: str) -> Headline:
    cols = ("responded_at", "score")
    answers = ctx.load("nps_responses", columns=cols)
    now = nps(answers).row(0, named=True)
    prev = nps(ctx.load("nps_responses", comparison=True, columns=cols)).row(0, named=True) if ctx.comparison else None
    trend_grain_nps = "month" if grain == "month" else "week"
    trend = nps_by_period(answers, grain=trend_grain_nps)["nps"].to_list()
    return Headline(
        "nps", now["nps"], prev["nps"] if prev else None, margin=now["margin_of_error"], n=now["n"],
        trend=tuple(x for x in trend if x is not None),
    )


def _communication_headline(ctx: PageContext, grain: str) -> Headline:
    cols = ("published_at", "reach", "impressions", "likes", "comments", "shares", "saves")
    posts = ctx.load("social_posts", columns=cols)
    now = engagement_totals(posts)["engagements"][0]
    prev = (
        engagement_totals(ctx.load("social_posts", comparison=True, columns=cols))["engagements"][0]
        if ctx.comparison else None
    )
    trend = full_buckets(engagement_by_period(posts, grain=grain), start=ctx.period[0], end=ctx.period[1],
                         grain=grain)["engagements"].to_list()
    return Headline("engagements", float(now) if posts.height else None,
                    float(prev) if prev is not None else None, trend=tuple(float(x) for x in trend))
