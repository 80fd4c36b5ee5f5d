"""Budget scenarios: plan next period's budget per channel on the marketing-mix model fitted from history."""

from dataclasses import replace

import streamlit as st

from dashboard.scenarios import mix_view, mmm_panel, panels
from dashboard.scenarios import view as views
from dashboard.app import context
from dashboard.components import show_link_notice
from dashboard.i18n import t
from dashboard.scenarios.data import (
    TABS, baseline_budgets, current_inputs, planner, saved_frame, scenario_data, seed_from_link, write_link,
)
from dashboard.scenarios.mix_data import mix_model, mix_outcomes

ctx = context()
lang = ctx.lang
st.title(t("page.scenarios", lang))
st.caption(t("scn.subtitle", lang))

with st.spinner(t("scn.fitting", lang)):
    data = scenario_data(ctx)
if data is None:
    st.info(t("scn.no_data", lang), icon=":material/query_stats:")
    st.stop()

show_link_notice(seed_from_link(ctx, data), lang)
outcomes = mix_outcomes(ctx)
views.main_controls(ctx, data, outcomes)
inputs = current_inputs(data)
views.link_error(lang, inputs)
views.loaded_banner(ctx, data, inputs, outcomes)
base = replace(inputs, budgets=baseline_budgets(data, inputs.weeks))

st.subheader(t("scn.mix.title", lang))
mix = None
if outcomes:
    with st.spinner(t("scn.mmm.fitting", lang)):
        mix = mix_model(ctx, inputs.outcome)
if mix is None:
    st.info(t("scn.mix.no_data", lang), icon=":material/query_stats:")
else:
    mix_view.section(ctx, mix, inputs, base, data.budget_channels())
views.budget_editor(ctx, data, base)

st.subheader(t("scn.lead.title", lang))
st.caption(t("scn.lead.caption", lang))
views.lead_controls(ctx)
plan = planner(ctx, data, inputs.horizon, inputs.weeks)
by_channel, total = plan.project(inputs.budgets)
base_total = plan.project(base.budgets)[1].row(0, named=True)
total = total.row(0, named=True)

views.headline(ctx, total, base_total, inputs)
views.curves(ctx, plan, inputs, base)
views.channel_table(ctx, by_channel, total, base)

saved = saved_frame(ctx)
what_if, optimiser, compare, fit = st.tabs([t(f"scn.tab.{k}", lang) for k in ("what_if", "optimiser", "compare", "fit")],
                                           key=TABS)
with what_if:
    views.what_if(ctx, plan, inputs, base)
with optimiser:
    panels.optimiser(ctx, plan, inputs, base, total)
with compare:
    panels.saved_panel(ctx, data, inputs, total, saved)
    panels.compare_panel(ctx, data, inputs, total, base_total, saved)
with fit:
    panels.model_fit(ctx, data, plan, inputs.horizon)
    if mix is not None:
        mmm_panel.section(ctx, mix)
write_link(current_inputs(data), data, outcomes)
