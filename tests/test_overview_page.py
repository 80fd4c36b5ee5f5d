"""The Overview's one-line answer in AppTest, against plain SQL (tests/overview_expected.py): the total spend, the
total contribution of the pillars the filter keeps, ROMI on 12-month value and the change against the comparison
period; a pillar the channel filter leaves out shows no money."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import overview_expected as ox
from tests.overview_expected import Scope, assert_shows
from tests.test_app import run_app

ANSWER = re.compile(r"\*\*(?P<spend>.+?) spent → (?P<total>.+?) estimated profit contribution "
                    r"\((?P<low>.+?)–(?P<high>.+?)\), ROMI \(12-month value\) (?P<romi>.+?), "
                    r"(?P<change>.+?) vs the comparison period\*\*$")


def answer_markdown(at) -> str:
    found = [md.value for md in at.markdown if "→" in md.value]
    assert len(found) == 1, [md.value for md in at.markdown]
    return found[0]


def test_the_answer_adds_up_the_pillars_against_sql(app_env, small_store) -> None:
    at = run_app()
    assert not at.exception, at.exception
    now, before = Scope(dt.date(2026, 8, 3), dt.date(2026, 10, 31)), Scope(dt.date(2026, 5, 5), dt.date(2026, 8, 2))
    shown = answer_markdown(at)
    assert shown.startswith("3 Aug 2026 – 31 Oct 2026 · compared with 5 May 2026 – 2 Aug 2026  \n**"), shown
    found = ANSWER.search(shown)
    assert found, answer_markdown(at)
    spend = sum(v for v, _ in ox.spend_by_pillar(small_store, now).values())
    total = sum(ox.contributions(small_store, now).values())
    previous = sum(ox.contributions(small_store, before).values())
    assert_shows(found["spend"], spend)
    assert_shows(found["total"], total)
    assert_shows(found["romi"], total / spend)
    assert_shows(found["change"], (total - previous) / abs(previous))
    revenue = next(m for m in at.metric if m.label == "Revenue")
    # whole Monday-to-Sunday weeks inside the period: Mon 3 Aug to Sun 25 Oct (the week from 26 Oct is cut off)
    assert dt.date(2026, 8, 3).weekday() == 0 and dt.date(2026, 10, 25).weekday() == 6
    weeks = ((dt.date(2026, 10, 25) - dt.date(2026, 8, 3)).days + 1) // 7
    assert f"Trend line: {weeks} points by week, 3 Aug 2026 – 25 Oct 2026" in revenue.help  # the sparkline's dates
    assert re.search(r"25 Oct 2026; first point ₽\d[\d.]*[KM]?, last ₽\d[\d.]*[KM]?$", revenue.help), revenue.help
    low, high = ox.parse_figure(found["low"], "en")[0], ox.parse_figure(found["high"], "en")[0]
    assert low < total < high  # seven attribution models and the promoter share's interval do not agree exactly
    assert high - low < abs(total)  # ... but the range is an estimate's spread, not the whole scale


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_pillar_outside_the_channel_filter_shows_no_money(app_env, small_store, lang) -> None:
    at = run_app({"ch": "search_ads", "lang": lang})
    assert not at.exception, at.exception
    cards = [m for m in at.metric if m.label in ("Profit contribution (estimate)", "Вклад в прибыль (оценка)")]
    assert [m.value == "—" for m in cards] == [False, True, True]  # sales shown; reputation, communication not
    captions = [c.value for c in at.caption]
    wanted = (["No reputation channels in this filter", "No communication channels in this filter"] if lang == "en"
              else ["В этом фильтре нет каналов группы «репутация»", "В этом фильтре нет каналов группы «коммуникации»"])
    for text in wanted:
        assert text in captions, captions
    now = Scope(dt.date(2026, 8, 3), dt.date(2026, 10, 31), ("search_ads",))
    answer = answer_markdown(at)
    sales = ox.contributions(small_store, now)["sales"]  # the total is the sales pillar alone
    figure = re.search(r"→ (.+?) (estimated|\()", answer) if lang == "en" else re.search(r"прибыль (.+?) \(", answer)
    assert figure, answer
    assert_shows(figure.group(1), sales, lang)


SIGNED_PCT = re.compile(r"[+\-−]\s?\d[\d.,\u00a0]*\s?%")  # a change such as "+41.0%" / "−3,2 %"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_answer_has_no_change_against_a_comparison_before_the_data(app_env, lang) -> None:
    # all of the data (from 1 May 2023) against the year before: the comparison starts in May 2022, without spend or
    # orders; the cards already say so, and the answer line says the same instead of a change
    at = run_app({"period": "all", "compare": "year", "lang": lang})
    assert not at.exception, at.exception
    shown = answer_markdown(at)
    flagged = ("no comparison data: the comparison period starts before the spend or orders data begin" if lang == "en"
               else "нет данных для сравнения: период сравнения начинается раньше, чем данные о затратах или заказах")
    assert shown.endswith(f", {flagged}**"), shown
    assert not SIGNED_PCT.search(shown), shown
    assert ("vs the comparison period" if lang == "en" else "к периоду сравнения") not in shown
    revenue = next(m for m in at.metric if m.label in ("Revenue", "Выручка"))
    assert revenue.delta == ("no comparison data" if lang == "en" else "нет данных для сравнения")  # as the card


def test_a_covered_comparison_still_shows_its_change(app_env) -> None:
    at = run_app({"compare": "year"})  # the last 90 days against the same days a year before: both within the data
    assert not at.exception, at.exception
    shown = answer_markdown(at)
    found = ANSWER.search(shown)
    assert found and SIGNED_PCT.fullmatch(found["change"]), shown
    assert "no comparison data" not in shown
