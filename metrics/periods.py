"""Periods: the comparison period and change between two values."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

Comparison = Literal["previous", "year"]
GRAIN_EVERY = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}


def comparison_period(start: dt.date, end: dt.date, mode: Comparison = "previous") -> tuple[dt.date, dt.date]:
    """The period a result is compared with.

    ``previous``: the same number of days immediately before ``start``.
    ``year``: the same calendar dates one year earlier (29 Feb becomes 28 Feb).
    """
    if start > end:
        raise ValueError("start must not be after end")
    if mode == "previous":
        days = (end - start).days + 1
        prev_end = start - dt.timedelta(days=1)
        return prev_end - dt.timedelta(days=days - 1), prev_end
    if mode == "year":
        return _year_earlier(start), _year_earlier(end)
    raise ValueError(f"unknown comparison {mode!r}")


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
