"""Predicted CLV summed over a population without a row per customer.

Given the fitted models, a customer's outlook (``metrics.clv.predictions``) is

    expected purchases = F(x) · P · (1 − E(x, T)),    CLV = F(x) · P · D(x, T) · V(x, m)

with x repeat purchases, T the age, P the probability of being alive (the only part that depends on the
recency), F(x) = (a+b+x−1)/(a−1), D and E the hypergeometric terms of ``metrics.clv.horizon_terms`` and
V(x, m) = (1 − w(x))·mean + w(x)·m Gamma-Gamma's expected value per purchase, linear in the mean value m.
So a group of customers sharing x and T needs only Σ P and Σ P·m, which the database sums
(``connectors.customer_status.prediction_sums``). When a group spans several ages (a bucket of days), D and E
are expanded to the second order around the group's mean age c weighted by P: Σ P·D(T) ≈ D(c)·Σ P +
½·D''(c)·Σ P·(T − c)², and Σ P·m·D(T) likewise with the first-order term D'(c)·Σ P·m·(T − c), from the sums of
P·u and P·u² (u the weeks into the bucket) the database returns too; the derivatives are central differences.
The expansion is exact when the ages are equal (buckets of one day) and its error is of the fourth order in
the bucket's width otherwise (the third-order term vanishes for ages spread evenly over it).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics.clv import DAYS_PER_MONTH, DAYS_PER_UNIT, BgNbdFit, GammaGammaFit, horizon_terms

SUM_COLUMNS = ("alive", "alive_u", "alive_u2", "alive_value", "alive_value_u", "alive_value_u2")
STEP_WEEKS = 0.1  # of the central differences


def population_predictions(sums: pl.DataFrame, bgnbd: BgNbdFit, gamma_gamma: GammaGammaFit, *,
                           horizon_months: int = 36, annual_discount_rate: float = 0.12, time_unit: str = "week",
                           days_per_month: float = DAYS_PER_MONTH) -> pl.DataFrame:
    """The outlook of each group of :func:`connectors.customer_status.prediction_sums`, summed over its customers.

    Takes ``frequency``, ``age_start`` (the bucket's first age, in ``time_unit``), ``customers`` and the sums of
    :data:`SUM_COLUMNS` (module docstring); keeps the other columns (``status``) and adds
    ``probability_alive_sum`` (customers expected to be alive), ``expected_purchases_sum`` (purchases over the
    horizon) and ``clv_sum`` (currency, discounted as in ``metrics.clv.predictions``).
    """
    col = {k: sums[k].to_numpy().astype(np.float64) for k in ("frequency", "age_start", *SUM_COLUMNS)}
    x, alive, pm = col["frequency"], col["alive"], col["alive_value"]
    shift = col["alive_u"] / np.where(alive > 0, alive, 1.0)  # P > 0 for every customer
    centre = col["age_start"] + shift
    spread = np.maximum(col["alive_u2"] - shift * col["alive_u"], 0.0)  # Σ P·(T − c)²
    value_first = col["alive_value_u"] - shift * pm  # Σ P·m·(T − c)
    value_second = col["alive_value_u2"] - 2.0 * shift * col["alive_value_u"] + shift * shift * pm
    h = np.clip(centre / 2.0, 1e-3, STEP_WEEKS)
    n = x.size
    disc, end = horizon_terms(bgnbd, np.tile(x, 3), np.concatenate([centre, centre - h, centre + h]),
                              horizon_months=horizon_months, annual_discount_rate=annual_discount_rate,
                              month=days_per_month / DAYS_PER_UNIT[time_unit])
    d0, d_lo, d_hi = disc[:n], disc[n:2 * n], disc[2 * n:]
    e0, e_lo, e_hi = end[:n], end[n:2 * n], end[2 * n:]
    d1, d2 = (d_hi - d_lo) / (2.0 * h), (d_hi - 2.0 * d0 + d_lo) / (h * h)
    e2 = (e_hi - 2.0 * e0 + e_lo) / (h * h)
    alive_disc = alive * d0 + 0.5 * d2 * spread  # Σ P·D(T)
    value_disc = pm * d0 + d1 * value_first + 0.5 * d2 * value_second  # Σ P·m·D(T)
    alive_end = alive * e0 + 0.5 * e2 * spread  # Σ P·E(T)
    first = (bgnbd.a + bgnbd.b + x - 1.0) / (bgnbd.a - 1.0)
    g = gamma_gamma
    w = g.p * x / (g.p * x + g.q - 1.0)
    return sums.drop("age_start", *SUM_COLUMNS).with_columns(
        probability_alive_sum=pl.Series(alive, dtype=pl.Float64),
        expected_purchases_sum=pl.Series(first * (alive - alive_end), dtype=pl.Float64),
        clv_sum=pl.Series(first * ((1.0 - w) * g.mean_value * alive_disc + w * value_disc), dtype=pl.Float64))


def summed_predictions(predicted: pl.DataFrame) -> pl.DataFrame:
    """The columns of :func:`population_predictions` from ``metrics.clv.predictions`` of a summary holding every
    customer (grouped with ``customers``, or one row each): per ``status`` (when present) and ``frequency``."""
    w = pl.col("customers") if "customers" in predicted.columns else pl.lit(1, dtype=pl.Int64)
    keys = [k for k in ("status", "frequency") if k in predicted.columns]
    return predicted.group_by(keys).agg(
        w.sum().cast(pl.Int64).alias("customers"),
        *((pl.col(c) * w).sum().cast(pl.Float64).alias(f"{c}_sum")
          for c in ("probability_alive", "expected_purchases", "clv")))


def totals_by_status(predicted: pl.DataFrame) -> pl.DataFrame:
    """:func:`population_predictions` summed per ``status`` (null kept: buyers outside the filtered customers):
    ``status``, ``customers`` (i64), ``probability_alive_sum``, ``expected_purchases_sum``, ``clv_sum``."""
    return predicted.group_by("status").agg(
        pl.col("customers").sum().cast(pl.Int64),
        pl.col("probability_alive_sum", "expected_purchases_sum", "clv_sum").sum())


def average_clv(predicted: pl.DataFrame) -> float | None:
    """Mean predicted CLV per customer over :func:`population_predictions`' groups (None without customers)."""
    n = int(predicted["customers"].sum())
    return float(predicted["clv_sum"].sum()) / n if n else None
