"""The built-in review sentiment classifier: multinomial logistic regression on hashed n-grams.

The weights (``model/<name>.npz``: a ``2**bits × 3`` matrix and three biases, float16) were fitted by
``python -m metrics.sentiment.train`` on the labelled corpora listed in ``corpora/SOURCES.md``.
Inference is numpy only: the score of a class is the sum of its weights over the text's feature
columns times ``1/sqrt(k)``, plus its bias; the label is the class with the highest score.

:func:`fit` is the training step (scipy's L-BFGS on the mean cross-entropy plus an L2 penalty
pulling the weights towards ``start``): from zero it trains a model, from the shipped weights it
adapts them to a company's own rated texts (:func:`adapt`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from metrics.sentiment import features

CLASSES: tuple[str, ...] = ("negative", "neutral", "positive")  # the model's column order
NAME = "linear-ngram-2026.12"
MODEL_DIR = Path(__file__).parent / "model"


@dataclass(frozen=True)
class Weights:
    """A fitted model: ``coef`` (2**bits × 3, float32), ``bias`` (3,), the feature hash size and the name
    labels made with it carry (its version)."""

    coef: np.ndarray
    bias: np.ndarray
    bits: int = features.BITS
    name: str = NAME

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Class scores (n × 3, columns in :data:`CLASSES` order)."""
        columns = [features.hashed(t or "", self.bits) for t in texts]
        lengths = np.fromiter((len(c) for c in columns), dtype=np.int64, count=len(columns))
        out = np.tile(self.bias, (len(columns), 1)).astype(np.float32)
        has = lengths > 0
        if has.any():
            rows = self.coef[np.concatenate([c for c in columns if len(c)])]
            starts = np.concatenate([[0], np.cumsum(lengths[has])[:-1]])
            out[has] += np.add.reduceat(rows, starts, axis=0) / np.sqrt(lengths[has])[:, None]
        return out

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, coef=self.coef.astype(np.float16), bias=self.bias.astype(np.float32),
                            bits=np.array(self.bits), name=np.array(self.name))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Weights:
        with np.load(io.BytesIO(data)) as z:
            name = str(z["name"]) if "name" in z.files else NAME
            return cls(z["coef"].astype(np.float32), z["bias"].astype(np.float32), int(z["bits"]), name)


@lru_cache(maxsize=2)
def shipped_weights(name: str = NAME) -> Weights:
    """The weights shipped with the app."""
    return Weights.from_bytes((MODEL_DIR / f"{name}.npz").read_bytes())


class LinearClassifier:
    """Review sentiment from hashed word and character n-grams (Russian and English in one model).

    ``name`` carries the version of the weights, so stored labels say which model made them.
    """

    def __init__(self, weights: Weights | None = None) -> None:
        self.weights = weights if weights is not None else shipped_weights()
        self.name = self.weights.name

    def classify(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> list[str]:
        if not len(texts):
            return []
        best = self.weights.scores(list(texts)).argmax(axis=1)
        return [CLASSES[i] if (t or "").strip() else "neutral" for i, t in zip(best, texts)]

    def label(self, text: str, language: str | None = None) -> str:
        return self.classify([text], [language])[0]


def one_hot(labels: Sequence[str]) -> np.ndarray:
    index = {c: i for i, c in enumerate(CLASSES)}
    out = np.zeros((len(labels), len(CLASSES)))
    out[np.arange(len(labels)), [index[label] for label in labels]] = 1.0
    return out


def fit(texts: Sequence[str], labels: Sequence[str], *, weight: np.ndarray | None = None,
        start: Weights | None = None, l2: float = 1e-5, max_iter: int = 300, bits: int = features.BITS,
        name: str = NAME) -> Weights:
    """Weights minimising the weighted mean cross-entropy on (``texts``, ``labels``) plus
    ``l2/2 · ‖coef − start.coef‖²``. Deterministic: same inputs, same weights."""
    from scipy.optimize import minimize

    x = features.matrix(texts, bits)
    y = one_hot(labels)
    w = np.ones(len(labels)) if weight is None else np.asarray(weight, dtype=float)
    w = w / w.sum()
    k = len(CLASSES)
    d = 1 << bits
    prior = np.zeros(d * k + k) if start is None else np.concatenate(
        [start.coef.astype(float).ravel(), start.bias.astype(float)])
    xt = x.T.tocsr()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, bias = theta[:-k].reshape(d, k), theta[-k:]
        logits = x @ coef + bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        value = -float((w * np.log(np.maximum((p * y).sum(axis=1), 1e-300))).sum())
        residual = (p - y) * w[:, None]
        diff = theta - prior
        value += 0.5 * l2 * float(diff[:-k] @ diff[:-k])
        grad = np.concatenate([(xt @ residual).ravel() + l2 * diff[:-k], residual.sum(axis=0)])
        return value, grad

    result = minimize(loss, prior.copy(), jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    theta = result.x
    return Weights(theta[:-k].reshape(d, k).astype(np.float32), theta[-k:].astype(np.float32), bits, name)


def adapt(base: Weights, texts: Sequence[str], labels: Sequence[str], *, name: str, l2: float = 1e-4,
          max_iter: int = 100) -> Weights:
    """``base`` trained further on a company's own labelled texts, held close to ``base`` by the penalty
    (a larger ``l2`` keeps more of it), named ``name``. Classes are weighted equally, whatever their counts."""
    counts = {c: max(sum(1 for label in labels if label == c), 1) for c in CLASSES}
    weight = np.array([1.0 / counts[label] for label in labels])
    return fit(texts, labels, weight=weight, start=base, l2=l2, max_iter=max_iter, bits=base.bits, name=name)
