"""The model's input: a weekly frame of outcome, spend per channel and optional controls, as arrays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl


class MMMInputError(ValueError):
    """The weekly frame cannot be modelled as given (missing column, negative spend, too few weeks ...)."""


MIN_WEEKS = 26


@dataclass(frozen=True)
class LiftTest:
    """A measured experiment: ``lift`` extra outcome caused by ``channel`` between ``start`` and ``end``
    (inclusive, dates; a week counts when its first day falls inside), with standard error ``se``."""

    channel: str
    start: dt.date
    end: dt.date
    lift: float
    se: float


@dataclass(frozen=True)
class MMMInput:
    """Weekly arrays, oldest week first: ``weeks`` (datetime64[D], the first day of each week),
    ``outcome`` (n,), ``spend`` (n, channels) in money, ``controls`` (n, k)."""

    weeks: np.ndarray
    outcome: np.ndarray
    spend: np.ndarray
    channels: tuple[str, ...]
    controls: np.ndarray
    control_names: tuple[str, ...] = field(default=())

    @property
    def n_weeks(self) -> int:
        return int(self.outcome.shape[0])

    def head(self, n: int) -> MMMInput:
        """The first ``n`` weeks (a time-based training set)."""
        return MMMInput(self.weeks[:n], self.outcome[:n], self.spend[:n], self.channels, self.controls[:n],
                        self.control_names)


def mmm_input(frame: pl.DataFrame, *, date: str, outcome: str, spend: list[str] | tuple[str, ...],
              controls: list[str] | tuple[str, ...] = ()) -> MMMInput:
    """Arrays from a weekly frame (one row per week). Missing spend counts as none; a missing outcome,
    a negative spend, a repeated week or fewer than ``MIN_WEEKS`` weeks is an ``MMMInputError``."""
    spend, controls = list(spend), list(controls)
    missing = [c for c in [date, outcome, *spend, *controls] if c not in frame.columns]
    if missing:
        raise MMMInputError(f"columns not in the frame: {', '.join(missing)}")
    if not spend:
        raise MMMInputError("at least one spend column is needed")
    if len(set(spend) | set(controls)) != len(spend) + len(controls):
        raise MMMInputError("a column is named twice among spend and controls")
    dates = frame.get_column(date)
    if dates.dtype == pl.String:
        dates = dates.str.to_date(strict=False)
    elif dates.dtype == pl.Datetime:
        dates = dates.dt.date()
    if dates.dtype != pl.Date or dates.null_count():
        raise MMMInputError(f"column {date!r} must hold dates (YYYY-MM-DD)")
    work = frame.with_columns(dates.alias("__week")).sort("__week")
    if work.get_column("__week").n_unique() != work.height:
        raise MMMInputError("a week appears twice; give one row per week")
    if work.height < MIN_WEEKS:
        raise MMMInputError(f"{work.height} weeks: at least {MIN_WEEKS} are needed")
    y = work.get_column(outcome).cast(pl.Float64, strict=False)
    if y.null_count() or not np.isfinite(y.to_numpy()).all():
        raise MMMInputError(f"column {outcome!r} has empty or non-numeric values")
    x = np.column_stack([work.get_column(c).cast(pl.Float64, strict=False).fill_null(0.0).to_numpy() for c in spend])
    if not np.isfinite(x).all() or (x < 0).any():
        raise MMMInputError("spend must be finite and not negative")
    if controls:
        z = np.column_stack([work.get_column(c).cast(pl.Float64, strict=False).to_numpy() for c in controls])
        if not np.isfinite(z).all():
            raise MMMInputError("controls must be numbers in every week")
    else:
        z = np.zeros((work.height, 0))
    weeks = work.get_column("__week").to_numpy().astype("datetime64[D]")
    return MMMInput(weeks, y.to_numpy().astype(float), x, tuple(spend), z, tuple(controls))


def lift_tests(frame: pl.DataFrame | None) -> list[LiftTest]:
    """Lift tests from a frame with ``channel``, ``start``, ``end``, ``lift``, ``se`` (an empty list for None)."""
    if frame is None or frame.height == 0:
        return []
    need = ["channel", "start", "end", "lift", "se"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise MMMInputError(f"lift tests need columns: {', '.join(missing)}")
    out = []
    for row in frame.select(need).iter_rows(named=True):
        if row["se"] is None or not row["se"] > 0:
            raise MMMInputError(f"lift test of {row['channel']}: the standard error must be positive")
        out.append(LiftTest(str(row["channel"]), row["start"], row["end"], float(row["lift"]), float(row["se"])))
    return out


def weekly_frame(spend: pl.DataFrame, outcome: pl.DataFrame, *, last_day: dt.date, outcome_name: str = "outcome",
                 first_day: dt.date | None = None) -> pl.DataFrame:
    """The model's weekly frame from two grouped frames: ``spend`` (``period`` = the week's Monday, ``channel_id``,
    ``spend``) and ``outcome`` (``period``, ``<outcome_name>``). Returns ``week`` (date), ``<outcome_name>`` (f64)
    and one spend column per channel (f64, 0 where a week had none), full weeks only (the week must end by
    ``last_day`` and start on or after ``first_day``), oldest first.

    Sums are rounded to two decimals (kopecks or cents; counts stay whole): a database that adds a table's rows
    in parallel returns sums that differ in their last bits from one query to the next, and the model's 90%
    ranges are sensitive to differences that small, so the same data must give the very same frame."""
    wide = (spend.with_columns(pl.col("spend").cast(pl.Float64))
            .pivot(on="channel_id", index="period", values="spend", aggregate_function="sum", sort_columns=True))
    frame = (outcome.select("period", pl.col(outcome_name).cast(pl.Float64))
             .join(wide, on="period", how="left")
             .with_columns(pl.exclude("period", outcome_name).fill_null(0.0))
             .rename({"period": "week"})
             .filter(pl.col("week") + pl.duration(days=6) <= pl.lit(last_day))
             .sort("week")
             .with_columns(pl.exclude("week").round(2)))
    if first_day is not None:
        frame = frame.filter(pl.col("week") >= pl.lit(first_day))
    return frame
