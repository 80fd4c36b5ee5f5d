"""Spend and share of budget by pillar and channel."""

from __future__ import annotations

import polars as pl

PILLARS = ("sales", "reputation", "communication")


def spend_by_pillar(spend: pl.DataFrame, channels: pl.DataFrame) -> pl.DataFrame:
    """Spend per pillar and its share of all spend.

    Inputs: ``spend`` with ``channel_id``, ``amount``; ``channels`` with ``channel_id``, ``pillar``.
    Returns one row per pillar in the fixed order sales, reputation, communication:
    ``pillar`` (str), ``spend`` (f64, currency), ``share`` (f64, 0..1; null when nothing was spent).
    """
    totals = (
        spend.lazy()
        .join(channels.lazy().select("channel_id", "pillar"), on="channel_id", how="left")
        .group_by("pillar")
        .agg(pl.col("amount").sum().cast(pl.Float64).alias("spend"))
    )
    return (
        pl.LazyFrame({"pillar": list(PILLARS)})
        .join(totals, on="pillar", how="left", maintain_order="left")
        .with_columns(pl.col("spend").fill_null(0.0))
        .with_columns(
            share=pl.when(pl.col("spend").sum() > 0).then(pl.col("spend") / pl.col("spend").sum()).otherwise(None)
        )
        .collect()
    )


def spend_by_channel(spend: pl.DataFrame, channels: pl.DataFrame) -> pl.DataFrame:
    """Spend per channel with its pillar and share of all spend, largest first.

    Returns ``channel_id``, ``pillar``, ``spend`` (currency), ``share`` (0..1).
    """
    return (
        spend.lazy()
        .group_by("channel_id")
        .agg(pl.col("amount").sum().cast(pl.Float64).alias("spend"))
        .join(channels.lazy().select("channel_id", "pillar"), on="channel_id", how="left")
        .with_columns(share=pl.col("spend") / pl.col("spend").sum())
        .sort("spend", "channel_id", descending=[True, False])
        .collect()
    )
