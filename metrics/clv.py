"""Predicted customer lifetime value: BG/NBD (purchases and drop-out) + Gamma-Gamma (spend).

Maximum likelihood, vectorised, with analytic gradients:

- :func:`rfm_summary` turns orders into one row per customer (frequency, recency, T,
  monetary value), the input of both models;
- :func:`fit_bgnbd` fits r, alpha, a, b (Fader, Hardie & Lee 2005, "Counting your
  customers the easy way"); customers with the same (frequency, recency, T) are
  fitted once with a weight, and terms that depend on the frequency alone are
  computed once per distinct frequency, so a million customers fit in seconds;
- :func:`fit_gamma_gamma` fits p, q, v on the repeat customers (Fader, Hardie & Lee
  2005, "RFM and CLV", and Hardie's note 025);
- :func:`customer_predictions` gives each customer's probability of being alive,
  expected purchases and discounted CLV over a horizon.

On the public CDNOW sample the fit reproduces the published estimates and the
predictions equal the ``lifetimes`` package's (tests/test_clv.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.optimize import minimize
from scipy.special import digamma, gammaln, hyp2f1

from metrics.specs import MetricSpec, register

DAYS_PER_UNIT = {"day": 1.0, "week": 7.0}
DAYS_PER_MONTH = 365.25 / 12
WEIGHT = "customers"  # in a grouped summary: how many customers share the row's values


class FitError(ValueError):
    """The data cannot identify the model (too few customers or no repeat purchases)."""


def rfm_summary(orders: pl.DataFrame, calibration_end: dt.date | None = None, time_unit: str = "week", *,
                customer_col: str = "customer_id", time_col: str = "ordered_at",
                value_col: str = "revenue") -> pl.DataFrame:
    """One row per customer: the RFM summary both models are fitted on.

    A purchase is a calendar day with at least one order (orders of one day are one
    purchase, their values summed); orders after ``calibration_end`` (inclusive last
    day; default: the last order's day) are ignored.

    Returns ``customer_id`` (i64), ``frequency`` (i64, repeat purchases = purchase days − 1),
    ``recency`` (f64, first to last purchase day), ``T`` (f64, first purchase day to
    ``calibration_end``), both in ``time_unit`` ("day", or "week" = 7 days), and
    ``monetary_value`` (f64, currency: mean value of the repeat purchases; 0 without any).
    Sorted by customer. No orders give an empty frame with these columns.
    """
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be one of {sorted(DAYS_PER_UNIT)}")
    per = DAYS_PER_UNIT[time_unit]
    day = pl.col(time_col).cast(pl.Date)
    lf = orders.lazy().select(pl.col(customer_col).alias("customer_id"), day.alias("day"),
                              pl.col(value_col).cast(pl.Float64).alias("value"))
    if calibration_end is None:
        calibration_end = lf.select(pl.col("day").max()).collect().item()
    else:
        lf = lf.filter(pl.col("day") <= calibration_end)
    end = pl.lit(calibration_end, dtype=pl.Date)
    daily = lf.group_by("customer_id", "day").agg(pl.col("value").sum())
    return (
        daily.group_by("customer_id")
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col("day").min().alias("first"),
            pl.col("day").max().alias("last"),
            pl.col("value").sum().alias("total"),
            pl.col("value").sort_by("day").first().alias("first_value"),
        )
        .select(
            "customer_id",
            (pl.col("n") - 1).alias("frequency"),
            ((pl.col("last") - pl.col("first")).dt.total_days() / per).cast(pl.Float64).alias("recency"),
            ((end - pl.col("first")).dt.total_days() / per).cast(pl.Float64).alias("T"),
            pl.when(pl.col("n") > 1).then((pl.col("total") - pl.col("first_value")) / (pl.col("n") - 1))
            .otherwise(0.0).alias("monetary_value"),
        )
        .sort("customer_id")
        .collect()
    )


@dataclass(frozen=True)
class BgNbdFit:
    """BG/NBD parameters: purchase rate ~ Gamma(r, alpha) per time unit, drop-out ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    converged: bool


@dataclass(frozen=True)
class GammaGammaFit:
    """Gamma-Gamma parameters: value per purchase ~ Gamma(p, nu), nu ~ Gamma(q, v)."""

    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int
    converged: bool

    @property
    def mean_value(self) -> float:
        """Population mean value per purchase, p·v / (q − 1) (infinite when q ≤ 1)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")


def _weights(summary: pl.DataFrame) -> np.ndarray:
    """How many customers each summary row stands for: its ``customers`` column when grouped, else one."""
    if WEIGHT in summary.columns:
        return summary[WEIGHT].to_numpy().astype(np.float64)
    return np.ones(summary.height)


def _weighted_rows(summary: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (frequency, recency, T) with how many customers share each, in a fixed order (sums over
    them then do not depend on how the summary was grouped or ordered)."""
    weight = pl.col(WEIGHT).sum().cast(pl.Float64) if WEIGHT in summary.columns else pl.len().cast(pl.Float64)
    g = summary.lazy().group_by("frequency", "recency", "T").agg(weight.alias("w")).sort("frequency", "recency", "T") \
        .collect()
    return (g["frequency"].to_numpy().astype(np.float64), g["recency"].to_numpy().astype(np.float64),
            g["T"].to_numpy().astype(np.float64), g["w"].to_numpy().astype(np.float64))


def _wsum(weights: np.ndarray, values: np.ndarray) -> float:
    """Σ weights·values without BLAS (its thread start-up dominates on vectors of this size)."""
    return float(np.sum(weights * values))


def _bgnbd_negll(log_params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray, w: np.ndarray,
                 ux: np.ndarray, wx: np.ndarray, rep: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood and its gradient in log-parameters."""
    r, alpha, a, b = np.exp(log_params)
    n = w.sum()
    # terms that depend on the frequency only: once per distinct frequency
    a_terms = gammaln(r + ux) - gammaln(r) + gammaln(a + b) + gammaln(b + ux) - gammaln(b) - gammaln(a + b + ux)
    ll = _wsum(wx, a_terms) + n * r * np.log(alpha)
    g_r = _wsum(wx, (digamma(r + ux) - digamma(r))) + n * np.log(alpha)
    g_alpha = n * r / alpha
    g_a = _wsum(wx, (digamma(a + b) - digamma(a + b + ux)))
    g_b = _wsum(wx, (digamma(a + b) + digamma(b + ux) - digamma(b) - digamma(a + b + ux)))
    # A3 = -(r+x) ln(alpha+T);  A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+tx) for x > 0
    rx = r + x
    la_T = np.log(alpha + T)
    a3 = -rx * la_T
    s = np.zeros_like(x)  # weight of A4 in logaddexp(A3, A4)
    total = a3.copy()
    la_tx = np.log(alpha + tx[rep])
    a4 = np.log(a) - np.log(b + x[rep] - 1.0) - rx[rep] * la_tx
    total[rep] = np.logaddexp(a3[rep], a4)
    s[rep] = np.exp(a4 - total[rep])
    ll += _wsum(w, total)
    g_r += _wsum(w, (-(1 - s) * la_T)) + _wsum(w[rep], (-s[rep] * la_tx))
    g_alpha += _wsum(w, (-(1 - s) * rx / (alpha + T))) + _wsum(w[rep], (-s[rep] * rx[rep] / (alpha + tx[rep])))
    g_a += _wsum(w[rep], (s[rep] / a))
    g_b += _wsum(w[rep], (-s[rep] / (b + x[rep] - 1.0)))
    grad = np.array([g_r * r, g_alpha * alpha, g_a * a, g_b * b])
    return -ll / n, -grad / n


def _optimise(fun, x0: np.ndarray, args: tuple) -> tuple[np.ndarray, float, bool]:
    res = minimize(fun, x0, args=args, jac=True, method="L-BFGS-B", bounds=[(-12.0, 12.0)] * len(x0),
                   options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 20})
    # At this precision the line search may stop on rounding ("abnormal termination") at the optimum:
    # judge convergence by the gradient of the mean log-likelihood instead.
    converged = bool(res.success) or float(np.max(np.abs(res.jac))) < 1e-6
    x, f = _newton_polish(fun, res.x, float(res.fun), args)
    return x, f, converged


def _newton_polish(fun, x: np.ndarray, f: float, args: tuple, steps: int = 3) -> tuple[np.ndarray, float]:
    """Newton steps from the quasi-Newton optimum (Hessian from forward differences of the analytic gradient).

    The likelihood is flat near its maximum, so L-BFGS-B stops where the gradient is small but the parameters
    are only settled to about 1e-6; a few Newton steps settle them to the precision of the gradient, so the
    same data grouped or ordered differently gives the same estimates. A step is kept only when it shrinks the
    gradient, leaves the likelihood as it was (to rounding) and stays inside the bounds.
    """
    h = 1e-6
    g = fun(x, *args)[1]
    for _ in range(steps):
        hess = np.empty((x.size, x.size))
        for i in range(x.size):
            e = np.zeros_like(x)
            e[i] = h
            hess[:, i] = (fun(x + e, *args)[1] - g) / h
        try:
            step = np.linalg.solve((hess + hess.T) / 2, g)
        except np.linalg.LinAlgError:
            break
        candidate = x - step
        if not np.all(np.abs(candidate) <= 12.0):
            break
        f_new, g_new = fun(candidate, *args)
        # at the optimum the likelihood only moves in its last digits: judge a step by the gradient
        if not np.isfinite(f_new) or f_new > f + 1e-12 * abs(f) or np.max(np.abs(g_new)) >= np.max(np.abs(g)):
            break
        x, f, g = candidate, float(f_new), g_new
        if float(np.max(np.abs(step))) < 1e-10:
            break
    return x, f


def fit_bgnbd(summary: pl.DataFrame) -> BgNbdFit:
    """BG/NBD by maximum likelihood on an :func:`rfm_summary` (columns frequency, recency, T).

    ``log_likelihood`` is the total over customers (FHL 2005's eq. 6, summed). Raises
    :class:`FitError` when no customer made a repeat purchase (drop-out is then not
    identified) or the summary is empty.
    """
    if summary.height == 0 or summary["frequency"].max() == 0:
        raise FitError("BG/NBD needs customers with repeat purchases")
    x, tx, T, w = _weighted_rows(summary)
    ux, inverse = np.unique(x, return_inverse=True)
    wx = np.bincount(inverse, weights=w)
    rep = x > 0
    args = (x, tx, T, w, ux, wx, rep)
    x0 = np.log([1.0, max(float(np.average(T, weights=w)), 1e-3), 1.0, 1.0])
    params, fun, ok = _optimise(_bgnbd_negll, x0, args)
    r, alpha, a, b = np.exp(params)
    return BgNbdFit(float(r), float(alpha), float(a), float(b), -fun * float(w.sum()), int(w.sum()), ok)


def _gg_negll(log_params: np.ndarray, x: np.ndarray, m: np.ndarray, log_m: np.ndarray, ux: np.ndarray,
              wx: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    p, q, v = np.exp(log_params)
    n = float(w.sum())
    px = p * ux
    # terms of the frequency alone
    ll = _wsum(wx, (gammaln(px + q) - gammaln(px) + px * np.log(ux))) + n * (q * np.log(v) - gammaln(q))
    g_p = _wsum(wx, (ux * (digamma(px + q) - digamma(px) + np.log(ux))))
    g_q = _wsum(wx, digamma(px + q)) + n * (np.log(v) - digamma(q))
    g_v = n * q / v
    xm_v = x * m + v
    lxm = np.log(xm_v)
    pxi = p * x
    ll += _wsum(w, (pxi - 1.0) * log_m - (pxi + q) * lxm)
    g_p += _wsum(w, x * (log_m - lxm))
    g_q += -_wsum(w, lxm)
    g_v += -_wsum(w, (pxi + q) / xm_v)
    grad = np.array([g_p * p, g_q * q, g_v * v])
    return -ll / n, -grad / n


def fit_gamma_gamma(summary: pl.DataFrame) -> GammaGammaFit:
    """Gamma-Gamma by maximum likelihood on the customers with repeat purchases.

    Uses ``frequency`` and ``monetary_value`` (mean value of the repeat purchases, > 0), and ``customers``
    when the summary is grouped (rows sharing both values, with a count).
    ``log_likelihood`` omits terms that do not depend on the parameters, as ``lifetimes`` does.
    """
    weight = pl.col(WEIGHT).sum().cast(pl.Float64) if WEIGHT in summary.columns else pl.len().cast(pl.Float64)
    rep = (summary.lazy().filter((pl.col("frequency") > 0) & (pl.col("monetary_value") > 0))
           .group_by("frequency", "monetary_value").agg(weight.alias(WEIGHT))
           .sort("frequency", "monetary_value").collect())  # one row per distinct pair, in a fixed order
    w = _weights(rep)
    n = float(w.sum())
    if n < 2:
        raise FitError("Gamma-Gamma needs at least two customers with repeat purchases")
    x = rep["frequency"].to_numpy().astype(np.float64)
    m = rep["monetary_value"].to_numpy().astype(np.float64)
    ux, inverse = np.unique(x, return_inverse=True)
    wx = np.bincount(inverse, weights=w)
    x0 = np.log([1.0, 1.0, _wsum(w, m) / n])
    params, fun, ok = _optimise(_gg_negll, x0, (x, m, np.log(m), ux, wx, w))
    p, q, v = np.exp(params)
    return GammaGammaFit(float(p), float(q), float(v), -fun * n, int(n), ok)


def _arrays(summary: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (summary["frequency"].to_numpy().astype(np.float64), summary["recency"].to_numpy().astype(np.float64),
            summary["T"].to_numpy().astype(np.float64))


def _alive_odds(fit: BgNbdFit, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    """1 / P(alive) = 1 + δ(x>0)·a/(b+x−1)·((alpha+T)/(alpha+tx))^(r+x)."""
    out = np.ones_like(x)
    rep = x > 0
    xr = x[rep]
    out[rep] += fit.a / (fit.b + xr - 1.0) * np.exp((fit.r + xr) * (np.log(fit.alpha + T[rep])
                                                                     - np.log(fit.alpha + tx[rep])))
    return out


def _log_hyp(fit: BgNbdFit, x: np.ndarray, T: np.ndarray, t: float) -> np.ndarray:
    """ln[((alpha+T)/(alpha+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(alpha+T+t))]."""
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    aa, bb, cc = r + x, b + x, a + b + x - 1.0
    z = t / (alpha + T + t)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        h = np.log(hyp2f1(aa, bb, cc, z))
        alt = np.log(hyp2f1(cc - aa, cc - bb, cc, z)) + (cc - aa - bb) * np.log1p(-z)  # Euler's transformation
    h = np.where(np.isfinite(h), h, alt)
    return h + aa * (np.log(alpha + T) - np.log(alpha + T + t))


def expected_purchases(summary: pl.DataFrame, fit: BgNbdFit, t: float) -> np.ndarray:
    """Expected repeat purchases in the next ``t`` time units for each customer (FHL 2005 eq. 10)."""
    x, tx, T = _arrays(summary)
    if t <= 0:
        return np.zeros_like(x)
    first = (fit.a + fit.b + x - 1.0) / (fit.a - 1.0)
    return first * (1.0 - np.exp(_log_hyp(fit, x, T, t))) / _alive_odds(fit, x, tx, T)


def probability_alive(summary: pl.DataFrame, fit: BgNbdFit) -> np.ndarray:
    """Probability that each customer has not dropped out (Hardie's note 021)."""
    x, tx, T = _arrays(summary)
    return 1.0 / _alive_odds(fit, x, tx, T)


def expected_value_per_purchase(summary: pl.DataFrame, fit: GammaGammaFit) -> np.ndarray:
    """Gamma-Gamma's conditional mean value per future purchase (Hardie's note 025, eq. 5)."""
    x = summary["frequency"].to_numpy().astype(np.float64)
    m = summary["monetary_value"].to_numpy().astype(np.float64)
    weight = fit.p * x / (fit.p * x + fit.q - 1.0)
    return (1.0 - weight) * fit.mean_value + weight * m


def horizon_terms(fit: BgNbdFit, x: np.ndarray, T: np.ndarray, *, horizon_months: int,
                  annual_discount_rate: float, month: float) -> tuple[np.ndarray, np.ndarray]:
    """The parts of the outlook that depend on (frequency, T) alone, for a customer alive now: the discounted
    sum over months i = 1..H of the drop in the hypergeometric term (× (a+b+x−1)/(a−1) · P(alive) it is the
    discounted expected purchases), and the term at the horizon's end (1 − it, times the same, is the expected
    purchases over the horizon). ``month``: a month in the model's time unit."""
    prev = np.zeros_like(x)  # ln-hyp term at t = 0 is ln(1) = 0
    disc_sum = np.zeros_like(x)
    for i in range(1, horizon_months + 1):
        cur = _log_hyp(fit, x, T, i * month)
        disc_sum += (np.exp(prev) - np.exp(cur)) / (1.0 + annual_discount_rate) ** (i / 12.0)
        prev = cur
    return disc_sum, np.exp(prev)


def predictions(summary: pl.DataFrame, bgnbd: BgNbdFit, gamma_gamma: GammaGammaFit, *,
                horizon_months: int = 36, annual_discount_rate: float = 0.12, time_unit: str = "week",
                days_per_month: float = DAYS_PER_MONTH) -> pl.DataFrame:
    """The summary's rows (one per customer, or grouped with ``customers``) with their outlook over the horizon.

    Adds ``probability_alive`` (0..1), ``expected_purchases`` (count over the horizon), ``expected_value``
    (currency per purchase) and ``clv`` (currency: Σ over months i = 1..H of expected value × expected
    purchases in month i / (1 + d)^(i/12), d the yearly discount rate — the monthly scheme of ``lifetimes``'
    customer_lifetime_value). The hypergeometric terms depend on (frequency, T) only and are computed once
    per distinct pair.
    """
    x, tx, T = _arrays(summary)
    pairs = summary.select("frequency", "T").unique()
    disc_sum, end_hyp = horizon_terms(bgnbd, pairs["frequency"].to_numpy().astype(np.float64),
                                      pairs["T"].to_numpy().astype(np.float64), horizon_months=horizon_months,
                                      annual_discount_rate=annual_discount_rate,
                                      month=days_per_month / DAYS_PER_UNIT[time_unit])
    lookup = pairs.with_columns(_disc=pl.Series(disc_sum), _end=pl.Series(end_hyp))
    joined = summary.select("frequency", "T").join(lookup, on=["frequency", "T"], how="left", maintain_order="left")
    odds = _alive_odds(bgnbd, x, tx, T)
    first = (bgnbd.a + bgnbd.b + x - 1.0) / (bgnbd.a - 1.0)
    value = expected_value_per_purchase(summary, gamma_gamma)
    purchases = first * (1.0 - joined["_end"].to_numpy()) / odds
    clv = value * first * joined["_disc"].to_numpy() / odds
    return summary.with_columns(probability_alive=pl.Series(1.0 / odds), expected_purchases=pl.Series(purchases),
                                expected_value=pl.Series(value), clv=pl.Series(clv))


def customer_predictions(summary: pl.DataFrame, bgnbd: BgNbdFit, gamma_gamma: GammaGammaFit, *,
                         horizon_months: int = 36, annual_discount_rate: float = 0.12, time_unit: str = "week",
                         days_per_month: float = DAYS_PER_MONTH) -> pl.DataFrame:
    """Each customer's outlook over the horizon (:func:`predictions` of a per-customer summary).

    Returns ``customer_id``, ``probability_alive``, ``expected_purchases``, ``expected_value`` and ``clv``.
    """
    return predictions(summary, bgnbd, gamma_gamma, horizon_months=horizon_months,
                       annual_discount_rate=annual_discount_rate, time_unit=time_unit,
                       days_per_month=days_per_month).select(
        "customer_id", "probability_alive", "expected_purchases", "expected_value", "clv")


def average_clv(predicted: pl.DataFrame) -> float | None:
    """Mean predicted CLV per customer (rows weighted by ``customers`` when grouped; None without any)."""
    values = predicted.filter(pl.col("clv").is_not_null())
    w = _weights(values)
    n = float(w.sum())
    return _wsum(w, values["clv"].to_numpy()) / n if n else None


def clv_distribution(predictions: pl.DataFrame, *, bins: int = 30, upper_quantile: float = 0.99,
                     scale: float = 1.0) -> pl.DataFrame:
    """Customers by predicted CLV in equal-width bins from 0 to the ``upper_quantile`` value
    (customers above it fall in the last bin, which is open-ended). Rows of a grouped summary count once
    per customer (``customers``). ``scale``: customers each one stands for (a sample's population / its
    size), the counts rounded to whole customers.

    Returns ``bin_start``, ``bin_end`` (currency), ``customers`` (i64) and ``open_ended`` (bool).
    """
    schema = {"bin_start": pl.Float64, "bin_end": pl.Float64, "customers": pl.Int64, "open_ended": pl.Boolean}
    values = predictions.filter(pl.col("clv").is_not_null())
    if WEIGHT in values.columns:  # a grouped summary: each row's value once per customer
        values = values.select(pl.col("clv").repeat_by(WEIGHT).explode())
    values = values["clv"]
    if values.len() == 0:
        return pl.DataFrame(schema=schema)
    top = float(values.quantile(upper_quantile)) or float(values.max()) or 1.0
    width = top / bins
    idx = (values / width).floor().clip(0, bins - 1).cast(pl.Int64)
    counts = np.bincount(idx.to_numpy(), minlength=bins)
    if scale != 1.0:
        counts = np.rint(counts * scale)
    edges = np.arange(bins + 1) * width
    return pl.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "customers": counts.astype(np.int64),
                         "open_ended": np.arange(bins) == bins - 1}, schema=schema)


register(
    MetricSpec(
        "predicted_clv", "Predicted CLV", "Прогнозная ценность клиента (CLV)",
        "Expected gross profit of a customer over the horizon, discounted: BG/NBD (how often they buy and when "
        "they drop out) × Gamma-Gamma (gross profit per purchase), both fitted by maximum likelihood on the "
        "company's own orders (on a fixed sample of customers when there are more than the clv_fit_customers "
        "setting; the predictions are then summed over every customer).",
        "Ожидаемая валовая прибыль от клиента за горизонт с дисконтированием: BG/NBD (как часто покупает и когда "
        "уходит) × Gamma-Gamma (валовая прибыль с покупки), обе модели оценены методом максимального "
        "правдоподобия по заказам компании (на постоянной выборке клиентов, если их больше настройки "
        "clv_fit_customers; прогнозы затем суммируются по всем клиентам).",
        "money",
    ),
    MetricSpec(
        "probability_alive", "Probability still a customer", "Вероятность, что клиент не ушёл",
        "BG/NBD's probability that the customer has not dropped out, given how many times they bought and when "
        "they last bought.",
        "Вероятность по модели BG/NBD, что клиент ещё не ушёл, с учётом числа покупок и давности последней.",
        "ratio",
    ),
)
