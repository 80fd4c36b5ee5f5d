"""Measures computed by the database equal the same aggregation done by hand on the raw rows."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from connectors.measures import MEASURES, measure_frame, measure_query
from connectors.read import Filters, read_fact
from connectors.schema import SENTIMENTS
from connectors.store import StoreError

PERIODS = [
    Filters(dt.date(2025, 9, 1), dt.date(2025, 11, 30)),
    Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31), regions=("Москва",)),
    Filters(None, None, channels=("search_ads", "email")),
]
AS_OF = dt.datetime(2026, 1, 1)
AT = dt.datetime(2025, 10, 15, 12)  # a moment for the complaints open then


def _hand(family: str, rows: pl.DataFrame) -> dict[str, float]:
    """The same measures written again in polars, from the definitions (not from the measure declarations)."""
    if family == "orders":
        return {"orders": rows.height, "revenue": rows["revenue"].sum(), "cost_of_goods": rows["cost_of_goods"].sum(),
                "buyers": rows["customer_id"].n_unique()}
    if family == "spend":
        return {"spend": rows["amount"].sum(), "impressions": rows["impressions"].sum(), "clicks": rows["clicks"].sum()}
    if family == "nps_responses":
        return {"answers": rows.height, "promoters": int((rows["score"] >= 9).sum()),
                "detractors": int((rows["score"] <= 6).sum())}
    if family == "reviews":
        answer = (rows["answered_at"] - rows["created_at"]).dt.total_seconds() / 3600
        label = rows["resolved_sentiment"]
        return {"reviews": rows.height, **{f"{s}_reviews": int((label == s).sum()) for s in SENTIMENTS},
                "unlabelled_reviews": int(label.is_null().sum()), "answered_reviews": int(answer.is_not_null().sum()),
                "answered_in_time": int((answer <= 48).fill_null(False).sum()), "median_answer_hours": answer.median()}
    resolved = rows["resolved_at"].is_not_null() & (rows["resolved_at"] <= AS_OF)
    hours = (rows["resolved_at"] - rows["opened_at"]).dt.total_seconds() / 3600
    age = (pl.Series([AS_OF] * rows.height) - rows["opened_at"]).dt.total_seconds() / 3600
    open_at = (rows["opened_at"] <= AT) & (rows["resolved_at"].is_null() | (rows["resolved_at"] > AT))
    open_for = (pl.Series([AT] * rows.height) - rows["opened_at"]).dt.total_seconds() / 3600
    return {"complaints": rows.height, "resolved": int(resolved.sum()),
            "due": int((resolved | (~resolved & (age > 48))).sum()),
            "within_standard": int((resolved & (hours <= 48)).fill_null(False).sum()),
            "resolved_within_standard": int((rows["resolved_at"].is_not_null() & (hours <= 48)).fill_null(False).sum()),
            "satisfied": int(rows["satisfied"].fill_null(False).sum()),
            "asked": int(rows["satisfied"].is_not_null().sum()),
            "median_resolution_hours": hours.filter(resolved).median(),
            "median_first_response_hours": ((rows["first_response_at"] - rows["opened_at"]).dt.total_seconds()
                                            / 3600).median(),
            "closed": int(rows["resolved_at"].is_not_null().sum()),
            "closed_within_standard": int((hours <= 48).fill_null(False).sum()),
            "open_at": int(open_at.sum()), "overdue_at": int((open_at & (open_for > 48)).sum()),
            "median_open_hours": open_for.filter(open_at).median()}


@pytest.mark.parametrize("filters", PERIODS, ids=["90d", "year-region", "all-channels"])
@pytest.mark.parametrize("family", ["orders", "spend", "nps_responses", "complaints", "reviews"])
def test_measures_equal_a_hand_aggregation_of_the_rows(backend, family: str, filters: Filters) -> None:
    names = [m.name for m in MEASURES.values() if m.family == family]
    got = measure_frame(backend, family, names, filters,
                        params={"as_of": AS_OF, "standard_hours": 48, "at": AT}).row(0, named=True)
    want = _hand(family, read_fact(backend, family, filters))
    assert set(got) == set(want)
    for name, value in want.items():
        assert got[name] == pytest.approx(value, rel=1e-12), name


def test_a_grain_and_dimensions_split_the_same_total(small_store) -> None:
    flt = PERIODS[0]
    total = measure_frame(small_store, "orders", ["orders", "revenue"], flt).row(0, named=True)
    split = measure_frame(small_store, "orders", ["orders", "revenue"], flt, grain="week", by=["region"])
    assert split.columns == ["period", "region", "orders", "revenue"]
    assert split["orders"].sum() == total["orders"]
    assert split["revenue"].sum() == pytest.approx(total["revenue"], rel=1e-12)
    assert split["period"].dt.weekday().unique().to_list() == [1]  # weeks start on Monday
    # rows grow with the answer: weeks × regions, not with the orders
    assert split.height <= 14 * small_store.query(__import__("sqlalchemy").text(
        "SELECT count(DISTINCT region) AS n FROM orders"))["n"][0]


def test_an_empty_period_gives_zeros(small_store) -> None:
    flt = Filters(dt.date(1990, 1, 1), dt.date(1990, 1, 31))
    row = measure_frame(small_store, "orders", ["orders", "revenue"], flt).row(0, named=True)
    assert row == {"orders": 0, "revenue": 0.0}
    assert measure_frame(small_store, "orders", ["orders"], flt, grain="day").height == 0


def test_values_are_bound_never_written_into_the_sql() -> None:
    stmt = measure_query("complaints", ["within_standard", "due"], PERIODS[1],
                         params={"as_of": AS_OF, "standard_hours": 48})
    sql = str(stmt.compile())
    assert "Москва" not in sql and "48" not in sql and "2026" not in sql and "2025" not in sql


def test_unknown_measures_dimensions_and_missing_params_are_refused() -> None:
    with pytest.raises(StoreError, match="unknown measures"):
        measure_query("orders", ["spend"], PERIODS[0])
    with pytest.raises(StoreError, match="unknown dimension"):
        measure_query("orders", ["orders"], PERIODS[0], by=["nope"])
    with pytest.raises(StoreError, match="needs"):
        measure_query("complaints", ["due"], PERIODS[0])


def test_every_measure_is_described() -> None:
    assert all(m.description for m in MEASURES.values())
