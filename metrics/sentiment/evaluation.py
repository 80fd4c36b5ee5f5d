"""How well predicted sentiment labels match known ones: accuracy, recall by class, confusion matrix.

Pure functions on frames with a ``label`` (known) and a ``pred`` (predicted) column, both in
:data:`metrics.sentiment.LABELS`; ``by`` groups the figures (language, source).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.sentiment import LABELS

RECALL = {c: f"recall_{c}" for c in LABELS}


def accuracy_by(frame: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Per group of ``by``: ``texts`` (UInt32), ``accuracy`` (share of ``pred == label``, Float64),
    ``recall_<class>`` (share of the class's texts predicted as it; null when the group has none of it)
    and ``macro_recall`` (mean of the non-null recalls). No ``by``: one row for the whole frame."""
    keys = list(by)
    recalls = [pl.when((pl.col("label") == c).sum() > 0)
               .then(((pl.col("label") == c) & (pl.col("pred") == c)).sum() / (pl.col("label") == c).sum())
               .otherwise(None).alias(RECALL[c]) for c in LABELS]
    aggs = [pl.len().alias("texts"), (pl.col("pred") == pl.col("label")).mean().alias("accuracy"), *recalls]
    grouped = frame.group_by(keys, maintain_order=True).agg(aggs) if keys else frame.select(aggs)
    return grouped.with_columns(macro_recall=pl.mean_horizontal(*RECALL.values())).sort(keys) if keys else \
        grouped.with_columns(macro_recall=pl.mean_horizontal(*RECALL.values()))


def confusion(frame: pl.DataFrame) -> pl.DataFrame:
    """Counts of texts by known ``label`` (rows, in :data:`LABELS` order) and ``pred`` (one UInt32 column
    per class), zeros included."""
    counts = {(k, p): n for k, p, n in frame.group_by("label", "pred").len().iter_rows()}
    return pl.DataFrame({"label": list(LABELS),
                         **{p: [counts.get((k, p), 0) for k in LABELS] for p in LABELS}},
                        schema={"label": pl.String, **{p: pl.UInt32 for p in LABELS}})
