"""Communication pillar on the Overview: engagement rate, net followers and referral share.

Engagement rate is by reach (the default denominator, named in the label); its change is in
percentage points. Referral share is company-wide (the channel filter does not apply, as on the
Communication page).
"""

from __future__ import annotations

from dashboard.communication.data import CUSTOMER_COLUMNS, FOLLOWER_COLUMNS, load_company_wide
from dashboard.context import PageContext
from dashboard.overview.data import Headline
from metrics.communication import engagement_by_period, engagement_totals, follower_growth
from metrics.periods import full_buckets
from metrics.word_of_mouth import referral_share, referral_share_by_period

POST_COLUMNS = ("published_at", "reach", "impressions", "likes", "comments", "shares", "saves", "clicks")


def _trend(values: list[float | None]) -> tuple[float, ...]:
    return tuple(float(x) for x in values if x is not None)


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    start, end = ctx.period
    posts = ctx.load("social_posts", columns=POST_COLUMNS)
    followers = ctx.load("social_followers", columns=FOLLOWER_COLUMNS)
    customers = load_company_wide(ctx, "customers", columns=CUSTOMER_COLUMNS)
    er_prev = net_prev = share_prev = None
    if ctx.comparison:
        er_prev = engagement_totals(ctx.load("social_posts", comparison=True, columns=POST_COLUMNS))["er_reach"][0]
        prev_followers = ctx.load("social_followers", comparison=True, columns=FOLLOWER_COLUMNS)
        net_prev = float(follower_growth(prev_followers)["net"][0]) if prev_followers.height else None
        share_prev = referral_share(load_company_wide(ctx, "customers", columns=CUSTOMER_COLUMNS,
                                                      comparison=True))["referral_share"][0]
    er_trend = engagement_by_period(posts, grain=grain)["er_reach"].to_list()
    net_trend = full_buckets(follower_growth(followers, grain=grain), start=start, end=end, grain=grain)["net"]
    share_trend = referral_share_by_period(customers, grain=grain)["referral_share"].to_list()
    return [
        Headline("er_reach", engagement_totals(posts)["er_reach"][0], er_prev, change="points",
                 trend=_trend(er_trend), empty="overview.no_posts"),
        Headline("net_followers", float(follower_growth(followers)["net"][0]) if followers.height else None, net_prev,
                 change="absolute", trend=_trend(net_trend.to_list()), empty="comm.overview.no_followers"),
        Headline("referral_share", referral_share(customers)["referral_share"][0], share_prev, change="points",
                 trend=_trend(share_trend), company_wide=True, empty="comm.overview.no_customers"),
    ]
