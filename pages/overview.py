"""Overview — "What do I get from this?": the three pillars side by side."""

import streamlit as st

from dashboard.app import context
from dashboard.cards import pillar_card
from dashboard.i18n import fmt_date, fmt_money, t
from dashboard.overview import pillar_summaries

ctx = context()
lang = ctx.lang

st.title(t("overview.title", lang))
st.caption(t("overview.subtitle", lang))
start, end = ctx.period
if ctx.comparison:
    st.markdown(t("showing", lang, start=fmt_date(start, lang), end=fmt_date(end, lang),
                  cstart=fmt_date(ctx.comparison[0], lang), cend=fmt_date(ctx.comparison[1], lang)))
else:
    st.markdown(t("showing.nocompare", lang, start=fmt_date(start, lang), end=fmt_date(end, lang)))

summaries = pillar_summaries(ctx)
st.caption(t("overview.total_spend", lang, amount=fmt_money(sum(s.spend for s in summaries), lang, ctx.currency)))

for column, summary in zip(st.columns(3, gap="medium"), summaries):
    with column:
        pillar_card(summary, ctx)

if ctx.view.regions:
    st.caption(t("notice.filters_scope", lang))
st.info(t("overview.more", lang), icon=":material/info:")
