"""The app in Streamlit's AppTest: every registered page runs; the Overview shows numbers derived independently.

The Overview's expected numbers come from plain SQL on the test store and the definitions of PRODUCT.md
(``tests/overview_expected.py``); each figure is read back from the screen and compared at the precision
it is shown with (half of its last digit).
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.registry import PAGES
from tests import overview_expected as ox
from tests.conftest import ROOT
from tests.overview_expected import Scope, assert_shows

DATA_END = dt.datetime(2026, 11, 1)  # the demo's last day + 1
LABELS = {  # label -> (English, Russian)
    "contribution": ("Profit contribution (estimate)", "Вклад в прибыль (оценка)"),
    "revenue": ("Revenue", "Выручка"),
    "nps": ("NPS", "NPS"),
    "er_reach": ("Engagement rate (by reach)", "Вовлечённость (по охвату)"),
    "positive_reviews": ("Positive reviews", "Положительные отзывы"),
    "negative_reviews": ("Negative reviews", "Отрицательные отзывы"),
    "complaints_within": ("Complaints resolved in time", "Жалобы, решённые в срок"),
    "net_followers": ("Net followers", "Прирост подписчиков"),
    "referral_share": ("Referral share", "Доля по рекомендации"),
}


def label(name: str, lang: str) -> str:
    return LABELS[name][lang == "ru"]


def run_app(params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("registered", PAGES, ids=[p.key for p in PAGES])
def test_every_page_runs_without_exception(app_env, registered) -> None:
    at = run_app(page=registered.file)
    assert not at.exception, at.exception
    assert at.title and at.title[0].value == t(registered.heading, "en"), "every page shows its heading first"


def query(at: AppTest) -> dict[str, str]:
    """The app's URL parameters (one value each)."""
    return {k: (v if isinstance(v, str) else v[-1]) for k, v in at.query_params.items()}


def metrics_by_label(at: AppTest) -> list[tuple[str, str, str | None]]:
    return [(m.label, m.value, m.delta) for m in at.metric]


def secondary_results(at: AppTest) -> dict[str, str]:
    """The Overview's secondary results, one line each: 'Label: **value** ...' (the marketing-mix model's line
    under them is checked in tests/test_overview_mix.py)."""
    out = {}
    model = {t("mix.label", "en"), t("mix.label", "ru")}
    for md in at.markdown:
        found = re.match(r"^(.+?): \*\*(.+?)\*\*", md.value)
        if found and found.group(1) not in model:
            out[found.group(1)] = found.group(2)
    return out


def assert_points_change(text: str | None, now: float, before: float, lang: str) -> None:
    """A change in points as shown under a card: '+1.2 pts' / '-0,4 п.' (one decimal)."""
    assert text is not None
    assert_shows(text, now - before, lang)


PILLARS = ("sales", "reputation", "communication")


def assert_spend_lines(lines: list[str | None], store, now: Scope, lang: str) -> dict[str, tuple[float, float | None]]:
    """The pillar cards' 'Spend ₽911.2K · 50.0%' lines against SQL; returns the spend and share per pillar."""
    spend = ox.spend_by_pillar(store, now)
    assert len(lines) == len(PILLARS)
    word = "Затраты " if lang == "ru" else "Spend "
    for pillar, line in zip(PILLARS, lines):
        assert line is not None and line.startswith(word), line
        money, share = line.removeprefix(word).split(" · ")
        assert_shows(money, spend[pillar][0], lang)
        assert_shows(share, spend[pillar][1], lang)
    return spend


def check_overview(at: AppTest, store, now: Scope, before: Scope, lang: str) -> None:
    """Every number on the Overview against its independent derivation, at the precision shown."""
    assert not at.exception, at.exception
    cards = metrics_by_label(at)
    shown = {name: [(v, d) for lbl, v, d in cards if lbl == label(name, lang)] for name in LABELS}

    spend = assert_spend_lines([d for _, d in shown["contribution"]], store, now, lang)
    contribution = ox.contributions(store, now)
    kept = {r["pillar"] for r in store.execute_sql("SELECT pillar FROM channels WHERE len(:ch) = 0 OR "
                                                    "list_contains(:ch, channel_id)", {"ch": list(now.channels)})
            .to_dicts()}
    for pillar, (value, _) in zip(PILLARS, shown["contribution"]):
        assert_shows(value, contribution[pillar] if pillar in kept else None, lang)  # none of its channels: "—"
    answer = next(md.value for md in at.markdown if "→" in md.value)  # '... **₽1.8M spent → ...'
    total = re.search(r"\*\*(.+?) spent →" if lang == "en" else r"\*\*Потрачено (.+?) →", answer)
    assert total, answer
    assert_shows(total.group(1), sum(v for v, _ in spend.values()), lang)

    [(revenue, _)] = shown["revenue"]
    assert_shows(revenue, ox.revenue(store, now), lang)
    [(score_text, score_delta)] = shown["nps"]
    score, margin, _ = ox.nps(store, now)
    value, plus_minus = score_text.split(" ±")
    assert_shows(value, score, lang)
    assert_shows(plus_minus, margin, lang)
    assert_points_change(score_delta, score, ox.nps(store, before)[0], lang)
    [(er_text, er_delta)] = shown["er_reach"]
    er, er_before = ox.er_reach(store, now), ox.er_reach(store, before)
    assert_shows(er_text, er, lang)
    assert_points_change(er_delta, 100 * er, 100 * er_before, lang)

    more = secondary_results(at)
    reviews = ox.review_sentiments(store, now)
    assert set(more) == {label(n, lang) for n in ("positive_reviews", "negative_reviews", "complaints_within",
                                                   "net_followers", "referral_share")}
    assert_shows(more[label("positive_reviews", lang)], reviews["positive"], lang)
    assert_shows(more[label("negative_reviews", lang)], reviews["negative"], lang)
    assert_shows(more[label("complaints_within", lang)], ox.complaints_within_standard(store, now, DATA_END), lang)
    assert_shows(more[label("net_followers", lang)], ox.net_followers(store, now), lang)
    assert_shows(more[label("referral_share", lang)], ox.referral_share(store, now), lang)


def test_overview_numbers_equal_an_independent_derivation(app_env, small_store) -> None:
    at = run_app()
    check_overview(at, small_store, Scope(dt.date(2026, 8, 3), dt.date(2026, 10, 31)),
                   Scope(dt.date(2026, 5, 5), dt.date(2026, 8, 2)), "en")
    headline = at.success[0].value
    assert headline.startswith("**+5 pp retention ≈ +₽") and "over 3 years" in headline


def test_filters_from_link_reach_the_numbers_in_russian(app_env, small_store) -> None:
    params = {"period": "custom", "from": "2025-01-01", "to": "2025-03-31", "compare": "year",
              "ch": "search_ads,social_media", "region": "Москва", "lang": "ru"}
    at = run_app(params)
    assert not at.exception
    assert at.title[0].value == "Что я получаю за эти деньги?"
    scope = ("search_ads", "social_media"), ("Москва",)
    check_overview(at, small_store, Scope(dt.date(2025, 1, 1), dt.date(2025, 3, 31), *scope),
                   Scope(dt.date(2024, 1, 1), dt.date(2024, 3, 31), *scope), "ru")
    assert not at.warning  # a good link raises no notice
    assert query(at) == params


def test_figures_are_read_at_the_precision_shown() -> None:
    assert ox.parse_figure("₽38.3M", "en") == pytest.approx((38.3e6, 0.05e6))
    assert ox.parse_figure("₽38M", "en") == pytest.approx((38e6, 0.05e6))  # a trailing zero is dropped
    assert ox.parse_figure("−1,2\u00a0млн\u00a0₽", "ru") == pytest.approx((-1.2e6, 0.05e6))
    assert ox.parse_figure("12,3\u00a0тыс.", "ru") == pytest.approx((12_300, 50))
    assert ox.parse_figure("₽9,876", "en") == pytest.approx((9876, 0.5))
    assert ox.parse_figure("9\u00a0876\u00a0₽", "ru") == pytest.approx((9876, 0.5))
    assert ox.parse_figure("12.3%", "en") == pytest.approx((0.123, 0.0005))
    assert ox.parse_figure("+34.2", "en") == pytest.approx((34.2, 0.05))
    assert ox.parse_figure("-0,4 п.", "ru") == pytest.approx((-0.4, 0.05))
    assert ox.parse_figure("0.0 pts", "en") == pytest.approx((0.0, 0.05))
    ox.assert_shows("₽38.3M", 38.349e6)
    with pytest.raises(AssertionError):
        ox.assert_shows("₽38.3M", 38.36e6)  # 0.4% off: outside what the figure says
    with pytest.raises(AssertionError):
        ox.assert_shows("12.3%", 0.1236)
    with pytest.raises(AssertionError):
        ox.parse_figure("12.3.4%", "en")


def test_a_hostile_link_falls_back_with_a_notice(app_env) -> None:
    at = run_app({"period": "<script>alert(1)</script>", "ch": "'; DROP TABLE orders; --",
                  "lang": "xx", "[x](javascript:alert(1))": "1"})
    assert not at.exception
    assert len(at.warning) == 1
    notice = at.warning[0].value
    assert "could not be used" in notice and "Language `xx`" in notice  # the control's name and the bad value
    assert "Period `<script>alert(1)</script>`" in notice  # inline code: shown literally, never run
    assert "](javascript" not in notice
    assert at.title[0].value == "What do I get from this?"  # English default
    assert query(at) == {}


def test_an_empty_period_says_so(app_env) -> None:
    at = run_app({"period": "custom", "from": "2031-01-01", "to": "2031-01-31"})
    assert not at.exception
    values = [m.value for m in at.metric]
    assert values.count("—") == 3  # revenue, NPS, engagement rate: nothing to show
    assert set(secondary_results(at).values()) == {"—"}  # reviews ×2, complaints, net followers, referral share
    assert len(secondary_results(at)) == 5
    captions = " ".join(c.value for c in at.caption)
    assert "No orders in this period" in captions and "No answers in this period" in captions
    assert "No posts in this period" in captions


def test_changing_a_filter_updates_the_link(app_env) -> None:
    at = run_app()
    at.selectbox(key="flt_period.en").select("last_30_days").run()
    at.multiselect(key="flt_regions.en").select("Тверь").run()
    assert not at.exception
    assert query(at) == {"period": "last_30_days", "region": "Тверь"}


def test_data_page_shows_real_row_counts(app_env, small_store) -> None:
    at = run_app(page="pages/data.py")
    assert not at.exception
    table = pl.from_pandas(at.dataframe[0].value)
    rows = dict(zip(table["table"].to_list(), table["rows"].to_list()))
    counted = small_store.execute_sql(
        "SELECT 'orders' AS name, count(*) AS n FROM orders UNION ALL SELECT 'customers', count(*) FROM customers "
        "UNION ALL SELECT 'touchpoints', count(*) FROM touchpoints UNION ALL SELECT 'reviews', count(*) FROM reviews")
    for name, n in counted.iter_rows():
        assert_shows(rows[name], n)
