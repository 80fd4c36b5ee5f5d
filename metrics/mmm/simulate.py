"""Simulated weekly marketing data with a known answer, for testing that the model recovers it.

outcome[t] = level * (1 + trend * years) * (1 + season(t)) + holiday[t] * bump
             + sum_c beta_c * hill((1 - theta_c) * adstock(spend_c, theta_c) / m_c; kappa_c, s_c) + noise

Spend patterns: ``flighted`` (bursts of 2-7 weeks at random levels), ``pulsed`` (spend in about
one week in eight, none otherwise) and ``correlated`` (channels sharing one flighting plan, each
with its own noise, so they move together: correlation about 0.8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl

from metrics.mmm.transforms import saturated, spend_scale


@dataclass(frozen=True)
class SimChannel:
    name: str
    theta: float
    kappa: float  # relative to the channel's mean weekly spend over the weeks it spent
    s: float
    beta: float  # outcome units at full saturation
    weekly_spend: float
    pattern: str = "flighted"  # flighted | pulsed | correlated


def default_channels(n: int = 6) -> list[SimChannel]:
    """Six channels (one pulsed, two correlated, one small) or ``n`` > 6 with extra flighted channels."""
    base = [
        SimChannel("search", 0.20, 0.9, 1.3, 500.0, 30_000),
        SimChannel("social", 0.55, 1.1, 1.0, 420.0, 18_000),
        SimChannel("tv", 0.70, 0.35, 1.5, 450.0, 60_000, "pulsed"),
        SimChannel("display_a", 0.40, 1.0, 1.2, 320.0, 15_000, "correlated"),
        SimChannel("display_b", 0.15, 1.2, 1.1, 260.0, 12_000, "correlated"),
        SimChannel("email", 0.10, 1.0, 1.0, 80.0, 4_000),
    ]
    if n <= len(base):
        return base[:n]
    rng = np.random.default_rng(1234)
    extra = [
        SimChannel(f"channel_{i:02d}", float(np.round(rng.uniform(0.05, 0.8), 2)),
                   float(np.round(rng.uniform(0.6, 1.6), 2)), float(np.round(rng.uniform(0.8, 2.0), 2)),
                   float(np.round(rng.uniform(40, 160), 0)), float(np.round(rng.uniform(3_000, 25_000), -2)))
        for i in range(len(base), n)
    ]
    return base + extra


def _flights(rng: np.random.Generator, n: int, levels: tuple[float, ...] = (0.0, 0.4, 0.8, 1.2, 1.8)) -> np.ndarray:
    out = np.empty(n)
    w = 0
    while w < n:
        length = int(rng.integers(2, 8))
        out[w:w + length] = levels[int(rng.integers(0, len(levels)))]
        w += length
    return out


def _spend(channels: list[SimChannel], n: int, rng: np.random.Generator) -> np.ndarray:
    shared = _flights(rng, n)
    cols = []
    for ch in channels:
        if ch.pattern == "pulsed":
            on = rng.random(n) < 0.125
            level = np.where(on, rng.uniform(0.7, 1.3, n), 0.0)
        elif ch.pattern == "correlated":
            level = shared * rng.lognormal(0.0, 0.3, n)
        else:
            level = _flights(rng, n) * rng.lognormal(0.0, 0.15, n)
        cols.append(np.round(ch.weekly_spend * level, 2))
    return np.column_stack(cols)


def simulate_mmm(n_weeks: int = 156, *, channels: list[SimChannel] | None = None, seed: int = 0,
                 noise: float = 0.02, level: float = 1000.0, trend: float = 0.10, season: float = 0.10,
                 start: dt.date = dt.date(2023, 1, 2)) -> tuple[pl.DataFrame, dict]:
    """A weekly frame (``week``, ``outcome``, one column per channel's spend, ``holiday``) and its truth:
    per channel ``theta``, ``kappa``, ``s``, ``beta``, ``contribution`` (weekly list), ``share`` (of the
    outcome's sum), ``roi`` (contribution / spend); plus ``baseline`` (weekly list)."""
    channels = channels or default_channels()
    rng = np.random.default_rng(seed)
    weeks = np.datetime64(start) + (np.arange(n_weeks) * 7).astype("timedelta64[D]")
    years = np.arange(n_weeks) / (365.25 / 7)
    doy = (weeks - weeks.astype("datetime64[Y]")).astype(int) + 1
    holiday = (((weeks.astype("datetime64[M]").astype(int) % 12) == 11) & (doy >= 351)).astype(float)
    baseline = (level * (1 + trend * years) * (1 + season * np.cos(2 * np.pi * (doy - 20) / 365.25))
                + 0.15 * level * holiday)
    spend = _spend(channels, n_weeks, rng)
    contrib = np.column_stack([
        ch.beta * saturated(spend[:, j], ch.theta, ch.kappa, ch.s, spend_scale(spend[:, j]))
        for j, ch in enumerate(channels)
    ])
    outcome = baseline + contrib.sum(1) + rng.normal(0.0, noise * level, n_weeks)
    frame = pl.DataFrame({
        "week": pl.Series(weeks).cast(pl.Date),
        "outcome": outcome,
        **{ch.name: spend[:, j] for j, ch in enumerate(channels)},
        "holiday": holiday,
    })
    total = outcome.sum()
    truth = {
        "channels": {
            ch.name: {**asdict(ch), "contribution": contrib[:, j].tolist(), "share": float(contrib[:, j].sum() / total),
                      "roi": float(contrib[:, j].sum() / max(spend[:, j].sum(), 1e-12))}
            for j, ch in enumerate(channels)
        },
        "baseline": baseline.tolist(),
        "noise_sd": noise * level,
    }
    return frame, truth
