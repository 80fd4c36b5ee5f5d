"""Customer status segments and their summary (cohorts, churn, repeat purchases and historical CLV are in
:mod:`metrics.cohorts`; the database computes the same statuses: ``connectors.customer_status``).

Everything is measured "as of" a day (the end of the chosen period), from orders
up to and including that day. A *purchase* is a calendar day with at least one
order. Month windows are calendar months (``months_before``): with the default
settings a customer whose last order was on or after 1 Nov 2025 is active on
31 Oct 2026.

Customer status (PRODUCT.md; thresholds are settings), first match wins:

1. **offended** — on the as-of day the customer has a complaint opened and not yet
   resolved, or, within the last ``active_months``, answered the NPS question with
   0–6 or left a negative review (rating 1–2, or the source's sentiment "negative"
   when there is no rating). Overrides everything below.
2. **seasonal** — :func:`seasonal_customers` finds a season for them, the as-of
   month is outside it, and their last order is within ``active_months``.
3. **loyal** — last order within ``active_months`` and at least ``loyal_orders`` purchases.
4. **non_loyal** — last order within ``active_months`` and exactly one purchase.
5. **active** — last order within ``active_months`` (the rest: 2 .. loyal_orders − 1 purchases).
6. **lapsed** — last order ``active_months`` .. ``lost_months`` ago (lost < 1 year).
7. **lost** — last order more than ``lost_months`` ago (lost > 1 year).
"""

from __future__ import annotations

import calendar
import datetime as dt

import polars as pl

from metrics.rules import is_detractor
from metrics.specs import MetricSpec, register

NEGATIVE_RATING_MAX = 2  # a review of 1–2 stars is negative
SEASON_MONTHS = 3  # a season is at most this many consecutive months
SEASON_YEARS = 2  # ... in which repeat purchases fell in at least this many years
STATUSES = ("active", "loyal", "non_loyal", "seasonal", "offended", "lapsed", "lost")
ACTIONS = {
    "active": "sell", "loyal": "keep", "non_loyal": "make_loyal", "seasonal": "sell_off_season",
    "offended": "reconcile", "lapsed": "win_back", "lost": "win_back",
}


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to the month's last day)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def month_index(col: str) -> pl.Expr:
    """year · 12 + month − 1 of a date column."""
    return pl.col(col).dt.year().cast(pl.Int32) * 12 + pl.col(col).dt.month().cast(pl.Int32) - 1


def daily_purchases(orders: pl.DataFrame) -> pl.DataFrame:
    """One row per customer and purchase day: ``customer_id``, ``day`` (date), ``revenue`` and
    ``gross_profit`` (currency, the day's orders summed). Every function below takes this frame
    (computed once: it is the expensive step on millions of orders)."""
    return (
        orders.lazy()
        .group_by("customer_id", pl.col("ordered_at").cast(pl.Date).alias("day"))
        .agg(pl.col("revenue").sum().cast(pl.Float64),
             (pl.col("revenue") - pl.col("cost_of_goods")).sum().cast(pl.Float64).alias("gross_profit"))
        .collect()
    )


def purchases(daily: pl.DataFrame, *, as_of: dt.date) -> pl.LazyFrame:
    """The :func:`daily_purchases` up to and including ``as_of``."""
    return daily.lazy().filter(pl.col("day") <= as_of)


def customer_base(customers: pl.DataFrame, daily: pl.DataFrame, *, as_of: dt.date) -> pl.DataFrame:
    """Customers with at least one order up to ``as_of``, with their history to date.

    Returns ``customer_id``, ``acquisition_channel_id``, ``region``, ``segment`` (str),
    ``first_order``, ``last_order`` (date), ``purchases`` (i64, purchase days),
    ``revenue`` and ``gross_profit`` (f64, currency, to date). Sorted by customer.
    """
    hist = purchases(daily, as_of=as_of).group_by("customer_id").agg(
        pl.col("day").min().alias("first_order"), pl.col("day").max().alias("last_order"),
        pl.len().cast(pl.Int64).alias("purchases"), pl.col("revenue").sum(), pl.col("gross_profit").sum(),
    )
    return (
        customers.lazy().select("customer_id", "acquisition_channel_id", "region", "segment")
        .join(hist, on="customer_id", how="inner")
        .sort("customer_id")
        .collect()
    )


def offended_customers(complaints: pl.DataFrame, nps_responses: pl.DataFrame, reviews: pl.DataFrame, *,
                       as_of: dt.date, months: int = 12) -> pl.DataFrame:
    """Customers with a grievance on ``as_of`` (see the module docstring).

    Returns ``customer_id`` (i64) and three booleans ``open_complaint``, ``detractor``,
    ``negative_review``; one row per customer with at least one of them.
    """
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    since = dt.datetime.combine(months_before(as_of, months) + dt.timedelta(days=1), dt.time())
    open_c = complaints.lazy().filter(
        pl.col("customer_id").is_not_null() & (pl.col("opened_at") < end)
        & (pl.col("resolved_at").is_null() | (pl.col("resolved_at") >= end))
    ).select("customer_id", pl.lit(True).alias("open_complaint"))
    det = nps_responses.lazy().filter(
        pl.col("customer_id").is_not_null() & (pl.col("responded_at") >= since) & (pl.col("responded_at") < end)
        & is_detractor(pl.col("score"))
    ).select("customer_id", pl.lit(True).alias("detractor"))
    negative = pl.when(pl.col("rating").is_not_null()).then(pl.col("rating") <= NEGATIVE_RATING_MAX).otherwise(
        pl.col("sentiment") == "negative")
    neg = reviews.lazy().filter(
        pl.col("customer_id").is_not_null() & (pl.col("created_at") >= since) & (pl.col("created_at") < end)
        & negative.fill_null(False)
    ).select("customer_id", pl.lit(True).alias("negative_review"))
    parts = [f.unique("customer_id") for f in (open_c, det, neg)]
    ids = pl.concat([p.select("customer_id") for p in parts]).unique()
    out = ids
    for p in parts:
        out = out.join(p, on="customer_id", how="left")
    return out.with_columns(pl.col("open_complaint", "detractor", "negative_review").fill_null(False)) \
        .sort("customer_id").collect()


def seasonal_customers(daily: pl.DataFrame, *, as_of: dt.date, season_months: int = SEASON_MONTHS,
                       min_years: int = SEASON_YEARS) -> pl.DataFrame:
    """Customers whose repeat purchases come back in the same months year after year.

    The rule, exactly: take the customer's purchase days up to ``as_of`` **except the
    first** (its timing is set by the marketing that found them, not by their habit).
    A *season* is a window of ``season_months`` consecutive calendar months, wrapping
    over the new year (Nov–Jan is a window). The customer is seasonal when, for some
    window, **every** repeat purchase falls inside it and they fall in at least
    ``min_years`` different *season years* (the calendar year in which that window
    starts). With several such windows the earliest-starting one is their season.

    Returns ``customer_id``, ``season_start`` and ``season_end`` (i32 month numbers 1..12,
    end possibly smaller than start when the window wraps) and ``in_season`` (bool: the
    as-of month lies in the window).
    """
    rep = (
        purchases(daily, as_of=as_of).select("customer_id", "day")
        .filter(pl.col("day") > pl.col("day").min().over("customer_id"))  # repeat purchases only
        .with_columns((pl.col("day").dt.month().cast(pl.Int32) - 1).alias("m"),
                      pl.col("day").dt.year().cast(pl.Int32).alias("y"))
    )
    # months with a repeat purchase as a 12-bit mask; a window fits when the mask has no bit outside it
    bit = pl.col("m").replace_strict({i: 1 << i for i in range(12)}, return_dtype=pl.Int32)
    masks = rep.group_by("customer_id").agg(bit.unique().sum().alias("mask"))
    windows = [sum(1 << ((s + k) % 12) for k in range(season_months)) for s in range(12)]
    fits = masks.with_columns(
        pl.min_horizontal([pl.when((pl.col("mask") & pl.lit(0xFFF ^ w, dtype=pl.Int32)) == 0)
                           .then(pl.lit(s, dtype=pl.Int32)) for s, w in enumerate(windows)]).alias("s")
    ).filter(pl.col("s").is_not_null()).select("customer_id", "s")
    years = (
        rep.join(fits, on="customer_id")
        .with_columns(season_year=pl.col("y") - (pl.col("m") < pl.col("s")).cast(pl.Int32))
        .group_by("customer_id", "s").agg(pl.col("season_year").n_unique().alias("years"))
        .filter(pl.col("years") >= min_years)
    )
    as_of_m = as_of.month - 1
    return (
        years.select(
            "customer_id",
            (pl.col("s") + 1).alias("season_start"),
            ((pl.col("s") + season_months - 1) % 12 + 1).cast(pl.Int32).alias("season_end"),
            (((as_of_m - pl.col("s")) % 12) < season_months).alias("in_season"),
        )
        .sort("customer_id")
        .collect()
    )


def customer_status(base: pl.DataFrame, offended: pl.DataFrame, seasonal: pl.DataFrame, *, as_of: dt.date,
                    active_months: int = 12, lost_months: int = 24, loyal_orders: int = 3) -> pl.DataFrame:
    """Each customer's status (module docstring) and its recommended action.

    Inputs: :func:`customer_base`, :func:`offended_customers`, :func:`seasonal_customers`.
    Returns the base's columns plus ``status`` and ``action`` (str, codes of ``STATUSES``
    and ``ACTIONS``).
    """
    active_since = months_before(as_of, active_months)  # last order after this day: active
    lost_before = months_before(as_of, lost_months)  # last order on or before this day: lost
    flagged = offended.select("customer_id", pl.lit(True).alias("_offended"))
    season = seasonal.filter(~pl.col("in_season")).select("customer_id", pl.lit(True).alias("_seasonal"))
    active = pl.col("last_order") > active_since
    status = (
        pl.when(pl.col("_offended")).then(pl.lit("offended"))
        .when(active & pl.col("_seasonal")).then(pl.lit("seasonal"))
        .when(active & (pl.col("purchases") >= loyal_orders)).then(pl.lit("loyal"))
        .when(active & (pl.col("purchases") == 1)).then(pl.lit("non_loyal"))
        .when(active).then(pl.lit("active"))
        .when(pl.col("last_order") > lost_before).then(pl.lit("lapsed"))
        .otherwise(pl.lit("lost"))
    )
    return (
        base.lazy()
        .join(flagged.lazy(), on="customer_id", how="left")
        .join(season.lazy(), on="customer_id", how="left")
        .with_columns(pl.col("_offended", "_seasonal").fill_null(False))
        .with_columns(status.alias("status"))
        .with_columns(pl.col("status").replace_strict(ACTIONS).alias("action"))
        .drop("_offended", "_seasonal")
        .collect()
    )


def status_sums(statuses: pl.DataFrame, predicted: pl.DataFrame | None = None) -> pl.DataFrame:
    """What :func:`status_summary_from_sums` needs, from :func:`customer_status` rows and optionally each
    customer's predicted ``clv`` (``customer_id``, ``clv``): per status present ``status``, ``customers``
    (i64), ``revenue``, ``gross_profit`` (f64, to date), ``clv_sum`` (f64) and ``clv_customers`` (i64,
    customers with a prediction)."""
    lf = statuses.lazy()
    if predicted is not None:
        lf = lf.join(predicted.lazy().select("customer_id", "clv"), on="customer_id", how="left")
    else:
        lf = lf.with_columns(pl.lit(None, dtype=pl.Float64).alias("clv"))
    return lf.group_by("status").agg(
        pl.len().cast(pl.Int64).alias("customers"), pl.col("revenue").sum().cast(pl.Float64),
        pl.col("gross_profit").sum().cast(pl.Float64), pl.col("clv").sum().cast(pl.Float64).alias("clv_sum"),
        pl.col("clv").count().cast(pl.Int64).alias("clv_customers"),
    ).collect()


def status_summary_from_sums(sums: pl.DataFrame) -> pl.DataFrame:
    """Per status: size and value, from :func:`status_sums` (or the same sums from the database).

    Returns one row per status in ``STATUSES`` order: ``status``, ``action``, ``customers``
    (i64), ``customer_share``, ``revenue_share``, ``gross_profit_share`` (0..1, of all
    revenue / gross profit to date), ``historical_clv`` (currency: gross profit to date per
    customer) and ``predicted_clv`` (currency per customer; null without predictions).
    """
    total = sums.select(pl.col("customers").sum().alias("n"), pl.col("revenue").sum().alias("rev"),
                        pl.col("gross_profit").sum().alias("gp")).row(0, named=True)

    def share(col: str, denom: float) -> pl.Expr:
        return (pl.col(col) / denom if denom else pl.lit(None, dtype=pl.Float64)).alias(f"{col}_share")

    return (
        pl.LazyFrame({"status": list(STATUSES)})
        .join(sums.lazy(), on="status", how="left", maintain_order="left")
        .with_columns(pl.col("customers").fill_null(0), pl.col("revenue", "gross_profit").fill_null(0.0))
        .with_columns(
            pl.col("status").replace_strict(ACTIONS).alias("action"),
            (pl.col("customers") / total["n"] if total["n"] else pl.lit(None, dtype=pl.Float64)).alias(
                "customer_share"),
            share("revenue", total["rev"]), share("gross_profit", total["gp"]),
            pl.when(pl.col("customers") > 0).then(pl.col("gross_profit") / pl.col("customers")).alias(
                "historical_clv"),
            pl.when(pl.col("clv_customers") > 0).then(pl.col("clv_sum") / pl.col("clv_customers"))
            .alias("predicted_clv"),
        )
        .select("status", "action", "customers", "customer_share", "revenue_share", "gross_profit_share",
                "historical_clv", "predicted_clv")
        .collect()
    )


def status_summary(statuses: pl.DataFrame, predicted: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per status: size and value (:func:`status_summary_from_sums` of :func:`status_sums`)."""
    return status_summary_from_sums(status_sums(statuses, predicted))


register(
    MetricSpec(
        "customer_status", "Customers by status", "Клиенты по статусам",
        "Status on the last day of the period. Active: ordered within the active window (setting, 12 months); "
        "loyal: active with at least the loyal number of purchases (setting, 3); non-loyal: active with one "
        "purchase; seasonal: repeat purchases all in the same ≤3 months in at least two years, now outside that "
        "season; offended: an open complaint, an NPS answer 0–6 or a negative review in the last 12 months "
        "(overrides the others); lapsed: last order 12–24 months ago; lost: over 24 months (setting).",
        "Статус на последний день периода. Активный: заказывал в пределах окна активности (настройка, 12 мес.); "
        "лояльный: активный, покупок не меньше порога (настройка, 3); нелояльный: активный с одной покупкой; "
        "сезонный: повторные покупки не менее двух лет подряд в одни и те же ≤3 месяца, сейчас не сезон; "
        "обиженный: незакрытая жалоба, ответ NPS 0–6 или негативный отзыв за 12 месяцев (важнее остальных); "
        "потерянный < 1 года: последний заказ 12–24 месяца назад; потерянный > 1 года: больше 24 месяцев (настройка).",
        "count",
    ),
    MetricSpec(
        "repeat_rate", "Repeat-purchase rate", "Доля повторных покупок",
        "Customers who bought again within 12 months of their first purchase / customers whose first purchase was "
        "at least 12 months before the end of the period.",
        "Клиенты, купившие повторно в течение 12 месяцев после первой покупки / клиенты, чья первая покупка была "
        "не позже чем за 12 месяцев до конца периода.",
        "ratio", "ratio", ("customer_status",),
    ),
    MetricSpec(
        "churn_rate", "Churn rate", "Отток",
        "Customers active at the start of the period (a purchase in the 12 months before) who are no longer "
        "active at its end / customers active at the start.",
        "Клиенты, активные в начале периода (покупка за 12 месяцев до него), но уже не активные в конце / "
        "клиенты, активные в начале.",
        "ratio", "ratio", ("customer_status",), higher_is_better=False,
    ),
    MetricSpec(
        "cohort_retention", "Cohort retention", "Удержание когорт",
        "Share of the customers acquired in a month (their first purchase) who bought in each later month.",
        "Доля клиентов, привлечённых в месяце (первая покупка), которые покупали в каждом следующем месяце.",
        "ratio",
    ),
    MetricSpec(
        "historical_clv", "Historical CLV", "Накопленная ценность клиента",
        "Gross profit of a cohort's purchases so far / customers acquired in that cohort (cumulative, by months "
        "since acquisition).",
        "Валовая прибыль с покупок когорты на сегодня / число привлечённых в ней клиентов (накопительно, по "
        "месяцам с привлечения).",
        "money", "derived", ("gross_profit",),
    ),
)
