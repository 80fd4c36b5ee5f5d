"""The built-in sentiment classifier adapted to the company's own rated texts, and measured on them.

Reviews with stars and NPS comments with scores carry their sentiment (``metrics.sentiment.company``).
With the ``sentiment_adapt`` setting on, the shipped weights are trained further on four in five of
those texts (the newest :data:`ADAPT_LIMIT` of each kind) (:func:`metrics.sentiment.linear.adapt`) and written next to the database
(:data:`ADAPTED_FILE` in the data folder), named ``linear-ngram-<version>+<company texts>-<digest>``
so that stored labels say which weights made them. The fifth held out measures whichever
classifier is in use (:func:`held_out_figures`). After adapting, labelling the stored reviews
again is one action: ``connectors.review_labels.relabel`` (the Reputation page's button, or
``python -m connectors.review_labels --adapt``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.store import Store
from metrics.sentiment import SentimentClassifier, company, linear

ADAPTED_FILE = "sentiment-adapted.npz"
ADAPT_LIMIT = 50_000  # newest rated reviews, and as many NPS comments, adapted on (a fit takes ~1 s per 300 texts)
EVAL_LIMIT = 10_000  # newest of each kind the held-out figures are taken from (about a fifth of them held out)


def company_texts(store: Store, *, limit: int | None = None) -> pl.DataFrame:
    """The stored rated texts (:func:`metrics.sentiment.company.rated_texts`): with ``limit``, the newest
    ``limit`` reviews and as many NPS comments (by id), newest first."""
    r, n = schema.reviews, schema.nps_responses
    reviews = (sa.select(r.c.review_id, r.c.rating, r.c.text, r.c.language)
               .where(r.c.rating.is_not(None), r.c.text.is_not(None)).order_by(r.c.review_id.desc()))
    nps = (sa.select(n.c.response_id, n.c.score, n.c.comment, n.c.language)
           .where(n.c.comment.is_not(None)).order_by(n.c.response_id.desc()))
    if limit is not None:
        reviews, nps = reviews.limit(limit), nps.limit(limit)
    return company.rated_texts(store.query(reviews), store.query(nps))


def adapted_name(texts: pl.DataFrame, base: str = linear.NAME) -> str:
    """``<base>+<n>-<digest>``: the base model's name, how many texts it was adapted on and a digest of them."""
    digest = hashlib.sha256()
    for kind, id_, label in texts.select("kind", "id", "label").iter_rows():
        digest.update(f"{kind}\t{id_}\t{label}\n".encode())
    return f"{base}+{texts.height}-{digest.hexdigest()[:8]}"


def adapt(store: Store, path: Path, base: linear.Weights | None = None) -> linear.LinearClassifier:
    """Adapt ``base`` (default: the shipped weights) on the stored rated texts not held out, write the
    weights to ``path`` and return the classifier. With no rated text, the base model, unchanged."""
    base = base or linear.shipped_weights()
    texts = company_texts(store, limit=ADAPT_LIMIT).filter(~pl.col("held_out"))
    if not texts.height:
        return linear.LinearClassifier(base)
    weights = linear.adapt(base, texts["text"].to_list(), texts["label"].to_list(),
                           name=adapted_name(texts, base.name))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(weights.to_bytes())
    tmp.replace(path)
    return linear.LinearClassifier(weights)


def adapted_classifier(store: Store, path: Path) -> linear.LinearClassifier:
    """The adapted classifier from ``path``; adapted now (and written there) when the file is missing."""
    if path.exists():
        return linear.LinearClassifier(linear.Weights.from_bytes(path.read_bytes()))
    return adapt(store, path)


def held_out_figures(store: Store, classifier: SentimentClassifier, *, limit: int | None = EVAL_LIMIT) -> pl.DataFrame:
    """The classifier's accuracy and recall by class on the held-out rated texts among the newest ``limit`` of
    each kind, by kind (review / nps) and overall (:func:`metrics.sentiment.company.held_out_accuracy`)."""
    texts = company_texts(store, limit=limit).filter(pl.col("held_out"))
    predicted = classifier.classify(texts["text"].to_list(), texts["language"].to_list()) if texts.height else []
    return company.held_out_accuracy(texts, list(predicted))
