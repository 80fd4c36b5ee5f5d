"""Data — what is loaded, importing files, import history, the connection, templates, recent queries."""

import streamlit as st

from dashboard.app import context
from dashboard.data.admin import show_settings
from dashboard.data.view import show_connection, show_history, show_loaded, show_queries, show_templates
from dashboard.i18n import t
from dashboard.data.imports import import_wizard
from dashboard.data.demo import remove_demo_panel

ctx = context()
lang = ctx.lang

st.title(t("data.title", lang))
if ctx.bounds.empty:
    st.info(t("data.empty", lang), icon=":material/inventory_2:")

st.subheader(t("data.tables", lang))
show_loaded(ctx)

remove_demo_panel(ctx)

st.subheader(t("data.import", lang))
import_wizard(ctx)

st.subheader(t("data.history", lang))
show_history(ctx)

st.subheader(t("data.connection", lang))
show_connection(ctx)
show_settings(ctx)

st.subheader(t("data.templates", lang))
show_templates(ctx)

st.subheader(t("data.queries", lang))
show_queries(ctx)
