"""Numbers, dates and charts in the view's language, whatever the browser's locale.

Streamlit's ``format="localized"`` follows the browser, so tables get Babel's text per language in a styled copy
(the cells keep their numbers and sort as numbers); charts get the language's separators and a plotly locale.
"""

from __future__ import annotations

import datetime as dt
import json

import plotly.graph_objects as go
import polars as pl
import pyarrow as pa
import pytest
from babel.numbers import format_decimal
from hypothesis import assume, given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.charts import chart_config, localise_figure, plotly_locale
from dashboard.components import column_formatters
from dashboard.i18n import grouped, number_formatter
from tests.conftest import ROOT

NBSP = ("\u00a0", "\u202f", " ")


def plain(text: str) -> str:
    for space in NBSP:
        text = text.replace(space, " ")
    return text


@pytest.mark.parametrize("fmt,integer,value,en,ru", [
    ("localized", True, 322100, "322,100", "322 100"),
    ("localized", False, 28480.230000000003, "28,480.23", "28 480,23"),
    (None, False, 1234.5, "1,234.5", "1 234,5"),
    ("percent", False, 0.2903, "29.0%", "29,0%"),
    ("%.1f", False, 196.26, "196.3", "196,3"),
    ("%.2f×", False, 2.6141, "2.61×", "2,61×"),
    ("%d", True, 1234567, "1,234,567", "1 234 567"),
    ("%.1f", False, -1234.56, "−1,234.6", "−1 234,6"),
    ("compact", False, 1_234_567, "1.2M", "1,2 млн"),
])
def test_number_formats_follow_the_language(fmt, integer, value, en, ru) -> None:
    assert plain(number_formatter(fmt, "en", integer=integer)(value)) == en
    assert plain(number_formatter(fmt, "ru", integer=integer)(value)) == ru
    assert number_formatter(fmt, "ru", integer=integer)(None) == "—"
    assert number_formatter(fmt, "ru", integer=integer)(float("nan")) == "—"


def test_formats_streamlit_draws_itself_are_left_to_it() -> None:
    assert number_formatter("dollar", "ru", integer=False) is None
    assert number_formatter("%e", "ru", integer=False) is None


def test_which_columns_get_text() -> None:
    import streamlit

    frame = pl.DataFrame({"name": ["a"], "spend": [322100.0], "orders": [322100], "year": [2026], "hidden": [5.0],
                          "bar": [0.5]})
    config = {"spend": streamlit.column_config.NumberColumn("Spend", format="localized"), "hidden": None,
              "bar": streamlit.column_config.ProgressColumn("Share")}
    formatters = column_formatters(frame, config, "ru")
    assert set(formatters) == {"spend", "orders"}  # not text, not a year, not hidden, not a progress bar
    assert plain(formatters["orders"](322100)) == "322 100"


TABLE_SCRIPT = """
import polars as pl
import streamlit as st
from dashboard.components import table

frame = pl.DataFrame({"channel": ["search_ads", "display"], "spend": [322100.0, 28480.230000000003],
                      "share": [0.1234, None]})
table(frame, column_config={"spend": st.column_config.NumberColumn("Spend", format="localized"),
                            "share": st.column_config.NumberColumn("Share", format="percent")})
"""


def _shown(at: AppTest) -> tuple[dict[str, list], dict]:
    proto = at.dataframe[0].proto
    shown = pa.ipc.open_stream(proto.arrow_data.styler.display_values).read_all().to_pydict()
    return shown, json.loads(proto.columns)


@pytest.mark.parametrize("lang,spend,share", [("ru", ["322 100", "28 480,23"], ["12,3%", "—"]),
                                              ("en", ["322,100", "28,480.23"], ["12.3%", "—"])])
def test_a_table_shows_numbers_in_the_view_language(lang, spend, share) -> None:
    at = AppTest.from_string(TABLE_SCRIPT, default_timeout=60)
    at.session_state[state.VIEW] = state.ViewState(lang=lang)
    at.run()
    assert not at.exception, at.exception
    shown, columns = _shown(at)
    assert [plain(v) for v in shown["spend"]] == spend
    assert shown["share"] == share
    assert "format" not in columns["spend"]["type_config"]  # the browser's locale would format it again
    values = at.dataframe[0].value  # the cells keep their numbers: sorting is numeric
    assert values["spend"].tolist() == [322100.0, 28480.230000000003]


def test_charts_get_the_language_separators_month_names_and_hover_dates() -> None:
    fig = go.Figure(go.Scatter(x=[dt.date(2026, 10, 5)], y=[322100.5],
                               hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra></extra>"))
    ru = localise_figure(go.Figure(fig), "ru")
    assert ru.layout.separators == ", "
    assert ru.data[0].hovertemplate == "%{x|%d.%m.%Y}: %{y:,.0f}<extra></extra>"
    assert ru.layout.yaxis.exponentformat == "none" and ru.layout.yaxis.separatethousands
    en = localise_figure(go.Figure(fig), "en")
    assert en.layout.separators == ".," and en.data[0].hovertemplate.startswith("%{x|%d %b %Y}")
    months = plotly_locale("ru")["format"]["shortMonths"]
    assert months[0].startswith("янв") and months[9].startswith("окт") and len(months) == 12
    assert plotly_locale("ru")["format"]["days"][0] == "воскресенье"  # d3 counts from Sunday
    config = chart_config("ru", {"displayModeBar": False})
    assert config["locale"] == "ru" and "ru" in config["locales"] and config["displayModeBar"] is False


def test_a_russian_page_draws_its_charts_and_dates_the_russian_way(app_env) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = "ru"
    at.query_params["period"] = "custom"
    at.query_params["from"] = "2026-08-01"
    at.query_params["to"] = "2026-10-31"
    at.run()
    at.switch_page("pages/sales.py").run()
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    assert charts
    for element in charts:
        figure = json.loads(element.proto.spec)
        config = json.loads(element.proto.config)
        assert figure["layout"]["separators"] == ", "
        assert config["locale"] == "ru" and config["locales"]["ru"]["format"]["decimal"] == ","
        for trace in figure["data"]:
            assert "%d %b %Y" not in trace.get("hovertemplate", "")
    dates = at.date_input(key=state.widget_key(state.DATES, "ru"))
    assert dates.proto.format == "DD.MM.YYYY"
    # the calendar's locale, which Streamlit takes from the browser: Russian, weeks from Monday
    [script] = [h.value for h in at.html if "dashboardLocale" in h.value]
    assert '"ru-RU"' in script
    shown, _ = _shown(at)  # the channel table
    assert any("\u00a0" in v for column in shown.values() for v in column if isinstance(v, str) and v[:1].isdigit())


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.sampled_from(["en", "ru"]),
       st.sampled_from([0, 1, 2]))
def test_grouped_digits_are_babels(x, lang, digits) -> None:
    """The table's fast formatting writes what Babel writes (away from exact halves, where binary floats and
    Babel's decimal rounding may part)."""
    scaled = abs(x) * 10 ** digits
    assume(abs(scaled - round(scaled)) < 0.49 and abs(scaled) < 1e14)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    expected = format_decimal(x, format=pattern, locale={"en": "en_GB", "ru": "ru_RU"}[lang])
    if round(scaled) == 0:  # Babel writes '-0' for a small negative; a table shows a plain 0
        expected = expected.lstrip("-")
    assert grouped(x, lang, digits=digits) == expected


def test_the_marketing_mix_chart_on_budget_scenarios_is_drawn_the_russian_way(app_env) -> None:
    from dashboard.i18n import t

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.query_params["lang"] = "ru"
    at.run()
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception, at.exception
    baseline = t("scn.mmm.baseline", "ru")
    charts = [(json.loads(c.proto.spec), json.loads(c.proto.config)) for c in at.get("plotly_chart")]
    decomposition = [(f, c) for f, c in charts if any(tr.get("name") == baseline for tr in f["data"])]
    assert len(decomposition) == 1, [[tr.get("name") for tr in f["data"]] for f, _ in charts]
    for figure, config in charts:  # that chart and every other chart of the page
        assert figure["layout"]["separators"] == ", "
        assert config["locale"] == "ru" and config["locales"]["ru"]["format"]["decimal"] == ","
    assert decomposition[0][1]["displayModeBar"] is False  # the chart's own setting is kept


def test_the_calendar_locale_follows_the_language_and_starts_weeks_on_monday() -> None:
    from dashboard.browser_locale import LOCALES, SCRIPT

    assert set(LOCALES) == {"en", "ru"}
    assert LOCALES["ru"] == "ru-RU" and LOCALES["en"].endswith("-u-fw-mon")  # Monday first in English too
    assert SCRIPT.count("%s") == 1 and "<script>" in SCRIPT
