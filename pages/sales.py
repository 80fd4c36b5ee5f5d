"""Sales — profit from customers: results, channels, attribution, journeys, payback."""

import streamlit as st

from dashboard.sales import charts
from dashboard.sales import view as ui
from dashboard.app import context
from dashboard.components import period_note
from dashboard.components import chart, empty_period, metric_help
from dashboard.i18n import CURRENCY_SYMBOLS, t
from dashboard.sales.data import sales_results
from metrics.attribution import MODELS
from metrics.journeys import DAY_EDGES, TOUCH_BUCKETS
from metrics.specs import spec

ctx = context()
lang = ctx.lang
money = CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency)

st.title(t("page.sales", lang))
st.caption(t("sales.subtitle", lang))
period_note(ctx)
model, lookback, grain = ui.controls(ctx)

with st.spinner():
    results = sales_results(ctx, model, lookback, grain)

if results.trend.height == 0 and results.funnel["count"].sum() == 0:
    empty_period(lang)
    st.stop()

ui.kpi_cards(results, ctx)
st.caption(t("sales.kpi_note", lang, model=t(f"model.{model}", lang), lookback=lookback))

st.subheader(t("sales.trend", lang))
st.caption(t("sales.trend.caption", lang))
chart(charts.spend_vs_margin(
    results.trend, money_title=t("sales.axis.margin", lang, currency=money),
    spend_title=t("sales.axis.spend", lang, currency=money),
    labels={"spend": spec("sales_spend").label_for(lang), "revenue": spec("revenue").label_for(lang),
            "gross_profit": spec("gross_profit").label_for(lang)},
), key="chart_trend")

st.subheader(t("sales.table", lang))
tab_channels, tab_campaigns = st.tabs([t("sales.tab.channels", lang), t("sales.tab.campaigns", lang)])
with tab_channels:
    ui.channel_table(results.channels, ctx, model, lookback)
with tab_campaigns:
    ui.campaign_table(results.campaigns, ctx)

st.subheader(t("sales.attribution", lang))
st.caption(t("sales.attribution.caption", lang, tracked=results.new_customers_tracked, lookback=lookback))
if results.untracked:
    st.caption(t("sales.attribution.untracked", lang, n=results.untracked))
if ctx.view.channels or ctx.view.regions:
    st.caption(t("sales.attribution.scope", lang))
if results.attribution.height:
    chart(charts.attribution_comparison(
        results.attribution, models=MODELS, model_labels={m: t(f"model.{m}", lang) for m in MODELS},
        channel_labels={c: ctx.channel_name(c) for c in results.attribution["channel"].unique().to_list()},
        chosen=model, y_title=t("sales.attribution.y", lang),
    ), key="chart_attribution")
    with st.expander(t("sales.attribution.models", lang), icon=":material/help:"):
        st.markdown(ui.model_definitions(ctx))
    ui.show_attribution_table(results.attribution, ctx, model)
else:
    empty_period(lang)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("sales.funnel", lang))
    st.caption(t("sales.funnel.caption", lang))
    chart(charts.sales_funnel(results.funnel, stage_labels={
        s: t(f"sales.stage.{s}", lang) for s in ("journeys", "leads", "customers", "repeat")}), key="chart_funnel")
with right:
    st.subheader(t("sales.payback", lang), help=metric_help("payback", lang))
    st.caption(t("sales.payback.caption", lang, observed=results.months_observed))
    if results.payback_curve.height:
        chart(charts.payback_curve(
            results.payback_curve, cac=results.cac, x_title=t("sales.months_since", lang),
            money_title=t("sales.axis.per_customer", lang, currency=money),
            labels={"cumulative": t("sales.payback.cumulative", lang), "cac": spec("cac").label_for(lang)},
        ), key="chart_payback")
    else:
        empty_period(lang)

st.subheader(t("sales.touches", lang))
st.caption(t("sales.touches.caption", lang))
left, right = st.columns(2, gap="large")
with left:
    chart(charts.distribution_bars(
        results.touches, x="touches", labels=ui.touch_labels(TOUCH_BUCKETS),
        x_title=t("sales.touches.x", lang), y_title=t("sales.share_y", lang)), key="chart_touches")
with right:
    chart(charts.distribution_bars(
        results.days, x="bucket", labels=ui.day_labels(DAY_EDGES),
        x_title=t("sales.days.x", lang), y_title=t("sales.share_y", lang)), key="chart_days")
st.markdown(f"**{t('sales.by_first', lang)}**")
ui.first_channel_table(results.by_first_channel, ctx)

st.subheader(t("sales.selection", lang))
st.caption(t("sales.selection.caption", lang))
ui.selection_table(results.selection, ctx)
