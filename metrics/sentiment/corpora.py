"""The labelled corpora the built-in classifier is trained and measured on, read from their published files.

Each :class:`Source` names its files (as published, see ``corpora/SOURCES.md`` for where, their
licences and SHA-256), how its labels map to negative / neutral / positive, and its role:
``train`` (fitted on; a held-out part is kept for the same-source figures), ``test`` (its own
published test split of a trained source) or ``other`` (never trained on). The files live in a
folder given on the command line or in ``DASHBOARD_SENTIMENT_CORPORA`` (default
``metrics/sentiment/corpora/``); the team's own labelled reviews in ``tests/labelled/`` are always there.

Offline tooling for ``metrics.sentiment.train`` and ``benchmarks.sentiment``; the app never reads these.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import os
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

HERE = Path(__file__).parent
DEFAULT_DIR = HERE / "corpora"
TEAM_DIR = HERE.parents[1] / "tests" / "labelled"
HELD_OUT_SHARE = 0.2  # of a train source, by a hash of the text


def _schema_frame(rows: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"text": pl.String, "label": pl.String}, orient="row")


def _sentirueval_reviews(path: Path) -> pl.DataFrame:
    """SentiRuEval-2015 restaurant and car reviews: the ``Whole`` category's sentiment; ``both`` (mixed),
    ``neutral`` and ``absence`` count as neutral."""
    mapping = {"positive": "positive", "negative": "negative", "both": "neutral", "neutral": "neutral",
               "absence": "neutral"}
    rows = []
    for review in ET.parse(path).getroot().iter("review"):
        whole = [c.get("sentiment") for c in review.iter("category") if c.get("name") == "Whole"]
        text = (review.findtext("text") or "").strip()
        if whole and whole[0] in mapping and text:
            rows.append((text, mapping[whole[0]]))
    return _schema_frame(rows)


_TWEET_LABEL = {"-1": "negative", "0": "neutral", "1": "positive"}
_META = {"id", "twitid", "date", "text"}


def _sentirueval_tweets(path: Path) -> pl.DataFrame:
    """SentiRuEval-2015 tweets about banks and telecom companies: each tweet's label towards the companies
    it names (-1, 0, 1); a tweet with conflicting labels is left out. Links are dropped from the text."""
    rows = []
    for table in ET.parse(path).getroot().iter("table"):
        cells = {c.get("name"): (c.text or "").strip() for c in table.iter("column")}
        labels = {_TWEET_LABEL[v] for k, v in cells.items() if k not in _META and v in _TWEET_LABEL}
        text = re.sub(r"https?://\S+", "", cells.get("text", "")).strip()
        if len(labels) == 1 and text:
            rows.append((text, labels.pop()))
    return _schema_frame(rows)


def _uci(path: Path) -> pl.DataFrame:
    """UCI Sentiment Labelled Sentences: ``sentence<TAB>0|1`` (negative / positive; no neutral class)."""
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        text, _, score = line.rpartition("\t")
        if score.strip() in ("0", "1") and text.strip():
            rows.append((text.strip(), "positive" if score.strip() == "1" else "negative"))
    return _schema_frame(rows)


def _rusentiment(path: Path) -> pl.DataFrame:
    """RuSentiment posts: positive / negative / neutral kept; ``speech`` (greetings) and ``skip`` left out."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(r["text"].strip(), r["label"]) for r in csv.DictReader(f)
                if r["label"] in ("positive", "negative", "neutral") and r["text"].strip()]
    return _schema_frame(rows)


def _team(path: Path) -> pl.DataFrame:
    return pl.read_csv(path).select("text", "label")


_LEXICON_BLOCKS = {"POSITIVE_STRONG": "positive", "POSITIVE": "positive", "NEGATIVE_STRONG": "negative",
                   "NEGATIVE": "negative", "NEUTRAL": "neutral"}


def _lexicon(path: Path) -> pl.DataFrame:
    """The team's polarity lexicon (``words_<lang>.py``) as short texts: each entry of the strong and plain
    positive and negative blocks, and of the lukewarm block (neutral); weak entries left out."""
    words = importlib.import_module(f"metrics.sentiment.{path.stem}")
    rows = [(entry.strip(), label) for block, label in _LEXICON_BLOCKS.items()
            for entry in getattr(words, block).replace("\n", " ").split(",") if entry.strip()]
    return _schema_frame(rows)


@dataclass(frozen=True)
class Source:
    name: str
    language: str
    kind: str  # what the texts are: reviews, review sentences, tweets, posts
    role: str  # train | test | other
    files: tuple[str, ...]
    read: Callable[[Path], pl.DataFrame]
    team: bool = False  # the team's own labelled set in tests/labelled/ (or its lexicon, beside this module)


SOURCES: tuple[Source, ...] = (
    Source("sentirueval2015-reviews", "ru", "restaurant and car reviews", "train",
           ("SentiRuEval_rest_markup_train.xml", "SentiRuEval_car_markup_train.xml"), _sentirueval_reviews),
    Source("sentirueval2015-reviews-test", "ru", "restaurant and car reviews", "test",
           ("SentiRuEval_rest_markup_test.xml", "SentiRuEval_car_markup_test.xml"), _sentirueval_reviews),
    Source("sentirueval2015-tweets", "ru", "tweets about banks and telecoms", "train",
           ("SentiRuEval-2015-banks_train.xml", "SentiRuEval-2015-telecoms_train.xml"), _sentirueval_tweets),
    Source("sentirueval2015-tweets-test", "ru", "tweets about banks and telecoms", "test",
           ("SentiRuEval-2015-banks_test_etalon.xml", "SentiRuEval-2015-telecoms_test_etalon.xml"),
           _sentirueval_tweets),
    Source("team-dev-ru", "ru", "home-goods reviews", "train", ("sentiment_dev_ru.csv",), _team, team=True),
    Source("team-lexicon-ru", "ru", "polarity lexicon entries", "train", ("words_ru.py",), _lexicon, team=True),
    Source("team-test-ru", "ru", "home-goods reviews", "other", ("sentiment_test_ru.csv",), _team, team=True),
    Source("rusentiment-test", "ru", "social network posts", "other", ("rusentiment_test.csv",), _rusentiment),
    Source("uci-yelp-imdb", "en", "restaurant and film review sentences", "train",
           ("yelp_labelled.txt", "imdb_labelled.txt"), _uci),
    Source("uci-amazon", "en", "product review sentences", "other", ("amazon_cells_labelled.txt",), _uci),
    Source("team-dev-en", "en", "home-goods reviews", "train", ("sentiment_dev_en.csv",), _team, team=True),
    Source("team-lexicon-en", "en", "polarity lexicon entries", "train", ("words_en.py",), _lexicon, team=True),
    Source("team-test-en", "en", "home-goods reviews", "other", ("sentiment_test_en.csv",), _team, team=True),
)


def corpora_dir(given: str | Path | None = None) -> Path:
    return Path(given or os.environ.get("DASHBOARD_SENTIMENT_CORPORA") or DEFAULT_DIR)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def held_out(text: str) -> bool:
    """Whether a text of a train source is kept out of training (a fixed fifth, by CRC-32 of the text)."""
    return zlib.crc32(text.encode()) % 1000 < HELD_OUT_SHARE * 1000


def load(source: Source, folder: Path) -> pl.DataFrame | None:
    """The source's texts with ``text``, ``label``, ``language``, ``source``, ``split`` (train / held_out /
    test / other), duplicates removed; None when one of its files is missing."""
    base = (HERE if source.read is _lexicon else TEAM_DIR) if source.team else folder
    paths = [base / f for f in source.files]
    if not all(p.exists() for p in paths):
        return None
    frame = pl.concat([source.read(p) for p in paths]).unique("text", keep="first", maintain_order=True)
    if source.role == "train" and not source.team:  # the team's development sets are small: all fitted on
        split = pl.Series([("held_out" if held_out(t) else "train") for t in frame["text"]], dtype=pl.String)
    else:
        split = pl.Series([source.role] * frame.height, dtype=pl.String)
    return frame.with_columns(language=pl.lit(source.language), source=pl.lit(source.name), split=split)


def load_all(folder: str | Path | None = None) -> tuple[pl.DataFrame, list[str]]:
    """Every source found (one frame) and the names of those whose files are missing."""
    folder = corpora_dir(folder)
    frames, missing = [], []
    for source in SOURCES:
        frame = load(source, folder)
        (frames.append(frame) if frame is not None else missing.append(source.name))
    return pl.concat(frames), missing
