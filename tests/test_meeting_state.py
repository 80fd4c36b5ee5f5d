"""The view holds through a meeting: a language switch, another page, a reload and a fresh link keep every filter.

The browser keeps a select box's choice as the label it shows; the sidebar's widgets therefore have one key per
language and are seeded from the shared view on every run, and so have the pages' own controls whose labels are
translated (``dashboard/state.py``). These tests drive the app
the way a presenter does: set the filters, switch the language, touch one more control.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.communication import data as comm
from dashboard.i18n import t
from dashboard.registry import PAGES
from dashboard.reputation import data as rep
from dashboard.retention import data as rd
from dashboard.sales import data as sales
from dashboard.scenarios import data as scn
from tests.conftest import ROOT
from tests.overview_expected import parse_figure
from tests.test_app import query

FILTERS = {"period": "last_30_days", "compare": "year", "ch": "search_ads,social_media", "region": "Тверь"}


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    return at


def _set_filters(at: AppTest) -> None:
    at.selectbox(key=state.widget_key(state.PERIOD, "en")).select("last_30_days").run()
    at.selectbox(key=state.widget_key(state.COMPARE, "en")).select("year").run()
    channels = at.multiselect(key=state.widget_key(state.CHANNELS, "en"))
    channels.select("search_ads").select("social_media").run()
    at.multiselect(key=state.widget_key(state.REGIONS, "en")).select("Тверь").run()
    assert not at.exception, at.exception


def _switch_language(at: AppTest, lang: str) -> None:
    [switch] = [w for w in at.get("button_group") if w.key == state.LANG]
    switch.set_value(lang).run()
    assert not at.exception, at.exception


def _widgets(at: AppTest, lang: str) -> dict[str, object]:
    key = lambda name: state.widget_key(name, lang)  # noqa: E731
    return {
        "period": at.selectbox(key=key(state.PERIOD)).value,
        "compare": at.selectbox(key=key(state.COMPARE)).value,
        "ch": at.multiselect(key=key(state.CHANNELS)).value,
        "region": at.multiselect(key=key(state.REGIONS)).value,
    }


def _cards(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def _figure(text: str, lang: str) -> tuple[float, float]:
    return parse_figure(text.split(" ±")[0], lang)  # NPS: the score before its margin


def test_filters_survive_a_language_switch_and_the_next_click(app_env) -> None:
    at = _app()
    _set_filters(at)
    assert query(at) == FILTERS
    english = _cards(at)
    assert len(english) >= 4

    _switch_language(at, "ru")
    assert query(at) == {**FILTERS, "lang": "ru"}
    assert _widgets(at, "ru") == {"period": "last_30_days", "compare": "year",
                                  "ch": ["search_ads", "social_media"], "region": ["Тверь"]}
    assert at.selectbox(key=state.widget_key(state.PERIOD, "ru")).label == t("period", "ru")  # labels translated
    assert at.title[0].value == t("overview.title", "ru")
    russian = _cards(at)
    assert len(russian) == len(english)
    for en_text, ru_text in zip(english, russian):  # the same numbers, written the Russian way
        if en_text == "—":  # a pillar the channel filter leaves out has no figure, in either language
            assert ru_text == "—"
            continue
        (en_value, en_tol), (ru_value, ru_tol) = _figure(en_text, "en"), _figure(ru_text, "ru")
        assert abs(en_value - ru_value) <= en_tol + ru_tol + 1e-9, (en_text, ru_text)
    assert any("\u00a0" in text or "," in text for text in russian)  # and really written differently

    # one more control after the switch: the other filters stay
    at.selectbox(key=state.widget_key(state.COMPARE, "ru")).select("previous").run()
    assert not at.exception, at.exception
    assert query(at) == {"period": "last_30_days", "ch": "search_ads,social_media", "region": "Тверь", "lang": "ru"}
    assert _widgets(at, "ru") == {"period": "last_30_days", "compare": "previous",
                                  "ch": ["search_ads", "social_media"], "region": ["Тверь"]}

    # and back: the English cards are exactly those of the start, since comparison only changes the deltas
    at.selectbox(key=state.widget_key(state.COMPARE, "ru")).select("year").run()
    _switch_language(at, "en")
    assert query(at) == FILTERS
    assert _cards(at) == english


def test_filters_survive_a_page_change_and_a_fresh_link(app_env) -> None:
    at = _app()
    _set_filters(at)
    _switch_language(at, "ru")
    at.switch_page("pages/sales.py").run()
    assert not at.exception, at.exception
    assert query(at) == {**FILTERS, "lang": "ru"}
    assert _widgets(at, "ru")["ch"] == ["search_ads", "social_media"]
    at.switch_page("pages/overview.py").run()
    shown = _cards(at)

    fresh = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)  # a reload, or a colleague
    for k, v in query(at).items():
        fresh.query_params[k] = v
    fresh.run()
    assert not fresh.exception, fresh.exception
    assert not fresh.warning  # a good link raises no notice
    assert _widgets(fresh, "ru") == _widgets(at, "ru")
    assert _cards(fresh) == shown


def test_custom_dates_survive_a_language_switch(app_env) -> None:
    at = _app()
    at.selectbox(key=state.widget_key(state.PERIOD, "en")).select("custom").run()
    at.date_input(key=state.widget_key(state.DATES, "en")).set_value((dt.date(2026, 2, 1), dt.date(2026, 3, 15))).run()
    assert query(at)["from"] == "2026-02-01" and query(at)["to"] == "2026-03-15"
    _switch_language(at, "ru")
    dates = at.date_input(key=state.widget_key(state.DATES, "ru"))
    assert dates.value == (dt.date(2026, 2, 1), dt.date(2026, 3, 15))
    at.multiselect(key=state.widget_key(state.REGIONS, "ru")).select("Москва").run()
    assert query(at) == {"period": "custom", "from": "2026-02-01", "to": "2026-03-15", "region": "Москва",
                         "lang": "ru"}


def test_comparison_dates_of_ones_choice_reach_the_link_and_the_period_line(app_env) -> None:
    at = _app()
    at.selectbox(key=state.widget_key(state.PERIOD, "en")).select("last_month").run()
    at.selectbox(key=state.widget_key(state.COMPARE, "en")).select("custom").run()
    assert not at.exception, at.exception
    # the custom comparison starts as the one shown so far: the month before
    assert query(at) == {"period": "last_month", "compare": "custom", "cfrom": "2026-09-01", "cto": "2026-09-30"}
    dates = at.date_input(key=state.widget_key(state.COMPARE_DATES, "en"))
    dates.set_value((dt.date(2025, 10, 1), dt.date(2025, 10, 31))).run()
    assert query(at)["cfrom"] == "2025-10-01" and query(at)["cto"] == "2025-10-31"
    assert any("1 Oct 2026 – 31 Oct 2026 · compared with 1 Oct 2025 – 31 Oct 2025" in md.value for md in at.markdown)
    _switch_language(at, "ru")
    assert at.date_input(key=state.widget_key(state.COMPARE_DATES, "ru")).value == (dt.date(2025, 10, 1),
                                                                                      dt.date(2025, 10, 31))
    assert query(at)["cfrom"] == "2025-10-01"


def test_a_bad_link_names_the_controls_and_their_values(app_env) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for k, v in {"period": "forever", "compare": "x` <b>", "ch": "nosuch", "region": "Атлантида",
                 "lang": "ru"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    [notice] = [w.value for w in at.warning]
    assert "Период `forever`" in notice and "Сравнение `x' <b>`" in notice  # names in Russian, values as code
    assert "Каналы `nosuch`" in notice and "Регионы `Атлантида`" in notice  # an unknown channel and region too
    for code in ("period", "compare", "ch", "region"):
        assert f"`{code}`" not in notice, notice


def test_every_link_parameter_has_a_name_in_both_languages() -> None:
    from dashboard.filters import GLOBAL_PARAMS
    from dashboard.i18n import MESSAGES
    from dashboard.registry import all_page_params

    for param in set(GLOBAL_PARAMS) | all_page_params():
        en, ru = MESSAGES[f"param.{param}"]
        assert en and ru and en != param


# --- every control of every page, in both languages ----------------------------------------------------------------

# (link parameter, its code, widget kind, the value's key, the value to set)
SHARED_CONTROLS = [("period", "last_30_days", "selectbox", state.PERIOD, "last_30_days"),
                   ("compare", "year", "selectbox", state.COMPARE, "year"),
                   ("ch", "search_ads", "multiselect", state.CHANNELS, ["search_ads"]),
                   ("region", "Тверь", "multiselect", state.REGIONS, ["Тверь"])]
PAGE_CONTROLS = {
    "sales": [("model", "linear", "selectbox", sales.MODEL, "linear"),
              ("lookback", "60", "selectbox", sales.LOOKBACK, 60),
              ("grain", "month", "selectbox", sales.GRAIN, "month")],
    "reputation": [("grain", "month", "segmented_control", rep.GRAIN_KEY, "month"),
                   ("score", "3-8", "slider", rep.SCORE_KEY, (3, 8))],
    "communication": [("er", "followers", "radio", comm.ER_KEY, "followers"),
                      ("grain", "month", "selectbox", comm.GRAIN_KEY, "month")],
    "retention": [("delta", "7.5", "slider", rd.DELTA, 7.5)],
    "scenarios": [("weeks", "8", "selectbox", scn.WEEKS, 8), ("outcome", "revenue", "selectbox", scn.OUTCOME, "revenue"),
                  ("objective", "leads", "selectbox", scn.OBJECTIVE, "leads"),
                  ("horizon", "first", "selectbox", scn.HORIZON, "first")],
}


def _control(at: AppTest, kind: str, name: str, lang: str):
    """A control's widget as drawn in ``lang``: sliders show numbers and keep one key, the others have one per
    language."""
    key = name if kind == "slider" else state.widget_key(name, lang)
    return getattr(at, kind)(key=key)


def _set(widget, kind: str, value) -> None:
    if kind == "selectbox":
        widget.select(value).run()
    elif kind == "multiselect":
        widget.select(value[0]).run()
    else:
        widget.set_value(value).run()


def _same_figures(first: list[str], first_lang: str, second: list[str], second_lang: str) -> None:
    """The same numbers, each written in its language (a text that is not one figure: the same digits)."""
    assert len(first) == len(second)
    for a, b in zip(first, second):
        try:
            (va, ta), (vb, tb) = _figure(a, first_lang), _figure(b, second_lang)
        except AssertionError:
            assert re.sub(r"\D", "", a) == re.sub(r"\D", "", b), (a, b)
            continue
        assert abs(va - vb) <= ta + tb + 1e-9, (a, b)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("registered", PAGES, ids=[p.key for p in PAGES])
def test_every_control_of_every_page_reaches_the_link_and_survives_a_language_switch(app_env, registered,
                                                                                       lang) -> None:
    """On each page, in each language: every control (the page's own, then the shared filters) set away from its
    default goes into the link with the page still showing its cards; a language switch then keeps every value,
    in the link and in the widgets drawn in the other language, and the cards show the same numbers."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    if lang == "ru":
        at.query_params["lang"] = "ru"
    at.run()
    at.switch_page(registered.file).run()
    controls = PAGE_CONTROLS.get(registered.key, []) + SHARED_CONTROLS
    wanted = {"lang": "ru"} if lang == "ru" else {}
    for param, code, kind, name, value in controls:
        _set(_control(at, kind, name, lang), kind, value)
        assert not at.exception, (param, at.exception)
        wanted[param] = code
        assert query(at) == wanted, (param, query(at))
        assert registered.key == "data" or at.metric, f"no KPI card after setting {param}"
    cards = _cards(at)

    other = "ru" if lang == "en" else "en"
    _switch_language(at, other)
    assert query(at) == {k: v for k, v in {**wanted, "lang": "ru" if other == "ru" else None}.items() if v}
    for param, _code, kind, name, value in controls:
        assert _control(at, kind, name, other).value == value, param
    assert at.title[0].value == t(registered.heading, other)
    _same_figures(cards, lang, _cards(at), other)
