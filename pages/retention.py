"""Retention & profit: customer statuses with actions, what retention is worth, cohorts, CLV, promoters, complaints."""

import streamlit as st

from dashboard.retention import data as rd
from dashboard.retention import charts
from dashboard.retention import tables
from dashboard import state
from dashboard.app import context
from dashboard.components import chart, kpi, metric_help, table
from dashboard.i18n import fmt_date, fmt_money, fmt_number, fmt_pct, t
from metrics.cohorts import historical_clv_curve
from metrics.retention import STATUSES

ctx = context()
lang, cfg = ctx.lang, ctx.settings
st.title(t("page.retention", lang))
st.caption(t("retention.subtitle", lang))
st.markdown(t("retention.as_of", lang, date=fmt_date(ctx.period[1], lang)))
if ctx.view.channels or ctx.view.regions:
    st.caption(t("retention.scope", lang))

model = rd.customer_model(ctx)
if model.customers == 0:
    st.info(t("retention.empty", lang), icon=":material/event_busy:")
    st.stop()
clv = rd.clv_model(ctx)
inputs = model.inputs
churn = rd.churn(ctx).row(0, named=True)
years, rate = cfg.horizon_years, fmt_pct(cfg.discount_rate, lang, digits=0)

# --- headline numbers ---------------------------------------------------------------------------------------------
c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    kpi(t("retention.active", lang), fmt_number(int(inputs.tenure["active_now"].sum()), lang),
        help=t("retention.active.help", lang, months=cfg.active_months, date=fmt_date(ctx.period[1], lang)))
with c2:
    kpi(t("retention.yearly", lang), fmt_pct(inputs.retention, lang), help=t("retention.yearly.help", lang))
with c3:
    kpi(t("cohorts.repeat", lang), fmt_pct(model.repeat["repeat_rate"][0], lang), help=metric_help("repeat_rate", lang))
with c4:
    kpi(t("cohorts.churn", lang), fmt_pct(churn["churn_rate"], lang), help=metric_help("churn_rate", lang))
with c5:
    kpi(t("retention.avg_clv", lang), fmt_money(clv.average, lang, ctx.currency), help=metric_help("predicted_clv", lang))

# --- segments -----------------------------------------------------------------------------------------------------
st.subheader(t("retention.segments", lang), help=metric_help("customer_status", lang))
segments = rd.segment_table(model, clv, lang)
frame, columns = tables.segments(ctx, segments)
table(frame, column_config=columns, hide_index=True, width="stretch", export="customer_statuses")
st.caption(t("retention.segments.caption", lang, years=years, rate=rate))
pick, button = st.columns([2, 1], vertical_alignment="bottom")
with pick:
    status = st.selectbox(t("export.pick", lang), STATUSES, **state.translated(rd.EXPORT_STATUS),
                          format_func=lambda s: t(f"status.{s}", lang))
with button:
    st.download_button(t("export.button", lang), data=lambda: rd.segment_csv(ctx, clv, status),
                       file_name=f"customers-{status}-{ctx.period[1].isoformat()}.csv", mime="text/csv",
                       icon=":material/download:", on_click="ignore", help=t("export.help", lang))

# --- retention to profit ------------------------------------------------------------------------------------------
st.subheader(t("impact.title", lang), help=metric_help("retention_profit_impact", lang))
sens = rd.sensitivity(ctx, model)
if sens.height == 0:
    st.info(t("impact.no_projection", lang), icon=":material/info:")
else:
    state.page_param(rd.DELTA_PARAM, rd.DELTA, parse=rd.parse_delta, default=rd.DELTA_DEFAULT)
    delta = st.slider(t("impact.delta", lang), 0.0, rd.DELTA_MAX, step=0.5, key=rd.DELTA, format="%.1f",
                      help=t("impact.delta.help", lang))
    state.write_page_param(rd.DELTA_PARAM, rd.DELTA, dump=rd.dump_delta, default=rd.DELTA_DEFAULT)
    row = sens.filter(sens["delta_points"] == delta).row(0, named=True)
    five = sens.filter(sens["delta_points"] == 5.0).row(0, named=True)
    k1, k2, k3 = st.columns(3)
    with k1:
        kpi(t("impact.baseline", lang), fmt_money(row["baseline_profit"], lang, ctx.currency),
            help=t("impact.horizon", lang, years=years, rate=rate))
    with k2:
        kpi(t("impact.scenario", lang, delta=fmt_number(delta, lang, digits=1)),
            fmt_money(row["profit"], lang, ctx.currency), help=t("impact.horizon", lang, years=years, rate=rate))
    with k3:
        kpi(t("impact.difference", lang), fmt_money(row["difference"], lang, ctx.currency),
            delta=("+" if row["difference"] >= 0 else "-") + fmt_pct(abs(row["difference_pct"] or 0.0), lang),
            help=metric_help("retention_profit_impact", lang))
    st.markdown(t("impact.folklore", lang, pct="+" + fmt_pct(five["difference_pct"], lang),
                  money=fmt_money(five["difference"], lang, ctx.currency), years=years))
    chart(charts.sensitivity_chart(
        sens, delta=delta, x_title=t("impact.chart.x", lang), y_title=t("impact.chart.y", lang),
        ours=t("impact.chart.ours", lang), folklore=t("impact.chart.folklore", lang)), width="stretch")
    st.markdown(f"**{t('impact.inputs', lang)}**")
    frame, columns = tables.projection_inputs(ctx, inputs)
    table(frame, column_config=columns, hide_index=True, width="stretch", export="retention_inputs")
    st.caption(t("impact.inputs.more", lang, new=fmt_number(inputs.new_customers, lang),
                 spend=fmt_money(inputs.acquisition_spend, lang, ctx.currency),
                 cac=fmt_money(inputs.cac, lang, ctx.currency), years=years, rate=rate),
               help=metric_help("cac_12m", lang))

# --- cohorts ------------------------------------------------------------------------------------------------------
st.subheader(t("cohorts.title", lang), help=metric_help("cohort_retention", lang))
st.caption(t("cohorts.churn.caption", lang, lost=fmt_number(churn["active_at_start"] - churn["still_active"], lang),
             base=fmt_number(churn["active_at_start"], lang)))
heat, curves = st.columns(2)
with heat:
    st.markdown(f"**{t('cohorts.heatmap', lang)}**")
    chart(charts.cohort_heatmap(model.cohorts, x_title=t("cohorts.x", lang), y_title=t("cohorts.y", lang),
                                          value_title=t("cohorts.value", lang)), width="stretch")
with curves:
    st.markdown(f"**{t('cohorts.curves', lang)}**")
    names = {c: ctx.channel_name(c) for c in model.curves["acquisition_channel_id"].unique().to_list()}
    chart(charts.retention_curves(model.curves, names=names, x_title=t("cohorts.x", lang),
                                            y_title=t("cohorts.curve_y", lang)), width="stretch")

# --- CLV ----------------------------------------------------------------------------------------------------------
st.subheader(t("clv.title", lang))
hist, pred = st.columns(2)
with hist:
    st.markdown(f"**{t('clv.historical', lang)}**", help=metric_help("historical_clv", lang))
    chart(charts.historical_clv_chart(historical_clv_curve(model.clv_by_cohort), x_title=t("cohorts.x", lang),
                                                y_title=t("clv.historical.y", lang)), width="stretch")
with pred:
    st.markdown(f"**{t('clv.predicted', lang, years=years)}**", help=metric_help("predicted_clv", lang))
    if clv.totals is None:
        st.info(t("clv.fit_failed", lang, reason=clv.error), icon=":material/info:")
    else:
        chart(charts.clv_distribution_chart(clv.distribution(), x_title=t("clv.predicted.x", lang),
                                            y_title=t("clv.predicted.y", lang)), width="stretch")
        bg, gg = clv.bgnbd, clv.gamma_gamma
        if clv.sampled:
            st.caption(t("clv.sample", lang, n=fmt_number(bg.customers, lang),
                         total=fmt_number(clv.population, lang)))
        with st.expander(t("clv.fit", lang), icon=":material/functions:"):
            st.markdown(t("clv.fit.body", lang, n=fmt_number(bg.customers, lang), r=f"{bg.r:.3f}",
                          alpha=f"{bg.alpha:.3f}", a=f"{bg.a:.3f}", b=f"{bg.b:.3f}",
                          ll=fmt_number(bg.log_likelihood, lang), m=fmt_number(gg.customers, lang), p=f"{gg.p:.3f}",
                          q=f"{gg.q:.3f}", v=f"{gg.v:,.1f}"))

# --- promoters and complaints -------------------------------------------------------------------------------------
st.subheader(t("value.title", lang))
nps_kpi, nps_table = st.columns([1, 3])
with nps_kpi:
    gap = tables.difference(model.nps_value, "nps_group", "promoter", "detractor", "value")
    kpi(t("value.promoter_vs_detractor", lang), fmt_money(gap, lang, ctx.currency),
        help=metric_help("promoter_value", lang))
with nps_table:
    frame, columns = tables.nps_value(ctx, model.nps_value)
    table(frame, column_config=columns, hide_index=True, width="stretch", export="promoter_value")
    st.caption(t("value.nps.caption", lang))
c_kpi, c_table = st.columns([1, 3])
with c_kpi:
    gap = tables.difference(model.complaints, "speed", "fast", "slow", "gross_profit_12m")
    kpi(t("value.fast_vs_slow", lang, hours=cfg.complaint_resolution_hours), fmt_money(gap, lang, ctx.currency),
        help=metric_help("complaint_value", lang))
with c_table:
    frame, columns = tables.complaint_value(ctx, model.complaints)
    table(frame, column_config=columns, hide_index=True, width="stretch", export="complaint_value")
