"""The Reputation page's data: controls bound to the link, the sentiment classifier, and every
number the page shows, computed once per run by :func:`compute_page` (the benchmark times it).
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.context import PageContext, store_id
from dashboard.filters import whole_number
from metrics.complaints import complaint_handling, complaint_topics, open_backlog
from metrics.reputation import (
    brand_trust, latest_comments, nps, nps_after_complaints, nps_by_period, nps_change, nps_mix,
)
from metrics.reviews import (
    average_rating, rating_distribution, review_counts, review_responses, review_sentiment, review_totals,
)
from metrics.sentiment import SentimentClassifier, default_classifier

# widget keys and their link parameters (declared in dashboard/state.py::PAGE_PARAMS["reputation"])
GRAIN_KEY = "rep_grain"
SCORE_KEY = "rep_score"
GRAINS = ("auto", "week", "month", "quarter")
DEFAULT_GRAIN = "auto"
DEFAULT_SCORES = (0, 10)
DIMENSIONS = ("segment", "touchpoint", "region")
COMMENTS_SHOWN = 30
REVIEWS_SHOWN = 12
BRAND_MONTHS = 24

NPS_COLUMNS = ("response_id", "customer_id", "responded_at", "score", "comment", "language", "touchpoint",
               "region", "segment")
REVIEW_COLUMNS = ("review_id", "source", "created_at", "rating", "sentiment", "text", "language", "region",
                  "answered_at")
COMPLAINT_COLUMNS = ("complaint_id", "customer_id", "opened_at", "first_response_at", "resolved_at", "satisfied",
                     "topic")


def parse_grain(text: str) -> str | None:
    return text if text in GRAINS else None


def parse_scores(text: str) -> tuple[int, int] | None:
    """'0-6' -> (0, 6); None when not two whole scores 0..10 in order."""
    low, sep, high = text.partition("-")
    lo, hi = whole_number(low), whole_number(high)
    if not sep or lo is None or hi is None:
        return None
    return (lo, hi) if 0 <= lo <= hi <= 10 else None


def dump_scores(value: tuple[int, int]) -> str:
    return f"{value[0]}-{value[1]}"


def resolve_grain(choice: str, period: tuple[dt.date, dt.date]) -> str:
    """'auto': weeks up to about half a year, months up to two years, quarters beyond."""
    if choice != "auto":
        return choice
    days = (period[1] - period[0]).days + 1
    if days <= 190:
        return "week"
    return "month" if days <= 731 else "quarter"


class ClassifierError(ValueError):
    """The configured sentiment classifier cannot be loaded."""


@st.cache_resource(show_spinner=False)
def _classifier(path: str) -> SentimentClassifier:
    if not path:
        return default_classifier()
    module_name, _, attr = path.partition(":")
    try:
        target = getattr(importlib.import_module(module_name), attr or "classifier")
    except (ImportError, AttributeError, ValueError) as exc:
        raise ClassifierError(f"{path}: {exc}") from None
    obj = target() if isinstance(target, type) or (callable(target) and not hasattr(target, "classify")) else target
    if not isinstance(obj, SentimentClassifier):
        raise ClassifierError(f"{path} has no 'name' and 'classify(texts, languages)'")
    return obj


def classifier(ctx: PageContext) -> tuple[SentimentClassifier, str | None]:
    """The configured classifier, or the built-in one with the reason the configured one failed."""
    try:
        return _classifier(ctx.settings.sentiment_classifier), None
    except ClassifierError as exc:
        return _classifier(""), str(exc)


@st.cache_resource(show_spinner=False, max_entries=32)
def _with_sentiment(_reviews: pl.DataFrame, sid: str, version: str, filters: object, classifier_key: str,
                    _classifier: SentimentClassifier) -> pl.DataFrame:
    return review_sentiment(_reviews, classifier=_classifier)


def reviews(ctx: PageContext, clf: SentimentClassifier, *, comparison: bool = False) -> pl.DataFrame:
    """The period's reviews with their resolved sentiment (cached per data version and filters)."""
    frame = ctx.load("reviews", comparison=comparison, columns=REVIEW_COLUMNS)
    key = f"{ctx.settings.sentiment_classifier}|{clf.name}"
    return _with_sentiment(frame, store_id(ctx.store), ctx.version, ctx.filters(comparison=comparison), key, clf)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


@dataclass(frozen=True)
class ReputationPage:
    """Everything the Reputation page shows for one view."""

    grain: str
    nps_now: dict
    nps_previous: dict | None
    nps_change: dict | None
    nps_trend: pl.DataFrame
    nps_by: dict[str, pl.DataFrame]
    comments: pl.DataFrame
    review_totals: dict
    review_totals_previous: dict | None
    reviews_by_period: pl.DataFrame
    reviews_by_source: pl.DataFrame
    sentiment_sources: dict[str, int]
    ratings: pl.DataFrame
    average_rating: float | None
    responses: dict
    responses_previous: dict | None
    responses_by_period: pl.DataFrame
    latest_reviews: pl.DataFrame
    complaints: dict
    complaints_previous: dict | None
    complaints_by_period: pl.DataFrame
    backlog: dict
    nps_after_complaints: pl.DataFrame
    topics: pl.DataFrame
    brand: pl.DataFrame
    classifier_name: str
    classifier_problem: str | None


def compute_page(ctx: PageContext, *, grain_choice: str = DEFAULT_GRAIN,
                 scores: tuple[int, int] = DEFAULT_SCORES) -> ReputationPage:
    s = ctx.settings
    grain = resolve_grain(grain_choice, ctx.period)
    end = ctx.period[1]
    data_end = _end_of(ctx.bounds.last)  # outcomes (answers, resolutions) are known up to here
    compare = ctx.comparison is not None

    answers = ctx.load("nps_responses", columns=NPS_COLUMNS)
    now = nps(answers, min_answers=s.nps_min_answers).row(0, named=True)
    prev_answers = ctx.load("nps_responses", comparison=True, columns=("score",)) if compare else None
    prev_nps = nps(prev_answers) if prev_answers is not None else None
    change = nps_change(nps(answers), prev_nps).row(0, named=True) if prev_nps is not None else None
    trend = nps_mix(nps_by_period(answers, grain=grain, min_answers=s.nps_min_answers))
    by = {dim: nps(answers, by=[dim], min_answers=s.nps_min_answers) for dim in DIMENSIONS}

    clf, problem = classifier(ctx)
    revs = reviews(ctx, clf)
    revs_prev = reviews(ctx, clf, comparison=True) if compare else None
    resp_cols = ("created_at", "answered_at")
    sources = revs.group_by("sentiment_from").len()
    complaints = ctx.load("complaints", columns=COMPLAINT_COLUMNS)
    complaints_prev = ctx.load("complaints", comparison=True, columns=COMPLAINT_COLUMNS) if compare else None
    handling = dict(standard_hours=s.complaint_resolution_hours)
    everything = ctx.load("complaints", whole_history=True, columns=("opened_at", "resolved_at"))
    history_answers = ctx.load("nps_responses", whole_history=True, columns=("customer_id", "responded_at", "score"))
    surveys = ctx.load("brand_surveys", whole_history=True)
    months = end.year * 12 + end.month - 1 - (BRAND_MONTHS - 1)
    brand_from = dt.date(months // 12, months % 12 + 1, 1)
    surveys = surveys.filter(pl.col("period").is_between(brand_from, end))

    return ReputationPage(
        grain=grain,
        nps_now=now,
        nps_previous=prev_nps.row(0, named=True) if prev_nps is not None else None,
        nps_change=change,
        nps_trend=trend,
        nps_by=by,
        comments=latest_comments(answers, scores=scores, limit=COMMENTS_SHOWN),
        review_totals=review_totals(revs).row(0, named=True),
        review_totals_previous=review_totals(revs_prev).row(0, named=True) if revs_prev is not None else None,
        reviews_by_period=review_counts(revs, grain=grain, by=()),
        reviews_by_source=review_counts(revs, grain=None, by=("source",)),
        sentiment_sources=dict(zip(sources["sentiment_from"].to_list(), sources["len"].to_list())),
        ratings=rating_distribution(revs),
        average_rating=average_rating(revs),
        responses=review_responses(revs.select(resp_cols), standard_hours=s.review_answer_hours).row(0, named=True),
        responses_previous=(review_responses(revs_prev.select(resp_cols), standard_hours=s.review_answer_hours)
                            .row(0, named=True) if revs_prev is not None else None),
        responses_by_period=review_responses(revs.select(resp_cols), standard_hours=s.review_answer_hours,
                                             grain=grain),
        latest_reviews=revs.sort("created_at", descending=True).head(REVIEWS_SHOWN),
        complaints=complaint_handling(complaints, as_of=data_end, **handling).row(0, named=True),
        complaints_previous=(complaint_handling(complaints_prev, as_of=data_end, **handling).row(0, named=True)
                             if complaints_prev is not None else None),
        complaints_by_period=complaint_handling(complaints, as_of=data_end, grain=grain, **handling),
        backlog=open_backlog(everything, at=min(_end_of(end), data_end), **handling).row(0, named=True),
        nps_after_complaints=nps_after_complaints(complaints, history_answers, **handling),
        topics=complaint_topics(complaints, **handling),
        brand=brand_trust(surveys),
        classifier_name=clf.name,
        classifier_problem=problem,
    )
