"""The negative log posterior of the model, profiled over its linear coefficients.

In units scaled by the outcome's mean (``y / ybar``), for nonlinear parameters ``z`` =
(theta, log kappa, log s) of every channel::

    -log p = ||M (y - H(z) beta)||^2 / (2 sigma^2)                 weeks (baseline profiled out)
           + sum_j (g_j(z) beta_c(j) - lift_j)^2 / (2 se_j^2)       lift tests, if any
           + sum_c beta_c^2 / (2 tau_c^2)                            half-normal prior, beta >= 0
           - log prior(theta, kappa, s)

``M`` removes the baseline's columns (intercept, trend, seasons, controls: free, unpenalised
coefficients), ``H`` holds each channel's saturated carry-over. For fixed ``z`` the minimum
over ``beta >= 0`` is one small non-negative least-squares problem; by the envelope theorem
the gradient in ``z`` is that of the objective at the optimal ``beta``, so L-BFGS-B gets an
exact gradient at the price of one evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

from metrics.mmm.transforms import saturated_all


@dataclass(frozen=True)
class Priors:
    """Prior beliefs, weak by default.

    theta / theta_max ~ Beta(theta_beta); log kappa ~ Normal(log_kappa); log s ~ Normal(log_s);
    ROI of a channel ~ HalfNormal(roi_scale) in outcome per unit of money (None: three times the
    outcome's sum over the total spend's sum times ``roi_multiple``, 3: spend could plausibly explain
    the whole outcome three times over), turned into the prior scale of ``beta`` at a half-saturated channel.
    """

    theta_max: float = 0.9
    theta_beta: tuple[float, float] = (1.5, 1.5)
    log_kappa: tuple[float, float] = (0.0, 1.0)
    log_s: tuple[float, float] = (0.18, 0.5)
    kappa_bounds: tuple[float, float] = (0.05, 20.0)
    s_bounds: tuple[float, float] = (0.5, 4.0)
    roi_scale: float | None = None
    roi_multiple: float = 3.0

    def bounds(self, n_channels: int) -> list[tuple[float, float]]:
        eps = 1e-3 * self.theta_max
        return ([(eps, self.theta_max - eps)] * n_channels
                + [tuple(np.log(self.kappa_bounds))] * n_channels
                + [tuple(np.log(self.s_bounds))] * n_channels)

    def start(self, n_channels: int) -> np.ndarray:
        return np.concatenate([np.full(n_channels, 0.3), np.full(n_channels, self.log_kappa[0]),
                               np.full(n_channels, self.log_s[0])])

    def neg_log_prior(self, z: np.ndarray, n_channels: int) -> tuple[float, np.ndarray]:
        c = n_channels
        u = z[:c] / self.theta_max
        a, b = self.theta_beta
        (mk, sk), (ms, ss) = self.log_kappa, self.log_s
        lk, ls = z[c:2 * c], z[2 * c:]
        value = -np.sum((a - 1) * np.log(u) + (b - 1) * np.log1p(-u))
        value += np.sum((lk - mk) ** 2) / (2 * sk**2) + np.sum((ls - ms) ** 2) / (2 * ss**2)
        grad = np.concatenate([-((a - 1) / u - (b - 1) / (1 - u)) / self.theta_max,
                               (lk - mk) / sk**2, (ls - ms) / ss**2])
        return float(value), grad


@dataclass
class Problem:
    """Everything fixed during one optimisation: scaled outcome and spend, baseline basis, prior scales, lift rows."""

    y: np.ndarray            # outcome / ybar, (n,)
    x: np.ndarray            # spend shifted by each channel's delay, (n, C)
    m: np.ndarray            # spend scale per channel, (C,)
    basis: np.ndarray        # orthonormal basis of the baseline's columns, (n, p)
    tau: np.ndarray          # prior scale of beta (scaled units), (C,)
    sigma: float             # noise sd (scaled units)
    priors: Priors
    lift_weeks: np.ndarray   # (J, n) 1 where a week belongs to test j
    lift_channel: np.ndarray  # (J,) channel index of test j
    lift_value: np.ndarray   # (J,) measured lift / ybar
    lift_se: np.ndarray      # (J,) se / ybar
    before: np.ndarray | None = None  # steady weekly spend assumed before the first week, (C,)

    @property
    def n_channels(self) -> int:
        return int(self.x.shape[1])

    def with_outcome(self, y: np.ndarray) -> Problem:
        return Problem(y, self.x, self.m, self.basis, self.tau, self.sigma, self.priors, self.lift_weeks,
                       self.lift_channel, self.lift_value, self.lift_se, self.before)

    def with_sigma(self, sigma: float) -> Problem:
        p = self.with_outcome(self.y)
        p.sigma = sigma
        return p

    def project(self, v: np.ndarray) -> np.ndarray:
        return v - self.basis @ (self.basis.T @ v)

    def features(self, z: np.ndarray, *, grad: bool = False):
        c = self.n_channels
        return saturated_all(self.x, z[:c], z[c:2 * c], z[2 * c:], self.m, grad=grad, before=self.before)

    def system(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The stacked least-squares system ``(a, t)`` in ``beta``: weeks, lift tests, prior rows."""
        c = self.n_channels
        rows = [self.project(h) / self.sigma]
        target = [self.project(self.y) / self.sigma]
        if self.lift_channel.size:
            lift_rows = np.zeros((self.lift_channel.size, c))
            lift_rows[np.arange(self.lift_channel.size), self.lift_channel] = (
                (self.lift_weeks * h[:, self.lift_channel].T).sum(1) / self.lift_se)
            rows.append(lift_rows)
            target.append(self.lift_value / self.lift_se)
        rows.append(np.diag(1.0 / self.tau))
        target.append(np.zeros(c))
        return np.vstack(rows), np.concatenate(target)

    def solve(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Optimal ``beta >= 0`` for features ``h`` and the residual vector of the stacked system."""
        a, t = self.system(h)
        beta, _ = nnls(a, t, maxiter=50 * self.n_channels)
        return beta, a @ beta - t

    def value_and_grad(self, z: np.ndarray) -> tuple[float, np.ndarray]:
        c, n = self.n_channels, self.x.shape[0]
        h, g = self.features(z, grad=True)
        beta, r = self.solve(h)
        prior, prior_grad = self.priors.neg_log_prior(z, c)
        value = 0.5 * float(r @ r) + prior
        gk = np.einsum("n,knc->kc", r[:n], g) / self.sigma
        if self.lift_channel.size:
            rl = r[n:n + self.lift_channel.size]
            per_test = np.einsum("jn,knj->kj", self.lift_weeks, g[:, :, self.lift_channel])
            np.add.at(gk.T, self.lift_channel, (rl / self.lift_se * per_test).T)
        grad = (gk * beta[None, :]).reshape(-1) + prior_grad
        return value, grad
