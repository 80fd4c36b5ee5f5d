"""Reputation pillar on the Overview: NPS with its margin of error."""

from __future__ import annotations

from dashboard.data import PageContext
from dashboard.overview import Headline
from metrics.reputation import nps, nps_by_period

COLUMNS = ("responded_at", "score")


def headlines(ctx: PageContext, grain: str) -> list[Headline]:
    answers = ctx.load("nps_responses", columns=COLUMNS)
    now = nps(answers).row(0, named=True)
    prev = nps(ctx.load("nps_responses", comparison=True, columns=COLUMNS)).row(0, named=True) if ctx.comparison else None
    trend = nps_by_period(answers, grain="month" if grain == "month" else "week")["nps"].to_list()
    return [Headline(
        "nps", now["nps"], prev["nps"] if prev else None, change="points", margin=now["margin_of_error"],
        n=now["n"], trend=tuple(x for x in trend if x is not None), company_wide=True, empty="overview.no_answers",
    )]
