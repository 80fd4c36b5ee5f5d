"""Reputation pillar on the Overview: NPS with its margin of error, positive and negative reviews,
and complaints resolved within the standard — each with its change and a trend line."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.context import PageContext
from dashboard.overview.data import Headline
from dashboard.reputation.data import classifier, reviews
from metrics.complaints import complaint_handling
from metrics.periods import full_buckets
from metrics.reputation import nps, nps_by_period
from metrics.reviews import review_counts, review_totals

COLUMNS = ("responded_at", "score")
COMPLAINTS = ("opened_at", "resolved_at", "first_response_at", "satisfied")


def _trend(frame: pl.DataFrame, column: str) -> tuple[float, ...]:
    return tuple(float(x) for x in frame[column].to_list() if x is not None)


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    nps_grain = "month" if grain == "month" else "week"
    answers = ctx.load("nps_responses", columns=COLUMNS)
    now = nps(answers).row(0, named=True)
    prev = nps(ctx.load("nps_responses", comparison=True, columns=COLUMNS)).row(0, named=True) if ctx.comparison else None
    out = [Headline(
        "nps", now["nps"], prev["nps"] if prev else None, change="points", margin=now["margin_of_error"],
        n=now["n"], trend=_trend(nps_by_period(answers, grain=nps_grain), "nps"), company_wide=True,
        empty="overview.no_answers",
    )]

    clf, _ = classifier(ctx)
    revs = reviews(ctx, clf)
    totals = review_totals(revs).row(0, named=True)
    totals_prev = review_totals(reviews(ctx, clf, comparison=True)).row(0, named=True) if ctx.comparison else None
    counts = review_counts(revs, grain=nps_grain, by=()).pivot("sentiment", index="period", values="reviews")
    counts = full_buckets(counts.sort("period"), start=ctx.period[0], end=ctx.period[1], grain=nps_grain)
    for label in ("positive", "negative"):
        series = counts[label].fill_null(0) if label in counts.columns else pl.Series([], dtype=pl.Int64)
        out.append(Headline(
            f"{label}_reviews", float(totals[label]) if totals["reviews"] else None,
            float(totals_prev[label]) if totals_prev and totals_prev["reviews"] else None,
            trend=tuple(float(x) for x in series.to_list()), company_wide=True, empty="overview.no_reviews",
        ))

    hours = ctx.settings.complaint_resolution_hours
    data_end = dt.datetime.combine(ctx.bounds.last + dt.timedelta(days=1), dt.time())
    complaints = ctx.load("complaints", columns=COMPLAINTS)
    handled = complaint_handling(complaints, standard_hours=hours, as_of=data_end).row(0, named=True)
    handled_prev = (
        complaint_handling(ctx.load("complaints", comparison=True, columns=COMPLAINTS), standard_hours=hours,
                           as_of=data_end).row(0, named=True)
        if ctx.comparison else None
    )
    by_period = complaint_handling(complaints, standard_hours=hours, as_of=data_end, grain=nps_grain)
    out.append(Headline(
        "complaints_within_standard", handled["within_standard_share"],
        handled_prev["within_standard_share"] if handled_prev else None, change="points",
        trend=_trend(by_period, "within_standard_share"), company_wide=True, empty="overview.no_complaints",
    ))
    return out
