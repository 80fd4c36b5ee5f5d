"""The Overview's pillar card: spend and share, the estimated profit contribution, then each headline result in its
own units; and the retention-to-profit line under the cards."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.components import delta_text, kpi, metric_help
from dashboard.context import PageContext
from dashboard.freshness import comparison_covered
from dashboard.i18n import fmt_date, fmt_money, fmt_number, fmt_pct, fmt_points, t
from dashboard.overview.data import Headline, PillarSummary
from dashboard.overview.data import pillar_selected as is_selected
from dashboard.overview.contribution import Contribution, RetentionHeadline
from dashboard.overview.mix import MixEstimate
from metrics.periods import change
import metrics.answer  # noqa: F401  (registers romi_12m)
from metrics.specs import spec

PILLAR_MD_COLOR = {"sales": "blue", "reputation": "orange", "communication": "green"}
# why the marketing-mix model shows no number (``MixEstimate.note``) -> what to do about it, on hover
MIX_NOTE_HELP = {"mix.region": "mix.region.help", "mix.unavailable": "mix.unavailable.help",
                 "mix.no_week": "mix.no_week.help", "mix.beyond": "mix.beyond.help",
                 "mix.no_channels": "mix.no_channels.help"}


def headline_value(h: Headline, ctx: PageContext) -> str:
    """The value in its unit: money, points (± margin), a ratio as %, or a count."""
    lang = ctx.lang
    if h.value is None:
        return "—"
    unit, margin = spec(h.metric).unit, ""
    if h.margin is not None and unit == "points":
        margin = f" ±{fmt_number(h.margin, lang, digits=1)}"
    elif h.margin is not None and unit == "ratio":
        margin = f" ±{fmt_pct(h.margin, lang)}"
    return point_value(h.metric, h.value, ctx) + margin


def headline_delta(h: Headline, lang: str, *, covered: bool = True) -> str | None:
    """The change vs the comparison period, as the headline asks: relative, in points, or absolute
    ("no comparison data" when the comparison period starts before the metric's source has data)."""
    if not covered and h.value is not None:
        return t("fresh.no_comparison", lang)
    if h.change == "absolute":
        diff, _ = change(h.value, h.previous)
        if diff is None:
            return None
        if round(diff) == 0:
            return fmt_number(0, lang)
        return f"{'-' if diff < 0 else '+'}{fmt_number(abs(diff), lang, compact=True)}"
    is_ratio = spec(h.metric).unit == "ratio"
    return delta_text(h.value, h.previous, lang, points=h.change == "points", scale=100.0 if is_ratio else 1.0)


def secondary_line(h: Headline, ctx: PageContext, *, pillar_selected: bool) -> None:
    """A secondary result as one line of text — 'Label: **value** ▲ +4.0%' — its definition on hover."""
    lang = ctx.lang
    value = headline_value(h, ctx) if (pillar_selected or h.company_wide) else "—"
    delta = headline_delta(h, lang, covered=comparison_covered(ctx.bounds, ctx.comparison, h.metric)) \
        if value != "—" else None
    text = f"{spec(h.metric).label_for(lang)}: **{value}**"
    if delta:
        sign = delta[:1]
        if sign in "+-":
            good = (sign == "+") == spec(h.metric).higher_is_better
            arrow = "▲" if sign == "+" else "▼"
            text += f" :{'green' if good else 'red'}[{arrow} {delta}]"
        else:
            text += f" :gray[{delta}]"
    st.markdown(text, help=metric_help(h.metric, lang))


def point_value(metric: str, value: float, ctx: PageContext) -> str:
    """One point of a card's trend line in the card's unit (no margin)."""
    lang, unit = ctx.lang, spec(metric).unit
    if unit == "money":
        return fmt_money(value, lang, ctx.currency)
    if unit == "points":
        return fmt_points(value, lang, signed=True)
    if unit == "ratio":
        return fmt_pct(value, lang)
    return fmt_number(value, lang, compact=True)


def trend_note(h: Headline, ctx: PageContext) -> str | None:
    """'Trend line: 13 points by week, 3 Aug 2026 – 31 Oct 2026; first point ₽4.0M, last ₽4.2M': what the card's
    small line spans and where it starts and ends (the line itself shows no numbers)."""
    if h.grain is None or h.span is None or len(h.trend) < 2:
        return None
    lang = ctx.lang
    span = t("trend.span", lang, count=len(h.trend), grain=t(f"trend.grain.{h.grain}", lang),
             start=fmt_date(h.span[0], lang), end=fmt_date(h.span[1], lang))
    ends = t("trend.ends", lang, first=point_value(h.metric, h.trend[0], ctx),
             last=point_value(h.metric, h.trend[-1], ctx))
    return f"{span}; {ends}"


def headline_kpi(h: Headline, ctx: PageContext, *, pillar_selected: bool) -> None:
    """The pillar's main result: a card with its change and trend."""
    lang = ctx.lang
    kpi(
        spec(h.metric).label_for(lang),
        headline_value(h, ctx) if (pillar_selected or h.company_wide) else "—",
        delta=headline_delta(h, lang, covered=comparison_covered(ctx.bounds, ctx.comparison, h.metric)),
        delta_color="normal" if spec(h.metric).higher_is_better else "inverse",
        help=metric_help(h.metric, lang),
        trend=h.trend if len(h.trend) > 1 else None, trend_note=trend_note(h, ctx),
    )
    if not pillar_selected and not h.company_wide:
        pass  # the card above already says the filter keeps none of the pillar's channels
    elif h.value is None:
        st.caption(t(h.empty, lang))
    elif h.n is not None and h.n < ctx.settings.nps_min_answers:
        st.caption(f":material/warning: {t('overview.nps_small', lang)} (n = {h.n})")
    if h.company_wide and ctx.view.channels:
        st.caption(t("overview.company_wide", lang))


def spend_text(summary: PillarSummary, ctx: PageContext) -> str:
    """'Spend ₽911.2K · 50.0%': the pillar's spend and share of the budget."""
    lang = ctx.lang
    share = fmt_pct(summary.share, lang) if summary.share is not None else "—"
    return f"{t('overview.spend', lang)} {fmt_money(summary.spend, lang, ctx.currency)} · {share}"


def spend_help(summary: PillarSummary, ctx: PageContext) -> str:
    lang = ctx.lang
    share = fmt_pct(summary.share, lang) if summary.share is not None else "—"
    lines = [metric_help("profit_contribution", lang), metric_help("spend", lang),
             t("overview.share", lang, share=share)]
    change_text = delta_text(summary.spend, summary.spend_previous, lang)
    if change_text:
        lines.append(t("overview.spend_change", lang, change=change_text))
    return "\n\n".join(lines)


def method_popover(contribution: Contribution, ctx: PageContext) -> None:
    """How the pillar's contribution is estimated, with its parts: one click away."""
    lang = ctx.lang
    with st.popover(":material/calculate:", help=t("overview.method", lang)):
        st.markdown(t(f"contribution.method.{contribution.pillar}", lang))
        lines = [f"- {t(f'contribution.part.{part}', lang)}: {fmt_money(amount, lang, ctx.currency)}"
                 for part, amount in contribution.parts]
        lines.append(f"- {t('contribution.part.spend', lang)}: −{fmt_money(contribution.spend, lang, ctx.currency)}")
        lines.append(f"- **{t('contribution.part.total', lang)}: "
                     f"{fmt_money(contribution.contribution, lang, ctx.currency)}**")
        st.markdown("\n".join(lines))
        st.caption(t("contribution.estimate_note", lang))


def money_range(low: float, high: float, lang: str, currency: str) -> str:
    """A range with its currency once: '₽3M–9.4M' / '3–9,4 млн ₽' ('117,2 тыс.–6,1 млн ₽' across units)."""
    lo, hi = fmt_money(low, lang, currency), fmt_money(high, lang, currency)
    if lang == "ru":
        lo_parts, hi_parts = lo.split("\u00a0"), hi.split("\u00a0")
        if lo_parts[-1] == hi_parts[-1]:  # the currency
            lo_parts = lo_parts[:-1]
            if len(lo_parts) > 1 and len(hi_parts) > 2 and lo_parts[-1] == hi_parts[-2]:  # the same unit word
                lo_parts = lo_parts[:-1]
        return "\u00a0".join(lo_parts) + "–" + hi
    symbol = fmt_money(0, lang, currency).removesuffix("0")
    return f"{lo}–{hi.removeprefix(symbol)}" if hi.startswith(symbol) else f"{lo}–{hi}"


def mix_line(estimate: MixEstimate, ctx: PageContext) -> None:
    """'Marketing-mix model: **₽5.1M** (₽3.2M–₽6.9M)', or why there is no number; what it is on hover."""
    lang = ctx.lang
    label = t("mix.label", lang)
    if estimate.note is not None:
        st.markdown(f"{label}: {t(estimate.note, lang)}",
                    help=f"{t(MIX_NOTE_HELP[estimate.note], lang)}\n\n{t('mix.help', lang)}")
        return

    def money(x: float) -> str:
        return fmt_money(x, lang, ctx.currency)

    if estimate.low is None or estimate.high is None:
        text = t("mix.value.point", lang, label=label, value=money(estimate.contribution))
    else:
        text = t("mix.value", lang, label=label, value=money(estimate.contribution),
                 range=money_range(estimate.low, estimate.high, lang, ctx.currency))
    weeks = t("mix.weeks", lang, weeks=estimate.weeks, start=fmt_date(estimate.first_week, lang),
              end=fmt_date(estimate.last_week + dt.timedelta(days=6), lang))
    st.markdown(text, help=f"{t('mix.help', lang)}\n\n{weeks}")


def pillar_card(summary: PillarSummary, ctx: PageContext, mix: MixEstimate | None = None) -> None:
    """Pillar name (goal on hover) and the method button; the estimated profit contribution with the pillar's
    spend and share under it; then the headline results, the marketing-mix model's estimate first among the
    one-line ones."""
    lang = ctx.lang
    p = summary.pillar
    title, method = st.columns([4, 1], vertical_alignment="center")
    with title:
        st.container(key=f"ov_pillar_{p}").markdown(f"#### :{PILLAR_MD_COLOR[p]}[{t(f'pillar.{p}', lang)}]",
                                                    help=t(f"pillar.{p}.goal", lang))
    if summary.contribution is not None and is_selected(ctx, p):
        with method:
            method_popover(summary.contribution, ctx)
    pillar_selected = is_selected(ctx, p)
    value = summary.contribution.contribution if summary.contribution is not None and pillar_selected else None
    kpi(spec("profit_contribution").label_for(lang), fmt_money(value, lang, ctx.currency) if pillar_selected else "—",
        delta=spend_text(summary, ctx), delta_color="off", help=spend_help(summary, ctx))
    if not pillar_selected:
        st.caption(t("overview.no_channels", lang, pillar=t(f"pillar.{p}", lang).lower()))
    elif not summary.spend:
        st.caption(t("overview.no_spend", lang))
    first, *more = summary.headlines or (None,)
    if first is not None:
        headline_kpi(first, ctx, pillar_selected=pillar_selected)
    if more or mix is not None:
        with st.container(key=f"ov_more_{p}", gap=None):
            if mix is not None:
                mix_line(mix, ctx)
            for h in more:
                secondary_line(h, ctx, pillar_selected=pillar_selected)


def answer_text(answer: dict, ctx: PageContext) -> str:
    """'₽12.4M spent → ₽31.0M estimated profit contribution (₽27.1M–₽35.2M), ROMI (12-month value) 250%,
    +8.0% vs the comparison period' ('no comparison data' instead of the change when the comparison period starts
    before the spend or the orders have data, as the cards say)."""
    lang = ctx.lang

    def money(x: float) -> str:
        return fmt_money(x, lang, ctx.currency)

    text = t("overview.answer", lang, spend=money(answer["spend"]), contribution=money(answer["contribution"]),
             low=money(answer["low"]), high=money(answer["high"]))
    if answer["romi"] is not None:
        text += t("overview.answer.romi", lang, label=spec("romi_12m").label_for(lang),
                  romi=fmt_pct(answer["romi"], lang, digits=0))
    if ctx.comparison is not None and not comparison_covered(ctx.bounds, ctx.comparison, "romi_12m"):
        text += t("overview.answer.no_comparison", lang)  # the comparison starts before the spend or the orders
    elif ctx.comparison is not None:
        rel = answer["change"]
        change = "—" if rel is None else fmt_pct(0.0, lang) if round(rel, 3) == 0 else \
            f"{'-' if rel < 0 else '+'}{fmt_pct(abs(rel), lang)}"
        text += t("overview.answer.change", lang, change=change)
    return text


def answer_line(answer: dict | None, ctx: PageContext, period: str) -> None:
    """The period shown, and under it the page's answer in one line, its definition (and how the range is
    combined) on hover."""
    lang = ctx.lang
    with st.container(key="ov_answer"):
        if answer is None:
            st.markdown(f"{period}  \n**{t('overview.answer.none', lang)}**")
            return
        st.markdown(f"{period}  \n**{answer_text(answer, ctx)}**",
                    help="\n\n".join([metric_help("profit_contribution", lang), metric_help("romi_12m", lang)]))


def retention_headline(headline: RetentionHeadline | None, ctx: PageContext) -> None:
    """The line under the three columns: what +5 points of retention are worth, and where the detail is."""
    lang = ctx.lang
    if headline is None:
        st.info(t("overview.retention.none", lang), icon=":material/savings:")
        return
    pct = fmt_pct(headline.difference_pct, lang) if headline.difference_pct is not None else "—"
    text = t("overview.retention", lang, delta=fmt_number(headline.delta_points, lang),
             money=fmt_money(headline.difference, lang, ctx.currency), pct=pct, years=headline.years)
    left, right = st.columns([5, 1], vertical_alignment="center")
    with left:
        st.success(text, icon=":material/savings:")
    with right:
        st.page_link("pages/retention.py", label=t("overview.retention.more", lang), icon=":material/arrow_forward:")
