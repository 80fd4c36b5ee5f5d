"""Review sentiment from text: a small interface and offline classifiers for Russian and English.

The built-in classifier (:func:`default_classifier`) is :class:`LinearClassifier`, a logistic
regression on hashed word and character n-grams trained on labelled review corpora
(``metrics/sentiment/linear.py``, ``corpora/SOURCES.md``); the earlier hand-made
:class:`LexiconClassifier` stays available by name. Any object with ``name`` and
``classify(texts, languages) -> list[label]`` can stand in for them (a company's own model, for
instance): labels are ``positive``, ``neutral`` or ``negative``. Nothing is downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import polars as pl

LABELS: tuple[str, ...] = ("positive", "neutral", "negative")


@runtime_checkable
class SentimentClassifier(Protocol):
    """Classifies review texts; ``languages`` holds ISO codes (``ru``, ``en``) or None when unknown."""

    name: str

    def classify(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str]: ...


def classify_texts(frame: pl.DataFrame, classifier: SentimentClassifier, *, text_col: str = "text",
                   language_col: str = "language") -> pl.Series:
    """The classifier's label for every row of ``frame`` (String series named ``sentiment``).

    Each distinct (text, language) pair is classified once. Empty or missing text is
    ``neutral``. A label outside :data:`LABELS` raises ``ValueError`` naming the classifier.
    """
    if frame.height == 0:
        return pl.Series("sentiment", [], dtype=pl.String)
    keys = frame.select(pl.col(text_col).fill_null(""), pl.col(language_col).cast(pl.String).fill_null(""))
    distinct = keys.unique(maintain_order=True)
    languages = [lang or None for lang in distinct[language_col].to_list()]
    labels = classifier.classify(distinct[text_col].to_list(), languages)
    if len(labels) != distinct.height:
        raise ValueError(f"sentiment classifier {classifier.name!r} returned {len(labels)} labels "
                         f"for {distinct.height} texts")
    bad = sorted({label for label in labels if label not in LABELS})
    if bad:
        raise ValueError(f"sentiment classifier {classifier.name!r} returned unknown labels {bad}")
    mapping = distinct.with_columns(pl.Series("sentiment", labels, dtype=pl.String))
    return keys.join(mapping, on=[text_col, language_col], how="left", maintain_order="left")["sentiment"]


BUILT_IN = {"linear": "metrics.sentiment.linear:LinearClassifier",
            "lexicon": "metrics.sentiment.lexicon:LexiconClassifier"}  # short names the setting accepts


def default_classifier() -> SentimentClassifier:
    """The built-in classifier: the linear n-gram model with its shipped weights."""
    from metrics.sentiment.linear import LinearClassifier

    return LinearClassifier()


def __getattr__(name: str):  # the classifiers load their weights or lexicons only when asked for
    if name == "LexiconClassifier":
        from metrics.sentiment import lexicon

        return lexicon.LexiconClassifier
    if name == "LinearClassifier":
        from metrics.sentiment import linear

        return linear.LinearClassifier
    raise AttributeError(name)


__all__ = ["LABELS", "BUILT_IN", "SentimentClassifier", "classify_texts", "LexiconClassifier", "LinearClassifier",
           "default_classifier"]
