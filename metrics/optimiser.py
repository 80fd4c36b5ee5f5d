"""Budget allocation on the fitted response curves.

Two questions, each within per-channel minimum / maximum budgets:

- ``optimise_budget``: split a total budget to maximise gross profit (default), revenue or leads;
- ``smallest_budget``: the smallest total budget whose best split reaches a target.

The objective is the sum over channels of each channel's period response curve at its
budget (``Planner.value``), so the projected total *is* the sum of the curves at the
answer. Curves with s > 1 are S-shaped (not concave), so the search combines a greedy
allocation that looks ahead over increments (it jumps the flat start of an S-curve) with
a gradient polish (SLSQP), and keeps the best of those and of the starting allocation:
the answer is never worse than the start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from metrics.scenarios import Planner

STEPS = 400  # greedy increments of the budget to distribute


class InfeasibleBudget(ValueError):
    """The total cannot be split within the channels' minimum / maximum budgets."""

    def __init__(self, total: float, low: float, high: float) -> None:
        super().__init__(f"total {total:,.0f} outside [{low:,.0f}, {high:,.0f}]")
        self.total, self.low, self.high = total, low, high


@dataclass(frozen=True)
class Allocation:
    """An optimiser's answer: budgets per channel and the objective there (and at the start)."""

    budgets: dict[str, float]
    objective: str
    value: float  # sum of the channels' curves at ``budgets``
    start_budgets: dict[str, float]
    start_value: float
    method: str  # which candidate won: start / greedy / polished
    reached: bool = True  # smallest_budget: whether the target is reachable within the maximums

    @property
    def total(self) -> float:
        return float(sum(self.budgets.values()))


def _bounds(planner: Planner, bounds: dict[str, tuple[float, float]] | None, start: dict[str, float],
            ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Channels in a fixed order and their (low, high); a channel without a curve is held at its start."""
    channels = list(planner.channels)
    lo = np.zeros(len(channels))
    hi = np.zeros(len(channels))
    for i, ch in enumerate(channels):
        low, high = (bounds or {}).get(ch, (0.0, np.inf))
        low, high = max(float(low), 0.0), max(float(high), 0.0)
        if high < low:
            low, high = high, low
        if planner.channels[ch].kind != "curve":
            fixed = float(np.clip(start.get(ch, 0.0), low, high))
            low = high = fixed
        lo[i], hi[i] = low, high
    return channels, lo, hi


def feasible_start(start: np.ndarray, total: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The start rescaled to the total within bounds (proportionally on the channels still free)."""
    x = np.clip(np.asarray(start, dtype=float), lo, hi)
    for _ in range(100):
        gap = total - x.sum()
        if abs(gap) <= 1e-9 * max(total, 1.0):
            break
        free = (x < hi) if gap > 0 else (x > lo)
        if not free.any():
            break
        weights = np.where(free, np.maximum(x, 1e-9), 0.0)
        if weights.sum() <= 0:
            weights = free.astype(float)
        x = np.clip(x + gap * weights / weights.sum(), lo, hi)
    return x


def best_from_starts(neg: Callable[[np.ndarray], tuple[float, np.ndarray]], starts: Sequence[np.ndarray],
                     total: float, lo: np.ndarray, hi: np.ndarray, *, ftol: float = 1e-12) -> tuple[np.ndarray, float]:
    """The split of ``total`` within ``[lo, hi]`` with the lowest ``neg``: SLSQP from each start.

    ``neg(x)`` takes budgets in money and returns the value to minimise and its gradient. The search runs on
    the budgets divided by ``max(total, 1)``. Each start is first brought within the bounds and to the total
    (:func:`feasible_start`) and counts as a candidate itself, so the answer is never worse than a start.
    Returns the best split and its ``neg``.
    """
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    scale = max(total, 1.0)

    def scaled(v: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = neg(v * scale)
        return value, np.asarray(grad) * scale

    cons = {"type": "eq", "fun": lambda v: v.sum() * scale - total, "jac": lambda v: np.full(v.size, scale)}
    best, best_value = None, np.inf
    for s0 in starts:
        s0 = np.asarray(s0, float)
        x0 = feasible_start(s0 if s0.sum() > 0 else np.ones_like(lo), total, lo, hi)
        res = minimize(scaled, x0 / scale, jac=True, method="SLSQP", bounds=list(zip(lo / scale, hi / scale)),
                       constraints=[cons], options={"maxiter": 200, "ftol": ftol})
        for x in (x0, feasible_start(np.clip(res.x * scale, lo, hi), total, lo, hi)):
            value = float(neg(x)[0])
            if value < best_value:
                best, best_value = x, value
    return best, best_value


def _greedy(planner: Planner, channels: list[str], lo: np.ndarray, hi: np.ndarray, total: float,
            objective: str) -> np.ndarray:
    """Distribute total − sum(lo) in STEPS increments; each step goes to the best average gain ahead."""
    rest = total - lo.sum()
    x = lo.copy()
    if rest <= 0:
        return x
    step = rest / STEPS
    tables = []
    for i, ch in enumerate(channels):
        room = int(np.floor((hi[i] - lo[i]) / step + 1e-9)) if np.isfinite(hi[i]) else STEPS
        k = min(room, STEPS)
        grid = lo[i] + step * np.arange(k + 1)
        tables.append(planner.value(ch, grid, objective))
    used = np.zeros(len(channels), dtype=int)
    left = STEPS
    while left > 0:
        best, best_i, best_j = -np.inf, -1, 0
        for i, table in enumerate(tables):
            ahead = table[used[i] + 1: used[i] + 1 + left] - table[used[i]]
            if ahead.size == 0:
                continue
            rate = ahead / np.arange(1, ahead.size + 1)
            j = int(np.argmax(rate))
            if rate[j] > best:
                best, best_i, best_j = float(rate[j]), i, j + 1
        if best_i < 0:
            break
        used[best_i] += best_j
        left -= best_j
    x = lo + step * used
    return feasible_start(x, total, lo, hi)  # spreads what the increments' rounding left


def _polish(planner: Planner, channels: list[str], x0: np.ndarray, lo: np.ndarray, hi: np.ndarray,
            total: float, objective: str) -> np.ndarray | None:
    """SLSQP on the exact curves, from x0; None when it fails."""
    free = hi > lo
    if free.sum() < 2:
        return None
    idx = np.flatnonzero(free)
    scale = max(total, 1.0)
    per_lead = np.array([planner.channels[c].value_per_lead(objective) for c in channels])
    fixed_sum = x0[~free].sum()

    def full(z: np.ndarray) -> np.ndarray:
        x = x0.copy()
        x[idx] = z * scale
        return x

    def fun(z: np.ndarray) -> float:
        x = full(z)
        return -sum(float(planner.value(channels[i], x[i], objective)[0]) for i in idx) / scale

    def jac(z: np.ndarray) -> np.ndarray:
        x = full(z)
        return -np.array([per_lead[i] * float(planner.slope(channels[i], x[i])[0]) for i in idx])

    cons = [{"type": "eq", "fun": lambda z: z.sum() - (total - fixed_sum) / scale,
             "jac": lambda z: np.ones_like(z)}]
    bnds = [(lo[i] / scale, (hi[i] / scale) if np.isfinite(hi[i]) else None) for i in idx]
    with np.errstate(all="ignore"):
        res = minimize(fun, x0[idx] / scale, jac=jac, bounds=bnds, constraints=cons, method="SLSQP",
                       options={"maxiter": 200, "ftol": 1e-12})
    x = full(np.clip(res.x, [b[0] for b in bnds], [b[1] if b[1] is not None else np.inf for b in bnds]))
    return x if np.all(np.isfinite(x)) else None


def _best_split(planner: Planner, channels: list[str], lo: np.ndarray, hi: np.ndarray, total: float,
                objective: str, start: np.ndarray, *, polish: bool = True) -> tuple[np.ndarray, float, str]:
    def score(x: np.ndarray) -> float:
        return float(sum(planner.value(ch, x[i], objective)[0] for i, ch in enumerate(channels)))

    def ok(x: np.ndarray) -> bool:
        return bool(np.all(x >= lo - 1e-6 * max(total, 1)) and np.all(x <= hi + 1e-6 * max(total, 1))
                    and abs(x.sum() - total) <= 1e-7 * max(total, 1.0))

    candidates = [("start", start)]
    greedy = _greedy(planner, channels, lo, hi, total, objective)
    candidates.append(("greedy", greedy))
    if polish:
        for name, x0 in (("polished", greedy), ("polished", start)):
            x = _polish(planner, channels, x0, lo, hi, total, objective)
            if x is not None:
                candidates.append((name, feasible_start(x, total, lo, hi)))
    best_name, best_x, best_v = "start", start, score(start)
    for name, x in candidates[1:]:
        if ok(x):
            v = score(x)
            if v > best_v + 1e-9 * max(abs(best_v), 1.0):
                best_name, best_x, best_v = name, x, v
    return best_x, best_v, best_name


def optimise_budget(planner: Planner, *, total: float, start: dict[str, float], objective: str = "gross_profit",
                    bounds: dict[str, tuple[float, float]] | None = None) -> Allocation:
    """The split of ``total`` (money for the period) that maximises the objective.

    ``start``: the allocation to improve on (rescaled to ``total`` within the bounds when it
    does not add up to it); ``bounds``: per channel (minimum, maximum) budget; channels without
    a curve are held at their start. Raises ``InfeasibleBudget`` when the total cannot be split
    within the bounds.
    """
    channels, lo, hi = _bounds(planner, bounds, start)
    if total < lo.sum() - 1e-6 or total > hi.sum() + 1e-6:
        raise InfeasibleBudget(total, float(lo.sum()), float(hi.sum()))
    x0 = feasible_start(np.array([start.get(c, 0.0) for c in channels]), total, lo, hi)
    start_value = float(sum(planner.value(ch, x0[i], objective)[0] for i, ch in enumerate(channels)))
    x, value, method = _best_split(planner, channels, lo, hi, total, objective, x0)
    return Allocation(dict(zip(channels, map(float, x))), objective, value, dict(zip(channels, map(float, x0))),
                      start_value, method)


def smallest_budget(planner: Planner, *, target: float, start: dict[str, float], objective: str = "gross_profit",
                    bounds: dict[str, tuple[float, float]] | None = None, rel_tol: float = 1e-3) -> Allocation:
    """The smallest total budget whose best split brings at least ``target`` (in the objective's unit).

    Bisection on the total (the best value grows with the budget), greedy splits inside it,
    a polished split at the answer. When even the maximums fall short, returns the best split
    of the largest budget with ``reached=False``. The start is kept when it reaches the target
    with less money.
    """
    channels, lo, hi = _bounds(planner, bounds, start)
    start_x = np.array([start.get(c, 0.0) for c in channels])
    start_x = np.clip(start_x, lo, hi)
    start_value = float(sum(planner.value(ch, start_x[i], objective)[0] for i, ch in enumerate(channels)))

    def best(total: float, polish: bool) -> tuple[np.ndarray, float, str]:
        x0 = feasible_start(start_x, total, lo, hi)
        return _best_split(planner, channels, lo, hi, total, objective, x0, polish=polish)

    low, high = float(lo.sum()), float(hi.sum())
    if not np.isfinite(high):
        high = max(float(start_x.sum()), 1.0)
        while best(high, False)[1] < target and high < 1e13:
            high *= 2
    x_hi, v_hi, m_hi = best(high, True)
    if v_hi < target:
        return Allocation(dict(zip(channels, map(float, x_hi))), objective, v_hi, dict(zip(channels, map(float, start_x))),
                          start_value, m_hi, reached=False)
    x_lo, v_lo, m_lo = best(low, True)
    if v_lo >= target:
        answer = (x_lo, v_lo, m_lo)
    else:
        a, b = low, high
        while b - a > rel_tol * max(b, 1.0):
            mid = 0.5 * (a + b)
            if best(mid, False)[1] >= target:
                b = mid
            else:
                a = mid
        answer = best(b, True)
    x, value, method = answer
    if start_value >= target and start_x.sum() < x.sum():
        x, value, method = start_x, start_value, "start"
    return Allocation(dict(zip(channels, map(float, x))), objective, value, dict(zip(channels, map(float, start_x))),
                      start_value, method)


def whole_units(budgets: dict[str, float]) -> dict[str, int]:
    """Budgets in whole units of money with the same (rounded) total: largest remainders get the spare units."""
    if not budgets:
        return {}
    target = int(round(sum(budgets.values())))
    floors = {ch: int(np.floor(v)) for ch, v in budgets.items()}
    spare = target - sum(floors.values())
    order = sorted(budgets, key=lambda ch: budgets[ch] - floors[ch], reverse=True)
    for ch in order[:max(spare, 0)]:
        floors[ch] += 1
    return floors
