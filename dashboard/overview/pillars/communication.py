"""Communication pillar on the Overview: engagement rate, net followers and referral share.

Engagement rate is by reach (the default denominator, named in the label); its change is in
percentage points. Referral share is company-wide (the channel filter does not apply, as on the
Communication page). The numbers come from the Communication page's cached database reads.
"""

from __future__ import annotations

from dashboard.communication import data as comm
from dashboard.context import PageContext
from dashboard.overview.data import Headline, trend_points
from metrics.communication import engagement_from_sums, growth_from_spans
from metrics.periods import full_buckets
from metrics.word_of_mouth import referral_share_from_counts


def _trend(values: list[float | None]) -> tuple[float, ...]:
    return tuple(float(x) for x in values if x is not None)


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    start, end = ctx.period
    sums = comm.engagement(ctx, grain, False)
    spans = comm.follower_spans(ctx, grain, False)
    customers = comm.customer_counts(ctx, grain=grain)
    er_prev = net_prev = share_prev = None
    if ctx.comparison:
        er_prev = engagement_from_sums(comm.engagement(ctx, None, True))["er_reach"][0]
        prev_spans = comm.follower_spans(ctx, None, True)
        net_prev = float(growth_from_spans(prev_spans)["net"][0]) if prev_spans.height else None
        share_prev = referral_share_from_counts(comm.customer_counts(ctx, comparison=True))["referral_share"][0]
    er_points, er_span = trend_points(engagement_from_sums(sums, by=["period"]), "er_reach", grain, ctx.period)
    net_trend = full_buckets(growth_from_spans(spans, by=["period"]), start=start, end=end, grain=grain)["net"]
    share_trend = referral_share_from_counts(customers, by=["period"])["referral_share"].to_list()
    return [
        Headline("er_reach", engagement_from_sums(sums)["er_reach"][0], er_prev, change="points",
                 trend=er_points, empty="overview.no_posts", grain=grain, span=er_span),
        Headline("net_followers", float(comm.growth_total(spans)["net"][0]) if spans.height else None, net_prev,
                 change="absolute", trend=_trend(net_trend.to_list()), empty="comm.overview.no_followers"),
        Headline("referral_share", referral_share_from_counts(customers)["referral_share"][0], share_prev,
                 change="points", trend=_trend(share_trend), company_wide=True, empty="comm.overview.no_customers"),
    ]
