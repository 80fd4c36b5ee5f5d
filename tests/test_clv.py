"""Predicted CLV: the RFM summary, BG/NBD and Gamma-Gamma fits and predictions.

Independent checks: the public CDNOW sample (shipped by the ``lifetimes`` package, a
test-only dependency) — our summary of its raw transactions equals the published
summary, our BG/NBD estimates equal the published ones (Fader, Hardie & Lee 2005:
r 0.243, alpha 4.414, a 0.793, b 2.426, LL −9582.4) and our predictions equal
``lifetimes``' within 0.1%.
"""

from __future__ import annotations

import datetime as dt
import warnings
from importlib.resources import files

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from scipy.optimize import approx_fprime

from metrics import clv
from metrics.clv import (
    FitError, customer_predictions, expected_purchases, fit_bgnbd, fit_gamma_gamma, probability_alive, rfm_summary,
)

CDNOW_END = dt.date(1997, 9, 30)  # end of the 39-week calibration period


def _lifetimes():
    with warnings.catch_warnings():  # lifetimes sets a pandas option pandas 3 deprecates, at import
        warnings.simplefilter("ignore")
        import lifetimes
    return lifetimes


@pytest.fixture(scope="module")
def cdnow() -> pl.DataFrame:
    """The CDNOW sample's raw transactions: 2357 customers, 6919 purchases (1997-01 .. 1998-06)."""
    _lifetimes()
    path = files("lifetimes.datasets") / "CDNOW_sample.txt"
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return pl.DataFrame({
        "customer_id": [int(r[1]) for r in rows],
        "ordered_at": [dt.datetime.strptime(r[2], "%Y%m%d") for r in rows],
        "revenue": [float(r[4]) for r in rows],
    })


@pytest.fixture(scope="module")
def cdnow_summary(cdnow: pl.DataFrame) -> pl.DataFrame:
    return rfm_summary(cdnow, CDNOW_END, "week")


def test_rfm_summary_on_literal_orders() -> None:
    orders = pl.DataFrame({
        "customer_id": [1, 1, 1, 1, 2, 3],
        "ordered_at": [dt.datetime(2024, 1, 1, 10), dt.datetime(2024, 1, 1, 18), dt.datetime(2024, 1, 15),
                       dt.datetime(2024, 1, 29), dt.datetime(2024, 1, 8), dt.datetime(2024, 2, 1)],
        "revenue": [100.0, 50.0, 30.0, 90.0, 70.0, 10.0],
    })
    got = rfm_summary(orders, dt.date(2024, 1, 29), "week")
    want = pl.DataFrame({
        "customer_id": [1, 2],  # customer 3 first bought after the calibration end
        "frequency": [2, 0],  # two orders on 1 January are one purchase
        "recency": [4.0, 0.0],
        "T": [4.0, 3.0],
        "monetary_value": [60.0, 0.0],  # mean of the repeat purchases (30, 90); the first is left out
    })
    assert_frame_equal(got, want)
    days = rfm_summary(orders, dt.date(2024, 1, 29), "day")
    assert days["recency"].to_list() == [28.0, 0.0] and days["T"].to_list() == [28.0, 21.0]
    assert rfm_summary(orders.head(0), None).height == 0
    with pytest.raises(ValueError):
        rfm_summary(orders, None, "fortnight")


def test_rfm_summary_of_raw_cdnow_equals_the_published_summary(cdnow_summary: pl.DataFrame) -> None:
    _lifetimes()
    path = files("lifetimes.datasets") / "cdnow_customers_summary_with_transactions.csv"
    published = pl.read_csv(str(path)).rename({"ID": "customer_id", "x": "frequency", "t_x": "recency",
                                               "zbar": "monetary_value"})
    joined = cdnow_summary.join(published, on="customer_id", suffix="_pub")
    assert joined.height == cdnow_summary.height == 2357
    assert (joined["frequency"] == joined["frequency_pub"]).all()
    for col in ("recency", "T", "monetary_value"):  # the published file rounds to cents / 0.01 week
        assert (joined[col] - joined[f"{col}_pub"]).abs().max() < 0.0051, col


def test_bgnbd_on_cdnow_matches_the_published_estimates(cdnow_summary: pl.DataFrame) -> None:
    fit = fit_bgnbd(cdnow_summary)
    assert fit.converged
    assert (round(fit.r, 3), round(fit.alpha, 3), round(fit.a, 3), round(fit.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(fit.log_likelihood, 1) == -9582.4
    assert fit.customers == 2357


def test_gamma_gamma_on_cdnow_matches_the_published_estimates(cdnow_summary: pl.DataFrame) -> None:
    fit = fit_gamma_gamma(cdnow_summary)
    # Fader, Hardie & Lee (2005) "RFM and CLV", and Hardie's note 025: p 6.25, q 3.74, v 15.44
    assert (round(fit.p, 2), round(fit.q, 2), round(fit.v, 2)) == (6.25, 3.74, 15.44)
    assert fit.customers == 946


def test_predictions_equal_lifetimes_within_a_tenth_of_a_percent(cdnow_summary: pl.DataFrame) -> None:
    lt = _lifetimes()
    data = cdnow_summary.to_pandas().set_index("customer_id")
    bg_ref = lt.BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    repeat = data[data["frequency"] > 0]
    gg_ref = lt.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    bg, gg = fit_bgnbd(cdnow_summary), fit_gamma_gamma(cdnow_summary)
    for ours, ref in ((bg.r, bg_ref.params_["r"]), (bg.alpha, bg_ref.params_["alpha"]), (bg.a, bg_ref.params_["a"]),
                      (bg.b, bg_ref.params_["b"]), (gg.p, gg_ref.params_["p"]), (gg.q, gg_ref.params_["q"]),
                      (gg.v, gg_ref.params_["v"])):
        assert ours == pytest.approx(ref, rel=1e-4)

    def close(ours: np.ndarray, ref) -> None:
        ref = np.asarray(ref, dtype=float)
        assert np.max(np.abs(ours / ref - 1.0)) < 1e-3

    close(probability_alive(cdnow_summary, bg),
          bg_ref.conditional_probability_alive(data["frequency"], data["recency"], data["T"]))
    for weeks in (1.0, 10.0, 39.0, 104.0):
        close(expected_purchases(cdnow_summary, bg, weeks),
              bg_ref.conditional_expected_number_of_purchases_up_to_time(weeks, data["frequency"], data["recency"],
                                                                         data["T"]))
    close(clv.expected_value_per_purchase(cdnow_summary, gg),
          gg_ref.conditional_expected_average_profit(data["frequency"], data["monetary_value"]))
    # lifetimes: months of 4.345 weeks, a monthly discount rate of 1% -> our yearly rate 1.01^12 - 1
    ours = customer_predictions(cdnow_summary, bg, gg, horizon_months=12, annual_discount_rate=1.01 ** 12 - 1,
                                days_per_month=4.345 * 7)
    ref = gg_ref.customer_lifetime_value(bg_ref, data["frequency"], data["recency"], data["T"],
                                         data["monetary_value"], time=12, discount_rate=0.01, freq="W")
    close(ours["clv"].to_numpy(), ref.to_numpy())
    close(ours["expected_purchases"].to_numpy(),
          bg_ref.conditional_expected_number_of_purchases_up_to_time(12 * 4.345, data["frequency"], data["recency"],
                                                                     data["T"]))


def test_analytic_gradients_equal_finite_differences(cdnow_summary: pl.DataFrame) -> None:
    x, tx, T, w = clv._weighted_rows(cdnow_summary)
    ux, inverse = np.unique(x, return_inverse=True)
    args = (x, tx, T, w, ux, np.bincount(inverse, weights=w), x > 0)
    point = np.log([0.5, 3.0, 0.9, 2.0])
    numeric = approx_fprime(point, lambda p: clv._bgnbd_negll(p, *args)[0], 1e-7)
    assert np.allclose(clv._bgnbd_negll(point, *args)[1], numeric, rtol=1e-4, atol=1e-6)
    rep = cdnow_summary.filter(pl.col("frequency") > 0)
    xr = rep["frequency"].to_numpy().astype(float)
    ux, inverse = np.unique(xr, return_inverse=True)
    m = rep["monetary_value"].to_numpy()
    point = np.log([3.0, 2.0, 10.0])
    weights = np.random.default_rng(3).integers(1, 5, xr.size).astype(float)
    for w_rep in (np.ones_like(xr), weights):  # one customer per row, and rows standing for several
        gargs = (xr, m, np.log(m), ux, np.bincount(inverse, weights=w_rep), w_rep)
        numeric = approx_fprime(point, lambda p: clv._gg_negll(p, *gargs)[0], 1e-7)
        assert np.allclose(clv._gg_negll(point, *gargs)[1], numeric, rtol=1e-4, atol=1e-6)


def test_fits_recover_parameters_of_simulated_bgnbd_customers() -> None:
    """A BG/NBD process simulated exactly: the fit lands near the truth (a model-level check)."""
    rng = np.random.default_rng(7)
    n, T = 20_000, 52.0
    lam = rng.gamma(0.8, 1 / 3.0, n)
    p = rng.beta(1.2, 4.0, n)
    x = np.zeros(n, dtype=np.int64)
    tx = np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x[i] += 1
            tx[i] = t
            if rng.random() < p[i]:
                break
    summary = pl.DataFrame({"customer_id": np.arange(n), "frequency": x, "recency": tx, "T": np.full(n, T),
                            "monetary_value": np.where(x > 0, 10.0, 0.0)})
    fit = fit_bgnbd(summary)
    assert fit.r == pytest.approx(0.8, rel=0.1)
    assert fit.alpha == pytest.approx(3.0, rel=0.15)
    assert fit.a == pytest.approx(1.2, rel=0.25)
    assert fit.b == pytest.approx(4.0, rel=0.3)


def test_fits_refuse_data_without_repeat_purchases() -> None:
    once = pl.DataFrame({"customer_id": [1, 2], "frequency": [0, 0], "recency": [0.0, 0.0], "T": [5.0, 3.0],
                         "monetary_value": [0.0, 0.0]})
    with pytest.raises(FitError):
        fit_bgnbd(once)
    with pytest.raises(FitError):
        fit_bgnbd(once.head(0))
    with pytest.raises(FitError):
        fit_gamma_gamma(once)


def test_predictions_of_literal_customers_follow_the_formulas() -> None:
    fit = clv.BgNbdFit(r=0.5, alpha=4.0, a=0.8, b=2.5, log_likelihood=0.0, customers=3, converged=True)
    summary = pl.DataFrame({"customer_id": [1, 2, 3], "frequency": [0, 3, 3], "recency": [0.0, 30.0, 5.0],
                            "T": [40.0, 40.0, 40.0], "monetary_value": [0.0, 20.0, 20.0]})
    alive = probability_alive(summary, fit)
    assert alive[0] == 1.0  # a customer who never came back is 'alive' by the model's convention
    hand = 1 / (1 + 0.8 / (2.5 + 3 - 1) * ((4 + 40) / (4 + 30)) ** (0.5 + 3))
    assert alive[1] == pytest.approx(hand, rel=1e-12)
    assert alive[2] < alive[1]  # same purchases, last one long ago: less likely alive
    e = expected_purchases(summary, fit, 10.0)
    assert e[2] < e[1] and (e > 0).all()
    assert (expected_purchases(summary, fit, 0.0) == 0).all()
