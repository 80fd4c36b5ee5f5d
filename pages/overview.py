"""Overview — "What do I get from this?": the three pillars side by side."""

import streamlit as st

from dashboard.app import context
from dashboard.overview.export import overview_downloads
from dashboard.overview.view import answer_line, pillar_card, retention_headline
from dashboard.components import period_line
from dashboard.i18n import t
from dashboard.overview.data import overview_answer, pillar_summaries
from dashboard.overview.data import retention_headline as headline
from dashboard.overview.mix import mix_estimates

ctx = context()
lang = ctx.lang

page = st.container(key="overview")
page.title(t("overview.title", lang), help=t("overview.subtitle", lang))
summaries = pillar_summaries(ctx)
mix = mix_estimates(ctx)  # the Budget scenarios page's cached model

answer = overview_answer(ctx, summaries)
with page:
    answer_line(answer, ctx, period_line(ctx))  # the answer holds the total spend
    for column, summary in zip(st.columns(3, gap="medium"), summaries):
        with column:
            pillar_card(summary, ctx, mix[summary.pillar])
    retention_headline(headline(ctx), ctx)
    if ctx.view.regions:
        st.caption(t("notice.filters_scope", lang))
    overview_downloads(summaries, answer, ctx, mix)
