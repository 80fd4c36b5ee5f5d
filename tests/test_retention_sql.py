"""The value model and the Overview's contributions, counted by the database, equal the old computation on raw
rows (``tests/retention_reference.py``) for several periods and filters, and the rows they move stay small."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from connectors import customer_value
from connectors.read import Filters, read_dimension
from dashboard.filters import ViewState
from dashboard.overview import contribution
from dashboard.retention import data as rd
from dashboard.sales.data import attribution
from metrics import contribution as mc
from metrics import retention_value as rv
from metrics.scenarios import new_customer_value_from_sums
from tests import retention_reference as ref
from tests.lanes import spread
from tests.retention_reference import REL, VIEWS, context, moved, raw, same  # noqa: F401 (fixtures)


@pytest.mark.parametrize("name", spread(VIEWS, fast={"channels"}))
def test_value_model_equals_the_computation_on_raw_rows(small_store, raw, name: str) -> None:
    ctx = context(small_store, VIEWS[name])
    s = ctx.settings
    got = rd.value_model(ctx)
    want = ref.value_model(small_store, raw(ctx.view.channels, ctx.view.regions), as_of=ctx.period[1],
                           active_months=s.active_months, standard_hours=float(s.complaint_resolution_hours))
    same(got.inputs.tenure, want["inputs"].tenure)
    for field in ("new_customers", "acquisition_spend", "cac", "retention"):
        assert getattr(got.inputs, field) == pytest.approx(getattr(want["inputs"], field), rel=REL), field
    same(got.nps_value, want["nps_value"])
    same(got.complaints, want["complaints"])
    same(got.new_customer_value, want["new_customer_value"])
    same(rd.sensitivity(ctx, got), rv.retention_sensitivity(
        want["inputs"], deltas=tuple(i / 200 for i in range(21)), years=s.horizon_years,
        discount_rate=s.discount_rate))


@pytest.mark.parametrize("name", spread(["90 days", "12 months", "all data", "channels", "region"], fast={"region"}))
def test_contributions_equal_the_computation_on_raw_rows(small_store, raw, name: str) -> None:
    ctx = context(small_store, VIEWS[name])
    s = ctx.settings
    hours = float(s.complaint_resolution_hours)
    got = contribution.contributions(ctx, rd.value_model(ctx))
    value = ref.value_model(small_store, raw(ctx.view.channels, ctx.view.regions), as_of=ctx.period[1],
                            active_months=s.active_months, standard_hours=hours)
    period = ref.contribution_inputs(small_store, ctx.filters(), standard_hours=hours)
    credit = attribution(ctx, s.lookback_days).filter(pl.col("model") == "markov")
    if ctx.view.channels:
        credit = credit.filter(pl.col("channel").is_in(list(ctx.view.channels)))
    nps, comp = value["nps_value"], value["complaints"]
    gap = {g: nps.filter(pl.col("nps_group") == g)["value"][0] for g in ("promoter", "passive")}
    speed = {k: comp.filter(pl.col("speed") == k)["gross_profit_12m"][0] for k in ("fast", "slow")}
    parts = pl.concat([
        mc.attributed_value(credit, value["new_customer_value"], read_dimension(small_store, "channels")),
        mc.reputation_value(
            buying_customers=period["buying_customers"], promoter_share=period["promoter_share"],
            promoter_gap=None if None in gap.values() else gap["promoter"] - gap["passive"],
            fast_complaints=period["fast_complaints"],
            complaint_gap=None if None in speed.values() else speed["fast"] - speed["slow"],
            period_days=(ctx.period[1] - ctx.period[0]).days + 1),
    ])
    want = mc.pillar_contributions(parts, period["spend"])
    assert period["fast_complaints"] > 0 and period["buying_customers"] > 0
    for row in want.iter_rows(named=True):
        mine = got[row["pillar"]]
        assert mine.spend == pytest.approx(row["spend"], rel=REL)
        assert mine.contribution == pytest.approx(row["contribution"], rel=REL, abs=1e-6)
        expected = parts.filter(pl.col("pillar") == row["pillar"])
        assert [p for p, _ in mine.parts] == expected["part"].to_list()
        assert [a for _, a in mine.parts] == pytest.approx(expected["amount"].to_list(), rel=REL, abs=1e-6)


def test_the_queries_return_what_the_metrics_count_from_rows_on_literal_filters(small_store, raw) -> None:
    """The connectors' frames equal the metrics' own counting functions, column for column."""
    as_of = dt.date(2026, 6, 30)
    rows = raw(("search_ads", "display", "promotions"), ())
    flt = Filters(None, None, ("search_ads", "display", "promotions"))
    from metrics import retention as rm
    from metrics.scenarios import new_customer_sums

    base = rm.customer_base(rows.customers, rows.daily, as_of=as_of)
    same(customer_value.tenure_counts(small_store, flt, as_of=as_of),
         rv.tenure_counts(base, rows.daily, as_of=as_of))
    groups = rv.nps_group_of_first_purchase(rows.nps, base)
    same(customer_value.nps_group_counts(small_store, flt, as_of=as_of),
         rv.nps_group_counts(base, rows.daily, groups, rows.referrals, as_of=as_of), sort="nps_group")
    same(customer_value.complaint_counts(small_store, flt, as_of=as_of, standard_hours=24.0),
         rv.complaint_counts(rows.complaints, rows.orders, as_of=as_of, standard_hours=24.0), sort="speed")
    for horizon in (365, None):
        got = customer_value.new_customer_sums(small_store, flt, last_day=as_of, horizon_days=horizon)
        same(got, new_customer_sums(rows.customers, rows.orders, last_day=as_of, horizon_days=horizon))
        assert new_customer_value_from_sums(got)["valued_customers"][-1] == got["valued_customers"].sum()


def test_the_overview_value_model_moves_a_few_rows_per_channel(small_store, moved) -> None:
    ctx = context(small_store, ViewState(period="all"))
    moved.clear()  # the dimensions and bounds every page shares
    model = rd.value_model(ctx)
    contribution.contributions(ctx, model)
    contribution.retention_headline(ctx, model)
    mine = {k: v for k, v in moved.items() if not k.startswith("dashboard.sales.")}
    assert mine, "the value model reads through the store"
    channels = ctx.channels.height
    # tenure pairs (≤ 9), first-answer scores (≤ 11) + the referred, speeds (≤ 2); per channel: the new-customer
    # value, the acquisition spend and the period's spend; one row for each of the period's three measures
    assert sum(mine.values()) <= 9 + 12 + 2 + 3 * channels + 3, mine
