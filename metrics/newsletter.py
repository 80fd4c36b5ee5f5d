"""Communication pillar: the e-mail newsletter funnel (delivered → opened → clicked) and unsubscribes.

Open rate = unique opens / delivered; click rate = unique clicks / delivered; click-to-open =
unique clicks / unique opens; unsubscribe rate = unsubscribes / delivered. Since 2021 mail
privacy protection (Apple Mail and others) loads images on the reader's behalf, so opens are
counted for mail nobody read: the open rate is inflated and click-to-open understated. The caveat is
carried by the metric's spec (``spec("email_open_rate").caveat``) for the UI to show.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.periods import GRAIN_EVERY
from metrics.specs import MetricSpec, register

COUNTS = ("delivered", "unique_opens", "unique_clicks", "unsubscribes")


def _ratio(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))


def send_counts(sends: pl.DataFrame) -> pl.DataFrame:
    """Each send as a row of counts: ``sends`` = 1, :data:`COUNTS`, ``largest_send`` = its delivered mail."""
    return sends.with_columns(pl.lit(1, dtype=pl.Int64).alias("sends"), pl.col("delivered").alias("largest_send"))


def email_funnel_from_counts(counts: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """The newsletter funnel from counts (per send, or already summed per group), per ``by`` group.

    Input: ``sends``, :data:`COUNTS` (summed) and ``largest_send`` (the most mail delivered by one send).
    Returns ``*by``, ``sends``, ``delivered``, ``unique_opens``, ``unique_clicks``, ``unsubscribes``
    (Int64 counts), ``largest_send`` (Int64: the most mail delivered by one send — a broadcast
    reaches the whole list, so this approximates the list size; 0 when empty), ``open_rate``,
    ``click_rate``, ``click_to_open``, ``unsubscribe_rate`` (f64 ratios, null when their
    denominator is 0). One row when ``by`` is empty.
    """
    aggs = [pl.col("sends").sum().cast(pl.Int64), *[pl.col(c).sum().cast(pl.Int64) for c in COUNTS],
            pl.col("largest_send").max().fill_null(0).cast(pl.Int64)]
    lf = counts.lazy()
    grouped = lf.group_by(list(by)).agg(aggs).sort(list(by)) if by else lf.select(aggs)
    return grouped.with_columns(
        open_rate=_ratio("unique_opens", "delivered"),
        click_rate=_ratio("unique_clicks", "delivered"),
        click_to_open=_ratio("unique_clicks", "unique_opens"),
        unsubscribe_rate=_ratio("unsubscribes", "delivered"),
    ).collect()


def email_funnel(sends: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """The newsletter funnel per ``by`` group (one row when ``by`` is empty).

    Input: one row per send with ``delivered``, ``unique_opens``, ``unique_clicks``, ``unsubscribes``.
    Returns the columns of :func:`email_funnel_from_counts`.
    """
    return email_funnel_from_counts(send_counts(sends), by=by)


def email_by_period(sends: pl.DataFrame, *, grain: str = "week", by: Sequence[str] = (),
                    time_col: str = "sent_at") -> pl.DataFrame:
    """:func:`email_funnel` per period (``period`` = start date of the bucket) and ``by`` group."""
    with_period = sends.with_columns(pl.col(time_col).dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    return email_funnel(with_period, by=["period", *by])


_PRIVACY_EN = ("Since 2021 mail privacy protection (Apple Mail and others) opens mail automatically to load "
               "images, so opens are counted for mail nobody read: the open rate is inflated. Judge the newsletter "
               "by clicks, not opens.")
_PRIVACY_RU = ("С 2021 года защита конфиденциальности почты (Apple Mail и другие) сама открывает письма, чтобы "
               "загрузить картинки, и открытия засчитываются письмам, которые никто не читал: доля открытий "
               "завышена. Судите о рассылке по переходам, а не по открытиям.")

register(
    MetricSpec("email_delivered", "Delivered", "Доставлено", "E-mails delivered to inboxes in the period (sent − bounced).",
               "Писем доставлено в ящики за период (отправлено − недоставлено).", "count"),
    MetricSpec("email_opens", "Unique opens", "Уникальные открытия",
               "Delivered e-mails opened at least once.", "Доставленные письма, открытые хотя бы раз.", "count",
               caveat=_PRIVACY_EN, caveat_ru=_PRIVACY_RU),
    MetricSpec("email_clicks", "Unique clicks", "Уникальные переходы",
               "Delivered e-mails with at least one click on a link.", "Доставленные письма хотя бы с одним переходом по ссылке.",
               "count"),
    MetricSpec("email_unsubscribes", "Unsubscribes", "Отписки от рассылки",
               "Readers who unsubscribed from a mailing of the period.", "Читатели, отписавшиеся по письму периода.",
               "count", higher_is_better=False),
    MetricSpec("email_open_rate", "Open rate", "Доля открытий", "Unique opens / delivered.",
               "Уникальные открытия / доставленные письма.", "ratio", "ratio", ("email_opens", "email_delivered"),
               caveat=_PRIVACY_EN, caveat_ru=_PRIVACY_RU),
    MetricSpec("email_click_rate", "Click rate", "Доля переходов", "Unique clicks / delivered.",
               "Уникальные переходы / доставленные письма.", "ratio", "ratio", ("email_clicks", "email_delivered")),
    MetricSpec("email_click_to_open", "Click-to-open", "Переходы к открытиям", "Unique clicks / unique opens.",
               "Уникальные переходы / уникальные открытия.", "ratio", "ratio", ("email_clicks", "email_opens"),
               caveat=_PRIVACY_EN, caveat_ru=_PRIVACY_RU),
    MetricSpec("email_unsubscribe_rate", "Unsubscribe rate", "Доля отписок", "Unsubscribes / delivered.",
               "Отписки / доставленные письма.", "ratio", "ratio", ("email_unsubscribes", "email_delivered"),
               higher_is_better=False),
    MetricSpec("email_list_size", "List size (largest send)", "Размер базы (крупнейшая рассылка)",
               "E-mails delivered by the period's largest send: a broadcast goes to the whole list, so this "
               "approximates the number of subscribers.",
               "Доставлено крупнейшей рассылкой периода: общая рассылка уходит всей базе, поэтому это примерно "
               "число подписчиков.", "count"),
)
