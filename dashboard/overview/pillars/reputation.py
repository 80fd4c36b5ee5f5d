"""Reputation pillar on the Overview: NPS with its margin of error, positive and negative reviews,
and complaints resolved within the standard — each with its change and a trend line, all counted
by the database (one row per trend bucket)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.context import PageContext
from dashboard.overview.data import Headline, trend_points
from dashboard.reputation.data import HANDLING, NPS_COUNTS, nps_of, review_totals_of, reviews_of
from metrics.complaints import handling_shares
from metrics.periods import full_buckets


def _trend(frame: pl.DataFrame, column: str) -> tuple[float, ...]:
    return tuple(float(x) for x in frame[column].to_list() if x is not None)


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    nps_grain = "month" if grain == "month" else "week"
    now = nps_of(ctx.measures("nps_responses", NPS_COUNTS)).row(0, named=True)
    prev = nps_of(ctx.measures("nps_responses", NPS_COUNTS, comparison=True)).row(0, named=True) if ctx.comparison else None
    trend = nps_of(ctx.measures("nps_responses", NPS_COUNTS, grain=nps_grain), by=["period"])
    points, span = trend_points(trend, "nps", nps_grain, ctx.period)
    out = [Headline(
        "nps", now["nps"], prev["nps"] if prev else None, change="points", margin=now["margin_of_error"],
        n=now["n"], trend=points, company_wide=True, empty="overview.no_answers", grain=nps_grain, span=span,
    )]

    totals = review_totals_of(reviews_of(ctx))
    totals_prev = review_totals_of(reviews_of(ctx, comparison=True)) if ctx.comparison else None
    counts = full_buckets(reviews_of(ctx, grain=nps_grain), start=ctx.period[0], end=ctx.period[1], grain=nps_grain)
    for label in ("positive", "negative"):
        series = counts[f"{label}_reviews"].fill_null(0) if totals[label] else pl.Series([], dtype=pl.Int64)
        out.append(Headline(
            f"{label}_reviews", float(totals[label]) if totals["reviews"] else None,
            float(totals_prev[label]) if totals_prev and totals_prev["reviews"] else None,
            trend=tuple(float(x) for x in series.to_list()), company_wide=True, empty="overview.no_reviews",
        ))

    params = {"standard_hours": ctx.settings.complaint_resolution_hours,
              "as_of": dt.datetime.combine(ctx.bounds.last + dt.timedelta(days=1), dt.time())}
    handled = handling_shares(ctx.measures("complaints", HANDLING, params=params)).row(0, named=True)
    handled_prev = (handling_shares(ctx.measures("complaints", HANDLING, comparison=True, params=params))
                    .row(0, named=True) if ctx.comparison else None)
    by_period = handling_shares(ctx.measures("complaints", HANDLING, grain=nps_grain, params=params))
    out.append(Headline(
        "complaints_within_standard", handled["within_standard_share"],
        handled_prev["within_standard_share"] if handled_prev else None, change="points",
        trend=_trend(by_period, "within_standard_share"), company_wide=True, empty="overview.no_complaints",
    ))
    return out
