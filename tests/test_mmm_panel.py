"""The marketing-mix section of the Budget scenarios page: its weekly frame from SQL, its chart, and in AppTest
its numbers are those of the model fitted on the same frame."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from dashboard.i18n import fmt_pct
from dashboard.scenarios.mix_data import weekly_input
from dashboard.scenarios.mmm_panel import decomposition_chart
from metrics.mmm import channel_summary, decomposition, fit_mmm, mmm_input
from tests.test_app import run_app

LAST_DAY = dt.date(2026, 10, 31)


@pytest.fixture(scope="module")
def weekly(small_store):
    return weekly_input(small_store, LAST_DAY)


def test_weekly_input_equals_a_plain_query(small_store, weekly):
    spend = small_store.execute_sql(
        "SELECT CAST(date_trunc('week', day) AS DATE) AS week, channel_id, sum(amount) AS spend FROM spend "
        "WHERE day <= :last GROUP BY 1, 2", {"last": LAST_DAY})
    leads = small_store.execute_sql(
        "SELECT CAST(date_trunc('week', created_at) AS DATE) AS week, count(*) AS n FROM leads GROUP BY 1", {})
    full = weekly["week"].to_list()
    assert full[0] == dt.date(2023, 5, 1) and full[-1] + dt.timedelta(days=6) <= LAST_DAY
    assert len(full) == len(set(full)) == (full[-1] - full[0]).days // 7 + 1
    expected = dict(zip(leads["week"], leads["n"]))
    assert weekly["leads"].to_list() == [float(expected[w]) for w in full]
    for row in spend.filter(pl.col("week").is_in(full)).sample(40, seed=1).iter_rows(named=True):
        got = weekly.filter(pl.col("week") == row["week"])[row["channel_id"]][0]
        assert got == pytest.approx(row["spend"], rel=1e-9)


def test_decomposition_chart_has_the_baseline_first_and_one_trace_per_channel(weekly):
    channels = sorted(c for c in weekly.columns if c not in ("week", "leads"))
    data = mmm_input(weekly.head(60), date="week", outcome="leads", spend=channels[:3])
    parts = decomposition(fit_mmm(data, n_draws=0))
    fig = decomposition_chart(parts, names={"baseline": "Baseline"}, y_title="Leads per week")
    assert [tr.name for tr in fig.data] == ["Baseline", *channels[:3]]
    assert fig.layout.yaxis.title.text == "Leads per week"
    assert all(tr.stackgroup == "parts" for tr in fig.data)
    total = np.sum([np.array(tr.y) for tr in fig.data], axis=0)
    assert total == pytest.approx(parts.group_by("week").agg(pl.col("value").sum()).sort("week")["value"].to_numpy())


def test_the_page_shows_the_model_fitted_on_the_same_frame(app_env, weekly):
    at = run_app({"outcome": "leads"}, page="pages/scenarios.py")
    assert not at.exception, at.exception
    assert "Marketing-mix model: all channels together" in [h.value for h in at.subheader]
    channels = sorted(c for c in weekly.columns if c not in ("week", "leads"))
    expected = channel_summary(fit_mmm(mmm_input(weekly, date="week", outcome="leads", spend=channels),
                                       n_draws=200, seed=0)).sort("contribution", descending=True)
    shown = next(df.value for df in at.dataframe if "Share of leads" in df.value.columns)
    assert list(shown["Share of leads"]) == [fmt_pct(v, "en", digits=1) for v in expected["contribution_share"]]
    assert len(shown) == len(channels)
