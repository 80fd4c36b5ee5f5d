"""Budget scenarios for a future period: from a channel's budget to leads, customers, revenue, profit.

A scenario is a budget per channel for the next ``weeks`` weeks (from the Monday after the
last complete week of data), spread evenly over them. For each channel the **period
response** is::

    leads(B) = beta * sum_t hill((B / weeks) * g_t),   g_t = (1 - theta^(t+1)) / (1 - theta)  (t < weeks)
                                                        g_t = g_(weeks-1) * theta^(t-weeks+1)     (after)

i.e. the leads the period's budget causes during the period and afterwards while its
carry-over fades (until its leads are below 1e-9 of the first week's). Carry-over of spend made before the period is
left out: no decision changes it. Organic (baseline) leads are projected over the
period's weeks from their trend and season. Then the outcome chain, per channel::

    customers = leads * conversion;  revenue = customers * revenue per new customer;
    gross profit = customers * gross profit per new customer;  ROMI = (gross profit - spend) / spend

with conversion and value per new customer taken from the company's own data
(``channel_economics``). Intervals: the same chain pushed through every bootstrap refit
of the curves (parameter uncertainty only; conversion and value are point estimates).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from metrics.response import INTERVAL, ResponseModel, baseline_design, hill, hill_slope
from metrics.specs import MetricSpec, register

OBJECTIVES = ("gross_profit", "revenue", "leads")
HORIZONS = {"12m": 365, "first": None}  # value of a new customer: first 12 months, or the first order
TAIL_PRECISION = 1e-9
MAX_TAIL_WEEKS = 2000


# --- the company's own economics ------------------------------------------------------------


def new_customer_sums(customers: pl.DataFrame, orders: pl.DataFrame, *, last_day: dt.date,
                      horizon_days: int | None = 365) -> pl.DataFrame:
    """The sums :func:`new_customer_value_from_sums` needs, from customer and order rows.

    A customer acquired at least ``horizon_days`` before ``last_day`` (a whole window observed) brings the
    revenue and gross profit of their orders within ``horizon_days`` of becoming a customer; with
    ``horizon_days=None``, every customer with an order brings their first order only. Inputs:
    ``customers`` (``customer_id``, ``first_seen``, ``acquisition_channel_id``) and ``orders``
    (``customer_id``, ``ordered_at``, ``revenue``, ``cost_of_goods``). Returns per acquisition channel
    ``channel_id``, ``valued_customers`` (i64), ``revenue`` and ``gross_profit`` (f64, money, summed over
    them). The database computes the same (``connectors.customer_value.new_customer_sums``).
    """
    cust = customers.lazy().select("customer_id", "first_seen", pl.col("acquisition_channel_id").alias("channel_id"))
    orders_of = orders.lazy().select("customer_id", "ordered_at", "revenue", "cost_of_goods").join(
        cust, on="customer_id")
    if horizon_days is None:
        valued = orders_of.sort("ordered_at", "customer_id").group_by("customer_id").agg(
            pl.col("channel_id").first(), pl.col("revenue").first(), pl.col("cost_of_goods").first())
    else:
        end = dt.datetime.combine(last_day - dt.timedelta(days=horizon_days - 1), dt.time())
        cohort = cust.filter(pl.col("first_seen") < end)
        valued = cohort.join(
            orders_of.filter(pl.col("ordered_at") < pl.col("first_seen") + pl.duration(days=horizon_days))
            .group_by("customer_id").agg(pl.col("revenue").sum(), pl.col("cost_of_goods").sum()),
            on="customer_id", how="left",
        ).select("customer_id", "channel_id", pl.col("revenue").fill_null(0.0), pl.col("cost_of_goods").fill_null(0.0))
    return valued.group_by("channel_id").agg(
        pl.len().cast(pl.Int64).alias("valued_customers"), pl.col("revenue").sum().cast(pl.Float64),
        (pl.col("revenue") - pl.col("cost_of_goods")).sum().cast(pl.Float64).alias("gross_profit"),
    ).sort("channel_id").collect()


def new_customer_value_from_sums(sums: pl.DataFrame) -> pl.DataFrame:
    """What a new customer brings, per acquisition channel and over all, from :func:`new_customer_sums`.

    Returns ``channel_id`` (null on the last row: all channels), ``valued_customers`` (i64),
    ``revenue_per_customer`` and ``gross_profit_per_customer`` (f64, money; null without customers).
    """
    n = pl.col("valued_customers")
    per = (n.cast(pl.Int64),
           pl.when(n > 0).then(pl.col("revenue") / n).cast(pl.Float64).alias("revenue_per_customer"),
           pl.when(n > 0).then(pl.col("gross_profit") / n).cast(pl.Float64).alias("gross_profit_per_customer"))
    lf = sums.lazy().filter(pl.col("valued_customers") > 0)
    by_channel = lf.select("channel_id", *per).sort("channel_id")
    total = lf.select(pl.lit(None, dtype=pl.String).alias("channel_id"), n.sum(), pl.col("revenue").sum(),
                      pl.col("gross_profit").sum())
    return pl.concat([by_channel, total.select("channel_id", *per)]).collect()


def new_customer_value(customers: pl.DataFrame, orders: pl.DataFrame, *, last_day: dt.date,
                       horizon_days: int | None = 365) -> pl.DataFrame:
    """What a new customer brings: revenue and gross profit of their orders within ``horizon_days`` of
    becoming a customer, over the customers acquired at least ``horizon_days`` before ``last_day``; with
    ``horizon_days=None``, their first order only (:func:`new_customer_value_from_sums` of
    :func:`new_customer_sums`; same inputs and columns)."""
    return new_customer_value_from_sums(new_customer_sums(customers, orders, last_day=last_day,
                                                          horizon_days=horizon_days))


def lead_conversion_counts(leads: pl.DataFrame, *, last_day: dt.date, maturity_days: int = 30) -> pl.DataFrame:
    """Mature leads (created at least ``maturity_days`` before ``last_day``) and how many became customers.

    Input: ``leads`` (``channel_id``, ``created_at``, ``customer_id`` — null when the lead never became a
    customer). Returns per channel ``channel_id``, ``leads`` and ``converted`` (i64). The database computes
    the same with the leads measures (``connectors.measures``) over the days up to ``lead_cutoff``.
    """
    cutoff = dt.datetime.combine(lead_cutoff(last_day, maturity_days) + dt.timedelta(days=1), dt.time())
    return (
        leads.lazy().filter(pl.col("created_at") < cutoff)
        .group_by("channel_id")
        .agg(pl.len().cast(pl.Int64).alias("leads"), pl.col("customer_id").count().cast(pl.Int64).alias("converted"))
        .sort("channel_id")
        .collect()
    )


def lead_cutoff(last_day: dt.date, maturity_days: int = 30) -> dt.date:
    """The last day of the leads old enough to have converted (``maturity_days`` before ``last_day``)."""
    return last_day - dt.timedelta(days=maturity_days)


def economics_from_counts(conversion: pl.DataFrame, value: pl.DataFrame) -> pl.DataFrame:
    """Lead-to-customer conversion and the value of a new customer per source channel.

    Inputs: :func:`lead_conversion_counts` and :func:`new_customer_value_from_sums` (or
    :func:`new_customer_value`). A channel with no valued customers takes the all-channel average
    (``value_source`` = "all"). Columns as :func:`channel_economics`.
    """
    conv = conversion.lazy().with_columns(conversion=pl.col("converted") / pl.col("leads"))
    valued = value.lazy()
    by_channel = valued.filter(pl.col("channel_id").is_not_null())
    overall = valued.filter(pl.col("channel_id").is_null()).select(
        pl.col("revenue_per_customer").alias("all_revenue"), pl.col("gross_profit_per_customer").alias("all_gp"))
    return (
        conv.join(by_channel, on="channel_id", how="full", coalesce=True)
        .join(overall, how="cross")
        .with_columns(
            pl.col("leads").fill_null(0), pl.col("converted").fill_null(0),
            pl.col("valued_customers").fill_null(0),
            value_source=pl.when(pl.col("revenue_per_customer").is_null()).then(pl.lit("all")).otherwise(
                pl.lit("channel")),
            revenue_per_customer=pl.coalesce("revenue_per_customer", "all_revenue"),
            gross_profit_per_customer=pl.coalesce("gross_profit_per_customer", "all_gp"),
        )
        .select("channel_id", "leads", "converted", "conversion", "valued_customers", "revenue_per_customer",
                "gross_profit_per_customer", "value_source")
        .sort("channel_id")
        .collect()
    )


def channel_economics(leads: pl.DataFrame, customers: pl.DataFrame, orders: pl.DataFrame, *, last_day: dt.date,
                      horizon_days: int | None = 365, maturity_days: int = 30) -> pl.DataFrame:
    """Lead-to-customer conversion and the value of a new customer, per source channel.

    Inputs: ``leads`` (``channel_id``, ``created_at``, ``customer_id`` — null when the lead
    never became a customer); ``customers`` (``customer_id``, ``first_seen``,
    ``acquisition_channel_id``); ``orders`` (``customer_id``, ``ordered_at``, ``revenue``,
    ``cost_of_goods``). Conversion counts leads created at least ``maturity_days`` before
    ``last_day`` (younger leads have not had time to convert). Value per new customer: the
    revenue and gross profit of a customer's orders within ``horizon_days`` of becoming a
    customer, over customers acquired at least ``horizon_days`` before ``last_day``; with
    ``horizon_days=None``, their first order only. A channel with no such customers takes
    the all-channel average (``value_source`` = "all").

    Returns per channel: ``channel_id``, ``leads`` (i64, mature leads), ``converted`` (i64),
    ``conversion`` (f64, 0..1), ``valued_customers`` (i64), ``revenue_per_customer``,
    ``gross_profit_per_customer`` (f64, money), ``value_source`` ("channel" / "all").
    """
    return economics_from_counts(
        lead_conversion_counts(leads, last_day=last_day, maturity_days=maturity_days),
        new_customer_value(customers, orders, last_day=last_day, horizon_days=horizon_days),
    )


def last_period_budgets(weekly: pl.DataFrame, *, weeks: int, channels: list[str]) -> dict[str, float]:
    """Spend per channel over the last ``weeks`` weeks of a ``weekly_series`` frame: the baseline plan."""
    last = weekly["week"].unique().sort().tail(weeks)
    got = (
        weekly.filter(pl.col("week").is_in(last.implode()) & pl.col("channel_id").is_in(channels))
        .group_by("channel_id").agg(pl.col("spend").sum())
    )
    out = {c: 0.0 for c in channels}
    out.update({r["channel_id"]: float(r["spend"]) for r in got.iter_rows(named=True)})
    return out


# --- the period response --------------------------------------------------------------------


def tail_weeks(theta: float | np.ndarray, s: float | np.ndarray = 1.0) -> int:
    """Weeks after the period until the fading carry-over's leads fall below TAIL_PRECISION of the first week's.

    Near zero, hill(a) ~ (a / kappa)^s, so the leads fade like theta^(k * s): the longest over all rows.
    """
    th = float(np.max(theta))
    if th <= 0:
        return 0
    shape = min(float(np.min(s)), 1.0)
    return min(MAX_TAIL_WEEKS, int(math.ceil(math.log(TAIL_PRECISION) / (math.log(th) * shape))))


def carry_profile(theta: np.ndarray, weeks: int, tail: int) -> np.ndarray:
    """g[..., t]: carried-over spend in week t per unit of weekly spend during the period (shape (..., weeks + tail))."""
    theta = np.asarray(theta, dtype=float)[..., None]  # always < 1 (fits are bounded by THETA_MAX)
    t = np.arange(weeks + tail, dtype=float)
    ramp = (1 - theta ** (np.minimum(t, weeks - 1) + 1)) / (1 - theta)
    fade = theta ** np.maximum(t - weeks + 1, 0)
    return ramp * fade


def period_leads(params: np.ndarray, budgets: np.ndarray, weeks: int) -> np.ndarray:
    """Leads caused by each budget, for each parameter row (theta, kappa, s, beta): shape (rows, budgets)."""
    p = np.atleast_2d(np.asarray(params, dtype=float))
    b = np.atleast_1d(np.asarray(budgets, dtype=float))
    g = carry_profile(p[:, 0], weeks, tail_weeks(p[:, 0], p[:, 2]))  # (rows, T)
    a = (b[None, :, None] / weeks) * g[:, None, :]  # (rows, budgets, T)
    h = hill(a, p[:, 1][:, None, None], p[:, 2][:, None, None])
    return p[:, 3][:, None] * h.sum(axis=-1)


def period_leads_slope(params: np.ndarray, budgets: np.ndarray, weeks: int) -> np.ndarray:
    """d leads / d budget for each parameter row and budget: shape (rows, budgets), leads per unit of money."""
    p = np.atleast_2d(np.asarray(params, dtype=float))
    b = np.atleast_1d(np.asarray(budgets, dtype=float))
    g = carry_profile(p[:, 0], weeks, tail_weeks(p[:, 0], p[:, 2]))
    a = (b[None, :, None] / weeks) * g[:, None, :]
    slope = hill_slope(a, p[:, 1][:, None, None], p[:, 2][:, None, None])
    return p[:, 3][:, None] * (slope * g[:, None, :]).sum(axis=-1) / weeks


# --- the planner: curves, projections, intervals --------------------------------------------


@dataclass(frozen=True)
class ChannelPlan:
    """What the planner knows about one channel with a budget."""

    channel_id: str
    kind: str  # curve / constant
    params: np.ndarray | None  # (4,) point estimate for a curve
    draws: np.ndarray  # (D, 4) curve refits, or (D, 1) weekly levels for a constant
    level: float  # weekly leads of a constant channel
    conversion: float
    revenue_per_customer: float
    gross_profit_per_customer: float

    def value_per_lead(self, objective: str) -> float:
        if objective == "leads":
            return 1.0
        per_customer = self.revenue_per_customer if objective == "revenue" else self.gross_profit_per_customer
        return self.conversion * per_customer


def period_start(last_day: dt.date) -> dt.date:
    """The first Monday after the last day with data: where a future period starts."""
    return last_day + dt.timedelta(days=7 - last_day.weekday())


class Planner:
    """Projections for a future period of ``weeks`` weeks starting ``start`` (a Monday).

    ``start`` defaults to the Monday after the model's last complete week; pass
    ``period_start(last_day)`` when the data ends inside a week.
    """

    def __init__(self, model: ResponseModel, economics: pl.DataFrame, *, weeks: int,
                 start: dt.date | None = None) -> None:
        if weeks < 1:
            raise ValueError("a period has at least one week")
        self.model = model
        self.weeks = weeks
        self.start = start or model.next_week
        eco = {r["channel_id"]: r for r in economics.iter_rows(named=True)}
        self.channels: dict[str, ChannelPlan] = {}
        for ch in model.spend_channels():
            f = model.fits[ch]
            e = eco.get(ch, {})
            self.channels[ch] = ChannelPlan(
                ch, f.kind, f.params.as_array() if f.params is not None else None, f.draws, f.level or 0.0,
                float(e.get("conversion") or 0.0), float(e.get("revenue_per_customer") or 0.0),
                float(e.get("gross_profit_per_customer") or 0.0),
            )
        self.organic: dict[str, ChannelPlan] = {}
        future = [self.start + dt.timedelta(days=7 * k) for k in range(weeks)]
        X = baseline_design(future, origin=model.first_week)
        self._organic_leads: dict[str, tuple[float, np.ndarray]] = {}
        for ch in model.baselines():
            f = model.fits[ch]
            assert f.coef is not None
            e = eco.get(ch, {})
            self.organic[ch] = ChannelPlan(ch, "baseline", None, f.draws, 0.0, float(e.get("conversion") or 0.0),
                                           float(e.get("revenue_per_customer") or 0.0),
                                           float(e.get("gross_profit_per_customer") or 0.0))
            point = float(np.maximum(X @ f.coef, 0.0).sum())
            draws = np.maximum(f.draws @ X.T, 0.0).sum(axis=1)
            self._organic_leads[ch] = (point, draws)

    # leads ----------------------------------------------------------------------------------
    def leads(self, channel_id: str, budgets: np.ndarray | float) -> np.ndarray:
        """Point estimate of the period's leads for each budget."""
        c = self.channels[channel_id]
        b = np.atleast_1d(np.asarray(budgets, dtype=float))
        if c.kind == "constant":
            return np.full(b.shape, c.level * self.weeks)
        assert c.params is not None
        return period_leads(c.params, b, self.weeks)[0]

    def leads_draws(self, channel_id: str, budget: float) -> np.ndarray:
        """The period's leads under every bootstrap refit (shape (D,))."""
        c = self.channels[channel_id]
        if c.kind == "constant":
            return c.draws[:, 0] * self.weeks
        return period_leads(c.draws, np.array([budget]), self.weeks)[:, 0]

    def slope(self, channel_id: str, budgets: np.ndarray | float) -> np.ndarray:
        """Extra leads per extra unit of money at each budget."""
        c = self.channels[channel_id]
        b = np.atleast_1d(np.asarray(budgets, dtype=float))
        if c.kind == "constant":
            return np.zeros(b.shape)
        assert c.params is not None
        return period_leads_slope(c.params, b, self.weeks)[0]

    def value(self, channel_id: str, budgets: np.ndarray | float, objective: str) -> np.ndarray:
        """The objective (leads, revenue or gross profit) the channel's budget brings, per budget."""
        return self.channels[channel_id].value_per_lead(objective) * self.leads(channel_id, budgets)

    def total_value(self, budgets: dict[str, float], objective: str) -> float:
        """Sum over channels of each channel's curve at its budget: what the optimiser maximises."""
        return float(sum(self.value(ch, budgets[ch], objective)[0] for ch in self.channels))

    # frames ---------------------------------------------------------------------------------
    def response_curves(self, *, points: int = 60, upto: dict[str, float] | None = None) -> pl.DataFrame:
        """Each channel's period response over a budget range (0 .. ``upto`` or 3x the observed mean).

        Returns ``channel_id``, ``budget`` (money for the period), ``leads``, ``revenue``,
        ``gross_profit`` (money, point estimates), ``marginal_romi`` (extra gross profit per extra
        unit of money − 1), ``observed`` (bool: budget within the weekly spend seen in history).
        """
        rows = []
        for ch, c in self.channels.items():
            f = self.model.fits[ch]
            top = (upto or {}).get(ch) or 3.0 * f.mean_weekly_spend * self.weeks
            grid = np.linspace(0.0, max(top, 1.0), points)
            leads = self.leads(ch, grid)
            slope = self.slope(ch, grid)
            gp_per_lead = c.value_per_lead("gross_profit")
            observed_max = f.max_spend * self.weeks
            rows.append(pl.DataFrame({
                "channel_id": ch, "budget": grid, "leads": leads,
                "revenue": leads * c.value_per_lead("revenue"), "gross_profit": leads * gp_per_lead,
                "marginal_romi": slope * gp_per_lead - 1.0, "observed": grid <= observed_max,
            }))
        if not rows:
            return pl.DataFrame(schema={"channel_id": pl.String, "budget": pl.Float64, "leads": pl.Float64,
                                        "revenue": pl.Float64, "gross_profit": pl.Float64,
                                        "marginal_romi": pl.Float64, "observed": pl.Boolean})
        return pl.concat(rows)

    def project(self, budgets: dict[str, float]) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Projected results of a scenario, by channel and in total, with 90% intervals.

        ``budgets``: money per channel for the period (missing channels: 0).
        By channel (spend channels, then organic ones): ``channel_id``, ``kind``, ``budget``,
        ``leads``, ``customers``, ``revenue``, ``gross_profit``, ``romi`` (null without spend, and for a
        constant channel, whose leads do not depend on its budget),
        ``marginal_romi``, each result with ``_lo`` / ``_hi``.
        Total (one row): ``budget``, ``leads``, ``customers``, ``revenue``, ``gross_profit`` (all
        channels including organic), ``paid_gross_profit`` (channels with a budget), ``romi``
        = (paid gross profit − budget) / budget; each result with ``_lo`` / ``_hi``.
        """
        rows = []
        n_draws = self.model.n_boot
        tot = {k: np.zeros(n_draws) for k in ("leads", "customers", "revenue", "gross_profit", "paid_gp")}
        tot_point = dict.fromkeys(("leads", "customers", "revenue", "gross_profit", "paid_gp"), 0.0)
        spend_total = 0.0
        for ch, c in self.channels.items():
            b = float(max(budgets.get(ch, 0.0), 0.0))
            spend_total += b
            point = float(self.leads(ch, b)[0])
            draws = self.leads_draws(ch, b)
            rows.append(self._row(ch, c, b, point, draws, marginal=float(self.slope(ch, b)[0])))
            self._add(tot, tot_point, c, point, draws, paid=True)
        for ch, c in self.organic.items():
            point, draws = self._organic_leads[ch]
            rows.append(self._row(ch, c, 0.0, point, draws, marginal=None))
            self._add(tot, tot_point, c, point, draws, paid=False)
        by_channel = pl.DataFrame(rows, schema=_PROJECTION_SCHEMA, orient="row") if rows else \
            pl.DataFrame(schema=_PROJECTION_SCHEMA)
        total = {"budget": spend_total}
        for key in ("leads", "customers", "revenue", "gross_profit"):
            total[key] = tot_point[key]
            total[f"{key}_lo"], total[f"{key}_hi"] = _quantiles(tot[key])
        total["paid_gross_profit"] = tot_point["paid_gp"]
        romi_draws = (tot["paid_gp"] - spend_total) / spend_total if spend_total > 0 else None
        total["romi"] = (tot_point["paid_gp"] - spend_total) / spend_total if spend_total > 0 else None
        total["romi_lo"], total["romi_hi"] = _quantiles(romi_draws) if romi_draws is not None else (None, None)
        return by_channel, pl.DataFrame([total], schema=_TOTAL_SCHEMA, orient="row")

    @staticmethod
    def _add(tot: dict, tot_point: dict, c: ChannelPlan, point: float, draws: np.ndarray, *, paid: bool) -> None:
        gp = c.conversion * c.gross_profit_per_customer
        for key, per_lead in (("leads", 1.0), ("customers", c.conversion),
                              ("revenue", c.conversion * c.revenue_per_customer), ("gross_profit", gp)):
            tot[key] += draws * per_lead
            tot_point[key] += point * per_lead
        if paid:
            tot["paid_gp"] += draws * gp
            tot_point["paid_gp"] += point * gp

    def _row(self, ch: str, c: ChannelPlan, budget: float, point: float, draws: np.ndarray,
             marginal: float | None) -> tuple:
        out: list = [ch, c.kind, budget]
        for per_lead in (1.0, c.conversion, c.conversion * c.revenue_per_customer,
                         c.conversion * c.gross_profit_per_customer):
            out += [point * per_lead, *_quantiles(draws * per_lead)]
        if budget > 0 and c.kind == "curve":  # a constant channel's leads come whatever its budget: no return
            gp = c.conversion * c.gross_profit_per_customer
            out += [(point * gp - budget) / budget, *_quantiles((draws * gp - budget) / budget)]
        else:
            out += [None, None, None]
        gp_per_lead = c.conversion * c.gross_profit_per_customer
        out.append(marginal * gp_per_lead - 1.0 if marginal is not None and c.kind == "curve" else None)
        return tuple(out)


def _quantiles(values: np.ndarray | None) -> tuple[float | None, float | None]:
    if values is None or len(values) == 0:
        return None, None
    lo, hi = np.quantile(values, INTERVAL)
    return float(lo), float(hi)


_RESULTS = ("leads", "customers", "revenue", "gross_profit")
_PROJECTION_SCHEMA = {"channel_id": pl.String, "kind": pl.String, "budget": pl.Float64}
for _name in (*_RESULTS, "romi"):
    _PROJECTION_SCHEMA.update({_name: pl.Float64, f"{_name}_lo": pl.Float64, f"{_name}_hi": pl.Float64})
_PROJECTION_SCHEMA["marginal_romi"] = pl.Float64
_TOTAL_SCHEMA = {"budget": pl.Float64}
for _name in _RESULTS:
    _TOTAL_SCHEMA.update({_name: pl.Float64, f"{_name}_lo": pl.Float64, f"{_name}_hi": pl.Float64})
_TOTAL_SCHEMA.update({"paid_gross_profit": pl.Float64, "romi": pl.Float64, "romi_lo": pl.Float64,
                      "romi_hi": pl.Float64})


register(
    MetricSpec(
        "projected_leads", "Projected leads", "Прогноз лидов",
        "Leads the period's budget brings during the period and afterwards while its carry-over fades, "
        "plus organic leads over the period's weeks. Range: 90% interval from refitting the curves on "
        "resampled history.",
        "Лиды, которые бюджет периода приносит в течение периода и после него, пока затухает перенос "
        "эффекта, плюс органические лиды за недели периода. Диапазон: 90% интервал по переподбору кривых "
        "на перевыборках истории.",
        "count",
    ),
    MetricSpec(
        "projected_customers", "Projected new customers", "Прогноз новых клиентов",
        "Projected leads × the channel's lead-to-customer conversion in the data.",
        "Прогноз лидов × конверсия лида в клиента канала по данным.",
        "count", "derived", ("projected_leads",),
    ),
    MetricSpec(
        "projected_revenue", "Projected revenue", "Прогноз выручки",
        "Projected new customers × revenue of a new customer of the channel (see the value definition).",
        "Прогноз новых клиентов × выручка от нового клиента канала (см. определение ценности).",
        "money", "derived", ("projected_customers",),
    ),
    MetricSpec(
        "projected_gross_profit", "Projected gross profit", "Прогноз валовой прибыли",
        "Projected new customers × gross profit (revenue − cost of goods) of a new customer of the channel.",
        "Прогноз новых клиентов × валовая прибыль (выручка − себестоимость) от нового клиента канала.",
        "money", "derived", ("projected_customers",),
    ),
    MetricSpec(
        "projected_romi", "Projected ROMI (first orders or 12-month value, as chosen)",
        "Прогноз ROMI (первые заказы или ценность за 12 месяцев — по выбору)",
        "(Gross profit the budget brings − budget) / budget. Organic leads are not counted.",
        "(Валовая прибыль, которую приносит бюджет − бюджет) / бюджет. Органические лиды не учитываются.",
        "ratio", "derived", ("projected_gross_profit", "spend"),
    ),
    MetricSpec(
        "marginal_romi", "Marginal ROMI (first orders or 12-month value, as chosen)",
        "Предельный ROMI (первые заказы или ценность за 12 месяцев — по выбору)",
        "Gross profit of the next rouble of the channel's budget minus that rouble: the slope of the "
        "response curve × gross profit per lead − 1. Above zero, one more rouble pays back.",
        "Валовая прибыль следующего рубля бюджета канала минус сам рубль: наклон кривой отклика × "
        "валовая прибыль на лид − 1. Выше нуля — ещё один рубль окупается.",
        "ratio", "derived", ("projected_gross_profit",),
    ),
    MetricSpec(
        "lead_conversion", "Lead → customer conversion", "Конверсия лида в клиента",
        "Leads that became customers / leads, over leads at least 30 days old.",
        "Лиды, ставшие клиентами / лиды, по лидам старше 30 дней.",
        "ratio",
    ),
)
