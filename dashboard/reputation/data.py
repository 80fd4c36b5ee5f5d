"""The Reputation page's data: controls bound to the link, the sentiment classifier, and every
number the page shows, computed once per run by :func:`compute_page` (the benchmark times it).

The database does the counting: NPS, reviews and complaints come back as measures at the
view's grain (:mod:`connectors.measures`), the newest comments and reviews and the NPS after
complaints from :mod:`connectors.reputation`; the page receives rows that grow with the
answer (periods × groups), not with the data. Review sentiment is stored with each review
(:mod:`connectors.review_labels`), so positive and negative reviews are SQL counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from connectors import reputation as queries
from connectors import review_labels, sentiment_adapt
from connectors.read import Filters, read_fact
from connectors.review_labels import ClassifierError, LabelStatus
from connectors.store import Store
from dashboard.context import PageContext, cached_on_context, store_id
from metrics.complaints import handling_shares, topic_shares
from metrics.reputation import brand_trust, nps_by_handling, nps_change, nps_from_counts, nps_mix
from metrics.reviews import mean_rating, rating_distribution_from_counts, review_response_rates, review_totals_from_counts
from metrics.sentiment import SentimentClassifier
from dashboard.filters import whole_number

# widget keys and their link parameters (declared in dashboard/registry.py, the "reputation" page)
GRAIN_KEY = "rep_grain"
SCORE_KEY = "rep_score"
RELABEL_KEY = "rep_relabel"  # a button, not in the link
GRAINS = ("auto", "week", "month", "quarter")
DEFAULT_GRAIN = "auto"
DEFAULT_SCORES = (0, 10)
DIMENSIONS = ("segment", "touchpoint", "region")
COMMENTS_SHOWN = 30
REVIEWS_SHOWN = 12
BRAND_MONTHS = 24

NPS_COUNTS = ("answers", "promoters", "detractors")
# one query gives a period's review counts by sentiment and how they were answered (the Overview asks the same)
REVIEWS = ("reviews", "positive_reviews", "neutral_reviews", "negative_reviews", "answered_reviews",
           "answered_in_time", "median_answer_hours")
SENTIMENT_COUNTS = {f"{label}_reviews": label for label in ("positive", "neutral", "negative")}
HANDLING = ("complaints", "resolved", "due", "within_standard", "satisfied", "asked", "median_resolution_hours",
            "median_first_response_hours")
BACKLOG = ("open_at", "overdue_at", "median_open_hours")
TOPICS = ("complaints", "closed", "closed_within_standard")


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


@st.cache_resource(show_spinner=False)
def _classifier(path: str) -> SentimentClassifier:
    return review_labels.load_classifier(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _adapted(_store: Store, sid: str, file: str, written: int) -> SentimentClassifier:
    return sentiment_adapt.adapted_classifier(_store, Path(file))


def _written(path: Path) -> int:
    """When the adapted weights were written (0: not yet), so weights adapted again from a shell are picked up."""
    return path.stat().st_mtime_ns if path.exists() else 0


def classifier(ctx: PageContext) -> tuple[SentimentClassifier, str | None]:
    """The configured classifier (``review_labels.configured_classifier``), or the built-in one with the
    reason the configured one failed."""
    s = ctx.settings
    try:
        if s.sentiment_adapt and not s.sentiment_classifier:
            path = Path(s.data_dir) / sentiment_adapt.ADAPTED_FILE
            return _adapted(ctx.store, store_id(ctx.store), str(path), _written(path)), None
        return _classifier(s.sentiment_classifier), None
    except ClassifierError as exc:
        return _classifier(""), str(exc)


@st.cache_resource(show_spinner=False, max_entries=4)
def _held_out(_store: Store, sid: str, version: str, _classifier: SentimentClassifier, name: str) -> pl.DataFrame:
    return sentiment_adapt.held_out_figures(_store, _classifier)


def held_out_accuracy(ctx: PageContext) -> pl.DataFrame:
    """The configured classifier's figures on the company's held-out rated texts. Not part of the page's
    per-view computation: it reads the newest rated texts (``sentiment_adapt.EVAL_LIMIT`` of each kind) and
    classifies them once per data version and classifier, whatever the view."""
    clf = classifier(ctx)[0]
    return _held_out(ctx.store, store_id(ctx.store), ctx.version, clf, clf.name)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


# --- from measures to the page's frames ---------------------------------------------------------------

def nps_of(counts: pl.DataFrame, *, by: Sequence[str] = (), min_answers: int | None = None) -> pl.DataFrame:
    """:func:`metrics.reputation.nps_from_counts` of the measures ``answers``, ``promoters``, ``detractors``."""
    return nps_from_counts(counts.rename({"answers": "n"}), by=by, min_answers=min_answers)


def reviews_of(ctx: PageContext, *, grain: str | None = None, by: Sequence[str] = (),
               comparison: bool = False) -> pl.DataFrame:
    """The :data:`REVIEWS` measures of the view (or its comparison period) per period and ``by``."""
    return ctx.measures("reviews", REVIEWS, grain=grain, by=by, comparison=comparison,
                        params={"standard_hours": ctx.settings.review_answer_hours})


def review_totals_of(measures: pl.DataFrame) -> dict:
    counts = measures.select("reviews", *SENTIMENT_COUNTS).rename(SENTIMENT_COUNTS)
    return review_totals_from_counts(counts).row(0, named=True)


def by_sentiment(measures: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Long form ``*keys``, ``sentiment``, ``reviews``: only the combinations that occur, as
    ``metrics.reviews.review_counts`` returns them."""
    long = measures.select(*keys, *SENTIMENT_COUNTS).unpivot(
        on=list(SENTIMENT_COUNTS), index=list(keys), variable_name="sentiment", value_name="reviews")
    return (long.with_columns(pl.col("sentiment").replace_strict(SENTIMENT_COUNTS)).filter(pl.col("reviews") > 0)
            .sort([*keys, "sentiment"]))


def responses_of(measures: pl.DataFrame) -> pl.DataFrame:
    keys = [c for c in measures.columns if c not in REVIEWS]
    return review_response_rates(measures.select(*keys, "reviews", "answered_reviews", "answered_in_time",
                                                 "median_answer_hours").rename(
        {"reviews": "received", "answered_reviews": "answered", "answered_in_time": "within_standard",
         "median_answer_hours": "median_response_hours"}))


# --- the parts that are not measures, cached on the view ----------------------------------------------

@cached_on_context(max_entries=32)
def comments(ctx: PageContext, scores: tuple[int, int]) -> pl.DataFrame:
    return queries.latest_comments(ctx.store, ctx.filters(), scores=scores, limit=COMMENTS_SHOWN)


@cached_on_context(max_entries=16)
def latest_reviews(ctx: PageContext) -> pl.DataFrame:
    return queries.latest_reviews(ctx.store, ctx.filters(), limit=REVIEWS_SHOWN)


@cached_on_context(max_entries=16)
def after_complaints(ctx: PageContext) -> pl.DataFrame:
    counts = queries.nps_after_complaints_counts(ctx.store, ctx.filters(),
                                                 standard_hours=ctx.settings.complaint_resolution_hours)
    return nps_by_handling(counts)


@cached_on_context(max_entries=16)
def brand(ctx: PageContext) -> pl.DataFrame:
    """Brand survey waves of the :data:`BRAND_MONTHS` months up to the end of the period."""
    end = ctx.period[1]
    months = end.year * 12 + end.month - 1 - (BRAND_MONTHS - 1)
    waves = read_fact(ctx.store, "brand_surveys", Filters(dt.date(months // 12, months % 12 + 1, 1), end))
    return brand_trust(waves)


@cached_on_context(max_entries=8)
def labels(ctx: PageContext) -> LabelStatus:
    return review_labels.label_status(ctx.store)


def relabel_reviews(ctx: PageContext) -> int:
    """Label the stored reviews again with the configured classifier (one transaction); how many changed."""
    clf, _ = classifier(ctx)
    return review_labels.relabel(ctx.store, clf)


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
    labels: LabelStatus

    @property
    def labelled_by(self) -> str:
        """The classifiers whose labels from text the stored reviews carry (the configured one when none)."""
        return ", ".join(name for name, _ in self.labels.by_classifier) or self.classifier_name

    @property
    def labels_current(self) -> bool:
        """Every review labelled, and every label from text by the configured classifier."""
        return self.labels.current_for(self.classifier_name)


def compute_page(ctx: PageContext, *, grain_choice: str = DEFAULT_GRAIN,
                 scores: tuple[int, int] = DEFAULT_SCORES) -> ReputationPage:
    s = ctx.settings
    grain = resolve_grain(grain_choice, ctx.period)
    data_end = _end_of(ctx.bounds.last)  # outcomes (answers, resolutions) are known up to here
    compare = ctx.comparison is not None
    few = s.nps_min_answers

    now = nps_of(ctx.measures("nps_responses", NPS_COUNTS), min_answers=few).row(0, named=True)
    prev_nps = nps_of(ctx.measures("nps_responses", NPS_COUNTS, comparison=True)) if compare else None
    change = (nps_change(nps_of(ctx.measures("nps_responses", NPS_COUNTS)), prev_nps).row(0, named=True)
              if prev_nps is not None else None)
    trend = nps_mix(nps_of(ctx.measures("nps_responses", NPS_COUNTS, grain=grain), by=["period"], min_answers=few))
    by = {dim: nps_of(ctx.measures("nps_responses", NPS_COUNTS, by=[dim]), by=[dim], min_answers=few)
          for dim in DIMENSIONS}

    clf, problem = classifier(ctx)
    reviews_now, reviews_prev = reviews_of(ctx), reviews_of(ctx, comparison=True) if compare else None
    reviews_by_period = reviews_of(ctx, grain=grain)
    sources = ctx.measures("reviews", ["reviews"], by=["sentiment_from"]).drop_nulls("sentiment_from")
    ratings = rating_distribution_from_counts(ctx.measures("reviews", ["reviews"], by=["rating"]))

    handling = {"as_of": data_end, "standard_hours": s.complaint_resolution_hours}
    backlog = ctx.measures("complaints", BACKLOG, whole_history=True,
                           params={"at": min(_end_of(ctx.period[1]), data_end),
                                   "standard_hours": s.complaint_resolution_hours}).row(0, named=True)

    return ReputationPage(
        grain=grain,
        nps_now=now,
        nps_previous=prev_nps.row(0, named=True) if prev_nps is not None else None,
        nps_change=change,
        nps_trend=trend,
        nps_by=by,
        comments=comments(ctx, scores),
        review_totals=review_totals_of(reviews_now),
        review_totals_previous=review_totals_of(reviews_prev) if reviews_prev is not None else None,
        reviews_by_period=by_sentiment(reviews_by_period, ["period"]),
        reviews_by_source=by_sentiment(reviews_of(ctx, by=["source"]), ["source"]),
        sentiment_sources=dict(zip(sources["sentiment_from"].to_list(), sources["reviews"].to_list())),
        ratings=ratings,
        average_rating=mean_rating(ratings),
        responses=responses_of(reviews_now).row(0, named=True),
        responses_previous=responses_of(reviews_prev).row(0, named=True) if reviews_prev is not None else None,
        responses_by_period=responses_of(reviews_by_period),
        latest_reviews=latest_reviews(ctx),
        complaints=handling_shares(ctx.measures("complaints", HANDLING, params=handling)).row(0, named=True),
        complaints_previous=(handling_shares(ctx.measures("complaints", HANDLING, comparison=True, params=handling))
                             .row(0, named=True) if compare else None),
        complaints_by_period=handling_shares(ctx.measures("complaints", HANDLING, grain=grain, params=handling)),
        backlog={"open": backlog["open_at"], "overdue": backlog["overdue_at"],
                 "median_age_hours": backlog["median_open_hours"]},
        nps_after_complaints=after_complaints(ctx),
        topics=topic_shares(ctx.measures("complaints", TOPICS, by=["topic"],
                                         params={"standard_hours": s.complaint_resolution_hours})),
        brand=brand(ctx),
        classifier_name=clf.name,
        classifier_problem=problem,
        labels=labels(ctx),
    )
