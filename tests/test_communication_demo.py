"""Communication metrics on the demo company: the same numbers by plain SQL, and the ground truth recovered."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from connectors.read import Filters, read_fact
from connectors.store import truth_of
from metrics.communication import engagement_by_period, engagement_totals, follower_growth, posts_with_followers
from metrics.newsletter import email_funnel
from metrics.post_types import promo_or_other, promo_penalty, rate_with_interval, unfollows_per_post
from metrics.word_of_mouth import referral_share, referrals_by_nps_class, referred_customer_value

PERIOD = Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31))
START, END = dt.datetime(2026, 8, 3), dt.datetime(2026, 11, 1)  # END exclusive
BOUNDS = {"start": START, "end": END}
ALL = Filters()


def _sql(store, sql: str, params: dict | None = None) -> pl.DataFrame:
    return store.execute_sql(sql, params)


# --- the same numbers by plain SQL ----------------------------------------------------------------

def test_engagement_by_network_equals_sql(small_store) -> None:
    posts = read_fact(small_store, "social_posts", PERIOD)
    followers = read_fact(small_store, "social_followers", PERIOD)
    got = engagement_totals(posts_with_followers(posts, followers), by=["network"])
    sql = _sql(small_store, """
        SELECT p.network, count(*) AS posts, sum(p.reach)::BIGINT AS reach, sum(p.impressions)::BIGINT AS impressions,
               sum(p.likes + p.comments + p.shares + p.saves)::BIGINT AS eng, sum(p.clicks)::BIGINT AS clicks,
               sum(f.followers)::BIGINT AS fol
        FROM social_posts p LEFT JOIN social_followers f
          ON f.network = p.network AND f.day = CAST(p.published_at AS DATE)
        WHERE p.published_at >= :start AND p.published_at < :end
        GROUP BY 1 ORDER BY 1""", BOUNDS)
    assert got["network"].to_list() == sql["network"].to_list()
    for g, s in zip(got.iter_rows(named=True), sql.iter_rows(named=True)):
        assert (g["posts"], g["reach"], g["engagements"], g["clicks"]) == (s["posts"], s["reach"], s["eng"], s["clicks"])
        assert g["er_reach"] == pytest.approx(s["eng"] / s["reach"], rel=1e-12)
        assert g["er_impressions"] == pytest.approx(s["eng"] / s["impressions"], rel=1e-12)
        assert g["er_followers"] == pytest.approx(s["eng"] / s["fol"], rel=1e-12)
        assert g["ctr"] == pytest.approx(s["clicks"] / s["impressions"], rel=1e-12)


def test_weekly_engagement_equals_sql(small_store) -> None:
    got = engagement_by_period(read_fact(small_store, "social_posts", PERIOD), grain="week")
    sql = _sql(small_store, """
        SELECT CAST(date_trunc('week', published_at) AS DATE) AS period,
               sum(likes + comments + shares + saves) * 1.0 / sum(reach) AS er
        FROM social_posts WHERE published_at >= :start AND published_at < :end GROUP BY 1 ORDER BY 1""", BOUNDS)
    assert got["period"].to_list() == sql["period"].to_list()
    assert got["er_reach"].to_list() == pytest.approx(sql["er"].to_list(), rel=1e-12)


def test_follower_growth_equals_sql(small_store) -> None:
    got = follower_growth(read_fact(small_store, "social_followers", PERIOD), by=["network"])
    sql = _sql(small_store, """
        SELECT network, arg_min(followers - gained + lost, day) AS start_, arg_max(followers, day) AS end_,
               sum(gained)::BIGINT AS gained, sum(lost)::BIGINT AS lost
        FROM social_followers WHERE day BETWEEN :start AND :end GROUP BY 1 ORDER BY 1""", {"start": PERIOD.start, "end": PERIOD.end})
    assert got["network"].to_list() == sql["network"].to_list()
    assert got["followers_start"].to_list() == sql["start_"].to_list()
    assert got["followers_end"].to_list() == sql["end_"].to_list()
    assert got["net"].to_list() == (sql["gained"] - sql["lost"]).to_list()
    # the stock and the flows agree: start + net = end on every network
    assert (got["followers_start"] + got["net"] == got["followers_end"]).all()


def test_email_funnel_equals_sql(small_store) -> None:
    got = email_funnel(read_fact(small_store, "email_sends", PERIOD), by=["campaign_id"])
    sql = _sql(small_store, """
        SELECT campaign_id, sum(unique_opens) * 1.0 / sum(delivered) AS o, sum(unique_clicks) * 1.0 / sum(delivered) AS c,
               sum(unique_clicks) * 1.0 / sum(unique_opens) AS cto, sum(unsubscribes) * 1.0 / sum(delivered) AS u,
               max(delivered) AS largest
        FROM email_sends WHERE sent_at >= :start AND sent_at < :end GROUP BY 1 ORDER BY 1""", BOUNDS)
    assert got["campaign_id"].to_list() == sql["campaign_id"].to_list()
    for col, sql_col in (("open_rate", "o"), ("click_rate", "c"), ("click_to_open", "cto"), ("unsubscribe_rate", "u")):
        assert got[col].to_list() == pytest.approx(sql[sql_col].to_list(), rel=1e-12)
    assert got["largest_send"].to_list() == sql["largest"].to_list()


def test_referral_share_equals_sql(small_store) -> None:
    got = referral_share(read_fact(small_store, "customers", PERIOD)).row(0, named=True)
    sql = _sql(small_store, """
        SELECT count(*) AS n, count(*) FILTER (WHERE acquisition_channel_id = 'referral') AS r
        FROM customers WHERE first_seen >= :start AND first_seen < :end""", BOUNDS).row(0, named=True)
    assert (got["new_customers"], got["referred_customers"]) == (sql["n"], sql["r"])
    assert got["referral_share"] == pytest.approx(sql["r"] / sql["n"])
    # the referrals table holds the same people: one row per referred customer, at their first order
    assert read_fact(small_store, "referrals", PERIOD).height == sql["r"]


def test_referred_customer_value_equals_sql(small_store) -> None:
    got = referred_customer_value(read_fact(small_store, "orders", PERIOD), read_fact(small_store, "referrals", ALL))
    sql = _sql(small_store, """
        SELECT r.referred_customer_id IS NOT NULL AS referred, count(DISTINCT o.customer_id) AS customers,
               count(*) AS orders, sum(o.revenue) AS revenue, sum(o.revenue - o.cost_of_goods) AS gp
        FROM orders o LEFT JOIN referrals r ON r.referred_customer_id = o.customer_id
        WHERE o.ordered_at >= :start AND o.ordered_at < :end GROUP BY 1 ORDER BY 1 DESC""", BOUNDS)
    for g, s in zip(got.iter_rows(named=True), sql.iter_rows(named=True)):
        assert g["group"] == ("referred" if s["referred"] else "other")
        assert (g["customers"], g["orders"]) == (s["customers"], s["orders"])
        assert g["revenue"] == pytest.approx(s["revenue"], rel=1e-12)
        assert g["gross_profit"] == pytest.approx(s["gp"], rel=1e-9)


def test_referrals_by_nps_class_equals_sql(small_store) -> None:
    answers = read_fact(small_store, "nps_responses", Filters(None, PERIOD.end))
    got = referrals_by_nps_class(answers, read_fact(small_store, "referrals", PERIOD), before=END)
    sql = _sql(small_store, """
        WITH latest AS (
            SELECT customer_id, arg_max(score, responded_at) AS score FROM nps_responses
            WHERE customer_id IS NOT NULL AND responded_at < :end GROUP BY 1),
        made AS (
            SELECT referrer_customer_id AS customer_id, count(*) AS k FROM referrals
            WHERE referred_at >= :start AND referred_at < :end GROUP BY 1)
        SELECT CASE WHEN score >= 9 THEN 'promoter' WHEN score >= 7 THEN 'passive' ELSE 'detractor' END AS cls,
               count(*) AS customers, coalesce(sum(k), 0)::BIGINT AS referrals
        FROM latest LEFT JOIN made USING (customer_id) GROUP BY 1""", BOUNDS)
    want = {r["cls"]: (r["customers"], r["referrals"]) for r in sql.iter_rows(named=True)}
    for r in got.iter_rows(named=True):
        assert (r["customers"], r["referrals"]) == want[r["nps_class"]]
        assert r["referrals_per_customer"] == pytest.approx(want[r["nps_class"]][1] / want[r["nps_class"]][0])


# --- the ground truth -----------------------------------------------------------------------------

# Stated tolerances. The promo engagement multiplier (promo ER by reach / other posts' ER by reach)
# over the whole history is within ±0.03 of the truth (≈ ±6%); the extra unfollows per post are
# within ±0.0002 (promo) and ±0.00005 (other posts, baseline) of the truth, as shares of followers.
# In each case the truth also lies inside the metric's own 95% interval.
ER_MULTIPLIER_TOL = 0.03
PROMO_UNFOLLOW_TOL = 0.0002
OTHER_UNFOLLOW_TOL = 0.00005


@pytest.fixture(scope="module")
def social(small_store):
    return read_fact(small_store, "social_posts", ALL), read_fact(small_store, "social_followers", ALL)


def test_promo_engagement_penalty_is_recovered(small_store, social) -> None:
    truth = truth_of(small_store)["promo_posts"]
    got = promo_penalty(social[0]).filter(pl.col("measure") == "er_reach").row(0, named=True)
    assert got["multiplier"] == pytest.approx(truth["promo_er_multiplier_vs_other"], abs=ER_MULTIPLIER_TOL)
    assert got["ci_low"] <= truth["promo_er_multiplier_vs_other"] <= got["ci_high"]
    assert got["ci_high"] < 1  # promo posts engage clearly less, beyond doubt
    by_type = rate_with_interval(social[0], measure="er_reach", by="post_type")
    for r in by_type.iter_rows(named=True):  # each type's own engagement rate is recovered too
        assert r["rate"] == pytest.approx(truth["er_by_reach"][r["post_type"]] * np.exp(0.25**2 / 2), rel=0.06)


def test_extra_unfollows_per_post_are_recovered(small_store, social) -> None:
    truth = truth_of(small_store)
    posts, followers = social
    got = {r["term"]: r for r in unfollows_per_post(followers, promo_or_other(posts), kind="kind").iter_rows(named=True)}
    pp = truth["promo_posts"]
    base = truth["company"]["social"]["base_unfollow_rate"]
    for term, true, tol in (("promo", pp["unfollow_per_promo_post"], PROMO_UNFOLLOW_TOL),
                            ("other", pp["unfollow_per_other_post"], OTHER_UNFOLLOW_TOL),
                            ("baseline", base, OTHER_UNFOLLOW_TOL)):
        assert got[term]["unfollow_rate"] == pytest.approx(true, abs=tol), term
        assert got[term]["ci_low"] <= true <= got[term]["ci_high"], term


def test_rate_interval_matches_a_bootstrap(social) -> None:
    """The delta-method standard error agrees with 2,000 bootstrap resamples of the posts (independent check)."""
    posts = social[0].filter(pl.col("post_type") == "promo")
    got = rate_with_interval(posts, measure="er_reach").row(0, named=True)
    e = (posts["likes"] + posts["comments"] + posts["shares"] + posts["saves"]).to_numpy().astype(float)
    r = posts["reach"].to_numpy().astype(float)
    rng = np.random.default_rng(7)
    idx = rng.integers(0, len(e), size=(2000, len(e)))
    boot = e[idx].sum(axis=1) / r[idx].sum(axis=1)
    assert got["std_error"] == pytest.approx(boot.std(ddof=1), rel=0.10)


def test_the_promo_push_shows_in_engagement_and_followers(small_store, social) -> None:
    """Sep–Dec 2024 was promo-heavy: engagement and follower growth drop against the same months a year later."""
    posts, followers = social
    push = (dt.date(2024, 9, 1), dt.date(2024, 12, 31))
    later = (dt.date(2025, 9, 1), dt.date(2025, 12, 31))

    def within(frame, col, span):
        day = pl.col(col).dt.date() if frame.schema[col] == pl.Datetime("us") else pl.col(col)
        return frame.filter(day.is_between(*span))

    er_push = engagement_totals(within(posts, "published_at", push))["er_reach"][0]
    er_later = engagement_totals(within(posts, "published_at", later))["er_reach"][0]
    assert er_push < 0.85 * er_later
    lost_push = follower_growth(within(followers, "day", push)).row(0, named=True)
    lost_later = follower_growth(within(followers, "day", later)).row(0, named=True)
    assert lost_push["lost"] / lost_push["followers_start"] > 1.2 * lost_later["lost"] / lost_later["followers_start"]


def test_promoters_bring_more_referrals_than_detractors(small_store) -> None:
    truth = truth_of(small_store)["referrals_per_customer_by_class"]
    got = referrals_by_nps_class(read_fact(small_store, "nps_responses", ALL), read_fact(small_store, "referrals", ALL))
    rate = dict(zip(got["nps_class"], got["referrals_per_customer"]))
    assert truth["promoter"] > truth["passive"] > truth["detractor"]
    assert rate["promoter"] > rate["passive"] > rate["detractor"]
    # latest answers are a noisy view of the hidden attitude, so the gap shrinks but stays large
    assert rate["promoter"] > 3 * rate["detractor"]
    assert rate["promoter"] == pytest.approx(truth["promoter"], rel=0.35)
