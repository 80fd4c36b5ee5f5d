"""Social media read in the database: what the Communication page needs, grouped before it leaves.

- :func:`engagement_sums`: the posts' engagement sums (measures of ``connectors.measures``) per period
  and dimension, with the followers of each post's network on the post's day summed over the posts
  (the denominator of the engagement rate by followers) — one LEFT JOIN of posts to followers.
- :func:`post_type_moments`: per post type, the sums behind the rates and their standard errors.
- :func:`follower_spans`: per period and network, followers at the start of the first day and at the
  end of the last, gained and lost — window functions pick the first and last day.
- :func:`top_posts`: the ``n`` posts with the highest engagement rate (ORDER BY … LIMIT).
- :func:`unfollow_days`: one row per network-day of followers with the day's posts of each type, the
  input of the unfollow regression (rows grow with days × networks, not with posts or customers).

Filters apply as everywhere (``read.where_clauses``): the period on each table's time column, the
channel filter on posts and followers alike. Integer sums come back as Int64.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import sqlalchemy as sa

from connectors import measures, read, schema
from connectors.read import Filters
from connectors.store import Store
from metrics.communication import DENOMINATORS
from metrics.post_types import MOMENTS, POST_TYPES

SUMS = ("posts", "impressions", "reach", "engagements", "clicks")
FOLLOWER_SUMS = ("followers_on_post_days", "engaged_with_followers")
_POSTS = schema.social_posts
_FOLLOWERS = schema.social_followers


def _measure(name: str) -> str:
    """The measure holding a post sum: ``posts`` is a count, the others are ``post_<name>``."""
    return name if name == "posts" else f"post_{name}"


def _engagement() -> sa.ColumnElement:
    return measures.MEASURES["post_engagements"].expr(_POSTS, {})  # type: ignore[misc]


def _followers(filters: Filters) -> sa.Subquery:
    f = _FOLLOWERS
    return sa.select(f.c.network, f.c.day, f.c.followers).where(
        *read.where_clauses("social_followers", filters)).subquery("day_followers")


def _on_post_day(f: sa.Subquery) -> sa.ColumnElement[bool]:
    return sa.and_(f.c.network == _POSTS.c.network, f.c.day == sa.cast(_POSTS.c.published_at, sa.Date))


def _ints(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    return frame.with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in columns])


def engagement_sums(store: Store, filters: Filters, *, grain: read.Grain | None = None,
                    by: Sequence[str] = ()) -> pl.DataFrame:
    """Engagement sums of the posts under the filters, per period (``grain``) and ``by``.

    Returns ``[period]``, ``*by``, ``posts``, ``impressions``, ``reach``, ``engagements``, ``clicks``,
    ``followers_on_post_days`` (followers of the post's network at the end of its day, summed over the
    posts that have one) and ``engaged_with_followers`` (the engagements of those posts), all Int64:
    the input of :func:`metrics.communication.engagement_from_sums`.
    """
    f = _followers(filters)
    stmt = measures.measure_query("social_posts", [_measure(n) for n in SUMS], filters, grain=grain, by=by)
    stmt = stmt.outerjoin_from(_POSTS, f, _on_post_day(f)).add_columns(
        sa.cast(sa.func.sum(f.c.followers), sa.BigInteger).label("followers_on_post_days"),
        sa.cast(sa.func.sum(sa.case((f.c.followers.is_not(None), _engagement()))), sa.BigInteger)
        .label("engaged_with_followers"),
    )
    frame = store.query(stmt).rename({_measure(n): n for n in SUMS})
    keys = (["period"] if grain else []) + list(by)
    if frame.height == 0:
        types = read.polars_schema("social_posts")
        return pl.DataFrame(schema={**({"period": pl.Date} if grain else {}), **{b: types[b] for b in by},
                                    **{c: pl.Int64 for c in (*SUMS, *FOLLOWER_SUMS)}})
    out = _ints(frame, (*SUMS, *FOLLOWER_SUMS))
    return out.with_columns(pl.col("period").cast(pl.Date)) if "period" in keys else out


def post_type_moments(store: Store, filters: Filters) -> pl.DataFrame:
    """Per post type: ``post_type`` and the sums of :data:`metrics.post_types.MOMENTS` (counts Int64,
    products f64), the input of the post-type comparison and the promo penalty."""
    names = [_measure(m) for m in MOMENTS]
    frame = measures.measure_frame(store, "social_posts", names, filters, by=["post_type"])
    return _ints(frame.rename({_measure(m): m for m in MOMENTS}), SUMS)


def follower_spans(store: Store, filters: Filters, *, grain: read.Grain | None = None) -> pl.DataFrame:
    """Per period (with ``grain``) and network: ``followers_start`` (at the start of the first day with
    a count), ``followers_end`` (at the end of the last), ``gained``, ``lost`` (Int64), the input of
    :func:`metrics.communication.roll_up_spans` and :func:`~metrics.communication.growth_from_spans`."""
    f = _FOLLOWERS
    keys: list[sa.ColumnElement] = []
    if grain is not None:
        keys.append(sa.cast(sa.func.date_trunc(grain, f.c.day), sa.Date).label("period"))
    keys.append(f.c.network)
    days = sa.select(
        *keys, f.c.followers, f.c.gained, f.c.lost,
        sa.func.row_number().over(partition_by=keys, order_by=f.c.day.asc()).label("nth_first"),
        sa.func.row_number().over(partition_by=keys, order_by=f.c.day.desc()).label("nth_last"),
    ).where(*read.where_clauses("social_followers", filters)).subquery("days")
    group = [days.c[k.name] for k in keys]
    stmt = sa.select(
        *group,
        sa.cast(sa.func.sum(sa.case((days.c.nth_first == 1, days.c.followers - days.c.gained + days.c.lost),
                                    else_=0)), sa.BigInteger).label("followers_start"),
        sa.cast(sa.func.sum(sa.case((days.c.nth_last == 1, days.c.followers), else_=0)), sa.BigInteger)
        .label("followers_end"),
        sa.cast(sa.func.sum(days.c.gained), sa.BigInteger).label("gained"),
        sa.cast(sa.func.sum(days.c.lost), sa.BigInteger).label("lost"),
    ).group_by(*group).order_by(*group)
    frame = store.query(stmt)
    spans = ("followers_start", "followers_end", "gained", "lost")
    if frame.height == 0:
        return pl.DataFrame(schema={**({"period": pl.Date} if grain else {}), "network": pl.String,
                                    **{c: pl.Int64 for c in spans}})
    frame = _ints(frame, spans).with_columns(pl.col("network").cast(pl.String))
    return frame.with_columns(pl.col("period").cast(pl.Date)) if grain else frame


POST_COLUMNS = ("post_id", "network", "published_at", "post_type", "title", "impressions", "reach", "likes",
                "comments", "shares", "saves", "clicks")


def top_posts(store: Store, filters: Filters, *, denominator: str, n: int) -> pl.DataFrame:
    """The ``n`` posts with the highest engagement rate by ``denominator`` (ties: more reach, then the lower
    ``post_id``; posts without a rate last), with ``followers`` on the post's day (null without a count).

    Returns the posts' columns (``POST_COLUMNS``) and ``followers``, in that order: the input of
    :func:`metrics.communication.top_posts`, which computes the rates shown from them.
    """
    if denominator not in DENOMINATORS:
        raise ValueError(f"unknown engagement-rate denominator {denominator!r}; use one of {DENOMINATORS}")
    p, f = _POSTS, _followers(filters)
    den = f.c.followers if denominator == "followers" else p.c[denominator]
    er = sa.case((den > 0, sa.cast(_engagement(), sa.Double) / sa.cast(den, sa.Double)))
    stmt = (
        sa.select(*[p.c[c] for c in POST_COLUMNS], f.c.followers)
        .select_from(p.outerjoin(f, _on_post_day(f)))
        .where(*read.where_clauses("social_posts", filters))
        .order_by(sa.desc(er).nulls_last(), p.c.reach.desc(), p.c.post_id.asc())
        .limit(n)
    )
    types = {**{c: read.polars_schema("social_posts")[c] for c in POST_COLUMNS}, "followers": pl.Int64}
    frame = store.query(stmt)
    if frame.height == 0:
        return pl.DataFrame(schema=types)
    return frame.with_columns([pl.col(c).cast(t) for c, t in types.items()])


def unfollow_days(store: Store, filters: Filters) -> pl.DataFrame:
    """One row per network-day of followers under the filters: ``network``, ``day``, ``followers_start``
    (followers − gained + lost), ``lost`` and the day's posts of each type in
    :data:`metrics.post_types.POST_TYPES` (Int64, 0 without posts), sorted by network and day."""
    p, f = _POSTS, _FOLLOWERS
    day = sa.cast(p.c.published_at, sa.Date)
    counts = (
        sa.select(p.c.network, day.label("day"),
                  *[sa.func.sum(sa.case((p.c.post_type == t, 1), else_=0)).label(t) for t in POST_TYPES])
        .where(*read.where_clauses("social_posts", filters))
        .group_by(p.c.network, day)
        .subquery("day_posts")
    )
    stmt = (
        sa.select(f.c.network, f.c.day, (f.c.followers - f.c.gained + f.c.lost).label("followers_start"), f.c.lost,
                  *[counts.c[t] for t in POST_TYPES])
        .select_from(f.outerjoin(counts, sa.and_(counts.c.network == f.c.network, counts.c.day == f.c.day)))
        .where(*read.where_clauses("social_followers", filters))
        .order_by(f.c.network, f.c.day)
    )
    frame = store.query(stmt)
    if frame.height == 0:
        return pl.DataFrame(schema={"network": pl.String, "day": pl.Date, "followers_start": pl.Int64,
                                    "lost": pl.Int64, **{t: pl.Int64 for t in POST_TYPES}})
    return _ints(frame, ("followers_start", "lost", *POST_TYPES)).with_columns(
        pl.col("network").cast(pl.String), pl.col("day").cast(pl.Date))
