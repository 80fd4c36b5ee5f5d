"""Hashed word and character n-gram features of a text, shared by training and inference.

A text is lower-cased (``ё`` → ``е``, English ``n't`` → ``not``) and split into words, emoticons
and ``!`` / ``?``. Its features are the words, the pairs of neighbouring words ("не понравилось",
"not good"), the first five letters of each long word (a cheap stem: "понравилось" and
"понравилась" share "понра") and the four-letter pieces of each word padded with ``<`` ``>``.
Each feature is hashed with CRC-32 (stable across runs and machines, unlike Python's ``hash``)
into one of ``2**bits`` columns; a text's vector holds ``1/sqrt(k)`` at each of its ``k`` distinct
columns, so long and short texts weigh alike.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

BITS = 18
_WORD = re.compile(r"[a-zа-я0-9]+(?:'[a-z]+)?|[!?]|[:;=]-?[()dp]|\){2,}|\({2,}")
_NOT = re.compile(r"n't\b")


def tokens(text: str) -> list[str]:
    """The words, emoticons and ``!`` / ``?`` of ``text``, normalised."""
    text = text.lower().replace("ё", "е").replace("’", "'")
    return _WORD.findall(_NOT.sub(" not", text))


def word_features(w: str) -> list[str]:
    """The features of one word: itself, its first five letters (long words) and its four-letter pieces."""
    out = [f"w {w}"]
    if len(w) > 5 and w.isalpha():
        out.append(f"p {w[:5]}")
    if len(w) > 2:
        padded = f"<{w}>"
        out += [f"c {padded[i:i + 4]}" for i in range(len(padded) - 3)]
    return out


def feature_strings(text: str) -> list[str]:
    """The named features of one text (before hashing): each word's, then the pairs of neighbouring words."""
    words = tokens(text)
    return [f for w in words for f in word_features(w)] + [f"b {a} {b}" for a, b in zip(words, words[1:])]


_WORD_CACHE: dict[tuple[str, int], tuple[int, ...]] = {}
_WORD_CACHE_MAX = 300_000  # words are few and repeat: hashing each once is most of the speed


def _crc(feature: str, mask: int) -> int:
    return zlib.crc32(feature.encode()) & mask


def hashed(text: str, bits: int = BITS) -> np.ndarray:
    """Sorted distinct feature columns of one text (int64); the same set as hashing :func:`feature_strings`."""
    mask = (1 << bits) - 1
    words = tokens(text)
    columns: set[int] = set()
    for w in words:
        cols = _WORD_CACHE.get((w, bits))
        if cols is None:
            cols = tuple({_crc(f, mask) for f in word_features(w)})
            if len(_WORD_CACHE) < _WORD_CACHE_MAX:
                _WORD_CACHE[(w, bits)] = cols
        columns.update(cols)
    columns.update(_crc(f"b {a} {b}", mask) for a, b in zip(words, words[1:]))
    return np.array(sorted(columns), dtype=np.int64)


def matrix(texts: Sequence[str], bits: int = BITS):
    """Texts as a ``scipy.sparse.csr_matrix`` (n × 2**bits), each row scaled to unit length."""
    from scipy import sparse

    columns = [hashed(t or "", bits) for t in texts]
    lengths = np.fromiter((len(c) for c in columns), dtype=np.int64, count=len(columns))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.concatenate(columns) if columns else np.zeros(0, np.int64)
    values = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
    return sparse.csr_matrix((values, indices, indptr), shape=(len(texts), 1 << bits))
