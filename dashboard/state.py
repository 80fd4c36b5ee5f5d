"""Named session-state keys with typed getters, and the URL <-> state sync.

The shared view (period, comparison, channels, regions, language) is held once, as a
:class:`ViewState` of language-independent codes under ``VIEW``; pages never use string
keys of their own for shared state. The URL is read once per browser session (a fresh
page load is a fresh session) and written back on every run, so the address bar always
reproduces the view.

The sidebar's widgets are views of that state, not its owners. The browser keeps a
select box's or multiselect's choice as the *label* it shows, so a widget whose labels
change with the language would come back after a language switch with labels that no
longer match any option, and lose its value on the next click. Each shared widget
therefore has one key per language (:func:`widget_key`), is seeded from ``VIEW`` on every
run and writes its changes back through a callback (:func:`bind`): after a switch the
widget is a new one, drawn in the new language with the same codes selected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard import registry
from dashboard.filters import (
    GLOBAL_PARAMS, P_CFROM, P_CHANNELS, P_COMPARE, P_CTO, P_FROM, P_LANG, P_PERIOD, P_REGIONS, P_TO, Bounds, ViewState, parse_query,
    resolve_comparison, resolve_period, to_query,
)

# the shared view (a ViewState)
VIEW = "view_state"
# the shared filters' widgets (their keys per language: ``widget_key``)
PERIOD = "flt_period"
DATES = "flt_dates"
COMPARE = "flt_compare"
COMPARE_DATES = "flt_compare_dates"
CHANNELS = "flt_channels"
REGIONS = "flt_regions"
LANG = "flt_lang"  # its labels (English / Русский) never change: one key
# bookkeeping
URL_READ = "url_read"
URL_PROBLEMS = "url_problems"
URL_FIRST_VIEW = "url_first_view"
CONTEXT = "page_context"
# presentation mode (``?present=1``, see dashboard/present.py): on for the session once a link asks for it
PRESENT = "present_mode"
PRESENT_STEP = "present_step"  # the page a ◀ ▶ click moves to, taken on the next run
P_PRESENT = "present"

def all_page_params() -> set[str]:
    """The page-level URL parameters, declared in the page registry so a shared link's parameters are known
    before the page runs (anything else in a link is reported as unusable)."""
    return registry.all_page_params()


def _query_dict() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def read_url_once(default: ViewState, *, channels: Iterable[str], regions: Iterable[str]) -> None:
    """Set the shared view from the URL on the first run of a browser session (the widgets follow it)."""
    if st.session_state.get(URL_READ):
        return
    raw = _query_dict()
    result = parse_query(raw, channels=channels, regions=regions, default=default, extra_params=all_page_params())
    view = result.state
    st.session_state[VIEW] = view
    st.session_state[URL_PROBLEMS] = [(key, tuple(raw.get(key, ()))) for key in result.problems]
    st.session_state[URL_FIRST_VIEW] = view
    for key in result.problems:  # drop what could not be used, so the link is clean again
        if key in st.query_params:
            del st.query_params[key]
    st.session_state[URL_READ] = True


def presenting() -> bool:
    """Whether the session shows pages in presentation mode: ``present=1`` in the link turns it on, ``present=0``
    off; once on, it stays in the link of every page the session opens (so the link carries the whole view)."""
    if P_PRESENT in st.query_params:
        st.session_state[PRESENT] = st.query_params.get(P_PRESENT) == "1"
    on = bool(st.session_state.get(PRESENT))
    if on and st.query_params.get(P_PRESENT) != "1":
        st.query_params[P_PRESENT] = "1"
    elif not on and P_PRESENT in st.query_params:
        del st.query_params[P_PRESENT]
    return on


def link_params() -> dict[str, list[str]]:
    """The link's parameters as they stand (each with all its values)."""
    return _query_dict()


def url_problems(view: ViewState) -> list[tuple[str, tuple[str, ...]]]:
    """What the opening link could not use (parameter, the values it had); forgotten once the user changes the
    view."""
    if st.session_state.get(URL_FIRST_VIEW) != view:
        st.session_state[URL_PROBLEMS] = []
    return list(st.session_state.get(URL_PROBLEMS, []))


def current_view(default: ViewState) -> ViewState:
    """The shared view as it stands now (the default before the link was read)."""
    view = st.session_state.get(VIEW)
    return view if isinstance(view, ViewState) else default


def widget_key(name: str, lang: str) -> str:
    """The key of a shared filter's widget in one language (see the module docstring)."""
    return name if name == LANG else f"{name}.{lang}"


def _widget_value(view: ViewState, name: str, bounds: Bounds) -> Any:
    if name == PERIOD:
        return view.period
    if name == DATES:
        return (view.start, view.end) if view.start and view.end else resolve_period(view, bounds)
    if name == COMPARE:
        return view.compare
    if name == COMPARE_DATES:
        return resolve_comparison(replace(view, compare="custom"), bounds)
    if name == CHANNELS:
        return list(view.channels)
    if name == REGIONS:
        return list(view.regions)
    if name == LANG:
        return view.lang
    raise KeyError(name)


def _with_value(view: ViewState, name: str, value: Any, bounds: Bounds) -> ViewState:
    """The view after its widget ``name`` was set to ``value``."""
    if name == PERIOD and value:
        if value == "custom":  # custom dates start as the days shown so far
            start, end = (view.start, view.end) if view.start and view.end else resolve_period(view, bounds)
            return replace(view, period=value, start=start, end=end)
        return replace(view, period=value, start=None, end=None)
    if name == DATES:
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(d, dt.date) for d in value):
            start, end = sorted(value)
            return replace(view, period="custom", start=start, end=end)
        return view  # a range still being picked: the view stays as it was meanwhile
    if name == COMPARE and value:
        if value == "custom":  # custom comparison dates start as the comparison shown so far
            start, end = resolve_comparison(view, bounds) or resolve_comparison(replace(view, compare="previous"),
                                                                                bounds)
            return replace(view, compare=value, compare_start=start, compare_end=end)
        return replace(view, compare=value, compare_start=None, compare_end=None)
    if name == COMPARE_DATES:
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(d, dt.date) for d in value):
            start, end = sorted(value)
            return replace(view, compare="custom", compare_start=start, compare_end=end)
        return view
    if name == CHANNELS:
        return replace(view, channels=tuple(sorted(value or ())))
    if name == REGIONS:
        return replace(view, regions=tuple(sorted(value or ())))
    if name == LANG and value:
        return replace(view, lang=value)
    return view


def _take(name: str, key: str, default: ViewState, bounds: Bounds) -> None:
    st.session_state[VIEW] = _with_value(current_view(default), name, st.session_state.get(key), bounds)


def bind(name: str, *, default: ViewState, bounds: Bounds, options: Iterable[Any] | None = None) -> dict[str, Any]:
    """The keyword arguments that tie a shared filter's widget to the view: its key in the view's language
    (seeded with the view's value now) and the callback that writes a change back.

    ``options``: the choices the widget offers now; a stored value outside them is left out of the widget.
    """
    view = current_view(default)
    key = widget_key(name, view.lang)
    value = _widget_value(view, name, bounds)
    if options is not None:
        allowed = set(options)
        value = [v for v in value if v in allowed] if isinstance(value, list) else value
    st.session_state[key] = value
    return {"key": key, "on_change": _take, "args": (name, key, default, bounds)}


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
    view = st.session_state.get(VIEW)
    return view.lang if isinstance(view, ViewState) else default


__all__ = [
    "VIEW", "PERIOD", "DATES", "COMPARE", "COMPARE_DATES", "CHANNELS", "REGIONS", "LANG", "all_page_params", "read_url_once",
    "current_view", "widget_key", "bind", "translated", "write_url", "url_problems", "lang", "P_CFROM", "P_CHANNELS", "P_COMPARE", "P_CTO", "P_FROM", "P_LANG", "P_PERIOD", "P_REGIONS", "P_TO",
]


def _take_translated(key: str, shown: str, then, args: tuple) -> None:
    st.session_state[key] = st.session_state.get(shown)
    if then is not None:
        then(*args)


def translated(key: str, *, on_change=None, args: tuple = ()) -> dict[str, Any]:
    """The keyword arguments of a page widget whose option labels change with the language.

    Its value is kept under ``key``, in codes (seeded by :func:`page_param`, read by the page and by
    :func:`write_page_param`); the widget itself is keyed per language (:func:`widget_key`), seeded from ``key``
    on every run and writes a change back before ``on_change(*args)`` runs. So after a language switch the widget
    is a new one, drawn in the new language with the same choice, as the shared filters are (see the module
    docstring).
    """
    shown = widget_key(key, lang())
    if key in st.session_state:
        st.session_state[shown] = st.session_state[key]
    return {"key": shown, "on_change": _take_translated, "args": (key, shown, on_change, args)}


def page_param(param: str, widget_key: str, *, parse, default) -> None:
    """Seed a page widget from the URL, before the widget is drawn.

    ``widget_key`` is where the value is kept: the widget's own key, or for a widget with translated labels the
    key of its value in codes (:func:`translated`). Only when that has no state yet (first view of the page in
    this session),
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
        show_link_notice([(param, tuple(values))], lang())
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
