"""Hostile links: repeated parameters and numbers written in other ways fall back with a notice.

Python's ``int()`` and ``str.isdigit()`` accept far more than a link should carry:
``int("١٤") == 14`` (Arabic-Indic digits), ``int("1_0") == 10``, ``int("１３") == 13``
(full-width digits), and ``"²".isdigit()`` is true while ``int("²")`` raises. Every
number in a link must be plain ASCII digits; a parameter given twice is ambiguous.
"""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.filters import ViewState, decimal_number, parse_query, whole_number
from dashboard.reputation.data import parse_scores
from dashboard.retention.data import parse_delta
from dashboard.sales.data import parse_lookback
from dashboard.scenarios.data import parse_budget, parse_weeks
from tests.test_app import query, run_app

def link_notices(at) -> list[str]:
    return [w.value for w in at.warning if w.icon == ":material/link_off:"]


LENIENT = ["١٤", "1_0", "１３", "²", " 14", "14 ", "+14", "-1", "0x10", "1e1", "14.0", "", "٣"]


@pytest.mark.parametrize("text", LENIENT)
def test_only_plain_ascii_digits_are_numbers(text) -> None:
    assert whole_number(text) is None
    assert parse_lookback(text) is None
    assert parse_weeks(text) is None
    assert parse_budget(f"search_ads:{text}", ["search_ads"]) is None
    assert parse_scores(f"{text}-6") is None and parse_scores(f"0-{text}") is None
    if text != "14.0":
        assert decimal_number(text) is None and parse_delta(text) is None


def test_plain_numbers_still_parse() -> None:
    assert whole_number("14") == 14 and whole_number("007") == 7
    assert parse_lookback("14") == 14 and parse_lookback("181") is None
    assert parse_weeks("13") == 13 and parse_weeks("14") is None
    assert parse_budget("search_ads:300000", ["search_ads"]) == {"search_ads": 300000}
    assert parse_scores("0-6") == (0, 6)
    assert parse_delta("2.5") == 2.5 and parse_delta("2.25") is None and decimal_number("14.0") == 14.0


def test_a_repeated_parameter_is_ambiguous_and_reported() -> None:
    r = parse_query({"period": ["bogus", "all"], "lang": ["ru", "ru"]}, channels=[], regions=[])
    assert r.problems == ("period", "lang")
    assert r.state == ViewState()
    merged = parse_query({"ch": ["a", "b"]}, channels=["a", "b"], regions=[])  # lists may repeat
    assert merged.problems == () and merged.state.channels == ("a", "b")
    page = parse_query({"model": ["markov", "linear"]}, channels=[], regions=[], extra_params=["model"])
    assert page.problems == ("model",)


def test_a_repeated_period_gets_a_notice_and_leaves_the_link(app_env) -> None:
    at = run_app({"period": ["bogus", "all"]})
    assert not at.exception, at.exception
    assert any("Period (given more than once)" in w for w in link_notices(at)), link_notices(at)
    assert "period" not in query(at)
    assert at.selectbox(key="flt_period.en").value == "last_90_days"


@pytest.mark.parametrize("params,bad", [
    ({"weeks": "²"}, "weeks"),
    ({"budget": "search_ads:²"}, "budget"),
    ({"weeks": "１３"}, "weeks"),
    ({"weeks": ["8", "13"]}, "weeks"),
])
def test_budget_scenarios_survive_odd_numbers_in_the_link(app_env, params, bad) -> None:
    at = run_app(params, page="pages/scenarios.py")
    assert not at.exception, at.exception
    assert any(t(f"param.{bad}", "en") in w for w in link_notices(at)), link_notices(at)
    assert bad not in query(at)
    assert at.selectbox(key="scn_weeks.en").value == 13
    again = run_app(query(at), page="pages/scenarios.py")  # the cleaned link opens without a notice
    assert not again.exception and not link_notices(again)


@pytest.mark.parametrize("lookback", ["١٤", "1_0", "１３"])
def test_a_lenient_look_back_gets_a_notice(app_env, lookback) -> None:
    at = run_app({"lookback": lookback}, page="pages/sales.py")
    assert not at.exception, at.exception
    assert any(f"Lookback window `{lookback}`" in w for w in link_notices(at)), link_notices(at)
    assert "lookback" not in query(at)


def test_notices_show_parameter_names_without_backslashes(app_env) -> None:
    at = run_app({"compare_ids": "nope", "channel_id": "x"}, page="pages/scenarios.py")
    assert not at.exception, at.exception
    text = " ".join(link_notices(at))
    assert "`channel_id`" in text and "\\" not in text, text
