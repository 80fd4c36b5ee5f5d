"""The app in Streamlit's AppTest: every page runs, the Overview shows the metric functions' numbers."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from connectors.read import Filters, read_dimension, read_fact
from dashboard.i18n import fmt_money, fmt_number, fmt_pct, fmt_points
from connectors.journeys import read_paths
from metrics import contribution as mc
from metrics.attribution import attribute_all
from metrics.scenarios import new_customer_value
from metrics.budget import spend_by_pillar
from metrics.complaints import complaint_handling
from metrics.reviews import review_sentiment, review_totals
from metrics.sentiment import default_classifier
from metrics.communication import engagement_totals, follower_growth
from metrics.reputation import nps
from metrics.retention import customer_base, daily_purchases
from metrics.retention_value import complaint_outcomes, nps_group_of_first_purchase, value_by_nps_group
from metrics.sales import sales_totals
from metrics.word_of_mouth import referral_share
from tests.conftest import ROOT

PAGES = ["pages/overview.py", "pages/sales.py", "pages/reputation.py", "pages/communication.py",
         "pages/retention.py", "pages/scenarios.py", "pages/data.py"]
NOT_BUILT: set[str] = set()


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


def secondary_results(at: AppTest) -> dict[str, str]:
    """The Overview's secondary results, one line each: 'Label: **value** ...'."""
    import re

    out = {}
    for md in at.markdown:
        found = re.match(r"^(.+?): \*\*(.+?)\*\*", md.value)
        if found:
            out[found.group(1)] = found.group(2)
    return out


def expected_contributions(store, now: Filters) -> dict[str, float]:
    """Each pillar's estimated contribution, straight from the metric functions."""
    channels = read_dimension(store, "channels")
    whole = now.with_period(None, None)
    orders = read_fact(store, "orders", now)
    all_orders = read_fact(store, "orders", whole)
    daily = daily_purchases(all_orders)
    customers = read_fact(store, "customers", whole)
    base = customer_base(customers, daily, as_of=now.end)
    groups = nps_group_of_first_purchase(read_fact(store, "nps_responses", whole), base)
    by_group = value_by_nps_group(base, daily, groups, read_fact(store, "referrals", whole), as_of=now.end)
    after = complaint_outcomes(read_fact(store, "complaints", whole), all_orders, as_of=now.end, standard_hours=48)
    complaints = read_fact(store, "complaints", now)
    hours = (complaints["resolved_at"] - complaints["opened_at"]).dt.total_seconds() / 3600
    answers = read_fact(store, "nps_responses", now)

    def gap(frame, key, a, b, col):
        return frame.filter(pl.col(key) == a)[col][0] - frame.filter(pl.col(key) == b)[col][0]

    credit = attribute_all(read_paths(store, Filters(now.start, now.end, (), now.regions), lookback_days=30).paths,
                           half_life_days=7.0).filter(pl.col("model") == "markov")
    if now.channels:
        credit = credit.filter(pl.col("channel").is_in(list(now.channels)))
    value = new_customer_value(customers, all_orders, last_day=now.end)
    parts = pl.concat([
        mc.attributed_value(credit, value, channels),
        mc.reputation_value(buying_customers=orders["customer_id"].n_unique(),
                            promoter_share=float((answers["score"] >= 9).mean()),
                            promoter_gap=gap(by_group, "nps_group", "promoter", "passive", "value"),
                            fast_complaints=int((complaints["resolved_at"].is_not_null() & (hours <= 48)).sum()),
                            complaint_gap=gap(after, "speed", "fast", "slow", "gross_profit_12m"),
                            period_days=now.days),
    ])
    table = mc.pillar_contributions(parts, spend_by_pillar(read_fact(store, "spend", now), channels))
    return dict(table.select("pillar", "contribution").iter_rows())


def expected_overview(store, start: dt.date, end: dt.date, cstart: dt.date, cend: dt.date, lang: str = "en",
                      channels: tuple[str, ...] = (), regions: tuple[str, ...] = ()):
    """The Overview's numbers computed here, straight from the metric functions."""
    now, prev = Filters(start, end, channels, regions), Filters(cstart, cend, channels, regions)
    pillars = spend_by_pillar(read_fact(store, "spend", now), read_dimension(store, "channels"))
    revenue = sales_totals(read_fact(store, "orders", now))["revenue"][0]
    score = nps(read_fact(store, "nps_responses", now)).row(0, named=True)
    score_prev = nps(read_fact(store, "nps_responses", prev)).row(0, named=True)
    er = engagement_totals(read_fact(store, "social_posts", now))["er_reach"][0]
    er_prev = engagement_totals(read_fact(store, "social_posts", prev))["er_reach"][0]
    net = follower_growth(read_fact(store, "social_followers", now))["net"][0]
    share = referral_share(read_fact(store, "customers", Filters(start, end, (), regions)))["referral_share"][0]
    reviews = review_totals(review_sentiment(read_fact(store, "reviews", now), classifier=default_classifier()))
    data_end = dt.datetime(2026, 11, 1)  # the demo's last day + 1
    handled = complaint_handling(read_fact(store, "complaints", now), standard_hours=48, as_of=data_end)
    word = "Затраты" if lang == "ru" else "Spend"
    spend = [f"{word} {fmt_money(r['spend'], lang)} · {fmt_pct(r['share'], lang)}" for r in pillars.iter_rows(named=True)]
    contributions = expected_contributions(store, now)
    return {
        "spend": spend,
        "contribution": [fmt_money(contributions[p], lang) for p in ("sales", "reputation", "communication")],
        "revenue": fmt_money(revenue, lang),
        "nps": fmt_points(score["nps"], lang, signed=True) + f" ±{fmt_number(score['margin_of_error'], lang, digits=1)}",
        "nps_delta": score["nps"] - score_prev["nps"],
        "er_reach": fmt_pct(er, lang),
        "er_delta": (er - er_prev) * 100 if er is not None and er_prev is not None else None,
        "net_followers": fmt_number(net, lang, compact=True),
        "referral_share": fmt_pct(share, lang),
        "positive_reviews": fmt_number(reviews["positive"][0], lang, compact=True),
        "negative_reviews": fmt_number(reviews["negative"][0], lang, compact=True),
        "complaints_within": fmt_pct(handled["within_standard_share"][0], lang),
    }


CONTRIBUTION = {"en": "Profit contribution (estimate)", "ru": "Вклад в прибыль (оценка)"}


def test_overview_numbers_equal_metric_functions(app_env, small_store) -> None:
    at = run_app()
    assert not at.exception
    shown = metrics_by_label(at)
    want = expected_overview(small_store, dt.date(2026, 8, 3), dt.date(2026, 10, 31),
                             dt.date(2026, 5, 5), dt.date(2026, 8, 2))
    contribution = [(v, d) for label, v, d in shown if label == CONTRIBUTION["en"]]
    assert [d for _, d in contribution] == want["spend"]
    assert [v for v, _ in contribution] == want["contribution"]
    assert dict((label, v) for label, v, _ in shown if label != CONTRIBUTION["en"]) == {
        "Revenue": want["revenue"], "NPS": want["nps"], "Engagement rate (by reach)": want["er_reach"],
    }
    assert secondary_results(at) == {
        "Positive reviews": want["positive_reviews"], "Negative reviews": want["negative_reviews"],
        "Complaints resolved in time": want["complaints_within"],
        "Net followers": want["net_followers"], "Referral share": want["referral_share"],
    }
    er_delta = next(d for label, _, d in shown if label == "Engagement rate (by reach)")
    assert er_delta == f"{'-' if want['er_delta'] < 0 else '+'}{fmt_number(abs(want['er_delta']), digits=1)} pts"
    nps_delta = next(d for label, _, d in shown if label == "NPS")
    assert nps_delta == f"{'-' if want['nps_delta'] < 0 else '+'}{fmt_number(abs(want['nps_delta']), digits=1)} pts"
    headline = at.success[0].value
    assert headline.startswith("**+5 pp retention ≈ +₽") and "over 3 years" in headline


def test_filters_from_link_reach_the_numbers_in_russian(app_env, small_store) -> None:
    params = {"period": "custom", "from": "2025-01-01", "to": "2025-03-31", "compare": "year",
              "ch": "search_ads,social_media", "region": "Москва", "lang": "ru"}
    at = run_app(params)
    assert not at.exception
    assert at.title[0].value == "Что я получаю за эти деньги?"
    want = expected_overview(small_store, dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2024, 1, 1),
                             dt.date(2024, 3, 31), "ru", ("search_ads", "social_media"), ("Москва",))
    shown = metrics_by_label(at)
    assert [d for label, _, d in shown if label == CONTRIBUTION["ru"]] == want["spend"]
    assert [v for label, v, _ in shown if label == CONTRIBUTION["ru"]] == want["contribution"]
    assert next(v for label, v, _ in shown if label == "Выручка") == want["revenue"]
    assert next(v for label, v, _ in shown if label == "NPS") == want["nps"]
    more = secondary_results(at)
    assert more["Положительные отзывы"] == want["positive_reviews"]
    assert more["Жалобы, решённые в срок"] == want["complaints_within"]
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
    assert values.count("—") == 3  # revenue, NPS, engagement rate: nothing to show
    assert set(secondary_results(at).values()) == {"—"}  # reviews ×2, complaints, net followers, referral share
    assert len(secondary_results(at)) == 5
    captions = " ".join(c.value for c in at.caption)
    assert "No orders in this period" in captions and "No answers in this period" in captions
    assert "No posts in this period" in captions


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
