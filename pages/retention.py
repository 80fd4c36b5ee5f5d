"""Retention page — not built yet: says so plainly, shows no numbers."""

import streamlit as st

from dashboard.app import context
from dashboard.components import not_built
from dashboard.i18n import t

ctx = context()
st.title(t("page.retention", ctx.lang))
not_built("retention", ctx.lang)
