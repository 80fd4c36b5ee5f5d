"""Data — what is loaded and where it comes from."""

import polars as pl
import streamlit as st

from connectors.read import table_stats
from dashboard.app import context
from dashboard.i18n import fmt_number, t

ctx = context()
lang = ctx.lang

st.title(t("data.title", lang))

st.subheader(t("data.connection", lang))
st.code(ctx.store.display_url, language=None)
st.caption(f"{t('data.version', lang)}: {ctx.version}")
scale, seed = ctx.store.get_meta("demo_scale"), ctx.store.get_meta("demo_seed")
if scale:
    st.caption(t("data.demo", lang, scale=scale, seed=seed))

st.subheader(t("data.tables", lang))
stats = table_stats(ctx.store)
st.dataframe(
    stats.with_columns(pl.col("rows").map_elements(lambda n: fmt_number(n, lang), return_dtype=pl.String)),
    hide_index=True,
    height="content",
    column_config={
        "table": t("data.table", lang), "rows": t("data.rows", lang),
        "first": st.column_config.DateColumn(t("data.first", lang)),
        "last": st.column_config.DateColumn(t("data.last", lang)),
    },
)
st.info(t("data.import_todo", lang), icon=":material/construction:")
