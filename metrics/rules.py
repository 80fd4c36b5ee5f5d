"""Business rules every page shares, each defined once.

- **NPS groups.** An answer scoring ``PROMOTER_MIN`` (9) or more comes from a promoter,
  ``DETRACTOR_MAX`` (6) or less from a detractor, anything between (7–8) from a passive.
  SQL that needs the cut-offs binds these constants as parameters.
- **Acquisition channels** are the sales pillar's channels: their spend is acquisition
  spend (the Sales page's CAC, the Retention & profit model's CAC).
- **Bought acquisition** is narrower: the sales channels that are paid or owned. New
  customers credited to them are the Sales pillar's contribution; those credited to earned
  sales channels (direct and organic visits) came by themselves and belong to no pillar.
"""

from __future__ import annotations

import polars as pl

PROMOTER_MIN = 9
DETRACTOR_MAX = 6
NPS_GROUPS = ("promoter", "passive", "detractor")

SALES_PILLAR = "sales"
EARNED = "earned"


def is_promoter(score: pl.Expr) -> pl.Expr:
    """True for a promoter's score (9–10)."""
    return score >= PROMOTER_MIN


def is_detractor(score: pl.Expr) -> pl.Expr:
    """True for a detractor's score (0–6)."""
    return score <= DETRACTOR_MAX


def is_passive(score: pl.Expr) -> pl.Expr:
    """True for a passive's score (7–8)."""
    return ~is_promoter(score) & ~is_detractor(score)


def nps_group(score: pl.Expr | str = "score") -> pl.Expr:
    """``"promoter"``, ``"passive"`` or ``"detractor"`` for a score column (null stays null)."""
    s = pl.col(score) if isinstance(score, str) else score
    return (
        pl.when(s.is_null()).then(pl.lit(None, pl.String))
        .when(is_promoter(s)).then(pl.lit(NPS_GROUPS[0]))
        .when(is_detractor(s)).then(pl.lit(NPS_GROUPS[2]))
        .otherwise(pl.lit(NPS_GROUPS[1]))
    )


def is_acquisition_channel(pillar: pl.Expr | str = "pillar") -> pl.Expr:
    """True for a channel of the sales pillar (its spend is acquisition spend)."""
    p = pl.col(pillar) if isinstance(pillar, str) else pillar
    return p == SALES_PILLAR


def is_bought_acquisition(pillar: pl.Expr | str = "pillar", kind: pl.Expr | str = "kind") -> pl.Expr:
    """True for a paid or owned sales channel (customers it wins count as the Sales pillar's)."""
    k = pl.col(kind) if isinstance(kind, str) else kind
    return is_acquisition_channel(pillar) & (k != EARNED)


def acquisition_channel_ids(channels: pl.DataFrame) -> list[str]:
    """``channel_id`` of the acquisition channels in a channel table (``channel_id``, ``pillar``)."""
    return channels.filter(is_acquisition_channel())["channel_id"].to_list()
