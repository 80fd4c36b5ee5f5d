"""The marketing-mix model behind the Budget scenarios page's projection, in detail: every channel's
contribution, share and return with 90% ranges, the weekly decomposition and how far to trust the fit.

The fit itself is ``dashboard.scenarios.mix_data``'s, cached per database, data version and outcome.
"""

from __future__ import annotations


import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.charts import NEUTRAL, escapes_labels, require_columns
from dashboard.components import chart, table
from dashboard.context import PageContext
from dashboard.i18n import CURRENCY_SYMBOLS, fmt_number, fmt_pct, t
from dashboard.scenarios.charts import channel_color
from dashboard.scenarios.mix_data import MONEY_OUTCOMES, MixModel, mix_diagnostics
from metrics.mmm import MMMFit, channel_summary, decomposition

ROI_PER = 1000  # a count outcome shown per 1,000 of money, a money outcome per 1


@escapes_labels
def decomposition_chart(parts: pl.DataFrame, *, names: dict[str, str], y_title: str) -> go.Figure:
    """Stacked weekly areas, one trace per part: the baseline first (grey), then each channel.

    ``parts``: ``week``, ``part`` (``baseline`` or a channel id), ``value``."""
    require_columns(parts, ["week", "part", "value"], "decomposition_chart")
    fig = go.Figure()
    order = ["baseline", *[p for p in dict.fromkeys(parts["part"].to_list()) if p != "baseline"]]
    for i, part in enumerate(order):
        rows = parts.filter(pl.col("part") == part).sort("week")
        color = NEUTRAL if part == "baseline" else channel_color(i - 1)
        fig.add_trace(go.Scatter(
            x=rows["week"].to_list(), y=rows["value"].to_list(), name=names.get(part, part), mode="lines",
            stackgroup="parts", line=dict(width=0.5, color=color),
            hovertemplate="%{fullData.name}<br>%{x|%d.%m.%Y}: %{y:,.1f}<extra></extra>",
        ))
    fig.update_layout(height=420, yaxis=dict(title=y_title, rangemode="tozero"), xaxis=dict(title=None),
                      legend=dict(orientation="h", y=-0.15), margin=dict(l=10, r=10, t=30, b=10))
    return fig


def _range(lo, hi, fmt) -> str:
    return "—" if lo is None or hi is None else f"{fmt(lo)} – {fmt(hi)}"


def summary_rows(ctx: PageContext, fit: MMMFit, outcome: str) -> pl.DataFrame:
    """The table as shown: channel, contribution, share, return per 1 (money) or per 1,000 (counts) of money with
    90% ranges, decay."""
    lang = ctx.lang
    per_n = 1 if outcome in MONEY_OUTCOMES else ROI_PER
    name, of = t(f"scn.outcome.{outcome}", lang), t(f"scn.outcome_of.{outcome}", lang)
    per = t("scn.mmm.col.roi", lang, outcome=name, per=fmt_number(per_n, lang),
            currency=CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency))
    rows = []
    for r in channel_summary(fit).sort("contribution", descending=True).iter_rows(named=True):
        roi = None if r["roi"] is None else r["roi"] * per_n
        rows.append({
            t("scn.col.channel", lang): ctx.channel_name(r["channel"]),
            t("scn.mmm.col.contribution", lang, outcome=name): fmt_number(r["contribution"], lang, compact=True),
            t("scn.mmm.col.share", lang, of=of): fmt_pct(r["contribution_share"], lang, digits=1),
            t("scn.mmm.col.share_range", lang): _range(r["share_lo"], r["share_hi"],
                                                      lambda v: fmt_pct(v, lang, digits=1)),
            per: "—" if roi is None else fmt_number(roi, lang, digits=2),
            t("scn.mmm.col.roi_range", lang, per=fmt_number(per_n, lang)): _range(
                None if r["roi_lo"] is None else r["roi_lo"] * per_n,
                None if r["roi_hi"] is None else r["roi_hi"] * per_n, lambda v: fmt_number(v, lang, digits=2)),
            t("scn.mmm.col.decay", lang): fmt_number(r["decay"], lang, digits=2),
        })
    return pl.DataFrame(rows)


def section(ctx: PageContext, mix: MixModel) -> None:
    """The model's table, decomposition chart and how far to trust it."""
    lang, fit, outcome = ctx.lang, mix.fit, mix.outcome
    of = t(f"scn.outcome_of.{outcome}", lang)
    st.subheader(t("scn.mmm.title", lang))
    st.caption(t("scn.mmm.caption", lang, of=of))
    table(summary_rows(ctx, fit, outcome), width="stretch")
    names = {ch: ctx.channel_name(ch) for ch in fit.channels} | {"baseline": t("scn.mmm.baseline", lang)}
    fig = decomposition_chart(decomposition(fit), names=names,
                              y_title=t("scn.mmm.chart_y", lang, outcome=t(f"scn.outcome.{outcome}", lang)))
    chart(fig, lang, config={"displayModeBar": False})
    with st.spinner(t("scn.mmm.fitting", lang)):
        diag = mix_diagnostics(ctx, outcome)
    if diag is None:
        return
    st.caption(t("scn.mmm.fit_note", lang, weeks=fit.data.n_weeks, channels=len(fit.channels),
                 r2=fmt_number(diag.r2, lang, digits=2),
                 mape="—" if diag.holdout_mape is None else fmt_pct(diag.holdout_mape, lang, digits=0),
                 holdout=diag.holdout_weeks, seconds=fmt_number(fit.fit_seconds, lang, digits=1)))
    notes = [t(f"scn.mmm.diag.{key}", lang, of=of) for key in diag.summary]
    if notes:
        st.markdown("\n".join(f"- {n}" for n in notes))
