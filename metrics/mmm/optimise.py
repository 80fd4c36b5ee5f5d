"""Budget split on the joint model: the weekly spend per channel that maximises the outcome for a total.

Held for long, a weekly spend ``x_c`` gives a steady carry-over, so the weekly outcome is::

    baseline + sum_c beta_c * hill(x_c / m_c; kappa_c, s_c)

Each channel's spend stays within bounds, by default the range of weekly spend it was ever
observed at (the model knows nothing beyond it). The search is SLSQP with exact gradients
from several starts (the current mix, an even split, each channel's share of the observed
spend); the 90% range of the projected outcome comes from evaluating the chosen split under
every bootstrap refit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from metrics.mmm.fit import INTERVAL, MMMFit
from metrics.mmm.transforms import steady_response, steady_slope
from metrics.optimiser import best_from_starts

RECENT_WEEKS = 13


class MixBudgetError(ValueError):
    """The total cannot be split within the channels' bounds."""


@dataclass(frozen=True)
class MixPlan:
    """Weekly spend per channel and the projected weekly outcome (media part and total, with 90% ranges)."""

    channels: tuple[str, ...]
    spend: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    media_outcome: float
    media_range: tuple[float, float] | None
    outcome: float
    outcome_range: tuple[float, float] | None
    seconds: float


def observed_bounds(fit: MMMFit) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest weekly spend seen per channel."""
    return fit.data.spend.min(0), fit.data.spend.max(0)


def media_outcome(fit: MMMFit, spend: np.ndarray) -> float:
    """Steady weekly outcome the channels bring at weekly spend ``spend`` under the point estimate."""
    return float((fit.beta * steady_response(spend, fit.kappa, fit.s, fit.scale)).sum())


def optimise_mix(fit: MMMFit, *, weekly_budget: float, bounds: dict[str, tuple[float, float]] | None = None,
                 allow_outside: bool = False) -> MixPlan:
    """The best split of ``weekly_budget``. ``bounds`` narrow (or, with ``allow_outside``, widen) the
    observed range per channel; a total outside the bounds' sum raises ``MixBudgetError``."""
    started = time.perf_counter()
    lo, hi = observed_bounds(fit)
    lo, hi = lo.astype(float).copy(), hi.astype(float).copy()
    for j, ch in enumerate(fit.channels):
        if bounds and ch in bounds:
            b_lo, b_hi = (float(v) for v in bounds[ch])
            lo[j], hi[j] = (b_lo, b_hi) if allow_outside else (max(lo[j], b_lo), min(hi[j], b_hi))
            if lo[j] > hi[j]:
                raise MixBudgetError(f"the bounds of {ch} leave no spend inside the observed range")
    if not lo.sum() - 1e-9 <= weekly_budget <= hi.sum() + 1e-9:
        raise MixBudgetError(f"the weekly budget must lie between {lo.sum():,.0f} and {hi.sum():,.0f}")
    def neg(x):
        value = -(fit.beta * steady_response(x, fit.kappa, fit.s, fit.scale)).sum()
        return value, -(fit.beta * steady_slope(x, fit.kappa, fit.s, fit.scale))

    recent = fit.data.spend[-RECENT_WEEKS:].mean(0)
    starts = [recent, np.ones_like(lo), fit.data.spend.mean(0), (lo + hi) / 2]
    best, best_value = best_from_starts(neg, starts, weekly_budget, lo, hi, ftol=1e-10)
    media = -best_value
    base = float(fit.baseline[-RECENT_WEEKS:].mean())
    media_range = outcome_range = None
    if fit.draws is not None and fit.draws.beta.shape[0] > 1:
        d = fit.draws
        per_draw = (d.beta * steady_response(best[None, :], d.kappa, d.s, fit.scale[None, :])).sum(1)
        lo_q, hi_q = np.quantile(per_draw, INTERVAL)
        media_range = (float(lo_q), float(hi_q))
        lo_t, hi_t = np.quantile(per_draw + d.baseline_level, INTERVAL)
        outcome_range = (float(lo_t), float(hi_t))
    return MixPlan(fit.channels, best, lo, hi, media, media_range, base + media, outcome_range,
                   time.perf_counter() - started)
