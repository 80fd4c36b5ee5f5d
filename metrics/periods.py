"""Periods: the days a preset covers, the period it is compared with, and the change between two values.

A comparison is honest when both sides cover the same kind of stretch: a calendar month is compared with
the calendar month before it (not with the 31 days before it), year to date with the same days of last
year (1 January to the same day), month to date with the same days of the month before.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

Comparison = Literal["previous", "year"]
# presets in menu order; ``custom`` takes its days from the user
PRESETS = (
    "last_30_days", "last_90_days", "month_to_date", "last_month", "previous_month", "last_quarter", "year_to_date",
    "last_12_months", "all", "custom",
)
GRAIN_EVERY = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}


def comparison_period(start: dt.date, end: dt.date, mode: Comparison = "previous", *,
                      preset: str | None = None) -> tuple[dt.date, dt.date]:
    """The period a result is compared with.

    ``previous``: the stretch before of the same kind. For ``preset`` ``last_month`` / ``previous_month`` the
    calendar month before, ``last_quarter`` the quarter before, ``month_to_date`` the same days of the month
    before (1st to the same day, or to that month's end when it is shorter), ``year_to_date`` the same days
    of last year, ``last_12_months`` the 12 months before; otherwise the same number of days immediately
    before ``start``.
    ``year``: the same calendar dates one year earlier (29 Feb becomes 28 Feb); a period ending on a
    month's last day ends on that month's last day a year earlier (a whole February stays whole).
    """
    if start > end:
        raise ValueError("start must not be after end")
    if mode == "previous":
        if preset in ("last_month", "previous_month"):
            return _months_before(start, 1), start - dt.timedelta(days=1)
        if preset == "last_quarter":
            return _months_before(start, 3), start - dt.timedelta(days=1)
        if preset == "month_to_date":
            month_start = _months_before(start, 1)
            return month_start, _clip_day(month_start, end.day)
        if preset in ("year_to_date", "last_12_months"):
            return _year_earlier(start), _year_earlier(end)
        days = (end - start).days + 1
        prev_end = start - dt.timedelta(days=1)
        return prev_end - dt.timedelta(days=days - 1), prev_end
    if mode == "year":
        earlier_end = _year_earlier(end)
        if _is_month_end(end):
            earlier_end = _month_end(earlier_end)
        return _year_earlier(start), earlier_end
    raise ValueError(f"unknown comparison {mode!r}")


def preset_period(preset: str, *, anchor: dt.date, first: dt.date) -> tuple[dt.date, dt.date]:
    """The inclusive (start, end) days of a preset, counted back from ``anchor`` (the last day with data);
    ``first`` is the first day with data (for ``all``). ``custom`` (and anything unknown) gives the last 90 days.

    ``last_month`` is the last whole month (the anchor's own month when the anchor is its last day);
    ``previous_month`` is always the calendar month before the anchor's month; ``month_to_date`` runs from
    the 1st of the anchor's month to the anchor.
    """
    if preset == "last_30_days":
        return anchor - dt.timedelta(days=29), anchor
    if preset == "month_to_date":
        return anchor.replace(day=1), anchor
    if preset == "last_month":
        month_end = anchor if _is_month_end(anchor) else anchor.replace(day=1) - dt.timedelta(days=1)
        return month_end.replace(day=1), month_end
    if preset == "previous_month":
        month_end = anchor.replace(day=1) - dt.timedelta(days=1)
        return month_end.replace(day=1), month_end
    if preset == "last_quarter":
        q_end = _quarter_end_on_or_before(anchor)
        return dt.date(q_end.year, q_end.month - 2, 1), q_end
    if preset == "year_to_date":
        return anchor.replace(month=1, day=1), anchor
    if preset == "last_12_months":
        return _year_earlier(anchor) + dt.timedelta(days=1), anchor
    if preset == "all":
        return first, anchor
    return anchor - dt.timedelta(days=89), anchor  # last_90_days and the fallback


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def _month_end(day: dt.date) -> dt.date:
    return bucket_end(day.replace(day=1), "month")


def _months_before(first_of_month: dt.date, months: int) -> dt.date:
    """The 1st of the month ``months`` before the month of ``first_of_month``."""
    y, m = divmod(first_of_month.month - 1 - months, 12)
    return dt.date(first_of_month.year + y, m + 1, 1)


def _clip_day(first_of_month: dt.date, day: int) -> dt.date:
    return first_of_month.replace(day=min(day, _month_end(first_of_month).day))


def _quarter_end_on_or_before(day: dt.date) -> dt.date:
    next_day = day + dt.timedelta(days=1)
    if next_day.day == 1 and next_day.month in (1, 4, 7, 10):
        return day
    q_start_month = 3 * ((day.month - 1) // 3) + 1
    return day.replace(month=q_start_month, day=1) - dt.timedelta(days=1)


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(absolute change, relative change); relative is None when the base is zero or missing."""
    if current is None or previous is None:
        return None, None
    diff = current - previous
    rel = diff / abs(previous) if previous else None
    return diff, rel


def bucket_end(start: dt.date, grain: str) -> dt.date:
    """The last day of the bucket (day / week / month / quarter / year) that starts on ``start``."""
    if grain == "day":
        return start
    if grain == "week":
        return start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    y, m = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + y, m + 1, 1) - dt.timedelta(days=1)


def full_buckets(frame: pl.DataFrame, *, start: dt.date, end: dt.date, grain: str,
                 column: str = "period") -> pl.DataFrame:
    """Keep the rows whose whole bucket lies inside [start, end].

    Sums over a bucket cut by the period's edges look like drops in a trend line;
    rates do not need this.
    """
    keep = [
        p for p in frame[column].to_list()
        if p is not None and p >= start and bucket_end(p, grain) <= end
    ]
    return frame.filter(pl.col(column).is_in(keep))
