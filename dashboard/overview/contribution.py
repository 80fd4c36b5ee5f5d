"""Each pillar's estimated profit contribution for the Overview, and the retention-to-profit headline.

New customers are credited to channels by the data-driven (Markov) attribution model of the
Sales page (same journeys, same look-back) and valued at their channel's first-year gross
profit; reputation's value comes from the Retention & profit models (see
:mod:`metrics.contribution` for the formulas).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from dashboard.retention import data as rd
from dashboard.context import PageContext
from dashboard.retention.tables import difference
from dashboard.sales.data import attribution, model_credit
from metrics import contribution as mc
from metrics.answer import pillar_ranges, share_interval
from metrics.attribution import MODELS
from metrics.budget import PILLARS, spend_by_pillar


@dataclass(frozen=True)
class Contribution:
    """A pillar's estimate: value parts (message key suffix, amount), spend, the net contribution and its range
    (:func:`metrics.answer.pillar_ranges`)."""

    pillar: str
    parts: tuple[tuple[str, float], ...]
    spend: float
    contribution: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class RetentionHeadline:
    delta_points: float
    difference: float
    difference_pct: float | None
    years: int


def _period_hours(ctx: PageContext) -> float:
    return float(ctx.settings.complaint_resolution_hours)


def _selected_credit(credit: pl.DataFrame, ctx: PageContext) -> pl.DataFrame:
    return credit.filter(pl.col("channel").is_in(list(ctx.view.channels))) if ctx.view.channels else credit


def _reputation_inputs(ctx: PageContext) -> dict[str, int]:
    """The counts the reputation pillar's value rests on: buying customers, NPS answers and promoters, complaints
    resolved within the standard."""
    answers = ctx.measures("nps_responses", ["answers", "promoters"]).row(0, named=True)
    fast = ctx.measures("complaints", ["resolved_within_standard"],
                        params={"standard_hours": _period_hours(ctx)})["resolved_within_standard"][0]
    buyers = ctx.measures("orders", ["buyers"])["buyers"][0]
    return {"buyers": int(buyers or 0), "answers": int(answers["answers"] or 0),
            "promoters": int(answers["promoters"] or 0), "fast": int(fast or 0)}


def _reputation_parts(ctx: PageContext, model: rd.ValueModel, inputs: dict[str, int],
                      promoter_share: float | None) -> pl.DataFrame:
    period = ctx.period
    return mc.reputation_value(
        buying_customers=inputs["buyers"], promoter_share=promoter_share,
        promoter_gap=difference(model.nps_value, "nps_group", "promoter", "passive", "value"),
        fast_complaints=inputs["fast"],
        complaint_gap=difference(model.complaints, "speed", "fast", "slow", "gross_profit_12m"),
        period_days=(period[1] - period[0]).days + 1,
    )


def _spend(ctx: PageContext) -> pl.DataFrame:
    by_channel = ctx.measures("spend", ["spend"], by=("channel_id",))
    return spend_by_pillar(by_channel.rename({"spend": "amount"}), ctx.channels)


def contributions(ctx: PageContext, model: rd.ValueModel) -> dict[str, Contribution]:
    """The three pillars' estimates for the chosen period and filters, each with its range: the new customers'
    value under every attribution model of the Sales page and the promoters' value at both ends of the promoter
    share's 95% interval (:mod:`metrics.answer`)."""
    every = attribution(ctx, ctx.settings.lookback_days)
    names = [m for m in MODELS if m in {*every["model"].to_list(), "markov"}]
    every = _selected_credit(every, ctx)
    by_model = {name: mc.attributed_value(every.filter(pl.col("model") == name), model.new_customer_value,
                                          ctx.channels) for name in names}
    acquired = by_model["markov"]
    inputs = _reputation_inputs(ctx)
    share = inputs["promoters"] / inputs["answers"] if inputs["answers"] else None
    reputation = _reputation_parts(ctx, model, inputs, share)
    interval = share_interval(inputs["promoters"], inputs["answers"]) or (None, None)
    estimates = pl.concat([*by_model.values(), reputation,
                           *(_reputation_parts(ctx, model, inputs, end) for end in interval)])
    parts = pl.concat([acquired, reputation])
    spend = _spend(ctx)
    table = mc.pillar_contributions(parts, spend).join(pillar_ranges(estimates, spend), on="pillar")
    out = {}
    for pillar in PILLARS:
        row = table.filter(pl.col("pillar") == pillar).row(0, named=True)
        mine = parts.filter(pl.col("pillar") == pillar)
        out[pillar] = Contribution(pillar, tuple(mine.select("part", "amount").iter_rows()), row["spend"],
                                   row["contribution"], row["low"], row["high"])
    return out


def previous_contributions(ctx: PageContext) -> dict[str, float] | None:
    """Each pillar's contribution in the comparison period, as the Overview shows it for that period (Markov
    credit; values per customer and per complaint as of the comparison period's last day), or None without one."""
    if ctx.comparison is None:
        return None
    before = replace(ctx, period=ctx.comparison, comparison=None)
    model = rd.value_model(before)
    credit = _selected_credit(model_credit(ctx, "markov", ctx.settings.lookback_days, comparison=True), ctx)
    inputs = _reputation_inputs(before)
    share = inputs["promoters"] / inputs["answers"] if inputs["answers"] else None
    parts = pl.concat([mc.attributed_value(credit, model.new_customer_value, ctx.channels),
                       _reputation_parts(before, model, inputs, share)])
    table = mc.pillar_contributions(parts, _spend(before))
    return dict(zip(table["pillar"].to_list(), table["contribution"].to_list()))


def retention_headline(ctx: PageContext, model: rd.ValueModel, delta_points: float = 5.0) -> RetentionHeadline | None:
    """'+5 pp retention ≈ +X profit over N years' from the Retention & profit projection (None without one)."""
    sens = rd.sensitivity(ctx, model)
    row = sens.filter(pl.col("delta_points") == delta_points)
    if row.height == 0:
        return None
    r = row.row(0, named=True)
    return RetentionHeadline(delta_points, r["difference"], r["difference_pct"], ctx.settings.horizon_years)
