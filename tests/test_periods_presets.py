"""Every period preset and its comparison on literal dates: calendar stretches are compared with their own kind.

The expected days are written out by hand from a calendar, not computed.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.filters import Bounds, ViewState, parse_query, resolve_comparison, resolve_period, to_query
from metrics.periods import PRESETS, comparison_period, preset_period

D = dt.date
FIRST = D(2023, 5, 1)

# anchor (last day with data), preset -> (period, compared with the previous period, with the same period last year)
CASES = [
    (D(2026, 10, 31), "last_30_days", (D(2026, 10, 2), D(2026, 10, 31)), (D(2026, 9, 2), D(2026, 10, 1)),
     (D(2025, 10, 2), D(2025, 10, 31))),
    (D(2026, 10, 31), "last_90_days", (D(2026, 8, 3), D(2026, 10, 31)), (D(2026, 5, 5), D(2026, 8, 2)),
     (D(2025, 8, 3), D(2025, 10, 31))),
    (D(2026, 10, 31), "month_to_date", (D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 9, 1), D(2026, 9, 30)),
     (D(2025, 10, 1), D(2025, 10, 31))),
    (D(2026, 11, 15), "month_to_date", (D(2026, 11, 1), D(2026, 11, 15)), (D(2026, 10, 1), D(2026, 10, 15)),
     (D(2025, 11, 1), D(2025, 11, 15))),
    (D(2026, 3, 30), "month_to_date", (D(2026, 3, 1), D(2026, 3, 30)), (D(2026, 2, 1), D(2026, 2, 28)),
     (D(2025, 3, 1), D(2025, 3, 30))),
    (D(2026, 1, 10), "month_to_date", (D(2026, 1, 1), D(2026, 1, 10)), (D(2025, 12, 1), D(2025, 12, 10)),
     (D(2025, 1, 1), D(2025, 1, 10))),
    (D(2028, 2, 29), "month_to_date", (D(2028, 2, 1), D(2028, 2, 29)), (D(2028, 1, 1), D(2028, 1, 29)),
     (D(2027, 2, 1), D(2027, 2, 28))),
    (D(2026, 10, 31), "last_month", (D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 9, 1), D(2026, 9, 30)),
     (D(2025, 10, 1), D(2025, 10, 31))),
    (D(2026, 11, 15), "last_month", (D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 9, 1), D(2026, 9, 30)),
     (D(2025, 10, 1), D(2025, 10, 31))),
    (D(2025, 3, 10), "last_month", (D(2025, 2, 1), D(2025, 2, 28)), (D(2025, 1, 1), D(2025, 1, 31)),
     (D(2024, 2, 1), D(2024, 2, 29))),  # a whole February is compared with a whole February
    (D(2026, 10, 31), "previous_month", (D(2026, 9, 1), D(2026, 9, 30)), (D(2026, 8, 1), D(2026, 8, 31)),
     (D(2025, 9, 1), D(2025, 9, 30))),
    (D(2026, 1, 10), "previous_month", (D(2025, 12, 1), D(2025, 12, 31)), (D(2025, 11, 1), D(2025, 11, 30)),
     (D(2024, 12, 1), D(2024, 12, 31))),
    (D(2024, 3, 31), "previous_month", (D(2024, 2, 1), D(2024, 2, 29)), (D(2024, 1, 1), D(2024, 1, 31)),
     (D(2023, 2, 1), D(2023, 2, 28))),
    (D(2026, 10, 31), "last_quarter", (D(2026, 7, 1), D(2026, 9, 30)), (D(2026, 4, 1), D(2026, 6, 30)),
     (D(2025, 7, 1), D(2025, 9, 30))),
    (D(2026, 1, 10), "last_quarter", (D(2025, 10, 1), D(2025, 12, 31)), (D(2025, 7, 1), D(2025, 9, 30)),
     (D(2024, 10, 1), D(2024, 12, 31))),
    (D(2026, 10, 31), "year_to_date", (D(2026, 1, 1), D(2026, 10, 31)), (D(2025, 1, 1), D(2025, 10, 31)),
     (D(2025, 1, 1), D(2025, 10, 31))),
    (D(2026, 11, 15), "year_to_date", (D(2026, 1, 1), D(2026, 11, 15)), (D(2025, 1, 1), D(2025, 11, 15)),
     (D(2025, 1, 1), D(2025, 11, 15))),
    (D(2028, 2, 29), "year_to_date", (D(2028, 1, 1), D(2028, 2, 29)), (D(2027, 1, 1), D(2027, 2, 28)),
     (D(2027, 1, 1), D(2027, 2, 28))),
    (D(2026, 10, 31), "last_12_months", (D(2025, 11, 1), D(2026, 10, 31)), (D(2024, 11, 1), D(2025, 10, 31)),
     (D(2024, 11, 1), D(2025, 10, 31))),
    (D(2028, 2, 29), "last_12_months", (D(2027, 3, 1), D(2028, 2, 29)), (D(2026, 3, 1), D(2027, 2, 28)),
     (D(2026, 3, 1), D(2027, 2, 28))),
    (D(2026, 10, 31), "all", (D(2023, 5, 1), D(2026, 10, 31)), (D(2019, 10, 29), D(2023, 4, 30)),
     (D(2022, 5, 1), D(2025, 10, 31))),
]


@pytest.mark.parametrize("anchor,preset,period,previous,year", CASES,
                         ids=[f"{c[1]}-{c[0].isoformat()}" for c in CASES])
def test_each_preset_and_its_comparisons(anchor, preset, period, previous, year) -> None:
    bounds = Bounds(FIRST, anchor)
    assert resolve_period(ViewState(period=preset), bounds) == period
    assert resolve_comparison(ViewState(period=preset, compare="previous"), bounds) == previous
    assert resolve_comparison(ViewState(period=preset, compare="year"), bounds) == year
    assert resolve_comparison(ViewState(period=preset, compare="none"), bounds) is None


def test_every_preset_is_covered() -> None:
    assert {c[1] for c in CASES} == set(PRESETS) - {"custom"}


def test_previous_periods_end_the_day_before_and_never_overlap() -> None:
    for anchor, preset, period, previous, _ in CASES:
        assert previous[1] < period[0], preset
    # a calendar month is compared with a calendar month, not the same number of days
    assert comparison_period(D(2026, 3, 1), D(2026, 3, 31), preset="last_month") == (D(2026, 2, 1), D(2026, 2, 28))
    assert comparison_period(D(2026, 3, 1), D(2026, 3, 31)) == (D(2026, 1, 29), D(2026, 2, 28))  # plain days


def test_custom_dates_keep_the_day_count_or_the_calendar_year() -> None:
    state = ViewState(period="custom", start=D(2026, 2, 10), end=D(2026, 2, 19))
    bounds = Bounds(FIRST, D(2026, 10, 31))
    assert resolve_comparison(state, bounds) == (D(2026, 1, 31), D(2026, 2, 9))
    assert resolve_comparison(ViewState(period="custom", start=D(2025, 2, 1), end=D(2025, 2, 28), compare="year"),
                              bounds) == (D(2024, 2, 1), D(2024, 2, 29))


def test_a_comparison_of_ones_own_dates() -> None:
    bounds = Bounds(FIRST, D(2026, 10, 31))
    state = ViewState(period="last_month", compare="custom", compare_start=D(2025, 12, 1), compare_end=D(2025, 12, 31))
    assert resolve_period(state, bounds) == (D(2026, 10, 1), D(2026, 10, 31))
    assert resolve_comparison(state, bounds) == (D(2025, 12, 1), D(2025, 12, 31))
    assert to_query(state) == {"period": "last_month", "compare": "custom", "cfrom": "2025-12-01", "cto": "2025-12-31"}
    parsed = parse_query({k: [v] for k, v in to_query(state).items()}, channels=[], regions=[])
    assert parsed.problems == () and parsed.state == state
    # custom without its dates yet: the previous period meanwhile
    assert resolve_comparison(ViewState(period="last_month", compare="custom"), bounds) == (D(2026, 9, 1),
                                                                                             D(2026, 9, 30))


@pytest.mark.parametrize("params,bad", [
    ({"compare": ["custom"]}, ["cfrom", "cto"]),
    ({"compare": ["custom"], "cfrom": ["2025-12-31"], "cto": ["2025-12-01"]}, ["cfrom", "cto"]),
    ({"compare": ["custom"], "cfrom": ["2025-02-30"], "cto": ["2025-03-01"]}, ["cfrom", "cto"]),
    ({"cfrom": ["2025-01-01"]}, ["cfrom"]),
    ({"compare": ["year"], "cto": ["2025-01-01"]}, ["cto"]),
])
def test_bad_comparison_dates_fall_back_and_are_named(params, bad) -> None:
    r = parse_query(params, channels=[], regions=[])
    assert list(r.problems) == bad
    assert r.state.compare in ("previous", "year") and r.state.compare_start is None


def test_preset_period_counts_from_the_anchor_not_today() -> None:
    assert preset_period("month_to_date", anchor=D(2026, 11, 15), first=FIRST) == (D(2026, 11, 1), D(2026, 11, 15))
    assert preset_period("custom", anchor=D(2026, 11, 15), first=FIRST) == (D(2026, 8, 18), D(2026, 11, 15))
