"""Freshness per source: each table's last day (one query), periods anchored on the last day orders and spend
both cover, a banner naming the sources that lag or lead, and KPI cards saying "no comparison data" when the
comparison period starts before their source's first day."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from connectors import query_log, schema
from connectors.read import FACTS, anchor_bounds, freshness
from dashboard.components import delta_text
from dashboard.filters import Bounds, ViewState, resolve_period
from dashboard.freshness import comparison_covered, metric_sources
from dashboard.i18n import fmt_date, t
from tests.conftest import ROOT
from tests.importing import copy_store
from tests.test_data_page import app_settings

D = dt.date


def fresh(**days: tuple[D | None, D | None]) -> pl.DataFrame:
    return pl.DataFrame({"table": list(days), "first": [d[0] for d in days.values()],
                         "last": [d[1] for d in days.values()]}, schema={"table": pl.String, "first": pl.Date,
                                                                         "last": pl.Date})


def test_periods_end_on_the_last_day_both_orders_and_spend_cover() -> None:
    both = fresh(orders=(D(2024, 1, 1), D(2026, 10, 31)), spend=(D(2023, 5, 1), D(2026, 11, 4)),
                 leads=(D(2023, 5, 1), D(2026, 11, 30)))
    assert anchor_bounds(both) == (D(2023, 5, 1), D(2026, 10, 31))  # not the newest row of any table
    assert anchor_bounds(fresh(orders=(D(2024, 1, 1), D(2026, 9, 30)), spend=(None, None))) == (
        D(2024, 1, 1), D(2026, 9, 30))  # only orders loaded: their days
    assert anchor_bounds(fresh(orders=(None, None), spend=(None, None), reviews=(D(2025, 1, 1), D(2025, 6, 1)),
                               nps_responses=(D(2025, 2, 1), D(2025, 7, 1)))) == (D(2025, 1, 1), D(2025, 7, 1))
    assert anchor_bounds(fresh(orders=(None, None), spend=(None, None))) is None
    bounds = Bounds(D(2023, 5, 1), D(2026, 10, 31), sources=tuple(both.iter_rows()))
    assert resolve_period(ViewState(period="last_30_days"), bounds) == (D(2026, 10, 2), D(2026, 10, 31))


def test_the_sources_that_lag_or_lead_are_named() -> None:
    sources = (("spend", D(2023, 5, 1), D(2026, 11, 4)), ("orders", D(2023, 5, 1), D(2026, 10, 31)),
               ("reviews", D(2023, 5, 1), D(2026, 10, 10)), ("brand_surveys", D(2023, 5, 1), D(2026, 10, 1)),
               ("email_sends", D(2023, 5, 1), D(2026, 10, 29)), ("complaints", None, None))
    bounds = Bounds(D(2023, 5, 1), D(2026, 10, 31), sources=sources)
    # spend leads, orders end the periods, reviews lag three weeks; monthly survey waves and a newsletter two
    # days before the end are on time; an empty table is not a source that lags
    assert bounds.off_sources() == [("spend", D(2026, 11, 4)), ("orders", D(2026, 10, 31)),
                                    ("reviews", D(2026, 10, 10))]
    level = Bounds(D(2023, 5, 1), D(2026, 10, 31), sources=(("orders", D(2023, 5, 1), D(2026, 10, 31)),
                                                           ("spend", D(2023, 5, 1), D(2026, 10, 31))))
    assert level.off_sources() == [] and not level.empty and Bounds(D(2026, 1, 1), D(2026, 1, 1), (
        ("orders", None, None),)).empty


def test_a_comparison_before_a_sources_first_day_is_not_compared() -> None:
    bounds = Bounds(D(2023, 5, 1), D(2026, 10, 31), sources=(("orders", D(2023, 5, 1), D(2026, 10, 31)),
                                                             ("spend", D(2026, 7, 1), D(2026, 10, 31))))
    comparison = (D(2026, 5, 5), D(2026, 8, 2))
    assert metric_sources("romi") == ("orders", "spend") and metric_sources("nps") == ("nps_responses",)
    assert comparison_covered(bounds, comparison, "revenue")
    assert not comparison_covered(bounds, comparison, "sales_spend")
    assert not comparison_covered(bounds, comparison, "romi")  # a ratio of orders and spend needs both
    assert comparison_covered(bounds, (D(2026, 7, 1), D(2026, 7, 31)), "romi")
    assert comparison_covered(bounds, None, "romi")
    assert delta_text(120.0, 100.0, "en", covered=False) == "no comparison data"
    assert delta_text(120.0, 100.0, "ru", covered=False) == "нет данных для сравнения"
    assert delta_text(120.0, 100.0, "en") == "+20.0%"


def test_each_tables_days_come_from_one_query_and_match_plain_sql(small_store) -> None:
    query_log.clear()
    got = freshness(small_store)
    assert len(query_log.recent()) == 1 and query_log.recent()[0].rows == got.height  # days, not rows
    assert got["table"].to_list() == [n for n in schema.FACT_TABLES if any(s.table == n for s in FACTS.values())]
    for row in got.iter_rows(named=True):
        spec = next(s for s in FACTS.values() if s.table == row["table"])
        table = schema.metadata.tables[row["table"]]
        expected = small_store.execute_sql(
            f'SELECT CAST(min("{spec.time_column}") AS DATE) AS f, CAST(max("{spec.time_column}") AS DATE) AS l '
            f'FROM "{table.name}"').row(0)
        assert (row["first"], row["last"]) == expected, row["table"]


@pytest.fixture()
def newer_spend(app_env, small_store, tmp_path):
    """A private demo whose spend runs four days past the orders, and whose NPS answers start on 1 July 2026."""
    store = copy_store(small_store, tmp_path)
    last_order = store.execute_sql("SELECT CAST(max(ordered_at) AS DATE) AS d FROM orders")["d"][0]
    campaign = store.execute_sql("SELECT campaign_id, channel_id, region FROM campaigns "
                                 "WHERE region IS NOT NULL ORDER BY campaign_id LIMIT 1").row(0)
    days = [last_order + dt.timedelta(days=i) for i in (1, 2, 3, 4)]
    store.write_frames({"spend": pl.DataFrame({"day": days, "campaign_id": [campaign[0]] * 4,
                                               "channel_id": [campaign[1]] * 4, "region": [campaign[2]] * 4,
                                               "amount": [1000.0] * 4})})
    store.execute([schema.nps_responses.delete().where(schema.nps_responses.c.responded_at < dt.datetime(2026, 7, 1))])
    with app_settings(data_dir=str(tmp_path), db_url=""):
        yield store, last_order, days[-1]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_presets_end_on_the_last_day_of_both_and_the_banner_names_the_sources(newer_spend, lang) -> None:
    store, last_order, last_spend = newer_spend
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert t("data.as_of", lang, date=fmt_date(last_order, lang)) in captions  # not the newest spend day
    start = last_order - dt.timedelta(days=89)  # the default period: the last 90 days
    assert any(fmt_date(start, lang) in c and fmt_date(last_order, lang) in c for c in captions + [
        m.value for m in at.markdown]), captions
    banner = [i.value for i in at.info if t("fresh.lag", lang, sources="", date="")[:20] in i.value]
    assert len(banner) == 1, [i.value for i in at.info]
    assert t("fresh.source", lang, table=t("table.orders", lang), date=fmt_date(last_order, lang)) in banner[0]
    assert t("fresh.source", lang, table=t("table.spend", lang), date=fmt_date(last_spend, lang)) in banner[0]
    cards = {m.label: m.delta for m in at.metric}
    nps, revenue = ("NPS", "Выручка") if lang == "ru" else ("NPS", "Revenue")
    assert cards[nps] == t("fresh.no_comparison", lang)  # the comparison starts before the first NPS answer
    assert cards[revenue][:1] in "+-" and cards[revenue] != t("fresh.no_comparison", lang)


def test_reputation_cards_say_when_the_comparison_lacks_their_source(newer_spend) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/reputation.py").run()
    assert not at.exception, at.exception
    cards = {m.label: m.delta for m in at.metric}
    assert cards["NPS"] == t("fresh.no_comparison", "en")  # NPS answers start after the comparison's first day
    assert cards["Positive reviews"] not in (None, t("fresh.no_comparison", "en"))  # reviews go back years
