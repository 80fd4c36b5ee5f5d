"""Communication pillar: word of mouth — referrals, their share of new customers, what referred
customers bring, and how many friends promoters bring compared with detractors.

Definitions
- A **referred customer** came by a friend's recommendation: acquisition channel ``referral``
  in ``customers`` (for shares of new customers), or a ``referred_customer_id`` in
  ``referrals`` (for their orders and for who referred them).
- **Referral share** = new customers who came by referral / new customers.
- **Referrals per promoter** = referrals made in the period by customers whose latest NPS
  answer before the period's end was 9–10, divided by the number of those customers; the same
  for passives (7–8) and detractors (0–6). Customers who never answered are not in any class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from metrics.periods import GRAIN_EVERY
from metrics.rules import NPS_GROUPS, nps_group
from metrics.specs import MetricSpec, register

REFERRAL_CHANNEL = "referral"
NPS_CLASSES = NPS_GROUPS
GROUPS = ("referred", "other")


def customer_counts(customers: pl.DataFrame, *, referral_channel: str = REFERRAL_CHANNEL) -> pl.DataFrame:
    """Each new customer as a row of counts: ``new_customers`` = 1, ``referred_customers`` = 1 when the
    acquisition channel is ``referral_channel``; the other columns kept."""
    return customers.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("new_customers"),
        (pl.col("acquisition_channel_id") == referral_channel).cast(pl.Int64).alias("referred_customers"),
    )


def referral_share_from_counts(counts: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """New customers and the share who came by referral, from counts (per customer or already summed),
    per ``by`` group (one row without ``by``).

    Input: ``new_customers``, ``referred_customers``. Returns ``*by``, ``new_customers``,
    ``referred_customers`` (Int64) and ``referral_share`` (f64 0..1, null when there are no new customers).
    """
    aggs = [pl.col("new_customers").sum().cast(pl.Int64), pl.col("referred_customers").sum().cast(pl.Int64)]
    lf = counts.lazy()
    grouped = lf.group_by(list(by)).agg(aggs).sort(list(by)) if by else lf.select(aggs)
    return grouped.with_columns(
        referral_share=pl.when(pl.col("new_customers") > 0).then(pl.col("referred_customers") / pl.col("new_customers"))
    ).collect()


def referral_share(customers: pl.DataFrame, *, by: Sequence[str] = (),
                   referral_channel: str = REFERRAL_CHANNEL) -> pl.DataFrame:
    """New customers and the share who came by referral, per ``by`` group (one row without ``by``).

    Input: new customers of the period with ``acquisition_channel_id``. Returns the columns of
    :func:`referral_share_from_counts`.
    """
    return referral_share_from_counts(customer_counts(customers, referral_channel=referral_channel), by=by)


def referral_share_by_period(customers: pl.DataFrame, *, grain: str = "week", time_col: str = "first_seen",
                             referral_channel: str = REFERRAL_CHANNEL) -> pl.DataFrame:
    """:func:`referral_share` per period (``period`` = start date of the bucket), sorted."""
    with_period = customers.with_columns(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    return referral_share(with_period, by=["period"], referral_channel=referral_channel)


def order_totals_by_group(orders: pl.DataFrame, referrals: pl.DataFrame) -> pl.DataFrame:
    """Orders of the period summed for referred customers and the others.

    Inputs: ``orders`` (``customer_id``, ``revenue``, ``cost_of_goods``) of the period; ``referrals``
    (``referred_customer_id``) over all time. Returns ``group`` (referred / other), ``customers``
    (Int64, distinct customers with an order), ``orders`` (Int64), ``revenue``, ``cost_of_goods`` (f64).
    """
    referred_ids = referrals.get_column("referred_customer_id").unique().implode()
    return (
        orders.lazy()
        .with_columns(pl.when(pl.col("customer_id").is_in(referred_ids)).then(pl.lit(GROUPS[0]))
                      .otherwise(pl.lit(GROUPS[1])).alias("group"))
        .group_by("group")
        .agg(pl.col("customer_id").n_unique().cast(pl.Int64).alias("customers"),
             pl.len().cast(pl.Int64).alias("orders"),
             pl.col("revenue").sum().cast(pl.Float64), pl.col("cost_of_goods").sum().cast(pl.Float64))
        .collect()
    )


def referred_value_from_totals(totals: pl.DataFrame) -> pl.DataFrame:
    """What referred customers bring compared with the others, from :func:`order_totals_by_group`.

    Returns two rows, ``group`` = referred / other (a group without orders has zeros):
    ``customers`` (Int64, customers with an order; null when not counted), ``orders`` (Int64), ``revenue``,
    ``cost_of_goods``, ``gross_profit`` = revenue − cost of goods (currency),
    ``revenue_per_customer``, ``gross_profit_per_customer`` (currency; null without customers),
    ``revenue_share``, ``gross_profit_share`` (0..1 of all orders; null when the total is 0).
    """
    per = pl.col("customers") > 0
    return (
        pl.LazyFrame({"group": list(GROUPS)})
        .join(totals.lazy(), on="group", how="left", maintain_order="left")
        .with_columns(pl.when(pl.col("orders").is_null()).then(0).otherwise(pl.col("customers")).cast(pl.Int64)
                      .alias("customers"),
                      pl.col("orders").fill_null(0).cast(pl.Int64),
                      pl.col("revenue", "cost_of_goods").fill_null(0.0).cast(pl.Float64))
        .with_columns(gross_profit=pl.col("revenue") - pl.col("cost_of_goods"))
        .with_columns(
            revenue_per_customer=pl.when(per).then(pl.col("revenue") / pl.col("customers")),
            gross_profit_per_customer=pl.when(per).then(pl.col("gross_profit") / pl.col("customers")),
            revenue_share=pl.when(pl.col("revenue").sum() > 0).then(pl.col("revenue") / pl.col("revenue").sum()),
            gross_profit_share=pl.when(pl.col("gross_profit").sum() != 0)
            .then(pl.col("gross_profit") / pl.col("gross_profit").sum()),
        )
        .select("group", "customers", "orders", "revenue", "cost_of_goods", "gross_profit", "revenue_per_customer",
                "gross_profit_per_customer", "revenue_share", "gross_profit_share")
        .collect()
    )


def referred_customer_value(orders: pl.DataFrame, referrals: pl.DataFrame) -> pl.DataFrame:
    """Orders of the period split between referred customers and the others.

    Inputs as for :func:`order_totals_by_group`; returns the columns of :func:`referred_value_from_totals`.
    """
    return referred_value_from_totals(order_totals_by_group(orders, referrals))


def nps_class(score: pl.Expr) -> pl.Expr:
    """promoter / passive / detractor for an NPS score (the rule of :mod:`metrics.rules`)."""
    return nps_group(score)


def nps_class_of_customers(responses: pl.DataFrame, *, before: dt.datetime | None = None) -> pl.DataFrame:
    """Each customer's class by their latest NPS answer (before ``before`` when given).

    Input: answers with ``customer_id`` (null = anonymous, ignored), ``responded_at``, ``score``.
    Returns ``customer_id``, ``score`` (latest; answers given within the same second count as one
    moment, and the higher score is kept), ``nps_class`` (promoter 9–10 / passive 7–8 / detractor 0–6).
    """
    lf = responses.lazy().filter(pl.col("customer_id").is_not_null())
    if before is not None:
        lf = lf.filter(pl.col("responded_at") < before)
    score = pl.col("score")
    return (
        lf.group_by("customer_id")
        .agg(score.sort_by(pl.col("responded_at").dt.truncate("1s"), score).last())
        .with_columns(nps_class=nps_class(score))
        .sort("customer_id")
        .collect()
    )


def class_counts(responses: pl.DataFrame, referrals: pl.DataFrame, *,
                 before: dt.datetime | None = None) -> pl.DataFrame:
    """Per NPS class (of the latest answer before ``before``): ``nps_class``, ``customers`` (Int64,
    customers in the class) and ``referrals`` (Int64, referrals they made); classes without customers
    are absent. Inputs as for :func:`referrals_by_nps_class`."""
    classes = nps_class_of_customers(responses, before=before).lazy()
    made = referrals.lazy().group_by(pl.col("referrer_customer_id").alias("customer_id")).agg(
        pl.len().cast(pl.Int64).alias("k"))
    return (
        classes.join(made, on="customer_id", how="left")
        .group_by("nps_class")
        .agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("k").fill_null(0).sum().cast(pl.Int64).alias("referrals"))
        .collect()
    )


def referrals_by_class_from_counts(counts: pl.DataFrame) -> pl.DataFrame:
    """Referrals per customer of each NPS class, from :func:`class_counts`.

    Returns three rows (promoter, passive, detractor): ``nps_class``, ``customers``, ``referrals``
    (Int64; 0 for an absent class), ``referrals_per_customer`` (f64; null without customers) and
    ``vs_detractors`` (f64: this class's rate / the detractors' rate; null when the detractors' rate
    is 0 or unknown).
    """
    rate = pl.col("referrals_per_customer")
    det = rate.filter(pl.col("nps_class") == NPS_CLASSES[2]).first()
    return (
        pl.LazyFrame({"nps_class": list(NPS_CLASSES)})
        .join(counts.lazy(), on="nps_class", how="left", maintain_order="left")
        .with_columns(pl.col("customers", "referrals").fill_null(0).cast(pl.Int64))
        .with_columns(referrals_per_customer=pl.when(pl.col("customers") > 0)
                      .then(pl.col("referrals") / pl.col("customers")))
        .with_columns(vs_detractors=pl.when(det > 0).then(rate / det))
        .collect()
    )


def referrals_by_nps_class(responses: pl.DataFrame, referrals: pl.DataFrame, *,
                           before: dt.datetime | None = None) -> pl.DataFrame:
    """Referrals made per customer, by the referrer's NPS class (module doc).

    Inputs: NPS answers (``customer_id``, ``responded_at``, ``score``) — usually all of them up to
    the period's end; ``referrals`` (``referrer_customer_id``) of the period. Returns the columns of
    :func:`referrals_by_class_from_counts`.
    """
    return referrals_by_class_from_counts(class_counts(responses, referrals, before=before))


register(
    MetricSpec("new_customers", "New customers", "Новые клиенты", "Customers whose first order falls in the period.",
               "Клиенты, чей первый заказ пришёлся на период.", "count"),
    MetricSpec("referrals", "Referrals", "Рекомендации",
               "New customers who came by a friend's recommendation (acquisition channel: referral).",
               "Новые клиенты, пришедшие по рекомендации друга (канал привлечения — рекомендации).", "count"),
    MetricSpec("referral_share", "Referral share", "Доля по рекомендации",
               "New customers who came by referral / all new customers. Company-wide: the channel filter does "
               "not apply.",
               "Новые клиенты по рекомендации / все новые клиенты. По всей компании: фильтр каналов не применяется.",
               "ratio", "ratio", ("referrals", "new_customers")),
    MetricSpec("referred_revenue", "Revenue from referred customers", "Выручка от рекомендованных",
               "Revenue of the period's orders placed by customers who came by referral (whenever they came).",
               "Выручка заказов периода от клиентов, пришедших по рекомендации (когда бы они ни пришли).",
               "money", "simple", ()),
    MetricSpec("referred_gross_profit", "Gross profit from referred customers",
               "Валовая прибыль от рекомендованных",
               "Revenue − cost of goods of the period's orders placed by customers who came by referral.",
               "Выручка − себестоимость заказов периода от клиентов, пришедших по рекомендации.",
               "money", "derived", ("referred_revenue", "cost_of_goods")),
    MetricSpec("referrals_per_promoter", "Referrals per 100 promoters", "Рекомендаций на 100 промоутеров",
               "Referrals made in the period by customers whose latest NPS answer before the period's end was "
               "9–10, per 100 such customers. Passives (7–8) and detractors (0–6) are counted the same way.",
               "Рекомендации за период от клиентов, чей последний ответ NPS до конца периода был 9–10, на 100 "
               "таких клиентов. Нейтралы (7–8) и критики (0–6) считаются так же.",
               "count", "ratio", ("referrals", "nps_answers")),
)
