"""Fitting the joint marketing-mix model: MAP point, then draws for 90% intervals.

weekly outcome = baseline(t) + sum_c beta_c * hill(adstock(spend_c))   (see transforms.py)

The point estimate minimises the profiled negative log posterior of objective.py with
L-BFGS-B, started from a coarse per-channel search over decay and half-saturation; the
noise level is re-estimated from the residuals once and the fit polished. Intervals come
from draws of a Laplace approximation at the mode (default: the nonlinear parameters from the
inverse Hessian of the profiled objective, the coefficients given them from their own normal)
or, slower, from a moving-block residual bootstrap (refits of the fitted series plus resampled
4-week blocks of residuals). Priors stay in every draw, so a channel the data cannot separate
from another (pulsed, or moving with it) keeps a wide interval instead of being dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from metrics.mmm.data import LiftTest, MMMInput
from metrics.mmm.objective import Priors, Problem
from metrics.mmm.transforms import baseline_design, delayed, spend_before, spend_scale

BLOCK_WEEKS = 4
BOOT_MAXITER = 80  # a refit starts at the point estimate, close to its own optimum
INTERVAL = (0.05, 0.95)


@dataclass(frozen=True)
class Draws:
    """Posterior draws (or bootstrap refits), one row each: parameters per channel and summed contribution over
    the fitted weeks."""

    theta: np.ndarray
    kappa: np.ndarray
    s: np.ndarray
    beta: np.ndarray
    contribution: np.ndarray  # (B, C) outcome units
    baseline_level: np.ndarray  # (B,) mean baseline over the last 13 fitted weeks
    baseline: np.ndarray  # (B, n) the draw's weekly baseline over the fitted weeks, outcome units


@dataclass(frozen=True)
class MMMFit:
    """A fitted model. ``beta`` and contributions are in outcome units, ``kappa`` relative to ``scale``."""

    data: MMMInput
    theta: np.ndarray
    kappa: np.ndarray
    s: np.ndarray
    beta: np.ndarray
    scale: np.ndarray
    delays: tuple[int, ...]
    base_coef: np.ndarray
    base_names: tuple[str, ...]
    fourier: int
    t_mean: float
    fitted: np.ndarray
    baseline: np.ndarray
    contributions: np.ndarray  # (n, C)
    sigma: float
    draws: Draws | None
    lift_tests: tuple[LiftTest, ...]
    fit_seconds: float
    carry_start: str = "zero"
    before: np.ndarray | None = None

    @property
    def channels(self) -> tuple[str, ...]:
        return self.data.channels


def baseline_columns(data: MMMInput, origin: np.datetime64, fourier: int, t_mean: float):
    t = (data.weeks - origin).astype(int) / 7.0 - t_mean
    doy = (data.weeks - data.weeks.astype("datetime64[Y]")).astype(int) + 1
    design, names = baseline_design(t, fourier=fourier, day_of_year=doy, controls=data.controls)
    return design, names


def _lift_arrays(data: MMMInput, tests: list[LiftTest], ybar: float):
    index = {c: i for i, c in enumerate(data.channels)}
    weeks, chans, values, ses = [], [], [], []
    for test in tests:
        if test.channel not in index:
            raise ValueError(f"lift test of unknown channel {test.channel!r}")
        inside = (data.weeks >= np.datetime64(test.start)) & (data.weeks <= np.datetime64(test.end))
        if not inside.any():
            continue  # outside the fitted weeks: it says nothing about them
        weeks.append(inside.astype(float))
        chans.append(index[test.channel])
        values.append(test.lift / ybar)
        ses.append(test.se / ybar)
    n = data.n_weeks
    return (np.array(weeks).reshape(-1, n), np.array(chans, dtype=int), np.array(values, dtype=float),
            np.array(ses, dtype=float))


def _optimise(problem: Problem, z0: np.ndarray, maxiter: int) -> np.ndarray:
    res = minimize(problem.value_and_grad, z0, jac=True, method="L-BFGS-B",
                   bounds=problem.priors.bounds(problem.n_channels), options={"maxiter": maxiter})
    return res.x


def _coarse_start(problem: Problem) -> np.ndarray:
    """Per channel, in turn, the best of a small grid of decays and half-saturations (others held)."""
    c = problem.n_channels
    z = problem.priors.start(c)
    lo, hi = problem.priors.bounds(c)[0]
    thetas = np.clip([0.05, 0.3, 0.55, 0.8], lo, hi)
    log_kappas = np.log(np.clip([0.4, 1.0, 2.5], *problem.priors.kappa_bounds))
    for j in range(c):
        best, best_val = (z[j], z[c + j]), np.inf
        for th in thetas:
            for lk in log_kappas:
                z[j], z[c + j] = th, lk
                val, _ = problem.value_and_grad(z)
                if val < best_val:
                    best, best_val = (th, lk), val
        z[j], z[c + j] = best
    return z


def _block_resample(resid: np.ndarray, rng: np.random.Generator, block: int = BLOCK_WEEKS) -> np.ndarray:
    n = resid.size
    starts = rng.integers(0, max(n - block, 0) + 1, size=-(-n // block))
    return np.concatenate([resid[s:s + block] for s in starts])[:n]


@dataclass(frozen=True)
class Setup:
    """The optimisation problem built from the data, with what is needed to turn its answer back into units."""

    problem: Problem
    design: np.ndarray
    names: tuple[str, ...]
    scale: np.ndarray
    lags: tuple[int, ...]
    ybar: float
    t_mean: float


def setup(data: MMMInput, *, lift_tests=(), priors: Priors | None = None, fourier: int = 2,
          delays: dict[str, int] | None = None, carry_start: str = "zero") -> Setup:
    priors = priors or Priors()
    delays = delays or {}
    c = len(data.channels)
    lags = tuple(int(delays.get(ch, 0)) for ch in data.channels)
    x = np.column_stack([delayed(data.spend[:, j], lags[j]) for j in range(c)])
    scale = np.array([spend_scale(x[:, j]) for j in range(c)])
    ybar = float(np.mean(data.outcome))
    if not ybar > 0:
        raise ValueError("the outcome must have a positive mean")
    y = data.outcome / ybar
    origin = data.weeks[0]
    t_mean = float(((data.weeks - origin).astype(int) / 7.0).mean())
    design, names = baseline_columns(data, origin, fourier, t_mean)
    basis, _ = np.linalg.qr(design)
    total_spend = x.sum(0)
    roi_scale = (priors.roi_scale / ybar if priors.roi_scale
                 else priors.roi_multiple * y.sum() / max(total_spend.sum(), 1e-12))
    # beta * 0.5 * n weeks = contribution at a half-saturated channel; ROI = contribution / spend
    tau = np.maximum(roi_scale * np.maximum(total_spend, 0.25 * total_spend.mean()) / (0.5 * data.n_weeks), 1e-6)
    lift = _lift_arrays(data, list(lift_tests), ybar)
    sigma0 = float(np.std(basis @ (basis.T @ y) - y)) or 1.0
    if carry_start not in ("steady", "zero"):
        raise ValueError("carry_start must be 'steady' or 'zero'")
    before = spend_before(x) if carry_start == "steady" else None
    problem = Problem(y, x, scale, basis, tau, sigma0, priors, *lift, before)
    return Setup(problem, design, tuple(names), scale, lags, ybar, t_mean)


def fit_mmm(data: MMMInput, *, lift_tests: list[LiftTest] | tuple[LiftTest, ...] = (), priors: Priors | None = None,
            fourier: int = 2, delays: dict[str, int] | None = None, n_draws: int = 200, seed: int = 0,
            maxiter: int = 400, carry_start: str = "zero", uncertainty: str = "laplace") -> MMMFit:
    """Fit the model (module docstring) to weekly data; ``n_draws`` draws give the 90% intervals (0: none).

    ``uncertainty``: ``"laplace"`` (default; ``n_draws`` draws from a normal approximation of the posterior
    at its mode, fast) or ``"bootstrap"`` (``n_draws`` refits on resampled residuals, slower).
    ``carry_start``: ``"steady"`` assumes each channel spent before the data as in its first four weeks
    (so a steady channel shows no artificial ramp-up), ``"zero"`` that nothing was spent before.

    Linear algebra runs on one thread: the matrices are small, and threads only add overhead."""
    with threadpool_limits(limits=1):
        return _fit(data, lift_tests=lift_tests, priors=priors, fourier=fourier, delays=delays, n_draws=n_draws,
                    seed=seed, maxiter=maxiter, carry_start=carry_start, uncertainty=uncertainty)


def _fit(data: MMMInput, *, lift_tests, priors, fourier, delays, n_draws, seed, maxiter, carry_start,
         uncertainty) -> MMMFit:
    if uncertainty not in ("laplace", "bootstrap"):
        raise ValueError("uncertainty must be 'laplace' or 'bootstrap'")
    started = time.perf_counter()
    st = setup(data, lift_tests=lift_tests, priors=priors, fourier=fourier, delays=delays, carry_start=carry_start)
    problem, design, ybar, y = st.problem, st.design, st.ybar, st.problem.y
    c = len(data.channels)
    z = _coarse_start(problem)
    z = _optimise(problem, z, maxiter)
    for _ in range(2):  # noise level from the residuals, then polish
        h, _ = problem.features(z)
        beta, _ = problem.solve(h)
        resid = problem.project(y - h @ beta)
        dof = max(data.n_weeks - design.shape[1] - 4 * c, 1)  # beta and three curve parameters per channel
        problem = problem.with_sigma(max(float(np.sqrt(resid @ resid / dof)), 1e-6))
        z = _optimise(problem, z, maxiter)
    h, _ = problem.features(z)
    beta, _ = problem.solve(h)
    base_coef = np.linalg.lstsq(design, y - h @ beta, rcond=None)[0]
    fitted_s = design @ base_coef + h @ beta
    if n_draws <= 0:
        draws = None
    elif uncertainty == "bootstrap":
        draws = _bootstrap(problem, z, fitted_s, y - fitted_s, design, n_draws, seed, ybar)
    else:
        draws = _laplace(problem, z, design, n_draws, seed, ybar)
    return MMMFit(
        data=data, theta=z[:c].copy(), kappa=np.exp(z[c:2 * c]), s=np.exp(z[2 * c:]), beta=beta * ybar,
        scale=st.scale, delays=st.lags, base_coef=base_coef * ybar, base_names=st.names, fourier=fourier,
        t_mean=st.t_mean, fitted=fitted_s * ybar, baseline=design @ base_coef * ybar, contributions=h * beta * ybar,
        sigma=problem.sigma * ybar, draws=draws, lift_tests=tuple(lift_tests),
        fit_seconds=time.perf_counter() - started, carry_start=carry_start, before=problem.before,
    )


def _bootstrap(problem: Problem, z_hat: np.ndarray, fitted: np.ndarray, resid: np.ndarray, design: np.ndarray,
               n_draws: int, seed: int, ybar: float) -> Draws:
    rng = np.random.default_rng(seed)
    c = problem.n_channels
    rows = {k: [] for k in ("theta", "kappa", "s", "beta", "contribution", "baseline_level", "baseline")}
    centred = resid - resid.mean()
    for _ in range(n_draws):
        y_star = fitted + _block_resample(centred, rng)
        p = problem.with_outcome(y_star)
        z = _optimise(p, z_hat.copy(), BOOT_MAXITER)
        h, _ = p.features(z)
        beta, _ = p.solve(h)
        base = np.linalg.lstsq(design, y_star - h @ beta, rcond=None)[0]
        _keep_draw(rows, z, beta, h, design @ base, c, ybar)
    return Draws(**{k: np.array(v) for k, v in rows.items()})


def _keep_draw(rows: dict[str, list], z: np.ndarray, beta: np.ndarray, h: np.ndarray, baseline: np.ndarray,
               c: int, ybar: float) -> None:
    """One draw's parameters, contributions and recent baseline level, back on the outcome's scale."""
    rows["theta"].append(z[:c])
    rows["kappa"].append(np.exp(z[c:2 * c]))
    rows["s"].append(np.exp(z[2 * c:]))
    rows["beta"].append(beta * ybar)
    rows["contribution"].append((h * beta).sum(0) * ybar)
    rows["baseline_level"].append(float(baseline[-13:].mean() * ybar))
    rows["baseline"].append(baseline * ybar)


def _hessian(problem: Problem, z: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Hessian of the profiled objective by central differences of its exact gradient (one-sided at a bound)."""
    bounds = np.array(problem.priors.bounds(problem.n_channels))
    k = z.size
    out = np.empty((k, k))
    for i in range(k):
        up, down = z.copy(), z.copy()
        up[i] = min(z[i] + step, bounds[i, 1])
        down[i] = max(z[i] - step, bounds[i, 0])
        out[:, i] = (problem.value_and_grad(up)[1] - problem.value_and_grad(down)[1]) / (up[i] - down[i])
    return (out + out.T) / 2


def _laplace(problem: Problem, z_hat: np.ndarray, design: np.ndarray, n_draws: int, seed: int,
             ybar: float) -> Draws:
    """Draws from a normal approximation of the posterior at its mode: the nonlinear parameters from the
    inverse Hessian of the profiled objective (their marginal), then ``beta`` given them from its own normal
    (precision ``a'a`` of the stacked system), kept non-negative. A direction the data and priors leave flat
    gets a large variance (eigenvalues are floored, never inverted to infinity)."""
    rng = np.random.default_rng(seed)
    c = problem.n_channels
    values, vectors = np.linalg.eigh(_hessian(problem, z_hat))
    values = np.maximum(values, 1e-2)  # at most sd 10 along any direction, then clipped to the bounds
    root = vectors / np.sqrt(values)
    bounds = np.array(problem.priors.bounds(c))
    rows = {k: [] for k in ("theta", "kappa", "s", "beta", "contribution", "baseline_level", "baseline")}
    for _ in range(n_draws):
        z = np.clip(z_hat + root @ rng.standard_normal(z_hat.size), bounds[:, 0], bounds[:, 1])
        h, _ = problem.features(z)
        a, _ = problem.system(h)
        beta, _ = problem.solve(h)
        precision = a.T @ a
        chol = np.linalg.cholesky(precision + 1e-12 * np.eye(c))
        beta = np.maximum(beta + np.linalg.solve(chol.T, rng.standard_normal(c)), 0.0)
        base = np.linalg.lstsq(design, problem.y - h @ beta, rcond=None)[0]
        _keep_draw(rows, z, beta, h, design @ base, c, ybar)
    return Draws(**{k: np.array(v) for k, v in rows.items()})


def interval(values: np.ndarray) -> tuple[float, float]:
    """The 90% interval of draws along the first axis."""
    lo, hi = np.quantile(values, INTERVAL, axis=0)
    return lo, hi
