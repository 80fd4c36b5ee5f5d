"""The built-in linear n-gram classifier: clear cases, the shipped weights' accuracy on the team's held-out
reviews, the evaluation functions against hand counts, and adaptation to a company's own rated texts."""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from connectors import schema
from connectors.store import DuckDBStore
from metrics.sentiment import LABELS, company, default_classifier, evaluation, features, linear
from tests.test_sentiment import labelled

# Figures of the shipped weights on tests/labelled/sentiment_test_*.csv (never fitted on), as measured by
# python -m benchmarks.sentiment; the weights are deterministic, so a model that drifts from them is broken.
SHIPPED = {"en": 0.7374, "ru": 0.7486}
TOLERANCE = 0.015


@pytest.mark.parametrize("text,label", [
    ("Excellent quality, fast delivery, I love it!", "positive"),
    ("Great service and very friendly staff.", "positive"),
    ("Terrible, the table arrived broken and nobody answered my calls.", "negative"),
    ("Awful quality, a waste of money.", "negative"),
    ("Отличный магазин, всё очень понравилось, рекомендую!", "positive"),
    ("Спасибо, доставили быстро, качество супер.", "positive"),
    ("Ужасное обслуживание, никому не советую.", "negative"),
    ("Товар пришёл сломанный, деньги не вернули, отвратительно.", "negative"),
])
def test_clear_reviews_get_their_label(text, label) -> None:
    assert default_classifier().classify([text], [None]) == [label]


def test_empty_text_is_neutral_and_an_empty_batch_is_empty() -> None:
    clf = default_classifier()
    assert clf.classify(["", "   "], [None, "en"]) == ["neutral", "neutral"]
    assert clf.classify([], []) == []


def test_the_name_carries_the_version() -> None:
    assert default_classifier().name == linear.NAME == "linear-ngram-2026.12"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_shipped_weights_reproduce_their_accuracy_on_held_out_reviews(lang) -> None:
    frame = labelled(lang)
    pred = default_classifier().classify(frame["text"].to_list(), [lang] * frame.height)
    accuracy = float(np.mean(np.array(pred) == frame["label"].to_numpy()))
    assert abs(accuracy - SHIPPED[lang]) <= TOLERANCE, accuracy


def test_features_are_stable_hashes_of_words_pairs_stems_and_pieces() -> None:
    assert features.tokens("Не ПОНРАВИЛОСЬ, ёлка!") == ["не", "понравилось", "елка", "!"]
    assert features.tokens("It doesn't work :(") == ["it", "does", "not", "work", ":("]
    named = features.feature_strings("не понравилось")
    assert {"w не", "w понравилось", "b не понравилось", "p понра", "c <пон", "c ось>"} <= set(named)
    cols = features.hashed("не понравилось")
    assert np.array_equal(cols, features.hashed("не понравилось")) and np.all(np.diff(cols) > 0)
    row = features.matrix(["не понравилось"]).toarray()[0]
    assert np.isclose(np.linalg.norm(row), 1.0) and np.count_nonzero(row) == len(cols)


def test_weights_survive_a_round_trip_to_bytes() -> None:
    w = linear.Weights(np.arange(12, dtype=np.float32).reshape(4, 3) / 8, np.array([0.5, -1, 2], np.float32), 2,
                       "test-1")
    back = linear.Weights.from_bytes(w.to_bytes())
    assert back.name == "test-1" and back.bits == 2
    assert np.array_equal(back.coef, w.coef) and np.array_equal(back.bias, w.bias)


def test_scores_are_the_weights_summed_over_the_text_columns() -> None:
    rng = np.random.default_rng(1)
    w = linear.Weights(rng.normal(size=(1 << 10, 3)).astype(np.float32), np.array([0.1, 0.0, -0.1], np.float32), 10)
    texts = ["good chair", "", "плохой стол"]
    want = features.matrix(texts, 10) @ w.coef + w.bias
    assert np.allclose(w.scores(texts), want, atol=1e-5)


def test_accuracy_recall_and_confusion_match_a_hand_count() -> None:
    frame = pl.DataFrame({"lang": ["en"] * 5 + ["ru"] * 3,
                          "label": ["positive", "positive", "negative", "negative", "neutral",
                                    "positive", "negative", "negative"],
                          "pred": ["positive", "neutral", "negative", "positive", "neutral",
                                   "positive", "negative", "neutral"]})
    got = evaluation.accuracy_by(frame, ["lang"])
    want = pl.DataFrame({"lang": ["en", "ru"], "texts": [5, 3], "accuracy": [3 / 5, 2 / 3],
                         "recall_positive": [1 / 2, 1.0], "recall_neutral": [1.0, None],
                         "recall_negative": [1 / 2, 1 / 2], "macro_recall": [2 / 3, 3 / 4]},
                        schema_overrides={"texts": pl.UInt32})
    assert_frame_equal(got, want)
    matrix = evaluation.confusion(frame)
    assert matrix["label"].to_list() == list(LABELS)
    assert matrix.row(2) == ("negative", 1, 1, 2)  # known negative: 1 predicted positive, 1 neutral, 2 negative
    assert matrix.select(list(LABELS)).sum_horizontal().sum() == frame.height


def _company_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    reviews = pl.DataFrame({"review_id": [1, 2, 3, 4, 5, 10], "rating": [5, 1, None, 3, 2, 4],
                            "text": ["good", "bad", "no stars", "so so", "  ", "fine"],
                            "language": ["en"] * 6})
    nps = pl.DataFrame({"response_id": [5, 6, 7, 15], "score": [10, 0, 8, 6],
                        "comment": ["love it", None, "okay", "ok"], "language": ["en"] * 4})
    return reviews, nps


def test_rated_texts_take_the_label_of_their_stars_or_score() -> None:
    got = company.rated_texts(*_company_frames())
    # held out: CRC-32 of the text divisible by 5 ("so so" and "okay" here)
    assert [zlib.crc32(t.encode()) % 5 == 0 for t in ("good", "bad", "so so", "fine", "love it", "okay")] == \
        [False, False, True, False, False, True]
    assert got.select("kind", "id", "label", "held_out").rows() == [
        ("review", 1, "positive", False), ("review", 2, "negative", False), ("review", 4, "neutral", True),
        ("review", 10, "positive", False),
        ("nps", 5, "positive", False), ("nps", 7, "neutral", True)]  # "ok" (nps 15) is too short to count


def test_held_out_accuracy_matches_a_hand_count() -> None:
    texts = pl.DataFrame({"kind": ["review", "review", "nps", "nps", "nps"], "id": [1, 2, 3, 4, 5],
                          "label": ["positive", "negative", "negative", "neutral", "positive"]})
    got = company.held_out_accuracy(texts, ["positive", "positive", "negative", "negative", "positive"])
    rows = {r["kind"]: r for r in got.iter_rows(named=True)}
    assert rows["all"]["texts"] == 5 and rows["all"]["accuracy"] == pytest.approx(3 / 5)
    assert rows["all"]["recall_positive"] == 1.0 and rows["all"]["recall_negative"] == pytest.approx(1 / 2)
    assert rows["all"]["recall_neutral"] == 0.0
    assert rows["nps"]["accuracy"] == pytest.approx(2 / 3) and rows["review"]["accuracy"] == pytest.approx(1 / 2)
    assert rows["review"]["recall_neutral"] is None
    assert company.held_out_accuracy(texts.clear(), []).height == 0


# made-up words the shipped model knows nothing about, used by one company in its rated reviews
ADAPT_POSITIVE = ["Зюмбра просто зюмбра", "Очень зюмбровый заказ", "зюмбра, снова зюмбра", "Zumbra zumbra"]
ADAPT_NEGATIVE = ["Брякса полная брякса", "Опять бряксовый заказ", "брякса, снова брякса", "Bryaksa bryaksa"]


def test_adaptation_moves_predictions_towards_the_company_labels() -> None:
    base = linear.shipped_weights()
    probe = ["Зюмбра!", "Брякса!"]
    before = base.scores(probe)
    texts = ADAPT_POSITIVE + ADAPT_NEGATIVE
    labels = ["positive"] * 4 + ["negative"] * 4
    adapted = linear.adapt(base, texts, labels, name="adapted-test")
    after = adapted.scores(probe)
    pos, neg = linear.CLASSES.index("positive"), linear.CLASSES.index("negative")
    assert after[0, pos] - after[0, neg] > before[0, pos] - before[0, neg]
    assert after[1, neg] - after[1, pos] > before[1, neg] - before[1, pos]
    assert linear.LinearClassifier(adapted).classify(probe) == ["positive", "negative"]
    assert linear.LinearClassifier(adapted).name == "adapted-test"
    # held close to the shipped weights: clear reviews keep their label
    clear = ["Ужасное обслуживание, никому не советую.", "Excellent quality, fast delivery, I love it!"]
    assert linear.LinearClassifier(adapted).classify(clear) == ["negative", "positive"]


def test_the_store_adapts_on_its_rated_texts_and_measures_on_the_held_out_ones(tmp_path) -> None:
    from connectors import review_labels, sentiment_adapt
    from connectors.settings import Settings

    store = DuckDBStore(tmp_path / "db.duckdb")
    store.ensure_schema()
    rows = [{"review_id": i, "source": "yandex_maps", "created_at": dt.datetime(2026, 1, 1), "rating": 5 if i % 2 else 1,
             "text": (ADAPT_POSITIVE if i % 2 else ADAPT_NEGATIVE)[(i // 2) % 4], "language": "ru"} for i in range(1, 41)]
    store.execute([sa.insert(schema.reviews).values(rows)])
    texts = sentiment_adapt.company_texts(store)
    held = texts.filter(pl.col("held_out"))
    assert texts.height == 40 and held.height == sum(zlib.crc32(t.encode()) % 5 == 0 for t in texts["text"])
    assert 0 < held.height < 40 and not set(held["text"]) & set(texts.filter(~pl.col("held_out"))["text"])
    path = tmp_path / sentiment_adapt.ADAPTED_FILE
    clf = review_labels.configured_classifier(Settings(data_dir=str(tmp_path), sentiment_adapt=1), store)
    assert path.exists() and clf.name.startswith(f"{linear.NAME}+{40 - held.height}-")
    assert review_labels.configured_classifier(Settings(data_dir=str(tmp_path), sentiment_adapt=1), store).name \
        == clf.name  # read back from the file, not adapted again
    assert review_labels.configured_classifier(Settings(data_dir=str(tmp_path)), store).name == linear.NAME
    figures = sentiment_adapt.held_out_figures(store, clf).filter(pl.col("kind") == "all").row(0, named=True)
    hand = sum(p == k for p, k in zip(clf.classify(held["text"].to_list()), held["label"].to_list())) / held.height
    assert figures["texts"] == held.height and figures["accuracy"] == pytest.approx(hand)
