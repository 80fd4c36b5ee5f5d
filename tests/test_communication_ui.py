"""Communication charts (structure, units) and display tables (text from data stays text)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.communication import charts
from dashboard.charts import ChartDataError
from connectors.export import neutralise_text
from dashboard.communication.tables import fmt_interval, post_type_table, promo_summary, top_posts_table
from dashboard.i18n import fmt_pct
from metrics.communication import engagement_by_period, engagement_rate, follower_growth
from metrics.post_types import promo_or_other, promo_penalty, unfollows_per_post

TREND = pl.DataFrame({
    "period": [dt.date(2025, 3, 3), dt.date(2025, 3, 10)] * 3,
    "network": ["vk", "vk", "ok", "ok", "all", "all"],
    "er": [0.05, 0.06, 0.04, 0.03, 0.045, 0.05],
})


def test_er_trend_has_one_line_per_network_and_the_total_last() -> None:
    fig = charts.er_trend(TREND, names={"vk": "VK", "ok": "OK", "all": "All networks"},
                          y_title="Engagement rate (by reach)")
    assert [t.name for t in fig.data] == ["VK", "OK", "All networks"]
    assert fig.data[-1].line.width > fig.data[0].line.width
    assert fig.layout.yaxis.title.text == "Engagement rate (by reach)"
    assert fig.layout.yaxis.tickformat.endswith("%")
    assert list(fig.data[0].y) == [0.05, 0.06]


def test_charts_follow_the_language() -> None:
    ru = charts.er_trend(TREND, names={}, y_title="ER", locale=charts.chart_locale("ru"))
    assert ru.layout.separators == ", " and ru.layout.xaxis.tickformat == "%d.%m.%y"
    assert "%d.%m.%Y" in ru.data[0].hovertemplate
    en = charts.er_trend(TREND, names={}, y_title="ER", locale=charts.chart_locale("en"))
    assert en.layout.separators == ".," and en.layout.xaxis.tickformat is None
    assert "%d %b %Y" in en.data[0].hovertemplate


def test_follower_flow_draws_losses_below_zero() -> None:
    frame = pl.DataFrame({"period": [dt.date(2025, 3, 3)], "gained": [40], "lost": [25], "net": [15]})
    fig = charts.follower_flow(frame, gained="Gained", lost="Lost", net="Net", y_title="Followers (people)")
    assert [t.name for t in fig.data] == ["Gained", "Lost", "Net"]
    assert list(fig.data[1].y) == [-25] and list(fig.data[2].y) == [15]
    assert fig.layout.yaxis.title.text == "Followers (people)"


def test_post_type_rates_draw_their_intervals() -> None:
    frame = pl.DataFrame({"post_type": ["conversation", "promo"], "er_reach": [0.06, 0.03],
                          "er_low": [0.05, 0.025], "er_high": [0.07, 0.036]})
    fig = charts.post_type_rates(frame, names={"conversation": "Conversation", "promo": "Promo"},
                                 x_title="Engagement rate (by reach)")
    bar = fig.data[0]
    assert list(bar.y) == ["Conversation", "Promo"]
    assert list(bar.error_x.array) == pytest.approx([0.01, 0.006])
    assert list(bar.error_x.arrayminus) == pytest.approx([0.01, 0.005])
    assert fig.layout.xaxis.title.text == "Engagement rate (by reach)"


def test_email_funnel_and_rate_lines() -> None:
    funnel = pl.DataFrame({"delivered": [1000], "unique_opens": [400], "unique_clicks": [50]})
    fig = charts.email_funnel_chart(funnel, stages={"delivered": "D", "unique_opens": "O", "unique_clicks": "C"},
                                    texts={"delivered": "1,000", "unique_opens": "400", "unique_clicks": "50"})
    assert list(fig.data[0].x) == [1000, 400, 50] and list(fig.data[0].y) == ["D", "O", "C"]
    trend = pl.DataFrame({"period": [dt.date(2025, 3, 3)], "open_rate": [0.4], "click_rate": [0.05]})
    lines = charts.rate_lines(trend, series={"open_rate": "Open rate *", "click_rate": "Click rate"},
                              y_title="Share (%)", dashed=("open_rate",))
    assert [t.name for t in lines.data] == ["Open rate *", "Click rate"]
    assert lines.data[0].line.dash == "dot" and lines.data[1].line.dash == "solid"
    assert lines.layout.yaxis.title.text == "Share (%)"


def test_charts_refuse_frames_without_their_columns() -> None:
    with pytest.raises(ChartDataError, match="er_trend"):
        charts.er_trend(TREND.drop("er"), names={}, y_title="x")
    with pytest.raises(ChartDataError, match="follower_flow"):
        charts.follower_flow(TREND, gained="a", lost="b", net="c", y_title="y")


def test_metric_frames_fit_the_charts(small_demo) -> None:
    posts, followers = small_demo.frames["social_posts"], small_demo.frames["social_followers"]
    trend = engagement_rate(engagement_by_period(posts, grain="month", by=["network"]), denominator="reach")
    assert len(charts.er_trend(trend, names={}, y_title="ER").data) == 3
    charts.follower_flow(follower_growth(followers, grain="month"), gained="a", lost="b", net="c", y_title="y")


def test_text_from_data_stays_text() -> None:
    hostile = ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "**bold** <b>x</b> [a](javascript:1)", "Plain"]
    frame = pl.DataFrame({
        "post_id": list(range(6)), "published_at": [dt.datetime(2025, 3, 3, 12)] * 6, "network": ["vk"] * 6,
        "post_type": ["promo"] * 6, "title": hostile, "reach": [10] * 6, "engagements": [1] * 6,
        "er": [0.1] * 6, "denominator": ["reach"] * 6, "clicks": [0] * 6, "ctr": [0.0] * 6,
    })
    titles = top_posts_table(frame, "en", denominator="reach")["Title"].to_list()
    assert titles == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)",
                      "**bold** <b>x</b> [a](javascript:1)", "Plain"]  # markdown/HTML untouched: shown as text
    assert neutralise_text(None) == "" and neutralise_text("ok") == "ok"


def test_intervals_and_the_promo_lesson(small_demo) -> None:
    pct = lambda x: fmt_pct(x, "en")  # noqa: E731
    assert fmt_interval(0.065, 0.06, 0.07, pct) == "6.5% (6.0%–7.0%)"
    assert fmt_interval(0.065, None, None, pct) == "6.5%" and fmt_interval(None, 0.1, 0.2, pct) == "—"
    posts, followers = small_demo.frames["social_posts"], small_demo.frames["social_followers"]
    lines = promo_summary(promo_penalty(posts), unfollows_per_post(followers, promo_or_other(posts), kind="kind"),
                          follower_growth(followers), "en")
    assert len(lines) == 2 and "Promo posts engage 0.48×" in lines[0] and "0.15% of followers" in lines[1]
    few = posts.filter(pl.col("post_type") != "promo").head(5)
    assert promo_summary(promo_penalty(few), unfollows_per_post(followers.clear(), few), follower_growth(followers),
                         "en") == ["Too few promo or other posts in this period to compare them: choose a longer period."]


def test_post_type_table_has_every_type_with_intervals(small_demo) -> None:
    from metrics.post_types import post_type_comparison

    table = post_type_table(post_type_comparison(small_demo.frames["social_posts"],
                                                 small_demo.frames["social_followers"]), "ru")
    assert table["Тип публикации"].to_list() == ["Разговор", "Полезное", "Промо"]
    assert all("(" in v and "–" in v for v in table["Вовлечённость (по охвату)"].to_list())
