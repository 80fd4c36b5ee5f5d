"""Budget scenarios: plan next period's budget per channel on curves fitted from history."""

import streamlit as st

from dashboard.scenarios import mmm_panel, panels
from dashboard.scenarios import view as views
from dashboard.app import context
from dashboard.components import show_link_notice
from dashboard.i18n import t
from dashboard.scenarios.data import (
    TABS, Inputs, baseline_budgets, current_inputs, planner, saved_frame, scenario_data, seed_from_link, write_link,
)

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
views.period_controls(ctx, data)
inputs = current_inputs(data)
views.link_error(lang, inputs)
views.loaded_banner(ctx, data, inputs)
base = Inputs(inputs.weeks, inputs.objective, inputs.horizon, baseline_budgets(data, inputs.weeks))
plan = planner(ctx, data, inputs.horizon, inputs.weeks)
by_channel, total = plan.project(inputs.budgets)
base_total = plan.project(base.budgets)[1].row(0, named=True)
total = total.row(0, named=True)

views.headline(ctx, total, base_total, inputs)
left, right = st.columns([5, 6], gap="large")
with left:
    views.budget_editor(ctx, data, base)
with right:
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
    mmm_panel.section(ctx)
write_link(current_inputs(data), data)
