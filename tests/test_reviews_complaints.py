"""Reviews and complaint handling: literal frames by hand, plain SQL on the demo, ground truth."""

from __future__ import annotations

import datetime as dt
import statistics

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from connectors.read import Filters, read_fact
from connectors.store import truth_of
from metrics.complaints import complaint_handling, complaint_topics, open_backlog
from metrics.reviews import (
    average_rating, rating_distribution, review_counts, review_responses, review_sentiment, review_totals,
)
from metrics.sentiment import default_classifier

D = dt.datetime


class Spy:
    """A classifier that calls everything 'negative' and remembers what it was asked."""

    name = "spy"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    def classify(self, texts, languages):
        self.seen.extend(zip(texts, languages))
        return ["negative"] * len(texts)


def _reviews() -> pl.DataFrame:
    return pl.DataFrame({
        "review_id": [1, 2, 3, 4, 5, 6],
        "source": ["maps", "maps", "monitor", "vk", "vk", "vk"],
        "created_at": [D(2025, 1, 6, 10), D(2025, 1, 7, 10), D(2025, 1, 8), D(2025, 1, 13), D(2025, 1, 14),
                       D(2025, 1, 15)],
        "rating": [5, 2, None, None, None, 3],
        "sentiment": ["negative", None, "positive", None, None, None],
        "text": ["a", "b", "c", "same", "same", "x"],
        "language": ["ru", "ru", "en", "ru", "ru", "en"],
        "answered_at": [D(2025, 1, 6, 12), D(2025, 1, 9, 10), None, D(2025, 1, 13, 23), None, None],
    })


def test_sentiment_comes_from_rating_then_source_then_text() -> None:
    spy = Spy()
    got = review_sentiment(_reviews(), classifier=spy)
    assert got["sentiment"].to_list() == ["positive", "negative", "positive", "negative", "negative", "neutral"]
    assert got["sentiment_from"].to_list() == ["rating", "rating", "source", "text", "text", "rating"]
    assert spy.seen == [("same", "ru")]  # only unrated reviews without a provided label, each text once
    assert got["review_id"].to_list() == [1, 2, 3, 4, 5, 6]


def test_review_totals_counts_and_rating_distribution() -> None:
    got = review_sentiment(_reviews(), classifier=Spy())
    assert review_totals(got).row(0, named=True) == {
        "reviews": 6, "positive": 2, "neutral": 1, "negative": 3, "positive_share": 2 / 6, "negative_share": 3 / 6,
    }
    weekly = review_counts(got, grain="week", by=())
    assert weekly.rows() == [(dt.date(2025, 1, 6), "negative", 1), (dt.date(2025, 1, 6), "positive", 2),
                             (dt.date(2025, 1, 13), "negative", 2), (dt.date(2025, 1, 13), "neutral", 1)]
    dist = rating_distribution(got)
    assert_frame_equal(dist, pl.DataFrame({"rating": [1, 2, 3, 4, 5], "reviews": [0, 1, 1, 0, 1],
                                           "share": [0.0, 1 / 3, 1 / 3, 0.0, 1 / 3]}))
    assert average_rating(got) == pytest.approx(10 / 3)
    empty = got.clear()
    assert review_totals(empty).row(0, named=True)["positive_share"] is None
    assert rating_distribution(empty)["share"].to_list() == [None] * 5 and average_rating(empty) is None


def test_review_responses_by_hand() -> None:
    got = review_responses(_reviews(), standard_hours=24).row(0, named=True)
    # answered after 2 h, 48 h and 23 h; three never answered
    assert got == {"received": 6, "answered": 3, "within_standard": 2, "response_rate": 0.5,
                   "median_response_hours": 23.0, "sla_share": 2 / 6}
    weekly = review_responses(_reviews(), standard_hours=24, grain="week")
    assert weekly["response_rate"].to_list() == [2 / 3, 1 / 3]
    assert weekly["median_response_hours"].to_list() == [25.0, 23.0]
    none = review_responses(_reviews().clear(), standard_hours=24).row(0, named=True)
    assert none["received"] == 0 and none["response_rate"] is None and none["median_response_hours"] is None


def _complaints() -> pl.DataFrame:
    return pl.DataFrame({
        "complaint_id": [1, 2, 3, 4, 5],
        "opened_at": [D(2025, 1, 1), D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 9), D(2025, 1, 9, 12)],
        "first_response_at": [D(2025, 1, 1, 2), D(2025, 1, 1, 6), None, D(2025, 1, 9, 1), None],
        "resolved_at": [D(2025, 1, 2), D(2025, 1, 5), None, D(2025, 1, 9, 10), None],
        "satisfied": [True, False, None, True, None],
        "topic": ["refund", "staff", "refund", "refund", "staff"],
    })


def test_complaint_handling_by_hand() -> None:
    as_of = D(2025, 1, 10)
    got = complaint_handling(_complaints(), standard_hours=48, as_of=as_of).row(0, named=True)
    # resolved after 24 h, 96 h and 10 h; no. 3 open for 8 days (overdue), no. 5 open for 12 h (not yet due)
    assert got == {
        "complaints": 5, "resolved": 3, "open": 2, "median_resolution_hours": 24.0,
        "median_first_response_hours": 2.0, "due": 4, "within_standard": 2, "satisfied": 2, "asked": 3,
        "within_standard_share": 0.5, "satisfaction": 2 / 3,
    }
    weekly = complaint_handling(_complaints(), standard_hours=48, as_of=as_of, grain="week")
    assert weekly["period"].to_list() == [dt.date(2024, 12, 30), dt.date(2025, 1, 6)]
    assert weekly["within_standard_share"].to_list() == [1 / 3, 1.0]
    empty = complaint_handling(_complaints().clear(), standard_hours=48, as_of=as_of).row(0, named=True)
    assert empty["complaints"] == 0 and empty["within_standard_share"] is None and empty["satisfaction"] is None


def test_open_backlog_and_topics_by_hand() -> None:
    backlog = open_backlog(_complaints(), at=D(2025, 1, 4), standard_hours=48).row(0, named=True)
    assert backlog == {"open": 2, "overdue": 1, "median_age_hours": 60.0}  # no. 2 (72 h) and no. 3 (48 h)
    topics = complaint_topics(_complaints(), standard_hours=48)
    assert topics.rows() == [("refund", 3, 1.0), ("staff", 2, 0.0)]


# --- plain SQL on the demo --------------------------------------------------------------------------

PERIOD = Filters(dt.date(2026, 2, 1), dt.date(2026, 10, 31))
SQL_PERIOD = "created_at >= :start AND created_at < :end"


def _bounds(f: Filters) -> dict:
    return {"start": f.start, "end": f.end + dt.timedelta(days=1)}


def test_review_counts_equal_plain_sql(small_store) -> None:
    revs = review_sentiment(read_fact(small_store, "reviews", PERIOD), classifier=default_classifier())
    got = review_counts(revs, grain="month", by=("source",))
    sql = small_store.execute_sql(
        "SELECT date_trunc('month', created_at)::DATE AS period, source, "
        "CASE WHEN rating >= 4 THEN 'positive' WHEN rating = 3 THEN 'neutral' WHEN rating <= 2 THEN 'negative' "
        "ELSE coalesce(sentiment, 'by text') END AS sentiment, count(*) AS reviews "
        f"FROM reviews WHERE {SQL_PERIOD} GROUP BY ALL ORDER BY ALL", _bounds(PERIOD))
    known = sql.filter(pl.col("sentiment") != "by text")
    joined = known.join(got, on=["period", "source", "sentiment"], how="left", suffix="_got")
    assert joined["reviews"].to_list() == joined["reviews_got"].to_list()
    # reviews labelled from text: the same totals per month and source as SQL counts
    by_text = sql.filter(pl.col("sentiment") == "by text").select("period", "source", "reviews")
    assert by_text.height > 0
    text_sources = by_text["source"].unique().to_list()
    got_text = (got.filter(pl.col("source").is_in(text_sources)).group_by("period", "source")
                .agg(pl.col("reviews").sum()).sort("period", "source"))
    assert_frame_equal(got_text, by_text.sort("period", "source"), check_dtypes=False)
    total = small_store.execute_sql(f"SELECT count(*) FROM reviews WHERE {SQL_PERIOD}", _bounds(PERIOD)).item()
    assert got["reviews"].sum() == total == review_totals(revs)["reviews"][0]


def test_positive_reviews_equal_sql_plus_the_classifier_on_sql_texts(small_store) -> None:
    revs = review_sentiment(read_fact(small_store, "reviews", PERIOD), classifier=default_classifier())
    known = small_store.execute_sql(
        "SELECT count(*) FILTER (WHERE rating >= 4 OR (rating IS NULL AND sentiment = 'positive')) "
        f"FROM reviews WHERE {SQL_PERIOD}", _bounds(PERIOD)).item()
    texts = small_store.execute_sql(
        f"SELECT text, language FROM reviews WHERE rating IS NULL AND sentiment IS NULL AND {SQL_PERIOD}",
        _bounds(PERIOD))
    by_text = default_classifier().classify(texts["text"].to_list(), texts["language"].to_list())
    assert review_totals(revs)["positive"][0] == known + by_text.count("positive")


def test_ratings_and_responses_equal_sql(small_store) -> None:
    revs = read_fact(small_store, "reviews", PERIOD)
    sql = small_store.execute_sql(
        f"SELECT rating, count(*) n FROM reviews WHERE rating IS NOT NULL AND {SQL_PERIOD} GROUP BY 1 ORDER BY 1",
        _bounds(PERIOD))
    assert rating_distribution(revs)["reviews"].to_list() == sql["n"].to_list()
    row = small_store.execute_sql(
        "SELECT avg(rating), count(answered_at), "
        "count(*) FILTER (WHERE answered_at - created_at <= INTERVAL 24 HOUR), "
        "median(epoch(answered_at - created_at) / 3600.0) "
        f"FROM reviews WHERE {SQL_PERIOD}", _bounds(PERIOD)).row(0)
    got = review_responses(revs, standard_hours=24).row(0, named=True)
    assert average_rating(revs) == pytest.approx(row[0])
    assert (got["answered"], got["within_standard"]) == (row[1], row[2])
    assert got["median_response_hours"] == pytest.approx(row[3])


def test_complaint_handling_equals_sql(small_store) -> None:
    comp = read_fact(small_store, "complaints", PERIOD)
    as_of = D(2026, 11, 1)
    got = complaint_handling(comp, standard_hours=48, as_of=as_of).row(0, named=True)
    row = small_store.execute_sql(
        "SELECT count(*), count(resolved_at), "
        "count(*) FILTER (WHERE resolved_at - opened_at <= INTERVAL 48 HOUR), "
        "count(*) FILTER (WHERE resolved_at IS NOT NULL OR :end - opened_at > INTERVAL 48 HOUR), "
        "avg(satisfied::INT) FROM complaints WHERE opened_at >= :start AND opened_at < :end",
        {"start": PERIOD.start, "end": as_of}).row(0)
    assert (got["complaints"], got["resolved"], got["within_standard"], got["due"]) == row[:4]
    assert got["satisfaction"] == pytest.approx(row[4])


# --- ground truth -----------------------------------------------------------------------------------

def _truth_frac(ts: pl.Series, truth: dict) -> np.ndarray:
    start = dt.datetime.fromisoformat(truth["period"]["start"])
    end = dt.datetime.fromisoformat(truth["period"]["end"]) + dt.timedelta(days=1)
    return ((ts - start).dt.total_seconds() / (end - start).total_seconds()).to_numpy()


def test_fast_complaint_resolution_improves_as_the_demo_says(small_store) -> None:
    truth = truth_of(small_store)
    sv = truth["company"]["service"]
    comp = read_fact(small_store, "complaints").filter(pl.col("resolved_at").is_not_null())
    yearly = complaint_handling(comp, standard_hours=sv["standard_hours"], as_of=D(2026, 11, 1), grain="year")
    shares = []
    for row in yearly.iter_rows(named=True):
        opened = comp.filter(pl.col("opened_at").dt.year() == row["period"].year)["opened_at"]
        expected = float(np.mean(sv["fast_share_start"]
                                 + (sv["fast_share_end"] - sv["fast_share_start"]) * _truth_frac(opened, truth)))
        se = (expected * (1 - expected) / row["due"]) ** 0.5
        assert row["within_standard_share"] == pytest.approx(expected, abs=4 * se), row["period"]
        shares.append(row["within_standard_share"])
    assert shares == sorted(shares) and len(shares) == 4


def test_review_answers_get_more_frequent_and_faster(small_store) -> None:
    truth = truth_of(small_store)
    revs = read_fact(small_store, "reviews").filter(pl.col("created_at") < D(2026, 10, 1))  # answers not cut off
    yearly = review_responses(revs, standard_hours=24, grain="year")
    for row in yearly.iter_rows(named=True):
        year = revs.filter(pl.col("created_at").dt.year() == row["period"].year)
        frac = _truth_frac(year["created_at"], truth)
        rate = float(np.mean(0.6 + 0.3 * frac))  # the demo's answer probability over time
        se = (rate * (1 - rate) / row["received"]) ** 0.5
        assert row["response_rate"] == pytest.approx(rate, abs=4 * se), row["period"]
        median = statistics.median(14.0 - 8.0 * frac)  # lognormal median hours, falling over time
        assert row["median_response_hours"] == pytest.approx(median, rel=0.2), row["period"]
    assert yearly["response_rate"].to_list() == sorted(yearly["response_rate"].to_list())
    assert yearly["median_response_hours"].to_list() == sorted(yearly["median_response_hours"].to_list(),
                                                                reverse=True)
