"""Response curves: how each channel's weekly leads answer its weekly spend, fitted from history.

The model (PRODUCT.md, "Response curve"), per channel ``c`` with spend, week ``t``::

    leads[c, t] = beta_c * hill(a[c, t]),   a[c, t] = spend[c, t] + theta_c * a[c, t-1]
    hill(a) = a^s / (a^s + kappa^s)

``theta`` is the weekly carry-over (adstock decay), ``kappa`` the half-saturation point
(the carried-over weekly spend at which a channel gives half its ceiling ``beta``), ``s``
the shape. Channels with leads and no spend ("direct", organic search ...) form the
baseline: ``level + trend * years + two yearly harmonics`` (a linear model).

Fitting: each channel's leads are its own series (a lead carries its source channel), so
each curve is fitted on its own by bounded least squares with ``beta`` solved in closed
form for every ``(theta, kappa, s)`` (variable projection), started from the best point of
a coarse grid. Uncertainty: a moving-block residual bootstrap (blocks of 4 weeks) refits
every channel ``n_boot`` times; intervals are percentiles of those refits. A channel whose
spend never varied enough is not given a curve: its leads are treated as constant.

Pure numpy/scipy/polars: no I/O, no UI.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy.optimize import least_squares
from scipy.signal import lfilter

from metrics.specs import MetricSpec, register

THETA_MAX = 0.95
S_BOUNDS = (0.5, 4.0)
KAPPA_BOUNDS = (0.02, 50.0)  # in units of the channel's mean weekly carried-over spend
BLOCK_WEEKS = 4
INTERVAL = (0.05, 0.95)  # 90% intervals
MIN_SPEND_WEEKS = 12  # weeks with spend needed to fit a curve
MIN_SPREAD = 1.5  # p90 / p10 of weekly spend needed to fit a curve
YEAR_DAYS = 365.25


# --- the curve -----------------------------------------------------------------------------


def adstock(spend: np.ndarray, theta: float, carry: float = 0.0) -> np.ndarray:
    """Carried-over spend: ``a[t] = spend[t] + theta * a[t-1]`` (``a[-1] = carry``), along the last axis."""
    x = np.asarray(spend, dtype=float)
    if theta == 0.0:
        return x.copy()
    out, _ = lfilter([1.0], [1.0, -theta], x, axis=-1, zi=np.full(x.shape[:-1] + (1,), theta * carry))
    return out


def hill(a: np.ndarray, kappa: float | np.ndarray, s: float | np.ndarray) -> np.ndarray:
    """Saturation ``a^s / (a^s + kappa^s)`` in [0, 1); zero at zero."""
    a = np.maximum(np.asarray(a, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(a > 0, (kappa / np.where(a > 0, a, 1.0)) ** s, np.inf)
        return np.where(a > 0, 1.0 / (1.0 + ratio), 0.0)


def hill_slope(a: np.ndarray, kappa: float | np.ndarray, s: float | np.ndarray) -> np.ndarray:
    """d hill / d a = s * kappa^s * a^(s-1) / (a^s + kappa^s)^2, written to avoid overflow."""
    a = np.maximum(np.asarray(a, dtype=float), 0.0)
    h = hill(a, kappa, s)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(a > 0, s * h * (1.0 - h) / np.where(a > 0, a, 1.0), 0.0)
    # at a = 0 the slope is 0 for s > 1, 1/kappa for s = 1, unbounded for s < 1: take the right limit
    # only where it is finite; a spend of exactly zero never matters to the optimiser's answer.
    return np.nan_to_num(out, nan=0.0, posinf=0.0)


@dataclass(frozen=True)
class CurveParams:
    theta: float
    kappa: float
    s: float
    beta: float

    def as_array(self) -> np.ndarray:
        return np.array([self.theta, self.kappa, self.s, self.beta])


def weekly_leads(spend: np.ndarray, p: CurveParams, carry: float = 0.0) -> np.ndarray:
    """Expected weekly leads of a channel for a weekly spend series."""
    return p.beta * hill(adstock(spend, p.theta, carry), p.kappa, p.s)


# --- weekly series --------------------------------------------------------------------------


def weekly_sums(frame: pl.DataFrame, *, time_col: str, value: str | None, name: str) -> pl.DataFrame:
    """Sum of ``value`` (or a count of rows when ``value`` is None) per Monday-week and channel.

    Returns ``week`` (date, the Monday), ``channel_id`` (str), ``<name>`` (f64).
    """
    agg = pl.len().cast(pl.Float64) if value is None else pl.col(value).sum().cast(pl.Float64)
    return (
        frame.lazy()
        .group_by(pl.col(time_col).cast(pl.Date).dt.truncate("1w").alias("week"), "channel_id")
        .agg(agg.alias(name))
        .sort("week", "channel_id")
        .collect()
    )


def weekly_series(spend_weekly: pl.DataFrame, leads_weekly: pl.DataFrame, *, last_day: dt.date) -> pl.DataFrame:
    """Every week × channel from the first week with data to the last complete week.

    Inputs: ``spend_weekly`` (``week``, ``channel_id``, ``spend``) and ``leads_weekly``
    (``week``, ``channel_id``, ``leads``), weeks starting on Monday; ``last_day`` is the
    last day with data (a week ending after it is incomplete and left out).
    Returns ``week`` (date), ``channel_id`` (str), ``spend`` (f64, money), ``leads`` (f64, count);
    missing combinations are zeros. Empty when no complete week exists.
    """
    weeks = pl.concat([spend_weekly.select("week"), leads_weekly.select("week")]).drop_nulls()
    schema = {"week": pl.Date, "channel_id": pl.String, "spend": pl.Float64, "leads": pl.Float64}
    if weeks.height == 0:
        return pl.DataFrame(schema=schema)
    first = weeks["week"].min()
    last_complete = last_day - dt.timedelta(days=(last_day.weekday() + 1) % 7)  # the last Sunday <= last_day
    last_week = last_complete - dt.timedelta(days=6)
    if last_week < first:
        return pl.DataFrame(schema=schema)
    grid = pl.date_range(first, last_week, "1w", eager=True).alias("week").to_frame()
    channels = pl.concat([spend_weekly.select("channel_id"), leads_weekly.select("channel_id")]).unique().sort(
        "channel_id")
    return (
        grid.join(channels, how="cross")
        .join(spend_weekly.select("week", "channel_id", pl.col("spend").cast(pl.Float64)), on=["week", "channel_id"],
              how="left")
        .join(leads_weekly.select("week", "channel_id", pl.col("leads").cast(pl.Float64)), on=["week", "channel_id"],
              how="left")
        .with_columns(pl.col("spend").fill_null(0.0), pl.col("leads").fill_null(0.0))
        .sort("channel_id", "week")
        .select(list(schema))
    )


# --- fitting one channel --------------------------------------------------------------------


@dataclass
class ChannelFit:
    """One channel's fitted response.

    ``kind``: "curve" (spend drives leads through the curve), "constant" (spend never varied
    enough: leads are treated as a constant weekly level), "baseline" (organic: no spend).
    ``draws``: bootstrap refits, one row each: theta, kappa, s, beta for a curve; the weekly
    level for a constant; the baseline's coefficients for a baseline.
    ``warnings``: (code, values) pairs the UI words in plain language.
    """

    channel_id: str
    kind: str
    params: CurveParams | None
    draws: np.ndarray
    r2: float | None
    mape_holdout: float | None
    weeks: int
    spend_weeks: int
    mean_weekly_spend: float
    max_adstock: float
    max_spend: float = 0.0  # largest weekly spend in the fitted history
    level: float | None = None  # constant: weekly leads; baseline: unused
    coef: np.ndarray | None = None  # baseline coefficients
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def _profile(z: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Residuals with the best non-negative beta for (theta, log kappa, s) = z, and that beta."""
    theta, logk, s = z
    h = hill(adstock(x, theta), math.exp(logk), s)
    hh = float(h @ h)
    beta = max(float(h @ y) / hh, 0.0) if hh > 0 else 0.0
    return y - beta * h, beta


_GRID = [(th, lk, s) for th in (0.0, 0.2, 0.4, 0.6, 0.8) for lk in np.log([0.3, 0.7, 1.5, 3.0, 6.0])
         for s in (0.8, 1.3, 2.0, 3.0)]
_LB = np.array([0.0, math.log(KAPPA_BOUNDS[0]), S_BOUNDS[0]])
_UB = np.array([THETA_MAX, math.log(KAPPA_BOUNDS[1]), S_BOUNDS[1]])


def _fit_scaled(x: np.ndarray, y: np.ndarray, start: np.ndarray | None = None, max_nfev: int | None = None,
                ) -> tuple[np.ndarray, float]:
    """Least-squares (theta, log kappa, s) and beta for spend ``x`` already in scaled units."""
    def fun(z: np.ndarray) -> np.ndarray:
        return _profile(z, x, y)[0]

    if start is None:
        scores = [(float(np.sum(fun(np.array(g)) ** 2)), g) for g in _GRID]
        scores.sort(key=lambda item: item[0])
        starts = [np.array(g) for _, g in scores[:3]]
    else:
        starts = [np.clip(start, _LB, _UB)]
    best: tuple[float, np.ndarray] | None = None
    for z0 in starts:
        res = least_squares(fun, z0, bounds=(_LB, _UB), x_scale=np.array([0.2, 0.5, 0.5]), max_nfev=max_nfev,
                            method="trf")
        cost = float(res.cost)
        if best is None or cost < best[0]:
            best = (cost, res.x)
    assert best is not None
    z = best[1]
    return z, _profile(z, x, y)[1]


def _params(z: np.ndarray, beta: float, scale: float) -> CurveParams:
    return CurveParams(theta=float(z[0]), kappa=float(math.exp(z[1]) * scale), s=float(z[2]), beta=float(beta))


def _block_residuals(resid: np.ndarray, rng: np.random.Generator, block: int = BLOCK_WEEKS) -> np.ndarray:
    """A moving-block resample of residuals (circular), same length."""
    n = resid.size
    k = -(-n // block)
    starts = rng.integers(0, n, k)
    idx = (starts[:, None] + np.arange(block)[None, :]).ravel()[:n] % n
    return resid[idx]


def r_squared(y: np.ndarray, fitted: np.ndarray) -> float | None:
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    if ss_tot <= 0:
        return None
    return 1.0 - float(np.sum((y - fitted) ** 2)) / ss_tot


def mape(y: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean absolute percentage error over weeks with a positive actual value."""
    keep = y > 0
    if not keep.any():
        return None
    return float(np.mean(np.abs(y[keep] - predicted[keep]) / y[keep]))


def spend_spread(spend: np.ndarray) -> float:
    """p90 / p10 of the weekly spend over weeks with spend (inf when p10 is zero)."""
    pos = spend[spend > 0]
    if pos.size == 0:
        return 0.0
    p10, p90 = np.quantile(pos, [0.1, 0.9])
    return float(p90 / p10) if p10 > 0 else math.inf


def fit_channel(channel_id: str, spend: np.ndarray, leads: np.ndarray, *, holdout_weeks: int = 13,
                n_boot: int = 100, seed: int = 0) -> ChannelFit:
    """Fit one channel's curve (or, when its spend never varied enough, a constant level)."""
    spend = np.asarray(spend, dtype=float)
    leads = np.asarray(leads, dtype=float)
    n = spend.size
    spend_weeks = int((spend > 0).sum())
    spread = spend_spread(spend)
    mean_spend = float(spend[spend > 0].mean()) if spend_weeks else 0.0
    warnings: list[tuple[str, dict]] = []
    rng = np.random.default_rng(seed)
    if spend_weeks < MIN_SPEND_WEEKS or spread < MIN_SPREAD:
        if spend_weeks < MIN_SPEND_WEEKS:
            warnings.append(("few_spend_weeks", {"weeks": spend_weeks, "needed": MIN_SPEND_WEEKS}))
        else:
            warnings.append(("flat_spend", {"spread": spread - 1.0, "needed": MIN_SPREAD - 1.0}))
        recent = leads[-min(n, 13):] if n else leads
        level = float(recent.mean()) if recent.size else 0.0
        draws = np.array([rng.choice(recent, recent.size).mean() for _ in range(n_boot)]) if recent.size else \
            np.zeros(n_boot)
        return ChannelFit(channel_id, "constant", None, draws[:, None], None, None, n, spend_weeks, mean_spend,
                          0.0, float(spend.max(initial=0.0)), level=level, warnings=warnings)

    scale = mean_spend
    x = spend / scale
    z, beta = _fit_scaled(x, leads)
    params = _params(z, beta, scale)
    fitted = weekly_leads(spend, params)
    r2 = r_squared(leads, fitted)

    mape_h = None
    if n - holdout_weeks >= 26 and holdout_weeks > 0:
        zt, bt = _fit_scaled(x[:-holdout_weeks], leads[:-holdout_weeks])
        pred = weekly_leads(spend, _params(zt, bt, scale))[-holdout_weeks:]
        mape_h = mape(leads[-holdout_weeks:], pred)

    resid = leads - fitted
    draws = np.empty((n_boot, 4))
    for b in range(n_boot):
        y_star = fitted + _block_residuals(resid, rng)
        zb, bb = _fit_scaled(x, y_star, start=z, max_nfev=60)
        draws[b] = _params(zb, bb, scale).as_array()

    max_adstock = float(adstock(spend, params.theta).max())
    fit = ChannelFit(channel_id, "curve", params, draws, r2, mape_h, n, spend_weeks, mean_spend, max_adstock,
                     float(spend.max()), warnings=warnings)
    fit.warnings.extend(curve_warnings(fit))
    return fit


def curve_warnings(fit: ChannelFit) -> list[tuple[str, dict]]:
    """Plain-language flags for a fitted curve (codes with the values the message needs)."""
    out: list[tuple[str, dict]] = []
    p = fit.params
    if p is None:
        return out
    lo, hi = np.quantile(fit.draws[:, 1], INTERVAL)
    if lo > 0 and hi / lo > 3.0:
        out.append(("kappa_uncertain", {"lo": float(lo), "hi": float(hi)}))
    if p.kappa > fit.max_adstock:
        out.append(("no_saturation_seen", {"kappa": p.kappa, "max": fit.max_adstock}))
    if p.theta >= THETA_MAX - 1e-3:
        out.append(("theta_at_bound", {"theta": p.theta}))
    if fit.r2 is not None and fit.r2 < 0.3:
        out.append(("weak_fit", {"r2": fit.r2}))
    return out


# --- the baseline (organic leads) -----------------------------------------------------------


def baseline_design(weeks: pl.Series | list[dt.date], *, origin: dt.date) -> np.ndarray:
    """Columns: 1, years since ``origin``, cos/sin of the yearly cycle and of its half (mid-week day of year)."""
    days = np.array([(w - origin).days for w in weeks], dtype=float)
    mid = np.array([(w + dt.timedelta(days=3)).timetuple().tm_yday for w in weeks], dtype=float)
    angle = 2 * np.pi * mid / YEAR_DAYS
    return np.column_stack([np.ones_like(days), days / YEAR_DAYS, np.cos(angle), np.sin(angle),
                            np.cos(2 * angle), np.sin(2 * angle)])


def fit_baseline(channel_id: str, weeks: list[dt.date], leads: np.ndarray, *, origin: dt.date,
                 holdout_weeks: int = 13, n_boot: int = 100, seed: int = 0) -> ChannelFit:
    """Organic leads: level + trend + two yearly harmonics, by ordinary least squares."""
    leads = np.asarray(leads, dtype=float)
    n = leads.size
    X = baseline_design(weeks, origin=origin)
    coef, *_ = np.linalg.lstsq(X, leads, rcond=None)
    fitted = X @ coef
    mape_h = None
    if n - holdout_weeks >= 60 and holdout_weeks > 0:
        ct, *_ = np.linalg.lstsq(X[:-holdout_weeks], leads[:-holdout_weeks], rcond=None)
        mape_h = mape(leads[-holdout_weeks:], X[-holdout_weeks:] @ ct)
    rng = np.random.default_rng(seed)
    resid = leads - fitted
    draws = np.empty((n_boot, X.shape[1]))
    for b in range(n_boot):
        draws[b], *_ = np.linalg.lstsq(X, fitted + _block_residuals(resid, rng), rcond=None)
    warnings = [] if n >= 60 else [("short_baseline", {"weeks": n})]
    return ChannelFit(channel_id, "baseline", None, draws, r_squared(leads, fitted), mape_h, n, 0, 0.0, 0.0,
                      coef=coef, warnings=warnings)


# --- the whole model ------------------------------------------------------------------------


@dataclass
class ResponseModel:
    """Every channel's fit, the weeks they were fitted on, and how long it took."""

    fits: dict[str, ChannelFit]
    first_week: dt.date
    last_week: dt.date
    weeks: int
    n_boot: int
    seconds: float
    total_r2: float | None = None
    total_mape_holdout: float | None = None

    @property
    def next_week(self) -> dt.date:
        """The Monday after the last complete week: where a future period starts."""
        return self.last_week + dt.timedelta(days=7)

    def curves(self) -> list[str]:
        return [c for c, f in self.fits.items() if f.kind == "curve"]

    def spend_channels(self) -> list[str]:
        """Channels a budget is planned for: those with a curve or a constant level."""
        return [c for c, f in self.fits.items() if f.kind in ("curve", "constant")]

    def baselines(self) -> list[str]:
        return [c for c, f in self.fits.items() if f.kind == "baseline"]


def fit_response(weekly: pl.DataFrame, *, holdout_weeks: int = 13, n_boot: int = 100, seed: int = 0,
                 ) -> ResponseModel:
    """Fit every channel of a ``weekly_series`` frame.

    Channels with spend and leads get a curve (or a constant when their spend never varied);
    channels with leads and no spend are organic (the baseline); channels with spend and no
    leads produce no leads and are left out (their results are not leads).
    """
    started = time.perf_counter()
    if weekly.height == 0:
        raise ValueError("no complete week of data to fit")
    weeks = weekly["week"].unique().sort().to_list()
    fits: dict[str, ChannelFit] = {}
    totals = weekly.group_by("channel_id").agg(pl.col("spend").sum(), pl.col("leads").sum()).sort("channel_id")
    for i, row in enumerate(totals.iter_rows(named=True)):
        ch = row["channel_id"]
        if row["leads"] <= 0:
            continue
        part = weekly.filter(pl.col("channel_id") == ch).sort("week")
        if row["spend"] > 0:
            fits[ch] = fit_channel(ch, part["spend"].to_numpy(), part["leads"].to_numpy(),
                                   holdout_weeks=holdout_weeks, n_boot=n_boot, seed=seed + i)
        else:
            fits[ch] = fit_baseline(ch, weeks, part["leads"].to_numpy(), origin=weeks[0],
                                    holdout_weeks=holdout_weeks, n_boot=n_boot, seed=seed + i)
    model = ResponseModel(fits, weeks[0], weeks[-1], len(weeks), n_boot, 0.0)
    total = weekly.group_by("week").agg(pl.col("leads").sum()).sort("week")["leads"].to_numpy()
    fitted = np.zeros(len(weeks))
    for ch, f in fits.items():
        fitted += fitted_weekly(model, weekly, ch)
    model.total_r2 = r_squared(total, fitted)
    model.seconds = time.perf_counter() - started
    return model


def fitted_weekly(model: ResponseModel, weekly: pl.DataFrame, channel_id: str) -> np.ndarray:
    """The model's weekly leads of one channel over the fitted weeks."""
    f = model.fits[channel_id]
    part = weekly.filter(pl.col("channel_id") == channel_id).sort("week")
    if f.kind == "curve":
        assert f.params is not None
        return weekly_leads(part["spend"].to_numpy(), f.params)
    if f.kind == "constant":
        return np.full(part.height, f.level or 0.0)
    assert f.coef is not None
    return baseline_design(part["week"].to_list(), origin=model.first_week) @ f.coef


def _interval(values: np.ndarray) -> tuple[float, float]:
    lo, hi = np.quantile(values, INTERVAL)
    return float(lo), float(hi)


def fit_summary(model: ResponseModel) -> pl.DataFrame:
    """One row per fitted channel.

    ``channel_id``, ``kind`` (curve / constant / baseline), ``theta`` (weekly carry-over, 0..1),
    ``kappa`` (half-saturation, money per week of carried-over spend), ``s`` (shape), ``beta``
    (ceiling, leads per week), each with ``_lo`` / ``_hi`` (90% bootstrap interval; null for
    non-curves), ``r2`` (in-sample R² of the channel's weekly leads), ``mape_holdout`` (mean
    absolute % error on the last 13 weeks, refitted without them), ``weeks``, ``spend_weeks``,
    ``warnings`` (list of codes).
    """
    rows = []
    for ch, f in model.fits.items():
        row: dict = {"channel_id": ch, "kind": f.kind}
        for j, name in enumerate(("theta", "kappa", "s", "beta")):
            if f.kind == "curve" and f.params is not None:
                row[name] = float(f.params.as_array()[j])
                row[f"{name}_lo"], row[f"{name}_hi"] = _interval(f.draws[:, j])
            else:
                row[name] = row[f"{name}_lo"] = row[f"{name}_hi"] = None
        row.update(r2=f.r2, mape_holdout=f.mape_holdout, weeks=f.weeks, spend_weeks=f.spend_weeks,
                   warnings=[code for code, _ in f.warnings])
        rows.append(row)
    schema = {"channel_id": pl.String, "kind": pl.String}
    for name in ("theta", "kappa", "s", "beta"):
        schema.update({name: pl.Float64, f"{name}_lo": pl.Float64, f"{name}_hi": pl.Float64})
    schema.update(r2=pl.Float64, mape_holdout=pl.Float64, weeks=pl.Int64, spend_weeks=pl.Int64,
                  warnings=pl.List(pl.String))
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


register(
    MetricSpec(
        "adstock_theta", "Carry-over (θ)", "Перенос эффекта (θ)",
        "Share of a week's advertising effect carried into the next week: carried-over spend "
        "a(t) = spend(t) + θ·a(t−1).",
        "Доля эффекта рекламы недели, переходящая на следующую неделю: накопленные затраты "
        "a(t) = затраты(t) + θ·a(t−1).",
        "ratio",
    ),
    MetricSpec(
        "half_saturation", "Half-saturation (κ)", "Точка полунасыщения (κ)",
        "Carried-over weekly spend at which the channel gives half of its ceiling of leads; "
        "curve = β·a^s/(a^s + κ^s).",
        "Накопленные недельные затраты, при которых канал даёт половину своего потолка лидов; "
        "кривая = β·a^s/(a^s + κ^s).",
        "money",
    ),
    MetricSpec(
        "fit_r2", "R²", "R²",
        "Share of the week-to-week variation of the channel's leads that the fitted curve explains (in-sample).",
        "Доля понедельных колебаний лидов канала, которую объясняет подобранная кривая (на данных подбора).",
        "ratio",
    ),
    MetricSpec(
        "holdout_mape", "Hold-out error (MAPE)", "Ошибка на отложенных неделях (MAPE)",
        "Mean absolute % error of weekly leads over the last 13 weeks, predicted by a fit made without them.",
        "Средняя абсолютная ошибка (в %) недельных лидов за последние 13 недель по модели, подобранной без них.",
        "ratio", higher_is_better=False,
    ),
)
