"""The Overview's pillar card."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.components import kpi, metric_help
from dashboard.data import PageContext
from dashboard.i18n import fmt_money, fmt_number, fmt_pct, fmt_points, t
from dashboard.overview import Headline, PillarSummary
from metrics.periods import change
from metrics.specs import spec

PILLAR_MD_COLOR = {"sales": "blue", "reputation": "orange", "communication": "green"}


def delta_text(current: float | None, previous: float | None, lang: str, *, points: bool = False) -> str | None:
    """The change shown under a KPI; ASCII sign first so the colour follows it."""
    diff, rel = change(current, previous)
    if diff is None:
        return None
    unit = " " + ("п." if lang == "ru" else "pts")
    if points:
        if round(diff, 1) == 0:
            return fmt_number(0.0, lang, digits=1) + unit
        return f"{'-' if diff < 0 else '+'}{fmt_number(abs(diff), lang, digits=1)}{unit}"
    if rel is None:
        return None
    if round(rel, 3) == 0:  # shown as 0.0%: no sign, no colour
        return fmt_pct(0.0, lang)
    return f"{'-' if rel < 0 else '+'}{fmt_pct(abs(rel), lang)}"


def headline_value(h: Headline, ctx: PageContext) -> str:
    lang = ctx.lang
    if h.value is None:
        return "—"
    if h.metric == "nps":
        margin = f" ±{fmt_number(h.margin, lang, digits=1)}" if h.margin is not None else ""
        return fmt_points(h.value, lang, signed=True) + margin
    if spec(h.metric).unit == "money":
        return fmt_money(h.value, lang, ctx.currency)
    return fmt_number(h.value, lang, compact=True)


def pillar_card(summary: PillarSummary, ctx: PageContext) -> None:
    lang = ctx.lang
    p = summary.pillar
    st.markdown(f"#### :{PILLAR_MD_COLOR[p]}[{t(f'pillar.{p}', lang)}]")
    st.caption(t(f"pillar.{p}.goal", lang))
    share = fmt_pct(summary.share, lang) if summary.share is not None else "—"
    kpi(
        t("overview.spend", lang),
        fmt_money(summary.spend, lang, ctx.currency),
        delta=delta_text(summary.spend, summary.spend_previous, lang),
        delta_color="off",
        help=metric_help("spend", lang, t("overview.share", lang, share=share)),
    )
    selected = ctx.view.channels
    pillar_selected = not selected or ctx.channels.filter(
        pl.col("channel_id").is_in(list(selected)) & (pl.col("pillar") == p)
    ).height > 0
    if not pillar_selected:
        st.caption(t("overview.no_channels", lang))
    else:
        st.caption(t("overview.share", lang, share=share) if summary.spend else t("overview.no_spend", lang))
    h = summary.headline
    kpi(
        spec(h.metric).label_for(lang),
        headline_value(h, ctx),
        delta=delta_text(h.value, h.previous, lang, points=h.metric == "nps"),
        help=metric_help(h.metric, lang),
        trend=h.trend if len(h.trend) > 1 else None,
    )
    if not pillar_selected and h.metric != "nps":
        st.caption(t("overview.no_channels", lang))
    elif h.value is None:
        empty_key = {"sales": "overview.no_orders", "reputation": "overview.no_answers",
                     "communication": "overview.no_posts"}[p]
        st.caption(t(empty_key, lang))
    elif h.n is not None and h.n < ctx.settings.nps_min_answers:
        st.caption(f":material/warning: {t('overview.nps_small', lang)} (n = {h.n})")
    if h.metric == "nps" and selected:
        st.caption(t("overview.company_wide", lang))
