"""The Communication page computed by the database equals the same page computed from the raw rows.

The "rows" side below is the page as it was computed before the database did the counting: the
``metrics`` functions on every row ``read_fact`` returns under the filters. The page side is what the
page shows now (``dashboard.communication.data`` and the Overview's Communication column, on grouped
answers from ``connectors``). Both run on the small demo for 90 days, 12 months, all data, channel
and region filters, on DuckDB and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import polars as pl
import pytest

from connectors.measures import MEASURES, measure_frame
from connectors.read import Filters, read_dimension, read_fact
from dashboard import context as app_data
from dashboard.communication import data as comm
from dashboard.filters import ViewState
from dashboard.overview.data import pillar_spend, trend_grain
from dashboard.overview.pillars.communication import headlines
from metrics.budget import spend_by_pillar
from metrics.communication import (
    engagement_by_period, engagement_rate, engagement_totals, follower_growth, posts_with_followers, top_posts,
)
from metrics.newsletter import email_by_period, email_funnel
from metrics.periods import full_buckets
from metrics.post_types import post_type_comparison, promo_or_other, promo_penalty, unfollows_per_post
from metrics.word_of_mouth import (
    referral_share, referral_share_by_period, referrals_by_nps_class, referred_customer_value,
)

VIEWS = {
    "90 days": ViewState(),
    "12 months": ViewState(period="last_12_months"),
    "all data": ViewState(period="all"),
    "social channel": ViewState(period="last_12_months", channels=("social_media",)),
    "sales channel": ViewState(channels=("search_ads",)),
    "region": ViewState(period="last_12_months", regions=("Тверь",)),
    "channels and regions": ViewState(compare="year", channels=("social_media", "newsletter"),
                                      regions=("Москва", "Тверь")),
}


def _end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


# --- the page from the raw rows ------------------------------------------------------------------

def social_from_rows(store, ctx, *, denominator: str, grain: str) -> dict:
    flt = ctx.filters()
    posts, followers = read_fact(store, "social_posts", flt), read_fact(store, "social_followers", flt)
    enriched = posts_with_followers(posts, followers)
    out = {"previous": None, "growth_previous": None}
    if ctx.comparison:
        prev = ctx.filters(comparison=True)
        prev_followers = read_fact(store, "social_followers", prev)
        out["previous"] = engagement_totals(posts_with_followers(read_fact(store, "social_posts", prev),
                                                                 prev_followers))
        out["growth_previous"] = follower_growth(prev_followers)
    by_network = engagement_rate(engagement_by_period(enriched, grain=grain, by=["network"]), denominator=denominator)
    overall = engagement_rate(engagement_by_period(enriched, grain=grain), denominator=denominator).with_columns(
        network=pl.lit(comm.ALL_NETWORKS))
    return out | {
        "totals": engagement_totals(enriched),
        "by_network": engagement_totals(enriched, by=["network"]),
        "trend": pl.concat([by_network, overall.select(by_network.columns)]).select(
            "period", "network", "er", "denominator", "posts"),
        "growth": follower_growth(followers),
        "growth_by_network": follower_growth(followers, by=["network"]),
        "growth_trend": full_buckets(follower_growth(followers, grain=grain), start=ctx.period[0], end=ctx.period[1],
                                     grain=grain),
        "post_types": post_type_comparison(posts, followers),
        "penalty": promo_penalty(posts),
        "unfollows": unfollows_per_post(followers, promo_or_other(posts), kind="kind"),
        "top": top_posts(enriched, denominator=denominator, n=comm.TOP_POSTS),
    }


def email_from_rows(store, ctx, *, grain: str) -> dict:
    sends = read_fact(store, "email_sends", ctx.filters())
    previous = email_funnel(read_fact(store, "email_sends", ctx.filters(comparison=True))) if ctx.comparison else None
    return {"funnel": email_funnel(sends), "previous": previous, "trend": email_by_period(sends, grain=grain),
            "by_campaign": email_funnel(sends, by=["campaign_id"])}


def word_of_mouth_from_rows(store, ctx, *, grain: str) -> dict:
    regions = ctx.view.regions
    all_referrals = read_fact(store, "referrals", Filters())

    def parts(start: dt.date, end: dt.date):
        customers = read_fact(store, "customers", Filters(start, end, (), regions))
        orders = read_fact(store, "orders", Filters(start, end, (), regions))
        answers = read_fact(store, "nps_responses", Filters(None, end, (), regions))
        made = read_fact(store, "referrals", Filters(start, end))
        return (customers, referred_customer_value(orders, all_referrals),
                referrals_by_nps_class(answers, made, before=_end(end)))

    customers, value, by_class = parts(*ctx.period)
    out = {"previous": None, "value_previous": None, "by_class_previous": None}
    if ctx.comparison:
        prev_customers, value_previous, out["by_class_previous"] = parts(*ctx.comparison)
        out["previous"] = referral_share(prev_customers)
        # the comparison period's buyers are not counted (only its revenue and gross profit are compared);
        # a group without orders has none
        out["value_previous"] = value_previous.with_columns(
            pl.when(pl.col("orders") == 0).then(0).cast(pl.Int64).alias("customers"),
            pl.lit(None, dtype=pl.Float64).alias("revenue_per_customer"),
            pl.lit(None, dtype=pl.Float64).alias("gross_profit_per_customer"))
    return out | {"share": referral_share(customers), "trend": referral_share_by_period(customers, grain=grain),
                  "value": value, "by_class": by_class}


def overview_from_rows(store, ctx) -> dict:
    """The Overview's Communication column and the spend by pillar, as before."""
    grain = trend_grain((ctx.period[1] - ctx.period[0]).days + 1)
    posts = read_fact(store, "social_posts", ctx.filters())
    followers = read_fact(store, "social_followers", ctx.filters())
    customers = read_fact(store, "customers", Filters(*ctx.period, (), ctx.view.regions))
    channels = read_dimension(store, "channels")
    out = {"spend": spend_by_pillar(read_fact(store, "spend", ctx.filters()), channels), "previous": None}
    if ctx.comparison:
        prev_followers = read_fact(store, "social_followers", ctx.filters(comparison=True))
        out["previous"] = (
            engagement_totals(read_fact(store, "social_posts", ctx.filters(comparison=True)))["er_reach"][0],
            float(follower_growth(prev_followers)["net"][0]) if prev_followers.height else None,
            referral_share(read_fact(store, "customers", Filters(*ctx.comparison, (), ctx.view.regions)))[
                "referral_share"][0],
            spend_by_pillar(read_fact(store, "spend", ctx.filters(comparison=True)), channels))
    trend = lambda xs: tuple(float(x) for x in xs if x is not None)  # noqa: E731
    net = full_buckets(follower_growth(followers, grain=grain), start=ctx.period[0], end=ctx.period[1], grain=grain)
    return out | {
        "er_reach": (engagement_totals(posts)["er_reach"][0], trend(engagement_by_period(posts, grain=grain)["er_reach"])),
        "net_followers": (float(follower_growth(followers)["net"][0]) if followers.height else None,
                          trend(net["net"])),
        "referral_share": (referral_share(customers)["referral_share"][0],
                           trend(referral_share_by_period(customers, grain=grain)["referral_share"])),
    }


# --- comparison ----------------------------------------------------------------------------------

def assert_same(got, want, where: str = "") -> None:
    """Equal frames (columns, dtypes, values; floats to 1e-9 relative), dicts, tuples and values."""
    if isinstance(want, pl.DataFrame):
        assert isinstance(got, pl.DataFrame), where
        assert got.schema == want.schema, where
        assert got.height == want.height, where
        for col in want.columns:
            for i, (g, w) in enumerate(zip(got[col].to_list(), want[col].to_list())):
                assert_same(g, w, f"{where}.{col}[{i}]")
    elif isinstance(want, dict):
        assert set(got) == set(want), where
        for key in want:
            assert_same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not math.isnan(want):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-300), where
    else:
        assert got == want, where


def _context(store, view: ViewState):
    return app_data.build_context(store, view, *app_data.base_context(store))


def _fields(obj) -> dict:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_the_page_equals_its_computation_from_the_rows(app_env, backend, view: ViewState) -> None:
    ctx = _context(backend, view)
    for denominator, grain in (("reach", "week"), ("followers", "day"), ("impressions", "month")):
        assert_same(_fields(comm.social_numbers(ctx, denominator=denominator, grain=grain)),
                    social_from_rows(backend, ctx, denominator=denominator, grain=grain), f"social {denominator}")
    for grain in ("week", "month"):
        assert_same(_fields(comm.email_numbers(ctx, grain=grain)), email_from_rows(backend, ctx, grain=grain), "email")
        assert_same(_fields(comm.word_of_mouth_numbers(ctx, grain=grain)),
                    word_of_mouth_from_rows(backend, ctx, grain=grain), "word of mouth")


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_the_overview_column_and_spend_equal_their_computation_from_the_rows(app_env, backend, view) -> None:
    ctx = _context(backend, view)
    want = overview_from_rows(backend, ctx)
    got = {h.metric: (h.value, h.trend) for h in headlines(ctx, trend_grain((ctx.period[1] - ctx.period[0]).days + 1))}
    for metric in ("er_reach", "net_followers", "referral_share"):
        assert_same(got[metric], want[metric], metric)
    assert_same(pillar_spend(ctx), want["spend"], "spend")
    if ctx.comparison:
        previous = {h.metric: h.previous for h in headlines(ctx, "week")}
        assert_same((previous["er_reach"], previous["net_followers"], previous["referral_share"],
                     pillar_spend(ctx, comparison=True)), want["previous"], "previous")


def test_a_period_without_data_gives_the_same_empty_answers(app_env, small_store) -> None:
    ctx = _context(small_store, ViewState(period="custom", start=dt.date(2031, 1, 1), end=dt.date(2031, 1, 31)))
    assert_same(_fields(comm.social_numbers(ctx, denominator="reach", grain="week")),
                social_from_rows(small_store, ctx, denominator="reach", grain="week"))
    assert_same(_fields(comm.email_numbers(ctx, grain="week")), email_from_rows(small_store, ctx, grain="week"))
    assert_same(_fields(comm.word_of_mouth_numbers(ctx, grain="week")),
                word_of_mouth_from_rows(small_store, ctx, grain="week"))
    assert comm.social_numbers(ctx, denominator="reach", grain="week").totals["posts"][0] == 0


def test_word_of_mouth_ignores_the_channel_filter_and_is_reused_across_it(app_env, small_store) -> None:
    everyone = _context(small_store, ViewState())
    one_channel = _context(small_store, ViewState(channels=("search_ads",)))
    assert comm.word_of_mouth_numbers(one_channel, grain="week") is comm.word_of_mouth_numbers(everyone, grain="week")
    assert comm.social_numbers(one_channel, denominator="reach", grain="week").totals["posts"][0] == 0


# --- the measures, by hand ------------------------------------------------------------------------

FILTERS = [Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31)),
           Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31), regions=("Тверь",)),
           Filters(None, None, channels=("social_media", "newsletter", "referral"))]


def _by_hand(family: str, rows: pl.DataFrame) -> dict[str, float]:
    """The measures written again from their definitions, in plain polars."""
    if family == "social_posts":
        e = rows["likes"] + rows["comments"] + rows["shares"] + rows["saves"]
        base = {"engagements": e, "reach": rows["reach"], "impressions": rows["impressions"], "clicks": rows["clicks"]}
        out = {"posts": rows.height} | {f"post_{k}": v.sum() for k, v in base.items()}
        for y in base:
            for x in base:
                out[f"post_{y}_x_{x}"] = (base[y] * base[x]).sum()
        return out
    if family == "email_sends":
        return {"email_sends": rows.height, "email_delivered": rows["delivered"].sum(),
                "email_opens": rows["unique_opens"].sum(), "email_clicks": rows["unique_clicks"].sum(),
                "email_unsubscribes": rows["unsubscribes"].sum(), "email_largest_send": rows["delivered"].max()}
    return {"new_customers": rows.height,
            "referred_customers": int((rows["acquisition_channel_id"] == "referral").sum())}


@pytest.mark.parametrize("flt", FILTERS, ids=["90d", "year-region", "all-channels"])
@pytest.mark.parametrize("family", ["social_posts", "email_sends", "customers"])
def test_communication_measures_equal_a_hand_aggregation(backend, family: str, flt: Filters) -> None:
    names = [m.name for m in MEASURES.values() if m.family == family]
    got = measure_frame(backend, family, names, flt).row(0, named=True)
    want = _by_hand(family, read_fact(backend, family, flt))
    assert set(got) <= set(want) and len(got) == len(names)
    for name in names:
        assert got[name] == pytest.approx(want[name], rel=1e-12), name


def test_the_latest_answer_decides_the_class_in_sql_as_in_polars(tmp_path) -> None:
    """Ties within a second keep the higher score; answers after the end and anonymous ones are left out."""
    from connectors import referrals
    from connectors.store import DuckDBStore
    from metrics.word_of_mouth import class_counts

    D = dt.datetime
    answers = pl.DataFrame({
        "response_id": [1, 2, 3, 4, 5, 6, 7],
        "customer_id": [1, 1, 2, 2, 3, 3, None],
        "responded_at": [D(2025, 5, 1, 9, 0, 0, 100), D(2025, 5, 1, 9, 0, 0, 900), D(2025, 4, 1), D(2025, 5, 2),
                         D(2025, 3, 1), D(2025, 7, 1), D(2025, 5, 1)],
        "score": [10, 3, 8, 5, 9, 2, 0],
    })
    made = pl.DataFrame({"referral_id": [1, 2, 3, 4], "referrer_customer_id": [1, 1, 2, 3],
                         "referred_customer_id": [11, 12, 13, 14],
                         "referred_at": [D(2025, 5, 10), D(2025, 6, 1), D(2025, 5, 20), D(2025, 1, 5)]})
    store = DuckDBStore(tmp_path / "ties.duckdb")
    store.replace_all({"nps_responses": answers, "referrals": made})
    end, start = dt.date(2025, 6, 30), dt.date(2025, 5, 1)
    got = referrals.class_counts(store, answers=Filters(None, end), referrals=Filters(start, end))
    rows = class_counts(answers, made.filter(pl.col("referred_at") >= D(2025, 5, 1)), before=_end(end))
    # customer 1: two answers in the same second, 10 kept -> promoter with 2 referrals; 2: latest 5 -> detractor
    # with 1; 3: the 2 comes after the end, so 9 -> promoter, whose referral falls before the period
    want = {"promoter": (2, 2), "detractor": (1, 1)}
    assert {r["nps_class"]: (r["customers"], r["referrals"]) for r in got.iter_rows(named=True)} == want
    assert {r["nps_class"]: (r["customers"], r["referrals"]) for r in rows.iter_rows(named=True)} == want
