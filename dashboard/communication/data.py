"""The Communication page's numbers: widget keys, loads under the shared filters, and every frame the
page shows, computed by ``metrics`` functions (social media, the newsletter, word of mouth).

How the shared filters apply here: the channel filter applies to social posts and followers
(channel ``social_media``) and to e-mails (``newsletter``); posts, followers and e-mails have no
region, so a region filter leaves them in. Word of mouth is a company-wide outcome like NPS: the
channel filter does not apply to it (the share of new customers who came by referral is taken
over all new customers), the region filter does (customers, orders and NPS answers have one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import streamlit as st

from connectors.read import Filters
from dashboard import context as app_data
from dashboard.context import PageContext
from metrics.communication import (
    DENOMINATORS, engagement_by_period, engagement_rate, engagement_totals, follower_growth, posts_with_followers,
    top_posts,
)
from metrics.newsletter import email_by_period, email_funnel
from metrics.periods import full_buckets
from metrics.post_types import post_type_comparison, promo_or_other, promo_penalty, unfollows_per_post
from metrics.word_of_mouth import (
    referral_share, referral_share_by_period, referrals_by_nps_class, referred_customer_value,
)

# widget keys and their URL parameters (declared in dashboard/registry.py, the "communication" page)
ER_KEY = "comm_er"
GRAIN_KEY = "comm_grain"
P_ER = "er"
P_GRAIN = "grain"
GRAINS = ("day", "week", "month")
DEFAULT_DENOMINATOR = "reach"
DEFAULT_GRAIN = "week"
ALL_NETWORKS = "all"
TOP_POSTS = 10

POST_COLUMNS = ("post_id", "network", "published_at", "post_type", "title", "impressions", "reach", "likes",
                "comments", "shares", "saves", "clicks")
FOLLOWER_COLUMNS = ("network", "day", "followers", "gained", "lost")
EMAIL_COLUMNS = ("campaign_id", "sent_at", "delivered", "unique_opens", "unique_clicks", "unsubscribes")
CUSTOMER_COLUMNS = ("first_seen", "acquisition_channel_id")
ORDER_COLUMNS = ("customer_id", "revenue", "cost_of_goods")
NPS_COLUMNS = ("customer_id", "responded_at", "score")
REFERRAL_COLUMNS = ("referrer_customer_id", "referred_customer_id", "referred_at")


def parse_denominator(text: str) -> str | None:
    return text if text in DENOMINATORS else None


def parse_grain(text: str) -> str | None:
    return text if text in GRAINS else None


def load_company_wide(ctx: PageContext, family: str, *, columns: tuple[str, ...], comparison: bool = False,
                      whole_history: bool = False, until_period_end: bool = False) -> pl.DataFrame:
    """Like ``ctx.load`` but without the channel filter (regions still apply): company-wide outcomes.

    ``until_period_end``: every row up to the end of the (comparison) period.
    """
    if comparison and ctx.comparison is None:
        raise ValueError("no comparison period chosen")
    start, end = ctx.comparison if comparison and ctx.comparison else ctx.period
    if whole_history:
        start = end = None
    elif until_period_end:
        start = None
    flt = Filters(start, end, (), ctx.view.regions)
    return app_data._fact(ctx.store, app_data.store_id(ctx.store), ctx.version, family, flt, columns)


def period_end_exclusive(end: dt.date) -> dt.datetime:
    return dt.datetime.combine(end + dt.timedelta(days=1), dt.time())


@dataclass(frozen=True)
class Social:
    totals: pl.DataFrame  # engagement_totals, one row
    previous: pl.DataFrame | None
    by_network: pl.DataFrame  # engagement_totals by network
    trend: pl.DataFrame  # period, network (or "all"), er, denominator, posts
    growth: pl.DataFrame  # follower_growth, one row
    growth_previous: pl.DataFrame | None
    growth_by_network: pl.DataFrame
    growth_trend: pl.DataFrame  # follower_growth per full bucket
    post_types: pl.DataFrame  # post_type_comparison
    penalty: pl.DataFrame  # promo_penalty
    unfollows: pl.DataFrame  # unfollows_per_post, promo / other / baseline
    top: pl.DataFrame  # top_posts


def social_numbers(ctx: PageContext, *, denominator: str, grain: str) -> Social:
    posts = ctx.load("social_posts", columns=POST_COLUMNS)
    followers = ctx.load("social_followers", columns=FOLLOWER_COLUMNS)
    enriched = posts_with_followers(posts, followers)
    previous = growth_previous = None
    if ctx.comparison:
        prev_posts = ctx.load("social_posts", comparison=True, columns=POST_COLUMNS)
        prev_followers = ctx.load("social_followers", comparison=True, columns=FOLLOWER_COLUMNS)
        previous = engagement_totals(posts_with_followers(prev_posts, prev_followers))
        growth_previous = follower_growth(prev_followers)
    by_network = engagement_rate(engagement_by_period(enriched, grain=grain, by=["network"]), denominator=denominator)
    overall = engagement_rate(engagement_by_period(enriched, grain=grain), denominator=denominator).with_columns(
        network=pl.lit(ALL_NETWORKS))
    trend = pl.concat([by_network, overall.select(by_network.columns)]).select(
        "period", "network", "er", "denominator", "posts")
    return Social(
        totals=engagement_totals(enriched),
        previous=previous,
        by_network=engagement_totals(enriched, by=["network"]),
        trend=trend,
        growth=follower_growth(followers),
        growth_previous=growth_previous,
        growth_by_network=follower_growth(followers, by=["network"]),
        growth_trend=full_buckets(follower_growth(followers, grain=grain), start=ctx.period[0], end=ctx.period[1],
                                  grain=grain),
        post_types=post_type_comparison(posts, followers),
        penalty=promo_penalty(posts),
        unfollows=unfollows_per_post(followers, promo_or_other(posts), kind="kind"),
        top=top_posts(enriched, denominator=denominator, n=TOP_POSTS),
    )


@dataclass(frozen=True)
class Email:
    funnel: pl.DataFrame  # email_funnel, one row
    previous: pl.DataFrame | None
    trend: pl.DataFrame  # email_by_period
    by_campaign: pl.DataFrame  # email_funnel by campaign_id


def email_numbers(ctx: PageContext, *, grain: str) -> Email:
    sends = ctx.load("email_sends", columns=EMAIL_COLUMNS)
    previous = email_funnel(ctx.load("email_sends", comparison=True, columns=EMAIL_COLUMNS)) if ctx.comparison else None
    return Email(funnel=email_funnel(sends), previous=previous, trend=email_by_period(sends, grain=grain),
                 by_campaign=email_funnel(sends, by=["campaign_id"]))


@dataclass(frozen=True)
class WordOfMouth:
    share: pl.DataFrame  # referral_share, one row
    previous: pl.DataFrame | None
    trend: pl.DataFrame  # referral_share_by_period
    value: pl.DataFrame  # referred_customer_value
    value_previous: pl.DataFrame | None
    by_class: pl.DataFrame  # referrals_by_nps_class
    by_class_previous: pl.DataFrame | None


def _word_of_mouth_parts(ctx: PageContext, *, comparison: bool) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    customers = load_company_wide(ctx, "customers", columns=CUSTOMER_COLUMNS, comparison=comparison)
    orders = load_company_wide(ctx, "orders", columns=ORDER_COLUMNS, comparison=comparison)
    all_referrals = load_company_wide(ctx, "referrals", columns=REFERRAL_COLUMNS, whole_history=True)
    answers = load_company_wide(ctx, "nps_responses", columns=NPS_COLUMNS, comparison=comparison,
                                until_period_end=True)
    start, end = ctx.comparison if comparison and ctx.comparison else ctx.period
    in_period = all_referrals.filter(pl.col("referred_at").is_between(
        dt.datetime.combine(start, dt.time()), period_end_exclusive(end), closed="left"))
    return (
        customers,
        referred_customer_value(orders, all_referrals),
        referrals_by_nps_class(answers, in_period, before=period_end_exclusive(end)),
    )


def word_of_mouth_numbers(ctx: PageContext, *, grain: str) -> WordOfMouth:
    """Cached per data version and the filters word of mouth follows (period, comparison, regions):
    changing a page control or the channel filter reuses it (the biggest computation of the page)."""
    return _word_of_mouth_cached(ctx, app_data.store_id(ctx.store), ctx.version, ctx.period, ctx.comparison,
                                 ctx.view.regions, grain)


@st.cache_resource(show_spinner=False, max_entries=32)
def _word_of_mouth_cached(_ctx: PageContext, sid: str, version: str, period: tuple[dt.date, dt.date],
                          comparison: tuple[dt.date, dt.date] | None, regions: tuple[str, ...],
                          grain: str) -> WordOfMouth:
    return _word_of_mouth(_ctx, grain=grain)


def _word_of_mouth(ctx: PageContext, *, grain: str) -> WordOfMouth:
    customers, value, by_class = _word_of_mouth_parts(ctx, comparison=False)
    previous = value_previous = by_class_previous = None
    if ctx.comparison:
        prev_customers, value_previous, by_class_previous = _word_of_mouth_parts(ctx, comparison=True)
        previous = referral_share(prev_customers)
    return WordOfMouth(share=referral_share(customers), previous=previous,
                       trend=referral_share_by_period(customers, grain=grain), value=value,
                       value_previous=value_previous, by_class=by_class, by_class_previous=by_class_previous)


def row(frame: pl.DataFrame | None, **match: str) -> dict:
    """The first row of a frame (matching column values when given) as a dict; {} when none."""
    if frame is None:
        return {}
    for col, value in match.items():
        frame = frame.filter(pl.col(col) == value)
    return frame.row(0, named=True) if frame.height else {}


def value(frame: pl.DataFrame | None, column: str, **match: str) -> float | None:
    return row(frame, **match).get(column)
