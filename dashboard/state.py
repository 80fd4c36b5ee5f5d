"""Named session-state keys with typed getters, and the URL <-> state sync.

Every shared control keeps its value under a constant key here (pages never use
string keys of their own for shared state). The URL is read once per browser
session (a fresh page load is a fresh session) and written back on every run, so
the address bar always reproduces the view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

import streamlit as st

from dashboard import registry
from dashboard.filters import (
    GLOBAL_PARAMS, P_CHANNELS, P_COMPARE, P_FROM, P_LANG, P_PERIOD, P_REGIONS, P_TO, ViewState, parse_query,
    to_query,
)

# widget keys of the shared filters
PERIOD = "flt_period"
DATES = "flt_dates"
COMPARE = "flt_compare"
CHANNELS = "flt_channels"
REGIONS = "flt_regions"
LANG = "flt_lang"
# bookkeeping
URL_READ = "url_read"
URL_PROBLEMS = "url_problems"
URL_FIRST_VIEW = "url_first_view"
CONTEXT = "page_context"

def all_page_params() -> set[str]:
    """The page-level URL parameters, declared in the page registry so a shared link's parameters are known
    before the page runs (anything else in a link is reported as unusable)."""
    return registry.all_page_params()


def _query_dict() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def read_url_once(default: ViewState, *, channels: Iterable[str], regions: Iterable[str]) -> None:
    """Seed the shared widgets from the URL on the first run of a browser session."""
    if st.session_state.get(URL_READ):
        return
    result = parse_query(_query_dict(), channels=channels, regions=regions, default=default,
                         extra_params=all_page_params())
    view = result.state
    st.session_state[PERIOD] = view.period
    if view.period == "custom" and view.start and view.end:
        st.session_state[DATES] = (view.start, view.end)
    st.session_state[COMPARE] = view.compare
    st.session_state[CHANNELS] = list(view.channels)
    st.session_state[REGIONS] = list(view.regions)
    st.session_state[LANG] = view.lang
    st.session_state[URL_PROBLEMS] = list(result.problems)
    st.session_state[URL_FIRST_VIEW] = view
    for key in result.problems:  # drop what could not be used, so the link is clean again
        if key in st.query_params:
            del st.query_params[key]
    st.session_state[URL_READ] = True


def url_problems(view: ViewState) -> list[str]:
    """What the opening link could not use; forgotten once the user changes the view."""
    if st.session_state.get(URL_FIRST_VIEW) != view:
        st.session_state[URL_PROBLEMS] = []
    return list(st.session_state.get(URL_PROBLEMS, []))


def current_view(default: ViewState) -> ViewState:
    """The shared state as the widgets hold it now."""
    period = st.session_state.get(PERIOD, default.period)
    start = end = None
    if period == "custom":
        dates = st.session_state.get(DATES) or ()
        if isinstance(dates, (tuple, list)) and len(dates) == 2 and all(isinstance(d, dt.date) for d in dates):
            start, end = dates
        else:  # a range still being picked: keep the default period meanwhile
            period = default.period
    return replace(
        default,
        period=period,
        start=start,
        end=end,
        compare=st.session_state.get(COMPARE, default.compare),
        channels=tuple(sorted(st.session_state.get(CHANNELS, []))),
        regions=tuple(sorted(st.session_state.get(REGIONS, []))),
        lang=st.session_state.get(LANG, default.lang),
    )


def write_url(view: ViewState, default: ViewState) -> None:
    """Put the shared state into the address bar; defaults are left out."""
    wanted = to_query(view, default)
    for key in GLOBAL_PARAMS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def lang(default: str = "en") -> str:
    return st.session_state.get(LANG, default)


__all__ = [
    "PERIOD", "DATES", "COMPARE", "CHANNELS", "REGIONS", "LANG", "all_page_params", "read_url_once", "current_view",
    "write_url", "url_problems", "lang", "P_CHANNELS", "P_COMPARE", "P_FROM", "P_LANG", "P_PERIOD", "P_REGIONS", "P_TO",
]


def page_param(param: str, widget_key: str, *, parse, default) -> None:
    """Seed a page widget from the URL, before the widget is drawn.

    Only when the widget has no state yet (first view of the page in this session),
    so the user's later changes win. ``parse(text)`` returns the value, or ``None``
    when the text is unusable (a parameter given twice is unusable too): then the parameter is dropped from the
    link and a notice says so. ``param`` must be declared among the page's ``params`` in
    ``dashboard/registry.py``.
    """
    from dashboard.components import show_link_notice

    if widget_key in st.session_state:
        return
    values = st.query_params.get_all(param)
    if not values:
        st.session_state[widget_key] = default
        return
    value = None
    try:
        value = parse(values[0]) if len(values) == 1 and len(values[0]) <= 2000 else None  # repeated: ambiguous
    except (TypeError, ValueError):
        value = None
    if value is None:
        del st.query_params[param]
        st.session_state[widget_key] = default
        show_link_notice([param], lang())
    else:
        st.session_state[widget_key] = value


def write_page_param(param: str, widget_key: str, *, dump=str, default=None) -> None:
    """Put a page widget's value into the link (left out when it equals the default)."""
    value = st.session_state.get(widget_key, default)
    if value == default or value is None:
        if param in st.query_params:
            del st.query_params[param]
    else:
        text = dump(value)
        if st.query_params.get(param) != text:
            st.query_params[param] = text
