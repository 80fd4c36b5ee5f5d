"""Public reviews: sentiment, counts by period and source, ratings, and how fast they are answered."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.periods import GRAIN_EVERY
from metrics.sentiment import LABELS, SentimentClassifier, classify_texts
from metrics.specs import MetricSpec, register

SENTIMENT_FROM = ("rating", "source", "text")


def review_sentiment(reviews: pl.DataFrame, *, classifier: SentimentClassifier) -> pl.DataFrame:
    """Adds ``sentiment`` (positive / neutral / negative) and ``sentiment_from`` to reviews.

    From the star ``rating`` when there is one (4–5 positive, 3 neutral, 1–2 negative);
    else from the ``sentiment`` the source provides; else from ``text`` by the classifier
    (only those rows are classified). ``sentiment_from``: rating / source / text.
    """
    by_rating = (
        pl.when(pl.col("rating") >= 4).then(pl.lit("positive"))
        .when(pl.col("rating") == 3).then(pl.lit("neutral"))
        .when(pl.col("rating") <= 2).then(pl.lit("negative"))
    )
    provided = pl.when(pl.col("sentiment").is_in(list(LABELS))).then(pl.col("sentiment"))
    out = reviews.with_columns(
        pl.coalesce(by_rating, provided).alias("_known"),
        pl.when(pl.col("rating").is_not_null()).then(pl.lit("rating"))
        .when(provided.is_not_null()).then(pl.lit("source"))
        .otherwise(pl.lit("text")).alias("sentiment_from"),
    )
    need = out.filter(pl.col("_known").is_null())
    if need.height:
        labels = classify_texts(need, classifier)
        need = need.with_columns(labels.alias("_known"))
        out = pl.concat([out.filter(pl.col("_known").is_not_null()), need]).sort(
            "review_id" if "review_id" in out.columns else "created_at")
    return out.with_columns(pl.col("_known").alias("sentiment")).drop("_known")


def review_totals(reviews: pl.DataFrame) -> pl.DataFrame:
    """One row: ``reviews``, ``positive``, ``neutral``, ``negative`` (counts) and
    ``positive_share``, ``negative_share`` (ratios of all reviews; null when none).

    Input: reviews with a resolved ``sentiment`` (see :func:`review_sentiment`).
    """
    s = pl.col("sentiment")
    return reviews.lazy().select(
        pl.len().cast(pl.Int64).alias("reviews"),
        *[(s == label).sum().cast(pl.Int64).alias(label) for label in LABELS],
    ).with_columns(
        positive_share=pl.when(pl.col("reviews") > 0).then(pl.col("positive") / pl.col("reviews")),
        negative_share=pl.when(pl.col("reviews") > 0).then(pl.col("negative") / pl.col("reviews")),
    ).collect()


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


def rating_distribution(reviews: pl.DataFrame) -> pl.DataFrame:
    """Reviews per star rating: ``rating`` 1..5 (all five, zeros included), ``reviews``
    (count) and ``share`` of rated reviews (null when none). Unrated reviews are left out."""
    rated = reviews.lazy().filter(pl.col("rating").is_not_null())
    counts = rated.group_by(pl.col("rating").cast(pl.Int64)).agg(pl.len().cast(pl.Int64).alias("reviews"))
    stars = pl.LazyFrame({"rating": [1, 2, 3, 4, 5]}, schema={"rating": pl.Int64})
    total = pl.col("reviews").sum()
    return (
        stars.join(counts, on="rating", how="left")
        .with_columns(pl.col("reviews").fill_null(0))
        .with_columns(share=pl.when(total > 0).then(pl.col("reviews") / total))
        .sort("rating")
        .collect()
    )


def average_rating(reviews: pl.DataFrame) -> float | None:
    """Mean star rating of rated reviews (1..5), None when none is rated."""
    value = reviews.select(pl.col("rating").cast(pl.Float64).mean()).item()
    return None if value is None else float(value)


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
    got = pl.col("received") > 0
    return grouped.with_columns(
        response_rate=pl.when(got).then(pl.col("answered") / pl.col("received")),
        sla_share=pl.when(got).then(pl.col("within_standard") / pl.col("received")),
    ).select(*keys, "received", "answered", "within_standard", "response_rate", "median_response_hours",
             "sla_share").collect()


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
