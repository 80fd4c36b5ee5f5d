"""Retention & profit: the page's computations, cached on the whole context (data version, filters, as-of
day, settings) with :func:`dashboard.context.cached_on_context`.

The database does the counting (:mod:`connectors.customer_value`, :mod:`connectors.customer_status`): the
value model comes back as a few rows per tenure, NPS score and channel, the customer model as customers per
status and per cohort, channel and month, the CLV fits' sample (at most ``clv_fit_customers``) by RFM
summary; ``metrics`` turns those into the page's numbers and fits the CLV models on the sample, and the
database sums every customer's predictions when the sample is not all of them. A rerun (a slider move, a
language switch) costs nothing, and new data is picked up on the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from connectors import customer_status, customer_value
from dashboard.filters import decimal_number
from connectors.export import csv_bytes
from connectors.measures import measure_frame
from connectors.read import Filters
from dashboard.context import PageContext, cached_on_context
from dashboard.i18n import fmt_date, t
from metrics import clv as clv_metrics
from metrics import clv_totals
from metrics import cohorts as mc
from metrics import retention as rm
from metrics import retention_value as rv
from metrics.rules import acquisition_channel_ids
from metrics.scenarios import new_customer_value_from_sums

# widget keys and the page's URL parameter
DELTA = "retention_delta"
DELTA_PARAM = "delta"
EXPORT_STATUS = "retention_export_status"
DELTA_DEFAULT = 5.0
DELTA_MAX = 10.0
AGE_BUCKET_DAYS = 7  # ages summed in whole weeks when the fits saw a sample (metrics.clv_totals)
EXPORT_COLUMNS = ("customer_id", "acquisition_channel_id", "region", "segment", "first_order", "last_order",
                  "purchases", "revenue", "gross_profit", "status", "action")


def parse_delta(text: str) -> float | None:
    """A Δ from the link: points between 0 and 10 in steps of 0.5; anything else is unusable."""
    value = decimal_number(text)
    if value is None or not 0.0 <= value <= DELTA_MAX or round(value * 2) != value * 2:
        return None
    return value


def dump_delta(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class CustomerModel:
    as_of: dt.date
    groups: pl.DataFrame  # customers by status, the fits' sample by RFM summary (customer_status.status_groups)
    cohorts: pl.DataFrame
    curves: pl.DataFrame  # retention curve by acquisition channel
    clv_by_cohort: pl.DataFrame
    repeat: pl.DataFrame
    inputs: rv.RetentionInputs
    nps_value: pl.DataFrame
    complaints: pl.DataFrame

    @property
    def customers(self) -> int:
        """Customers with a purchase up to the as-of day (under the filters)."""
        return int(self.groups.filter(pl.col("status").is_not_null())["customers"].sum())


@dataclass(frozen=True)
class ClvModel:
    bgnbd: clv_metrics.BgNbdFit | None
    gamma_gamma: clv_metrics.GammaGammaFit | None
    sample: pl.DataFrame | None  # the fitted sample's groups with probability_alive, ..., clv (metrics.clv)
    totals: pl.DataFrame | None  # every customer's outlook summed per status, frequency and age (clv_totals)
    population: int = 0  # customers the totals are over (the sample is drawn from them)
    error: str | None = None

    @property
    def sampled(self) -> bool:
        """The fits saw a sample of the customers rather than all of them."""
        return self.bgnbd is not None and self.bgnbd.customers < self.population

    @property
    def average(self) -> float | None:
        """Mean predicted CLV per customer, over every customer."""
        return clv_totals.average_clv(self.totals) if self.totals is not None else None

    def distribution(self) -> pl.DataFrame | None:
        """Customers by predicted CLV: the sample's distribution, counted for the whole population."""
        if self.sample is None:
            return None
        return clv_metrics.clv_distribution(self.sample, scale=self.population / self.bgnbd.customers)


def acquisition_spend(ctx: PageContext, as_of: dt.date, months: int) -> float:
    """Spend of the acquisition channels in the ``months`` up to ``as_of`` (summed by the database per channel)."""
    since = rm.months_before(as_of, months)
    flt = Filters(since + dt.timedelta(days=1), as_of, ctx.view.channels, ctx.view.regions)
    spend = measure_frame(ctx.store, "spend", ["spend"], flt, by=("channel_id",))
    return float(spend.filter(pl.col("channel_id").is_in(acquisition_channel_ids(ctx.channels)))["spend"].sum())


@dataclass(frozen=True)
class ValueModel:
    """What retention, a promoter and a complaint handled in time are worth: all the Overview needs."""

    as_of: dt.date
    inputs: rv.RetentionInputs
    nps_value: pl.DataFrame
    complaints: pl.DataFrame
    new_customer_value: pl.DataFrame  # first-year value of a new customer by channel (metrics.scenarios)


@cached_on_context(max_entries=8)
def value_model(ctx: PageContext) -> ValueModel:
    """The value model as of the period's last day, under the channel and region filters: counts and sums
    computed by the database (:mod:`connectors.customer_value`), turned into values by ``metrics``."""
    s, flt, as_of = ctx.settings, ctx.filters(), ctx.period[1]
    counts = customer_value.tenure_counts(ctx.store, flt, as_of=as_of, months=s.active_months)
    return ValueModel(
        as_of=as_of,
        inputs=rv.retention_inputs_from_counts(counts, acquisition_spend(ctx, as_of, s.active_months), as_of=as_of),
        nps_value=rv.nps_value_from_counts(customer_value.nps_group_counts(ctx.store, flt, as_of=as_of)),
        complaints=rv.complaint_outcomes_from_counts(customer_value.complaint_counts(
            ctx.store, flt, as_of=as_of, standard_hours=float(s.complaint_resolution_hours))),
        new_customer_value=new_customer_value_from_sums(customer_value.new_customer_sums(ctx.store, flt,
                                                                                         last_day=as_of)),
    )


def _thresholds(ctx: PageContext) -> dict:
    s = ctx.settings
    return {"active_months": s.active_months, "lost_months": s.lost_months, "loyal_orders": s.loyal_orders}


@cached_on_context(max_entries=8)
def customer_model(ctx: PageContext) -> CustomerModel:
    """Statuses, cohorts, repeat purchases and the value model as of the period's last day."""
    flt, as_of = ctx.filters(), ctx.period[1]
    value = value_model(ctx)
    groups = customer_status.status_groups(ctx.store, flt, as_of=as_of, fit_customers=ctx.settings.clv_fit_customers,
                                           **_thresholds(ctx))
    activity = customer_status.cohort_activity(ctx.store, flt, as_of=as_of)
    by_channel = mc.cohort_retention_from_activity(activity, as_of=as_of, by=("acquisition_channel_id",))
    repeat = groups.filter(pl.col("status").is_not_null()).select(
        pl.col("eligible").sum().cast(pl.Int64).alias("customers"),
        pl.col("repeated").sum().cast(pl.Int64).alias("repeaters"))
    return CustomerModel(
        as_of=as_of,
        groups=groups,
        cohorts=mc.cohorts_overall(by_channel),
        curves=mc.retention_curve(by_channel, by=("acquisition_channel_id",)),
        clv_by_cohort=mc.historical_clv_from_activity(activity, as_of=as_of),
        repeat=mc.repeat_rate_from_counts(repeat),
        inputs=value.inputs,
        nps_value=value.nps_value,
        complaints=value.complaints,
    )


def _in_weeks(summary: pl.DataFrame) -> pl.DataFrame:
    """Recency and T in weeks, as the CLV models take them (``metrics.clv.rfm_summary``)."""
    return summary.with_columns((pl.col("recency_days") / clv_metrics.DAYS_PER_UNIT["week"]).alias("recency"),
                                (pl.col("T_days") / clv_metrics.DAYS_PER_UNIT["week"]).alias("T"))


@cached_on_context(max_entries=8)
def clv_model(ctx: PageContext) -> ClvModel:
    """BG/NBD and Gamma-Gamma fitted on the customer model's sample (every customer up to the
    ``clv_fit_customers`` setting), then every customer's outlook over the horizon of the settings, summed per
    status and frequency: from the sample's own predictions when it holds every customer, else by the database
    per status, frequency and age in weeks (``metrics.clv_totals``)."""
    s, model = ctx.settings, customer_model(ctx)
    sample = _in_weeks(model.groups.filter(pl.col("fitted") == 1))
    population = int(model.groups["customers"].sum())
    try:
        bg = clv_metrics.fit_bgnbd(sample)
        gg = clv_metrics.fit_gamma_gamma(sample)
    except clv_metrics.FitError as exc:
        return ClvModel(None, None, None, None, population, str(exc))
    horizon = {"horizon_months": 12 * s.horizon_years, "annual_discount_rate": s.discount_rate}
    predicted = clv_metrics.predictions(sample, bg, gg, **horizon)
    if bg.customers >= population:  # the sample is every customer: its predictions are the totals
        return ClvModel(bg, gg, predicted, clv_totals.summed_predictions(predicted), population)
    sums = customer_status.prediction_sums(ctx.store, ctx.filters(), as_of=model.as_of, r=bg.r, alpha=bg.alpha,
                                           a=bg.a, b=bg.b, bucket_days=AGE_BUCKET_DAYS, **_thresholds(ctx))
    return ClvModel(bg, gg, predicted, clv_totals.population_predictions(sums, bg, gg, **horizon), population)


@cached_on_context(max_entries=16)
def churn(ctx: PageContext) -> pl.DataFrame:
    """Churn over the chosen period (customers active at its start who are no longer active at its end)."""
    counts = customer_status.churn_counts(ctx.store, ctx.filters(), start=ctx.period[0], end=ctx.period[1],
                                          active_months=ctx.settings.active_months)
    return mc.churn_from_counts(counts)


def sensitivity(ctx: PageContext, model: CustomerModel | ValueModel) -> pl.DataFrame:
    """Profit difference for Δ = 0, 0.5, …, 10 points over the horizon of the settings."""
    return rv.retention_sensitivity(model.inputs, deltas=tuple(i / 200 for i in range(21)),
                                    years=ctx.settings.horizon_years, discount_rate=ctx.settings.discount_rate)


def status_sums(model: CustomerModel, clv: ClvModel) -> pl.DataFrame:
    """Customers, revenue, gross profit and predicted CLV summed per status (``metrics.retention.status_sums``)."""
    sums = model.groups.filter(pl.col("status").is_not_null()).group_by("status").agg(
        pl.col("customers").sum().cast(pl.Int64), pl.col("revenue").sum(), pl.col("gross_profit").sum())
    if clv.totals is None:
        return sums.with_columns(pl.lit(None, dtype=pl.Float64).alias("clv_sum"),
                                 pl.lit(0, dtype=pl.Int64).alias("clv_customers"))
    predicted = clv_totals.totals_by_status(clv.totals).select(
        "status", pl.col("clv_sum").cast(pl.Float64), pl.col("customers").alias("clv_customers"))
    return sums.join(predicted, on="status", how="left").with_columns(pl.col("clv_customers").fill_null(0))


def segment_table(model: CustomerModel, clv: ClvModel, lang: str) -> pl.DataFrame:
    """The status summary with translated labels, for the page's table."""
    summary = rm.status_summary_from_sums(status_sums(model, clv))
    return summary.with_columns(
        pl.col("status").replace_strict({s: t(f"status.{s}", lang) for s in rm.STATUSES}).alias("status_label"),
        pl.col("action").replace_strict({a: t(f"action.{a}", lang) for a in set(rm.ACTIONS.values())})
        .alias("action_label"),
    )


def filter_lines(ctx: PageContext, status: str) -> list[str]:
    """What an export was made with, printed on top of it."""
    lang = ctx.lang
    channels = ", ".join(ctx.channel_name(c) for c in ctx.view.channels) or t("export.all", lang)
    regions = ", ".join(ctx.view.regions) or t("export.all", lang)
    return [
        t("export.title", lang, status=t(f"status.{status}", lang)),
        t("export.as_of", lang, date=fmt_date(ctx.period[1], lang)),
        t("export.channels", lang, channels=channels),
        t("export.regions", lang, regions=regions),
        t("export.thresholds", lang, active=ctx.settings.active_months, lost=ctx.settings.lost_months,
          loyal=ctx.settings.loyal_orders),
    ]


def segment_customers(ctx: PageContext, clv: ClvModel, status: str) -> pl.DataFrame:
    """The customers of one status, one row each, with their probability of being alive and predicted CLV."""
    rows = customer_status.status_customers(ctx.store, ctx.filters(), status, as_of=ctx.period[1],
                                            **_thresholds(ctx))
    out = rows.with_columns(pl.col("status").replace_strict(rm.ACTIONS, return_dtype=pl.String).alias("action"))
    if clv.bgnbd is None or clv.gamma_gamma is None:
        return out.select(EXPORT_COLUMNS)
    s = ctx.settings
    pred = clv_metrics.predictions(_in_weeks(out), clv.bgnbd, clv.gamma_gamma, horizon_months=12 * s.horizon_years,
                                   annual_discount_rate=s.discount_rate)
    return pred.select(*EXPORT_COLUMNS, "probability_alive", "clv")


def segment_csv(ctx: PageContext, clv: ClvModel, status: str) -> bytes:
    """The customer list of one status for the CRM, with the filters on top."""
    return csv_bytes(segment_customers(ctx, clv, status), header_lines=filter_lines(ctx, status))


def warm_up(ctx: PageContext) -> None:
    """The customer model and the CLV fits into the caches (see ``dashboard/warmup.py``)."""
    clv_model(ctx)  # builds the customer model first
