"""Communication pillar: social posts (engagement, clicks) and followers.

Engagement = likes + comments + shares + saves. An engagement rate is always a ratio
of sums over posts, and its denominator is part of its name: ``er_reach``
(engagements / reach, the default), ``er_impressions`` (engagements / impressions)
and ``er_followers`` (engagements / followers of the post's network at the end of
the post's day, summed over the posts; posts without a follower count for their day
are left out of both sums). Click-through rate ``ctr`` = clicks to the site /
impressions.

Post types and the unfollow model are in :mod:`metrics.post_types`, the newsletter in
:mod:`metrics.newsletter`, word of mouth in :mod:`metrics.word_of_mouth`.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import polars.selectors as cs

from metrics.periods import GRAIN_EVERY
from metrics.specs import MetricSpec, register

ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves")  # what counts as an engagement (SQL measures too)
ENGAGEMENT = pl.sum_horizontal(*ENGAGEMENT_PARTS)
DENOMINATORS = ("reach", "impressions", "followers")
ER_METRIC = {d: f"er_{d}" for d in DENOMINATORS}
# the column that holds each engagement rate's denominator in engagement_totals' output
DENOMINATOR_COLUMN = {"reach": "reach", "impressions": "impressions", "followers": "followers_on_post_days"}


def _ratio(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))


def posts_with_followers(posts: pl.DataFrame, followers: pl.DataFrame) -> pl.DataFrame:
    """The posts with ``followers`` (Int64): followers of the post's network at the end of the
    post's day (``social_followers`` joined on network and day); null when that day is missing.

    Inputs: ``posts`` with ``network``, ``published_at``; ``followers`` with ``network``, ``day``,
    ``followers``. Row order of ``posts`` is kept.
    """
    day_followers = followers.lazy().select("network", pl.col("day").alias("_day"),
                                            pl.col("followers").cast(pl.Int64))
    return (
        posts.lazy()
        .with_columns(_day=pl.col("published_at").dt.date())
        .join(day_followers, on=["network", "_day"], how="left", maintain_order="left")
        .drop("_day")
        .collect()
    )


# the additive sums an engagement rate is computed from (one row per post, or per group of posts)
SUMS = ("posts", "impressions", "reach", "engagements", "clicks", "followers_on_post_days", "engaged_with_followers")


def post_sums(posts: pl.DataFrame) -> pl.DataFrame:
    """Each post as a row of :data:`SUMS` (``posts`` = 1), its other columns kept.

    Input: posts with ``impressions``, ``reach``, ``likes``, ``comments``, ``shares``, ``saves``,
    ``clicks``; optionally ``followers`` (see :func:`posts_with_followers`). ``followers_on_post_days``
    is the post's follower count (null without one) and ``engaged_with_followers`` its engagements
    when it has a follower count (null otherwise): the rate by followers leaves such posts out of both sums.
    """
    followers = pl.col("followers") if "followers" in posts.columns else pl.lit(None, dtype=pl.Int64)
    return posts.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("posts"),
        ENGAGEMENT.alias("engagements"),
        followers.alias("followers_on_post_days"),
        pl.when(followers.is_not_null()).then(ENGAGEMENT).alias("engaged_with_followers"),
    )


def engagement_from_sums(sums: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """Engagement rates from the sums of :data:`SUMS` (per post, or already summed per group), per ``by``.

    Returns ``*by``, ``posts``, ``impressions``, ``reach``, ``engagements``, ``clicks`` (sums, Int64 for
    integer input), ``followers_on_post_days`` (0 without follower data), ``er_reach``,
    ``er_impressions``, ``er_followers``, ``ctr`` (ratios 0..1, null when their denominator is 0).
    Missing ``followers_on_post_days`` / ``engaged_with_followers`` columns count as no follower data.
    Empty input without ``by`` gives one row of zeros and null rates.
    """
    lf = sums.lazy()
    missing = [c for c in ("followers_on_post_days", "engaged_with_followers") if c not in sums.columns]
    if missing:
        lf = lf.with_columns([pl.lit(None, dtype=pl.Int64).alias(c) for c in missing])
    aggs = [pl.col(c).sum() for c in SUMS]
    grouped = lf.group_by(list(by)).agg(aggs).sort(list(by)) if by else lf.select(aggs)
    # integer counts come out as Int64; a fractional input (rescaled data) is summed, never truncated
    return grouped.with_columns(cs.integer().cast(pl.Int64)).with_columns(
        er_reach=_ratio("engagements", "reach"),
        er_impressions=_ratio("engagements", "impressions"),
        er_followers=_ratio("engaged_with_followers", "followers_on_post_days"),
        ctr=_ratio("clicks", "impressions"),
    ).drop("engaged_with_followers").collect()


def engagement_totals(posts: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """Engagement of a set of posts, per group of ``by`` (one row when ``by`` is empty).

    Input: posts as for :func:`post_sums`. Returns the columns of :func:`engagement_from_sums`.
    """
    return engagement_from_sums(post_sums(posts), by=by)


def engagement_by_period(posts: pl.DataFrame, *, grain: str = "week", by: Sequence[str] = (),
                         time_col: str = "published_at") -> pl.DataFrame:
    """:func:`engagement_totals` per period (``period`` = start date of the bucket; weeks start on
    Monday) and ``by`` group, sorted by period."""
    with_period = posts.with_columns(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    return engagement_totals(with_period, by=["period", *by])


def engagement_rate(frame: pl.DataFrame, *, denominator: str = "reach") -> pl.DataFrame:
    """Pick one engagement rate out of :func:`engagement_totals`' output, its denominator named.

    Adds ``er`` (f64, 0..1: the ``er_<denominator>`` column), ``denominator`` (str: reach /
    impressions / followers) and ``denominator_value`` (Int64: the sum it was divided by).
    """
    if denominator not in DENOMINATORS:
        raise ValueError(f"unknown engagement-rate denominator {denominator!r}; use one of {DENOMINATORS}")
    return frame.with_columns(
        pl.col(ER_METRIC[denominator]).alias("er"),
        pl.lit(denominator).alias("denominator"),
        pl.col(DENOMINATOR_COLUMN[denominator]).alias("denominator_value"),
    )


def top_posts(posts: pl.DataFrame, *, denominator: str = "reach", n: int = 10) -> pl.DataFrame:
    """The ``n`` posts with the highest engagement rate by ``denominator`` (ties: more reach, then
    lower ``post_id``).

    Input: posts as for :func:`engagement_totals` plus ``post_id``, ``published_at``, ``network``,
    ``post_type``, ``title`` (and ``followers`` for the rate by followers).
    Returns ``post_id``, ``published_at``, ``network``, ``post_type``, ``title``, ``reach``,
    ``engagements``, ``er`` (0..1), ``denominator`` (str), ``clicks``, ``ctr`` (0..1).
    """
    if denominator not in DENOMINATORS:
        raise ValueError(f"unknown engagement-rate denominator {denominator!r}; use one of {DENOMINATORS}")
    lf = posts.lazy()
    if "followers" not in posts.columns:
        lf = lf.with_columns(followers=pl.lit(None, dtype=pl.Int64))
    return (
        lf.with_columns(ENGAGEMENT.cast(pl.Int64).alias("engagements"))
        .with_columns(
            pl.when(pl.col(denominator) > 0).then(pl.col("engagements") / pl.col(denominator)).alias("er"),
            pl.lit(denominator).alias("denominator"),
            _ratio("clicks", "impressions").alias("ctr"),
        )
        .sort(["er", "reach", "post_id"], descending=[True, True, False], nulls_last=True)
        .head(n)
        .select("post_id", "published_at", "network", "post_type", "title", pl.col("reach").cast(pl.Int64),
                "engagements", "er", "denominator", pl.col("clicks").cast(pl.Int64), "ctr")
        .collect()
    )


SPAN_COLUMNS = ("followers_start", "followers_end", "gained", "lost")


def daily_spans(followers: pl.DataFrame) -> pl.DataFrame:
    """Each network-day of ``social_followers`` as a span: ``followers_start`` = followers − gained +
    lost (at the start of the day), ``followers_end`` = followers (at its end), ``gained``, ``lost``;
    the other columns kept."""
    return followers.with_columns(
        (pl.col("followers") - pl.col("gained") + pl.col("lost")).alias("followers_start"),
        pl.col("followers").alias("followers_end"),
    )


def roll_up_spans(spans: pl.DataFrame, *, keys: Sequence[str] = (), order: str = "day") -> pl.DataFrame:
    """Spans joined into longer spans per ``keys`` and ``network``: the followers at the start of the
    first span and at the end of the last (by ``order``), the sums of gained and lost.

    Input: rows with ``network``, ``order``, :data:`SPAN_COLUMNS` (daily spans, or spans per period).
    Returns ``*keys``, ``network``, :data:`SPAN_COLUMNS`.
    """
    group = list(dict.fromkeys([*keys, "network"]))
    return spans.lazy().group_by(group).agg(
        pl.col("followers_start").sort_by(order).first(),
        pl.col("followers_end").sort_by(order).last(),
        pl.col("gained").sum(),
        pl.col("lost").sum(),
    ).collect()


def growth_from_spans(spans: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """Follower growth from per-network spans (:func:`roll_up_spans`), summed over networks per ``by``.

    Returns ``*by``, ``followers_start``, ``followers_end``, ``gained``, ``lost``, ``net`` = gained −
    lost (Int64 counts) and ``growth_rate`` = net / followers_start (f64; null when the start is 0).
    Without ``by`` there is always one row (zeros when empty).
    """
    keys = list(by)
    sums = [pl.col(c).sum().cast(pl.Int64) for c in SPAN_COLUMNS]
    lf = spans.lazy()
    out = lf.group_by(keys).agg(sums).sort(keys) if keys else lf.select(sums)
    return out.with_columns(net=pl.col("gained") - pl.col("lost")).with_columns(
        growth_rate=_ratio("net", "followers_start")
    ).collect()


def follower_growth(followers: pl.DataFrame, *, by: Sequence[str] = (), grain: str | None = None,
                    time_col: str = "day") -> pl.DataFrame:
    """Followers gained, lost and net, per ``by`` group (and per period with ``grain``).

    Input: one row per network and day with ``network``, ``day``, ``followers`` (at the end of the
    day), ``gained``, ``lost``. Followers at the start of a span = followers at the end of its
    first day − gained + lost that day, per network, then summed.
    Returns ``[period]``, then the columns of :func:`growth_from_spans`.
    """
    keys = list(by)
    if grain is not None:
        followers = followers.with_columns(
            pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
        keys = ["period", *keys]
    return growth_from_spans(roll_up_spans(daily_spans(followers), keys=keys, order=time_col), by=keys)


register(
    MetricSpec("posts", "Posts", "Публикации", "Number of social posts published in the period.",
               "Число публикаций в соцсетях за период.", "count"),
    MetricSpec("impressions", "Impressions", "Показы",
               "Times the period's social posts were shown, counting repeat views.",
               "Сколько раз публикации периода были показаны, с повторными показами.", "count"),
    MetricSpec("er_impressions", "Engagement rate (by impressions)", "Вовлечённость (по показам)",
               "Engagements / impressions of the same posts.", "Вовлечения / показы тех же публикаций.",
               "ratio", "ratio", ("engagements", "impressions")),
    MetricSpec("followers", "Followers", "Подписчики",
               "Followers of the company's social accounts at the end of a day, summed over networks.",
               "Подписчики аккаунтов компании в соцсетях на конец дня, в сумме по сетям.", "count"),
    MetricSpec("er_followers", "Engagement rate (by followers)", "Вовлечённость (по подписчикам)",
               "Engagements / followers of the post's network on the day of the post, summed over the posts.",
               "Вовлечения / подписчики сети в день публикации, в сумме по публикациям.",
               "ratio", "ratio", ("engagements", "followers")),
    MetricSpec("social_clicks", "Clicks to site", "Переходы на сайт",
               "Clicks from the period's social posts to the company's site.",
               "Переходы с публикаций периода на сайт компании.", "count"),
    MetricSpec("ctr", "Click-through rate", "CTR", "Clicks to site / impressions of the same posts.",
               "Переходы на сайт / показы тех же публикаций.", "ratio", "ratio", ("social_clicks", "impressions")),
    MetricSpec("followers_gained", "Followers gained", "Новые подписчики",
               "New followers in the period, all networks.", "Новые подписчики за период, все сети.", "count"),
    MetricSpec("followers_lost", "Unfollows", "Отписки", "Followers lost in the period, all networks.",
               "Потерянные подписчики за период, все сети.", "count", higher_is_better=False),
    MetricSpec("net_followers", "Net followers", "Прирост подписчиков",
               "Followers gained − followers lost in the period, all networks.",
               "Новые подписчики − отписки за период, все сети.",
               "count", "derived", ("followers_gained", "followers_lost")),
    MetricSpec("follower_growth", "Follower growth", "Рост подписчиков",
               "Net followers / followers at the start of the period.",
               "Прирост подписчиков / подписчики на начало периода.",
               "ratio", "ratio", ("net_followers", "followers")),
)
