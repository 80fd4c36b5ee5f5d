"""A budget for the next weeks on the joint model, its projected outcome with a 90% range, and the best split.

A scenario of ``weeks`` weeks gives each channel a budget ``b_c`` (money over the period). The model replays
the last ``weeks`` fitted weeks with each channel's spend scaled to its budget: channel c spends
``path_c[t] * b_c / last_c`` in week t of the period (its own weekly pattern; spread evenly where it spent
nothing), the weeks before stay as they were, so the carry-over into the period is the history's. The
projected outcome is the sum over those weeks of the fitted baseline plus every channel's
``beta_c * hill(adstock(spend_c))`` with the fitted decay, half-saturation and shape; at the last period's
own budgets it is exactly the fitted outcome of those weeks. Every draw of the fit (its own parameters and
baseline) gives one outcome; their 5th and 95th percentiles are the 90% range.

The split: the budgets that maximise the projected outcome for a total, each channel within bounds, by
default the range its spend over ``weeks`` consecutive weeks was observed in (the lowest and the highest such
sum): the model knows nothing beyond it. ``allow_outside`` widens the range of the channels the model is
sure of (from none up to ``HEADROOM`` times the observed top); a channel whose ROI interval is uncertain
(``diagnostics.uncertain_channels``) keeps its observed range whatever is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metrics.mmm.contributions import draws_media
from metrics.mmm.fit import INTERVAL, MMMFit
from metrics.mmm.transforms import delayed, saturated_all
from metrics.optimiser import best_from_starts

HEADROOM = 2.0  # with ``allow_outside``: up to this many times the observed top of a channel the model is sure of


@dataclass(frozen=True)
class Projection:
    """The projected outcome of one set of budgets over the period (outcome units, summed over its weeks).

    ``contribution`` per channel, ``baseline`` the fitted baseline of the weeks, ``outcome`` their sum;
    ``outcome_range`` and ``contribution_lo`` / ``contribution_hi`` the 90% range over the fit's draws
    (None without draws)."""

    channels: tuple[str, ...]
    weeks: int
    budgets: np.ndarray
    contribution: np.ndarray
    baseline: float
    outcome: float
    outcome_range: tuple[float, float] | None
    contribution_lo: np.ndarray | None
    contribution_hi: np.ndarray | None


def _check_weeks(fit: MMMFit, weeks: int) -> None:
    if not 1 <= weeks <= fit.data.n_weeks:
        raise ValueError(f"a period of 1 to {fit.data.n_weeks} weeks can be replayed, not {weeks}")


def last_budgets(fit: MMMFit, weeks: int) -> np.ndarray:
    """Each channel's spend over the last ``weeks`` fitted weeks (the budgets of 'last period continued')."""
    _check_weeks(fit, weeks)
    return fit.data.spend[-weeks:].sum(0)


def scenario_spend(fit: MMMFit, budgets: np.ndarray, weeks: int) -> np.ndarray:
    """The fitted weeks' spend (n, C) with the last ``weeks`` weeks scaled to ``budgets`` (module docstring)."""
    _check_weeks(fit, weeks)
    b = np.asarray(budgets, dtype=float)
    if b.shape != (len(fit.channels),) or not np.isfinite(b).all() or (b < 0).any():
        raise ValueError("one finite, non-negative budget per channel is needed")
    spend = fit.data.spend.astype(float).copy()
    path = spend[-weeks:]
    last = path.sum(0)
    even = np.full_like(path, 1.0 / weeks)
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(last > 0, path / np.where(last > 0, last, 1.0), even)
    spend[-weeks:] = shape * b
    return spend


def _media(fit: MMMFit, spend: np.ndarray, theta, kappa, s, beta) -> np.ndarray:
    """Weekly contribution (n, C) of every channel under one set of parameters."""
    x = np.column_stack([delayed(spend[:, j], fit.delays[j]) for j in range(spend.shape[1])])
    h, _ = saturated_all(x, np.asarray(theta, float), np.log(kappa), np.log(s), fit.scale, grad=False,
                         before=fit.before)
    return h * beta


def _draws_media(fit: MMMFit, spend: np.ndarray, weeks: int) -> np.ndarray:
    """Each draw's contribution per channel over the last ``weeks`` weeks (B, C)."""
    n = spend.shape[0]
    return draws_media(fit, spend, np.arange(n) >= n - weeks)


def period_contribution(fit: MMMFit, budgets: np.ndarray, weeks: int) -> np.ndarray:
    """Each channel's contribution over the period at ``budgets`` under the point estimate (C,)."""
    spend = scenario_spend(fit, budgets, weeks)
    return _media(fit, spend, fit.theta, fit.kappa, fit.s, fit.beta)[-weeks:].sum(0)


def project(fit: MMMFit, budgets: np.ndarray, weeks: int) -> Projection:
    """The projected outcome of ``budgets`` (money per channel, in the fit's channel order) over ``weeks``."""
    b = np.asarray(budgets, dtype=float)
    spend = scenario_spend(fit, b, weeks)
    contribution = _media(fit, spend, fit.theta, fit.kappa, fit.s, fit.beta)[-weeks:].sum(0)
    baseline = float(fit.baseline[-weeks:].sum())
    outcome_range = c_lo = c_hi = None
    d = fit.draws
    if d is not None and d.beta.shape[0] > 1:
        per_channel = _draws_media(fit, spend, weeks)
        totals = per_channel.sum(1) + d.baseline[:, -weeks:].sum(1)
        lo, hi = np.quantile(totals, INTERVAL)
        outcome_range = (float(lo), float(hi))
        c_lo, c_hi = np.quantile(per_channel, INTERVAL, axis=0)
    return Projection(fit.channels, weeks, b, contribution, baseline, baseline + float(contribution.sum()),
                      outcome_range, c_lo, c_hi)


def observed_range(fit: MMMFit, weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Per channel, the lowest and the highest spend over any ``weeks`` consecutive fitted weeks."""
    _check_weeks(fit, weeks)
    sums = np.cumsum(np.vstack([np.zeros(fit.data.spend.shape[1]), fit.data.spend.astype(float)]), axis=0)
    window = sums[weeks:] - sums[:-weeks]
    return window.min(0), window.max(0)


def split_bounds(fit: MMMFit, weeks: int, *, uncertain: set[str] | frozenset[str] = frozenset(),
                 allow_outside: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The bounds of each channel's budget for the split (module docstring)."""
    lo, hi = observed_range(fit, weeks)
    if allow_outside:
        sure = np.array([ch not in uncertain for ch in fit.channels])
        lo = np.where(sure, 0.0, lo)
        hi = np.where(sure, HEADROOM * hi, hi)
    return lo, hi


class SplitError(ValueError):
    """The total cannot be split within the bounds."""

    def __init__(self, low: float, high: float) -> None:
        super().__init__(f"the total must lie between {low:,.0f} and {high:,.0f}")
        self.low, self.high = low, high


def best_split(fit: MMMFit, *, total: float, weeks: int, lo: np.ndarray, hi: np.ndarray,
               start: np.ndarray | None = None) -> np.ndarray:
    """Budgets summing to ``total`` within ``[lo, hi]`` that maximise the projected outcome (point estimate).

    The outcome is a sum of one function per channel, so one extra evaluation with every budget nudged gives
    the whole gradient. SLSQP from several starts (``start``, the split in proportion to the last period, the
    middle of the bounds); the answer is never worse than ``start`` brought within the bounds."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    if not lo.sum() - 1e-6 * max(total, 1.0) <= total <= hi.sum() + 1e-6 * max(total, 1.0):
        raise SplitError(float(lo.sum()), float(hi.sum()))
    step = 1e-6 * max(total, 1.0)

    def neg(x):
        x = np.maximum(x, 0.0)
        now = period_contribution(fit, x, weeks)
        nudged = period_contribution(fit, x + step, weeks)
        return -float(now.sum()), -(nudged - now) / step

    starts = [s for s in (start, last_budgets(fit, weeks), (lo + hi) / 2) if s is not None]
    best, _ = best_from_starts(neg, starts, total, lo, hi)
    return best
