"""Each pillar's estimated profit contribution in a period (an estimate: its method is shown with it).

- **Sales** = the period's new customers credited to the paid and owned sales channels by
  the data-driven (Markov) attribution model × the first-year gross profit of a new
  customer of that channel (from the company's own cohorts) − sales spend.
- **Communication** = the same for the communication channels: new customers credited to
  word of mouth and referrals (referred customers) and to social media, newsletters and
  events (engaged-follower conversions), × their first-year gross profit − communication
  spend.
- **Reputation** = buying customers × promoter share of the period's NPS answers ×
  (first-year value of a promoter − of a passive, referrals included) × the period's share
  of a year + complaints resolved
  within the standard × (gross profit in the 12 months after a fast − after a late
  resolution) − reputation spend.

New customers credited to earned sales channels (direct and organic visits) belong to no
pillar's estimate.
"""

from __future__ import annotations

import polars as pl

from metrics.rules import is_bought_acquisition
from metrics.specs import MetricSpec, register

SCHEMA = {"pillar": pl.String, "part": pl.String, "amount": pl.Float64}


def attributed_value(credit: pl.DataFrame, value: pl.DataFrame, channels: pl.DataFrame) -> pl.DataFrame:
    """What the period's new customers are worth in their first year, by the pillar that won them.

    Inputs: ``credit`` — new customers credited per ``channel`` (``conversions``, fractional) by an
    attribution model; ``value`` — :func:`metrics.scenarios.new_customer_value` (``channel_id``, null on
    the all-channel row, and ``gross_profit_per_customer``; a channel without its own cohort takes the
    all-channel value); ``channels`` (``channel_id``, ``pillar``, ``kind``). Returns rows
    (``pillar``, ``part``, ``amount``): sales/acquired (paid and owned sales channels),
    communication/referred (the referral channel), communication/engaged (other communication
    channels), reputation/attributed, none/organic (earned sales channels such as direct visits).
    """
    overall = value.filter(pl.col("channel_id").is_null())["gross_profit_per_customer"]
    fallback = float(overall[0]) if overall.len() and overall[0] is not None else 0.0
    per = value.filter(pl.col("channel_id").is_not_null()).select(
        pl.col("channel_id").alias("channel"), "gross_profit_per_customer")
    worth = (
        credit.lazy().select("channel", "conversions")
        .join(per.lazy(), on="channel", how="left")
        .join(channels.lazy().select(pl.col("channel_id").alias("channel"), "pillar", "kind"), on="channel", how="left")
        .with_columns(amount=pl.col("conversions") * pl.col("gross_profit_per_customer").fill_null(fallback))
        .with_columns(
            part=pl.when(is_bought_acquisition()).then(pl.lit("sales|acquired"))
            .when(pl.col("channel") == "referral").then(pl.lit("communication|referred"))
            .when(pl.col("pillar") == "communication").then(pl.lit("communication|engaged"))
            .when(pl.col("pillar") == "reputation").then(pl.lit("reputation|attributed"))
            .otherwise(pl.lit("none|organic"))
        )
        .group_by("part").agg(pl.col("amount").sum())
        .collect()
    )
    wanted = ["sales|acquired", "communication|referred", "communication|engaged", "reputation|attributed",
              "none|organic"]
    amounts = dict(zip(worth["part"].to_list(), worth["amount"].to_list()))
    rows = [(*key.split("|"), float(amounts.get(key, 0.0))) for key in wanted]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def reputation_value(*, buying_customers: int, promoter_share: float | None, promoter_gap: float | None,
                     fast_complaints: int, complaint_gap: float | None, period_days: int) -> pl.DataFrame:
    """The reputation pillar's value parts (currency): promoters and complaints resolved on time.

    ``promoter_gap``: yearly value of a promoter − of a passive, credited to the period pro rata
    (``period_days`` / 365, at most a year: the same customers buy again next period);
    ``complaint_gap``: gross profit in the 12 months after a fast − after a late resolution,
    credited in full to the period the complaint was opened in. Unknown inputs give a part of 0
    (nothing is claimed); negative gaps are not credited either.
    """
    share_of_year = min(period_days / 365.0, 1.0)
    promoters = buying_customers * (promoter_share or 0.0) * max(promoter_gap or 0.0, 0.0) * share_of_year
    complaints = fast_complaints * max(complaint_gap or 0.0, 0.0)
    return pl.DataFrame([("reputation", "promoters", promoters), ("reputation", "complaints", complaints)],
                        schema=SCHEMA, orient="row")


def pillar_contributions(parts: pl.DataFrame, spend: pl.DataFrame) -> pl.DataFrame:
    """Value parts summed per pillar, minus the pillar's spend.

    Inputs: parts (``pillar``, ``part``, ``amount``) and :func:`metrics.budget.spend_by_pillar`.
    Returns ``pillar`` (sales, reputation, communication), ``value``, ``spend`` and
    ``contribution`` = value − spend (currency).
    """
    value = parts.lazy().group_by("pillar").agg(pl.col("amount").sum().alias("value"))
    return (
        spend.lazy().select("pillar", "spend").join(value, on="pillar", how="left", maintain_order="left")
        .with_columns(pl.col("value").fill_null(0.0))
        .with_columns((pl.col("value") - pl.col("spend")).alias("contribution"))
        .select("pillar", "value", "spend", "contribution")
        .collect()
    )


register(
    MetricSpec(
        "profit_contribution", "Profit contribution (estimate)", "Вклад в прибыль (оценка)",
        "An estimate: the gross profit the pillar's work brings in the period minus its spend. Sales: customers "
        "acquired by paid and owned sales channels; reputation: promoters' extra retention and referrals and "
        "complaints resolved on time; communication: referred customers and conversions whose journeys touched "
        "social media, newsletters or events.",
        "Оценка: валовая прибыль, которую работа группы приносит за период, минус её затраты. Продажи — клиенты "
        "платных и собственных каналов продаж; репутация — дополнительное удержание и рекомендации промоутеров и "
        "жалобы, решённые в срок; коммуникации — приведённые по рекомендации клиенты и покупки, в пути к которым "
        "были соцсети, рассылки или мероприятия.",
        "money", "derived", ("gross_profit", "spend"),
    ),
)
