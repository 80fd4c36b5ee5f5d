"""Complaint handling: volume, resolution time against the standard, satisfaction, backlog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from metrics.periods import GRAIN_EVERY
from metrics.specs import MetricSpec, register

RESOLUTION_HOURS = (pl.col("resolved_at") - pl.col("opened_at")).dt.total_seconds() / 3600.0
"""Hours from opening a complaint to resolving it (null while it is open)."""
FIRST_RESPONSE_HOURS = (pl.col("first_response_at") - pl.col("opened_at")).dt.total_seconds() / 3600.0


def resolved_within_standard(standard_hours: float) -> pl.Expr:
    """True for a complaint resolved within ``standard_hours`` of opening; False when later or still open."""
    return pl.col("resolved_at").is_not_null() & (RESOLUTION_HOURS <= standard_hours)


def complaint_handling(complaints: pl.DataFrame, *, standard_hours: float, as_of: dt.datetime,
                       grain: str | None = None, by: Sequence[str] = ()) -> pl.DataFrame:
    """Complaint handling per group (or per ``period`` with ``grain``).

    Input: ``opened_at``, ``first_response_at``, ``resolved_at`` (null = open),
    ``satisfied`` (null = not asked). ``as_of``: when the data ends.
    Returns ``complaints``, ``resolved``, ``open`` (counts; open = not resolved by
    ``as_of``), ``median_resolution_hours`` and ``median_first_response_hours`` (hours),
    ``due`` (complaints whose outcome against the standard is known: resolved, or open
    for longer than ``standard_hours``), ``within_standard`` (resolved within
    ``standard_hours``), ``within_standard_share`` = within_standard / due,
    ``satisfaction`` = satisfied / asked (ratios; null when the denominator is 0).
    """
    keys = [*(["period"] if grain else []), *by]
    lf = complaints.lazy()
    if grain:
        lf = lf.with_columns(pl.col("opened_at").dt.truncate(GRAIN_EVERY[grain]).cast(pl.Date).alias("period"))
    resolved = pl.col("resolved_at").is_not_null() & (pl.col("resolved_at") <= as_of)
    overdue = ~resolved & ((pl.lit(as_of) - pl.col("opened_at")).dt.total_seconds() / 3600.0 > standard_hours)
    aggs = [
        pl.len().cast(pl.Int64).alias("complaints"),
        resolved.sum().cast(pl.Int64).alias("resolved"),
        RESOLUTION_HOURS.filter(resolved).median().alias("median_resolution_hours"),
        FIRST_RESPONSE_HOURS.median().alias("median_first_response_hours"),
        (resolved | overdue).sum().cast(pl.Int64).alias("due"),
        (resolved & resolved_within_standard(standard_hours)).sum().cast(pl.Int64).alias("within_standard"),
        pl.col("satisfied").sum().cast(pl.Int64).alias("satisfied"),
        pl.col("satisfied").is_not_null().sum().cast(pl.Int64).alias("asked"),
    ]
    grouped = lf.group_by(keys).agg(aggs).sort(keys) if keys else lf.select(aggs)
    return handling_shares(grouped.collect())


def handling_shares(measures: pl.DataFrame) -> pl.DataFrame:
    """Adds ``open`` = complaints − resolved (count), ``within_standard_share`` = within_standard / due
    and ``satisfaction`` = satisfied / asked (ratios; null when the denominator is 0) to the measures
    ``complaints``, ``resolved``, ``due``, ``within_standard``, ``satisfied``, ``asked`` (counts) and
    ``median_resolution_hours``, ``median_first_response_hours`` (hours), as :func:`complaint_handling`
    returns them; other columns (a period, a dimension) are kept first."""
    return measures.with_columns(
        open=(pl.col("complaints") - pl.col("resolved")).cast(pl.Int64),
        within_standard_share=pl.when(pl.col("due") > 0).then(pl.col("within_standard") / pl.col("due")),
        satisfaction=pl.when(pl.col("asked") > 0).then(pl.col("satisfied") / pl.col("asked")),
    ).select(*[c for c in measures.columns if c not in _HANDLING], *_HANDLING, "within_standard_share",
             "satisfaction")


_HANDLING = ("complaints", "resolved", "open", "median_resolution_hours", "median_first_response_hours", "due",
             "within_standard", "satisfied", "asked")


def open_backlog(complaints: pl.DataFrame, *, at: dt.datetime, standard_hours: float) -> pl.DataFrame:
    """Complaints still open at ``at``: opened before it and not resolved by then.

    Input: complaints over all time (``opened_at``, ``resolved_at``). One row:
    ``open`` (count), ``overdue`` (open longer than ``standard_hours``, count) and
    ``median_age_hours`` (hours open so far; null when none is open).
    """
    age = (pl.lit(at) - pl.col("opened_at")).dt.total_seconds() / 3600.0
    return (
        complaints.lazy()
        .filter((pl.col("opened_at") <= at) & (pl.col("resolved_at").is_null() | (pl.col("resolved_at") > at)))
        .select(
            pl.len().cast(pl.Int64).alias("open"),
            (age > standard_hours).sum().cast(pl.Int64).alias("overdue"),
            age.median().alias("median_age_hours"),
        )
        .collect()
    )


def topic_shares(counts: pl.DataFrame) -> pl.DataFrame:
    """Per ``topic``: ``complaints`` (count) and ``within_standard_share`` = closed_within_standard / closed
    (ratio of the complaints with a resolution, whenever it came; null when none), most frequent first,
    from counts ``topic``, ``complaints``, ``closed``, ``closed_within_standard``."""
    return (
        counts.lazy()
        .with_columns(within_standard_share=pl.when(pl.col("closed") > 0)
                      .then(pl.col("closed_within_standard") / pl.col("closed")))
        .select("topic", pl.col("complaints").cast(pl.Int64), "within_standard_share")
        .sort(["complaints", "topic"], descending=[True, False])
        .collect()
    )


def complaint_topics(complaints: pl.DataFrame, *, standard_hours: float) -> pl.DataFrame:
    """:func:`topic_shares` of complaints counted in polars."""
    resolved = pl.col("resolved_at").is_not_null()
    return topic_shares(complaints.group_by("topic").agg(
        pl.len().alias("complaints"),
        resolved.sum().alias("closed"),
        ((RESOLUTION_HOURS <= standard_hours) & resolved).sum().alias("closed_within_standard"),
    ))


register(
    MetricSpec(
        "complaints", "Complaints", "Жалобы",
        "Complaints opened in the period.",
        "Жалобы, поступившие за период.",
        "count", higher_is_better=False,
    ),
    MetricSpec(
        "complaint_resolution_hours", "Resolution time", "Время решения",
        "Median hours from opening a complaint to resolving it (resolved complaints only).",
        "Медиана часов от поступления жалобы до её решения (только решённые).",
        "hours", higher_is_better=False,
    ),
    MetricSpec(
        "complaints_within_standard", "Complaints resolved in time", "Жалобы, решённые в срок",
        "Complaints resolved within the service standard (a setting, default 48 hours) / complaints whose "
        "outcome is known (resolved, or open longer than the standard).",
        "Жалобы, решённые в пределах стандарта (настройка, по умолчанию 48 часов) / жалобы с известным "
        "исходом (решённые или открытые дольше стандарта).",
        "ratio", "ratio", ("complaints",),
    ),
    MetricSpec(
        "complaint_satisfaction", "Satisfied after resolution", "Довольны решением",
        "Customers satisfied with how their complaint was resolved / customers asked.",
        "Клиенты, довольные решением жалобы / опрошенные клиенты.",
        "ratio", "ratio", ("complaints",),
    ),
    MetricSpec(
        "complaint_backlog", "Open complaints", "Открытые жалобы",
        "Complaints not resolved at the end of the period, whenever they were opened.",
        "Жалобы, не решённые на конец периода, когда бы они ни поступили.",
        "count", higher_is_better=False,
    ),
)
