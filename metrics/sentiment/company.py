"""The company's own texts with a known sentiment, free labels for adapting and measuring the classifier.

A review with stars says what its author felt (``metrics.reviews.sentiment_of_rating``: 4–5 positive,
3 neutral, 1–2 negative), and so does an NPS comment with its score (``metrics.rules``: a promoter's
comment positive, a detractor's negative, a passive's neutral). About one text in :data:`HELD_OUT_EVERY`
is kept apart to measure the classifier on, chosen by a hash of the text itself, so a text written twice
(a copied review, a stock phrase) is on the same side both times; the rest may be adapted on.
"""

from __future__ import annotations

import zlib

import polars as pl

from metrics.reviews import sentiment_of_rating
from metrics.rules import is_detractor, is_promoter
from metrics.sentiment.evaluation import accuracy_by

HELD_OUT_EVERY = 5  # about one text in five is held out
MIN_CHARS = 3  # shorter texts carry no evidence


def rated_texts(reviews: pl.DataFrame, nps: pl.DataFrame) -> pl.DataFrame:
    """One row per review with stars and text and per NPS answer with a comment.

    ``reviews``: ``review_id``, ``rating``, ``text``, ``language``; ``nps``: ``response_id``, ``score``,
    ``comment``, ``language``. Returns ``kind`` (review / nps), ``id`` (Int64), ``text``, ``language``,
    ``label`` (positive / neutral / negative) and ``held_out`` (Boolean: the CRC-32 of the text, stripped,
    is a multiple of ``HELD_OUT_EVERY``).
    """
    rev = reviews.filter(pl.col("rating").is_not_null()).select(
        pl.lit("review").alias("kind"), pl.col("review_id").cast(pl.Int64).alias("id"), "text",
        pl.col("language").cast(pl.String), sentiment_of_rating(pl.col("rating")).alias("label"))
    score = pl.col("score")
    answers = nps.select(
        pl.lit("nps").alias("kind"), pl.col("response_id").cast(pl.Int64).alias("id"),
        pl.col("comment").alias("text"), pl.col("language").cast(pl.String),
        pl.when(is_promoter(score)).then(pl.lit("positive")).when(is_detractor(score)).then(pl.lit("negative"))
        .otherwise(pl.lit("neutral")).alias("label"))
    texts = pl.concat([rev, answers]).filter(
        pl.col("text").is_not_null() & (pl.col("text").str.strip_chars().str.len_chars() >= MIN_CHARS))
    return texts.with_columns(held_out=pl.Series([is_held_out(t) for t in texts["text"]], dtype=pl.Boolean))


def is_held_out(text: str) -> bool:
    """Whether a rated text is kept apart from adapting (stable across runs and machines)."""
    return zlib.crc32(text.strip().encode()) % HELD_OUT_EVERY == 0


def held_out_accuracy(texts: pl.DataFrame, predicted: list[str]) -> pl.DataFrame:
    """The classifier's figures on the held-out texts, by ``kind`` and overall (``kind`` = ``all``).

    ``texts``: the held-out rows of :func:`rated_texts`; ``predicted``: the classifier's labels for them,
    in order. Columns as :func:`metrics.sentiment.evaluation.accuracy_by` (``texts``, ``accuracy``,
    ``recall_<class>``, ``macro_recall``); no rows for an empty input.
    """
    if not texts.height:
        return accuracy_by(pl.DataFrame({"kind": [], "label": [], "pred": []},
                                        schema={"kind": pl.String, "label": pl.String, "pred": pl.String}),
                           ["kind"])
    scored = texts.select("kind", "label").with_columns(pred=pl.Series(predicted, dtype=pl.String))
    overall = accuracy_by(scored).with_columns(kind=pl.lit("all"))
    return pl.concat([accuracy_by(scored, ["kind"]), overall.select(accuracy_by(scored, ["kind"]).columns)])
