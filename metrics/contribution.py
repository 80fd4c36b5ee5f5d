"""Each pillar's estimated profit contribution in a period (an estimate: its method is shown with it).

- **Sales** = gross profit in the period of the customers acquired by the paid and owned
  sales channels (by their acquisition channel), less the share of their journeys'
  touches that fell on communication channels, − sales spend.
- **Communication** = gross profit in the period of the customers acquired by
  communication channels (word of mouth, referrals) + that communication share of the
  sales-acquired customers' gross profit (engaged-follower conversions: journeys that
  touched social media, newsletters or events) − communication spend.
- **Reputation** = buying customers × promoter share of the period's NPS answers ×
  (first-year value of a promoter − of a passive, referrals included) × the period's share
  of a year + complaints resolved
  within the standard × (gross profit in the 12 months after a fast − after a late
  resolution) − reputation spend.

Customers acquired by earned sales channels (direct and organic visits) belong to no
pillar's estimate.
"""

from __future__ import annotations

import polars as pl

from metrics.specs import MetricSpec, register

SCHEMA = {"pillar": pl.String, "part": pl.String, "amount": pl.Float64}


def communication_touch_share(touchpoints: pl.DataFrame, channels: pl.DataFrame) -> pl.DataFrame:
    """Per customer: the share of their journey's touches on communication channels.

    Input: touchpoints with ``customer_id`` (null for anonymous journeys) and ``channel_id``.
    Returns ``customer_id`` and ``communication_share`` (0..1).
    """
    comm = channels.filter(pl.col("pillar") == "communication")["channel_id"].to_list()
    return (
        touchpoints.lazy().filter(pl.col("customer_id").is_not_null())
        .group_by("customer_id")
        .agg(pl.col("channel_id").is_in(comm).mean().alias("communication_share"))
        .sort("customer_id")
        .collect()
    )


def acquisition_gross_profit(orders: pl.DataFrame, customers: pl.DataFrame, channels: pl.DataFrame,
                             shares: pl.DataFrame) -> pl.DataFrame:
    """The period's gross profit credited by acquisition channel and journey touches.

    Inputs: the period's orders (``customer_id``, ``revenue``, ``cost_of_goods``), customers
    (``customer_id``, ``acquisition_channel_id``), channels (``channel_id``, ``pillar``, ``kind``)
    and :func:`communication_touch_share`. Returns rows (``pillar``, ``part``, ``amount``):
    sales/acquired, communication/referred, communication/engaged, and none/organic.
    """
    gp = (
        orders.lazy()
        .group_by("customer_id").agg((pl.col("revenue") - pl.col("cost_of_goods")).sum().alias("gp"))
        .join(customers.lazy().select("customer_id", "acquisition_channel_id"), on="customer_id", how="left")
        .join(channels.lazy().select(pl.col("channel_id").alias("acquisition_channel_id"), "pillar", "kind"),
              on="acquisition_channel_id", how="left")
        .join(shares.lazy(), on="customer_id", how="left")
        .with_columns(pl.col("communication_share").fill_null(0.0))
    )
    paid_sales = (pl.col("pillar") == "sales") & (pl.col("kind") != "earned")
    totals = gp.select(
        (pl.col("gp") * (1 - pl.col("communication_share"))).filter(paid_sales).sum().alias("acquired"),
        (pl.col("gp") * pl.col("communication_share")).filter(paid_sales).sum().alias("engaged"),
        pl.col("gp").filter(pl.col("pillar") == "communication").sum().alias("referred"),
        pl.col("gp").filter(~paid_sales.fill_null(False) & (pl.col("pillar") != "communication").fill_null(True))
        .sum().alias("organic"),
    ).collect().row(0, named=True)
    return pl.DataFrame([("sales", "acquired", totals["acquired"]), ("communication", "referred", totals["referred"]),
                         ("communication", "engaged", totals["engaged"]), ("none", "organic", totals["organic"])],
                        schema=SCHEMA, orient="row")


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
