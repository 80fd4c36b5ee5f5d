"""Review sentiment stored with each review, so the page counts positive and negative reviews in SQL.

A review's sentiment comes from its star rating when it has one, else from the label its
source gives, else from its text by a classifier (the rule: ``metrics.reviews.review_sentiment``).
The demo build and every import resolve it when they write a review and store it in three
columns of ``reviews`` (:data:`LABEL_COLUMNS`): ``resolved_sentiment``, ``sentiment_from``
(rating / source / text) and ``classifier`` (the name of the classifier, for labels from
text; a classifier's name should carry its version).

- :func:`label` adds the three columns to a frame of reviews (demo build, import);
- :func:`relabel` labels, in one transaction, the stored reviews that have no label and the
  reviews labelled from text by another classifier (one action after changing the
  ``sentiment_classifier`` setting);
- :func:`upgrade` adds the three columns to a database written before they existed, then labels.

The classifier in use (:func:`configured_classifier`): the one the ``sentiment_classifier`` setting
names, else with ``sentiment_adapt`` on the built-in one adapted to the company's rated texts
(:mod:`connectors.sentiment_adapt`), else the built-in one.

Run ``python -m connectors.review_labels [--url URL | --db FILE] [--adapt]`` to do it from a shell
(``--adapt``: adapt the built-in classifier on the stored rated texts again first).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.store import Store, StoreError
from metrics.reviews import NEGATIVE_STARS, POSITIVE_STARS, review_sentiment
from metrics.sentiment import BUILT_IN, LABELS, SentimentClassifier, default_classifier

LABEL_COLUMNS = ("resolved_sentiment", "sentiment_from", "classifier")
CHUNK = 10_000  # review ids per UPDATE statement (PostgreSQL allows 65,535 bound values)
_TEXT_INPUT = ("review_id", "text", "language")


class ClassifierError(ValueError):
    """The configured sentiment classifier cannot be loaded."""


def load_classifier(path: str) -> SentimentClassifier:
    """The classifier named by the ``sentiment_classifier`` setting ('package.module:name', or a built-in
    one's short name: ``linear``, ``lexicon``; empty: the built-in default).

    ``name`` may be an object with ``name`` and ``classify(texts, languages)``, or a class or factory
    making one. Raises :class:`ClassifierError` naming the problem.
    """
    if not path:
        return default_classifier()
    path = BUILT_IN.get(path, path)
    module_name, _, attr = path.partition(":")
    try:
        target = getattr(importlib.import_module(module_name), attr or "classifier")
    except (ImportError, AttributeError, ValueError) as exc:
        raise ClassifierError(f"{path}: {exc}") from None
    obj = target() if isinstance(target, type) or (callable(target) and not hasattr(target, "classify")) else target
    if not isinstance(obj, SentimentClassifier):
        raise ClassifierError(f"{path} has no 'name' and 'classify(texts, languages)'")
    return obj


def configured_classifier(settings, store: Store) -> SentimentClassifier:
    """The classifier the settings ask for: ``sentiment_classifier`` when set (:func:`load_classifier`),
    else with ``sentiment_adapt`` the built-in one adapted on the stored rated texts (read from, or
    written to, :data:`connectors.sentiment_adapt.ADAPTED_FILE` in the data folder), else the built-in one."""
    if settings.sentiment_classifier:
        return load_classifier(settings.sentiment_classifier)
    if settings.sentiment_adapt:
        from connectors import sentiment_adapt

        return sentiment_adapt.adapted_classifier(store, Path(settings.data_dir) / sentiment_adapt.ADAPTED_FILE)
    return default_classifier()


_INPUT = {"rating": pl.Int64, "sentiment": pl.String, "text": pl.String, "language": pl.String}


def label(reviews: pl.DataFrame, classifier: SentimentClassifier) -> pl.DataFrame:
    """Reviews with :data:`LABEL_COLUMNS` set from their ``rating``, ``sentiment``, ``text`` and ``language``
    (a column the frame lacks counts as empty), in their order."""
    # with_columns, not select: a frame lacking every input column keeps its height
    given = reviews.with_columns(pl.lit(None, kind).alias(c) for c, kind in _INPUT.items()
                                 if c not in reviews.columns).select(list(_INPUT))
    resolved = review_sentiment(given, classifier=classifier)
    return reviews.with_columns(
        resolved["sentiment"].alias("resolved_sentiment"),
        resolved["sentiment_from"].alias("sentiment_from"),
        pl.when(resolved["sentiment_from"] == "text").then(pl.lit(classifier.name)).otherwise(None)
        .cast(pl.String).alias("classifier"),
    )


def has_labels(store: Store) -> bool:
    """Whether the database's ``reviews`` table has the label columns."""
    cols = sa.table("columns", sa.column("table_name"), sa.column("column_name"), schema="information_schema")
    found = store.query(sa.select(cols.c.column_name).where(cols.c.table_name == "reviews",
                                                            cols.c.column_name.in_(LABEL_COLUMNS)))
    return set(found["column_name"].to_list()) >= set(LABEL_COLUMNS)


@dataclass(frozen=True)
class LabelStatus:
    """How the stored reviews are labelled: reviews without a label, and per classifier the reviews it
    labelled from their text."""

    unlabelled: int
    by_classifier: tuple[tuple[str, int], ...]

    def current_for(self, classifier_name: str) -> bool:
        """True when every review has a label and every label from text is the named classifier's."""
        return not self.unlabelled and all(name == classifier_name for name, _ in self.by_classifier)


def label_status(store: Store) -> LabelStatus:
    r = schema.reviews
    frame = store.query(
        sa.select(r.c.classifier, sa.func.count().label("reviews"))
        .where(sa.or_(r.c.resolved_sentiment.is_(None), r.c.sentiment_from == "text"))
        .group_by(r.c.classifier).order_by(r.c.classifier))
    unlabelled = store.query(sa.select(sa.func.count().label("n")).where(r.c.resolved_sentiment.is_(None)))["n"][0]
    named = tuple((name, int(n)) for name, n in frame.iter_rows() if name is not None)
    return LabelStatus(int(unlabelled or 0), named)


def _from_text(r: sa.Table) -> sa.ColumnElement[bool]:
    """Reviews whose sentiment can only come from their text: no rating, no label from the source."""
    return sa.and_(r.c.rating.is_(None), sa.or_(r.c.sentiment.is_(None), r.c.sentiment.not_in(LABELS)))


def _rating_label(r: sa.Table) -> sa.ColumnElement:
    # metrics.reviews.sentiment_of_rating in SQL, from the same cut-offs
    return sa.case((r.c.rating >= POSITIVE_STARS, "positive"), (r.c.rating <= NEGATIVE_STARS, "negative"),
                   else_="neutral")


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


def _statements(store: Store, classifier: SentimentClassifier, *, fresh: bool) -> tuple[list[sa.Executable], int]:
    """The UPDATEs labelling what needs it, and how many reviews need a label from their text.
    ``fresh``: the label columns are being added, so every review needs a label."""
    r = schema.reviews
    unlabelled = sa.true() if fresh else r.c.resolved_sentiment.is_(None)
    stale = unlabelled if fresh else sa.or_(unlabelled, r.c.classifier.is_(None), r.c.classifier != classifier.name)
    texts = store.query(sa.select(*[r.c[c] for c in _TEXT_INPUT]).where(_from_text(r), stale)
                        .order_by(r.c.review_id))
    statements: list[sa.Executable] = [
        sa.update(r).where(r.c.rating.is_not(None), unlabelled)
        .values(resolved_sentiment=_rating_label(r), sentiment_from="rating", classifier=None),
        sa.update(r).where(r.c.rating.is_(None), r.c.sentiment.in_(LABELS), unlabelled)
        .values(resolved_sentiment=r.c.sentiment, sentiment_from="source", classifier=None),
    ]
    if texts.height:
        labelled = label(texts.with_columns(rating=pl.lit(None, pl.Int64), sentiment=pl.lit(None, pl.String)),
                         classifier)
        for value in LABELS:
            ids = labelled.filter(pl.col("resolved_sentiment") == value)["review_id"].to_list()
            statements += [sa.update(r).where(r.c.review_id.in_(chunk))
                           .values(resolved_sentiment=value, sentiment_from="text", classifier=classifier.name)
                           for chunk in _chunks(ids)]
    return statements, texts.height


def relabel(store: Store, classifier: SentimentClassifier | None = None) -> int:
    """Label, in one transaction, the reviews without a label and those labelled from text by another
    classifier than ``classifier`` (default: the built-in one). Returns how many reviews were labelled;
    when none needs it, the data (and its version) stay untouched."""
    classifier = classifier or default_classifier()
    r = schema.reviews
    statements, from_text = _statements(store, classifier, fresh=False)
    unlabelled = store.query(sa.select(sa.func.count().label("n"))
                             .where(r.c.resolved_sentiment.is_(None), sa.not_(_from_text(r))))["n"][0]
    if not from_text and not unlabelled:
        return 0
    return sum(max(n, 0) for n in store.execute(statements))


def upgrade(store: Store, classifier: SentimentClassifier | None = None) -> int:
    """Make a database written before the label columns existed current: add them and label every review,
    in one transaction. Returns how many reviews were labelled (0 when the columns were already there)."""
    if has_labels(store):
        return 0
    classifier = classifier or default_classifier()
    statements, _ = _statements(store, classifier, fresh=True)
    add = [sa.text(f"ALTER TABLE reviews ADD COLUMN {name} VARCHAR") for name in LABEL_COLUMNS]  # names from code
    try:
        counts = store.execute([*add, *statements])
    except StoreError:
        raise
    except Exception as exc:  # a read-only connection, for instance
        raise StoreError(f"Could not add the review sentiment columns ({exc}). Run python -m "
                         "connectors.review_labels with a connection that may alter the reviews table.") from None
    return sum(max(n, 0) for n in counts[len(add):])


def main(argv: list[str] | None = None) -> int:
    from connectors.settings import Settings
    from connectors.store import open_store

    parser = argparse.ArgumentParser(description="Store the sentiment of every review (add the columns if needed) "
                                                 "with the configured classifier.")
    parser.add_argument("--url", help="database URL (default: the configured one)")
    parser.add_argument("--db", help="DuckDB file (default: the configured one)")
    parser.add_argument("--adapt", action="store_true",
                        help="adapt the built-in classifier on the stored rated reviews and NPS comments first "
                             "(as with DASHBOARD_SENTIMENT_ADAPT=1), then label with it")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    store = open_store(args.url or settings.db_url or None, default_path=args.db or settings.duckdb_path)
    if args.adapt:
        from connectors import sentiment_adapt

        classifier = sentiment_adapt.adapt(store, Path(settings.data_dir) / sentiment_adapt.ADAPTED_FILE)
        print(f"adapted: {classifier.name}")
    else:
        classifier = configured_classifier(settings, store)
    added = upgrade(store, classifier)
    count = added or relabel(store, classifier)
    print(f"{count:,} reviews labelled (classifier: {classifier.name}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
