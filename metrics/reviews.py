"""Public reviews: sentiment, counts by period and source, ratings, and how fast they are answered."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.periods import GRAIN_EVERY
from metrics.sentiment import LABELS, SentimentClassifier, classify_texts
from metrics.specs import MetricSpec, register

SENTIMENT_FROM = ("rating", "source", "text")
POSITIVE_STARS = 4  # a rating of 4 or 5 stars is positive, 3 neutral
NEGATIVE_STARS = 2  # 1 or 2 stars is negative


def sentiment_of_rating(rating: pl.Expr) -> pl.Expr:
    """positive / neutral / negative from a star rating (null without one)."""
    return (
        pl.when(rating >= POSITIVE_STARS).then(pl.lit("positive"))
        .when(rating <= NEGATIVE_STARS).then(pl.lit("negative"))
        .when(rating.is_not_null()).then(pl.lit("neutral"))
    )


def review_sentiment(reviews: pl.DataFrame, *, classifier: SentimentClassifier) -> pl.DataFrame:
    """Adds ``sentiment`` (positive / neutral / negative) and ``sentiment_from`` to reviews, in their order.

    From the star ``rating`` when there is one (see :func:`sentiment_of_rating`); else from the
    ``sentiment`` the source provides; else from ``text`` by the classifier (only those rows are
    classified). ``sentiment_from``: rating / source / text. The demo build and the import store
    the result with each review (``connectors.review_labels``), so the page counts it in SQL.
    """
    provided = pl.when(pl.col("sentiment").is_in(list(LABELS))).then(pl.col("sentiment"))
    out = reviews.with_columns(
        pl.coalesce(sentiment_of_rating(pl.col("rating")), provided).alias("_known"),
        pl.when(pl.col("rating").is_not_null()).then(pl.lit("rating"))
        .when(provided.is_not_null()).then(pl.lit("source"))
        .otherwise(pl.lit("text")).alias("sentiment_from"),
    )
    need = out["_known"].is_null()
    if need.any():
        labels = classify_texts(out.filter(need), classifier)
        out = out.with_columns(out["_known"].scatter(need.arg_true(), labels))
    return out.with_columns(pl.col("_known").alias("sentiment")).drop("_known")


def review_totals_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """Adds ``positive_share`` and ``negative_share`` (ratios of all reviews; null when none) to
    counts ``reviews``, ``positive``, ``neutral``, ``negative``."""
    has = pl.col("reviews") > 0
    return counts.with_columns(
        positive_share=pl.when(has).then(pl.col("positive") / pl.col("reviews")),
        negative_share=pl.when(has).then(pl.col("negative") / pl.col("reviews")),
    )


def review_totals(reviews: pl.DataFrame) -> pl.DataFrame:
    """One row: ``reviews``, ``positive``, ``neutral``, ``negative`` (counts) and the shares of
    :func:`review_totals_from_counts`.

    Input: reviews with a resolved ``sentiment`` (see :func:`review_sentiment`).
    """
    s = pl.col("sentiment")
    return review_totals_from_counts(reviews.select(
        pl.len().cast(pl.Int64).alias("reviews"),
        *[(s == label).sum().cast(pl.Int64).alias(label) for label in LABELS],
    ))


def review_counts(reviews: pl.DataFrame, *, grain: str | None = "month", by: Sequence[str] = ("source",),
                  time_col: str = "created_at") -> pl.DataFrame:
    """Reviews per period, ``by`` columns and sentiment (long form).

    Returns ``period`` (bucket start date; left out when ``grain`` is None), ``*by``,
    ``sentiment``, ``reviews`` (count); only combinations that occur.
    """
    keys = [*(["period"] if grain else []), *by, "sentiment"]
    lf = reviews.lazy()
    if grain:
        lf = lf.with_columns(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    return (
        lf.group_by(keys).agg(pl.len().cast(pl.Int64).alias("reviews"))
        .sort(keys)
        .collect()
    )


def rating_distribution_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """Reviews per star rating: ``rating`` 1..5 (all five, zeros included), ``reviews`` (count)
    and ``share`` of rated reviews (null when none), from counts ``rating``, ``reviews`` in
    which unrated reviews (a null rating) may appear and are left out."""
    rated = counts.lazy().filter(pl.col("rating").is_not_null()).select(
        pl.col("rating").cast(pl.Int64), pl.col("reviews").cast(pl.Int64))
    stars = pl.LazyFrame({"rating": [1, 2, 3, 4, 5]}, schema={"rating": pl.Int64})
    total = pl.col("reviews").sum()
    return (
        stars.join(rated, on="rating", how="left")
        .with_columns(pl.col("reviews").fill_null(0))
        .with_columns(share=pl.when(total > 0).then(pl.col("reviews") / total))
        .sort("rating")
        .collect()
    )


def rating_distribution(reviews: pl.DataFrame) -> pl.DataFrame:
    """:func:`rating_distribution_from_counts` of reviews counted in polars."""
    return rating_distribution_from_counts(
        reviews.group_by("rating").agg(pl.len().cast(pl.Int64).alias("reviews")))


def mean_rating(distribution: pl.DataFrame) -> float | None:
    """Mean star rating (1..5) from :func:`rating_distribution_from_counts`, None when none is rated."""
    rated = distribution["reviews"].sum()
    if not rated:
        return None
    return float((distribution["rating"] * distribution["reviews"]).sum()) / float(rated)


def average_rating(reviews: pl.DataFrame) -> float | None:
    """Mean star rating of rated reviews (1..5), None when none is rated."""
    return mean_rating(rating_distribution(reviews))


def review_response_rates(measures: pl.DataFrame) -> pl.DataFrame:
    """Adds ``response_rate`` = answered / received and ``sla_share`` = within_standard / received
    (ratios; null when nothing received) to ``received``, ``answered``, ``within_standard`` (counts)
    and ``median_response_hours``, keeping any key columns first."""
    got = pl.col("received") > 0
    keys = [c for c in measures.columns if c not in _RESPONSE_MEASURES]
    return measures.with_columns(
        response_rate=pl.when(got).then(pl.col("answered") / pl.col("received")),
        sla_share=pl.when(got).then(pl.col("within_standard") / pl.col("received")),
    ).select(*keys, "received", "answered", "within_standard", "response_rate", "median_response_hours",
             "sla_share")


_RESPONSE_MEASURES = ("received", "answered", "within_standard", "median_response_hours")


def review_responses(reviews: pl.DataFrame, *, standard_hours: float, grain: str | None = None,
                     by: Sequence[str] = (), time_col: str = "created_at") -> pl.DataFrame:
    """How reviews are answered: ``received``, ``answered``, ``within_standard`` (counts),
    ``response_rate`` = answered / received, ``median_response_hours`` (hours from review
    to answer, answered reviews only), ``sla_share`` = answered within ``standard_hours`` /
    received (ratios; null when nothing received). With ``grain``, per ``period``; plus ``by``.

    Input: ``created_at``, ``answered_at`` (null = not answered). Reviews from the last
    hours of the data may still be answered later: read the newest period with care.
    """
    hours = (pl.col("answered_at") - pl.col(time_col)).dt.total_seconds() / 3600.0
    keys = [*(["period"] if grain else []), *by]
    lf = reviews.lazy()
    if grain:
        lf = lf.with_columns(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    aggs = [
        pl.len().cast(pl.Int64).alias("received"),
        pl.col("answered_at").is_not_null().sum().cast(pl.Int64).alias("answered"),
        (hours <= standard_hours).fill_null(False).sum().cast(pl.Int64).alias("within_standard"),
        hours.median().alias("median_response_hours"),
    ]
    grouped = lf.group_by(keys).agg(aggs).sort(keys) if keys else lf.select(aggs)
    return review_response_rates(grouped.collect())


register(
    MetricSpec(
        "reviews", "Reviews", "Отзывы",
        "Public reviews received in the period, on every source.",
        "Публичные отзывы за период на всех площадках.",
        "count",
    ),
    MetricSpec(
        "positive_reviews", "Positive reviews", "Положительные отзывы",
        "Reviews with 4–5 stars; unrated reviews count when the source marks them positive or, failing that, "
        "when the text classifier does.",
        "Отзывы на 4–5 звёзд; отзывы без оценки — если площадка отметила их как положительные, а если нет — "
        "по классификатору текста.",
        "count",
    ),
    MetricSpec(
        "negative_reviews", "Negative reviews", "Отрицательные отзывы",
        "Reviews with 1–2 stars; unrated reviews count when the source marks them negative or, failing that, "
        "when the text classifier does.",
        "Отзывы на 1–2 звезды; отзывы без оценки — если площадка отметила их как отрицательные, а если нет — "
        "по классификатору текста.",
        "count", higher_is_better=False,
    ),
    MetricSpec(
        "positive_review_share", "Share of positive reviews", "Доля положительных отзывов",
        "Positive reviews / all reviews in the period.",
        "Положительные отзывы / все отзывы за период.",
        "ratio", "ratio", ("positive_reviews", "reviews"),
    ),
    MetricSpec(
        "average_rating", "Average rating", "Средняя оценка",
        "Mean star rating (1–5) of the reviews that have one.",
        "Средняя оценка в звёздах (1–5) по отзывам, где она есть.",
        "points",
    ),
    MetricSpec(
        "review_response_rate", "Review response rate", "Доля отзывов с ответом",
        "Reviews answered / reviews received in the period.",
        "Отзывы с ответом / полученные отзывы за период.",
        "ratio", "ratio", ("reviews",),
    ),
    MetricSpec(
        "review_response_hours", "Review response time", "Время ответа на отзыв",
        "Median hours from a review to the company's first answer (answered reviews only).",
        "Медиана часов от отзыва до первого ответа компании (только отзывы с ответом).",
        "hours", higher_is_better=False,
    ),
    MetricSpec(
        "review_sla_share", "Reviews answered in time", "Отзывы с ответом в срок",
        "Reviews answered within the service standard (a setting, default 24 hours) / reviews received.",
        "Отзывы, на которые ответили в пределах стандарта (настройка, по умолчанию 24 часа) / полученные отзывы.",
        "ratio", "ratio", ("reviews",),
    ),
)
