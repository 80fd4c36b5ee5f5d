"""What the Communication page receives from the database grows with the answer, not with the data.

Every query's returned rows are counted on a cold computation (a store of its own name, so no cache
holds anything for it) and checked against a bound made of what the page shows: periods × networks,
mailings, post types, network-days for the unfollow model. None of it grows with customers, orders,
NPS answers or referrals. The SQL carries every value as a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest
import sqlalchemy as sa

from dashboard import context as app_data
from dashboard.communication import data as comm
from dashboard.filters import ViewState
from dashboard.overview.data import pillar_spend, trend_grain
from dashboard.overview.pillars.communication import headlines

_SERIAL = itertools.count()
NETWORKS = 3  # vk, telegram, ok in the demo


class CountingStore:
    """A store that records each query and the rows it returned, under a name of its own."""

    def __init__(self, store) -> None:
        self._store = store
        self.display_url = f"{store.display_url}#counted-{next(_SERIAL)}"
        self.queries: list[tuple[sa.sql.Executable, int]] = []

    def query(self, stmt: sa.sql.Executable) -> pl.DataFrame:
        frame = self._store.query(stmt)
        self.queries.append((stmt, frame.height))
        return frame

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.queries)


@pytest.fixture
def counted(small_store) -> CountingStore:
    return CountingStore(small_store)


def _weeks(start: dt.date, end: dt.date) -> int:
    monday = lambda d: d - dt.timedelta(days=d.weekday())  # noqa: E731
    return (monday(end) - monday(start)).days // 7 + 1


def _cold_context(store: CountingStore, view: ViewState):
    ctx = app_data.build_context(store, view, *app_data.base_context(store))
    store.queries.clear()  # dimensions and bounds are read once per data version, not by the page
    return ctx


def _campaigns(store) -> int:
    return int(store.query(sa.text("SELECT count(DISTINCT campaign_id) AS n FROM email_sends"))["n"][0])


@pytest.mark.parametrize("period", ["last_90_days", "last_12_months", "all"])
def test_the_page_receives_rows_that_grow_with_the_answer(app_env, small_store, counted, period: str) -> None:
    ctx = _cold_context(counted, ViewState(period=period))
    comm.social_numbers(ctx, denominator="reach", grain="week")
    comm.email_numbers(ctx, grain="week")
    comm.word_of_mouth_numbers(ctx, grain="week")
    days = (ctx.period[1] - ctx.period[0]).days + 1
    weeks = _weeks(*ctx.period)
    # engagement and follower spans per week and network (and the previous period's per network), the
    # unfollow model's network-days, e-mail per week and mailing, new customers per week, then a few
    # fixed-size answers: post types, the top posts, two groups, three NPS classes (now and before)
    bound = (2 * weeks * NETWORKS + 2 * NETWORKS + NETWORKS * days + weeks * _campaigns(small_store) + 1
             + weeks + 1 + 3 + comm.TOP_POSTS + 2 * 2 + 2 * 3)
    assert 0 < counted.rows <= bound
    assert max(n for _, n in counted.queries) <= NETWORKS * days
    # the rows behind the same numbers, read as they were before: every order, customer, answer, referral
    facts = sum(int(small_store.query(sa.text(f"SELECT count(*) AS n FROM {t}"))["n"][0])  # noqa: S608
                for t in ("orders", "customers", "nps_responses", "referrals"))
    assert counted.rows < facts / 20


@pytest.mark.parametrize("period", ["last_90_days", "last_12_months", "all"])
def test_the_overview_column_and_spend_receive_a_few_rows(app_env, small_store, counted, period: str) -> None:
    ctx = _cold_context(counted, ViewState(period=period))
    grain = trend_grain((ctx.period[1] - ctx.period[0]).days + 1)
    headlines(ctx, grain)
    pillar_spend(ctx)
    if ctx.comparison:
        pillar_spend(ctx, comparison=True)
    buckets = {"day": (ctx.period[1] - ctx.period[0]).days + 1, "week": _weeks(*ctx.period),
               "month": (ctx.period[1].year - ctx.period[0].year) * 12 + ctx.period[1].month - ctx.period[0].month + 1}
    channels = ctx.channels.height
    bound = buckets[grain] * (2 * NETWORKS + 1) + 2 * NETWORKS + 1 + 2 * channels
    assert 0 < counted.rows <= bound


def test_a_cached_rerun_asks_the_database_nothing(app_env, counted) -> None:
    ctx = _cold_context(counted, ViewState(period="last_12_months"))
    comm.social_numbers(ctx, denominator="followers", grain="month")
    comm.word_of_mouth_numbers(ctx, grain="month")
    asked = len(counted.queries)
    comm.social_numbers(ctx, denominator="followers", grain="month")
    comm.word_of_mouth_numbers(ctx, grain="month")
    assert len(counted.queries) == asked > 0
    # another denominator reuses every grouped answer but the top posts
    comm.social_numbers(ctx, denominator="impressions", grain="month")
    assert len(counted.queries) == asked + 1


def test_every_value_is_a_bound_parameter(app_env, counted) -> None:
    ctx = _cold_context(counted, ViewState(period="custom", start=dt.date(2025, 3, 1), end=dt.date(2025, 8, 31),
                                           compare="year", channels=("social_media", "newsletter"),
                                           regions=("Тверь",)))
    comm.social_numbers(ctx, denominator="followers", grain="week")
    comm.email_numbers(ctx, grain="week")
    comm.word_of_mouth_numbers(ctx, grain="week")
    headlines(ctx, "week")
    pillar_spend(ctx)
    assert len(counted.queries) >= 12
    for stmt, _ in counted.queries:
        sql = str(stmt.compile())
        for value in ("Тверь", "'social_media'", "'newsletter'", "'referral'", "'promoter'", "'detractor'", "2025",
                      "2024", "'week'", "'promo'", " 9", " 6"):
            assert value not in sql, (value, sql)
