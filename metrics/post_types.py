"""Conversation, useful content or promo: post types compared, with honest uncertainty.

Two sources of uncertainty are modelled, each with a closed form:

- **Rates over posts** (engagement rate, CTR) are ratios of sums. Their standard error is
  the ratio estimator's linearisation over posts (posts are the sampling unit, so the
  post-to-post spread counts, not only the binomial noise of each post):
  ``SE(R) = sqrt(Σ (yᵢ − R·xᵢ)² / (n(n − 1))) / x̄``. A ratio of two such rates (promo vs
  other posts) gets its interval on the log scale by the delta method:
  ``SE(log R₁/R₂)² = (SE₁/R₁)² + (SE₂/R₂)²``.
- **Unfollows per post** come from a weighted least-squares regression of each network-day's
  unfollow share (lost / followers at the start of the day) on that day's number of posts
  of each kind, with one intercept per network (its unfollow rate on a day without posts),
  weights = followers at the start of the day, and heteroskedasticity-robust (HC1) standard
  errors. Days are treated as independent.

Intervals are 95% (z = 1.96) unless ``z`` says otherwise.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics.communication import ENGAGEMENT, engagement_from_sums
from metrics.specs import MetricSpec, register

Z95 = 1.959963984540054
POST_TYPES = ("conversation", "useful", "promo")
PROMO = "promo"
OTHER = "other"
# measure -> (numerator, denominator) per post, as columns of post_moments
RATIOS = {"er_reach": ("engagements", "reach"), "er_impressions": ("engagements", "impressions"),
          "ctr": ("clicks", "impressions")}
BASES = ("engagements", "reach", "impressions", "clicks")
# the products summed for the rates' standard errors (and the clicks' spread): column -> (left, right)
PRODUCTS = {f"{y}_x_{x}": (y, x) for y, x in
            [("engagements", "engagements"), ("engagements", "reach"), ("reach", "reach"),
             ("engagements", "impressions"), ("impressions", "impressions"), ("clicks", "clicks"),
             ("clicks", "impressions")]}
MOMENTS = ("posts", *BASES, *PRODUCTS)
BASELINE = "baseline"
_UNFOLLOW_SCHEMA = {"term": pl.String, "posts": pl.Int64, "network_days": pl.Int64, "unfollow_rate": pl.Float64,
                    "std_error": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64}


def promo_or_other(posts: pl.DataFrame, *, type_col: str = "post_type") -> pl.DataFrame:
    """The posts with ``kind`` (str): ``promo`` for promo posts, ``other`` for the rest."""
    return posts.with_columns(
        pl.when(pl.col(type_col) == PROMO).then(pl.lit(PROMO)).otherwise(pl.lit(OTHER)).alias("kind")
    )


def product(y: str, x: str) -> str:
    """The :data:`PRODUCTS` column holding the sum of ``y·x`` over posts."""
    return f"{y}_x_{x}"


def post_moments(posts: pl.DataFrame) -> pl.DataFrame:
    """Each post as a row of :data:`MOMENTS`: ``posts`` = 1, its engagements, reach, impressions and
    clicks, and the products of :data:`PRODUCTS` (f64); the other columns kept. Summed over posts (in
    polars, or by the database) they give every rate of this module and its standard error."""
    base = {"engagements": ENGAGEMENT, "reach": pl.col("reach"), "impressions": pl.col("impressions"),
            "clicks": pl.col("clicks")}
    return posts.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("posts"),
        ENGAGEMENT.alias("engagements"),
        *[(base[y].cast(pl.Float64) * base[x].cast(pl.Float64)).alias(name) for name, (y, x) in PRODUCTS.items()],
    )


def rate_from_moments(moments: pl.DataFrame, *, measure: str = "er_reach", by: str | None = None,
                      z: float = Z95) -> pl.DataFrame:
    """A rate over posts (ratio of sums) with its standard error and interval, per ``by`` group, from
    :func:`post_moments` rows (per post, or already summed per group).

    ``measure``: ``er_reach``, ``er_impressions`` or ``ctr``. Returns ``[by]``, ``posts`` (Int64),
    ``rate``, ``std_error``, ``ci_low``, ``ci_high`` (f64; the interval is clipped at 0; std_error
    and interval are null with fewer than two posts, everything is null when the denominator is 0).
    """
    y, x = RATIOS[measure]
    f64 = lambda c: pl.col(c).sum().cast(pl.Float64)  # noqa: E731
    aggs = [pl.col("posts").sum().cast(pl.Int64), f64(y).alias("_sy"), f64(x).alias("_sx"),
            f64(product(y, y)).alias("_syy"), f64(product(y, x)).alias("_sxy"), f64(product(x, x)).alias("_sxx")]
    lf = moments.lazy()
    grouped = lf.group_by(by).agg(aggs).sort(by) if by else lf.select(aggs)
    n = pl.col("posts").cast(pl.Float64)
    rate = pl.col("rate")
    resid_ss = (pl.col("_syy") - 2 * rate * pl.col("_sxy") + rate * rate * pl.col("_sxx")).clip(lower_bound=0.0)
    se = pl.when(pl.col("posts") > 1).then((resid_ss / (n * (n - 1))).sqrt() / (pl.col("_sx") / n))
    return (
        grouped.with_columns(rate=pl.when(pl.col("_sx") > 0).then(pl.col("_sy") / pl.col("_sx")))
        .with_columns(std_error=pl.when(rate.is_not_null()).then(se))
        .with_columns(ci_low=(rate - z * pl.col("std_error")).clip(lower_bound=0.0),
                      ci_high=rate + z * pl.col("std_error"))
        .drop("_sy", "_sx", "_syy", "_sxy", "_sxx")
        .collect()
    )


def rate_with_interval(posts: pl.DataFrame, *, measure: str = "er_reach", by: str | None = None,
                       z: float = Z95) -> pl.DataFrame:
    """:func:`rate_from_moments` on the posts themselves."""
    return rate_from_moments(post_moments(posts), measure=measure, by=by, z=z)


def promo_penalty_from_moments(moments: pl.DataFrame, *, type_col: str = "post_type", z: float = Z95) -> pl.DataFrame:
    """Promo posts' rates as a multiple of the other posts' (1 = no difference, 0.5 = half), from
    :func:`post_moments` rows with the post type (per post, or summed per type).

    Returns one row per measure (``er_reach``, ``ctr``): ``measure``, ``promo_posts``,
    ``other_posts`` (Int64), ``promo_rate``, ``other_rate``, ``multiplier`` = promo / other,
    ``ci_low``, ``ci_high`` (delta method on the log scale; null when a side has fewer than
    two posts or a zero rate).
    """
    kinds = promo_or_other(moments, type_col=type_col)
    rows = []
    for measure in ("er_reach", "ctr"):
        r = {row["kind"]: row for row in rate_from_moments(kinds, measure=measure, by="kind", z=z).iter_rows(named=True)}
        p, o = r.get(PROMO, {}), r.get(OTHER, {})
        pr, orate = p.get("rate"), o.get("rate")
        mult = low = high = None
        if pr and orate:
            mult = pr / orate
            if p.get("std_error") is not None and o.get("std_error") is not None:
                se_log = float(np.hypot(p["std_error"] / pr, o["std_error"] / orate))
                low, high = mult * float(np.exp(-z * se_log)), mult * float(np.exp(z * se_log))
        rows.append({"measure": measure, "promo_posts": p.get("posts", 0), "other_posts": o.get("posts", 0),
                     "promo_rate": pr, "other_rate": orate, "multiplier": mult, "ci_low": low, "ci_high": high})
    return pl.DataFrame(rows, schema={
        "measure": pl.String, "promo_posts": pl.Int64, "other_posts": pl.Int64, "promo_rate": pl.Float64,
        "other_rate": pl.Float64, "multiplier": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
    })


def promo_penalty(posts: pl.DataFrame, *, z: float = Z95) -> pl.DataFrame:
    """:func:`promo_penalty_from_moments` on the posts themselves."""
    return promo_penalty_from_moments(post_moments(posts), z=z)


def daily_post_counts(posts: pl.DataFrame, *, kind: str = "post_type", kinds: tuple[str, ...]) -> pl.DataFrame:
    """Posts per network and day of each kind: ``network``, ``day``, one Int64 column per kind."""
    return posts.lazy().group_by("network", pl.col("published_at").dt.date().alias("day")).agg(
        [(pl.col(kind) == k).sum().cast(pl.Int64).alias(k) for k in kinds]
    ).collect()


def unfollow_days(days: pl.DataFrame, *, kinds: tuple[str, ...]) -> pl.DataFrame:
    """The network-days the unfollow regression uses: those with followers at the start of the day.

    Input: ``network``, ``day``, ``followers_start``, ``lost`` and one column per kind with the day's
    posts (null = none). Returns ``network``, ``day``, ``followers_start``, ``lost`` (Int64),
    ``unfollow_share`` = lost / followers_start and the kind columns (Int64), sorted by network and day.
    """
    return (
        days.lazy()
        .with_columns(pl.col("followers_start", "lost").cast(pl.Int64), *[pl.col(k).fill_null(0).cast(pl.Int64)
                                                                          for k in kinds])
        .filter(pl.col("followers_start") > 0)
        .with_columns(unfollow_share=pl.col("lost") / pl.col("followers_start"))
        .select("network", "day", "followers_start", "lost", "unfollow_share", *kinds)
        .sort("network", "day")
        .collect()
    )


def daily_posts_and_unfollows(followers: pl.DataFrame, posts: pl.DataFrame, *, kind: str = "post_type",
                              kinds: tuple[str, ...] | None = None) -> pl.DataFrame:
    """One row per network and day: followers at the start of the day, unfollows, and the day's posts
    of each kind.

    Inputs: ``followers`` (``network``, ``day``, ``followers``, ``gained``, ``lost``); ``posts``
    (``network``, ``published_at``, the ``kind`` column). Returns the columns of :func:`unfollow_days`
    with one column per kind (sorted kind names unless ``kinds`` is given). Days with no followers
    at the start are dropped.
    """
    kinds = kinds if kinds is not None else tuple(sorted(posts[kind].unique().drop_nulls().to_list()))
    days = followers.select(
        "network", "day", (pl.col("followers") - pl.col("gained") + pl.col("lost")).alias("followers_start"), "lost",
    ).join(daily_post_counts(posts, kind=kind, kinds=kinds), on=["network", "day"], how="left")
    return unfollow_days(days, kinds=kinds)


def _wls_hc1(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Weighted least squares with HC1 robust covariance; None when the design is rank-deficient."""
    n, k = x.shape
    if n <= k:
        return None
    sw = np.sqrt(w)
    xw, yw = x * sw[:, None], y * sw
    if np.linalg.matrix_rank(xw) < k:
        return None
    beta, *_ = np.linalg.lstsq(xw, yw, rcond=None)
    resid = yw - xw @ beta
    bread = np.linalg.inv(xw.T @ xw)
    meat = (xw * resid[:, None] ** 2).T @ xw
    cov = bread @ meat @ bread * n / (n - k)
    return beta, cov


def unfollows_from_days(daily: pl.DataFrame, *, kinds: tuple[str, ...], z: float = Z95) -> pl.DataFrame:
    """Extra share of followers lost per post of each kind, from the daily regression (module doc) on
    :func:`unfollow_days` rows with one column per kind (``kinds`` sorted).

    Returns one row per kind and a last row ``baseline`` (the daily unfollow share on a day
    without posts, averaged over networks weighted by follower-days): ``term``, ``posts`` (Int64,
    posts of that kind on the days used; null for the baseline), ``network_days`` (Int64, days
    used), ``unfollow_rate`` (share of followers per post, or per day for the baseline),
    ``std_error``, ``ci_low``, ``ci_high`` (f64). Estimates are null when the days cannot separate
    the kinds (for example a kind never posted). No days give an empty frame.
    """
    if daily.height == 0:
        return pl.DataFrame(schema=_UNFOLLOW_SCHEMA)
    networks = sorted(daily["network"].unique().to_list())
    net = daily["network"].to_numpy()
    x = np.column_stack([daily[k].to_numpy().astype(float) for k in kinds]
                        + [(net == n).astype(float) for n in networks])
    w = daily["followers_start"].to_numpy().astype(float)
    fit = _wls_hc1(x, daily["unfollow_share"].to_numpy().astype(float), w)
    weights = np.array([w[net == n].sum() for n in networks]) / w.sum()
    contrasts = [np.eye(x.shape[1])[i] for i in range(len(kinds))]
    contrasts.append(np.concatenate([np.zeros(len(kinds)), weights]))
    rows = []
    for i, (term, c) in enumerate(zip([*kinds, BASELINE], contrasts)):
        est = se = None
        if fit is not None:
            beta, cov = fit
            est, se = float(c @ beta), float(np.sqrt(max(c @ cov @ c, 0.0)))
        rows.append({
            "term": term, "posts": int(daily[term].sum()) if i < len(kinds) else None, "network_days": daily.height,
            "unfollow_rate": est, "std_error": se,
            "ci_low": est - z * se if est is not None else None, "ci_high": est + z * se if est is not None else None,
        })
    return pl.DataFrame(rows, schema=_UNFOLLOW_SCHEMA)


def unfollows_per_post(followers: pl.DataFrame, posts: pl.DataFrame, *, kind: str = "post_type",
                       z: float = Z95) -> pl.DataFrame:
    """:func:`unfollows_from_days` on the followers' days and the posts themselves (every kind among
    the posts, sorted). Empty input gives an empty frame."""
    kinds = tuple(sorted(posts[kind].unique().drop_nulls().to_list())) if posts.height else ()
    return unfollows_from_days(daily_posts_and_unfollows(followers, posts, kind=kind, kinds=kinds), kinds=kinds, z=z)


def promo_or_other_days(daily: pl.DataFrame, *, types: tuple[str, ...]) -> pl.DataFrame:
    """:func:`unfollow_days` rows with a column per post type turned into ``other`` and ``promo`` columns."""
    others = [t for t in types if t != PROMO]
    return daily.with_columns(
        pl.sum_horizontal(others).cast(pl.Int64).alias(OTHER) if others else pl.lit(0, dtype=pl.Int64).alias(OTHER),
        pl.col(PROMO) if PROMO in types else pl.lit(0, dtype=pl.Int64).alias(PROMO),
    )


def post_type_comparison_from(moments: pl.DataFrame, unfollows: pl.DataFrame, *, z: float = Z95) -> pl.DataFrame:
    """Conversation, useful and promo posts side by side, from :func:`post_moments` rows with
    ``post_type`` (per post, or summed per type) and :func:`unfollows_from_days` by post type.

    Returns ``post_type``, ``posts``, ``reach``, ``engagements``, ``clicks`` (Int64), ``er_reach``
    with ``er_low`` / ``er_high`` (95% interval, see :func:`rate_from_moments`), ``clicks_per_post``
    with ``clicks_low`` / ``clicks_high`` (mean ± z·SD/√n over posts), ``ctr``, and
    ``unfollow_rate`` with ``unfollow_low`` / ``unfollow_high`` (extra share of followers lost per
    post), in the order conversation, useful, promo; types without posts are left out.
    """
    totals = engagement_from_sums(moments, by=["post_type"]).select(
        "post_type", "posts", "reach", "engagements", "clicks", "er_reach", "ctr")
    er = rate_from_moments(moments, measure="er_reach", by="post_type", z=z).select(
        "post_type", pl.col("ci_low").alias("er_low"), pl.col("ci_high").alias("er_high"))
    n, s, ss = (pl.col(c).cast(pl.Float64) for c in ("posts", "clicks", product("clicks", "clicks")))
    variance = ((ss - s * s / n) / (n - 1)).clip(lower_bound=0.0)  # the sample variance (n − 1) of the clicks
    clicks = moments.lazy().group_by("post_type").agg(pl.col("posts", "clicks", product("clicks", "clicks")).sum()).select(
        "post_type",
        (s / n).alias("clicks_per_post"),
        pl.when(pl.col("posts") > 1).then((variance / n).sqrt()).alias("_se"),
    ).with_columns(
        clicks_low=(pl.col("clicks_per_post") - z * pl.col("_se")).clip(lower_bound=0.0),
        clicks_high=pl.col("clicks_per_post") + z * pl.col("_se"),
    ).drop("_se").collect()
    unf = unfollows.filter(pl.col("term") != BASELINE).select(
        pl.col("term").alias("post_type"), "unfollow_rate", pl.col("ci_low").alias("unfollow_low"),
        pl.col("ci_high").alias("unfollow_high"))
    order = {t: i for i, t in enumerate(POST_TYPES)}
    return (
        totals.filter(pl.col("posts") > 0).join(er, on="post_type", how="left")
        .join(clicks, on="post_type", how="left").join(unf, on="post_type", how="left")
        .sort(pl.col("post_type").replace_strict(order, default=len(order)), "post_type")
        .select("post_type", "posts", "reach", "engagements", "clicks", "er_reach", "er_low", "er_high",
                "clicks_per_post", "clicks_low", "clicks_high", "ctr", "unfollow_rate", "unfollow_low",
                "unfollow_high")
    )


def post_type_comparison(posts: pl.DataFrame, followers: pl.DataFrame, *, z: float = Z95) -> pl.DataFrame:
    """:func:`post_type_comparison_from` on the posts and followers' days themselves (types absent from the
    posts are left out)."""
    return post_type_comparison_from(post_moments(posts), unfollows_per_post(followers, posts, kind="post_type", z=z),
                                     z=z)


register(
    MetricSpec("promo_er_multiplier", "Promo posts' engagement vs other posts", "Вовлечённость промо к остальным",
               "Engagement rate by reach of promo posts / that of conversation and useful posts; 1 means no "
               "difference. The 95% interval counts the post-to-post spread (delta method).",
               "Вовлечённость по охвату у промо-публикаций / у разговорных и полезных; 1 — разницы нет. "
               "95%-интервал учитывает разброс между публикациями (дельта-метод).",
               "multiple", "ratio", ("er_reach",)),
    MetricSpec("unfollows_per_post", "Extra unfollows per post", "Дополнительные отписки на публикацию",
               "Extra share of followers lost on a day per post of this type, beyond the network's usual daily "
               "unfollows: a regression of each day's unfollows / followers on the day's posts by type, "
               "with a 95% interval.",
               "Дополнительная доля подписчиков, отписавшихся в день на одну публикацию этого типа сверх обычных "
               "отписок сети: регрессия дневной доли отписок на число публикаций каждого типа, с 95%-интервалом.",
               "ratio", "derived", ("followers_lost", "followers", "posts"), higher_is_better=False),
    MetricSpec("clicks_per_post", "Clicks per post", "Переходы на публикацию",
               "Clicks to site / posts, with a 95% interval (mean ± 1.96·SD/√n).",
               "Переходы на сайт / публикации, с 95%-интервалом (среднее ± 1,96·SD/√n).",
               "count", "ratio", ("social_clicks", "posts")),
)
