"""The app frame: page set-up, data on first start, navigation, the shared sidebar.

``run()`` is the router (``streamlit_app.py`` calls it). Pages get their context
through ``context()``. Streamlit still knows the old 'pages/ folder' mode: on the
very first run of a fresh server a deep link (``/sales``) executes the page file
directly, without the router. ``context()`` notices that and routes properly
instead, so a shared link works even as the first request a server sees.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from connectors.store import StoreError
from dashboard import registry, state
from dashboard.auth import access as auth
from dashboard.components import app_css, freshness_banner, no_data_notice, show_link_notice
from dashboard.context import PageContext, base_context, build_context, ensure_data, settings
from dashboard.filters import ViewState
from dashboard.i18n import t
from dashboard.present import presentation_bar
from dashboard.sidebar import render_sidebar
from dashboard.warmup import warm_up_once

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
ROUTED = "routed_run"


def run() -> None:
    presenting = state.presenting()
    st.set_page_config(page_title="Marketing results", page_icon=str(ROOT / "dashboard/assets/favicon.png"),
                       layout="wide", initial_sidebar_state="collapsed" if presenting else "expanded")
    app_css()
    try:
        cfg = settings()
    except ValueError as exc:
        st.error(t("error.settings", "en", message=str(exc)))
        st.stop()
    who = auth.gate(cfg)  # with sign-in on, nothing below runs (and no data is read) before sign-in
    try:
        store = ensure_data()
        version, channels, campaigns, regions, bounds = base_context(store)
    except StoreError as exc:
        st.error(t("error.store", cfg.language, message=str(exc)))
        st.stop()

    default = ViewState(period=cfg.default_period, lang=cfg.language)
    if cfg.warm_up:
        warm_up_once(store, version, default, channels, campaigns, regions, bounds)
    state.read_url_once(default, channels=channels["channel_id"].to_list(), regions=regions)
    lang = state.lang(default.lang)
    pages = [
        st.Page(p.file, title=t(p.title, lang), icon=p.icon, url_path=p.url_path or None, default=p.default)
        for p in registry.PAGES
    ]
    page = st.navigation(pages, position="top")
    view = render_sidebar(default=default, channels=channels, regions=regions, bounds=bounds)
    with st.sidebar:
        auth.account(who, view.lang)
    st.session_state[state.CONTEXT] = build_context(store, view, version, channels, campaigns, regions, bounds,
                                                    page=page.url_path or "overview")
    show_link_notice(state.url_problems(view), view.lang)
    entry = next((p for p in registry.PAGES if (p.url_path or "") == (page.url_path or "")), None)
    if presenting and entry is not None:
        presentation_bar(st.session_state[state.CONTEXT], entry)
    freshness_banner(bounds, view.lang)
    if entry is not None and entry.needs and bounds.sources and not bounds.has_rows(entry.needs):
        st.title(t(entry.heading, view.lang))  # the page's own content would show zeros that look like results
        no_data_notice(st.session_state[state.CONTEXT], entry.needs)
        return
    st.session_state[ROUTED] = True
    page.run()


def context() -> PageContext:
    """The page's context; routes first when the page was opened without the router."""
    if st.session_state.pop(ROUTED, False):
        return st.session_state[state.CONTEXT]
    run()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
