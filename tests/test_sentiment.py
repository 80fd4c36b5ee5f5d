"""The hand-made lexicon classifier (available by name; the built-in default is the linear model, see
tests/test_sentiment_linear.py): measured accuracy on a labelled set written for this purpose (not the
demo's phrase bank), its rules, and the plug-in interface.

Print the lexicon's accuracy on that set with:
    .venv/bin/python -m pytest tests/test_sentiment.py -k accuracy -s
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from connectors.demo.texts import PHRASES
from metrics.sentiment import LABELS, SentimentClassifier, classify_texts, default_classifier
from metrics.sentiment.lexicon import LexiconClassifier
from tests.conftest import ROOT

LABELLED = ROOT / "tests" / "labelled"
# Floors a little under the accuracy measured when the set was first scored (README: en 90.5%, ru 78.8%).
FLOORS = {"en": 0.88, "ru": 0.76}
CLASS_FLOOR = 0.65


def labelled(lang: str, kind: str = "test") -> pl.DataFrame:
    return pl.read_csv(LABELLED / f"sentiment_{kind}_{lang}.csv")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_test_set_is_big_balanced_and_not_the_demo_phrase_bank(lang) -> None:
    frame = labelled(lang)
    counts = dict(frame["label"].value_counts().iter_rows())
    assert frame.height >= 150 and set(counts) == set(LABELS) and min(counts.values()) >= 45
    assert frame["text"].n_unique() == frame.height
    bank = {p.lower() for lang_bank in PHRASES.values() for phrases in lang_bank.values() for p in phrases}
    for text in frame["text"].to_list():
        sentences = {s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", text)}
        assert not sentences & bank, text
    dev = set(labelled(lang, "dev")["text"].to_list())
    assert not dev & set(frame["text"].to_list()), "the development set and the test set overlap"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_lexicon_accuracy_on_the_held_out_labelled_reviews(lang) -> None:
    frame = labelled(lang)
    pred = LexiconClassifier().classify(frame["text"].to_list(), [lang] * frame.height)
    frame = frame.with_columns(pred=pl.Series(pred))
    accuracy = (frame["pred"] == frame["label"]).mean()
    recall = {r["label"]: r["recall"] for r in frame.group_by("label").agg(
        (pl.col("pred") == pl.col("label")).mean().alias("recall")).iter_rows(named=True)}
    print(f"\n{lang}: accuracy {accuracy:.1%} on {frame.height} reviews; recall "
          + ", ".join(f"{k} {recall[k]:.1%}" for k in LABELS))
    assert accuracy >= FLOORS[lang]
    assert min(recall.values()) >= CLASS_FLOOR, recall


def test_language_is_detected_when_unknown() -> None:
    clf = LexiconClassifier()
    assert clf.label("Ужасный сервис, никому не советую", None) == "negative"
    assert clf.label("Lovely staff, great prices", None) == "positive"


@pytest.mark.parametrize("text,lang,label", [
    ("The sofa is good.", "en", "positive"),
    ("The sofa is not good.", "en", "negative"),
    ("No problems at all.", "en", "positive"),
    ("Never had any issues with them.", "en", "positive"),
    ("Nobody answered my emails.", "en", "negative"),
    ("Nice design but the chairs are uncomfortable.", "en", "neutral"),
    ("It's okay, nothing special.", "en", "neutral"),
    ("I bought two lamps.", "en", "neutral"),
    ("Понравилось.", "ru", "positive"),
    ("Не понравилось.", "ru", "negative"),
    ("Претензий нет, всё пришло целым.", "ru", "positive"),
    ("Никто не перезвонил.", "ru", "negative"),
    ("Ничего не сломалось, доставили быстро.", "ru", "positive"),
    ("Красиво, но неудобно.", "ru", "neutral"),
    ("Купила две лампы.", "ru", "neutral"),
])
def test_rules_negation_contrast_and_no_evidence(text, lang, label) -> None:
    assert LexiconClassifier().label(text, lang) == label


def test_the_demo_sources_own_labels_agree_with_the_classifier(small_store) -> None:
    from connectors.read import read_fact

    monitored = read_fact(small_store, "reviews").filter(pl.col("source") == "brand_monitoring")
    agreement = (classify_texts(monitored, default_classifier()) == monitored["sentiment"]).mean()
    assert monitored.height > 100 and agreement >= 0.8


class KeywordClassifier:
    """A company's own model, as the interface expects it."""

    name = "keywords"

    def classify(self, texts, languages):
        return ["positive" if "good" in t else "negative" for t in texts]


def test_any_object_with_the_interface_plugs_in() -> None:
    assert isinstance(KeywordClassifier(), SentimentClassifier)
    assert isinstance(default_classifier(), SentimentClassifier)
    frame = pl.DataFrame({"text": ["good", "bad", None, "good"], "language": ["en", None, "en", "en"]})
    assert classify_texts(frame, KeywordClassifier()).to_list() == ["positive", "negative", "negative", "positive"]
    assert classify_texts(frame.clear(), KeywordClassifier()).to_list() == []


def test_a_misbehaving_classifier_is_named() -> None:
    class Short:
        name = "short"

        def classify(self, texts, languages):
            return ["positive"]

    class Odd:
        name = "odd"

        def classify(self, texts, languages):
            return ["great"] * len(texts)

    frame = pl.DataFrame({"text": ["a", "b"], "language": ["en", "en"]})
    with pytest.raises(ValueError, match="short"):
        classify_texts(frame, Short())
    with pytest.raises(ValueError, match="odd.*great"):
        classify_texts(frame, Odd())


def test_the_setting_loads_a_classifier_by_path() -> None:
    from dashboard.reputation.data import ClassifierError, _classifier

    assert _classifier("tests.test_sentiment:KeywordClassifier").name == "keywords"
    assert _classifier("").name == default_classifier().name == "linear-ngram-2026.12"
    assert _classifier("lexicon").name == "lexicon" and _classifier("linear").name == "linear-ngram-2026.12"
    with pytest.raises(ClassifierError, match="no_such_module"):
        _classifier("no_such_module:thing")
    with pytest.raises(ClassifierError, match="classify"):
        _classifier("tests.test_sentiment:FLOORS")
