"""Predicted CLV summed over a population without a row per customer.

Given the fitted models, a customer's outlook (``metrics.clv.predictions``) is

    expected purchases = F(x) · P · (1 − E(x, T)),    CLV = F(x) · P · D(x, T) · V(x, m)

with x repeat purchases, T the age, P the probability of being alive (the only part that depends on the
recency), F(x) = (a+b+x−1)/(a−1), D and E the hypergeometric terms of ``metrics.clv.horizon_terms`` and
V(x, m) = (1 − w(x))·mean + w(x)·m Gamma-Gamma's expected value per purchase, linear in the mean value m.
So a group of customers sharing x and T needs only Σ P and Σ P·m, which the database sums
(``connectors.customer_status.prediction_sums``). When a group spans several ages (buckets of days), D and E
are taken at the group's mean age weighted by P: exact when the ages are equal; otherwise the error is of the
second order in the spread of ages within the bucket (plus, for the value term, the covariance of m and the age
within it).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics.clv import DAYS_PER_MONTH, DAYS_PER_UNIT, BgNbdFit, GammaGammaFit, horizon_terms

SUM_COLUMNS = ("alive", "alive_value", "alive_T")


def population_predictions(sums: pl.DataFrame, bgnbd: BgNbdFit, gamma_gamma: GammaGammaFit, *,
                           horizon_months: int = 36, annual_discount_rate: float = 0.12, time_unit: str = "week",
                           days_per_month: float = DAYS_PER_MONTH) -> pl.DataFrame:
    """The outlook of each group of :func:`connectors.customer_status.prediction_sums`, summed over its customers.

    Takes ``frequency``, ``customers`` and the sums ``alive`` (Σ P), ``alive_value`` (Σ P·m) and ``alive_T``
    (Σ P·T, T in ``time_unit``); keeps the other columns (``status``) and adds
    ``probability_alive_sum`` (customers expected to be alive), ``expected_purchases_sum`` (purchases over the
    horizon) and ``clv_sum`` (currency, discounted as in ``metrics.clv.predictions``).
    """
    x = sums["frequency"].to_numpy().astype(np.float64)
    alive, alive_value = sums["alive"].to_numpy(), sums["alive_value"].to_numpy()
    age = sums["alive_T"].to_numpy() / np.where(alive > 0, alive, 1.0)  # P > 0 for every customer
    disc, end = horizon_terms(bgnbd, x, age, horizon_months=horizon_months,
                              annual_discount_rate=annual_discount_rate,
                              month=days_per_month / DAYS_PER_UNIT[time_unit])
    first = (bgnbd.a + bgnbd.b + x - 1.0) / (bgnbd.a - 1.0)
    g = gamma_gamma
    w = g.p * x / (g.p * x + g.q - 1.0)
    clv = first * disc * ((1.0 - w) * g.mean_value * alive + w * alive_value)
    return sums.drop(*SUM_COLUMNS).with_columns(
        probability_alive_sum=pl.Series(alive, dtype=pl.Float64),
        expected_purchases_sum=pl.Series(first * alive * (1.0 - end), dtype=pl.Float64),
        clv_sum=pl.Series(clv, dtype=pl.Float64))


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
