"""The optimiser: hand-solvable splits, reconciliation with the curves, never worse than the start."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.optimiser import InfeasibleBudget, feasible_start, optimise_budget, smallest_budget, whole_units
from metrics.response import weekly_leads
from metrics.scenarios import Planner
from tests.test_scenarios_metrics import ECONOMICS, tiny_model


def independent_total(plan: Planner, budgets: dict[str, float], objective: str) -> float:
    """The sum of the curves at the answer, recomputed week by week (no shared code with the planner)."""
    total = 0.0
    for ch, c in plan.channels.items():
        b = budgets[ch]
        if c.kind == "constant":
            leads = c.level * plan.weeks
        else:
            f = plan.model.fits[ch]
            spend = np.r_[np.full(plan.weeks, b / plan.weeks), np.zeros(3000)]
            leads = float(weekly_leads(spend, f.params).sum())
        total += leads * c.value_per_lead(objective)
    return total


def symmetric_plan() -> Planner:
    model = tiny_model()
    model.fits["b"].params = model.fits["a"].params  # two identical concave curves
    return Planner(model, ECONOMICS.with_columns(conversion=pl.lit(0.5), gross_profit_per_customer=pl.lit(400.0)),
                   weeks=4)


def test_two_identical_concave_channels_split_evenly() -> None:
    plan = symmetric_plan()
    answer = optimise_budget(plan, total=100_000.0, start={"a": 90_000.0, "b": 10_000.0, "c": 5_000.0},
                             objective="leads")
    assert answer.budgets["a"] == pytest.approx(47_500.0, rel=1e-4)
    assert answer.budgets["b"] == pytest.approx(47_500.0, rel=1e-4)
    assert answer.budgets["c"] == 5_000.0  # no curve: held at its start
    assert answer.value > answer.start_value


def test_first_order_conditions_at_an_interior_answer() -> None:
    """Where both curve channels are strictly inside their bounds, their marginal values are equal."""
    plan = Planner(tiny_model(), ECONOMICS, weeks=8)
    answer = optimise_budget(plan, total=400_000.0, start={"a": 200_000.0, "b": 200_000.0, "c": 0.0})
    a, b = answer.budgets["a"], answer.budgets["b"]
    assert a > 1_000 and b > 1_000
    ma = plan.slope("a", a)[0] * plan.channels["a"].value_per_lead("gross_profit")
    mb = plan.slope("b", b)[0] * plan.channels["b"].value_per_lead("gross_profit")
    assert ma == pytest.approx(mb, rel=1e-3)


@pytest.mark.parametrize("objective", ["gross_profit", "revenue", "leads"])
def test_the_projected_total_equals_the_sum_of_the_curves(objective: str) -> None:
    plan = Planner(tiny_model(), ECONOMICS, weeks=13)
    answer = optimise_budget(plan, total=750_000.0, start={"a": 250_000.0, "b": 500_000.0, "c": 20_000.0},
                             objective=objective, bounds={"a": (10_000.0, 600_000.0), "b": (0.0, 700_000.0)})
    assert answer.value == pytest.approx(independent_total(plan, answer.budgets, objective), rel=1e-6)
    by_channel, _ = plan.project(answer.budgets)
    metric = {"gross_profit": "gross_profit", "revenue": "revenue", "leads": "leads"}[objective]
    spent = by_channel.filter(pl.col("kind") != "baseline")[metric].sum()
    assert answer.value == pytest.approx(spent, rel=1e-9)  # the page's projection shows the same total
    assert answer.total == pytest.approx(750_000.0, rel=1e-9)  # the total includes the held channel
    assert answer.budgets["c"] == 20_000.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 400_000), min_size=2, max_size=2), st.floats(10_000, 900_000),
       st.floats(0, 100_000), st.sampled_from(["gross_profit", "revenue", "leads"]))
def test_never_worse_than_the_start_and_within_bounds(start, total, low_a, objective) -> None:
    plan = Planner(tiny_model(), ECONOMICS, weeks=6)
    bounds = {"a": (low_a, low_a + 300_000.0), "b": (0.0, 800_000.0)}
    begin = {"a": start[0], "b": start[1], "c": 3_000.0}
    try:
        answer = optimise_budget(plan, total=total, start=begin, objective=objective, bounds=bounds)
    except InfeasibleBudget as exc:
        assert not exc.low - 1e-6 <= total <= exc.high + 1e-6
        return
    assert answer.value >= answer.start_value - 1e-9 * max(1.0, abs(answer.start_value))
    assert sum(answer.budgets.values()) == pytest.approx(total, rel=1e-7)
    assert low_a - 1e-6 <= answer.budgets["a"] <= low_a + 300_000.0 + 1e-6
    assert answer.value == pytest.approx(independent_total(plan, answer.budgets, objective), rel=1e-6)


def test_an_infeasible_total_is_refused() -> None:
    plan = Planner(tiny_model(), ECONOMICS, weeks=4)
    with pytest.raises(InfeasibleBudget):
        optimise_budget(plan, total=10.0, start={"a": 1.0, "b": 1.0, "c": 0.0}, bounds={"a": (100.0, 200.0)})


def test_the_smallest_budget_reaches_the_target_and_a_little_less_does_not() -> None:
    plan = Planner(tiny_model(), ECONOMICS, weeks=13)
    start = {"a": 100_000.0, "b": 100_000.0, "c": 0.0}
    target = 1.3 * plan.total_value(start, "gross_profit")
    answer = smallest_budget(plan, target=target, start=start, bounds={"a": (0, 2e6), "b": (0, 2e6)})
    assert answer.reached and answer.value >= target
    less = optimise_budget(plan, total=0.99 * answer.total, start=answer.budgets,
                           bounds={"a": (0, 2e6), "b": (0, 2e6)})
    assert less.value < target
    assert answer.value == pytest.approx(independent_total(plan, answer.budgets, "gross_profit"), rel=1e-6)


def test_an_unreachable_target_says_so() -> None:
    plan = Planner(tiny_model(), ECONOMICS, weeks=4)
    answer = smallest_budget(plan, target=1e12, start={"a": 1.0, "b": 1.0, "c": 0.0},
                             bounds={"a": (0, 50_000.0), "b": (0, 50_000.0)})
    assert not answer.reached and answer.total == pytest.approx(100_000.0)


def test_a_start_that_already_reaches_the_target_with_less_money_is_kept() -> None:
    plan = symmetric_plan()
    start = {"a": 50_000.0, "b": 50_000.0, "c": 0.0}  # already the best split of its total
    answer = smallest_budget(plan, target=plan.total_value(start, "leads") * 0.999999, start=start,
                             objective="leads", bounds={"a": (0, 1e6), "b": (0, 1e6)})
    assert answer.total <= 100_000.0 + 1e-6


def test_whole_units_keep_the_total_and_feasible_start() -> None:
    got = whole_units({"a": 10.4, "b": 10.4, "c": 10.2})
    assert sum(got.values()) == 31 and got == {"a": 11, "b": 10, "c": 10}
    assert whole_units({}) == {}
    x = feasible_start(np.array([10.0, 30.0]), 100.0, np.zeros(2), np.array([50.0, 80.0]))
    assert x.sum() == pytest.approx(100.0) and x[0] <= 50.0


def test_optimiser_on_the_demo_beats_the_last_period(small_demo) -> None:
    """On the demo's fitted curves, the best split of the same total brings more gross profit."""
    from metrics.response import fit_response, weekly_series, weekly_sums
    from metrics.scenarios import channel_economics, last_period_budgets

    f = small_demo.frames
    last = f["spend"]["day"].max()
    weekly = weekly_series(weekly_sums(f["spend"], time_col="day", value="amount", name="spend"),
                           weekly_sums(f["leads"], time_col="created_at", value=None, name="leads"), last_day=last)
    model = fit_response(weekly, n_boot=10)
    plan = Planner(model, channel_economics(f["leads"], f["customers"], f["orders"], last_day=last), weeks=13)
    start = last_period_budgets(weekly, weeks=13, channels=model.spend_channels())
    answer = optimise_budget(plan, total=sum(start.values()), start=start,
                             bounds={ch: (0.0, 3 * v) for ch, v in start.items()})
    assert answer.value > answer.start_value
    assert answer.value == pytest.approx(independent_total(plan, answer.budgets, "gross_profit"), rel=1e-6)
