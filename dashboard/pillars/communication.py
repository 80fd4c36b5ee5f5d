"""Communication pillar on the Overview: engagements on social posts."""

from __future__ import annotations

from dashboard.data import PageContext
from dashboard.overview import Headline
from metrics.communication import engagement_by_period, engagement_totals
from metrics.periods import full_buckets

COLUMNS = ("published_at", "reach", "impressions", "likes", "comments", "shares", "saves")


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    posts = ctx.load("social_posts", columns=COLUMNS)
    now = engagement_totals(posts)["engagements"][0]
    prev = (
        engagement_totals(ctx.load("social_posts", comparison=True, columns=COLUMNS))["engagements"][0]
        if ctx.comparison else None
    )
    trend = full_buckets(engagement_by_period(posts, grain=grain), start=ctx.period[0], end=ctx.period[1],
                         grain=grain)
    return [Headline("engagements", float(now) if posts.height else None,
                     float(prev) if prev is not None else None,
                     trend=tuple(float(x) for x in trend["engagements"].to_list()), empty="overview.no_posts")]
