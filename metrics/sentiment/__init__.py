"""Review sentiment from text: a small interface and an offline classifier for Russian and English.

Any object with ``classify(texts, languages) -> list[label]`` can stand in for the
built-in :class:`LexiconClassifier` (a company's own model, for instance): labels
are ``positive``, ``neutral`` or ``negative``. Nothing is downloaded at run time.
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


def __getattr__(name: str):  # the classifier pulls in its lexicons only when asked for
    if name in ("LexiconClassifier", "default_classifier"):
        from metrics.sentiment import lexicon

        return getattr(lexicon, name)
    raise AttributeError(name)


__all__ = ["LABELS", "SentimentClassifier", "classify_texts", "LexiconClassifier", "default_classifier"]
