"""The Overview's one-line answer (metrics/answer.py) on literal numbers, against hand formulas."""

from __future__ import annotations

import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.answer import one_line_answer, pillar_ranges, share_interval

def test_a_pillars_range_adds_its_parts_lowest_and_highest_estimates_minus_spend() -> None:
    estimates = pl.DataFrame({
        "pillar": ["sales"] * 3 + ["reputation"] * 5,
        "part": ["acquired"] * 3 + ["attributed", "attributed", "promoters", "promoters", "complaints"],
        # sales: three attribution models; reputation: two models, both ends of the promoter share, complaints once
        "amount": [900.0, 1200.0, 1000.0, 50.0, 80.0, 300.0, 500.0, 40.0],
    })
    spend = pl.DataFrame({"pillar": ["sales", "reputation", "communication"], "spend": [400.0, 100.0, 60.0]})
    expected = pl.DataFrame({
        "pillar": ["sales", "reputation", "communication"],
        "low": [900 - 400.0, 50 + 300 + 40 - 100.0, -60.0],  # a pillar without value parts: minus its spend
        "high": [1200 - 400.0, 80 + 500 + 40 - 100.0, -60.0],
    })
    assert_frame_equal(pillar_ranges(estimates, spend), expected)


def test_the_answer_totals_the_pillars_and_divides_by_the_spend() -> None:
    pillars = pl.DataFrame({"pillar": ["sales", "communication"], "contribution": [20.0e6, 11.0e6],
                            "low": [17.5e6, 9.6e6], "high": [23.0e6, 12.2e6]})
    row = one_line_answer(pillars, spend=12.4e6, previous=28.7e6).row(0, named=True)
    assert row["contribution"] == pytest.approx(31.0e6)
    assert (row["low"], row["high"]) == pytest.approx((27.1e6, 35.2e6))
    assert row["romi"] == pytest.approx(31.0 / 12.4)  # 2.5: contribution is already net of spend
    assert row["change"] == pytest.approx((31.0 - 28.7) / 28.7)  # +8.0%
    assert row["spend"] == 12.4e6 and row["previous"] == 28.7e6


def test_no_spend_no_return_and_a_negative_base_keeps_the_direction() -> None:
    pillars = pl.DataFrame({"pillar": ["sales"], "contribution": [-50.0], "low": [-80.0], "high": [-10.0]})
    row = one_line_answer(pillars, spend=0.0).row(0, named=True)
    assert row["romi"] is None and row["change"] is None and row["previous"] is None
    better = one_line_answer(pillars, spend=100.0, previous=-100.0).row(0, named=True)
    assert better["change"] == pytest.approx(0.5)  # from −100 to −50: half better, shown as +50%
    assert better["romi"] == pytest.approx(-0.5)
    assert one_line_answer(pillars, spend=100.0, previous=0.0)["change"][0] is None


def test_the_promoter_share_interval_is_wilsons() -> None:
    low, high = share_interval(30, 100)
    z, n, p = 1.96, 100, 0.3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-4)
    assert (low, high) == pytest.approx((0.2189, 0.3958), abs=1e-4)  # published value for 30 of 100
    assert share_interval(0, 10)[0] == 0.0 and share_interval(10, 10)[1] == pytest.approx(1.0)
    assert share_interval(0, 0) is None
