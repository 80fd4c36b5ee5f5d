"""What a fitted model credits to groups of channels over a range of its weeks, with a 90% interval.

A group's contribution is the sum, over its channels and the fitted weeks that lie wholly inside the range, of
each channel's fitted weekly contribution ``beta_c * hill(adstock(spend_c))``; every draw of the fit (its own
decay, half-saturation, shape and coefficient, the same spend and carry-over) gives one such sum, and their 5th
and 95th percentiles are the interval.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from metrics.mmm.fit import INTERVAL, MMMFit
from metrics.mmm.transforms import delayed

SCHEMA = {"group": pl.String, "contribution": pl.Float64, "low": pl.Float64, "high": pl.Float64,
          "weeks": pl.Int64, "first_week": pl.Date, "last_week": pl.Date}


def draws_media(fit: MMMFit, spend: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Each draw's contribution per channel summed over the weeks where ``inside`` (n,) is true (B, C): the
    carry-over of every draw and channel at once, one week at a time."""
    d = fit.draws
    x = np.column_stack([delayed(spend[:, j], fit.delays[j]) for j in range(spend.shape[1])])  # (n, C)
    a = np.zeros_like(d.beta) if fit.before is None else fit.before / (1.0 - d.theta)  # (B, C) before week 0
    h = np.zeros_like(d.beta)
    for t in range(x.shape[0]):
        a = x[t] + d.theta * a
        if inside[t]:
            u = (1.0 - d.theta) * a / fit.scale
            with np.errstate(divide="ignore"):
                h += np.where(u > 0, 1.0 / (1.0 + (d.kappa / np.where(u > 0, u, 1.0)) ** d.s), 0.0)
    return h * d.beta


def weeks_within(fit: MMMFit, start: dt.date, end: dt.date) -> np.ndarray:
    """Which fitted weeks (Monday to Sunday) lie wholly between ``start`` and ``end`` (inclusive), (n,) bool."""
    weeks = fit.data.weeks.astype("datetime64[D]")
    return (weeks >= np.datetime64(start)) & (weeks + np.timedelta64(6, "D") <= np.datetime64(end))


def group_contributions(fit: MMMFit, groups: dict[str, str], *, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Per group of channels, what the model credits to their spend in the fitted weeks inside ``start``–``end``.

    ``groups`` maps a channel to its group (channels of the fit not in it are left out, as are channels the fit
    does not have). Returns one row per group with at least one fitted channel, sorted by group: ``group`` (str);
    ``contribution`` (outcome units, the point estimate summed over the weeks and the group's channels);
    ``low`` / ``high`` (the 5th and 95th percentiles of the same sum under the fit's draws; null without draws);
    ``weeks`` (i64, the fitted weeks inside the range), ``first_week`` / ``last_week`` (date, the first day of
    the first and of the last of them). No rows when no fitted week lies inside the range."""
    inside = weeks_within(fit, start, end)
    members: dict[str, list[int]] = {}
    for j, channel in enumerate(fit.channels):
        if channel in groups:
            members.setdefault(groups[channel], []).append(j)
    if not inside.any() or not members:
        return pl.DataFrame(schema=SCHEMA)
    point = fit.contributions[inside].sum(0)  # (C,)
    d = fit.draws
    per_draw = draws_media(fit, fit.data.spend, inside) if d is not None and d.beta.shape[0] > 1 else None
    covered = fit.data.weeks[inside].astype("datetime64[D]").astype(dt.date)
    rows = []
    for group in sorted(members):
        cols = members[group]
        low = high = None
        if per_draw is not None:
            lo, hi = np.quantile(per_draw[:, cols].sum(1), INTERVAL)
            low, high = float(lo), float(hi)
        rows.append({"group": group, "contribution": float(point[cols].sum()), "low": low, "high": high,
                     "weeks": int(inside.sum()), "first_week": covered[0], "last_week": covered[-1]})
    return pl.DataFrame(rows, schema=SCHEMA)
