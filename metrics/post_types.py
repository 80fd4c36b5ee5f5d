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

from metrics.communication import ENGAGEMENT, engagement_totals
from metrics.specs import MetricSpec, register

Z95 = 1.959963984540054
POST_TYPES = ("conversation", "useful", "promo")
PROMO = "promo"
OTHER = "other"
MEASURES = {  # measure -> (numerator, denominator) per post
    "er_reach": (ENGAGEMENT, pl.col("reach")),
    "er_impressions": (ENGAGEMENT, pl.col("impressions")),
    "ctr": (pl.col("clicks"), pl.col("impressions")),
}
BASELINE = "baseline"
_UNFOLLOW_SCHEMA = {"term": pl.String, "posts": pl.Int64, "network_days": pl.Int64, "unfollow_rate": pl.Float64,
                    "std_error": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64}


def promo_or_other(posts: pl.DataFrame, *, type_col: str = "post_type") -> pl.DataFrame:
    """The posts with ``kind`` (str): ``promo`` for promo posts, ``other`` for the rest."""
    return posts.with_columns(
        pl.when(pl.col(type_col) == PROMO).then(pl.lit(PROMO)).otherwise(pl.lit(OTHER)).alias("kind")
    )


def rate_with_interval(posts: pl.DataFrame, *, measure: str = "er_reach", by: str | None = None,
                       z: float = Z95) -> pl.DataFrame:
    """A rate over posts (ratio of sums) with its standard error and interval, per ``by`` group.

    ``measure``: ``er_reach``, ``er_impressions`` or ``ctr``. Returns ``[by]``, ``posts`` (Int64),
    ``rate``, ``std_error``, ``ci_low``, ``ci_high`` (f64; the interval is clipped at 0; std_error
    and interval are null with fewer than two posts, everything is null when the denominator is 0).
    """
    num, den = MEASURES[measure]
    y, x = num.cast(pl.Float64), den.cast(pl.Float64)
    aggs = [pl.len().cast(pl.Int64).alias("posts"), y.sum().alias("_sy"), x.sum().alias("_sx"),
            (y * y).sum().alias("_syy"), (y * x).sum().alias("_sxy"), (x * x).sum().alias("_sxx")]
    lf = posts.lazy()
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


def promo_penalty(posts: pl.DataFrame, *, z: float = Z95) -> pl.DataFrame:
    """Promo posts' rates as a multiple of the other posts' (1 = no difference, 0.5 = half).

    Returns one row per measure (``er_reach``, ``ctr``): ``measure``, ``promo_posts``,
    ``other_posts`` (Int64), ``promo_rate``, ``other_rate``, ``multiplier`` = promo / other,
    ``ci_low``, ``ci_high`` (delta method on the log scale; null when a side has fewer than
    two posts or a zero rate).
    """
    kinds = promo_or_other(posts)
    rows = []
    for measure in ("er_reach", "ctr"):
        r = {row["kind"]: row for row in rate_with_interval(kinds, measure=measure, by="kind", z=z).iter_rows(named=True)}
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


def daily_posts_and_unfollows(followers: pl.DataFrame, posts: pl.DataFrame, *, kind: str = "post_type",
                              kinds: tuple[str, ...] | None = None) -> pl.DataFrame:
    """One row per network and day: followers at the start of the day, unfollows, and the day's posts
    of each kind.

    Inputs: ``followers`` (``network``, ``day``, ``followers``, ``gained``, ``lost``); ``posts``
    (``network``, ``published_at``, the ``kind`` column). Returns ``network``, ``day``,
    ``followers_start`` = followers − gained + lost, ``lost``, ``unfollow_share`` = lost /
    followers_start, and one Int64 column per kind (sorted kind names unless ``kinds`` is given)
    with the number of posts. Days with no followers at the start are dropped.
    """
    kinds = kinds if kinds is not None else tuple(sorted(posts[kind].unique().drop_nulls().to_list()))
    counts = posts.lazy().group_by("network", pl.col("published_at").dt.date().alias("day")).agg(
        [(pl.col(kind) == k).sum().cast(pl.Int64).alias(k) for k in kinds]
    )
    return (
        followers.lazy()
        .select("network", "day", (pl.col("followers") - pl.col("gained") + pl.col("lost")).cast(pl.Int64)
                .alias("followers_start"), pl.col("lost").cast(pl.Int64))
        .filter(pl.col("followers_start") > 0)
        .join(counts, on=["network", "day"], how="left")
        .with_columns([pl.col(k).fill_null(0) for k in kinds])
        .with_columns(unfollow_share=pl.col("lost") / pl.col("followers_start"))
        .select("network", "day", "followers_start", "lost", "unfollow_share", *kinds)
        .sort("network", "day")
        .collect()
    )


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


def unfollows_per_post(followers: pl.DataFrame, posts: pl.DataFrame, *, kind: str = "post_type",
                       z: float = Z95) -> pl.DataFrame:
    """Extra share of followers lost per post of each kind, from the daily regression (module doc).

    Returns one row per kind (sorted) and a last row ``baseline`` (the daily unfollow share on a day
    without posts, averaged over networks weighted by follower-days): ``term``, ``posts`` (Int64,
    posts of that kind on the days used; null for the baseline), ``network_days`` (Int64, days
    used), ``unfollow_rate`` (share of followers per post, or per day for the baseline),
    ``std_error``, ``ci_low``, ``ci_high`` (f64). Estimates are null when the days cannot separate
    the kinds (for example a kind never posted). Empty input gives an empty frame.
    """
    kinds = tuple(sorted(posts[kind].unique().drop_nulls().to_list())) if posts.height else ()
    daily = daily_posts_and_unfollows(followers, posts, kind=kind, kinds=kinds)
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


def post_type_comparison(posts: pl.DataFrame, followers: pl.DataFrame, *, z: float = Z95) -> pl.DataFrame:
    """Conversation, useful and promo posts side by side (types absent from the data are left out).

    Returns ``post_type``, ``posts``, ``reach``, ``engagements``, ``clicks`` (Int64), ``er_reach``
    with ``er_low`` / ``er_high`` (95% interval, see :func:`rate_with_interval`), ``clicks_per_post``
    with ``clicks_low`` / ``clicks_high`` (mean ± z·SD/√n over posts), ``ctr``, and
    ``unfollow_rate`` with ``unfollow_low`` / ``unfollow_high`` (extra share of followers lost per
    post, :func:`unfollows_per_post`), in the order conversation, useful, promo.
    """
    totals = engagement_totals(posts, by=["post_type"]).select(
        "post_type", "posts", "reach", "engagements", "clicks", "er_reach", "ctr")
    er = rate_with_interval(posts, measure="er_reach", by="post_type", z=z).select(
        "post_type", pl.col("ci_low").alias("er_low"), pl.col("ci_high").alias("er_high"))
    clicks = posts.lazy().group_by("post_type").agg(
        pl.col("clicks").cast(pl.Float64).mean().alias("clicks_per_post"),
        (pl.col("clicks").cast(pl.Float64).std() / pl.len().cast(pl.Float64).sqrt()).alias("_se"),
    ).with_columns(
        clicks_low=(pl.col("clicks_per_post") - z * pl.col("_se")).clip(lower_bound=0.0),
        clicks_high=pl.col("clicks_per_post") + z * pl.col("_se"),
    ).drop("_se").collect()
    unf = unfollows_per_post(followers, posts, kind="post_type", z=z).filter(pl.col("term") != BASELINE).select(
        pl.col("term").alias("post_type"), "unfollow_rate", pl.col("ci_low").alias("unfollow_low"),
        pl.col("ci_high").alias("unfollow_high"))
    order = {t: i for i, t in enumerate(POST_TYPES)}
    return (
        totals.join(er, on="post_type", how="left").join(clicks, on="post_type", how="left")
        .join(unf, on="post_type", how="left")
        .sort(pl.col("post_type").replace_strict(order, default=len(order)), "post_type")
        .select("post_type", "posts", "reach", "engagements", "clicks", "er_reach", "er_low", "er_high",
                "clicks_per_post", "clicks_low", "clicks_high", "ctr", "unfollow_rate", "unfollow_low",
                "unfollow_high")
    )


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
