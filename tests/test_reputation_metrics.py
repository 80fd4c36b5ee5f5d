"""Reputation metrics: hand computations on literal frames, plain SQL on the demo, and the
demo's ground truth (slow complaint handling makes detractors, service improves over time,
brand-survey confidence intervals cover the true probabilities)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from connectors.read import Filters, read_fact
from connectors.store import truth_of
from metrics.reputation import (
    Z95, brand_trust, latest_comments, nps, nps_after_complaints, nps_by_period, nps_change, nps_mix,
)

D = dt.datetime


def _scores(*values: int, **cols) -> pl.DataFrame:
    return pl.DataFrame({"score": list(values), **cols}, schema_overrides={"score": pl.Int64})


def _moe(p: float, d: float, n: int) -> float:
    return Z95 * math.sqrt((p + d - (p - d) ** 2) / n) * 100


# --- NPS ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scores,want_nps", [
    ((0,), -100.0), ((6,), -100.0), ((7,), 0.0), ((8,), 0.0), ((9,), 100.0), ((10,), 100.0),  # n = 1
])
def test_nps_of_a_single_answer(scores, want_nps) -> None:
    got = nps(_scores(*scores), min_answers=30).row(0, named=True)
    assert got["n"] == 1 and got["nps"] == want_nps and got["margin_of_error"] == 0.0 and got["few_answers"]


def test_nps_by_group_hand_computed_with_small_groups_flagged() -> None:
    frame = _scores(10, 9, 3, 8, 10, 0, 0, 7, segment=["a", "a", "a", "a", "b", "b", "b", "b"])
    got = nps(frame, by=["segment"], min_answers=4)
    want = pl.DataFrame({
        "segment": ["a", "b"], "n": [4, 4], "promoters": [2, 1], "passives": [1, 1], "detractors": [1, 2],
        "nps": [25.0, -25.0], "margin_of_error": [_moe(0.5, 0.25, 4), _moe(0.25, 0.5, 4)],
        "few_answers": [False, False],
    })
    assert_frame_equal(got, want)
    assert nps(frame, by=["segment"], min_answers=5)["few_answers"].to_list() == [True, True]


def test_nps_all_promoters_all_detractors_and_empty_with_the_flag() -> None:
    assert nps(_scores(9, 10, 10)).row(0, named=True)["nps"] == 100.0
    assert nps(_scores(0, 1, 6, 5)).row(0, named=True)["nps"] == -100.0
    empty = nps(_scores(), min_answers=30).row(0, named=True)
    assert empty["n"] == 0 and empty["nps"] is None and empty["margin_of_error"] is None and empty["few_answers"]


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_mix_sums_to_one_and_matches_nps(scores) -> None:
    row = nps_mix(nps(_scores(*scores))).row(0, named=True)
    assert row["promoter_share"] + row["passive_share"] + row["detractor_share"] == pytest.approx(1.0)
    assert row["nps"] == pytest.approx(100 * (row["promoter_share"] - row["detractor_share"]))
    assert row["promoters"] + row["passives"] + row["detractors"] == row["n"] == len(scores)


def test_nps_by_period_flags_thin_weeks() -> None:
    frame = pl.DataFrame({"responded_at": [D(2025, 3, 3), D(2025, 3, 4), D(2025, 3, 10)], "score": [10, 0, 9]})
    got = nps_by_period(frame, grain="week", min_answers=2)
    assert got["period"].to_list() == [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
    assert got["few_answers"].to_list() == [False, True]
    assert got["nps"].to_list() == [0.0, 100.0]


# --- change between periods -----------------------------------------------------------------------

def test_nps_change_hand_computed() -> None:
    now = nps(_scores(*([10] * 60 + [8] * 20 + [3] * 20)))  # 40
    before = nps(_scores(*([10] * 40 + [8] * 30 + [3] * 30)))  # 10
    got = nps_change(now, before).row(0, named=True)
    se1 = math.sqrt((0.6 + 0.2 - 0.4 ** 2) / 100) * 100
    se2 = math.sqrt((0.4 + 0.3 - 0.1 ** 2) / 100) * 100
    se = math.sqrt(se1 ** 2 + se2 ** 2)
    assert got["change"] == pytest.approx(30.0)
    assert got["margin_of_change"] == pytest.approx(Z95 * se)
    assert got["z"] == pytest.approx(30.0 / se)
    assert got["p_value"] == pytest.approx(math.erfc(30.0 / se / math.sqrt(2)))
    assert got["significant"] is True and (got["n"], got["n_previous"]) == (100, 100)


def test_nps_change_edge_cases() -> None:
    unanimous = nps_change(nps(_scores(10, 10)), nps(_scores(0))).row(0, named=True)
    assert unanimous["change"] == 200.0 and unanimous["z"] is None and unanimous["significant"] is False
    missing = nps_change(nps(_scores(10)), nps(_scores())).row(0, named=True)
    assert missing["change"] is None and missing["significant"] is None
    by = nps_change(nps(_scores(10, 0, region=["A", "B"]), by=["region"]),
                    nps(_scores(10, region=["A"]), by=["region"]), by=["region"])
    assert by["region"].to_list() == ["A", "B"] and by["change"].to_list() == [0.0, None]


def test_nps_change_is_wrong_about_5_percent_of_the_time_under_no_change() -> None:
    rng = np.random.default_rng(7)
    probs = np.array([0.04] * 7 + [0.1, 0.12] + [0.2, 0.3])
    probs /= probs.sum()
    reps, n = 2000, 200
    rep = np.repeat(np.arange(reps), n)

    def sample(scores: np.ndarray) -> pl.DataFrame:
        return nps(pl.DataFrame({"rep": rep, "score": scores}), by=["rep"])

    before = sample(rng.choice(11, reps * n, p=probs))
    same = sample(rng.choice(11, reps * n, p=probs))
    better = sample(np.where(rng.random(reps * n) < 0.25, 10, rng.choice(11, reps * n, p=probs)))
    false_alarms = nps_change(same, before, by=["rep"])["significant"].mean()
    detected = nps_change(better, before, by=["rep"])["significant"].mean()
    assert 0.035 <= false_alarms <= 0.065  # a 95% test: about 5% false alarms (±3 sd over 2000 runs)
    assert detected > 0.6  # and a real move of ~+20 points is usually caught at n = 200


# --- comments and NPS after complaints ---------------------------------------------------------------

def test_latest_comments_filters_scores_and_blank_text() -> None:
    frame = pl.DataFrame({
        "responded_at": [D(2025, 1, d) for d in (1, 2, 3, 4, 5)],
        "score": [0, 9, 5, 6, 10],
        "comment": ["bad", "good", None, "  ", "great"],
    })
    assert latest_comments(frame, scores=(0, 6))["comment"].to_list() == ["bad"]
    assert latest_comments(frame)["comment"].to_list() == ["great", "good", "bad"]
    assert latest_comments(frame, limit=1)["score"].to_list() == [10]


def test_nps_after_complaints_takes_the_first_answer_after_each_complaint() -> None:
    complaints = pl.DataFrame({
        "customer_id": [1, 2, 3],
        "opened_at": [D(2025, 1, 1), D(2025, 1, 1), D(2025, 1, 1)],
        "resolved_at": [D(2025, 1, 2), D(2025, 1, 10), None],  # 24 h, 9 days, open
    })
    answers = pl.DataFrame({
        "customer_id": [1, 1, 1, 2, 3, 3],
        "responded_at": [D(2024, 12, 1), D(2025, 2, 1), D(2025, 3, 1), D(2025, 1, 20), D(2026, 6, 1), D(2025, 5, 1)],
        "score": [0, 10, 0, 2, 10, 8],
    })
    got = nps_after_complaints(complaints, answers, standard_hours=48)
    assert got["handling"].to_list() == ["within_standard", "late"]
    assert got["n"].to_list() == [1, 2]  # customer 1's Feb answer; 2's answer and 3's May answer
    assert got["nps"].to_list() == [100.0, -50.0]
    empty = nps_after_complaints(complaints.clear(), answers, standard_hours=48)
    assert empty["n"].to_list() == [0, 0] and empty["nps"].to_list() == [None, None]


# --- brand trust ------------------------------------------------------------------------------------

def _wilson(k: int, n: int) -> tuple[float, float]:
    p, z = k / n, Z95
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize("agree,n", [(0, 10), (10, 10), (1, 1), (167, 400), (3, 40)])
def test_brand_trust_interval_is_wilson(agree, n) -> None:
    from scipy.stats import binomtest

    row = brand_trust(pl.DataFrame({"period": [dt.date(2025, 1, 1)], "question": ["trust"], "agree": [agree],
                                    "n": [n]})).row(0, named=True)
    assert row["share"] == pytest.approx(agree / n)
    low, high = _wilson(agree, n)
    ref = binomtest(agree, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(ref.low, abs=1e-9), pytest.approx(ref.high, abs=1e-9))
    assert 0.0 <= row["ci_low"] <= row["share"] <= row["ci_high"] <= 1.0


def test_brand_trust_with_no_one_asked_has_no_share() -> None:
    row = brand_trust(pl.DataFrame({"period": [dt.date(2025, 1, 1)], "question": ["trust"], "agree": [0],
                                    "n": [0]})).row(0, named=True)
    assert row["share"] is None and row["ci_low"] is None


def test_brand_intervals_cover_the_true_probabilities(small_store) -> None:
    got = brand_trust(read_fact(small_store, "brand_surveys"))
    truth = pl.DataFrame(truth_of(small_store)["brand_surveys"]).with_columns(pl.col("period").str.to_date())
    joined = got.join(truth, on=["period", "question"])
    assert joined.height == got.height == truth.height > 100
    covered = ((joined["ci_low"] <= joined["p"]) & (joined["p"] <= joined["ci_high"])).mean()
    assert 0.88 <= covered <= 1.0, covered  # 95% intervals; binomial noise over ~126 waves
    assert (joined["ci_high"] - joined["ci_low"]).mean() < 0.11  # and not trivially wide


# --- the same numbers by plain SQL, and the demo's ground truth --------------------------------------

PERIOD = Filters(dt.date(2026, 5, 1), dt.date(2026, 10, 31))


def test_nps_by_segment_equals_sql(small_store) -> None:
    got = nps(read_fact(small_store, "nps_responses", PERIOD), by=["segment"])
    sql = small_store.execute_sql(
        "SELECT segment, count(*) n, 100.0 * (avg((score >= 9)::INT) - avg((score <= 6)::INT)) nps "
        "FROM nps_responses WHERE responded_at >= :start AND responded_at < :end GROUP BY 1 ORDER BY 1",
        {"start": PERIOD.start, "end": PERIOD.end + dt.timedelta(days=1)})
    assert got["segment"].to_list() == sql["segment"].to_list()
    assert got["n"].to_list() == sql["n"].to_list()
    assert got["nps"].to_list() == pytest.approx(sql["nps"].to_list())


def test_slow_complaint_handling_turns_customers_into_detractors(small_store) -> None:
    truth = truth_of(small_store)["company"]["service"]
    got = nps_after_complaints(read_fact(small_store, "complaints"), read_fact(small_store, "nps_responses"),
                               standard_hours=truth["standard_hours"])
    fast, slow = (got.filter(pl.col("handling") == h).row(0, named=True) for h in ("within_standard", "late"))
    assert slow["nps"] < fast["nps"] - 30
    # An answer is a detractor's with probability 0.9·c + 0.1/3 when a share c of the customers are
    # detractors (the demo adds 10% noise across the three classes). Slow handling turns a share
    # slow_to_detractor of the others into detractors: recover it from the two groups.
    c_fast = (fast["detractors"] / fast["n"] - 1 / 30) / 0.9
    c_slow = (slow["detractors"] / slow["n"] - 1 / 30) / 0.9
    implied = (c_slow - c_fast) / (1 - c_fast)
    assert implied == pytest.approx(truth["slow_to_detractor"], abs=0.15)
