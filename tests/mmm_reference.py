"""The true channel contributions of PyMC-Marketing's published simulated data set (tests/data/README.md),
computed from its data-generating formula with plain numpy (no model code)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl

# PyMC-Marketing's data/mmm_example.csv (Apache-2.0), kept as published (tests/data/README.md); another copy can be
# named with DASHBOARD_MMM_EXAMPLE.
PYMC_EXAMPLE = Path(os.environ.get("DASHBOARD_MMM_EXAMPLE") or Path(__file__).parent / "data" / "mmm_example.csv")
PYMC_TRUE_DECAY = {"x1": 0.4, "x2": 0.2}
_LAM = {"x1": 4.0, "x2": 3.0}
_BETA = {"x1": 3.0, "x2": 2.0}
SCALE = 1000.0
# SHA-256 of the published file (PyMC-Marketing, commit c6626a7f517fa6fe771a2d112d5cd16ce1f4c3f6)
PYMC_EXAMPLE_SHA256 = "320d299569b989c37facac5bda6a4ee2d661cb12e158ac5d80689c8cc3d37955"


def _geometric_adstock(x: np.ndarray, alpha: float, l_max: int = 8) -> np.ndarray:
    w = alpha ** np.arange(l_max)
    w /= w.sum()
    out = np.zeros_like(x)
    for k in range(l_max):
        out[k:] += w[k] * x[: x.size - k]
    return out


def _logistic(x: np.ndarray, lam: float) -> np.ndarray:
    return (1 - np.exp(-lam * x)) / (1 + np.exp(-lam * x))


def pymc_example() -> pl.DataFrame:
    return pl.read_csv(PYMC_EXAMPLE)


def pymc_true_contributions(frame: pl.DataFrame) -> dict[str, np.ndarray]:
    """Weekly true contribution of x1 and x2, in the units of ``y``."""
    return {ch: SCALE * _BETA[ch] * _logistic(_geometric_adstock(frame[ch].to_numpy(), PYMC_TRUE_DECAY[ch]), _LAM[ch])
            for ch in ("x1", "x2")}


def pymc_true_shares(frame: pl.DataFrame) -> dict[str, float]:
    total = float(frame["y"].sum())
    return {ch: float(v.sum() / total) for ch, v in pymc_true_contributions(frame).items()}
