"""Communication pillar: social engagement."""

from __future__ import annotations

import polars as pl

from metrics.periods import GRAIN_EVERY

ENGAGEMENT = pl.col("likes") + pl.col("comments") + pl.col("shares") + pl.col("saves")


def engagement_totals(posts: pl.DataFrame) -> pl.DataFrame:
    """One row: ``posts``, ``reach``, ``impressions``, ``engagements`` (counts) and
    ``er_reach`` = engagements / reach (null when reach is 0). Denominator: reach.
    """
    return posts.lazy().select(
        pl.len().cast(pl.Int64).alias("posts"),
        pl.col("reach").sum().cast(pl.Int64).alias("reach"),
        pl.col("impressions").sum().cast(pl.Int64).alias("impressions"),
        ENGAGEMENT.sum().cast(pl.Int64).alias("engagements"),
    ).with_columns(
        er_reach=pl.when(pl.col("reach") > 0).then(pl.col("engagements") / pl.col("reach"))
    ).collect()


def engagement_by_period(posts: pl.DataFrame, *, grain: str = "week", time_col: str = "published_at") -> pl.DataFrame:
    """Posts, reach, engagements and ER by reach per period."""
    return (
        posts.lazy()
        .group_by(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
        .agg(
            pl.len().cast(pl.Int64).alias("posts"),
            pl.col("reach").sum().cast(pl.Int64).alias("reach"),
            ENGAGEMENT.sum().cast(pl.Int64).alias("engagements"),
        )
        .with_columns(er_reach=pl.when(pl.col("reach") > 0).then(pl.col("engagements") / pl.col("reach")))
        .sort("period")
        .collect()
    )
