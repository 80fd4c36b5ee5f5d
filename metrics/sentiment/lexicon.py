"""The built-in offline classifier: a domain lexicon with negation, intensifiers and contrast.

How a text is scored, per language (``en``, ``ru``; unknown language: Cyrillic letters
mean Russian):

1. Lower-case, ``ё`` → ``е``, English ``n't`` → ``not``; split into sentences at
   ``. ! ? ;`` and into clauses at commas, dashes and colons; words are stemmed
   with the Snowball stemmer of the language (``snowballstemmer``, pure Python).
2. The longest lexicon entry (up to four words) is matched at each position:
   polarity phrases (weights ±2, ±1, ±0.5), lukewarm markers ("okay", "обычный"),
   negators, intensifiers, contrast words.
3. A negator ("not", "never", "не", "ни", "без") flips the next polarity entry within
   three words in its clause: a negated positive counts −0.8 of its weight, a
   negated negative +0.8 ("no problems" speaks well of the shop). Russian negation does
   not cancel itself ("никто не ..."), and an entry that contains a negator
   ("не работает") is never flipped again; a clause-final Russian "нет" flips what
   came before it ("претензий нет"). An intensifier multiplies the next entry by 1.5.
4. Words before "but" / "но" count 0.7; a clause opened by "although" / "хотя"
   counts half.
5. Verdict: no evidence → neutral; lukewarm markers with a small net score →
   neutral; positive and negative evidence of similar size → neutral; otherwise
   the sign of positive − negative.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from metrics.sentiment import words_en, words_ru

MAX_PHRASE = 4
NEGATION_SCOPE = 3
CONTRAST_BEFORE = 0.7  # weight of what came before "but" / "но"
CONCESSION_WEIGHT = 0.5  # weight of a clause opened by "although" / "хотя"
WEIGHTS = {"POSITIVE_STRONG": 2.0, "POSITIVE": 1.0, "POSITIVE_WEAK": 0.5,
           "NEGATIVE_STRONG": -2.0, "NEGATIVE": -1.0, "NEGATIVE_WEAK": -0.5}

_SENTENCE = re.compile(r"[.!?;…\n]+")
_CLAUSE = re.compile(r"[,:()«»\"]+|\s[-–—]\s")
_WORD = re.compile(r"[a-zа-я0-9]+(?:['’][a-z]+)?")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@dataclass(frozen=True)
class Score:
    """Evidence found in one text: summed positive and negative weight, lukewarm markers."""

    positive: float = 0.0
    negative: float = 0.0
    lukewarm: float = 0.0

    @property
    def net(self) -> float:
        return self.positive - self.negative


@dataclass
class _Lexicon:
    stem: object
    negation_concord: bool
    polarity: dict[tuple[str, ...], float] = field(default_factory=dict)
    lukewarm: set[tuple[str, ...]] = field(default_factory=set)
    negators: set[tuple[str, ...]] = field(default_factory=set)
    intensifiers: set[tuple[str, ...]] = field(default_factory=set)
    contrast: set[tuple[str, ...]] = field(default_factory=set)
    concession: set[tuple[str, ...]] = field(default_factory=set)
    post_negator: str | None = None
    _stems: dict[str, str] = field(default_factory=dict, repr=False)

    def tokens(self, text: str) -> list[str]:
        words = []
        for w in _WORD.findall(text):
            w = w.replace("’", "'")
            if w.endswith("n't") or w == "cannot":
                w = "not"
            words.append(w)
        return [self._stem(w) for w in words]

    def _stem(self, word: str) -> str:
        """Snowball stems, remembered: the pure-Python stemmer is the classifier's slowest step."""
        stem = self._stems.get(word)
        if stem is None:
            stem = self.stem.stemWord(word)
            if len(self._stems) < 500_000:
                self._stems[word] = stem
        return stem

    def entries(self, block: str) -> list[tuple[str, ...]]:
        out = []
        for raw in block.replace("\n", " ").split(","):
            raw = _normalise(raw.strip())
            if raw:
                out.append(tuple(self.tokens(raw)))
        return [e for e in out if e]


def _normalise(text: str) -> str:
    return text.lower().replace("ё", "е")


def _build(module, language: str, *, concord: bool, post_negator: str | None) -> _Lexicon:
    lex = _Lexicon(snowballstemmer.stemmer(language), concord)
    negators = set(lex.entries(module.NEGATORS))
    for block, weight in WEIGHTS.items():
        for entry in lex.entries(getattr(module, block)):
            if entry in negators:  # a bare negator is never a polarity entry
                continue
            old = lex.polarity.get(entry)
            if old is None or abs(weight) > abs(old):
                lex.polarity[entry] = weight
    lex.lukewarm = set(lex.entries(module.NEUTRAL))
    lex.negators = set(lex.entries(module.NEGATORS))
    lex.intensifiers = set(lex.entries(module.INTENSIFIERS))
    lex.contrast = set(lex.entries(module.CONTRAST_AFTER))
    lex.concession = set(lex.entries(module.CONCESSION))
    lex.post_negator = lex.tokens(post_negator)[0] if post_negator else None
    return lex


@lru_cache(maxsize=None)
def _lexicon(language: str) -> _Lexicon:
    if language == "ru":
        return _build(words_ru, "russian", concord=True, post_negator="нет")
    return _build(words_en, "english", concord=False, post_negator=None)


@dataclass
class _Unit:
    weight: float
    lukewarm: bool
    has_negator: bool
    negated: bool = False
    factor: float = 1.0

    def value(self) -> float:
        w = self.weight * self.factor
        if self.negated and not self.has_negator:
            w = -0.8 * w
        return w


def _match(lex: _Lexicon, toks: list[str], i: int) -> tuple[str, int, tuple[str, ...]]:
    """(role, length, entry) of the longest lexicon entry starting at token i."""
    for n in range(min(MAX_PHRASE, len(toks) - i), 0, -1):
        key = tuple(toks[i:i + n])
        if key in lex.polarity or key in lex.lukewarm:
            return "unit", n, key
        if key in lex.negators:
            return "negator", n, key
        if key in lex.intensifiers:
            return "intensifier", n, key
        if key in lex.contrast:
            return "contrast", n, key
        if key in lex.concession:
            return "concession", n, key
    return "word", 1, (toks[i],)


def _sentence_units(lex: _Lexicon, sentence: str) -> list[_Unit]:
    units: list[_Unit] = []
    for clause in _CLAUSE.split(sentence):
        toks = lex.tokens(clause)
        clause_units: list[_Unit] = []
        negation_left = 0
        boost = 1.0
        factor = 1.0
        i = 0
        while i < len(toks):
            role, n, key = _match(lex, toks, i)
            if role == "unit":
                has_neg = any((t,) in lex.negators for t in key)
                unit = _Unit(lex.polarity.get(key, 0.0) * boost, key in lex.lukewarm, has_neg,
                             negated=negation_left > 0, factor=factor)
                clause_units.append(unit)
                boost = 1.0
                negation_left = 0
            elif role == "negator":
                if lex.post_negator and key == (lex.post_negator,) and i + n == len(toks):
                    for u in clause_units:  # "претензий нет": absence of what came before
                        if u.weight < 0:
                            u.negated = True
                negation_left = NEGATION_SCOPE + n - 1 if (lex.negation_concord or negation_left == 0) else 0
            elif role == "intensifier":
                boost = 1.5
            elif role == "contrast":
                for u in units + clause_units:
                    u.factor *= CONTRAST_BEFORE
                factor = 1.0
                negation_left = 0
            elif role == "concession":
                factor = CONCESSION_WEIGHT
                negation_left = 0
            if role != "negator" and negation_left:
                negation_left -= n
                negation_left = max(negation_left, 0)
            i += n
        units.extend(clause_units)
    return units


class LexiconClassifier:
    """Offline lexicon-and-rules classifier for Russian and English review texts.

    ``lukewarm_band``: with a lukewarm marker, a net score below this is neutral.
    ``mixed_ratio``: positive and negative evidence count as mixed (neutral) when the
    smaller is at least this share of the larger. ``min_net``: smaller net scores are neutral.
    """

    name = "lexicon"

    def __init__(self, *, lukewarm_band: float = 1.5, mixed_ratio: float = 0.6, min_net: float = 0.75) -> None:
        self.lukewarm_band = lukewarm_band
        self.mixed_ratio = mixed_ratio
        self.min_net = min_net

    def score(self, text: str, language: str | None = None) -> Score:
        text = _normalise(text or "")
        lang = language if language in ("en", "ru") else ("ru" if _CYRILLIC.search(text) else "en")
        lex = _lexicon(lang)
        pos = neg = luke = 0.0
        for sentence in _SENTENCE.split(text):
            for u in _sentence_units(lex, sentence):
                v = u.value()
                if v > 0:
                    pos += v
                else:
                    neg -= v
                if u.lukewarm and not u.negated:
                    luke += u.factor
        return Score(pos, neg, luke)

    def label(self, text: str, language: str | None = None) -> str:
        s = self.score(text, language)
        if s.positive == 0 and s.negative == 0:
            return "neutral"
        if s.lukewarm and abs(s.net) < self.lukewarm_band:
            return "neutral"
        if s.positive and s.negative and min(s.positive, s.negative) >= self.mixed_ratio * max(s.positive, s.negative):
            return "neutral"
        if abs(s.net) < self.min_net:
            return "neutral"
        return "positive" if s.net > 0 else "negative"

    def classify(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[str]:
        return [self.label(t, lang) for t, lang in zip(texts, languages, strict=True)]
