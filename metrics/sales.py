"""Sales pillar: revenue, cost of goods and gross profit."""

from __future__ import annotations

import polars as pl

from metrics.periods import GRAIN_EVERY


def sales_totals(orders: pl.DataFrame) -> pl.DataFrame:
    """One row: ``orders`` (count), ``revenue``, ``cost_of_goods``, ``gross_profit`` (currency).

    Input: orders with ``revenue`` and ``cost_of_goods``. Empty input gives zeros.
    """
    return orders.lazy().select(
        pl.len().cast(pl.Int64).alias("orders"),
        pl.col("revenue").sum().cast(pl.Float64).alias("revenue"),
        pl.col("cost_of_goods").sum().cast(pl.Float64).alias("cost_of_goods"),
    ).with_columns(gross_profit=pl.col("revenue") - pl.col("cost_of_goods")).collect()


def sales_by_period(orders: pl.DataFrame, *, grain: str = "week", time_col: str = "ordered_at") -> pl.DataFrame:
    """Revenue, cost of goods and gross profit per period (``period`` = start date of the bucket)."""
    return (
        orders.lazy()
        .group_by(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
        .agg(
            pl.len().cast(pl.Int64).alias("orders"),
            pl.col("revenue").sum().cast(pl.Float64).alias("revenue"),
            pl.col("cost_of_goods").sum().cast(pl.Float64).alias("cost_of_goods"),
        )
        .with_columns(gross_profit=pl.col("revenue") - pl.col("cost_of_goods"))
        .sort("period")
        .collect()
    )
