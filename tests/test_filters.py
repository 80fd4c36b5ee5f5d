"""Shared view state in the URL: presets, parsing of hostile links, round trips."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.filters import (
    COMPARISONS, LANGUAGES, PRESETS, Bounds, ViewState, escape_markdown, parse_query, resolve_comparison,
    resolve_period, to_query,
)

CHANNELS = ["search_ads", "display", "pr"]
REGIONS = ["Москва", "Тверь"]
BOUNDS = Bounds(dt.date(2023, 5, 1), dt.date(2026, 10, 31))


def parse(params: dict[str, list[str]], **kw):
    return parse_query(params, channels=CHANNELS, regions=REGIONS, **kw)


@pytest.mark.parametrize("preset,start,end", [
    ("last_30_days", dt.date(2026, 10, 2), dt.date(2026, 10, 31)),
    ("last_90_days", dt.date(2026, 8, 3), dt.date(2026, 10, 31)),
    ("last_month", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ("last_quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("year_to_date", dt.date(2026, 1, 1), dt.date(2026, 10, 31)),
    ("last_12_months", dt.date(2025, 11, 1), dt.date(2026, 10, 31)),
    ("all", dt.date(2023, 5, 1), dt.date(2026, 10, 31)),
])
def test_presets_count_back_from_the_last_day_with_data(preset, start, end) -> None:
    assert resolve_period(ViewState(period=preset), BOUNDS) == (start, end)


def test_last_month_and_quarter_when_data_ends_mid_month() -> None:
    b = Bounds(dt.date(2023, 1, 1), dt.date(2026, 11, 15))
    assert resolve_period(ViewState(period="last_month"), b) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert resolve_period(ViewState(period="last_quarter"), b) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    b2 = Bounds(dt.date(2023, 1, 1), dt.date(2026, 3, 31))
    assert resolve_period(ViewState(period="last_quarter"), b2) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_comparison_resolution() -> None:
    v = ViewState(period="last_30_days", compare="year")
    assert resolve_comparison(v, BOUNDS) == (dt.date(2025, 10, 2), dt.date(2025, 10, 31))
    assert resolve_comparison(ViewState(compare="none"), BOUNDS) is None


def test_a_good_link_is_read_completely() -> None:
    r = parse({"period": ["custom"], "from": ["2025-01-01"], "to": ["2025-03-31"], "compare": ["year"],
               "ch": ["display,search_ads"], "region": ["Тверь"], "lang": ["ru"]})
    assert r.problems == ()
    assert r.state == ViewState("custom", dt.date(2025, 1, 1), dt.date(2025, 3, 31), "year",
                                ("display", "search_ads"), ("Тверь",), "ru")


@pytest.mark.parametrize("params,bad", [
    ({"period": ["forever"]}, ["period"]),
    ({"period": ["custom"], "from": ["2025-02-30"], "to": ["2025-03-01"]}, ["from", "to"]),
    ({"period": ["custom"], "from": ["2025-03-01"], "to": ["2025-01-01"]}, ["from", "to"]),
    ({"period": ["custom"], "from": ["1900-01-01"], "to": ["2025-01-01"]}, ["from", "to"]),
    ({"from": ["2025-01-01"]}, ["from"]),
    ({"compare": ["'; DROP TABLE orders; --"]}, ["compare"]),
    ({"ch": ["search_ads,<script>alert(1)</script>"]}, ["ch"]),
    ({"region": ["Москва' OR 1=1"]}, ["region"]),
    ({"lang": ["de"]}, ["lang"]),
    ({"utm_source": ["x"]}, ["utm_source"]),
    ({"period": ["x" * 5000]}, ["period"]),
])
def test_bad_parts_fall_back_to_defaults_and_are_named(params, bad) -> None:
    r = parse(params)
    assert list(r.problems) == bad
    assert r.state.period in PRESETS and r.state.compare in COMPARISONS and r.state.lang in LANGUAGES
    assert set(r.state.channels) <= set(CHANNELS) and set(r.state.regions) <= set(REGIONS)


def test_good_channels_survive_next_to_bad_ones() -> None:
    r = parse({"ch": ["search_ads,nope", "pr"]})
    assert r.state.channels == ("pr", "search_ads") and r.problems == ("ch",)


def test_page_level_parameters_are_known() -> None:
    assert parse({"model": ["markov"]}, extra_params=["model"]).problems == ()


text = st.text(max_size=60)


@given(st.dictionaries(st.one_of(st.sampled_from(["period", "from", "to", "compare", "cfrom", "cto", "ch", "region", "lang"]), text),
                       st.lists(text, min_size=1, max_size=3), max_size=8))
def test_any_link_parses_without_error(params) -> None:
    r = parse(params)
    assert isinstance(r.state, ViewState)
    assert r.state.period in PRESETS
    if r.state.period == "custom":
        assert r.state.start and r.state.end and r.state.start <= r.state.end
    if r.state.compare == "custom":
        assert r.state.compare_start and r.state.compare_end and r.state.compare_start <= r.state.compare_end


@given(
    period=st.sampled_from([p for p in PRESETS if p != "custom"]),
    compare=st.sampled_from(COMPARISONS),
    channels=st.lists(st.sampled_from(CHANNELS), unique=True),
    regions=st.lists(st.sampled_from(REGIONS), unique=True),
    lang=st.sampled_from(LANGUAGES),
    custom=st.one_of(st.none(), st.tuples(st.dates(dt.date(2001, 1, 1), dt.date(2099, 1, 1)), st.integers(0, 3000))),
)
def test_state_survives_the_url_round_trip(period, compare, channels, regions, lang, custom) -> None:
    if custom:
        start = custom[0]
        end = min(start + dt.timedelta(days=custom[1]), dt.date(2100, 12, 31))
        state = ViewState("custom", start, end, compare, tuple(sorted(channels)), tuple(sorted(regions)), lang)
    else:
        state = ViewState(period, None, None, compare, tuple(sorted(channels)), tuple(sorted(regions)), lang)
    if compare == "custom":  # comparison dates of the user's choice travel in the link too
        state = replace(state, compare_start=dt.date(2024, 2, 1), compare_end=dt.date(2024, 2, 29))
    query = {k: [v] for k, v in to_query(state).items()}
    r = parse(query)
    assert r.problems == ()
    assert r.state == state


def test_defaults_are_left_out_of_links() -> None:
    assert to_query(ViewState()) == {}


def test_escape_markdown_neutralises_links_and_html() -> None:
    out = escape_markdown("[click](javascript:alert(1)) <b>x</b> **bold**", limit=100)
    assert "[" not in out.replace("\\[", "") and "<" not in out.replace("\\<", "")
    assert "*" not in out.replace("\\*", "")
    assert escape_markdown("a" * 100, limit=10).endswith("…")
