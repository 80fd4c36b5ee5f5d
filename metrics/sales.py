"""Sales pillar: revenue, cost of goods and gross profit."""

from __future__ import annotations

import polars as pl

from metrics.periods import GRAIN_EVERY
from metrics.rules import acquisition_channel_ids
from metrics.specs import MetricSpec, register


def with_gross_profit(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``gross_profit`` = ``revenue`` − ``cost_of_goods`` (currency)."""
    return frame.with_columns(gross_profit=pl.col("revenue") - pl.col("cost_of_goods"))


def sales_totals(orders: pl.DataFrame) -> pl.DataFrame:
    """One row: ``orders`` (count), ``revenue``, ``cost_of_goods``, ``gross_profit`` (currency).

    Input: orders with ``revenue`` and ``cost_of_goods``. Empty input gives zeros.
    """
    return with_gross_profit(orders.lazy().select(
        pl.len().cast(pl.Int64).alias("orders"),
        pl.col("revenue").sum().cast(pl.Float64).alias("revenue"),
        pl.col("cost_of_goods").sum().cast(pl.Float64).alias("cost_of_goods"),
    ).collect())


def sales_by_period(orders: pl.DataFrame, *, grain: str = "week", time_col: str = "ordered_at") -> pl.DataFrame:
    """Revenue, cost of goods and gross profit per period (``period`` = start date of the bucket)."""
    return with_gross_profit(
        orders.lazy()
        .group_by(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
        .agg(
            pl.len().cast(pl.Int64).alias("orders"),
            pl.col("revenue").sum().cast(pl.Float64).alias("revenue"),
            pl.col("cost_of_goods").sum().cast(pl.Float64).alias("cost_of_goods"),
        )
        .sort("period")
        .collect()
    )


# --- acquisition: spend, leads, customers and their ratios -------------------------------------------
#
# The functions below take the measures (sums and counts per channel, campaign or period) that the
# database computes (:mod:`connectors.measures`); ``spend_sums`` and ``lead_counts`` compute the same
# measures from raw rows, for a caller that holds rows.


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num / den, null when the denominator is zero or missing."""
    return pl.when(den > 0).then(num / den).otherwise(None)


def _costed(expr: pl.Expr) -> pl.Expr:
    """A per-channel cost ratio, null for a channel with no recorded spend (organic: no cost to divide)."""
    return pl.when(pl.col("spend") > 0).then(expr).otherwise(None)


def spend_sums(spend: pl.DataFrame, by: tuple[str, ...] = ("channel_id",)) -> pl.DataFrame:
    """Spend rows summed per ``by``: ``spend`` (f64, currency), ``impressions``, ``clicks`` (f64)."""
    return spend.group_by(list(by)).agg(
        pl.col("amount").sum().cast(pl.Float64).alias("spend"),
        pl.col("impressions").sum().cast(pl.Float64), pl.col("clicks").sum().cast(pl.Float64),
    ).sort(list(by))


def lead_counts(leads: pl.DataFrame, by: tuple[str, ...] = ("channel_id",)) -> pl.DataFrame:
    """Lead rows counted per ``by``: ``leads`` and ``converted_leads`` (i64: with a customer)."""
    return leads.group_by(list(by)).agg(
        pl.len().cast(pl.Int64).alias("leads"),
        pl.col("customer_id").is_not_null().sum().cast(pl.Int64).alias("converted_leads"),
    ).sort(list(by), nulls_last=True)


def sales_spend(spend: pl.DataFrame, channels: pl.DataFrame) -> pl.DataFrame:
    """Rows (spend rows or sums per channel) of the acquisition channels only (the sales pillar's: see
    :mod:`metrics.rules`): the acquisition spend."""
    return spend.filter(pl.col("channel_id").is_in(acquisition_channel_ids(channels)))


def acquisition_totals(counts: pl.DataFrame) -> pl.DataFrame:
    """One row of acquisition results from the period's totals.

    Input: one row with ``spend`` (currency; the :func:`sales_spend` channels' for acquisition
    spend), ``leads``, ``converted_leads`` (leads of the period that became customers so far)
    and ``new_customers``. Returns those columns (f64, i64, i64, i64) and ``cpl`` = spend /
    leads (currency), ``conversion`` = converted leads / leads (0..1), ``cac`` = spend / new
    customers (currency); ratios are null when their denominator is 0.
    """
    return counts.select(
        pl.col("spend").cast(pl.Float64), pl.col("leads", "converted_leads", "new_customers").cast(pl.Int64),
    ).with_columns(
        cpl=_ratio(pl.col("spend"), pl.col("leads")),
        conversion=_ratio(pl.col("converted_leads"), pl.col("leads")),
        cac=_ratio(pl.col("spend"), pl.col("new_customers")),
    )


def return_on_spend(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``roas`` = revenue / spend and ``romi`` = (gross profit − spend) / spend (null when spend is 0).

    Input columns: ``spend``, ``revenue``, ``gross_profit`` (currency; attributed ones for a channel).
    """
    return frame.with_columns(
        roas=_ratio(pl.col("revenue"), pl.col("spend")),
        romi=_ratio(pl.col("gross_profit") - pl.col("spend"), pl.col("spend")),
    )


def _summed(frame: pl.DataFrame, key: str, columns: list[str]) -> pl.LazyFrame:
    """A measures frame summed per ``key`` (it may be split finer, e.g. per channel and campaign)."""
    return frame.lazy().group_by(key).agg(pl.col(columns).sum())


def channel_results(spend: pl.DataFrame, leads: pl.DataFrame, attributed: pl.DataFrame,
                    channels: pl.DataFrame) -> pl.DataFrame:
    """The channel table: acquisition and attributed results per channel.

    Inputs: ``spend`` (``channel_id``, ``spend``), ``leads`` (``channel_id`` = lead source,
    ``leads``, ``converted_leads``), both summed per channel here (finer rows are fine),
    ``attributed`` (``channel``, ``conversions``, ``value`` = first-order revenue,
    ``gross_profit`` as returned by :func:`metrics.attribution.attribute_paths`), ``channels``
    (``channel_id``, ``pillar``).
    Returns one row per channel with spend, leads or attributed customers:
    ``channel_id``, ``pillar``, ``spend`` (currency), ``leads``, ``converted_leads`` (i64),
    ``cpl`` (currency), ``conversion`` (0..1), ``new_customers`` (f64, attributed),
    ``cac`` = spend / attributed new customers (currency; CPL and CAC are null for a channel
    without spend), ``revenue`` and ``gross_profit``
    (attributed first orders, currency), ``roas`` (multiple), ``romi`` (ratio); sorted by spend.
    """
    by_spend = _summed(spend, "channel_id", ["spend"]).with_columns(pl.col("spend").cast(pl.Float64))
    by_leads = _summed(leads, "channel_id", ["leads", "converted_leads"]).with_columns(
        pl.col("leads", "converted_leads").cast(pl.Int64))
    credit = attributed.lazy().select(
        pl.col("channel").alias("channel_id"), pl.col("conversions").alias("new_customers"),
        pl.col("value").alias("revenue"), "gross_profit",
    )
    ids = pl.concat([f.select("channel_id") for f in (by_spend, by_leads, credit)]).unique()
    table = (
        ids.join(channels.lazy().select("channel_id", "pillar"), on="channel_id", how="left")
        .join(by_spend, on="channel_id", how="left")
        .join(by_leads, on="channel_id", how="left")
        .join(credit, on="channel_id", how="left")
        .with_columns(
            pl.col("spend", "revenue", "gross_profit", "new_customers").fill_null(0.0),
            pl.col("leads", "converted_leads").fill_null(0),
        )
        .with_columns(
            cpl=_costed(_ratio(pl.col("spend"), pl.col("leads"))),
            conversion=_ratio(pl.col("converted_leads"), pl.col("leads")),
            cac=_costed(_ratio(pl.col("spend"), pl.col("new_customers"))),
        )
        .collect()
    )
    return return_on_spend(table).select(
        "channel_id", "pillar", "spend", "leads", "converted_leads", "cpl", "conversion", "new_customers", "cac",
        "revenue", "gross_profit", "roas", "romi",
    ).sort(["spend", "new_customers", "channel_id"], descending=[True, True, False])


def campaign_results(spend: pl.DataFrame, leads: pl.DataFrame, campaigns: pl.DataFrame) -> pl.DataFrame:
    """Per campaign: ``campaign_id``, ``name``, ``channel_id``, ``region``, ``spend`` (currency),
    ``impressions``, ``clicks``, ``leads``, ``converted_leads`` (i64), ``cpl`` (currency),
    ``conversion`` (0..1), ``cost_per_customer`` = spend / customers won from the campaign's leads
    (currency). Campaigns with neither spend nor leads are left out; sorted by spend.

    Inputs: ``spend`` (``campaign_id``, ``spend``, ``impressions``, ``clicks``), ``leads``
    (``campaign_id``, ``leads``, ``converted_leads``; rows without a campaign are ignored), summed per
    campaign here; ``campaigns`` (the dimension).
    """
    by_spend = _summed(spend, "campaign_id", ["spend", "impressions", "clicks"]).with_columns(
        pl.col("spend").cast(pl.Float64), pl.col("impressions", "clicks").cast(pl.Int64))
    by_leads = _summed(leads.filter(pl.col("campaign_id").is_not_null()), "campaign_id",
                       ["leads", "converted_leads"]).with_columns(pl.col("leads", "converted_leads").cast(pl.Int64))
    return (
        campaigns.lazy().select("campaign_id", "name", "channel_id", "region")
        .join(by_spend, on="campaign_id", how="left")
        .join(by_leads, on="campaign_id", how="left")
        .filter(pl.col("spend").is_not_null() | pl.col("leads").is_not_null())
        .with_columns(pl.col("spend").fill_null(0.0), pl.col("impressions", "clicks", "leads", "converted_leads").fill_null(0))
        .with_columns(
            cpl=_ratio(pl.col("spend"), pl.col("leads")),
            conversion=_ratio(pl.col("converted_leads"), pl.col("leads")),
            cost_per_customer=_ratio(pl.col("spend"), pl.col("converted_leads")),
        )
        .sort(["spend", "campaign_id"], descending=[True, False])
        .collect()
    )


def spend_and_margin_by_period(spend: pl.DataFrame, orders: pl.DataFrame) -> pl.DataFrame:
    """Spend next to revenue and gross profit per period: ``period`` (date), ``spend``, ``revenue``,
    ``gross_profit`` (currency); periods with either one, zeros filled, sorted.

    Inputs: ``spend`` (``period``, ``spend``; finer rows, e.g. per channel, are summed) and ``orders``
    (``period``, ``revenue``, ``cost_of_goods``), at the same grain.
    """
    costs = _summed(spend, "period", ["spend"]).with_columns(pl.col("spend").cast(pl.Float64)).collect()
    money = with_gross_profit(_summed(orders, "period", ["revenue", "cost_of_goods"]).collect())
    return (
        costs.join(money.select("period", "revenue", "gross_profit"), on="period", how="full", coalesce=True)
        .with_columns(pl.col("spend", "revenue", "gross_profit").fill_null(0.0))
        .select("period", "spend", "revenue", "gross_profit")
        .sort("period")
    )


register(
    MetricSpec(
        "sales_spend", "Acquisition spend", "Затраты на привлечение",
        "Spend of the sales channels (search, social and display ads, retargeting, direct mail, promotions) in the "
        "period — the money spent to win customers.",
        "Затраты каналов продаж (поисковая, таргетированная и медийная реклама, ретаргетинг, почтовая рассылка, "
        "акции) за период — деньги, потраченные на привлечение клиентов.",
        "money", higher_is_better=False,
    ),
    MetricSpec(
        "leads", "Leads", "Лиды",
        "Enquiries (requests, calls, sign-ups) created in the period, counted by their source channel.",
        "Обращения (заявки, звонки, регистрации), созданные за период, по каналу-источнику.",
        "count",
    ),
    MetricSpec(
        "cpl", "CPL", "CPL",
        "Cost per lead = spend / leads.",
        "Стоимость лида = затраты / лиды.",
        "money", "ratio", ("sales_spend", "leads"), higher_is_better=False,
    ),
    MetricSpec(
        "conversion", "Lead conversion", "Конверсия лидов",
        "Customers won from leads / leads: the share of the period's leads that have become customers so far "
        "(recent leads may still convert).",
        "Клиенты из лидов / лиды: доля лидов периода, ставших клиентами на сегодня (свежие лиды ещё могут "
        "сконвертироваться).",
        "ratio", "ratio", ("leads",),
    ),
    MetricSpec("new_customers", "New customers", "Новые клиенты", "Customers whose first order falls in the period.",
               "Клиенты, чей первый заказ пришёлся на период.", "count"),
    MetricSpec(
        "attributed_customers", "New customers (attributed)", "Новые клиенты (атрибуция)",
        "New customers of the period credited to the channel by the chosen attribution model (fractions: a customer's "
        "credit can be shared by several channels).",
        "Новые клиенты периода, приписанные каналу выбранной моделью атрибуции (дробные: заслугу за клиента могут "
        "делить несколько каналов).",
        "count", "derived", ("new_customers",),
    ),
    MetricSpec(
        "cac", "CAC", "CAC",
        "Customer acquisition cost = acquisition spend / new customers (per channel: the channel's spend / the new "
        "customers the attribution model credits to it).",
        "Стоимость привлечения клиента = затраты на привлечение / новые клиенты (по каналу: затраты канала / новые "
        "клиенты, которых ему приписала модель атрибуции).",
        "money", "ratio", ("sales_spend", "new_customers"), higher_is_better=False,
    ),
    MetricSpec(
        "attributed_revenue", "Attributed revenue", "Атрибутированная выручка",
        "Revenue of new customers' first orders, credited to channels by the chosen attribution model (look-back "
        "window before the first order).",
        "Выручка первых заказов новых клиентов, распределённая по каналам выбранной моделью атрибуции (окно "
        "ретроспективы до первого заказа).",
        "money",
    ),
    MetricSpec(
        "attributed_gross_profit", "Attributed gross profit", "Атрибутированная валовая прибыль",
        "Gross profit (revenue − cost of goods) of new customers' first orders, credited to channels by the chosen "
        "attribution model.",
        "Валовая прибыль (выручка − себестоимость) первых заказов новых клиентов, распределённая по каналам "
        "выбранной моделью атрибуции.",
        "money",
    ),
    MetricSpec(
        "roas", "ROAS (first orders)", "ROAS (первые заказы)",
        "Return on ad spend = attributed first-order revenue / spend. A revenue multiple, not ROI: it ignores the "
        "cost of goods.",
        "Окупаемость рекламы = атрибутированная выручка первых заказов / затраты. Это кратность выручки, а не ROI: "
        "себестоимость не учтена.",
        "multiple", "ratio", ("attributed_revenue", "sales_spend"),
    ),
    MetricSpec(
        "romi", "ROMI (first orders)", "ROMI (первые заказы)",
        "Return on marketing investment = (attributed first-order gross profit − spend) / spend. Below 0: the first "
        "orders do not pay back the spend yet — see the payback period for repeat orders.",
        "Окупаемость маркетинговых инвестиций = (атрибутированная валовая прибыль первых заказов − затраты) / "
        "затраты. Меньше 0 — первые заказы ещё не окупили затраты; повторные заказы — в сроке окупаемости.",
        "ratio", "derived", ("attributed_gross_profit", "sales_spend"),
    ),
    MetricSpec(
        "payback", "Payback period", "Срок окупаемости",
        "Months from acquisition until the gross profit per customer of the period's new customers (first and repeat "
        "orders, summed month by month) covers the CAC. Each month is averaged over the customers already observed "
        "that long; '>' means not reached in the months observed.",
        "Месяцев от привлечения, пока валовая прибыль на клиента новых клиентов периода (первые и повторные заказы, "
        "нарастающим итогом) не покроет CAC. Каждый месяц усредняется по клиентам, которых наблюдали так долго; "
        "«>» — не достигнут за наблюдаемые месяцы.",
        "months", "derived", ("cac", "gross_profit"), higher_is_better=False,
    ),
    MetricSpec(
        "journey_reach", "Reach (journeys)", "Охват (пути)",
        "Tracked journeys (people) the channel touched in the period.",
        "Отслеженные пути клиентов (люди), которых канал коснулся за период.",
        "count",
    ),
    MetricSpec(
        "response_rate", "Response rate", "Отклик",
        "Responses (leads from the channel) / reach.",
        "Отклики (лиды из канала) / охват.",
        "ratio", "ratio", ("leads", "journey_reach"),
    ),
    MetricSpec(
        "cost_per_response", "Cost per response", "Цена отклика",
        "Spend / responses (leads from the channel).",
        "Затраты / отклики (лиды из канала).",
        "money", "ratio", ("sales_spend", "leads"), higher_is_better=False,
    ),
    MetricSpec(
        "contact_stages", "Contact stages to a sale", "Контактов до продажи",
        "Mean number of tracked touches before the first order of the customers the channel brought in.",
        "Среднее число отслеженных касаний до первого заказа у клиентов, которых привёл канал.",
        "count", higher_is_better=False,
    ),
    MetricSpec(
        "touches_to_sale", "Touches to a sale", "Касаний до продажи",
        "Tracked touches of a new customer up to the first order, whole journey (not cut by the look-back window).",
        "Отслеженные касания нового клиента до первого заказа, весь путь (без окна ретроспективы).",
        "count", higher_is_better=False,
    ),
    MetricSpec(
        "days_to_sale", "Days to a sale", "Дней до продажи",
        "Days from a new customer's first tracked touch to the first order.",
        "Дней от первого отслеженного касания нового клиента до первого заказа.",
        "days", higher_is_better=False,
    ),
)
