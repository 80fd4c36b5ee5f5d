"""The Reputation page counted by the database shows exactly what the metric functions give on the raw rows.

The old way — every row of the period read with ``read_fact``, review sentiment resolved on
read by the classifier, then the polars metrics — is written out here and compared with
``compute_page`` (measures, stored labels, ORDER BY … LIMIT lists) for a 90-day period, twelve
months, all data and a region filter, on DuckDB and PostgreSQL; and the page's cold computation
moves a bounded number of rows.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
import streamlit as st
from polars.testing import assert_frame_equal

from connectors.read import read_fact
from dashboard import context as app_data
from dashboard.filters import ViewState
from dashboard.overview.pillars import reputation as pillar
from dashboard.reputation import data as rep
from metrics.complaints import complaint_handling, complaint_topics, open_backlog
from metrics.periods import full_buckets
from metrics.reputation import (
    brand_trust, latest_comments, nps, nps_after_complaints, nps_by_period, nps_change, nps_mix,
)
from metrics.reviews import (
    average_rating, rating_distribution, review_counts, review_responses, review_sentiment, review_totals,
)
from metrics.sentiment import default_classifier
from tests.lanes import spread

VIEWS = {
    "90 days": (ViewState(), "auto", (0, 10)),
    "12 months vs last year": (ViewState(period="last_12_months", compare="year"), "auto", (0, 6)),
    "all data by week": (ViewState(period="all"), "week", (9, 10)),
    "all data": (ViewState(period="all"), "auto", (0, 10)),
    "12 months, a region and channels": (ViewState(period="last_12_months", regions=("Тверь",),
                                                   channels=("search_ads", "email")), "month", (7, 8)),
}
REL = 1e-9


def context(store, view: ViewState) -> app_data.PageContext:
    version, channels, campaigns, regions, bounds = app_data.base_context(store)
    return app_data.build_context(store, view, version, channels, campaigns, regions, bounds)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def old_page(store, ctx: app_data.PageContext, grain: str, scores: tuple[int, int]) -> dict:
    """The page's numbers from the raw rows, as the page computed them before the database counted."""
    s = ctx.settings
    flt = ctx.filters()
    prev = ctx.filters(comparison=True) if ctx.comparison else None
    history = flt.with_period(None, None)
    data_end = _end_of(ctx.bounds.last)
    hours = s.complaint_resolution_hours
    clf = default_classifier()

    answers = read_fact(store, "nps_responses", flt)
    prev_nps = nps(read_fact(store, "nps_responses", prev)) if prev else None
    revs = review_sentiment(read_fact(store, "reviews", flt), classifier=clf)
    revs_prev = review_sentiment(read_fact(store, "reviews", prev), classifier=clf) if prev else None
    complaints = read_fact(store, "complaints", flt)
    complaints_prev = read_fact(store, "complaints", prev) if prev else None
    end = ctx.period[1]
    months = end.year * 12 + end.month - 1 - 23
    surveys = read_fact(store, "brand_surveys").filter(
        pl.col("period").is_between(dt.date(months // 12, months % 12 + 1, 1), end))
    sources = revs.group_by("sentiment_from").len()
    answer = s.review_answer_hours
    return {
        "nps_now": nps(answers, min_answers=s.nps_min_answers).row(0, named=True),
        "nps_previous": prev_nps.row(0, named=True) if prev_nps is not None else None,
        "nps_change": nps_change(nps(answers), prev_nps).row(0, named=True) if prev_nps is not None else None,
        "nps_trend": nps_mix(nps_by_period(answers, grain=grain, min_answers=s.nps_min_answers)),
        "nps_by": {d: nps(answers, by=[d], min_answers=s.nps_min_answers) for d in rep.DIMENSIONS},
        "comments": latest_comments(answers, scores=scores, limit=rep.COMMENTS_SHOWN),
        "review_totals": review_totals(revs).row(0, named=True),
        "review_totals_previous": review_totals(revs_prev).row(0, named=True) if revs_prev is not None else None,
        "reviews_by_period": review_counts(revs, grain=grain, by=()),
        "reviews_by_source": review_counts(revs, grain=None, by=("source",)),
        "sentiment_sources": dict(zip(sources["sentiment_from"].to_list(), sources["len"].to_list())),
        "ratings": rating_distribution(revs),
        "average_rating": average_rating(revs),
        "responses": review_responses(revs, standard_hours=answer).row(0, named=True),
        "responses_previous": (review_responses(revs_prev, standard_hours=answer).row(0, named=True)
                               if revs_prev is not None else None),
        "responses_by_period": review_responses(revs, standard_hours=answer, grain=grain),
        "latest_reviews": revs.sort(["created_at", "review_id"], descending=True).head(rep.REVIEWS_SHOWN),
        "complaints": complaint_handling(complaints, as_of=data_end, standard_hours=hours).row(0, named=True),
        "complaints_previous": (complaint_handling(complaints_prev, as_of=data_end, standard_hours=hours)
                                .row(0, named=True) if complaints_prev is not None else None),
        "complaints_by_period": complaint_handling(complaints, as_of=data_end, standard_hours=hours, grain=grain),
        "backlog": open_backlog(read_fact(store, "complaints", history), at=min(_end_of(end), data_end),
                                standard_hours=hours).row(0, named=True),
        "nps_after_complaints": nps_after_complaints(complaints, read_fact(store, "nps_responses", history),
                                                     standard_hours=hours),
        "topics": complaint_topics(complaints, standard_hours=hours),
        "brand": brand_trust(surveys),
    }


def same(got, want, what: str) -> None:
    """Equal to 1e-9 relative for floats; frames on the old frame's columns, in its row order."""
    if isinstance(want, pl.DataFrame):
        assert isinstance(got, pl.DataFrame), what
        assert_frame_equal(got.select(want.columns), want, check_dtypes=False, rel_tol=REL, abs_tol=1e-12), what
    elif isinstance(want, dict):
        assert isinstance(got, dict), what
        assert set(want) <= set(got), (what, set(want) - set(got))
        for key, value in want.items():
            same(got[key], value, f"{what}.{key}")
    elif isinstance(want, float) and not (isinstance(want, float) and math.isnan(want)):
        assert got == pytest.approx(want, rel=REL, abs=1e-12), what
    else:
        assert got == want, what


@pytest.mark.parametrize("name", spread(VIEWS, fast={"12 months, a region and channels"}))
def test_the_page_shows_what_the_metrics_give_on_the_raw_rows(backend, name: str) -> None:
    view, grain_choice, scores = VIEWS[name]
    st.cache_resource.clear()
    ctx = context(backend, view)
    page = rep.compute_page(ctx, grain_choice=grain_choice, scores=scores)
    old = old_page(backend, ctx, page.grain, scores)
    assert old["nps_now"]["n"] > 0 and old["review_totals"]["reviews"] > 0 and old["complaints"]["complaints"] > 0
    for field, want in old.items():
        got = getattr(page, field)
        if field == "nps_by":
            for dim, frame in want.items():
                same(got[dim], frame, f"nps_by.{dim}")
        elif field in ("comments", "latest_reviews"):
            keep = [c for c in got.columns if c in want.columns]
            assert keep and got.height == want.height, field
            same(got.select(keep), want.select(keep), field)
        else:
            same(got, want, field)
    assert page.labels_current


def old_headlines(store, ctx: app_data.PageContext, grain: str) -> list[tuple]:
    """The Overview's Reputation column from the raw rows, as it was computed before."""
    nps_grain = "month" if grain == "month" else "week"
    flt, prev = ctx.filters(), (ctx.filters(comparison=True) if ctx.comparison else None)
    answers = read_fact(store, "nps_responses", flt)
    now = nps(answers).row(0, named=True)
    before = nps(read_fact(store, "nps_responses", prev)).row(0, named=True) if prev else None
    trend = nps_by_period(answers, grain=nps_grain)
    out = [("nps", now["nps"], before["nps"] if before else None, now["margin_of_error"], now["n"],
            tuple(float(x) for x in trend["nps"].to_list() if x is not None))]
    revs = review_sentiment(read_fact(store, "reviews", flt), classifier=default_classifier())
    totals = review_totals(revs).row(0, named=True)
    totals_prev = (review_totals(review_sentiment(read_fact(store, "reviews", prev), classifier=default_classifier()))
                   .row(0, named=True) if prev else None)
    counts = review_counts(revs, grain=nps_grain, by=()).pivot("sentiment", index="period", values="reviews")
    counts = full_buckets(counts.sort("period"), start=ctx.period[0], end=ctx.period[1], grain=nps_grain)
    for label in ("positive", "negative"):
        series = counts[label].fill_null(0) if label in counts.columns else pl.Series([], dtype=pl.Int64)
        out.append((f"{label}_reviews", float(totals[label]) if totals["reviews"] else None,
                    float(totals_prev[label]) if totals_prev and totals_prev["reviews"] else None, None, None,
                    tuple(float(x) for x in series.to_list())))
    as_of, hours = _end_of(ctx.bounds.last), ctx.settings.complaint_resolution_hours
    complaints = read_fact(store, "complaints", flt)
    handled = complaint_handling(complaints, standard_hours=hours, as_of=as_of).row(0, named=True)
    handled_prev = (complaint_handling(read_fact(store, "complaints", prev), standard_hours=hours, as_of=as_of)
                    .row(0, named=True) if prev else None)
    by_period = complaint_handling(complaints, standard_hours=hours, as_of=as_of, grain=nps_grain)
    out.append(("complaints_within_standard", handled["within_standard_share"],
                handled_prev["within_standard_share"] if handled_prev else None, None, None,
                tuple(float(x) for x in by_period["within_standard_share"].to_list() if x is not None)))
    return out


@pytest.mark.parametrize("name", spread(["90 days", "12 months vs last year", "all data",
                                         "12 months, a region and channels"], fast={"12 months vs last year"}))
@pytest.mark.parametrize("grain", ["week", "month"])
def test_the_overview_column_shows_what_the_metrics_give_on_the_raw_rows(backend, name: str, grain: str) -> None:
    st.cache_resource.clear()
    ctx = context(backend, VIEWS[name][0])
    got = pillar.headlines(ctx, grain)
    want = old_headlines(backend, ctx, grain)
    assert [h.metric for h in got] == [w[0] for w in want]
    for h, (key, value, previous, margin, n, trend) in zip(got, want):
        same(h.value, value, f"{key}.value")
        same(h.previous, previous, f"{key}.previous")
        if margin is not None:
            same(h.margin, margin, f"{key}.margin")
            assert h.n == n
        assert len(h.trend) == len(trend), key
        for i, (a, b) in enumerate(zip(h.trend, trend)):
            same(a, b, f"{key}.trend[{i}]")


# --- rows moved -------------------------------------------------------------------------------------

@pytest.fixture
def counted(small_store, monkeypatch):
    """Counts the rows and queries the database returns to the app."""
    seen = {"rows": 0, "queries": 0}
    query = small_store.query

    def counting(stmt):
        frame = query(stmt)
        seen["rows"] += frame.height
        seen["queries"] += 1
        return frame

    monkeypatch.setattr(small_store, "query", counting)
    return seen


ROWS_BOUND = 1_000  # the answer's size: buckets × sentiment, groups, 30 comments, 12 reviews, ≤ 24 × 3 waves


@pytest.mark.parametrize("period", spread(["last_90_days", "last_12_months", "all"], fast={"last_90_days"}))
def test_a_cold_page_moves_rows_that_grow_with_the_answer_not_the_data(small_store, counted, period) -> None:
    st.cache_resource.clear()
    ctx = context(small_store, ViewState(period=period))
    counted.update(rows=0, queries=0)
    rep.compute_page(ctx)
    page_rows = counted["rows"]
    assert 0 < page_rows <= ROWS_BOUND, counted
    raw = sum(small_store.execute_sql(f"SELECT count(*) FROM {t}").item()
              for t in ("nps_responses", "reviews", "complaints"))
    assert page_rows < raw / 10  # far below the rows the page used to read
    counted.update(rows=0, queries=0)
    rep.compute_page(ctx)  # warm: everything comes from the caches
    assert counted == {"rows": 0, "queries": 0}
    st.cache_resource.clear()
    counted.update(rows=0, queries=0)
    pillar.headlines(ctx, "week")
    weeks = (ctx.period[1] - ctx.period[0]).days // 7 + 2
    assert 0 < counted["rows"] <= 3 * weeks + 10, counted  # three weekly trend lines and the totals
