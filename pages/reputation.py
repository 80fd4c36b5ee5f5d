"""Reputation — NPS with its margin of error, review sentiment, complaint handling, brand trust."""

import streamlit as st

from dashboard.reputation import data as rep
from dashboard.reputation import view
from dashboard import state
from dashboard.app import context
from dashboard.components import period_note
from dashboard.i18n import t

ctx = context()
lang = ctx.lang

st.title(t("page.reputation", lang))
st.caption(t("rep.subtitle", lang))
period_note(ctx)
st.caption(t("rep.company_wide", lang))

state.page_param("grain", rep.GRAIN_KEY, parse=rep.parse_grain, default=rep.DEFAULT_GRAIN)
state.page_param("score", rep.SCORE_KEY, parse=rep.parse_scores, default=rep.DEFAULT_SCORES)
st.segmented_control(t("rep.grain", lang), rep.GRAINS, **state.translated(rep.GRAIN_KEY), required=True,
                     format_func=lambda g: t(f"rep.grain.{g}", lang))
scores = tuple(st.session_state[rep.SCORE_KEY])

page = rep.compute_page(ctx, grain_choice=st.session_state[rep.GRAIN_KEY], scores=scores)
if page.classifier_problem:
    st.warning(t("rep.classifier_error", lang, message=page.classifier_problem), icon=":material/warning:")

view.headline_cards(page, ctx)
view.nps_section(page, ctx)
view.comments_section(page, ctx, scores)
st.divider()
view.reviews_section(page, ctx)
st.divider()
view.complaints_section(page, ctx)
st.divider()
view.brand_section(page, ctx)

state.write_page_param("grain", rep.GRAIN_KEY, default=rep.DEFAULT_GRAIN)
state.write_page_param("score", rep.SCORE_KEY, dump=rep.dump_scores, default=rep.DEFAULT_SCORES)
