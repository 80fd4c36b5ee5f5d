"""Communication — social media, the newsletter and word of mouth, each in its own units."""

import streamlit as st

from dashboard.communication import data as comm
from dashboard.communication import charts
from dashboard.communication import tables
from dashboard import state
from dashboard.app import context
from dashboard.communication.view import email_kpis, social_kpis, word_of_mouth_kpis
from dashboard.components import chart, period_note, table
from dashboard.i18n import t
from metrics.communication import DENOMINATORS
from metrics.specs import spec

ctx = context()
lang = ctx.lang

st.title(t("page.communication", lang))
st.caption(t("comm.subtitle", lang))
period_note(ctx)

state.page_param(comm.P_ER, comm.ER_KEY, parse=comm.parse_denominator, default=comm.DEFAULT_DENOMINATOR)
state.page_param(comm.P_GRAIN, comm.GRAIN_KEY, parse=comm.parse_grain, default=comm.DEFAULT_GRAIN)
left, right = st.columns([3, 1])
left.radio(t("comm.er_by", lang), DENOMINATORS, **state.translated(comm.ER_KEY), horizontal=True,
           format_func=lambda d: t(f"comm.denominator.{d}", lang), help=t("comm.er_by.help", lang))
right.selectbox(t("comm.grain", lang), comm.GRAINS, **state.translated(comm.GRAIN_KEY),
                format_func=lambda g: t(f"comm.grain.{g}", lang))
state.write_page_param(comm.P_ER, comm.ER_KEY, default=comm.DEFAULT_DENOMINATOR)
state.write_page_param(comm.P_GRAIN, comm.GRAIN_KEY, default=comm.DEFAULT_GRAIN)
denominator, grain = st.session_state[comm.ER_KEY], st.session_state[comm.GRAIN_KEY]
er_label = spec(f"er_{denominator}").label_for(lang)
network_names = {n: tables.network_name(n, lang) for n in ("vk", "telegram", "ok", comm.ALL_NETWORKS)}
type_names = {p: tables.post_type_name(p, lang) for p in ("conversation", "useful", "promo")}
locale = charts.chart_locale(lang)

# --- social media -------------------------------------------------------------------------------
st.header(t("comm.social", lang), divider="green")
social = comm.social_numbers(ctx, denominator=denominator, grain=grain)
if not comm.value(social.totals, "posts"):
    st.info(t("comm.no_posts", lang), icon=":material/event_busy:")
else:
    social_kpis(ctx, social, denominator=denominator)
    trend_col, flow_col = st.columns(2, gap="medium")
    with trend_col:
        st.subheader(t("comm.er_trend", lang, label=er_label))
        chart(charts.er_trend(social.trend, names=network_names, y_title=er_label, locale=locale),
                        width="stretch", theme=None)
    with flow_col:
        st.subheader(t("comm.follower_flow", lang))
        if social.growth_trend.height:
            chart(charts.follower_flow(
                social.growth_trend, gained=spec("followers_gained").label_for(lang),
                lost=spec("followers_lost").label_for(lang), net=spec("net_followers").label_for(lang),
                y_title=t("comm.axis.followers", lang), locale=locale), width="stretch", theme=None)
        else:
            st.info(t("comm.short_period", lang, grain=t(f"comm.grain.{grain}", lang)), icon=":material/event_busy:")
    table(tables.network_table(social.by_network, social.growth_by_network, lang, denominator=denominator),
                 hide_index=True)

    st.subheader(t("comm.post_types", lang))
    st.caption(t("comm.post_types.lesson", lang))
    lesson_col, chart_col = st.columns([3, 2], gap="medium")
    with lesson_col:
        for line in tables.promo_summary(social.penalty, social.unfollows, social.growth, lang):
            st.markdown(line)
    with chart_col:
        chart(charts.post_type_rates(social.post_types, names=type_names,
                                               x_title=spec("er_reach").label_for(lang), locale=locale),
                        width="stretch", theme=None)
    table(tables.post_type_table(social.post_types, lang), hide_index=True)
    st.caption(t("comm.post_types.method", lang))

    st.subheader(t("comm.top_posts", lang, label=er_label))
    table(tables.top_posts_table(social.top, lang, denominator=denominator), hide_index=True)

# --- the newsletter ----------------------------------------------------------------------------
st.header(t("comm.email", lang), divider="green")
email = comm.email_numbers(ctx, grain=grain)
if not comm.value(email.funnel, "sends"):
    st.info(t("comm.no_email", lang), icon=":material/event_busy:")
else:
    email_kpis(ctx, email)
    st.caption(f":material/info: \\* {spec('email_open_rate').caveat_for(lang)}")
    funnel_col, rates_col = st.columns([2, 3], gap="medium")
    with funnel_col:
        st.subheader(t("comm.email_funnel", lang))
        chart(charts.email_funnel_chart(email.funnel, stages={
            "delivered": spec("email_delivered").label_for(lang), "unique_opens": spec("email_opens").label_for(lang),
            "unique_clicks": spec("email_clicks").label_for(lang)}, texts=tables.funnel_texts(email.funnel, lang)),
            width="stretch", theme=None)
    with rates_col:
        st.subheader(t("comm.email_trend", lang))
        chart(charts.rate_lines(email.trend, series={
            "open_rate": spec("email_open_rate").label_for(lang) + " *",
            "click_rate": spec("email_click_rate").label_for(lang),
            "click_to_open": spec("email_click_to_open").label_for(lang) + " *",
        }, y_title=t("comm.axis.share_of_delivered", lang), dashed=("open_rate", "click_to_open"), locale=locale),
            width="stretch", theme=None)
    names = {r["campaign_id"]: r["name"] for r in ctx.campaigns.iter_rows(named=True)}
    table(tables.campaign_table(email.by_campaign, lang, names), hide_index=True)

# --- word of mouth -----------------------------------------------------------------------------
st.header(t("comm.wom", lang), divider="green")
st.caption(t("comm.wom.scope", lang))
wom = comm.word_of_mouth_numbers(ctx, grain=grain)
if not comm.value(wom.share, "new_customers"):
    st.info(t("comm.no_customers", lang), icon=":material/event_busy:")
else:
    word_of_mouth_kpis(ctx, wom)
    share_col, class_col = st.columns([2, 3], gap="medium")
    with share_col:
        st.subheader(t("comm.referral_trend", lang))
        chart(charts.rate_lines(wom.trend, series={"referral_share": spec("referral_share").label_for(lang)},
                                          y_title=t("comm.axis.share_of_new", lang), locale=locale),
                        width="stretch", theme=None)
    with class_col:
        st.subheader(t("comm.by_class", lang))
        table(tables.nps_class_table(wom.by_class, lang), hide_index=True)
        st.caption(t("comm.by_class.method", lang))
    st.subheader(t("comm.referred_value", lang))
    table(tables.referred_value_table(wom.value, lang, ctx.currency), hide_index=True)

if ctx.view.regions:
    st.caption(t("notice.filters_scope", lang))
