"""Review sentiment stored with each review: set by the demo build and the import, relabelled in one
action when the classifier changes, added to a database written before the columns existed."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa

from connectors import review_labels, schema
from connectors.export import csv_bytes
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.imports.rules import column_rules
from connectors.read import read_fact
from metrics.reviews import review_sentiment
from metrics.sentiment import default_classifier
from tests.importing import copy_store
from tests.test_app import run_app
from tests.test_sentiment import KeywordClassifier

MB = 2**20
LABELS = list(review_labels.LABEL_COLUMNS)


def expected(frame: pl.DataFrame, classifier) -> pl.DataFrame:
    """The labels the rule gives, computed again from the raw columns."""
    resolved = review_sentiment(frame.drop(LABELS, strict=False), classifier=classifier)
    return resolved.select(
        "review_id", pl.col("sentiment").alias("resolved_sentiment"), "sentiment_from",
        pl.when(pl.col("sentiment_from") == "text").then(pl.lit(classifier.name)).alias("classifier"),
    ).sort("review_id")


def stored(store) -> pl.DataFrame:
    return read_fact(store, "reviews").select("review_id", *LABELS).sort("review_id")


def test_the_demo_stores_the_rule_s_label_with_every_review(small_store) -> None:
    got = stored(small_store)
    assert got.height > 0 and got["resolved_sentiment"].null_count() == 0
    want = expected(read_fact(small_store, "reviews"), default_classifier())
    assert got.equals(want)
    assert set(got["sentiment_from"].unique()) == {"rating", "source", "text"}
    # the source's own label stays as it was given
    raw = small_store.execute_sql("SELECT count(*) FROM reviews WHERE sentiment IS NOT NULL AND rating IS NULL").item()
    assert raw == got.filter(pl.col("sentiment_from") == "source").height


def test_relabelling_with_another_classifier_changes_only_labels_from_text(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    before = stored(store)
    version = store.data_version()
    clf = KeywordClassifier()
    assert not review_labels.label_status(store).current_for(clf.name)
    count = review_labels.relabel(store, clf)
    after = stored(store)
    from_text = before["sentiment_from"] == "text"
    assert count == int(from_text.sum()) > 0
    assert after.filter(~from_text).equals(before.filter(~from_text))  # ratings and sources untouched
    assert after.equals(expected(read_fact(store, "reviews"), clf))
    assert set(after.filter(from_text)["classifier"]) == {"keywords"}
    assert store.data_version() == str(int(version) + 1)
    status = review_labels.label_status(store)
    assert status.current_for("keywords") and status.by_classifier == (("keywords", count),)
    # nothing left to do: nothing written, the data version stays
    assert review_labels.relabel(store, clf) == 0
    assert store.data_version() == str(int(version) + 1)


def test_reviews_written_without_a_label_get_one(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    r = schema.reviews
    store.execute([sa.update(r).where(r.c.review_id % 7 == 0).values(resolved_sentiment=None, sentiment_from=None,
                                                                    classifier=None)])
    status = review_labels.label_status(store)
    assert status.unlabelled > 0 and not status.current_for(default_classifier().name)
    assert review_labels.relabel(store) == status.unlabelled
    assert stored(store).equals(expected(read_fact(store, "reviews"), default_classifier()))


def test_an_older_database_gets_the_columns_and_its_labels(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    want = stored(store)
    with store.writing() as con:
        for name in LABELS:
            con.execute(f"ALTER TABLE reviews DROP COLUMN {name}")
    assert not review_labels.has_labels(store)
    version = store.data_version()
    assert review_labels.upgrade(store) == want.height
    assert review_labels.has_labels(store)
    assert stored(store).equals(want)
    assert store.data_version() == str(int(version) + 1)
    assert review_labels.upgrade(store) == 0  # already current


def _reviews_file() -> bytes:
    return csv_bytes(pl.DataFrame({
        "review_id": [900000001, 900000002, 900000003, 900000004],
        "source": ["vk", "yandex_maps", "brand_monitoring", "vk"],
        "created_at": ["2026-10-01 10:00", "2026-10-02 11:00", "2026-10-03 12:00", "2026-10-04 13:00"],
        "rating": [None, 2, None, None],
        "sentiment": [None, None, "positive", None],
        "text": ["good service", "bad", "whatever", "terrible"],
        "language": ["en", "en", "en", "en"],
    }))


def test_an_import_stores_labels_and_reimporting_changes_nothing(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    assert not {c.name for c in column_rules("reviews")} & set(LABELS)  # a file cannot set them
    plan = plan_import(store, _reviews_file(), "reviews.csv", ImportRequest("reviews"), max_bytes=MB,
                       classifier=KeywordClassifier(), today=dt.date(2026, 11, 1))
    assert plan.ok, plan.problems
    assert apply_import(store, plan).rows_added == 4
    got = store.execute_sql("SELECT review_id, resolved_sentiment, sentiment_from, classifier FROM reviews "
                            "WHERE review_id >= 900000001 ORDER BY review_id").rows()
    assert got == [(900000001, "positive", "text", "keywords"), (900000002, "negative", "rating", None),
                   (900000003, "positive", "source", None), (900000004, "negative", "text", "keywords")]
    again = plan_import(store, _reviews_file(), "reviews.csv", ImportRequest("reviews"), max_bytes=MB,
                        classifier=KeywordClassifier(), today=dt.date(2026, 11, 1))
    assert (again.rows_new, again.rows_changed, again.rows_same) == (0, 0, 4)


@pytest.fixture
def app_with_keyword_classifier(small_store, tmp_path, monkeypatch):
    """The app on a copy of the demo, configured with another classifier than the one that labelled it."""
    from dashboard.context import settings

    copy_store(small_store, tmp_path)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DASHBOARD_SENTIMENT_CLASSIFIER", "tests.test_sentiment:KeywordClassifier")
    settings.clear()
    yield
    monkeypatch.undo()
    settings.clear()


def test_the_page_offers_to_relabel_with_the_configured_classifier(app_with_keyword_classifier) -> None:
    at = run_app(page="pages/reputation.py")
    assert not at.exception, at.exception
    assert any("not all from the configured classifier (keywords)" in i.value for i in at.info)
    assert any(f"{default_classifier().name} classifier" in c.value for c in at.caption)  # the stored labels
    at.button(key="rep_relabel").click().run()
    assert not at.exception, at.exception
    assert not any("configured classifier" in i.value for i in at.info)
    assert any("keywords classifier" in c.value for c in at.caption)


def test_the_app_makes_an_older_database_current_on_start(small_store, tmp_path, monkeypatch) -> None:
    from dashboard.context import settings

    store = copy_store(small_store, tmp_path)
    with store.writing() as con:
        for name in LABELS:
            con.execute(f"ALTER TABLE reviews DROP COLUMN {name}")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    settings.clear()
    try:
        at = run_app(page="pages/reputation.py")
    finally:
        monkeypatch.undo()
        settings.clear()
    assert not at.exception, at.exception
    assert review_labels.has_labels(store)
    assert stored(store).equals(stored(small_store))
    assert not any("configured classifier" in i.value for i in at.info)


@pytest.fixture
def pg_reviews(pg_server, small_store):
    """A PostgreSQL database of its own holding the demo's reviews (the shared one is never written)."""
    from connectors.store import SQLAlchemyStore

    admin = sa.create_engine(pg_server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text("DROP DATABASE IF EXISTS review_labels"))
        con.execute(sa.text("CREATE DATABASE review_labels"))
    store = SQLAlchemyStore(pg_server.url.rsplit("/", 1)[0] + "/review_labels")
    store.replace_all({"reviews": read_fact(small_store, "reviews")})
    yield store
    store.close()
    with admin.connect() as con:
        con.execute(sa.text("DROP DATABASE review_labels WITH (FORCE)"))
    admin.dispose()


@pytest.mark.postgres
def test_postgres_databases_are_upgraded_and_relabelled_alike(pg_reviews, small_store) -> None:
    want = stored(small_store)
    pg_reviews.execute([sa.text(f"ALTER TABLE reviews DROP COLUMN {name}") for name in LABELS])
    assert not review_labels.has_labels(pg_reviews)
    assert review_labels.upgrade(pg_reviews) == want.height
    assert stored(pg_reviews).equals(want)
    count = review_labels.relabel(pg_reviews, KeywordClassifier())
    assert count == want.filter(pl.col("sentiment_from") == "text").height
    assert stored(pg_reviews).equals(expected(read_fact(pg_reviews, "reviews"), KeywordClassifier()))
    assert review_labels.relabel(pg_reviews, KeywordClassifier()) == 0


def test_reviews_without_any_input_column_keep_their_rows() -> None:
    """A frame with none of rating, sentiment, text and language (a Parquet file of ids and dates) is labelled
    row by row: nothing to go on, so no label, and the frame keeps its height."""
    from connectors.review_labels import label
    from metrics.sentiment import default_classifier

    reviews = pl.DataFrame({"review_id": [1, 2], "source": ["maps", "site"]})
    got = label(reviews, default_classifier())
    assert got.height == 2 and got["review_id"].to_list() == [1, 2]
    assert set(review_labels.LABEL_COLUMNS) <= set(got.columns)
