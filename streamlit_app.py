"""Router: page set-up, data on first start, the shared sidebar, then the chosen page."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from connectors.store import StoreError
from dashboard import state
from dashboard.components import show_link_notice
from dashboard.data import base_context, build_context, ensure_data, settings
from dashboard.filters import ViewState
from dashboard.i18n import t
from dashboard.sidebar import render_sidebar

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Marketing results", page_icon=str(Path(__file__).parent / "dashboard/assets/favicon.png"),
                   layout="wide")

try:
    cfg = settings()
except ValueError as exc:
    st.error(t("error.settings", "en", message=str(exc)))
    st.stop()

try:
    store = ensure_data()
    version, channels, campaigns, regions, bounds = base_context(store)
except StoreError as exc:
    st.error(t("error.store", cfg.language, message=str(exc)))
    st.stop()

default = ViewState(period=cfg.default_period, lang=cfg.language)
state.read_url_once(default, channels=channels["channel_id"].to_list(), regions=regions)
lang = state.lang(default.lang)

PAGES = [
    st.Page("pages/overview.py", title=t("page.overview", lang), icon=":material/dashboard:", default=True),
    st.Page("pages/sales.py", title=t("page.sales", lang), icon=":material/shopping_cart:", url_path="sales"),
    st.Page("pages/reputation.py", title=t("page.reputation", lang), icon=":material/star:", url_path="reputation"),
    st.Page("pages/communication.py", title=t("page.communication", lang), icon=":material/forum:",
            url_path="communication"),
    st.Page("pages/retention.py", title=t("page.retention", lang), icon=":material/savings:", url_path="retention"),
    st.Page("pages/scenarios.py", title=t("page.scenarios", lang), icon=":material/tune:", url_path="scenarios"),
    st.Page("pages/data.py", title=t("page.data", lang), icon=":material/database:", url_path="data"),
]
page = st.navigation(PAGES)

view = render_sidebar(default=default, channels=channels, regions=regions, bounds=bounds)
st.session_state[state.CONTEXT] = build_context(store, view, version, channels, campaigns, regions, bounds)
show_link_notice(state.url_problems(view), view.lang)
page.run()
