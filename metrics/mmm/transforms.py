"""The media transforms of the marketing-mix model and their derivatives.

For a channel with weekly spend ``x`` (money), decay ``theta`` and spend scale ``m``::

    a[t]  = x[t] + theta * a[t-1]            geometric carry-over (a[-1] = 0)
    u[t]  = (1 - theta) * a[t] / m           normalised: a steady spend m gives u = 1
    h[t]  = u^s / (u^s + kappa^s)            Hill saturation in [0, 1)

``kappa`` is therefore the half-saturation point relative to the channel's typical weekly
spend ``m`` (its mean over the weeks it spent), and ``s`` the shape. A delayed peak is a
whole number of weeks by which the spend is shifted before the carry-over.

The derivatives are those the fit needs for the gradient of its objective with respect to
``theta``, ``log kappa`` and ``log s``.
"""

from __future__ import annotations

import numpy as np
from metrics.response import adstock, hill

YEAR_WEEKS = 365.25 / 7


def spend_scale(x: np.ndarray) -> float:
    """Typical weekly spend: the mean over weeks with spend (1.0 for a channel that never spent)."""
    x = np.asarray(x, dtype=float)
    pos = x[x > 0]
    return float(pos.mean()) if pos.size else 1.0


def delayed(x: np.ndarray, weeks: int) -> np.ndarray:
    """Spend shifted ``weeks`` later (the first weeks get none)."""
    if weeks <= 0:
        return np.asarray(x, dtype=float)
    out = np.zeros_like(x, dtype=float)
    out[weeks:] = x[:-weeks]
    return out


def saturated(x: np.ndarray, theta: float, kappa: float, s: float, m: float) -> np.ndarray:
    """``h[t]`` of the module docstring for one channel."""
    u = (1.0 - theta) * adstock(x, theta) / m
    return hill(u, kappa, s)


CARRY_BLOCK = 26


def carry_over(x: np.ndarray, theta: np.ndarray, before: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Carry-over ``a`` of every column of ``x`` (n, C) with its own decay, and ``d a / d theta``.

    ``before`` (C,) is a steady weekly spend assumed before the first week (its carry-over
    ``before / (1 - theta)`` enters week 0); None starts from nothing.

    Computed in blocks of ``CARRY_BLOCK`` weeks: inside a block ``a[t0+i] = sum_j theta^(i-j) x[t0+j]
    + theta^(i+1) a[t0-1]`` is one small matrix product per block instead of one step per week."""
    n, c = x.shape
    size = min(CARRY_BLOCK, n)
    lag = np.arange(size)[:, None] - np.arange(size)[None, :]
    tpow = np.cumprod(np.vstack([np.ones(c), np.tile(theta, (size, 1))]), axis=0)  # theta^k, k = 0..L, (L+1, C)
    mask = (lag >= 0).astype(float)
    powers = (tpow.T[:, np.maximum(lag, 0)] * mask)  # (C, L, L)
    dpowers = tpow.T[:, np.maximum(lag - 1, 0)] * (np.maximum(lag, 0) * (lag >= 1))
    steps = np.arange(1, size + 1)[:, None]
    tail = tpow[1:]  # theta^(i+1), (L, C)
    dtail = steps * tpow[:-1]
    xt = np.ascontiguousarray(x.T)  # (C, n)
    a = np.empty((n, c))
    da = np.empty((n, c))
    if before is None:
        prev, dprev = np.zeros(c), np.zeros(c)
    else:
        prev, dprev = before / (1.0 - theta), before / (1.0 - theta) ** 2
    for t0 in range(0, n, size):
        k = min(size, n - t0)
        xb = xt[:, t0:t0 + k, None]
        a[t0:t0 + k] = (powers[:, :k, :k] @ xb)[:, :, 0].T + tail[:k] * prev
        da[t0:t0 + k] = (dpowers[:, :k, :k] @ xb)[:, :, 0].T + dtail[:k] * prev + tail[:k] * dprev
        prev, dprev = a[t0 + k - 1], da[t0 + k - 1]
    return a, da


def saturated_all(x: np.ndarray, theta: np.ndarray, log_kappa: np.ndarray, log_s: np.ndarray, m: np.ndarray,
                  *, grad: bool = True, before: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """``h`` for every column of ``x`` (n, C) and, with ``grad``, d h / d (theta, log kappa, log s) as (3, n, C)."""
    a, da = carry_over(x, theta, before)
    an = (1.0 - theta) * a
    kappa, s = np.exp(log_kappa), np.exp(log_s)
    pos = an > 0
    u = np.where(pos, an / m, 1.0)
    log_ratio = s * (log_kappa - np.log(u))  # log (kappa / u)^s
    h = np.where(pos, 1.0 / (1.0 + np.exp(np.clip(log_ratio, -700, 700))), 0.0)
    if not grad:
        return h, None
    w = s * h * (1.0 - h)
    g = np.empty((3,) + x.shape)
    dan = -a + (1.0 - theta) * da
    g[0] = np.where(pos, w * dan / np.where(pos, an, 1.0), 0.0)
    g[1] = -w
    g[2] = np.where(pos, -w * (log_kappa - np.log(u)), 0.0)
    return h, g


def spend_before(x: np.ndarray, weeks: int = 4) -> np.ndarray:
    """The weekly spend assumed before the data starts: the mean of the first ``weeks`` weeks, per column."""
    return np.asarray(x[:weeks], dtype=float).mean(0)


def steady_response(spend: np.ndarray, kappa: np.ndarray, s: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Saturation ``h`` reached when a weekly spend is held for long (carry-over at its steady state)."""
    return hill(np.asarray(spend, dtype=float) / m, kappa, s)


def steady_slope(spend: np.ndarray, kappa: np.ndarray, s: np.ndarray, m: np.ndarray) -> np.ndarray:
    """d steady_response / d spend."""
    x = np.asarray(spend, dtype=float)
    h = steady_response(x, kappa, s, m)
    pos = x > 0
    return np.where(pos, s * h * (1.0 - h) / np.where(pos, x, 1.0), 0.0)


def baseline_design(t_weeks: np.ndarray, *, fourier: int, day_of_year: np.ndarray,
                    controls: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """Columns of the baseline: intercept, linear trend (``t_weeks`` in years), ``fourier`` yearly sine/cosine pairs,
    then the user's controls as given (their coefficients are free, so no scaling is needed)."""
    t = np.asarray(t_weeks, dtype=float)
    years = t / YEAR_WEEKS
    cols, names = [np.ones_like(t), years], ["intercept", "trend"]
    angle = 2 * np.pi * np.asarray(day_of_year, dtype=float) / 365.25
    for k in range(1, fourier + 1):
        cols += [np.sin(k * angle), np.cos(k * angle)]
        names += [f"sin{k}", f"cos{k}"]
    if controls is not None and controls.size:
        for j in range(controls.shape[1]):
            cols.append(np.asarray(controls[:, j], dtype=float))
            names.append(f"control{j}")
    return np.column_stack(cols), names
