"""The app in Streamlit's AppTest: every page runs, the Overview shows the metric functions' numbers."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from connectors.read import Filters, read_dimension, read_fact
from dashboard.i18n import fmt_money, fmt_number, fmt_points
from metrics.budget import spend_by_pillar
from metrics.communication import engagement_totals
from metrics.reputation import nps
from metrics.sales import sales_totals
from tests.conftest import ROOT

PAGES = ["pages/overview.py", "pages/sales.py", "pages/reputation.py", "pages/communication.py",
         "pages/retention.py", "pages/scenarios.py", "pages/data.py"]
NOT_BUILT = {"pages/sales.py", "pages/reputation.py", "pages/communication.py",
             "pages/scenarios.py"}


def run_app(params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(app_env, page: str) -> None:
    at = run_app(page=page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    if page in NOT_BUILT:
        assert any("not built yet" in i.value for i in at.info)
        assert not at.metric, "a page that is not built shows no numbers"


def query(at: AppTest) -> dict[str, str]:
    """The app's URL parameters (one value each)."""
    return {k: (v if isinstance(v, str) else v[-1]) for k, v in at.query_params.items()}


def metrics_by_label(at: AppTest) -> list[tuple[str, str, str | None]]:
    return [(m.label, m.value, m.delta) for m in at.metric]


def expected_overview(store, start: dt.date, end: dt.date, cstart: dt.date, cend: dt.date, lang: str = "en",
                      channels: tuple[str, ...] = (), regions: tuple[str, ...] = ()):
    """The Overview's numbers computed here, straight from the metric functions."""
    now, prev = Filters(start, end, channels, regions), Filters(cstart, cend, channels, regions)
    pillars = spend_by_pillar(read_fact(store, "spend", now), read_dimension(store, "channels"))
    revenue = sales_totals(read_fact(store, "orders", now))["revenue"][0]
    score = nps(read_fact(store, "nps_responses", now)).row(0, named=True)
    score_prev = nps(read_fact(store, "nps_responses", prev)).row(0, named=True)
    eng = engagement_totals(read_fact(store, "social_posts", now))["engagements"][0]
    spend = {r["pillar"]: fmt_money(r["spend"], lang) for r in pillars.iter_rows(named=True)}
    return {
        "spend": [spend["sales"], spend["reputation"], spend["communication"]],
        "revenue": fmt_money(revenue, lang),
        "nps": fmt_points(score["nps"], lang, signed=True) + f" ±{fmt_number(score['margin_of_error'], lang, digits=1)}",
        "nps_delta": score["nps"] - score_prev["nps"],
        "engagements": fmt_number(eng, lang, compact=True),
    }


def test_overview_numbers_equal_metric_functions(app_env, small_store) -> None:
    at = run_app()
    assert not at.exception
    shown = metrics_by_label(at)
    want = expected_overview(small_store, dt.date(2026, 8, 3), dt.date(2026, 10, 31),
                             dt.date(2026, 5, 5), dt.date(2026, 8, 2))
    assert [v for label, v, _ in shown if label == "Spend"] == want["spend"]
    assert dict((label, v) for label, v, _ in shown if label != "Spend") == {
        "Revenue": want["revenue"], "NPS": want["nps"], "Engagements": want["engagements"],
    }
    nps_delta = next(d for label, _, d in shown if label == "NPS")
    assert nps_delta == f"{'-' if want['nps_delta'] < 0 else '+'}{fmt_number(abs(want['nps_delta']), digits=1)} pts"


def test_filters_from_link_reach_the_numbers_in_russian(app_env, small_store) -> None:
    params = {"period": "custom", "from": "2025-01-01", "to": "2025-03-31", "compare": "year",
              "ch": "search_ads,social_media", "region": "Москва", "lang": "ru"}
    at = run_app(params)
    assert not at.exception
    assert at.title[0].value == "Что я получаю за эти деньги?"
    want = expected_overview(small_store, dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2024, 1, 1),
                             dt.date(2024, 3, 31), "ru", ("search_ads", "social_media"), ("Москва",))
    shown = metrics_by_label(at)
    assert [v for label, v, _ in shown if label == "Затраты"] == want["spend"]
    assert next(v for label, v, _ in shown if label == "Выручка") == want["revenue"]
    assert next(v for label, v, _ in shown if label == "NPS") == want["nps"]
    assert not at.warning  # a good link raises no notice
    assert query(at) == params


def test_a_hostile_link_falls_back_with_a_notice(app_env) -> None:
    at = run_app({"period": "<script>alert(1)</script>", "ch": "'; DROP TABLE orders; --",
                  "lang": "xx", "[x](javascript:alert(1))": "1"})
    assert not at.exception
    assert len(at.warning) == 1
    notice = at.warning[0].value
    assert "could not be used" in notice and "period" in notice and "lang" in notice
    assert "<script>" not in notice and "](javascript" not in notice
    assert at.title[0].value == "What do I get from this?"  # English default
    assert query(at) == {}


def test_an_empty_period_says_so(app_env) -> None:
    at = run_app({"period": "custom", "from": "2031-01-01", "to": "2031-01-31"})
    assert not at.exception
    values = [m.value for m in at.metric]
    assert values.count("—") == 3  # revenue, NPS, engagements: nothing to show
    captions = " ".join(c.value for c in at.caption)
    assert "No orders in this period" in captions and "No answers in this period" in captions


def test_changing_a_filter_updates_the_link(app_env) -> None:
    at = run_app()
    at.selectbox(key="flt_period").select("last_30_days").run()
    at.multiselect(key="flt_regions").select("Тверь").run()
    assert not at.exception
    assert query(at) == {"period": "last_30_days", "region": "Тверь"}


def test_data_page_shows_real_row_counts(app_env, small_store) -> None:
    at = run_app(page="pages/data.py")
    assert not at.exception
    table = at.dataframe[0].value
    orders = pl.from_pandas(table).filter(pl.col("table") == "orders")["rows"][0]
    assert orders == fmt_number(read_fact(small_store, "orders", columns=["order_id"]).height)
