"""Journeys to a sale: touches and days to conversion, the funnel, the channel selection
table and the payback period."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.sales import _costed, _ratio

TOUCH_BUCKETS = (1, 2, 3, 4, 5, 6, 8, 10)  # last bucket is "10 or more"
DAY_EDGES = (1.0, 3.0, 7.0, 14.0, 30.0, 60.0)  # buckets: <1, 1–3, 3–7, 7–14, 14–30, 30–60, ≥60


@dataclass(frozen=True)
class TouchCounts:
    """New customers' journeys to the first order, counted (the database returns these; see
    :func:`touch_counts` for the same counts from one row per customer).

    ``by_touches``: ``touches`` (i64, touches up to the first order; 0 = untracked), ``customers`` (i64).
    ``by_days``: ``bucket`` (i64, :func:`day_bucket` of the days from the first touch to the first
    order; null = untracked), ``customers``.
    ``by_first_channel`` (tracked customers): ``first_channel``, ``customers``, ``touches`` (i64, sum),
    ``median_touches``, ``median_days`` (f64).
    ``by_acquisition`` (tracked customers): ``channel_id`` (acquisition channel), ``customers``,
    ``touches`` (i64, sum). ``new_customers``: every new customer, tracked or not.
    """

    by_touches: pl.DataFrame
    by_days: pl.DataFrame
    by_first_channel: pl.DataFrame
    by_acquisition: pl.DataFrame
    new_customers: int


def day_bucket(days: pl.Expr) -> pl.Expr:
    """The bucket (0..6: <1, 1–3, 3–7, 7–14, 14–30, 30–60, ≥60 days) of a number of days; null stays null."""
    bucket = pl.when(days.is_not_null()).then(pl.lit(0))
    for k, edge in enumerate(DAY_EDGES, start=1):
        bucket = pl.when(days >= edge).then(pl.lit(k)).otherwise(bucket)
    return bucket.cast(pl.Int64)


def touch_counts(journeys: pl.DataFrame) -> TouchCounts:
    """:class:`TouchCounts` from one row per new customer (``acquisition_channel_id``, ``first_channel``,
    ``touches``, ``days``; as :func:`connectors.journeys.read_conversion_touches` returns)."""
    tracked = journeys.filter(pl.col("touches") > 0)
    count = pl.len().cast(pl.Int64).alias("customers")
    return TouchCounts(
        by_touches=journeys.group_by("touches").agg(count).sort("touches"),
        by_days=journeys.group_by(day_bucket(pl.col("days")).alias("bucket")).agg(count).sort("bucket", nulls_last=True),
        by_first_channel=tracked.group_by("first_channel").agg(
            count, pl.col("touches").sum().cast(pl.Int64),
            pl.col("touches").median().cast(pl.Float64).alias("median_touches"),
            pl.col("days").median().cast(pl.Float64).alias("median_days"),
        ).sort("first_channel"),
        by_acquisition=tracked.group_by(pl.col("acquisition_channel_id").alias("channel_id")).agg(
            count, pl.col("touches").sum().cast(pl.Int64)).sort("channel_id", nulls_last=True),
        new_customers=journeys.height,
    )


def touches_distribution(counts: pl.DataFrame) -> pl.DataFrame:
    """How many touches new customers needed before their first order.

    Input: ``touches`` (i64; 0 = untracked, left out) and ``customers`` (i64), as
    :attr:`TouchCounts.by_touches`. Returns ``touches`` (i64: lower bound of the bucket 1, 2, 3,
    4, 5, 6–7, 8–9, 10+), ``customers`` (i64), ``share`` (0..1 of tracked customers); empty
    buckets shown as 0.
    """
    edges = list(TOUCH_BUCKETS)
    tracked = counts.filter(pl.col("touches") > 0)
    bucket = pl.lit(edges[0])
    for edge in edges[1:]:
        bucket = pl.when(pl.col("touches") >= edge).then(pl.lit(edge)).otherwise(bucket)
    counts = tracked.group_by(bucket.cast(pl.Int64).alias("touches")).agg(
        pl.col("customers").sum().cast(pl.Int64))
    return (
        pl.DataFrame({"touches": edges}, schema={"touches": pl.Int64})
        .join(counts, on="touches", how="left")
        .with_columns(pl.col("customers").fill_null(0))
        .with_columns(share=_ratio(pl.col("customers"), pl.col("customers").sum()))
    )


def days_distribution(counts: pl.DataFrame) -> pl.DataFrame:
    """Days from the first touch to the first order, in buckets.

    Input: ``bucket`` (i64, null = untracked, left out) and ``customers``, as
    :attr:`TouchCounts.by_days`. Returns ``bucket`` (i64, 0..6: <1, 1–3, 3–7, 7–14, 14–30, 30–60,
    ≥60 days), ``from_days`` (f64), ``to_days`` (f64, null for the last), ``customers`` (i64),
    ``share`` (0..1).
    """
    edges = list(DAY_EDGES)
    counts = counts.filter(pl.col("bucket").is_not_null()).group_by(pl.col("bucket").cast(pl.Int64)).agg(
        pl.col("customers").sum().cast(pl.Int64))
    frame = pl.DataFrame({
        "bucket": list(range(len(edges) + 1)),
        "from_days": [0.0, *edges],
        "to_days": [*edges, None],
    }, schema={"bucket": pl.Int64, "from_days": pl.Float64, "to_days": pl.Float64})
    return (
        frame.join(counts, on="bucket", how="left")
        .with_columns(pl.col("customers").fill_null(0))
        .with_columns(share=_ratio(pl.col("customers"), pl.col("customers").sum()))
    )


def touches_by_first_channel(stats: pl.DataFrame) -> pl.DataFrame:
    """Per first channel of the journey: ``first_channel``, ``customers`` (i64), ``mean_touches``,
    ``median_touches`` (touches), ``median_days`` (days), sorted by customers.

    Input: :attr:`TouchCounts.by_first_channel` (tracked customers only).
    """
    return (
        stats.filter(pl.col("customers") > 0)
        .select("first_channel", pl.col("customers").cast(pl.Int64),
                (pl.col("touches") / pl.col("customers")).alias("mean_touches"), "median_touches", "median_days")
        .sort(["customers", "first_channel"], descending=[True, False])
    )


def channel_selection(spend: pl.DataFrame, reach: pl.DataFrame, leads: pl.DataFrame,
                      stages: pl.DataFrame) -> pl.DataFrame:
    """The acquisition medium comparison: reach, cost per response, response rate, contact stages.

    Inputs: ``spend`` (``channel_id``, ``spend``, ``impressions``; every channel's), ``reach``
    (``channel_id``, ``reach`` = journeys the channel touched in the period), ``leads``
    (``channel_id`` = source, ``leads``), ``stages`` (:attr:`TouchCounts.by_acquisition`: tracked
    new customers per acquisition ``channel_id`` with their ``touches`` summed); finer rows are summed.
    Returns per channel: ``channel_id``, ``impressions`` (i64, paid media), ``reach`` (i64),
    ``responses`` (i64 = leads), ``response_rate`` = responses / reach (0..1), ``spend``
    (currency), ``cost_per_response`` = spend / responses (currency; null without spend), ``customers`` (i64, by
    lead source), ``contact_stages`` = mean touches before the first order of those customers.
    Channels with no reach and no leads are left out; sorted by responses.
    """
    money = spend.lazy().group_by("channel_id").agg(
        pl.col("spend").sum().cast(pl.Float64), pl.col("impressions").sum().cast(pl.Int64))
    responses = leads.lazy().group_by("channel_id").agg(pl.col("leads").sum().cast(pl.Int64).alias("responses"))
    stages = stages.lazy().group_by("channel_id").agg(pl.col("customers", "touches").sum()).select(
        "channel_id", pl.col("customers").cast(pl.Int64),
        _ratio(pl.col("touches"), pl.col("customers")).alias("contact_stages"))
    ids = pl.concat([reach.lazy().select("channel_id"), responses.select("channel_id")]).unique()
    return (
        ids.join(reach.lazy().select("channel_id", pl.col("reach").cast(pl.Int64)), on="channel_id", how="left")
        .join(responses, on="channel_id", how="left")
        .join(money, on="channel_id", how="left")
        .join(stages, on="channel_id", how="left")
        .with_columns(pl.col("reach", "responses", "customers").fill_null(0), pl.col("spend").fill_null(0.0))
        .with_columns(
            response_rate=_ratio(pl.col("responses"), pl.col("reach")),
            cost_per_response=_costed(_ratio(pl.col("spend"), pl.col("responses"))),
        )
        .select("channel_id", "impressions", "reach", "responses", "response_rate", "spend", "cost_per_response",
                "customers", "contact_stages")
        .sort(["responses", "channel_id"], descending=[True, False])
        .collect()
    )


def funnel(*, journeys: int, leads: int, new_customers: int, repeat_customers: int) -> pl.DataFrame:
    """The sales funnel: ``stage`` (journeys, leads, customers, repeat), ``count`` (i64) and
    ``rate`` = count / previous stage's count (0..1; null for the first stage or a zero base).
    """
    counts = [journeys, leads, new_customers, repeat_customers]
    return pl.DataFrame({"stage": ["journeys", "leads", "customers", "repeat"], "count": counts},
                        schema={"stage": pl.String, "count": pl.Int64}).with_columns(
        rate=_ratio(pl.col("count"), pl.col("count").shift(1))
    )


def cohort_margin_curve(margin: pl.DataFrame, sizes: pl.DataFrame) -> pl.DataFrame:
    """Cumulative gross profit per customer of a cohort, month by month since acquisition.

    Inputs from :func:`connectors.cohorts.read_cohort_margin`. Month k's gross profit per
    customer is averaged over the customers observed through month k only (no zeros for
    months that have not happened yet). Returns ``month`` (i64, 0 = the first order's month),
    ``customers`` (i64 observed through that month), ``gross_profit_per_customer`` (currency)
    and ``cumulative`` (currency); months up to the longest observed.
    """
    if sizes.height == 0:
        return pl.DataFrame(schema={"month": pl.Int64, "customers": pl.Int64,
                                    "gross_profit_per_customer": pl.Float64, "cumulative": pl.Float64})
    longest = int(sizes["observed"].max())
    months = pl.DataFrame({"month": list(range(longest))}, schema={"month": pl.Int64})
    observed = months.join(sizes, how="cross").filter(pl.col("observed") > pl.col("month")).group_by("month").agg(
        pl.col("customers").sum().cast(pl.Int64))
    profit = months.join(margin, on="month", how="inner").filter(pl.col("observed") > pl.col("month")).group_by("month").agg(pl.col("gross_profit").sum())
    return (
        months.join(observed, on="month", how="left")
        .join(profit, on="month", how="left")
        .filter(pl.col("customers") > 0)
        .with_columns(gross_profit_per_customer=pl.col("gross_profit").fill_null(0.0) / pl.col("customers"))
        .with_columns(cumulative=pl.col("gross_profit_per_customer").cum_sum())
        .select("month", "customers", "gross_profit_per_customer", "cumulative")
        .sort("month")
    )


def payback_months(curve: pl.DataFrame, cac: float | None) -> tuple[int | None, int]:
    """(months until the cohort's cumulative gross profit per customer covers the CAC, months observed).

    The first value counts month 0 as 1 (covered by the first order: 1 month); None when the
    curve never reaches the CAC within the months observed, or there is no CAC.
    """
    observed = curve.height
    if cac is None or observed == 0:
        return None, observed
    hit = curve.filter(pl.col("cumulative") >= cac)
    return (int(hit["month"][0]) + 1 if hit.height else None), observed
