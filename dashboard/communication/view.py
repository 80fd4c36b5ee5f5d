"""KPI rows of the Communication page: each number with its change and its definition on hover."""

from __future__ import annotations

import streamlit as st

from dashboard.components import delta_text
from dashboard.communication.data import Email, Social, WordOfMouth, row, value
from dashboard.components import kpi, metric_help
from dashboard.context import PageContext
from dashboard.freshness import comparison_covered
from dashboard.i18n import fmt_money, fmt_number, fmt_pct, t
from metrics.specs import spec


def signed_count(x: float | None, lang: str) -> str:
    if x is None:
        return fmt_number(None, lang)
    return ("+" if x > 0 else "−" if x < 0 else "") + fmt_number(abs(x), lang, compact=True)


def show_kpi(ctx: PageContext, metric: str, text: str, now: float | None, previous: float | None, *,
             caption: str | None = None, help_extra: str | None = None) -> None:
    """One KPI card: rates change in percentage points, counts and money in %."""
    lang = ctx.lang
    s = spec(metric)
    is_ratio = s.unit == "ratio"
    kpi(s.label_for(lang), text,
        delta=delta_text(now, previous, lang, points=is_ratio, scale=100.0,
                         covered=comparison_covered(ctx.bounds, ctx.comparison, metric)) if ctx.comparison else None,
        delta_color="normal" if s.higher_is_better else "inverse",
        help=metric_help(metric, lang, help_extra or (s.caveat_for(lang) or None)))
    if caption:
        st.caption(caption)


def social_kpis(ctx: PageContext, social: Social, *, denominator: str) -> None:
    lang = ctx.lang
    now, prev, growth = row(social.totals), row(social.previous), row(social.growth)
    if social.growth_by_network.height == 0:  # no follower counts at all: say nothing rather than "0"
        growth = {k: None for k in growth}
    er = f"er_{denominator}"
    first, second = st.columns(3), st.columns(3)
    with first[0]:
        show_kpi(ctx, er, fmt_pct(now[er], lang, digits=2), now[er], prev.get(er),
                 caption=t("comm.kpi.posts", lang, posts=fmt_number(now["posts"], lang)))
    with first[1]:
        show_kpi(ctx, "reach", fmt_number(now["reach"], lang, compact=True), now["reach"], prev.get("reach"))
    with first[2]:
        show_kpi(ctx, "engagements", fmt_number(now["engagements"], lang, compact=True), now["engagements"],
                 prev.get("engagements"))
    with second[0]:
        show_kpi(ctx, "social_clicks", fmt_number(now["clicks"], lang, compact=True), now["clicks"],
                 prev.get("clicks"))
    with second[1]:
        show_kpi(ctx, "ctr", fmt_pct(now["ctr"], lang, digits=2), now["ctr"], prev.get("ctr"))
    with second[2]:
        show_kpi(ctx, "net_followers", signed_count(growth["net"], lang), growth["net"],
                 value(social.growth_previous, "net"),
                 caption=t("comm.kpi.growth", lang, growth=fmt_pct(growth["growth_rate"], lang),
                           gained=fmt_number(growth["gained"], lang), lost=fmt_number(growth["lost"], lang))
                 if growth["net"] is not None else t("comm.overview.no_followers", lang))


def email_kpis(ctx: PageContext, email: Email) -> None:
    lang = ctx.lang
    now, prev = row(email.funnel), row(email.previous)
    cells = [*st.columns(3), *st.columns(3)]
    with cells[0]:
        show_kpi(ctx, "email_delivered", fmt_number(now["delivered"], lang, compact=True), now["delivered"],
                 prev.get("delivered"), caption=t("comm.kpi.sends", lang, sends=fmt_number(now["sends"], lang)))
    for cell, (metric, column, digits) in zip(cells[1:5], (
        ("email_open_rate", "open_rate", 1), ("email_click_rate", "click_rate", 1),
        ("email_click_to_open", "click_to_open", 1), ("email_unsubscribe_rate", "unsubscribe_rate", 2),
    )):
        with cell:
            mark = " *" if spec(metric).caveat else ""
            show_kpi(ctx, metric, fmt_pct(now[column], lang, digits=digits) + mark, now[column], prev.get(column))
    with cells[5]:
        show_kpi(ctx, "email_list_size", fmt_number(now["largest_send"], lang, compact=True), now["largest_send"],
                 prev.get("largest_send"))


def word_of_mouth_kpis(ctx: PageContext, wom: WordOfMouth) -> None:
    lang, cur = ctx.lang, ctx.currency
    share, prev = row(wom.share), row(wom.previous)
    referred, referred_prev = row(wom.value, group="referred"), row(wom.value_previous, group="referred")
    others = row(wom.value, group="other")
    promoters = row(wom.by_class, nps_class="promoter")
    detractors = row(wom.by_class, nps_class="detractor")
    per_100 = _per_100(promoters.get("referrals_per_customer"))
    per_100_prev = _per_100(value(wom.by_class_previous, "referrals_per_customer", nps_class="promoter"))
    first, second = st.columns(3), st.columns(3)
    with first[0]:
        show_kpi(ctx, "referrals", fmt_number(share["referred_customers"], lang), share["referred_customers"],
                 prev.get("referred_customers"),
                 caption=t("comm.kpi.new_customers", lang, n=fmt_number(share["new_customers"], lang)))
    with first[1]:
        show_kpi(ctx, "referral_share", fmt_pct(share["referral_share"], lang), share["referral_share"],
                 prev.get("referral_share"))
    with first[2]:
        show_kpi(ctx, "referrals_per_promoter", fmt_number(per_100, lang, digits=1), per_100, per_100_prev,
                 caption=t("comm.kpi.per_promoter", lang,
                           detractors=fmt_number(_per_100(detractors.get("referrals_per_customer")), lang, digits=1)))
    with second[0]:
        show_kpi(ctx, "referred_revenue", fmt_money(referred["revenue"], lang, cur), referred["revenue"],
                 referred_prev.get("revenue"),
                 caption=t("comm.kpi.revenue_share", lang, share=fmt_pct(referred["revenue_share"], lang)))
    with second[1]:
        show_kpi(ctx, "referred_gross_profit", fmt_money(referred["gross_profit"], lang, cur),
                 referred["gross_profit"], referred_prev.get("gross_profit"),
                 caption=t("comm.kpi.gp_share", lang, share=fmt_pct(referred["gross_profit_share"], lang)))
    with second[2]:
        st.markdown(t("comm.kpi.gp_per_customer", lang,
                      referred=fmt_money(referred["gross_profit_per_customer"], lang, cur, compact=False),
                      other=fmt_money(others["gross_profit_per_customer"], lang, cur, compact=False)))


def _per_100(x: float | None) -> float | None:
    return None if x is None else x * 100.0
