"""Communication metrics on small literal frames: hand computations, edge cases, properties."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from metrics.communication import (
    engagement_by_period, engagement_rate, engagement_totals, follower_growth, posts_with_followers, top_posts,
)
from metrics.newsletter import email_by_period, email_funnel
from metrics.post_types import (
    Z95, daily_posts_and_unfollows, post_type_comparison, promo_or_other, promo_penalty, rate_with_interval,
    unfollows_per_post,
)
from metrics.word_of_mouth import (
    nps_class_of_customers, referral_share, referral_share_by_period, referrals_by_nps_class, referred_customer_value,
)

D = dt.datetime


def _posts(**cols) -> pl.DataFrame:
    base = {
        "post_id": [1, 2, 3],
        "network": ["vk", "vk", "ok"],
        "published_at": [D(2025, 3, 3, 12), D(2025, 3, 4, 12), D(2025, 3, 10, 9)],
        "post_type": ["promo", "useful", "conversation"],
        "title": ["Sale", "How to", "Your corner?"],
        "impressions": [200, 500, 100],
        "reach": [100, 400, 80],
        "likes": [2, 20, 5], "comments": [0, 4, 3], "shares": [1, 6, 0], "saves": [0, 10, 0],
        "clicks": [3, 8, 0],
    }
    base.update(cols)
    return pl.DataFrame(base)


FOLLOWERS = pl.DataFrame({
    "network": ["vk", "vk", "vk", "ok", "ok"],
    "day": [dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5), dt.date(2025, 3, 9), dt.date(2025, 3, 10)],
    "followers": [1000, 1010, 1005, 500, 498],
    "gained": [20, 15, 5, 4, 1],
    "lost": [10, 5, 10, 2, 3],
})


# --- engagement ----------------------------------------------------------------------------------

def test_engagement_totals_by_hand() -> None:
    got = engagement_totals(posts_with_followers(_posts(), FOLLOWERS))
    # engagements 3 + 40 + 8 = 51; reach 580; impressions 800; clicks 11;
    # followers on the posts' days: vk 3 Mar 1000, vk 4 Mar 1010, ok 10 Mar 498 -> 2508
    want = pl.DataFrame({
        "posts": [3], "impressions": [800], "reach": [580], "engagements": [51], "clicks": [11],
        "followers_on_post_days": [2508],
        "er_reach": [51 / 580], "er_impressions": [51 / 800], "er_followers": [51 / 2508], "ctr": [11 / 800],
    })
    assert_frame_equal(got, want)


def test_engagement_by_network_and_week() -> None:
    posts = _posts()
    by_net = engagement_totals(posts, by=["network"])
    assert by_net["network"].to_list() == ["ok", "vk"]
    assert by_net["engagements"].to_list() == [8, 43]
    assert by_net["er_reach"].to_list() == pytest.approx([8 / 80, 43 / 500])
    weekly = engagement_by_period(posts, grain="week")
    assert weekly["period"].to_list() == [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]  # Mondays
    assert weekly["engagements"].to_list() == [43, 8]


def test_rate_by_followers_leaves_out_posts_without_a_follower_count() -> None:
    followers = FOLLOWERS.filter(pl.col("network") == "vk")  # no count for the ok post's day
    enriched = posts_with_followers(_posts(), followers)
    assert enriched["followers"].to_list() == [1000, 1010, None]
    got = engagement_totals(enriched).row(0, named=True)
    assert got["followers_on_post_days"] == 2010
    assert got["er_followers"] == pytest.approx(43 / 2010)  # the ok post's 8 engagements are left out
    assert got["er_reach"] == pytest.approx(51 / 580)  # other rates keep every post


def test_without_follower_data_the_rate_by_followers_is_null() -> None:
    got = engagement_totals(_posts()).row(0, named=True)
    assert got["followers_on_post_days"] == 0 and got["er_followers"] is None


def test_empty_and_zero_denominators() -> None:
    empty = engagement_totals(_posts().clear())
    assert empty.height == 1
    row = empty.row(0, named=True)
    assert (row["posts"], row["reach"], row["engagements"]) == (0, 0, 0)
    assert row["er_reach"] is None and row["er_impressions"] is None and row["ctr"] is None
    assert engagement_totals(_posts().clear(), by=["network"]).height == 0
    zero = engagement_totals(_posts(reach=[0, 0, 0], impressions=[0, 0, 0])).row(0, named=True)
    assert zero["er_reach"] is None and zero["ctr"] is None and zero["engagements"] == 51


def test_engagement_rate_names_its_denominator() -> None:
    totals = engagement_totals(posts_with_followers(_posts(), FOLLOWERS))
    for denominator, column, value in (("reach", "reach", 580), ("impressions", "impressions", 800),
                                       ("followers", "followers_on_post_days", 2508)):
        got = engagement_rate(totals, denominator=denominator).row(0, named=True)
        assert got["denominator"] == denominator
        assert got["denominator_value"] == value == got[column]
        assert got["er"] == pytest.approx(51 / value)
    with pytest.raises(ValueError, match="denominator"):
        engagement_rate(totals, denominator="likes")


def test_top_posts_by_each_denominator() -> None:
    posts = posts_with_followers(_posts(), FOLLOWERS)
    by_reach = top_posts(posts, denominator="reach", n=2)
    assert by_reach["post_id"].to_list() == [2, 3]  # 40/400 = 8/80 = 0.1: the tie goes to more reach
    assert by_reach["er"].to_list() == pytest.approx([0.1, 0.1])
    by_impressions = top_posts(posts, denominator="impressions", n=3)
    assert by_impressions["post_id"].to_list() == [2, 3, 1]  # 0.08, 0.08, 0.015 -> tie broken by reach
    assert by_impressions["denominator"].unique().to_list() == ["impressions"]
    by_followers = top_posts(posts, denominator="followers", n=3)
    assert by_followers["er"].to_list() == pytest.approx([40 / 1010, 8 / 498, 3 / 1000])
    assert by_followers["title"].to_list() == ["How to", "Your corner?", "Sale"]


def test_top_posts_tie_breaks_on_reach() -> None:
    posts = _posts(reach=[100, 400, 80], likes=[2, 30, 5], comments=[0, 4, 3], shares=[1, 6, 0], saves=[0, 0, 0])
    # ER by reach: 3/100 = 0.03, 40/400 = 0.1, 8/80 = 0.1: the tie goes to the post with more reach
    assert top_posts(posts, n=3)["post_id"].to_list() == [2, 3, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(0, 10**4), st.integers(0, 10**4)), min_size=1,
                max_size=25),
       st.floats(0.01, 1000, allow_subnormal=False))
def test_rescaling_reach_scales_the_rate_inversely(rows, factor) -> None:
    posts = pl.DataFrame({
        "reach": [r[0] for r in rows], "impressions": [r[0] * 2 for r in rows], "likes": [r[1] for r in rows],
        "comments": [r[2] for r in rows], "shares": [0] * len(rows), "saves": [0] * len(rows),
        "clicks": [0] * len(rows),
    })
    base = engagement_totals(posts)["er_reach"][0]
    scaled = engagement_totals(posts.with_columns(pl.col("reach").cast(pl.Float64) * factor))["er_reach"][0]
    assert scaled == pytest.approx(base / factor, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["vk", "ok", "telegram"]), st.integers(1, 10**5), st.integers(0, 500)),
                min_size=1, max_size=30))
def test_network_parts_sum_to_the_total(rows) -> None:
    posts = pl.DataFrame({
        "network": [r[0] for r in rows], "reach": [r[1] for r in rows], "impressions": [r[1] for r in rows],
        "likes": [r[2] for r in rows], "comments": [1] * len(rows), "shares": [0] * len(rows),
        "saves": [0] * len(rows), "clicks": [r[2] // 3 for r in rows],
    })
    total = engagement_totals(posts).row(0, named=True)
    parts = engagement_totals(posts, by=["network"])
    for col in ("posts", "reach", "engagements", "clicks"):
        assert parts[col].sum() == total[col]


# --- followers ------------------------------------------------------------------------------------

def test_follower_growth_by_hand() -> None:
    got = follower_growth(FOLLOWERS, by=["network"])
    # vk: start 1000 − 20 + 10 = 990, end 1005; ok: start 500 − 4 + 2 = 498, end 498
    want = pl.DataFrame({
        "network": ["ok", "vk"], "followers_start": [498, 990], "followers_end": [498, 1005],
        "gained": [5, 40], "lost": [5, 25], "net": [0, 15], "growth_rate": [0.0, 15 / 990],
    })
    assert_frame_equal(got, want)
    total = follower_growth(FOLLOWERS).row(0, named=True)
    assert total == {"followers_start": 1488, "followers_end": 1503, "gained": 45, "lost": 30, "net": 15,
                     "growth_rate": 15 / 1488}


def test_follower_growth_by_week_and_unsorted_input() -> None:
    weekly = follower_growth(FOLLOWERS.reverse(), grain="week")
    assert weekly["period"].to_list() == [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
    # week of 3 Mar: vk 990 -> 1005 and ok's 9 Mar (a Sunday) 498 -> 500; week of 10 Mar: ok 500 -> 498
    assert weekly["followers_start"].to_list() == [990 + 498, 500]
    assert weekly["followers_end"].to_list() == [1005 + 500, 498]
    assert weekly["net"].to_list() == [17, -2]
    assert (weekly["followers_start"] + weekly["net"] == weekly["followers_end"]).all()


def test_follower_growth_empty() -> None:
    row = follower_growth(FOLLOWERS.clear()).row(0, named=True)
    assert row["net"] == 0 and row["followers_start"] == 0 and row["growth_rate"] is None
    assert follower_growth(FOLLOWERS.clear(), grain="week").height == 0


# --- post types and uncertainty -----------------------------------------------------------------

def test_rate_with_interval_by_hand() -> None:
    posts = _posts()
    got = rate_with_interval(posts, measure="er_reach").row(0, named=True)
    e, r = np.array([3.0, 40.0, 8.0]), np.array([100.0, 400.0, 80.0])
    rate = e.sum() / r.sum()
    se = math.sqrt(((e - rate * r) ** 2).sum() / (3 * 2)) / r.mean()
    assert got["posts"] == 3
    assert got["rate"] == pytest.approx(rate)
    assert got["std_error"] == pytest.approx(se)
    assert got["ci_low"] == pytest.approx(max(rate - Z95 * se, 0.0))
    assert got["ci_high"] == pytest.approx(rate + Z95 * se)
    one = rate_with_interval(posts.head(1), measure="ctr").row(0, named=True)
    assert one["rate"] == pytest.approx(3 / 200) and one["std_error"] is None and one["ci_low"] is None
    zero = rate_with_interval(_posts(reach=[0, 0, 0])).row(0, named=True)
    assert zero["rate"] is None and zero["std_error"] is None


def test_promo_penalty_by_hand() -> None:
    posts = pl.DataFrame({
        "post_type": ["promo", "promo", "useful", "conversation"],
        "reach": [100, 300, 200, 200], "impressions": [100, 300, 200, 200],
        "likes": [2, 4, 10, 14], "comments": [0, 0, 0, 0], "shares": [0, 0, 0, 0], "saves": [0, 0, 0, 0],
        "clicks": [1, 1, 2, 2],
    })
    got = promo_penalty(posts).row(0, named=True)
    promo, other = 6 / 400, 24 / 400
    assert (got["measure"], got["promo_posts"], got["other_posts"]) == ("er_reach", 2, 2)
    assert got["multiplier"] == pytest.approx(promo / other)
    se_p = math.sqrt(((2 - promo * 100) ** 2 + (4 - promo * 300) ** 2) / 2) / 200
    se_o = math.sqrt(((10 - other * 200) ** 2 + (14 - other * 200) ** 2) / 2) / 200
    se_log = math.hypot(se_p / promo, se_o / other)
    assert got["ci_low"] == pytest.approx(promo / other * math.exp(-Z95 * se_log))
    assert got["ci_high"] == pytest.approx(promo / other * math.exp(Z95 * se_log))
    ctr = promo_penalty(posts).row(1, named=True)
    assert ctr["measure"] == "ctr" and ctr["multiplier"] == pytest.approx((2 / 400) / (4 / 400))


def test_promo_penalty_without_promo_posts_has_no_multiplier() -> None:
    got = promo_penalty(_posts(post_type=["useful", "useful", "conversation"])).row(0, named=True)
    assert got["promo_posts"] == 0 and got["multiplier"] is None and got["ci_low"] is None


def _synthetic_days(n_days: int = 60) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Followers and posts where lost / start = base + 0.01·promo + 0.002·other exactly."""
    rng = np.random.default_rng(3)
    rows_f, rows_p = [], []
    post_id = 0
    for network, start, base in (("vk", 10_000, 0.001), ("ok", 5_000, 0.002)):
        for d in range(n_days):
            day = dt.date(2025, 1, 1) + dt.timedelta(days=d)
            promo, other = int(rng.integers(0, 3)), int(rng.integers(0, 3))
            lost = round(start * (base + 0.01 * promo + 0.002 * other))
            rows_f.append((network, day, start - lost, 0, lost))  # nobody gained: end = start − lost
            for kind, k in (("promo", promo), ("useful", other)):
                for _ in range(k):
                    post_id += 1
                    rows_p.append((post_id, network, dt.datetime.combine(day, dt.time(12)), kind))
    followers = pl.DataFrame(rows_f, schema=["network", "day", "followers", "gained", "lost"], orient="row")
    posts = pl.DataFrame(rows_p, schema=["post_id", "network", "published_at", "post_type"], orient="row")
    return followers, posts


def test_unfollows_per_post_recovers_an_exact_relation() -> None:
    followers, posts = _synthetic_days()
    got = unfollows_per_post(followers, promo_or_other(posts), kind="kind")
    assert got["term"].to_list() == ["other", "promo", "baseline"]
    est = dict(zip(got["term"], got["unfollow_rate"]))
    assert est["promo"] == pytest.approx(0.01, abs=1e-12)
    assert est["other"] == pytest.approx(0.002, abs=1e-12)
    assert est["baseline"] == pytest.approx((0.001 * 10_000 + 0.002 * 5_000) / 15_000, abs=1e-12)  # weighted
    assert got["std_error"].max() < 1e-9  # no noise, no uncertainty
    assert got["posts"].to_list()[:2] == [int((posts["post_type"] != "promo").sum()),
                                          int((posts["post_type"] == "promo").sum())]
    assert got["network_days"].unique().to_list() == [120]


def test_daily_posts_and_unfollows_by_hand() -> None:
    daily = daily_posts_and_unfollows(FOLLOWERS, promo_or_other(_posts()), kind="kind")
    vk3 = daily.filter((pl.col("network") == "vk") & (pl.col("day") == dt.date(2025, 3, 3))).row(0, named=True)
    assert vk3 == {"network": "vk", "day": dt.date(2025, 3, 3), "followers_start": 990, "lost": 10,
                   "unfollow_share": 10 / 990, "other": 0, "promo": 1}
    assert daily.height == FOLLOWERS.height


def test_unfollows_per_post_degenerate_inputs() -> None:
    followers, posts = _synthetic_days(10)
    # every promo post comes with a useful post on the same day: their effects cannot be told apart,
    # so the estimates are null rather than invented
    twins = posts.filter(pl.col("post_type") == "promo").with_columns(pl.lit("useful").alias("post_type"))
    got = unfollows_per_post(followers, pl.concat([posts.filter(pl.col("post_type") == "promo"), twins]))
    assert got["term"].to_list() == ["promo", "useful", "baseline"]
    assert got["unfollow_rate"].is_null().all() and got["std_error"].is_null().all()
    empty = unfollows_per_post(followers.clear(), posts)
    assert empty.height == 0 and "unfollow_rate" in empty.columns


def test_post_type_comparison_by_hand() -> None:
    posts = _posts(post_type=["promo", "promo", "useful"], clicks=[3, 9, 0])
    got = post_type_comparison(posts, FOLLOWERS)
    assert got["post_type"].to_list() == ["useful", "promo"]  # fixed order; absent types left out
    promo = got.row(1, named=True)
    assert promo["posts"] == 2 and promo["engagements"] == 43
    assert promo["er_reach"] == pytest.approx(43 / 500)
    assert promo["clicks_per_post"] == pytest.approx(6.0)
    sd = np.std([3, 9], ddof=1)
    assert promo["clicks_high"] == pytest.approx(6.0 + Z95 * sd / math.sqrt(2))
    assert promo["ctr"] == pytest.approx(12 / 700)
    useful = got.row(0, named=True)
    assert useful["er_low"] is None and useful["clicks_low"] is None  # one post: no interval


# --- newsletter ---------------------------------------------------------------------------------

SENDS = pl.DataFrame({
    "campaign_id": ["digest", "promo", "digest"],
    "sent_at": [D(2025, 3, 3, 10), D(2025, 3, 4, 10), D(2025, 3, 12, 10)],
    "delivered": [1000, 900, 0],
    "unique_opens": [400, 300, 0],
    "unique_clicks": [50, 20, 0],
    "unsubscribes": [2, 6, 0],
})


def test_email_funnel_by_hand() -> None:
    got = email_funnel(SENDS)
    want = pl.DataFrame({
        "sends": [3], "delivered": [1900], "unique_opens": [700], "unique_clicks": [70], "unsubscribes": [8],
        "largest_send": [1000], "open_rate": [700 / 1900], "click_rate": [70 / 1900], "click_to_open": [70 / 700],
        "unsubscribe_rate": [8 / 1900],
    })
    assert_frame_equal(got, want)
    weekly = email_by_period(SENDS, grain="week")
    assert weekly["period"].to_list() == [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
    assert weekly["open_rate"][1] is None  # nothing delivered: no rate
    by = email_funnel(SENDS, by=["campaign_id"])
    assert by["campaign_id"].to_list() == ["digest", "promo"] and by["click_to_open"][1] == pytest.approx(20 / 300)


def test_email_funnel_empty() -> None:
    row = email_funnel(SENDS.clear()).row(0, named=True)
    assert row["sends"] == 0 and row["delivered"] == 0 and row["largest_send"] == 0 and row["open_rate"] is None


def test_open_rate_carries_the_privacy_caveat() -> None:
    from metrics.specs import spec

    for name in ("email_open_rate", "email_click_to_open"):
        s = spec(name)
        assert "privacy" in s.caveat and "2021" in s.caveat
        assert "2021" in s.caveat_ru and s.caveat_for("ru") == s.caveat_ru
    assert spec("email_click_rate").caveat == ""


def test_every_caveat_is_in_both_languages() -> None:
    import importlib
    import pkgutil

    import metrics
    from metrics.specs import REGISTRY

    for module in pkgutil.iter_modules(metrics.__path__):
        importlib.import_module(f"metrics.{module.name}")
    assert any(s.caveat for s in REGISTRY.values())
    for name, s in REGISTRY.items():
        assert bool(s.caveat) == bool(s.caveat_ru), name


# --- word of mouth --------------------------------------------------------------------------------

CUSTOMERS = pl.DataFrame({
    "customer_id": [1, 2, 3, 4, 5],
    "first_seen": [D(2025, 1, 2), D(2025, 1, 3), D(2025, 1, 20), D(2025, 2, 1), D(2025, 2, 2)],
    "acquisition_channel_id": ["search_ads", "referral", "referral", "direct", "search_ads"],
})
REFERRALS = pl.DataFrame({
    "referrer_customer_id": [1, 1, 4],
    "referred_customer_id": [2, 3, 9],
    "referred_at": [D(2025, 1, 3), D(2025, 1, 20), D(2025, 3, 1)],
})


def test_referral_share_by_hand() -> None:
    assert referral_share(CUSTOMERS).row(0, named=True) == {"new_customers": 5, "referred_customers": 2,
                                                            "referral_share": 0.4}
    monthly = referral_share_by_period(CUSTOMERS, grain="month")
    assert monthly["referral_share"].to_list() == [2 / 3, 0.0]
    empty = referral_share(CUSTOMERS.clear()).row(0, named=True)
    assert empty == {"new_customers": 0, "referred_customers": 0, "referral_share": None}


def test_referred_customer_value_by_hand() -> None:
    orders = pl.DataFrame({"customer_id": [1, 2, 2, 3, 5], "revenue": [100.0, 50.0, 70.0, 30.0, 250.0],
                           "cost_of_goods": [60.0, 20.0, 30.0, 10.0, 150.0]})
    got = referred_customer_value(orders, REFERRALS)
    ref, other = got.row(0, named=True), got.row(1, named=True)
    assert (ref["group"], ref["customers"], ref["orders"]) == ("referred", 2, 3)
    assert ref["revenue"] == 150.0 and ref["gross_profit"] == 90.0
    assert ref["gross_profit_per_customer"] == 45.0
    assert (other["customers"], other["revenue"], other["gross_profit"]) == (2, 350.0, 140.0)
    assert ref["revenue_share"] == pytest.approx(0.3) and ref["gross_profit_share"] == pytest.approx(90 / 230)
    empty = referred_customer_value(orders.clear(), REFERRALS)
    assert empty["customers"].to_list() == [0, 0] and empty["revenue_share"].is_null().all()


NPS = pl.DataFrame({
    "customer_id": [1, 1, 4, 6, 7, None],
    "responded_at": [D(2024, 5, 1), D(2024, 12, 1), D(2024, 6, 1), D(2024, 7, 1), D(2025, 6, 1), D(2024, 7, 1)],
    "score": [3, 10, 6, 8, 9, 10],
})


def test_latest_nps_answer_decides_the_class() -> None:
    got = nps_class_of_customers(NPS)
    assert dict(zip(got["customer_id"], got["nps_class"])) == {1: "promoter", 4: "detractor", 6: "passive",
                                                               7: "promoter"}
    before = nps_class_of_customers(NPS, before=D(2024, 11, 1))
    assert dict(zip(before["customer_id"], before["nps_class"])) == {1: "detractor", 4: "detractor", 6: "passive"}


def test_referrals_by_nps_class_by_hand() -> None:
    got = referrals_by_nps_class(NPS, REFERRALS, before=D(2025, 4, 1))
    # promoter: customer 1 (2 referrals); passive: 6 (0); detractor: 4 (1); customer 7 answered later
    want = pl.DataFrame({
        "nps_class": ["promoter", "passive", "detractor"], "customers": [1, 1, 1], "referrals": [2, 0, 1],
        "referrals_per_customer": [2.0, 0.0, 1.0], "vs_detractors": [2.0, 0.0, 1.0],
    })
    assert_frame_equal(got, want)
    none = referrals_by_nps_class(NPS.clear(), REFERRALS)
    assert none["customers"].to_list() == [0, 0, 0] and none["vs_detractors"].is_null().all()
    no_detractor_referrals = referrals_by_nps_class(NPS, REFERRALS.filter(pl.col("referrer_customer_id") == 1))
    assert no_detractor_referrals["vs_detractors"].is_null().all()  # nothing to compare with
