"""Each pillar's second, independent estimate on the Overview: the gross profit the Budget scenarios page's
marketing-mix model credits to the pillar's channels' spend in the view's whole weeks, with its 90% range.

The model is the page's cached one (``dashboard.scenarios.mix_data.mix_model``, same cache key), fitted on the
company's weekly gross profit over the whole history: company-wide and weekly. So under a region filter it gives
no number, a channel filter keeps only the chosen channels, and a period without a whole fitted week says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.context import PageContext
from dashboard.overview.data import pillar_selected
from dashboard.scenarios.mix_data import mix_model
from metrics.budget import PILLARS
from metrics.mmm.contributions import group_contributions

OUTCOME = "gross_profit"


@dataclass(frozen=True)
class MixEstimate:
    """The model's gross profit from the pillar's spend over ``weeks`` whole weeks (``first_week`` to the Sunday
    after ``last_week``) with its 90% range; or, when there is no number, ``note``: the message key saying why."""

    pillar: str
    contribution: float | None = None
    low: float | None = None
    high: float | None = None
    weeks: int = 0
    first_week: dt.date | None = None
    last_week: dt.date | None = None
    note: str | None = None


def has_whole_week(start: dt.date, end: dt.date) -> bool:
    """Whether a Monday-to-Sunday week lies inside ``start``–``end``."""
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    return monday + dt.timedelta(days=6) <= end


def _pillar_of_channel(ctx: PageContext) -> dict[str, str]:
    channels = ctx.channels
    if ctx.view.channels:
        channels = channels.filter(pl.col("channel_id").is_in(list(ctx.view.channels)))
    return dict(zip(channels["channel_id"].to_list(), channels["pillar"].to_list()))


def mix_estimates(ctx: PageContext) -> dict[str, MixEstimate | None]:
    """Per pillar, the model's estimate for the view; None for a pillar the channel filter leaves out."""
    kept = [p for p in PILLARS if pillar_selected(ctx, p)]

    def noted(key: str) -> dict[str, MixEstimate | None]:
        return {p: MixEstimate(p, note=key) if p in kept else None for p in PILLARS}

    if ctx.view.regions:
        return noted("mix.region")
    model = mix_model(ctx, OUTCOME)
    if model is None:
        return noted("mix.unavailable")
    start, end = ctx.period
    table = group_contributions(model.fit, _pillar_of_channel(ctx), start=start, end=end)
    if table.height == 0:
        return noted("mix.beyond" if has_whole_week(start, end) else "mix.no_week")
    rows = {r["group"]: r for r in table.iter_rows(named=True)}
    out: dict[str, MixEstimate | None] = {}
    for p in PILLARS:
        if p not in kept:
            out[p] = None
        elif p not in rows:
            out[p] = MixEstimate(p, note="mix.no_channels")
        else:
            r = rows[p]
            out[p] = MixEstimate(p, r["contribution"], r["low"], r["high"], r["weeks"], r["first_week"],
                                 r["last_week"])
    return out
