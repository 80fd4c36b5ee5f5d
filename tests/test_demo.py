"""The demo company: deterministic, complete, realistic, and its ground truth consistent."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from connectors import schema
from connectors.demo import build_demo
from connectors.demo.company import HALO_CURVES, OTHER_WEEKLY_SPEND, SALES_CURVES, Company
from connectors.demo.marketing import Calendar, adstock, draw_leads, expected_weekly_halo_leads, hill
from connectors.read import read_fact
from connectors.store import truth_of


def test_same_seed_gives_identical_data(small_demo) -> None:
    again = build_demo("small", seed=42)
    assert again.frames.keys() == small_demo.frames.keys()
    for name, frame in small_demo.frames.items():
        assert_frame_equal(frame, again.frames[name], check_exact=True)


def test_another_seed_gives_other_data(small_demo) -> None:
    other = build_demo("small", seed=7)
    assert other.frames["orders"].height != small_demo.frames["orders"].height or not other.frames["orders"].equals(
        small_demo.frames["orders"]
    )


def test_every_table_is_filled(small_demo) -> None:
    for name in schema.FACT_TABLES:
        assert small_demo.frames[name].height > 0, name


def test_loaded_rows_equal_generated_rows(small_store, small_demo) -> None:
    for name in ("orders", "customers", "touchpoints", "nps_responses", "reviews", "spend"):
        got = read_fact(small_store, name)
        want = small_demo.frames[name].select(got.columns)
        assert_frame_equal(got, want.cast(got.schema), check_exact=True)


def test_ground_truth_is_stored_with_the_data(small_store, small_demo) -> None:
    truth = truth_of(small_store)
    assert truth is not None
    assert truth["seed"] == 42 and truth["scale"] == "small"
    assert truth["rows"] == {name: f.height for name, f in small_demo.frames.items()}
    assert set(truth["response_curves"]["channels"]) == set(SALES_CURVES)
    assert set(truth["halo_curves"]["channels"]) == set(HALO_CURVES)


def test_dates_lie_inside_the_demo_period(small_demo) -> None:
    c = Company()
    lo, hi = dt.datetime.combine(c.start, dt.time()), dt.datetime.combine(c.end + dt.timedelta(days=1), dt.time())
    for name, col in (("orders", "ordered_at"), ("touchpoints", "ts"), ("leads", "created_at"),
                      ("nps_responses", "responded_at"), ("reviews", "created_at"), ("complaints", "opened_at")):
        s = small_demo.frames[name][col]
        assert s.min() >= lo and s.max() < hi, name
    spend = small_demo.frames["spend"]
    assert spend["day"].min() == c.start and spend["day"].max() == c.end
    assert (c.end - c.start).days >= 2.5 * 365


def test_orders_are_consistent(small_demo) -> None:
    orders = small_demo.frames["orders"]
    customers = small_demo.frames["customers"]
    assert (orders["revenue"] >= orders["cost_of_goods"]).all()
    assert orders["customer_id"].is_in(customers["customer_id"].implode()).all()
    first = orders.group_by("customer_id").agg(pl.col("ordered_at").min()).join(customers, on="customer_id")
    # a customer's first order is the moment they became a customer
    assert (first["ordered_at"] == first["first_seen"]).all()
    margin = 1 - orders["cost_of_goods"].sum() / orders["revenue"].sum()
    assert 0.3 < margin < 0.5
    repeaters = orders.group_by("customer_id").len().filter(pl.col("len") > 1).height / customers.height
    assert 0.3 < repeaters < 0.9


def test_every_region_and_pillar_is_present(small_demo) -> None:
    assert set(small_demo.frames["customers"]["region"].unique()) == {"Москва", "Красногорск", "Тверь"}
    channels = small_demo.frames["channels"]
    assert set(channels["pillar"]) == {"sales", "reputation", "communication"}
    assert set(channels["kind"]) == {"paid", "owned", "earned"}
    spent = small_demo.frames["spend"].join(channels, on="channel_id").group_by("pillar").agg(pl.col("amount").sum())
    assert spent.height == 3 and (spent["amount"] > 0).all()


def test_texts_in_russian_and_english(small_demo) -> None:
    reviews = small_demo.frames["reviews"]
    assert set(reviews["language"].unique()) == {"ru", "en"}
    ru = reviews.filter(pl.col("language") == "ru")["text"].to_list()
    en = reviews.filter(pl.col("language") == "en")["text"].to_list()
    assert all(any("а" <= ch <= "я" for ch in text.lower()) for text in ru[:200])
    assert all(text.isascii() for text in en[:200])
    comments = small_demo.frames["nps_responses"]["comment"].drop_nulls()
    assert 0.3 < comments.len() / small_demo.frames["nps_responses"].height < 0.6


def test_journeys_include_several_touches_and_non_converting_ones(small_demo) -> None:
    touches = small_demo.frames["touchpoints"]
    per_journey = touches.group_by("journey_id").agg(pl.len().alias("n"), pl.col("customer_id").first())
    converted = per_journey.filter(pl.col("customer_id").is_not_null())
    assert converted["n"].mean() > 2.0
    assert per_journey.filter(pl.col("customer_id").is_null()).height > converted.height


def test_leads_follow_the_recorded_response_curves(small_demo) -> None:
    """Weekly leads of each sales channel scatter around beta * hill(adstock(spend)) (Poisson noise only)."""
    truth = small_demo.truth
    leads = small_demo.frames["leads"]
    start = Company().start
    weekly = (
        leads.with_columns(week=((pl.col("created_at").dt.date() - pl.lit(start)).dt.total_days() // 7))
        .group_by("channel_id", "week").len()
    )
    for ch, p in truth["response_curves"]["channels"].items():
        spend = np.array(truth["weekly_spend"][ch])
        expected = p["beta"] * hill(adstock(spend, p["theta"]), p["kappa"], p["s"])
        np.testing.assert_allclose(expected, truth["expected_weekly_leads"][ch], rtol=1e-6, atol=1e-3)
        counts = np.zeros(len(spend))
        part = weekly.filter(pl.col("channel_id") == ch)
        counts[part["week"].to_numpy()] = part["len"].to_numpy()
        # totals over the whole period agree within 3 standard deviations of a Poisson sum
        assert abs(counts.sum() - expected.sum()) < 3 * np.sqrt(expected.sum()) + 1, ch


def test_promoters_retain_and_refer_more_than_detractors(small_demo) -> None:
    truth = small_demo.truth
    rep = truth["repeat_by_class"]
    assert rep["promoter"]["repeat_12m"] > rep["passive"]["repeat_12m"] > rep["detractor"]["repeat_12m"]
    refs = truth["referrals_per_customer_by_class"]
    assert refs["promoter"] > 5 * refs["detractor"]
    comp = truth["complaint_retention"]
    assert comp["fast"]["ordered_again_12m"] > comp["slow"]["ordered_again_12m"]


def test_promo_posts_engage_less_and_cost_followers(small_demo) -> None:
    posts = small_demo.frames["social_posts"].with_columns(
        er=(pl.col("likes") + pl.col("comments") + pl.col("shares") + pl.col("saves")) / pl.col("reach")
    )
    er = posts.group_by("post_type").agg(pl.col("er").mean())
    by = dict(zip(er["post_type"], er["er"]))
    assert by["promo"] < 0.7 * min(by["conversation"], by["useful"])
    truth = small_demo.truth["promo_posts"]
    assert truth["unfollow_per_promo_post"] > truth["unfollow_per_other_post"]


def test_seasonal_customers_in_truth_exist(small_demo) -> None:
    ids = small_demo.truth["seasonal_customers"]
    customers = set(small_demo.frames["customers"]["customer_id"].to_list())
    assert ids["spring"] and ids["winter"]
    assert set(ids["spring"]) <= customers and set(ids["winter"]) <= customers


def test_lead_sources_sum_to_one(small_demo) -> None:
    assert sum(small_demo.truth["lead_sources"].values()) == pytest.approx(1.0, abs=1e-4)


def _weekly_counts(leads: pl.DataFrame, channel: str, n_weeks: int) -> np.ndarray:
    start = Company().start
    weekly = (
        leads.filter(pl.col("channel_id") == channel)
        .with_columns(week=((pl.col("created_at").dt.date() - pl.lit(start)).dt.total_days() // 7))
        .group_by("week").len()
    )
    counts = np.zeros(n_weeks)
    counts[weekly["week"].to_numpy()] = weekly["len"].to_numpy()
    return counts


def test_halo_truth_is_recorded_and_consistent(small_demo) -> None:
    """PR, sponsorship, events and social media bring leads of their own: the truth records their curves and
    expected weekly leads, and the expected leads follow from the recorded weekly spend."""
    truth = small_demo.truth
    halo = truth["halo_curves"]
    assert halo["lead_source"] == "direct"
    assert set(halo["channels"]) == set(truth["expected_weekly_halo_leads"]) == {"pr", "sponsorship", "events",
                                                                                 "social_media"}
    assert not set(halo["channels"]) & set(truth["response_curves"]["channels"])
    for ch, p in halo["channels"].items():
        assert p["weekly_spend"] == OTHER_WEEKLY_SPEND[ch] * truth["factor"]
        assert len(truth["expected_weekly_halo_leads"][ch]) == len(truth["weekly_spend"][ch])
        assert min(truth["expected_weekly_halo_leads"][ch]) > 0, ch
    # PR by hand: a_t = spend_t + theta * a_{t-1}; leads_t = beta * a_t^s / (a_t^s + kappa^s)
    p = halo["channels"]["pr"]
    assert (p["theta"], p["kappa"], p["s"], p["beta"]) == (0.5, 22_000, 1.2, 38)
    carry, by_hand = 0.0, []
    for spend in truth["weekly_spend"]["pr"]:
        carry = spend + p["theta"] * carry
        by_hand.append(p["beta"] * carry ** p["s"] / (carry ** p["s"] + p["kappa"] ** p["s"]))
    np.testing.assert_allclose(truth["expected_weekly_halo_leads"]["pr"], by_hand, rtol=1e-6, atol=1e-3)


def test_direct_leads_carry_the_halo(small_demo) -> None:
    """Leads recorded as 'direct' are the organic baseline plus the halo: over the whole period their excess over
    the baseline's expectation equals the expected halo within 3 standard deviations of a Poisson sum (the halo
    is about 58 such deviations, so a demo without it fails), and week by week the excess follows the halo."""
    truth = small_demo.truth
    n = len(truth["weekly_spend"]["pr"])
    counts = _weekly_counts(small_demo.frames["leads"], "direct", n)
    baseline = np.array(truth["expected_weekly_leads"]["direct"])
    halo = np.sum([truth["expected_weekly_halo_leads"][ch] for ch in truth["halo_curves"]["channels"]], axis=0)
    sd = np.sqrt(baseline.sum() + halo.sum())
    assert halo.sum() > 20 * sd
    assert abs((counts.sum() - baseline.sum()) - halo.sum()) < 3 * sd
    # slope of the weekly excess on the weekly expected halo: 1 within about 3 standard errors (0.08 each)
    excess, centred = counts - baseline, halo - halo.mean()
    assert (excess * centred).sum() / (centred**2).sum() == pytest.approx(1.0, abs=0.25)


def test_halo_leads_are_drawn_after_the_sales_channels() -> None:
    """With the halo the leads drawn before it (sales channels, baseline) are the very same; the halo's
    leads come on top, recorded as 'direct'."""
    cal = Calendar(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    expected = {"direct": np.full(cal.n_weeks, 20.0)}
    spend = pl.DataFrame(schema={"day": pl.Date, "channel_id": pl.String, "region": pl.String, "amount": pl.Float64})
    without = draw_leads(cal, expected, spend, np.random.default_rng(3))
    with_halo = draw_leads(cal, expected, spend, np.random.default_rng(3), halo={"pr": np.full(cal.n_weeks, 10.0)})
    assert_frame_equal(with_halo.head(without.height), without)
    extra = with_halo.slice(without.height)
    assert extra.height > 0 and extra["channel_id"].unique().to_list() == ["direct"]


def test_halo_scales_like_the_sales_curves(small_demo) -> None:
    """At a larger scale spend and half-saturation are multiplied by the scale's factor, as for the sales
    channels, so the halo keeps its shape and its leads grow by the same factor."""
    weekly = {ch: np.array(small_demo.truth["weekly_spend"][ch]) for ch in HALO_CURVES}
    small = expected_weekly_halo_leads(weekly, 1.0)
    large = expected_weekly_halo_leads({ch: 68.0 * v for ch, v in weekly.items()}, 68.0)
    for ch in HALO_CURVES:
        np.testing.assert_allclose(large[ch], 68.0 * small[ch], rtol=1e-9)
        np.testing.assert_allclose(small[ch], small_demo.truth["expected_weekly_halo_leads"][ch], atol=1e-3)
