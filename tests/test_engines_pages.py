"""Every page's numbers are the same on DuckDB, PostgreSQL and Spark, for the small demo.

Each page's computation (what its view shows: KPI values, tables, chart frames, models) runs on
the small demo in each engine, with the default view and a filtered 12-month view (on Spark, whose
every query costs a job, the filtered view only: it runs the same SQL as the default view, with the
filters' conditions on top), and the results are compared field by field with DuckDB's: frames equal after sorting, numbers within a
relative 1e-6 (sums added in another order differ in the last bits, and the model fits follow them a little; far below any displayed digit),
everything else equal. The engines get no help: the same measures, the same SQL compiled for each.
"""

from __future__ import annotations

import dataclasses
import math

import polars as pl
import pytest
import streamlit as st
from polars.testing import assert_frame_equal

from dashboard.context import base_context, build_context
from dashboard.filters import ViewState

VIEWS = {
    "default": ViewState(),
    "12m-filtered": ViewState(period="last_12_months", channels=("search_ads", "email", "social_ads"),
                              regions=("Москва",)),
}
REL = 1e-6


def page_numbers(store, view: ViewState) -> dict[str, object]:
    """What each page shows for a view, computed on one store (every cache emptied first)."""
    from dashboard.communication import data as communication
    from dashboard.overview import data as overview
    from dashboard.reputation.data import compute_page
    from dashboard.retention import data as retention
    from dashboard.sales.data import DEFAULT_MODEL, sales_results

    st.cache_resource.clear()
    ctx = build_context(store, view, *base_context(store))
    return {
        "overview.pillars": overview.pillar_summaries(ctx),
        "overview.retention": overview.retention_headline(ctx),
        "sales": sales_results(ctx, DEFAULT_MODEL, ctx.settings.lookback_days, "week"),
        "reputation": compute_page(ctx),
        "communication.social": communication.social_numbers(ctx, denominator="reach", grain="week"),
        "communication.email": communication.email_numbers(ctx, grain="week"),
        "communication.word_of_mouth": communication.word_of_mouth_numbers(ctx, grain="week"),
        "retention.customers": retention.customer_model(ctx),
        "retention.clv": retention.clv_model(ctx),
    }


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    keys = [c for c, t in frame.schema.items() if not isinstance(t, (pl.List, pl.Struct, pl.Object))]
    return frame.sort(keys, nulls_last=True) if keys else frame


def assert_same(got: object, want: object, where: str) -> None:
    if isinstance(want, pl.DataFrame):
        assert isinstance(got, pl.DataFrame), where
        assert_frame_equal(_sorted(got), _sorted(want), check_exact=False, rel_tol=REL, abs_tol=1e-6,
                           check_dtypes=False), where
    elif dataclasses.is_dataclass(want) and not isinstance(want, type):
        assert type(got) is type(want), where
        for field in dataclasses.fields(want):
            assert_same(getattr(got, field.name), getattr(want, field.name), f"{where}.{field.name}")
    elif isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for key in want:
            assert_same(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and isinstance(got, (int, float)):
        assert math.isclose(got, want, rel_tol=REL, abs_tol=1e-6) or (math.isnan(got) and math.isnan(want)), \
            f"{where}: {got} != {want}"
    elif hasattr(want, "__dict__") and not isinstance(want, (str, int)):
        assert type(got) is type(want), where
        assert_same(vars(got), vars(want), where)
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


@pytest.fixture(scope="module")
def on_duckdb(small_store) -> dict[str, dict[str, object]]:
    return {name: page_numbers(small_store, view) for name, view in VIEWS.items()}


@pytest.mark.parametrize("view", list(VIEWS))
def test_postgres_shows_every_page_with_the_numbers_of_duckdb(pg_store, on_duckdb, view: str) -> None:
    got = page_numbers(pg_store, VIEWS[view])
    for key, want in on_duckdb[view].items():
        assert_same(got[key], want, key)


@pytest.mark.parametrize("view", ["12m-filtered"])
def test_spark_shows_every_page_with_the_numbers_of_duckdb(spark_store, on_duckdb, view: str) -> None:
    got = page_numbers(spark_store, VIEWS[view])
    for key, want in on_duckdb[view].items():
        assert_same(got[key], want, key)
