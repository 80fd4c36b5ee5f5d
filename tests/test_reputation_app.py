"""The Reputation page in Streamlit's AppTest: the numbers shown equal the metric functions'
output, its controls live in the link, bad links and settings fall back with a notice."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from connectors.read import Filters, read_fact
from dashboard.i18n import fmt_number, fmt_pct, fmt_points
from metrics.complaints import complaint_handling, open_backlog
from metrics.reputation import brand_trust, nps
from metrics.reviews import average_rating, review_responses, review_sentiment, review_totals
from metrics.sentiment import default_classifier
from tests.test_app import query, run_app

PAGE = "pages/reputation.py"
NOW = Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31))  # the default view: last 90 days of the demo
DATA_END = dt.datetime(2026, 11, 1)


def shown(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_page_numbers_equal_the_metric_functions(app_env, small_store) -> None:
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    got = shown(at)
    score = nps(read_fact(small_store, "nps_responses", NOW)).row(0, named=True)
    assert got["NPS"][0] == (f"{fmt_points(score['nps'], signed=True)} "
                             f"±{fmt_number(score['margin_of_error'], digits=1)}")
    reviews = review_sentiment(read_fact(small_store, "reviews", NOW), classifier=default_classifier())
    totals = review_totals(reviews).row(0, named=True)
    assert got["Positive reviews"][0] == fmt_number(totals["positive"])
    assert got["Negative reviews"][0] == fmt_number(totals["negative"])
    assert got["Average rating"][0] == f"{fmt_number(average_rating(reviews), digits=2)} ★"
    resp = review_responses(reviews, standard_hours=24).row(0, named=True)
    assert got["Review response rate"][0] == fmt_pct(resp["response_rate"])
    assert got["Reviews answered in time"][0] == fmt_pct(resp["sla_share"])
    assert got["Review response time"][0] == f"{fmt_number(resp['median_response_hours'], digits=1)} h"
    comp = complaint_handling(read_fact(small_store, "complaints", NOW), standard_hours=48, as_of=DATA_END)
    comp = comp.row(0, named=True)
    assert got["Complaints"][0] == fmt_number(comp["complaints"])
    assert got["Complaints resolved in time"][0] == fmt_pct(comp["within_standard_share"])
    assert got["Satisfied after resolution"][0] == fmt_pct(comp["satisfaction"])
    backlog = open_backlog(read_fact(small_store, "complaints"), at=DATA_END, standard_hours=48)
    assert got["Open complaints"][0] == fmt_number(backlog["open"][0])
    trust = brand_trust(read_fact(small_store, "brand_surveys"), questions=["trust"]).filter(
        pl.col("period") <= NOW.end).row(-1, named=True)
    assert got["Brand trust"][0] == fmt_pct(trust["share"])
    captions = " ".join(c.value for c in at.caption)
    assert f"{fmt_number(score['n'])} answers" in captions
    assert "change of" in captions and "95% margin" in captions  # is the NPS move bigger than the noise?


def test_grain_and_score_filter_come_from_the_link_and_go_back_into_it(app_env) -> None:
    at = run_app({"grain": "month", "score": "0-6"}, page=PAGE)
    assert not at.exception
    assert at.segmented_control(key="rep_grain.en").value == "month"
    assert at.slider(key="rep_score").value == (0, 6)
    comment_scores = [c.value for c in at.caption if c.value.count(" · ") >= 2 and "Score" in c.value]
    assert comment_scores and all(int(c.split("Score ")[1].split(" ")[0]) <= 6 for c in comment_scores)
    assert query(at)["score"] == "0-6" and query(at)["grain"] == "month"
    at.slider(key="rep_score").set_range(9, 10).run()
    assert query(at)["score"] == "9-10"
    at.segmented_control(key="rep_grain.en").set_value("auto").run()
    assert "grain" not in query(at)


def test_a_bad_page_link_falls_back_with_a_notice(app_env) -> None:
    at = run_app({"grain": "<b>decade</b>", "score": "7-3"}, page=PAGE)
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "could not be used" in notices and "Trend grain `<b>decade</b>`" in notices
    assert at.segmented_control(key="rep_grain.en").value == "auto"
    assert at.slider(key="rep_score").value == (0, 10)
    assert "grain" not in query(at) and "score" not in query(at)


def test_the_page_in_russian(app_env) -> None:
    at = run_app({"lang": "ru", "period": "last_12_months", "compare": "year"}, page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Репутация"
    labels = set(shown(at))
    assert {"NPS", "Положительные отзывы", "Жалобы, решённые в срок", "Доверие к бренду"} <= labels
    assert any("ответов" in c.value for c in at.caption)


def test_an_empty_period_says_so(app_env) -> None:
    at = run_app({"period": "custom", "from": "2031-01-01", "to": "2031-01-31"}, page=PAGE)
    assert not at.exception
    infos = " ".join(i.value for i in at.info)
    assert "No NPS answers in this period" in infos and "No reviews in this period" in infos
    assert "No complaints in this period" in infos
    assert shown(at)["NPS"][0] == "—"


@pytest.fixture
def bad_classifier_setting(monkeypatch):
    from dashboard.context import settings

    monkeypatch.setenv("DASHBOARD_SENTIMENT_CLASSIFIER", "no_such_package.models:Classifier")
    settings.clear()
    yield
    monkeypatch.delenv("DASHBOARD_SENTIMENT_CLASSIFIER")
    settings.clear()


def test_a_bad_classifier_setting_is_reported_and_the_built_in_one_used(app_env, bad_classifier_setting) -> None:
    at = run_app(page=PAGE)
    assert not at.exception
    assert any("DASHBOARD_SENTIMENT_CLASSIFIER" in w.value for w in at.warning)
    assert any(f"{default_classifier().name} classifier" in c.value for c in at.caption)
