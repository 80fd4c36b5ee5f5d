"""The attribution rollup (connectors/rollups.py): summed per day, it gives every period's counts equal to the
counts on the journeys; it is used only while current and built with the view's parameters, and kept current
by imports, undo and restore."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from connectors import query_log, rollups
from connectors.attribution_counts import credit_query, read_attribution_counts, transitions_query
from connectors.backup import backup_tables, restore_tables
from connectors.imports.plan import ImportRequest, import_file
from connectors.customer_status import prediction_sums, status_groups
from connectors.read import Filters, activity_bounds
from connectors.undo import undo_import
from tests.importing import copy_store

END = dt.date(2026, 11, 30)
VIEWS = [
    Filters(END - dt.timedelta(days=89), END, (), ()),
    Filters(END - dt.timedelta(days=364), END, (), ("Москва",)),
    Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31), (), ("Тверь", "Красногорск")),
    Filters(),
]


def _live(store, filters: Filters, lookback: int, half_life: float = 7.0) -> tuple[pl.DataFrame, pl.DataFrame]:
    credit = store.query(credit_query(filters, lookback, half_life_days=half_life)).sort("channel")
    steps = store.query(transitions_query(filters, lookback)).sort("source", "target")
    return credit, steps


def _rolled(store, filters: Filters, lookback: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    credit = store.query(rollups.credit_rollup_query(filters, lookback)).sort("channel")
    steps = store.query(rollups.transitions_rollup_query(filters, lookback)).sort("source", "target")
    return credit, steps


def _labels(run) -> list[str]:
    query_log.clear()
    with query_log.on_page("test"):
        run()
    return [r.label for r in query_log.recent("test")]


def test_the_demo_is_loaded_with_its_rollup(small_store) -> None:
    built = rollups.built(small_store)
    assert built is not None
    assert built.attribution.lookbacks == (7, 14, 30, 60, 90) and built.attribution.half_life_days == 7.0
    assert built.customers_as_of == activity_bounds(small_store)[1] and built.regions_consistent
    days = small_store.execute_sql("SELECT min(day) AS lo, max(day) AS hi, count(*) AS n "
                                   "FROM rollup_attribution_steps WHERE lookback_days = 30")
    assert days["n"][0] > 1000 and days["hi"][0] <= END


@pytest.mark.parametrize("lookback", [7, 30, 90])
@pytest.mark.parametrize("filters", VIEWS, ids=["90 days", "12 months Moscow", "Q1 2025 two regions", "all data"])
def test_summed_rollup_equals_the_counts_on_the_journeys(small_store, filters, lookback) -> None:
    live_credit, live_steps = _live(small_store, filters, lookback)
    credit, steps = _rolled(small_store, filters, lookback)
    assert live_steps.height > 10 and live_credit.height > 5
    assert_frame_equal(credit, live_credit, check_dtypes=False, rel_tol=1e-9, abs_tol=1e-9)
    assert_frame_equal(steps, live_steps, check_dtypes=False, rel_tol=1e-9, abs_tol=1e-9)


def test_the_rollup_equals_the_counts_on_postgresql(pg_store) -> None:
    assert rollups.built(pg_store) is not None
    for filters in VIEWS[:2]:
        live_credit, live_steps = _live(pg_store, filters, 30)
        credit, steps = _rolled(pg_store, filters, 30)
        assert_frame_equal(credit, live_credit, check_dtypes=False, rel_tol=1e-9, abs_tol=1e-9)
        assert_frame_equal(steps, live_steps, check_dtypes=False, rel_tol=1e-9, abs_tol=1e-9)


def test_views_read_the_rollup_only_with_its_parameters(small_store) -> None:
    view = VIEWS[0]
    assert _labels(lambda: read_attribution_counts(small_store, view, lookback_days=30)) == [
        "rollups.state", "attribution.credit_rollup", "attribution.transitions_rollup", "attribution.new_customers"]
    for other in ({"lookback_days": 45}, {"lookback_days": 30, "half_life_days": 3.0},
                  {"lookback_days": 30, "first_weight": 0.3}):
        labels = _labels(lambda o=other: read_attribution_counts(small_store, view, **o))
        assert "attribution.transitions" in labels and "attribution.transitions_rollup" not in labels, other
    rolled = read_attribution_counts(small_store, view, lookback_days=14)
    credit, steps = _live(small_store, view, 14)
    assert rolled.transitions["journeys"].sum() == pytest.approx(steps["journeys"].sum(), rel=1e-12)


TOUCHES = ("touch_id,journey_id,customer_id,ts,channel_id\n"
           "900000001,900000001,,2026-11-20 10:00:00,search_ads\n"
           "900000002,900000001,,2026-11-21 11:00:00,social_ads\n"
           "900000003,900000001,,2026-11-22 12:00:00,retargeting\n").encode()
SPEND = "day,campaign_id,amount\n2026-11-20,display_tver,1000\n".encode()


def test_imports_and_undo_keep_the_rollup_current(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    view = Filters(dt.date(2026, 11, 1), END, (), ())
    before = _rolled(store, view, 30)[1]

    _, spend = import_file(store, SPEND, "spend.csv", ImportRequest(table="spend"), max_bytes=10**6)
    assert spend is not None
    assert rollups.built(store) is not None  # a spend import: the same rollup, stamped with the new version
    assert_frame_equal(_rolled(store, view, 30)[1], before)

    _, touches = import_file(store, TOUCHES, "touches.csv", ImportRequest(table="touchpoints"), max_bytes=10**6)
    assert touches is not None and touches.rows_added == 3
    assert rollups.built(store) is not None
    after = _rolled(store, view, 30)[1]
    assert_frame_equal(after, _live(store, view, 30)[1], check_dtypes=False, rel_tol=1e-9)
    assert after["journeys"].sum() == pytest.approx(before["journeys"].sum() + 3 + 1)  # 3 steps and the (null) one

    undo_import(store, touches.import_id, user="test")
    assert rollups.built(store) is not None
    assert_frame_equal(_rolled(store, view, 30)[1], before, check_dtypes=False, rel_tol=1e-9)


def test_a_write_the_rollup_missed_sends_views_to_the_journeys(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    store.execute([])  # another writer: the data version moves past the rollup's stamp
    assert rollups.built(store) is None
    labels = _labels(lambda: read_attribution_counts(store, VIEWS[0], lookback_days=30))
    assert "attribution.transitions" in labels and "attribution.transitions_rollup" not in labels
    assert rollups.refresh_configured(store)
    assert rollups.built(store) is not None


def test_a_restored_backup_gets_its_rollup(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    folder = backup_tables(store, tmp_path / "backups")
    restore_tables(store, folder)
    assert rollups.built(store) is not None
    assert_frame_equal(_rolled(store, VIEWS[0], 30)[1], _live(store, VIEWS[0], 30)[1], check_dtypes=False,
                       rel_tol=1e-9)


def _no_rollups(monkeypatch) -> None:
    monkeypatch.setattr(rollups, "built", lambda store: None)


@pytest.mark.parametrize("filters", [Filters(), Filters(None, None, ("search_ads", "referral"), ()),
                                     Filters(None, None, (), ("Москва",))], ids=["all", "two channels", "one region"])
def test_customer_rows_from_the_rollup_equal_the_rows_on_the_orders(small_store, filters, monkeypatch) -> None:
    as_of = activity_bounds(small_store)[1]
    labels = _labels(lambda: status_groups(small_store, filters, as_of=as_of, fit_customers=5000))
    assert labels == ["rollups.state", "customer_status.status_groups(rollup_customers)"], labels
    rolled = {"groups": status_groups(small_store, filters, as_of=as_of, fit_customers=5000),
              "sums": prediction_sums(small_store, filters, as_of=as_of, r=0.5, alpha=10.0, a=0.8, b=2.5)}
    _no_rollups(monkeypatch)
    live = {"groups": status_groups(small_store, filters, as_of=as_of, fit_customers=5000),
            "sums": prediction_sums(small_store, filters, as_of=as_of, r=0.5, alpha=10.0, a=0.8, b=2.5)}
    for name, frame in rolled.items():
        want = live[name]
        assert frame.height > 100
        assert_frame_equal(frame.sort(frame.columns, nulls_last=True), want.sort(want.columns, nulls_last=True),
                           rel_tol=1e-9, abs_tol=1e-9)


def test_customer_rows_serve_only_their_day_and_thresholds(small_store) -> None:
    as_of = activity_bounds(small_store)[1]
    for kwargs in ({"as_of": as_of - dt.timedelta(days=1)}, {"as_of": as_of, "loyal_orders": 4}):
        labels = _labels(lambda k=kwargs: status_groups(small_store, Filters(), **k))
        assert "rollup_customers" not in " ".join(labels), (kwargs, labels)


def test_regions_of_facts_apart_from_their_customers_keep_region_views_on_the_facts(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    store.execute_sql("SELECT 1")
    with store.writing() as con:
        con.execute("UPDATE orders SET region = 'Тверь' WHERE order_id = (SELECT min(o.order_id) FROM orders o "
                    "JOIN customers c USING (customer_id) WHERE c.region = 'Москва')")
    assert rollups.refresh_configured(store)
    built = rollups.built(store)
    assert built is not None and not built.regions_consistent
    as_of = built.customers_as_of
    moscow = Filters(None, None, (), ("Москва",))
    assert "rollup_customers" not in " ".join(_labels(lambda: status_groups(store, moscow, as_of=as_of)))
    assert "rollup_customers" in " ".join(_labels(lambda: status_groups(store, Filters(), as_of=as_of)))
