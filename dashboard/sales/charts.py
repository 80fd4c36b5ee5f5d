"""Chart builders of the Sales page: finished frames in, plotly figures out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import NEUTRAL, PILLAR_COLORS, escapes_labels, require_columns

MODEL_COLORS = {
    "last_touch": "#94a3b8", "first_touch": "#0891b2", "linear": "#65a30d", "time_decay": "#d97706",
    "position_based": "#7c3aed", "markov": "#2563eb", "shapley": "#db2777",
}


@escapes_labels
def spend_vs_margin(frame: pl.DataFrame, *, labels: Mapping[str, str], money_title: str,
                    spend_title: str) -> go.Figure:
    """Revenue and gross profit as lines (left axis), spend as bars (right axis, its own scale), per period
    (``period``, ``spend``, ``revenue``, ``gross_profit``)."""
    require_columns(frame, ["period", "spend", "revenue", "gross_profit"], "spend_vs_margin")
    x = frame["period"].to_list()
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=frame["spend"].to_list(), name=labels["spend"], marker_color=NEUTRAL,
                         opacity=0.45, yaxis="y2",
                         hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra>" + labels["spend"] + "</extra>"))
    for col, color in (("revenue", PILLAR_COLORS["sales"]), ("gross_profit", "#059669")):
        fig.add_trace(go.Scatter(x=x, y=frame[col].to_list(), name=labels[col], mode="lines+markers",
                                 line=dict(color=color, width=2.5), marker=dict(size=5),
                                 hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra>" + labels[col] + "</extra>"))
    fig.update_layout(
        height=360, xaxis=dict(title=None), bargap=0.3,
        yaxis=dict(title=money_title, rangemode="tozero"),
        yaxis2=dict(title=spend_title, overlaying="y", side="right", rangemode="tozero", showgrid=False),
    )
    return fig


@escapes_labels
def attribution_comparison(frame: pl.DataFrame, *, models: Sequence[str], model_labels: Mapping[str, str],
                           channel_labels: Mapping[str, str], chosen: str, y_title: str,
                           measure: str = "conversions") -> go.Figure:
    """One bar per model for each channel: what each model credits (long frame: ``model``, ``channel``, measure).

    Channels are ordered by the chosen model's credit; the chosen model is drawn fully opaque.
    """
    require_columns(frame, ["model", "channel", measure], "attribution_comparison")
    order = (
        frame.filter(pl.col("model") == chosen).sort([measure, "channel"], descending=[True, False])["channel"].to_list()
    )
    names = [channel_labels.get(c, c) for c in order]
    fig = go.Figure()
    for model in models:
        part = frame.filter(pl.col("model") == model)
        values = dict(zip(part["channel"].to_list(), part[measure].to_list()))
        fig.add_trace(go.Bar(
            x=names, y=[values.get(c, 0.0) for c in order], name=model_labels[model],
            marker_color=MODEL_COLORS.get(model, NEUTRAL), opacity=1.0 if model == chosen else 0.75,
            marker_line=dict(width=1.5 if model == chosen else 0, color="#111827"),
            hovertemplate="%{x}<br>" + model_labels[model] + ": %{y:,.1f}<extra></extra>",
        ))
    fig.update_layout(barmode="group", height=460, yaxis=dict(title=y_title),
                      xaxis=dict(title=None, tickangle=-25, automargin=True),
                      margin=dict(l=60, r=10, t=40, b=10), bargap=0.18, bargroupgap=0.05)
    return fig


@escapes_labels
def sales_funnel(frame: pl.DataFrame, *, stage_labels: Mapping[str, str]) -> go.Figure:
    """The funnel (``stage``, ``count``, ``rate``): each stage's count and its rate from the stage above."""
    require_columns(frame, ["stage", "count", "rate"], "sales_funnel")
    fig = go.Figure(go.Funnel(
        y=[stage_labels[s] for s in frame["stage"].to_list()], x=frame["count"].to_list(),
        texttemplate="%{value:,}<br>%{percentPrevious:.0%}", marker=dict(color=PILLAR_COLORS["sales"]),
        connector=dict(line=dict(color="#cbd5e1")), hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    fig.update_layout(height=300, margin=dict(l=10, r=10, t=10, b=10))
    return fig


@escapes_labels
def distribution_bars(frame: pl.DataFrame, *, x: str, labels: Sequence[str], x_title: str, y_title: str) -> go.Figure:
    """Share of customers per bucket (``share``, ``customers``), bars labelled with the share."""
    require_columns(frame, [x, "share", "customers"], "distribution_bars")
    shares = [(s or 0.0) * 100 for s in frame["share"].to_list()]
    fig = go.Figure(go.Bar(
        x=list(labels), y=shares, marker_color=PILLAR_COLORS["sales"], customdata=frame["customers"].to_list(),
        text=[f"{s:.0f}%" for s in shares], textposition="outside",
        hovertemplate="%{x}: %{y:.1f}% (%{customdata:,})<extra></extra>",
    ))
    fig.update_layout(height=300, xaxis=dict(title=x_title, type="category"),
                      yaxis=dict(title=y_title, rangemode="tozero"), showlegend=False)
    return fig


@escapes_labels
def payback_curve(frame: pl.DataFrame, *, cac: float | None, labels: Mapping[str, str], x_title: str,
                  money_title: str) -> go.Figure:
    """Cumulative gross profit per customer by month since acquisition (``month``, ``cumulative``), with the CAC."""
    require_columns(frame, ["month", "cumulative"], "payback_curve")
    months = [m + 1 for m in frame["month"].to_list()]
    fig = go.Figure(go.Scatter(
        x=months, y=frame["cumulative"].to_list(), mode="lines+markers", name=labels["cumulative"],
        line=dict(color="#059669", width=2.5), hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
    ))
    if cac is not None:
        fig.add_hline(y=cac, line=dict(color="#dc2626", dash="dash"), annotation_text=labels["cac"],
                      annotation_position="top left")
    fig.update_layout(height=300, xaxis=dict(title=x_title, dtick=1 if len(months) <= 24 else 3),
                      yaxis=dict(title=money_title, rangemode="tozero"), showlegend=False)
    return fig
