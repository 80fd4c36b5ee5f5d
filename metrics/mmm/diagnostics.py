"""How far to trust a fitted model: in-sample fit, a time-based holdout, and the residuals' independence.

Summary keys (the words are the page's; see its text.py): ``fit_strong`` / ``fit_moderate`` / ``fit_weak``
(R² at least 0.8 / 0.5 / below), ``holdout_good`` / ``holdout_fair`` / ``holdout_poor`` (holdout MAPE at most
10% / 20% / above), ``residuals_independent`` / ``residuals_autocorrelated`` (Durbin-Watson inside / outside
1.5-2.5: a pattern the model misses), and ``wide_intervals`` when some channel's ROI interval is wider than
its ROI (the data cannot pin that channel down).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metrics.mmm.data import MMMInput
from metrics.mmm.fit import MMMFit, fit_mmm
from metrics.mmm.predict import predict

HOLDOUT_WEEKS = 13


@dataclass(frozen=True)
class Diagnostics:
    r2: float | None
    holdout_weeks: int
    holdout_mape: float | None
    holdout_nrmse: float | None  # RMSE / mean outcome over the holdout weeks
    durbin_watson: float | None
    lag1_autocorrelation: float | None
    summary: tuple[str, ...]


def uncertain_channels(roi_table) -> frozenset[str]:
    """Channels whose effect the fit cannot tell from none: the lower end of the 90% ROI interval is zero
    (``roi_table``: ``channel_summary``'s ``channel`` and ``roi_lo``; a channel without an interval, as in a
    fit without draws, counts as uncertain)."""
    rows = roi_table.select("channel", "roi_lo").iter_rows()
    return frozenset(ch for ch, lo in rows if lo is None or not lo > 0)


def r_squared(y: np.ndarray, fitted: np.ndarray) -> float | None:
    ss = float(((y - y.mean()) ** 2).sum())
    return None if ss == 0 else 1.0 - float(((y - fitted) ** 2).sum()) / ss


def mape(y: np.ndarray, predicted: np.ndarray) -> float | None:
    keep = y != 0
    return float(np.mean(np.abs((y[keep] - predicted[keep]) / y[keep]))) if keep.any() else None


def durbin_watson(resid: np.ndarray) -> float | None:
    ss = float(resid @ resid)
    return None if ss == 0 else float((np.diff(resid) ** 2).sum() / ss)


def lag1_autocorrelation(resid: np.ndarray) -> float | None:
    r = resid - resid.mean()
    ss = float(r @ r)
    return None if ss == 0 else float((r[1:] @ r[:-1]) / ss)


def holdout_forecast(data: MMMInput, *, holdout_weeks: int = HOLDOUT_WEEKS, **fit_options) -> np.ndarray:
    """Outcome of the last ``holdout_weeks`` weeks predicted by a model fitted on the weeks before them."""
    train = fit_mmm(data.head(data.n_weeks - holdout_weeks), n_draws=0, **fit_options)
    return predict(train, data)[-holdout_weeks:]


def diagnose(fit: MMMFit, *, holdout_weeks: int = HOLDOUT_WEEKS, roi_table=None, **fit_options) -> Diagnostics:
    """Diagnostics of ``fit``; the holdout refits the same model without the last ``holdout_weeks`` weeks
    (skipped when that would leave fewer than 52 weeks to fit)."""
    y = fit.data.outcome
    resid = y - fit.fitted
    r2 = r_squared(y, fit.fitted)
    if fit.data.n_weeks - holdout_weeks >= 52 and holdout_weeks > 0:
        forecast = holdout_forecast(fit.data, holdout_weeks=holdout_weeks, fourier=fit.fourier,
                                    delays=dict(zip(fit.channels, fit.delays)), lift_tests=fit.lift_tests,
                                    carry_start=fit.carry_start,
                                    **fit_options)
        actual = y[-holdout_weeks:]
        h_mape = mape(actual, forecast)
        h_nrmse = float(np.sqrt(np.mean((actual - forecast) ** 2)) / actual.mean()) if actual.mean() else None
    else:
        holdout_weeks, h_mape, h_nrmse = 0, None, None
    dw, ac = durbin_watson(resid), lag1_autocorrelation(resid)
    summary = []
    if r2 is not None:
        summary.append("fit_strong" if r2 >= 0.8 else "fit_moderate" if r2 >= 0.5 else "fit_weak")
    if h_mape is not None:
        summary.append("holdout_good" if h_mape <= 0.10 else "holdout_fair" if h_mape <= 0.20 else "holdout_poor")
    if dw is not None:
        summary.append("residuals_independent" if 1.5 <= dw <= 2.5 else "residuals_autocorrelated")
    if roi_table is not None:
        wide = roi_table.filter((roi_table["roi_hi"] - roi_table["roi_lo"]) > roi_table["roi"])
        if wide.height:
            summary.append("wide_intervals")
    return Diagnostics(r2, holdout_weeks, h_mape, h_nrmse, dw, ac, tuple(summary))
