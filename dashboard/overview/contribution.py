"""Each pillar's estimated profit contribution for the Overview, and the retention-to-profit headline.

New customers are credited to channels by the data-driven (Markov) attribution model of the
Sales page (same journeys, same look-back) and valued at their channel's first-year gross
profit; reputation's value comes from the Retention & profit models (see
:mod:`metrics.contribution` for the formulas).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.retention import data as rd
from dashboard.context import PageContext
from dashboard.retention.tables import difference
from dashboard.sales.data import attribution
from metrics import contribution as mc
from metrics.budget import PILLARS, spend_by_pillar


@dataclass(frozen=True)
class Contribution:
    """A pillar's estimate: value parts (message key suffix, amount), spend and the net contribution."""

    pillar: str
    parts: tuple[tuple[str, float], ...]
    spend: float
    contribution: float


@dataclass(frozen=True)
class RetentionHeadline:
    delta_points: float
    difference: float
    difference_pct: float | None
    years: int


def _period_hours(ctx: PageContext) -> float:
    return float(ctx.settings.complaint_resolution_hours)


def contributions(ctx: PageContext, model: rd.ValueModel) -> dict[str, Contribution]:
    """The three pillars' estimates for the chosen period and filters."""
    credit = attribution(ctx, ctx.settings.lookback_days).filter(pl.col("model") == "markov")
    if ctx.view.channels:
        credit = credit.filter(pl.col("channel").is_in(list(ctx.view.channels)))
    acquired = mc.attributed_value(credit, model.new_customer_value, ctx.channels)

    answers = ctx.measures("nps_responses", ["answers", "promoters"]).row(0, named=True)
    promoter_share = answers["promoters"] / answers["answers"] if answers["answers"] else None
    fast = ctx.measures("complaints", ["resolved_within_standard"],
                        params={"standard_hours": _period_hours(ctx)})["resolved_within_standard"][0]
    reputation = mc.reputation_value(
        buying_customers=int(ctx.measures("orders", ["buyers"])["buyers"][0]), promoter_share=promoter_share,
        promoter_gap=difference(model.nps_value, "nps_group", "promoter", "passive", "value"),
        fast_complaints=int(fast),
        complaint_gap=difference(model.complaints, "speed", "fast", "slow", "gross_profit_12m"),
        period_days=(ctx.period[1] - ctx.period[0]).days + 1,
    )
    parts = pl.concat([acquired, reputation])
    spend = spend_by_pillar(ctx.measures("spend", ["spend"], by=("channel_id",)).rename({"spend": "amount"}),
                            ctx.channels)
    table = mc.pillar_contributions(parts, spend)
    out = {}
    for pillar in PILLARS:
        row = table.filter(pl.col("pillar") == pillar).row(0, named=True)
        mine = parts.filter(pl.col("pillar") == pillar)
        out[pillar] = Contribution(pillar, tuple(mine.select("part", "amount").iter_rows()), row["spend"],
                                   row["contribution"])
    return out


def retention_headline(ctx: PageContext, model: rd.ValueModel, delta_points: float = 5.0) -> RetentionHeadline | None:
    """'+5 pp retention ≈ +X profit over N years' from the Retention & profit projection (None without one)."""
    sens = rd.sensitivity(ctx, model)
    row = sens.filter(pl.col("delta_points") == delta_points)
    if row.height == 0:
        return None
    r = row.row(0, named=True)
    return RetentionHeadline(delta_points, r["difference"], r["difference_pct"], ctx.settings.horizon_years)
