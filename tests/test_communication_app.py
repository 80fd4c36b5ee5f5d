"""The Communication page in AppTest: the numbers shown equal the metric functions', the link carries
the engagement-rate denominator and the trend step, filters reach every section."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from connectors.read import Filters, read_fact
from dashboard.communication.view import signed_count
from dashboard.i18n import fmt_money, fmt_number, fmt_pct
from metrics.communication import engagement_totals, follower_growth, posts_with_followers, top_posts
from metrics.newsletter import email_funnel
from metrics.post_types import promo_penalty
from metrics.word_of_mouth import referral_share, referrals_by_nps_class, referred_customer_value
from tests.test_app import query, run_app

PAGE = "pages/communication.py"
NOW = (dt.date(2026, 8, 3), dt.date(2026, 10, 31))  # the default: last 90 days of the demo
PREV = (dt.date(2026, 5, 5), dt.date(2026, 8, 2))


def _end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def expected(store, span, *, lang="en", denominator="reach", channels=(), regions=()) -> dict[str, str]:
    """Every KPI of the page computed here, straight from the metric functions."""
    flt = Filters(*span, channels, regions)
    company = Filters(*span, (), regions)
    posts = posts_with_followers(read_fact(store, "social_posts", flt), read_fact(store, "social_followers", flt))
    social = engagement_totals(posts).row(0, named=True)
    growth = follower_growth(read_fact(store, "social_followers", flt)).row(0, named=True)
    email = email_funnel(read_fact(store, "email_sends", flt)).row(0, named=True)
    share = referral_share(read_fact(store, "customers", company)).row(0, named=True)
    value = referred_customer_value(read_fact(store, "orders", company), read_fact(store, "referrals", Filters()))
    referred = value.filter(pl.col("group") == "referred").row(0, named=True)
    by_class = referrals_by_nps_class(read_fact(store, "nps_responses", Filters(None, span[1], (), regions)),
                                      read_fact(store, "referrals", Filters(*span)), before=_end(span[1]))
    per_100 = by_class.filter(pl.col("nps_class") == "promoter")["referrals_per_customer"][0] * 100
    er = f"er_{denominator}"
    return {
        er: fmt_pct(social[er], lang, digits=2),
        "reach": fmt_number(social["reach"], lang, compact=True),
        "engagements": fmt_number(social["engagements"], lang, compact=True),
        "social_clicks": fmt_number(social["clicks"], lang, compact=True),
        "ctr": fmt_pct(social["ctr"], lang, digits=2),
        "net_followers": signed_count(growth["net"], lang),
        "email_delivered": fmt_number(email["delivered"], lang, compact=True),
        "email_open_rate": fmt_pct(email["open_rate"], lang) + " *",
        "email_click_rate": fmt_pct(email["click_rate"], lang),
        "email_click_to_open": fmt_pct(email["click_to_open"], lang) + " *",
        "email_unsubscribe_rate": fmt_pct(email["unsubscribe_rate"], lang, digits=2),
        "email_list_size": fmt_number(email["largest_send"], lang, compact=True),
        "referrals": fmt_number(share["referred_customers"], lang),
        "referral_share": fmt_pct(share["referral_share"], lang),
        "referred_revenue": fmt_money(referred["revenue"], lang),
        "referred_gross_profit": fmt_money(referred["gross_profit"], lang),
        "referrals_per_promoter": fmt_number(per_100, lang, digits=1),
    }


def shown(at, lang="en") -> dict[str, str]:
    from metrics.specs import REGISTRY

    by_label = {s.label_for(lang): name for name, s in REGISTRY.items()}
    return {by_label[m.label]: m.value for m in at.metric}


def test_the_numbers_shown_equal_the_metric_functions(app_env, small_store) -> None:
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Communication"
    assert shown(at) == expected(small_store, NOW)
    er_now = engagement_totals(read_fact(small_store, "social_posts", Filters(*NOW)))["er_reach"][0]
    er_prev = engagement_totals(read_fact(small_store, "social_posts", Filters(*PREV)))["er_reach"][0]
    delta = next(m.delta for m in at.metric if m.label == "Engagement rate (by reach)")
    diff = (er_now - er_prev) * 100
    assert delta == f"{'-' if diff < 0 else '+'}{fmt_number(abs(diff), digits=1)} pts"
    # the promo lesson quotes the metric's multiplier
    penalty = promo_penalty(read_fact(small_store, "social_posts", Filters(*NOW))).row(0, named=True)
    lesson = next(m.value for m in at.markdown if "Promo posts engage" in m.value)
    assert f"{fmt_number(penalty['multiplier'], digits=2)}×" in lesson
    # the top post is the metric's top post, its title shown as plain text
    top = top_posts(read_fact(small_store, "social_posts", Filters(*NOW)), n=1).row(0, named=True)
    table = next(d.value for d in at.dataframe if "Title" in d.value.columns)
    assert table["Title"].iloc[0] == top["title"]
    assert not at.warning
    assert any("privacy protection" in c.value for c in at.caption)


def test_denominator_and_trend_step_come_from_the_link_and_go_back_into_it(app_env, small_store) -> None:
    at = run_app({"er": "followers", "grain": "month"}, page=PAGE)
    assert not at.exception, at.exception
    assert at.radio(key="comm_er.en").value == "followers"
    assert at.selectbox(key="comm_grain.en").value == "month"
    values = shown(at)
    assert values["er_followers"] == expected(small_store, NOW, denominator="followers")["er_followers"]
    assert "Top posts by Engagement rate (by followers)" in [s.value for s in at.subheader]
    assert query(at) == {"er": "followers", "grain": "month"}
    at.radio(key="comm_er.en").set_value("impressions").run()
    assert shown(at)["er_impressions"] == expected(small_store, NOW, denominator="impressions")["er_impressions"]
    assert query(at) == {"er": "impressions", "grain": "month"}
    at.radio(key="comm_er.en").set_value("reach").run()
    at.selectbox(key="comm_grain.en").select("week").run()
    assert query(at) == {}  # defaults are left out of the link


def test_a_bad_page_link_falls_back_with_a_notice(app_env) -> None:
    at = run_app({"er": "<script>alert(1)</script>", "grain": "fortnight"}, page=PAGE)
    assert not at.exception, at.exception
    assert at.radio(key="comm_er.en").value == "reach" and at.selectbox(key="comm_grain.en").value == "week"
    notices = " ".join(w.value for w in at.warning)
    assert "Engagement rate denominator `<script>alert(1)</script>`" in notices  # shown literally, as inline code
    assert "Trend grain `fortnight`" in notices
    assert query(at) == {}


def test_russian(app_env, small_store) -> None:
    at = run_app({"lang": "ru"}, page=PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Коммуникации"
    assert shown(at, "ru") == expected(small_store, NOW, lang="ru")
    assert any("Вовлечённость промо-постов" in m.value for m in at.markdown)


def test_an_empty_period_says_so_in_every_section(app_env) -> None:
    at = run_app({"period": "custom", "from": "2031-01-01", "to": "2031-01-31"}, page=PAGE)
    assert not at.exception, at.exception
    assert not at.metric
    infos = " ".join(i.value for i in at.info)
    assert "No social posts" in infos and "No newsletters" in infos and "No new customers" in infos


def test_filters_reach_each_section_as_documented(app_env, small_store) -> None:
    # a sales channel only: no posts or e-mails, word of mouth stays company-wide
    at = run_app({"ch": "search_ads"}, page=PAGE)
    assert not at.exception, at.exception
    infos = " ".join(i.value for i in at.info)
    assert "No social posts" in infos and "No newsletters" in infos
    want = expected(small_store, NOW)
    got = shown(at)
    assert got["referral_share"] == want["referral_share"] and got["referrals"] == want["referrals"]
    # a region: word of mouth follows it, social media (no region) does not
    at = run_app({"region": "Тверь"}, page=PAGE)
    assert not at.exception, at.exception
    got, regional = shown(at), expected(small_store, NOW, regions=("Тверь",))
    assert got == regional
    assert got["reach"] == want["reach"] and got["referrals"] != want["referrals"]


@pytest.mark.parametrize("compare", ["none", "year"])
def test_comparison_choices(app_env, compare: str) -> None:
    at = run_app({"compare": compare}, page=PAGE)
    assert not at.exception, at.exception
    deltas = [m.delta for m in at.metric]
    assert all(not d for d in deltas) if compare == "none" else all(d for d in deltas)


@pytest.mark.parametrize("params", [
    {"period": "custom", "from": "2026-10-30", "to": "2026-10-30"},  # one day, no promo post: nothing to compare
    {"period": "last_30_days", "grain": "month"},  # shorter than one whole month
    {"period": "custom", "from": "2023-05-01", "to": "2023-05-31", "compare": "year"},  # nothing a year before
    {"period": "all", "grain": "day", "er": "followers"},
])
def test_odd_periods_render_and_explain_themselves(app_env, params) -> None:
    at = run_app(params, page=PAGE)
    assert not at.exception, at.exception
    assert at.metric and not at.warning
    texts = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    if params.get("from") == "2026-10-30":
        assert "Too few promo or other posts" in texts
    if params.get("grain") == "month" and params["period"] == "last_30_days":
        assert "shorter than one whole month" in texts
