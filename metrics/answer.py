"""The Overview's one-line answer: total spend → total estimated profit contribution, its range, the overall
return (ROMI on 12-month value) and the change against the comparison period.

- A **part's range** is the lowest and the highest of its estimates: the new customers' first-year gross
  profit under each attribution model of the Sales page, and the promoters' value at both ends of the
  promoter share's 95% interval (Wilson). Parts with one estimate (complaints) have no spread.
- A **pillar's range** adds its parts' lows and highs, minus its spend; the **total's range** adds the
  pillars' lows and highs. The ends are added, not combined as independent errors: the parts rest on the
  same customers and the same attribution, so they are not assumed to offset one another.
- The **return** is ROMI on 12-month value = total contribution / total spend (the contribution is already
  net of spend: first-year gross profit − spend, over spend).
"""

from __future__ import annotations

import math

import polars as pl

from metrics.specs import MetricSpec, register

Z95 = 1.959963984540054
ANSWER_SCHEMA = {"spend": pl.Float64, "contribution": pl.Float64, "low": pl.Float64, "high": pl.Float64,
                 "romi": pl.Float64, "previous": pl.Float64, "change": pl.Float64}


def share_interval(successes: int, n: int, *, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a share ``successes / n`` (None without answers)."""
    if n <= 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def pillar_ranges(estimates: pl.DataFrame, spend: pl.DataFrame) -> pl.DataFrame:
    """Each pillar's low and high contribution from its parts' estimates.

    Inputs: ``estimates`` (``pillar``, ``part``, ``amount``: one row per estimate of a part — per
    attribution model, per end of an interval; a part estimated once has one row) and ``spend``
    (``pillar``, ``spend``). Returns ``pillar`` (in ``spend``'s order), ``low`` and ``high`` (currency):
    the sum of the parts' lowest (highest) estimates minus the pillar's spend.
    """
    ends = (
        estimates.lazy().group_by("pillar", "part")
        .agg(pl.col("amount").min().alias("low"), pl.col("amount").max().alias("high"))
        .group_by("pillar").agg(pl.col("low").sum(), pl.col("high").sum())
    )
    return (
        spend.lazy().select("pillar", "spend").join(ends, on="pillar", how="left", maintain_order="left")
        .select("pillar", (pl.col("low").fill_null(0.0) - pl.col("spend")).alias("low"),
                (pl.col("high").fill_null(0.0) - pl.col("spend")).alias("high"))
        .collect()
    )


def one_line_answer(pillars: pl.DataFrame, *, spend: float, previous: float | None = None) -> pl.DataFrame:
    """The total of the pillars shown: one row.

    Inputs: ``pillars`` (``pillar``, ``contribution``, ``low``, ``high``: the pillars the view covers),
    ``spend`` (the total marketing spend of the view) and ``previous`` (the same pillars' total contribution
    in the comparison period, or None). Returns ``spend``, ``contribution``, ``low``, ``high`` (currency),
    ``romi`` = contribution / spend (null without spend), ``previous`` and ``change`` = (contribution −
    previous) / |previous| (null without a comparison or when it is 0).
    """
    total = pillars.select(pl.col("contribution", "low", "high").sum()).row(0, named=True)
    contribution = float(total["contribution"])
    romi = contribution / spend if spend > 0 else None
    change = (contribution - previous) / abs(previous) if previous else None
    row = {"spend": float(spend), "contribution": contribution, "low": float(total["low"]),
           "high": float(total["high"]), "romi": romi, "previous": previous, "change": change}
    return pl.DataFrame([row], schema=ANSWER_SCHEMA)


register(
    MetricSpec(
        "romi_12m", "ROMI (12-month value)", "ROMI (ценность за 12 месяцев)",
        "Return on marketing investment on 12-month value = (first-year gross profit the marketing brings − spend) "
        "/ spend: the estimated profit contribution over the spend. Sales and communication: new customers' "
        "gross profit in their first 12 months; reputation: promoters and complaints resolved on time. Range: "
        "each part's lowest and highest estimate (the Sales page's attribution models; the promoter share's 95% "
        "interval), added up over the parts and the pillars, so the parts are not assumed to offset one another.",
        "Окупаемость маркетинговых инвестиций по ценности за 12 месяцев = (валовая прибыль первого года, которую "
        "приносит маркетинг − затраты) / затраты: оценка вклада в прибыль, делённая на затраты. Продажи и "
        "коммуникации — валовая прибыль новых клиентов за первые 12 месяцев; репутация — промоутеры и жалобы, "
        "решённые в срок. Диапазон: наименьшая и наибольшая оценка каждой части (модели атрибуции страницы "
        "«Продажи»; 95%-интервал доли промоутеров), сложенные по частям и группам, — части не считаются "
        "взаимно гасящими друг друга.",
        "ratio", "derived", ("profit_contribution", "spend"),
    ),
)
