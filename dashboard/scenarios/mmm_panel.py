"""The marketing-mix model on the Budget scenarios page (read-only): every channel's spend and the baseline
explain the weekly leads together, instead of each channel's curve being fitted on the leads naming it.

The weekly frame comes from two grouped queries (spend per week and channel, leads per week), over the
whole history like the rest of the page; the fit is cached per database and data version.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from connectors.measures import measure_frame
from connectors.read import Filters
from dashboard.charts import NEUTRAL, escapes_labels, require_columns
from dashboard.components import table
from dashboard.context import PageContext, store_id
from dashboard.i18n import CURRENCY_SYMBOLS, fmt_number, fmt_pct, t
from dashboard.scenarios.charts import channel_color
from metrics.mmm import Diagnostics, MMMFit, MMMInputError, channel_summary, decomposition, diagnose, fit_mmm, mmm_input
from metrics.mmm.data import MIN_WEEKS, weekly_frame

N_DRAWS = 200
SEED = 0
ROI_PER = 1000  # ROI shown as leads per 1,000 of money


def weekly_input(store, last_day: dt.date) -> pl.DataFrame:
    """``week``, ``leads`` and one spend column per channel: complete weeks of the whole history, summed by the
    database."""
    spend = measure_frame(store, "spend", ["spend"], Filters(), grain="week", by=("channel_id",))
    leads = measure_frame(store, "leads", ["leads"], Filters(), grain="week")
    return weekly_frame(spend, leads, last_day=last_day, outcome_name="leads")


@st.cache_resource(show_spinner=False, max_entries=4)
def _mmm(_store, sid: str, version: str, last_day: dt.date) -> tuple[MMMFit, Diagnostics] | None:
    """Keyed by what it reads: one database at one data version, up to its last day."""
    frame = weekly_input(_store, last_day)
    channels = sorted(c for c in frame.columns if c not in ("week", "leads"))
    if frame.height < MIN_WEEKS or not channels:
        return None
    try:
        data = mmm_input(frame, date="week", outcome="leads", spend=channels)
    except MMMInputError:
        return None
    fit = fit_mmm(data, n_draws=N_DRAWS, seed=SEED)
    return fit, diagnose(fit, roi_table=channel_summary(fit))


def mmm_result(ctx: PageContext) -> tuple[MMMFit, Diagnostics] | None:
    return _mmm(ctx.store, store_id(ctx.store), ctx.version, ctx.bounds.last)


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


def summary_rows(ctx: PageContext, fit: MMMFit) -> pl.DataFrame:
    """The table as shown: channel, contribution (leads), share, ROI per 1,000 of money with 90% ranges, decay."""
    lang = ctx.lang
    per = t("scn.mmm.col.roi", lang, per=fmt_number(ROI_PER, lang),
            currency=CURRENCY_SYMBOLS.get(ctx.currency, ctx.currency))
    rows = []
    for r in channel_summary(fit).sort("contribution", descending=True).iter_rows(named=True):
        roi = None if r["roi"] is None else r["roi"] * ROI_PER
        rows.append({
            t("scn.col.channel", lang): ctx.channel_name(r["channel"]),
            t("scn.mmm.col.contribution", lang): fmt_number(r["contribution"], lang, compact=True),
            t("scn.mmm.col.share", lang): fmt_pct(r["contribution_share"], lang, digits=1),
            t("scn.mmm.col.share_range", lang): _range(r["share_lo"], r["share_hi"],
                                                      lambda v: fmt_pct(v, lang, digits=1)),
            per: "—" if roi is None else fmt_number(roi, lang, digits=2),
            t("scn.mmm.col.roi_range", lang): _range(
                None if r["roi_lo"] is None else r["roi_lo"] * ROI_PER,
                None if r["roi_hi"] is None else r["roi_hi"] * ROI_PER, lambda v: fmt_number(v, lang, digits=2)),
            t("scn.mmm.col.decay", lang): fmt_number(r["decay"], lang, digits=2),
        })
    return pl.DataFrame(rows)


def section(ctx: PageContext) -> None:
    """The read-only section: note, table, decomposition chart, how far to trust it."""
    lang = ctx.lang
    st.subheader(t("scn.mmm.title", lang))
    st.caption(t("scn.mmm.caption", lang))
    with st.spinner(t("scn.mmm.fitting", lang)):
        result = mmm_result(ctx)
    if result is None:
        st.info(t("scn.mmm.no_data", lang), icon=":material/query_stats:")
        return
    fit, diag = result
    table(summary_rows(ctx, fit), width="stretch")
    names = {ch: ctx.channel_name(ch) for ch in fit.channels} | {"baseline": t("scn.mmm.baseline", lang)}
    fig = decomposition_chart(decomposition(fit), names=names, y_title=t("scn.mmm.chart_y", lang))
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})
    st.caption(t("scn.mmm.fit_note", lang, weeks=fit.data.n_weeks, channels=len(fit.channels),
                 r2=fmt_number(diag.r2, lang, digits=2),
                 mape="—" if diag.holdout_mape is None else fmt_pct(diag.holdout_mape, lang, digits=0),
                 holdout=diag.holdout_weeks, seconds=fmt_number(fit.fit_seconds, lang, digits=1)))
    notes = [t(f"scn.mmm.diag.{key}", lang) for key in diag.summary]
    if notes:
        st.markdown("\n".join(f"- {n}" for n in notes))
