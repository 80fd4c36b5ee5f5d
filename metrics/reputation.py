"""Reputation pillar: Net Promoter Score with its margin of error."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.periods import GRAIN_EVERY

Z95 = 1.959963984540054


def nps(responses: pl.DataFrame, *, by: Sequence[str] = (), score_col: str = "score") -> pl.DataFrame:
    """NPS per group.

    Input: one row per answer with an integer ``score`` 0..10.
    Returns ``*by``, ``n``, ``promoters``, ``passives``, ``detractors`` (counts),
    ``nps`` (points, −100..100) and ``margin_of_error`` (points, 95%:
    1.96·sqrt((p₊ + p₋ − (p₊ − p₋)²)/n)·100). Without ``by`` there is always one row;
    with no answers its n is 0 and nps / margin are null.
    """
    score = pl.col(score_col)
    counts = [
        pl.len().cast(pl.Int64).alias("n"),
        (score >= 9).sum().cast(pl.Int64).alias("promoters"),
        score.is_between(7, 8).sum().cast(pl.Int64).alias("passives"),
        (score <= 6).sum().cast(pl.Int64).alias("detractors"),
    ]
    lf = responses.lazy()
    grouped = lf.group_by(list(by)).agg(counts).sort(list(by)) if by else lf.select(counts)
    p_pro = pl.col("promoters") / pl.col("n")
    p_det = pl.col("detractors") / pl.col("n")
    has = pl.col("n") > 0
    return grouped.with_columns(
        nps=pl.when(has).then((p_pro - p_det) * 100.0),
        margin_of_error=pl.when(has).then(
            Z95 * ((p_pro + p_det - (p_pro - p_det) ** 2) / pl.col("n")).sqrt() * 100.0
        ),
    ).collect()


def nps_by_period(responses: pl.DataFrame, *, grain: str = "month", time_col: str = "responded_at",
                  by: Sequence[str] = ()) -> pl.DataFrame:
    """:func:`nps` per period (``period`` = start date of the bucket), plus any ``by`` columns."""
    with_period = responses.with_columns(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    return nps(with_period, by=["period", *by])
