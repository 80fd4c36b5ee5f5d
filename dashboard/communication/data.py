"""The Communication page's numbers: widget keys, and every frame the page shows (social media, the
newsletter, word of mouth).

The database does the counting: measures (:mod:`connectors.measures`) and the page's own grouped
queries (:mod:`connectors.social`, :mod:`connectors.referrals`) return frames that grow with the answer
(periods × networks, post types, mailings, two or three groups) and ``metrics`` functions turn them
into the rates shown. Each computation is cached on the context it reads (``cached_on_context``).

How the shared filters apply here: the channel filter applies to social posts and followers
(channel ``social_media``) and to e-mails (``newsletter``); posts, followers and e-mails have no
region, so a region filter leaves them in. Word of mouth is a company-wide outcome like NPS: the
channel filter does not apply to it (the share of new customers who came by referral is taken
over all new customers), the region filter does (customers, orders and NPS answers have one). Its
numbers are computed on :func:`company_wide` (the context without the channel filter), so changing
the channel filter reuses them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import polars as pl

from connectors import referrals, social
from connectors.read import Filters
from dashboard.context import PageContext, cached_on_context
from metrics.communication import (
    DENOMINATORS, engagement_from_sums, engagement_rate, growth_from_spans, roll_up_spans, top_posts,
)
from metrics.newsletter import email_funnel_from_counts
from metrics.periods import full_buckets
from metrics.post_types import (
    BASELINE, OTHER, POST_TYPES, PROMO, post_type_comparison_from, promo_or_other_days, promo_penalty_from_moments,
    unfollow_days, unfollows_from_days,
)
from metrics.word_of_mouth import (
    referral_share_from_counts, referrals_by_class_from_counts, referred_value_from_totals,
)

# widget keys and their URL parameters (declared in dashboard.state.PAGE_PARAMS["communication"])
ER_KEY = "comm_er"
GRAIN_KEY = "comm_grain"
P_ER = "er"
P_GRAIN = "grain"
GRAINS = ("day", "week", "month")
DEFAULT_DENOMINATOR = "reach"
DEFAULT_GRAIN = "week"
ALL_NETWORKS = "all"
TOP_POSTS = 10

# measures of connectors.measures -> the columns the metrics read
EMAIL_MEASURES = {"email_sends": "sends", "email_delivered": "delivered", "email_opens": "unique_opens",
                  "email_clicks": "unique_clicks", "email_unsubscribes": "unsubscribes",
                  "email_largest_send": "largest_send"}
CUSTOMER_MEASURES = {"new_customers": "new_customers", "referred_customers": "referred_customers"}


def parse_denominator(text: str) -> str | None:
    return text if text in DENOMINATORS else None


def parse_grain(text: str) -> str | None:
    return text if text in GRAINS else None


def company_wide(ctx: PageContext) -> PageContext:
    """The context without the channel filter (regions still apply): for company-wide outcomes."""
    return dataclasses.replace(ctx, view=dataclasses.replace(ctx.view, channels=()))


# --- cached reads: the database's grouped answers ---------------------------------------------------

@cached_on_context(max_entries=64)
def engagement(ctx: PageContext, grain: str | None, comparison: bool) -> pl.DataFrame:
    """Engagement sums per network and period of ``grain`` (None: the whole period)."""
    return social.engagement_sums(ctx.store, ctx.filters(comparison=comparison), grain=grain,  # type: ignore[arg-type]
                                  by=("network",))


@cached_on_context(max_entries=64)
def follower_spans(ctx: PageContext, grain: str | None, comparison: bool) -> pl.DataFrame:
    """Follower spans per network and period of ``grain`` (None: the whole period)."""
    return social.follower_spans(ctx.store, ctx.filters(comparison=comparison), grain=grain)  # type: ignore[arg-type]


@cached_on_context(max_entries=16)
def _top(ctx: PageContext, denominator: str) -> pl.DataFrame:
    candidates = social.top_posts(ctx.store, ctx.filters(), denominator=denominator, n=TOP_POSTS)
    return top_posts(candidates, denominator=denominator, n=TOP_POSTS)


@cached_on_context(max_entries=16)
def _post_types(ctx: PageContext) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """post_type_comparison, promo_penalty and unfollows per post (promo / other / baseline)."""
    moments = social.post_type_moments(ctx.store, ctx.filters())
    days = social.unfollow_days(ctx.store, ctx.filters())
    present = set(moments.filter(pl.col("posts") > 0)["post_type"].to_list())
    types = tuple(sorted(present))
    kinds = tuple(sorted({PROMO if t == PROMO else OTHER for t in types}))
    by_type = unfollows_from_days(unfollow_days(days, kinds=types), kinds=types)
    by_kind = unfollows_from_days(unfollow_days(promo_or_other_days(days, types=POST_TYPES), kinds=kinds), kinds=kinds)
    return post_type_comparison_from(moments, by_type), promo_penalty_from_moments(moments), by_kind


def send_counts(ctx: PageContext, *, grain: str | None = None, by: tuple[str, ...] = (),
                comparison: bool = False) -> pl.DataFrame:
    return ctx.measures("email_sends", list(EMAIL_MEASURES), grain=grain, by=by,
                        comparison=comparison).rename(EMAIL_MEASURES)


def customer_counts(ctx: PageContext, *, grain: str | None = None, comparison: bool = False) -> pl.DataFrame:
    """New customers and those who came by referral, company-wide (the channel filter does not apply)."""
    return company_wide(ctx).measures("customers", list(CUSTOMER_MEASURES), grain=grain,
                                      comparison=comparison).rename(CUSTOMER_MEASURES)


def growth_total(spans: pl.DataFrame, *, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Follower growth over the whole period (per ``by``) from spans per period and network."""
    return growth_from_spans(roll_up_spans(spans, keys=by, order="period"), by=by)


# --- the page's sections ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Social:
    totals: pl.DataFrame  # engagement_from_sums, one row
    previous: pl.DataFrame | None
    by_network: pl.DataFrame  # engagement_from_sums by network
    trend: pl.DataFrame  # period, network (or "all"), er, denominator, posts
    growth: pl.DataFrame  # growth_from_spans, one row
    growth_previous: pl.DataFrame | None
    growth_by_network: pl.DataFrame
    growth_trend: pl.DataFrame  # growth_from_spans per full bucket
    post_types: pl.DataFrame  # post_type_comparison_from
    penalty: pl.DataFrame  # promo_penalty_from_moments
    unfollows: pl.DataFrame  # unfollows_from_days, promo / other / baseline
    top: pl.DataFrame  # top_posts


@cached_on_context(max_entries=32)
def social_numbers(ctx: PageContext, *, denominator: str, grain: str) -> Social:
    sums = engagement(ctx, grain, False)
    spans = follower_spans(ctx, grain, False)
    previous = growth_previous = None
    if ctx.comparison:
        previous = engagement_from_sums(engagement(ctx, None, True))
        growth_previous = growth_from_spans(follower_spans(ctx, None, True))
    by_network = engagement_rate(engagement_from_sums(sums, by=["period", "network"]), denominator=denominator)
    overall = engagement_rate(engagement_from_sums(sums, by=["period"]), denominator=denominator).with_columns(
        network=pl.lit(ALL_NETWORKS))
    trend = pl.concat([by_network, overall.select(by_network.columns)]).select(
        "period", "network", "er", "denominator", "posts")
    post_types, penalty, unfollows = _post_types(ctx)
    return Social(
        totals=engagement_from_sums(sums),
        previous=previous,
        by_network=engagement_from_sums(sums, by=["network"]),
        trend=trend,
        growth=growth_total(spans),
        growth_previous=growth_previous,
        growth_by_network=growth_total(spans, by=("network",)),
        growth_trend=full_buckets(growth_from_spans(spans, by=["period"]), start=ctx.period[0], end=ctx.period[1],
                                  grain=grain),
        post_types=post_types,
        penalty=penalty,
        unfollows=unfollows,
        top=_top(ctx, denominator),
    )


@dataclass(frozen=True)
class Email:
    funnel: pl.DataFrame  # email_funnel_from_counts, one row
    previous: pl.DataFrame | None
    trend: pl.DataFrame  # email_funnel_from_counts by period
    by_campaign: pl.DataFrame  # email_funnel_from_counts by campaign_id


@cached_on_context(max_entries=32)
def email_numbers(ctx: PageContext, *, grain: str) -> Email:
    counts = send_counts(ctx, grain=grain, by=("campaign_id",))
    previous = email_funnel_from_counts(send_counts(ctx, comparison=True)) if ctx.comparison else None
    return Email(funnel=email_funnel_from_counts(counts), previous=previous,
                 trend=email_funnel_from_counts(counts, by=["period"]),
                 by_campaign=email_funnel_from_counts(counts, by=["campaign_id"]))


@dataclass(frozen=True)
class WordOfMouth:
    share: pl.DataFrame  # referral_share_from_counts, one row
    previous: pl.DataFrame | None
    trend: pl.DataFrame  # referral_share_from_counts by period
    value: pl.DataFrame  # referred_value_from_totals
    value_previous: pl.DataFrame | None  # the same without buyers (only revenue and gross profit are compared)
    by_class: pl.DataFrame  # referrals_by_class_from_counts
    by_class_previous: pl.DataFrame | None


@cached_on_context(max_entries=32)
def _referred_value(ctx: PageContext, comparison: bool) -> pl.DataFrame:
    """Orders of referred customers and the others; the comparison period's without counting buyers."""
    totals = referrals.order_totals_by_group(ctx.store, ctx.filters(comparison=comparison), buyers=not comparison)
    return referred_value_from_totals(totals)


@cached_on_context(max_entries=32)
def _by_class(ctx: PageContext, comparison: bool) -> pl.DataFrame:
    """Referrals made in the period by NPS class of the referrer's latest answer before the period's end."""
    start, end = ctx.comparison if comparison and ctx.comparison else ctx.period
    counts = referrals.class_counts(ctx.store, answers=Filters(None, end, (), ctx.view.regions),
                                    referrals=Filters(start, end))
    return referrals_by_class_from_counts(counts)


def word_of_mouth_numbers(ctx: PageContext, *, grain: str) -> WordOfMouth:
    """Computed on the company-wide context: the channel filter neither applies nor invalidates it."""
    return _word_of_mouth(company_wide(ctx), grain)


@cached_on_context(max_entries=32)
def _word_of_mouth(ctx: PageContext, grain: str) -> WordOfMouth:
    counts = customer_counts(ctx, grain=grain)
    previous = value_previous = by_class_previous = None
    if ctx.comparison:
        previous = referral_share_from_counts(customer_counts(ctx, comparison=True))
        value_previous, by_class_previous = _referred_value(ctx, True), _by_class(ctx, True)
    return WordOfMouth(share=referral_share_from_counts(counts), previous=previous,
                       trend=referral_share_from_counts(counts, by=["period"]), value=_referred_value(ctx, False),
                       value_previous=value_previous, by_class=_by_class(ctx, False),
                       by_class_previous=by_class_previous)


def row(frame: pl.DataFrame | None, **match: str) -> dict:
    """The first row of a frame (matching column values when given) as a dict; {} when none."""
    if frame is None:
        return {}
    for col, value in match.items():
        frame = frame.filter(pl.col(col) == value)
    return frame.row(0, named=True) if frame.height else {}


def value(frame: pl.DataFrame | None, column: str, **match: str) -> float | None:
    return row(frame, **match).get(column)


def baseline_row(unfollows: pl.DataFrame) -> dict:
    return row(unfollows, term=BASELINE)
