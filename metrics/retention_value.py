"""What retention is worth: retention-to-profit impact, a promoter vs a detractor, a complaint
resolved within the standard vs late — all from the company's own data.

Retention-to-profit (:func:`retention_inputs`, :func:`profit_projection`,
:func:`retention_sensitivity`). Two 12-month windows end on the as-of day: the
previous year W1 and the last year W2. Customers are grouped by *tenure*: 0 =
acquired (first purchase) within the window, 1 = in their second year, … up to the
last bucket, which holds everyone older. From the data:

- retention r_k = customers active in W1 with tenure k who bought again in W2 / those active in W1;
- margin m_k = gross profit in W2 per customer active in W2 with tenure k;
- the active base N_k = customers active in W2 with tenure k; new customers per year A = N_0;
- CAC = acquisition spend in W2 (the sales channels', :mod:`metrics.rules`) / A.

Each projected year, the tenure-k customers retained (N_k·r_k) move to tenure k+1 (the
last bucket keeps its own), A new customers join at CAC each, and profit = Σ N_k·m_k −
A·CAC, discounted at the yearly rate (end of year). The scenario adds Δ points to every
r_k (capped at 1); the impact is the difference of the discounted totals, in money and
in % of the baseline total.

Promoter vs detractor (:func:`nps_group_of_first_purchase`, :func:`value_by_nps_group`):
a customer's group comes from their answer about their **first** purchase (given within
``answer_days`` of it). Later answers are not used: customers who keep buying are asked
more often, so grouping by any answer would credit the promoters with the survival
that made them answer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from metrics.complaints import resolved_within_standard
from metrics.retention import months_before, purchases
from metrics.rules import NPS_GROUPS, nps_group
from metrics.specs import MetricSpec, register

TENURE_BUCKETS = 3  # 0, 1, 2+ years
ANSWER_DAYS = 8  # an NPS answer given this many days after the first purchase is about it
YEAR_DAYS = 365.25


def _window_purchases(daily: pl.DataFrame, *, start_excl: dt.date, end: dt.date) -> pl.LazyFrame:
    return purchases(daily, as_of=end).filter(pl.col("day") > start_excl)


def _tenure(first: pl.Expr, window_start: dt.date, buckets: int) -> pl.Expr:
    """0 when acquired inside the window (after its start), else completed years + 1, capped."""
    years = ((pl.lit(window_start) - first).dt.total_days() / YEAR_DAYS).floor().cast(pl.Int32) + 1
    return pl.when(first > window_start).then(0).otherwise(years).clip(0, buckets - 1).cast(pl.Int32)


def tenure_edges(window_start: dt.date, buckets: int = TENURE_BUCKETS) -> list[dt.date]:
    """The tenure rule of :func:`_tenure` as days: a first purchase on or before ``edges[k - 1]`` has a
    tenure of at least k (k = 1 .. buckets − 1), so the tenure is the number of edges on or after it.
    (Completed years ≥ k − 1 ⇔ whole days ≥ ⌈(k − 1)·365.25⌉.) SQL compares with these bound dates."""
    return [window_start - dt.timedelta(days=math.ceil((k - 1) * YEAR_DAYS)) for k in range(1, buckets)]


@dataclass(frozen=True)
class RetentionInputs:
    """The company's own numbers the projection runs on (every one is shown in the UI)."""

    tenure: pl.DataFrame  # tenure, active_prev, retained, retention, active_now, margin_per_active
    new_customers: int  # per year (last 12 months)
    acquisition_spend: float  # last 12 months
    cac: float | None
    retention: float | None  # overall: retained / active in the previous year
    as_of: dt.date


def tenure_counts(base: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date, months: int = 12,
                  buckets: int = TENURE_BUCKETS) -> pl.DataFrame:
    """Customers by tenure in the two windows (module docstring), from a :func:`customer_base`.

    One row per bucket 0..buckets−1: ``tenure`` (i32), ``active_prev`` (i64, active in W1), ``retained``
    (i64, of those, active in W2), ``active_now`` (i64, active in W2) and ``gross_profit`` (f64, currency,
    their gross profit in W2). :func:`retention_inputs_from_counts` takes this frame (the database computes
    the same counts: ``connectors.customer_value.tenure_counts``).
    """
    w2_start = months_before(as_of, months)
    w1_start = months_before(as_of, 2 * months)
    firsts = base.lazy().select("customer_id", "first_order")
    w1 = _window_purchases(daily, start_excl=w1_start, end=w2_start).select("customer_id").unique()
    w2 = _window_purchases(daily, start_excl=w2_start, end=as_of).group_by("customer_id").agg(
        pl.col("gross_profit").sum())
    prev = (
        w1.join(firsts, on="customer_id")
        .with_columns(_tenure(pl.col("first_order"), w1_start, buckets).alias("tenure"))
        .join(w2.select("customer_id", pl.lit(True).alias("again")), on="customer_id", how="left")
        .group_by("tenure").agg(pl.len().cast(pl.Int64).alias("active_prev"),
                                pl.col("again").fill_null(False).sum().cast(pl.Int64).alias("retained"))
    )
    now = (
        w2.join(firsts, on="customer_id")
        .with_columns(_tenure(pl.col("first_order"), w2_start, buckets).alias("tenure"))
        .group_by("tenure").agg(pl.len().cast(pl.Int64).alias("active_now"), pl.col("gross_profit").sum())
    )
    return (
        pl.LazyFrame({"tenure": list(range(buckets))}, schema={"tenure": pl.Int32})
        .join(prev, on="tenure", how="left").join(now, on="tenure", how="left")
        .select("tenure", *(pl.col(c).fill_null(0).cast(pl.Int64) for c in ("active_prev", "retained", "active_now")),
                pl.col("gross_profit").cast(pl.Float64))
        .sort("tenure")
        .collect()
    )


def retention_inputs_from_counts(counts: pl.DataFrame, acquisition_spend: float, *,
                                 as_of: dt.date) -> RetentionInputs:
    """Retention, margin and base by tenure from :func:`tenure_counts` (or the same counts from the database).

    ``acquisition_spend``: spend of the acquisition channels in the last 12 months (currency).
    The ``tenure`` frame has one row per bucket: ``tenure`` (i32), ``active_prev``, ``retained``,
    ``active_now`` (i64), ``retention`` (0..1, null without customers), ``margin_per_active``
    (currency per customer per year, null without customers).
    """
    tenure = (
        counts.lazy()
        .with_columns(
            pl.col("tenure").cast(pl.Int32),
            pl.when(pl.col("active_prev") > 0).then(pl.col("retained") / pl.col("active_prev")).alias("retention"),
            pl.when(pl.col("active_now") > 0).then(pl.col("gross_profit") / pl.col("active_now"))
            .alias("margin_per_active"),
        )
        .select("tenure", "active_prev", "retained", "retention", "active_now", "margin_per_active")
        .sort("tenure")
        .collect()
    )
    new = int(tenure["active_now"][0])
    total_prev = int(tenure["active_prev"].sum())
    return RetentionInputs(
        tenure=tenure, new_customers=new, acquisition_spend=float(acquisition_spend),
        cac=float(acquisition_spend) / new if new else None,
        retention=float(tenure["retained"].sum()) / total_prev if total_prev else None, as_of=as_of,
    )


def retention_inputs(base: pl.DataFrame, daily: pl.DataFrame, acquisition_spend: float, *, as_of: dt.date,
                     months: int = 12, buckets: int = TENURE_BUCKETS) -> RetentionInputs:
    """Retention, margin and base by tenure (module docstring) from a :func:`customer_base`:
    :func:`tenure_counts` then :func:`retention_inputs_from_counts`."""
    return retention_inputs_from_counts(tenure_counts(base, daily, as_of=as_of, months=months, buckets=buckets),
                                        acquisition_spend, as_of=as_of)


def profit_projection(inputs: RetentionInputs, *, delta: float = 0.0, years: int = 3,
                      discount_rate: float = 0.12) -> pl.DataFrame:
    """Year-by-year projection at retention + ``delta`` (a share: 0.05 = 5 points).

    Returns ``year`` (i32, 1..years), ``active_customers`` (f64), ``gross_profit``,
    ``acquisition_cost``, ``profit`` and ``discounted_profit`` (currency). Empty when the
    retention or margin of some tenure is unknown (no customers to measure it on).
    """
    tb = inputs.tenure
    schema = {"year": pl.Int32, "active_customers": pl.Float64, "gross_profit": pl.Float64,
              "acquisition_cost": pl.Float64, "profit": pl.Float64, "discounted_profit": pl.Float64}
    if tb["retention"].null_count() or tb["margin_per_active"].null_count():
        return pl.DataFrame(schema=schema)
    r = [min(x + delta, 1.0) for x in tb["retention"].to_list()]
    m = tb["margin_per_active"].to_list()
    n = [float(x) for x in tb["active_now"].to_list()]
    cost = inputs.new_customers * (inputs.cac or 0.0)
    rows = []
    for year in range(1, years + 1):
        nxt = [0.0] * len(n)
        nxt[0] = float(inputs.new_customers)
        for k, count in enumerate(n):
            nxt[min(k + 1, len(n) - 1)] += count * r[k]
        n = nxt
        gp = sum(c * mk for c, mk in zip(n, m))
        rows.append((year, sum(n), gp, cost, gp - cost, (gp - cost) / (1.0 + discount_rate) ** year))
    return pl.DataFrame(rows, schema=schema, orient="row")


def retention_sensitivity(inputs: RetentionInputs, *, deltas: Sequence[float] = tuple(i / 100 for i in range(11)),
                          years: int = 3, discount_rate: float = 0.12) -> pl.DataFrame:
    """Profit over the horizon for each retention increase.

    Returns ``delta_points`` (f64, percentage points), ``retention`` (0..1, overall, the
    baseline's + delta, capped), ``profit`` (currency, discounted total), ``baseline_profit``,
    ``difference`` (currency) and ``difference_pct`` (difference / baseline; null when the
    baseline is not positive). Empty when the projection cannot be made.
    """
    base = profit_projection(inputs, delta=0.0, years=years, discount_rate=discount_rate)
    schema = {"delta_points": pl.Float64, "retention": pl.Float64, "profit": pl.Float64,
              "baseline_profit": pl.Float64, "difference": pl.Float64, "difference_pct": pl.Float64}
    if base.height == 0:
        return pl.DataFrame(schema=schema)
    b = float(base["discounted_profit"].sum())
    rows = []
    for d in deltas:
        p = float(profit_projection(inputs, delta=d, years=years, discount_rate=discount_rate)["discounted_profit"]
                  .sum())
        rows.append((d * 100.0, min((inputs.retention or 0.0) + d, 1.0), p, b, p - b, (p - b) / b if b > 0 else None))
    return pl.DataFrame(rows, schema=schema, orient="row")


def nps_group_of_first_purchase(nps_responses: pl.DataFrame, base: pl.DataFrame, *,
                                answer_days: int = ANSWER_DAYS) -> pl.DataFrame:
    """Each customer's NPS group from the first answer given within ``answer_days`` of their first purchase.

    Returns ``customer_id`` and ``nps_group`` (promoter 9–10, passive 7–8, detractor 0–6).
    """
    return (
        nps_responses.lazy().filter(pl.col("customer_id").is_not_null())
        .join(base.lazy().select("customer_id", "first_order"), on="customer_id")
        .filter(pl.col("responded_at").cast(pl.Date) <= pl.col("first_order") + dt.timedelta(days=answer_days))
        .sort("responded_at", "customer_id")
        .group_by("customer_id").agg(pl.col("score").first())
        .select("customer_id", nps_group("score").alias("nps_group"))
        .sort("customer_id")
        .collect()
    )


def _first_year(base: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date, days: int) -> pl.LazyFrame:
    """Customers with a full year observed: repeat purchase (bool) and gross profit in the first ``days``."""
    eligible = base.lazy().filter(pl.col("first_order") <= as_of - dt.timedelta(days=days)) \
        .select("customer_id", "first_order")
    year = (
        purchases(daily, as_of=as_of).join(eligible, on="customer_id")
        .filter(pl.col("day") <= pl.col("first_order") + dt.timedelta(days=days))
        .group_by("customer_id").agg(
            (pl.col("day") > pl.col("first_order")).any().alias("repeat"), pl.col("gross_profit").sum())
    )
    return eligible.join(year, on="customer_id", how="left").with_columns(
        pl.col("repeat").fill_null(False), pl.col("gross_profit").fill_null(0.0))


def nps_group_counts(base: pl.DataFrame, daily: pl.DataFrame, groups: pl.DataFrame, referrals: pl.DataFrame, *,
                     as_of: dt.date, days: int = 365) -> pl.DataFrame:
    """The sums :func:`nps_value_from_counts` needs, from customer rows (see :func:`value_by_nps_group`).

    One row per NPS group present, plus a row with ``nps_group`` null for the referred customers:
    ``nps_group`` (str), ``customers`` (i64: customers with a full first year observed), ``repeaters`` (i64:
    of those, bought again within ``days``), ``gross_profit`` (f64, currency: their first-year gross profit)
    and ``referrals`` (i64: referrals they made up to ``as_of``; 0 on the referred row). The database
    computes the same (``connectors.customer_value.nps_group_counts``).
    """
    year = _first_year(base, daily, as_of=as_of, days=days)
    refs = referrals.lazy().filter(pl.col("referred_at") < dt.datetime.combine(as_of + dt.timedelta(days=1),
                                                                                 dt.time()))
    made = refs.group_by("referrer_customer_id").agg(pl.len().alias("referrals")).rename(
        {"referrer_customer_id": "customer_id"})
    referred_ids = refs.select(pl.col("referred_customer_id").alias("customer_id")).unique()
    sums = (pl.len().cast(pl.Int64).alias("customers"), pl.col("repeat").sum().cast(pl.Int64).alias("repeaters"),
            pl.col("gross_profit").sum().cast(pl.Float64))
    per_group = (
        year.join(groups.lazy(), on="customer_id").join(made, on="customer_id", how="left")
        .group_by("nps_group").agg(*sums, pl.col("referrals").fill_null(0).sum().cast(pl.Int64))
    )
    referred = year.join(referred_ids, on="customer_id").select(
        pl.lit(None, dtype=pl.String).alias("nps_group"), *sums, pl.lit(0, dtype=pl.Int64).alias("referrals"))
    return pl.concat([per_group, referred]).collect()


def nps_value_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """Observed value of promoters, passives and detractors from :func:`nps_group_counts` (module docstring).

    Returns one row per group in ``NPS_GROUPS`` order: ``nps_group``, ``customers`` (i64), ``repeat_rate``
    (0..1: bought again within the first year), ``gross_profit_12m`` (currency per customer, first year incl.
    the first purchase), ``referrals_per_customer`` (referrals made up to the as-of day), ``referred_value``
    (currency: first-year gross profit per referred customer, all groups pooled; 0 without any) and
    ``value`` = gross_profit_12m + referrals_per_customer × referred_value (null for a group with no customers).
    """
    referred = counts.filter(pl.col("nps_group").is_null())
    n = int(referred["customers"].sum()) if referred.height else 0
    referred_value = float(referred["gross_profit"].sum()) / n if n else 0.0
    per = pl.col("customers")
    return (
        pl.LazyFrame({"nps_group": list(NPS_GROUPS)})
        .join(counts.lazy().filter(pl.col("nps_group").is_not_null()), on="nps_group", how="left",
              maintain_order="left")
        .select(
            "nps_group", per.fill_null(0).cast(pl.Int64).alias("customers"),
            pl.when(per > 0).then(pl.col("repeaters") / per).alias("repeat_rate"),
            pl.when(per > 0).then(pl.col("gross_profit") / per).alias("gross_profit_12m"),
            pl.when(per > 0).then(pl.col("referrals") / per).alias("referrals_per_customer"),
            pl.lit(referred_value).alias("referred_value"),
        )
        .with_columns((pl.col("gross_profit_12m") + pl.col("referrals_per_customer") * pl.col("referred_value"))
                      .alias("value"))
        .collect()
    )


def value_by_nps_group(base: pl.DataFrame, daily: pl.DataFrame, groups: pl.DataFrame, referrals: pl.DataFrame, *,
                       as_of: dt.date, days: int = 365) -> pl.DataFrame:
    """Observed value of promoters, passives and detractors (:func:`nps_value_from_counts` of the counts).

    Inputs: :func:`customer_base`, :func:`daily_purchases`, :func:`nps_group_of_first_purchase`, referrals
    (``referrer_customer_id``, ``referred_customer_id``, ``referred_at``). Customers whose
    first purchase is at least ``days`` before ``as_of``.
    """
    return nps_value_from_counts(nps_group_counts(base, daily, groups, referrals, as_of=as_of, days=days))


def complaint_counts(complaints: pl.DataFrame, orders: pl.DataFrame, *, as_of: dt.date, standard_hours: float,
                     days: int = 365) -> pl.DataFrame:
    """The sums :func:`complaint_outcomes_from_counts` needs, from complaint and order rows.

    Complaints of known customers opened at least ``days`` before ``as_of``; *fast* = resolved within
    ``standard_hours`` of opening, *slow* = later or still open. One row per speed present: ``speed``,
    ``complaints`` (i64), ``ordered_again`` (i64: complaints followed by an order within ``days``) and
    ``gross_profit`` (f64, currency: gross profit of those orders). The database computes the same
    (``connectors.customer_value.complaint_counts``).
    """
    end = dt.datetime.combine(as_of - dt.timedelta(days=days) + dt.timedelta(days=1), dt.time())
    comp = (
        complaints.lazy().filter(pl.col("customer_id").is_not_null() & (pl.col("opened_at") < end))
        .with_columns(pl.when(resolved_within_standard(standard_hours)).then(pl.lit("fast")).otherwise(pl.lit("slow")).alias("speed"))
        .with_row_index("_k")
        .select("_k", "customer_id", "opened_at", "speed")
    )
    after = (
        comp.join(orders.lazy().select("customer_id", "ordered_at", "revenue", "cost_of_goods"), on="customer_id")
        .filter((pl.col("ordered_at") > pl.col("opened_at"))
                & (pl.col("ordered_at") <= pl.col("opened_at") + dt.timedelta(days=days)))
        .group_by("_k").agg(pl.len().alias("n"), (pl.col("revenue") - pl.col("cost_of_goods")).sum().alias("gp"))
    )
    return (
        comp.join(after, on="_k", how="left")
        .group_by("speed").agg(
            pl.len().cast(pl.Int64).alias("complaints"),
            (pl.col("n").fill_null(0) > 0).sum().cast(pl.Int64).alias("ordered_again"),
            pl.col("gp").fill_null(0.0).sum().cast(pl.Float64).alias("gross_profit"),
        )
        .collect()
    )


def complaint_outcomes_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """What happened after complaints resolved within the standard vs late, from :func:`complaint_counts`.

    Returns rows ``speed`` ("fast", "slow"), ``complaints`` (i64), ``ordered_again`` (0..1: a purchase
    within the year after opening) and ``gross_profit_12m`` (currency per complaint: gross profit of the
    customer's orders in that year); null shares for a speed with no complaints.
    """
    n = pl.col("complaints")
    return (
        pl.LazyFrame({"speed": ["fast", "slow"]}).join(counts.lazy(), on="speed", how="left", maintain_order="left")
        .select("speed", n.fill_null(0).cast(pl.Int64).alias("complaints"),
                pl.when(n > 0).then(pl.col("ordered_again") / n).alias("ordered_again"),
                pl.when(n > 0).then(pl.col("gross_profit") / n).alias("gross_profit_12m"))
        .collect()
    )


def complaint_outcomes(complaints: pl.DataFrame, orders: pl.DataFrame, *, as_of: dt.date, standard_hours: float,
                       days: int = 365) -> pl.DataFrame:
    """What happened after complaints resolved within the standard vs late:
    :func:`complaint_outcomes_from_counts` of :func:`complaint_counts`."""
    return complaint_outcomes_from_counts(complaint_counts(complaints, orders, as_of=as_of,
                                                           standard_hours=standard_hours, days=days))


register(
    MetricSpec(
        "retention_profit_impact", "Retention-to-profit impact", "Влияние удержания на прибыль",
        "Discounted profit over the horizon (gross profit of the active customers − acquisition cost) if yearly "
        "retention were Δ points higher, minus the same at today's retention. Inputs from the company's data: "
        "retention and gross profit per active customer by tenure (previous vs last 12 months), new customers per "
        "year and CAC; horizon and discount rate are settings.",
        "Дисконтированная прибыль за горизонт (валовая прибыль активных клиентов − затраты на привлечение) при "
        "годовом удержании на Δ п. выше минус та же прибыль при нынешнем удержании. Исходные данные компании: "
        "удержание и валовая прибыль на активного клиента по стажу (прошлые и последние 12 месяцев), новые клиенты "
        "в год и CAC; горизонт и ставка дисконтирования — настройки.",
        "money", "derived", ("gross_profit", "cac_12m"),
    ),
    MetricSpec(
        "cac_12m", "CAC (last 12 months)", "CAC (последние 12 месяцев)",
        "Customer acquisition cost = acquisition spend (the sales channels') / new customers, last 12 months.",
        "Стоимость привлечения клиента = затраты на привлечение (каналы продаж) / новые клиенты, последние "
        "12 месяцев.",
        "money", "ratio", ("spend",), higher_is_better=False,
    ),
    MetricSpec(
        "promoter_value", "Value of a promoter vs a detractor", "Ценность промоутера против критика",
        "Difference in first-year gross profit per customer plus referrals × first-year gross profit of a referred "
        "customer, between customers who rated their first purchase 9–10 and those who rated it 0–6.",
        "Разница первой годовой валовой прибыли на клиента плюс рекомендации × первая годовая валовая прибыль "
        "приведённого клиента между оценившими первую покупку на 9–10 и на 0–6.",
        "money", "derived", ("gross_profit", "nps"),
    ),
    MetricSpec(
        "complaint_value", "Value of a complaint resolved within the standard",
        "Ценность жалобы, решённой в срок",
        "Gross profit from the customer in the 12 months after a complaint resolved within the standard (a "
        "setting, hours) minus the same after a complaint resolved late or not at all.",
        "Валовая прибыль от клиента за 12 месяцев после жалобы, решённой в пределах стандарта (настройка, часы), "
        "минус та же прибыль после жалобы, решённой с опозданием или не решённой.",
        "money", "derived", ("gross_profit",),
    ),
)
