"""What a fitted model says: per-channel contribution, share and ROI with 90% intervals, and the weekly decomposition."""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics.mmm.fit import MMMFit, interval


def channel_summary(fit: MMMFit) -> pl.DataFrame:
    """One row per channel.

    Columns: ``channel`` (str); ``decay`` (theta, 0-0.9); ``half_saturation`` (kappa, money per week at the
    steady state); ``shape`` (s); ``spend`` (money, fitted weeks); ``contribution`` (outcome units, summed over
    the fitted weeks) with ``contribution_lo`` / ``contribution_hi``; ``contribution_share`` (contribution / the
    outcome's sum) with ``share_lo`` / ``share_hi``; ``roi`` (contribution / spend, outcome per unit of money;
    null without spend) with ``roi_lo`` / ``roi_hi``; ``decay_lo`` / ``decay_hi``. Intervals are the 5th and 95th
    percentiles of the bootstrap refits (null when the fit had none)."""
    total = float(fit.data.outcome.sum())
    spend = fit.data.spend.sum(0)
    contribution = fit.contributions.sum(0)
    c = len(fit.channels)
    if fit.draws is not None and fit.draws.contribution.shape[0] > 1:
        c_lo, c_hi = interval(fit.draws.contribution)
        t_lo, t_hi = interval(fit.draws.theta)
    else:
        c_lo = c_hi = t_lo = t_hi = np.full(c, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(spend > 0, contribution / spend, np.nan)
        roi_lo = np.where(spend > 0, c_lo / spend, np.nan)
        roi_hi = np.where(spend > 0, c_hi / spend, np.nan)
    frame = pl.DataFrame({
        "channel": list(fit.channels),
        "decay": fit.theta, "decay_lo": t_lo, "decay_hi": t_hi,
        "half_saturation": fit.kappa * fit.scale, "shape": fit.s,
        "spend": spend, "contribution": contribution, "contribution_lo": c_lo, "contribution_hi": c_hi,
        "contribution_share": contribution / total, "share_lo": c_lo / total, "share_hi": c_hi / total,
        "roi": roi, "roi_lo": roi_lo, "roi_hi": roi_hi,
    })
    return frame.with_columns(pl.col(pl.Float64).fill_nan(None))


def decomposition(fit: MMMFit) -> pl.DataFrame:
    """The weekly outcome split into parts, long format: ``week`` (date), ``part`` (``baseline`` or a channel),
    ``value`` (outcome units); the parts of a week sum to the fitted outcome."""
    weeks = pl.Series("week", fit.data.weeks).cast(pl.Date)
    parts = [pl.DataFrame({"week": weeks, "part": "baseline", "value": fit.baseline})]
    for j, ch in enumerate(fit.channels):
        parts.append(pl.DataFrame({"week": weeks, "part": ch, "value": fit.contributions[:, j]}))
    return pl.concat(parts)


def cli_report(fit: MMMFit, r2: float | None) -> dict:
    """The command line's JSON object: per channel decay, contribution share, ROI and its 90% interval."""
    table = channel_summary(fit)
    channels = {}
    for row in table.iter_rows(named=True):
        channels[row["channel"]] = {
            "decay": _num(row["decay"]), "contribution_share": _num(row["contribution_share"]),
            "roi": _num(row["roi"]), "roi_interval": [_num(row["roi_lo"]), _num(row["roi_hi"])],
        }
    return {"channels": channels, "r2": _num(r2), "fit_seconds": round(fit.fit_seconds, 3)}


def _num(value) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(value)
