"""The Overview's numbers: each pillar's spend, share of budget, headline results and
estimated profit contribution, and the retention-to-profit headline.

Each pillar's headline results come from its own module in ``dashboard/pillars/``
(``headlines(ctx, grain) -> list[Headline]``), computed by ``metrics`` functions on
frames from the cached loaders; the contributions and the retention headline come
from ``dashboard/overview/contribution.py``. This module gathers them, so the page
stays a description of the screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import polars as pl

from dashboard.context import PageContext
from metrics.answer import one_line_answer
from metrics.budget import PILLARS, spend_by_pillar
from metrics.periods import bucket_end

if TYPE_CHECKING:
    from dashboard.overview.contribution import Contribution, RetentionHeadline


@dataclass(frozen=True)
class Headline:
    """One headline result of a pillar, in the pillar's own units.

    ``metric`` names a metric in ``metrics.specs`` (its label, definition and unit);
    ``change`` says how the difference to ``previous`` is shown (relative %;
    points for scores and shares; absolute, in the value's own unit, for flows such
    as net followers whose base can be small or change sign); ``margin`` is the ± of a sampled
    estimate; ``n`` the answers behind a survey result; ``company_wide`` marks results
    the channel filter does not apply to; ``empty`` is the message key shown when
    there is no value; ``grain`` is the step of the ``trend`` points (day, week, month) and ``span`` the first and
    last day they cover (:func:`trend_points`).
    """

    metric: str
    value: float | None
    previous: float | None
    change: Literal["relative", "points", "absolute"] = "relative"
    margin: float | None = None
    n: int | None = None
    trend: tuple[float, ...] = ()
    company_wide: bool = False
    empty: str = "empty.period"
    grain: str | None = None
    span: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class PillarSummary:
    pillar: str
    spend: float
    share: float | None
    spend_previous: float | None
    headlines: tuple[Headline, ...] = field(default=())
    contribution: Contribution | None = None


def trend_points(frame: pl.DataFrame, column: str, grain: str, period: tuple[dt.date, dt.date], *,
                 fill: float | None = None) -> tuple[tuple[float, ...], tuple[dt.date, dt.date] | None]:
    """A trend line's points (buckets without a value left out, or ``fill``ed) and the days they cover: from the
    first bucket's start to the last bucket's end, within the period."""
    rows = frame.select("period", pl.col(column).fill_null(fill) if fill is not None else pl.col(column))
    rows = rows.filter(pl.col(column).is_not_null()).sort("period")
    if rows.height == 0:
        return (), None
    first, last = rows["period"][0], rows["period"][-1]
    first = first.date() if isinstance(first, dt.datetime) else first
    last = last.date() if isinstance(last, dt.datetime) else last
    span = (max(first, period[0]), min(bucket_end(last, grain), period[1]))
    return tuple(float(x) for x in rows[column].to_list()), span


def trend_grain(days: int) -> str:
    """A trend line's bucket: daily for a month, weekly up to half a year, monthly beyond."""
    if days <= 31:
        return "day"
    if days <= 190:
        return "week"
    return "month"


def pillar_spend(ctx: PageContext, *, comparison: bool = False) -> pl.DataFrame:
    """:func:`metrics.budget.spend_by_pillar` on the spend summed by the database per channel."""
    by_channel = ctx.measures("spend", ["spend"], by=["channel_id"], comparison=comparison)
    return spend_by_pillar(by_channel.rename({"spend": "amount"}), ctx.channels)


def pillar_selected(ctx: PageContext, pillar: str) -> bool:
    """Whether the view's channel filter keeps any of the pillar's channels (no filter: every pillar)."""
    selected = ctx.view.channels
    return not selected or ctx.channels.filter(
        pl.col("channel_id").is_in(list(selected)) & (pl.col("pillar") == pillar)).height > 0


def pillar_summaries(ctx: PageContext) -> list[PillarSummary]:
    from dashboard.retention import data as retention
    from dashboard.overview import contribution
    from dashboard.overview.pillars import communication, reputation, sales

    builders = {"sales": sales.headlines, "reputation": reputation.headlines,
                "communication": communication.headlines}
    spend_now = pillar_spend(ctx)
    spend_prev = pillar_spend(ctx, comparison=True) if ctx.comparison else None
    grain = trend_grain((ctx.period[1] - ctx.period[0]).days + 1)
    estimates = contribution.contributions(ctx, retention.value_model(ctx))
    out = []
    for pillar in PILLARS:
        row = spend_now.filter(pl.col("pillar") == pillar).row(0, named=True)
        prev = spend_prev.filter(pl.col("pillar") == pillar)["spend"][0] if spend_prev is not None else None
        out.append(PillarSummary(pillar, row["spend"], row["share"], prev, tuple(builders[pillar](ctx, grain)),
                                 estimates[pillar]))
    return out


def overview_answer(ctx: PageContext, summaries: list[PillarSummary]) -> dict[str, float | None] | None:
    """The one-line answer (:func:`metrics.answer.one_line_answer`) over the pillars the channel filter keeps:
    all marketing spend of the view, their contribution, its range, ROMI on 12-month value and the change against
    the comparison period. None when no pillar has an estimate."""
    from dashboard.overview import contribution

    shown = [s for s in summaries if s.contribution is not None and pillar_selected(ctx, s.pillar)]
    if not shown:
        return None
    pillars = pl.DataFrame({
        "pillar": [s.pillar for s in shown],
        "contribution": [s.contribution.contribution for s in shown],
        "low": [s.contribution.low if s.contribution.low is not None else s.contribution.contribution for s in shown],
        "high": [s.contribution.high if s.contribution.high is not None else s.contribution.contribution
                 for s in shown],
    }, schema={"pillar": pl.String, "contribution": pl.Float64, "low": pl.Float64, "high": pl.Float64})
    before = contribution.previous_contributions(ctx)
    previous = sum(before[s.pillar] for s in shown) if before is not None else None
    return one_line_answer(pillars, spend=sum(s.spend for s in summaries), previous=previous).row(0, named=True)


def retention_headline(ctx: PageContext) -> RetentionHeadline | None:
    """'+5 pp retention ≈ +X profit over the horizon', from the Retention & profit projection."""
    from dashboard.retention import data as retention
    from dashboard.overview import contribution

    return contribution.retention_headline(ctx, retention.value_model(ctx))


def warm_up(ctx: PageContext) -> None:
    """The default view's numbers into the caches (see ``dashboard/warmup.py``)."""
    from dashboard.overview.mix import mix_estimates

    overview_answer(ctx, pillar_summaries(ctx))
    mix_estimates(ctx)  # fits the Budget scenarios page's default model, which that page then reuses
    retention_headline(ctx)
