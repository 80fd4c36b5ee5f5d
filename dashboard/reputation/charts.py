"""Chart builders of the Reputation page: finished frames in, plotly figures out.

Texts (axis titles, legend names) come in as arguments, already translated, so the
builders stay free of the interface language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import NEUTRAL, PILLAR_COLORS, _alpha, escapes_labels, require_columns

SENTIMENT_COLORS = {"positive": "#16a34a", "neutral": "#94a3b8", "negative": "#dc2626"}
MIX_COLORS = {"promoter_share": "#16a34a", "passive_share": "#94a3b8", "detractor_share": "#dc2626"}
QUESTION_COLORS = {"trust": PILLAR_COLORS["reputation"], "awareness": "#7c3aed", "recommend": "#0891b2"}
COLOR = PILLAR_COLORS["reputation"]
PALE = "#fcd9a8"


@escapes_labels
def nps_trend(frame: pl.DataFrame, *, y_title: str, few_label: str) -> go.Figure:
    """NPS per period as a line with its 95% margin as a band; periods with few answers marked."""
    require_columns(frame, ["period", "nps", "margin_of_error", "n", "few_answers"], "nps_trend")
    frame = frame.filter(pl.col("nps").is_not_null())
    x = frame["period"].to_list()
    low = (frame["nps"] - frame["margin_of_error"]).clip(-100, 100).to_list()
    high = (frame["nps"] + frame["margin_of_error"]).clip(-100, 100).to_list()
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x + x[::-1], y=high + low[::-1], fill="toself", fillcolor=_alpha(COLOR, 0.18),
                             line=dict(width=0), hoverinfo="skip", showlegend=False, name="margin"))
    few = frame["few_answers"].to_list()
    fig.add_trace(go.Scatter(
        x=x, y=frame["nps"].to_list(), mode="lines+markers", name="NPS", line=dict(color=COLOR, width=2.5),
        marker=dict(size=[9 if f else 6 for f in few], color=[PALE if f else COLOR for f in few],
                    line=dict(color=COLOR, width=1.5)),
        customdata=list(zip(frame["margin_of_error"].to_list(), frame["n"].to_list(),
                            [few_label if f else "" for f in few])),
        hovertemplate="%{x|%d %b %Y}<br>NPS %{y:+.1f} ± %{customdata[0]:.1f}<br>n = %{customdata[1]} "
                      "%{customdata[2]}<extra></extra>",
        showlegend=False,
    ))
    fig.update_layout(height=320, yaxis=dict(title=y_title, zeroline=True), xaxis=dict(title=None))
    return fig


@escapes_labels
def nps_mix(frame: pl.DataFrame, *, names: Mapping[str, str], y_title: str) -> go.Figure:
    """Promoter / passive / detractor shares per period, stacked to 100%."""
    require_columns(frame, ["period", *MIX_COLORS], "nps_mix")
    frame = frame.filter(pl.col("n") > 0)
    fig = go.Figure()
    for col, color in MIX_COLORS.items():
        fig.add_trace(go.Bar(x=frame["period"].to_list(), y=(frame[col] * 100).to_list(), name=names[col],
                             marker_color=color, hovertemplate="%{x|%d %b %Y}: %{y:.1f}%<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack", height=320, yaxis=dict(title=y_title, range=[0, 100]), bargap=0.15)
    return fig


@escapes_labels
def nps_by_group(frame: pl.DataFrame, *, group: str, labels: Mapping[str, str], x_title: str,
                 few_label: str) -> go.Figure:
    """NPS per group as horizontal bars with ± margin; groups with few answers drawn pale."""
    require_columns(frame, [group, "nps", "margin_of_error", "n", "few_answers"], "nps_by_group")
    frame = frame.filter(pl.col("nps").is_not_null()).sort("nps")
    names = [labels.get(str(g), str(g)) for g in frame[group].to_list()]
    few = frame["few_answers"].to_list()
    fig = go.Figure(go.Bar(
        x=frame["nps"].to_list(), y=names, orientation="h",
        error_x=dict(type="data", array=frame["margin_of_error"].to_list(), color="#475569", thickness=1.2),
        marker_color=[PALE if f else COLOR for f in few],
        customdata=list(zip(frame["margin_of_error"].to_list(), frame["n"].to_list(),
                            [few_label if f else "" for f in few])),
        hovertemplate="%{y}: NPS %{x:+.1f} ± %{customdata[0]:.1f}<br>n = %{customdata[1]} %{customdata[2]}"
                      "<extra></extra>",
    ))
    fig.update_layout(height=max(180, 60 + 45 * len(names)), xaxis=dict(title=x_title, zeroline=True),
                      yaxis=dict(title=None), showlegend=False)
    return fig


@escapes_labels
def sentiment_by_period(frame: pl.DataFrame, *, names: Mapping[str, str], y_title: str) -> go.Figure:
    """Reviews per period stacked by sentiment (``period``, ``sentiment``, ``reviews``)."""
    require_columns(frame, ["period", "sentiment", "reviews"], "sentiment_by_period")
    fig = go.Figure()
    for label, color in SENTIMENT_COLORS.items():
        part = frame.filter(pl.col("sentiment") == label)
        fig.add_trace(go.Bar(x=part["period"].to_list(), y=part["reviews"].to_list(), name=names[label],
                             marker_color=color, hovertemplate="%{x|%d %b %Y}: %{y}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack", height=320, yaxis=dict(title=y_title), bargap=0.15)
    return fig


@escapes_labels
def sentiment_by_source(frame: pl.DataFrame, *, names: Mapping[str, str], sources: Mapping[str, str],
                        x_title: str) -> go.Figure:
    """Reviews per source as horizontal bars stacked by sentiment (``source``, ``sentiment``, ``reviews``)."""
    require_columns(frame, ["source", "sentiment", "reviews"], "sentiment_by_source")
    order = frame.group_by("source").agg(pl.col("reviews").sum()).sort("reviews")["source"].to_list()
    fig = go.Figure()
    for label, color in SENTIMENT_COLORS.items():
        part = frame.filter(pl.col("sentiment") == label)
        counts = dict(zip(part["source"].to_list(), part["reviews"].to_list()))
        fig.add_trace(go.Bar(y=[sources.get(s, s) for s in order], x=[counts.get(s, 0) for s in order],
                             orientation="h", name=names[label], marker_color=color,
                             hovertemplate="%{y}: %{x}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack", height=max(200, 70 + 40 * len(order)), xaxis=dict(title=x_title),
                      yaxis=dict(title=None))
    return fig


@escapes_labels
def rating_bars(frame: pl.DataFrame, *, x_title: str, y_title: str) -> go.Figure:
    """Reviews per star rating 1..5 (``rating``, ``reviews``, ``share``)."""
    require_columns(frame, ["rating", "reviews", "share"], "rating_bars")
    colors = {1: "#dc2626", 2: "#f87171", 3: "#94a3b8", 4: "#4ade80", 5: "#16a34a"}
    fig = go.Figure(go.Bar(
        x=[f"{r} ★" for r in frame["rating"].to_list()], y=frame["reviews"].to_list(),
        marker_color=[colors.get(r, NEUTRAL) for r in frame["rating"].to_list()],
        customdata=[(s or 0) * 100 for s in frame["share"].to_list()],
        hovertemplate="%{x}: %{y} (%{customdata:.1f}%)<extra></extra>",
    ))
    fig.update_layout(height=280, xaxis=dict(title=x_title), yaxis=dict(title=y_title), showlegend=False)
    return fig


@escapes_labels
def rates_over_time(frame: pl.DataFrame, *, series: Mapping[str, str], y_title: str,
                    colors: Sequence[str] = (COLOR, "#7c3aed")) -> go.Figure:
    """Ratios per period as lines in % (``period`` plus the columns named in ``series``)."""
    require_columns(frame, ["period", *series], "rates_over_time")
    fig = go.Figure()
    for (col, name), color in zip(series.items(), colors):
        fig.add_trace(go.Scatter(x=frame["period"].to_list(), y=(frame[col] * 100).to_list(), name=name,
                                 mode="lines+markers", line=dict(color=color, width=2), marker=dict(size=5),
                                 hovertemplate="%{x|%d %b %Y}: %{y:.1f}%<extra>%{fullData.name}</extra>"))
    fig.update_layout(height=280, yaxis=dict(title=y_title, range=[0, 105]))
    return fig


@escapes_labels
def hours_against_standard(frame: pl.DataFrame, *, column: str, name: str, standard: float, standard_label: str,
                           y_title: str) -> go.Figure:
    """Median hours per period as a line, with the service standard as a dashed line."""
    require_columns(frame, ["period", column], "hours_against_standard")
    fig = go.Figure(go.Scatter(x=frame["period"].to_list(), y=frame[column].to_list(), name=name,
                               mode="lines+markers", line=dict(color=COLOR, width=2), marker=dict(size=5),
                               hovertemplate="%{x|%d %b %Y}: %{y:.1f} h<extra></extra>"))
    fig.add_hline(y=standard, line=dict(color="#dc2626", dash="dash", width=1.5), annotation_text=standard_label,
                  annotation_position="top left")
    top = max([standard, *[v for v in frame[column].to_list() if v is not None]]) * 1.15
    fig.update_layout(height=280, yaxis=dict(title=y_title, range=[0, top]), showlegend=False)
    return fig


@escapes_labels
def complaints_and_share(frame: pl.DataFrame, *, bar_title: str, share_name: str, y_title: str,
                         y2_title: str) -> go.Figure:
    """Complaints per period as bars, the share resolved within the standard as a line (right axis, %)."""
    require_columns(frame, ["period", "complaints", "within_standard_share"], "complaints_and_share")
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame["period"].to_list(), y=frame["complaints"].to_list(), name=bar_title,
                         marker_color=_alpha(NEUTRAL, 0.45), hovertemplate="%{x|%d %b %Y}: %{y}<extra></extra>"))
    fig.add_trace(go.Scatter(x=frame["period"].to_list(), y=(frame["within_standard_share"] * 100).to_list(),
                             name=share_name, yaxis="y2", mode="lines+markers", line=dict(color=COLOR, width=2.5),
                             hovertemplate="%{x|%d %b %Y}: %{y:.1f}%<extra>%{fullData.name}</extra>"))
    fig.update_layout(height=300, yaxis=dict(title=y_title),
                      yaxis2=dict(title=y2_title, overlaying="y", side="right", range=[0, 105], showgrid=False,
                                  tickmode="array", tickvals=[0, 25, 50, 75, 100]))
    return fig


@escapes_labels
def nps_by_handling(frame: pl.DataFrame, *, labels: Mapping[str, str], x_title: str) -> go.Figure:
    """NPS after a complaint, per handling, with ± margin (``handling``, ``nps``, ``margin_of_error``, ``n``)."""
    require_columns(frame, ["handling", "nps", "margin_of_error", "n"], "nps_by_handling")
    frame = frame.filter(pl.col("nps").is_not_null())
    colors = {"within_standard": "#16a34a", "late": "#dc2626"}
    fig = go.Figure(go.Bar(
        y=[labels.get(h, h) for h in frame["handling"].to_list()], x=frame["nps"].to_list(), orientation="h",
        error_x=dict(type="data", array=frame["margin_of_error"].to_list(), color="#475569", thickness=1.2),
        marker_color=[colors.get(h, NEUTRAL) for h in frame["handling"].to_list()],
        text=[f"{v:+.0f}" for v in frame["nps"].to_list()], textposition="inside", insidetextanchor="middle",
        textfont=dict(color="white"),
        customdata=list(zip(frame["margin_of_error"].to_list(), frame["n"].to_list())),
        hovertemplate="%{y}: NPS %{x:+.1f} ± %{customdata[0]:.1f} (n = %{customdata[1]})<extra></extra>",
    ))
    fig.update_layout(height=220, xaxis=dict(title=x_title, zeroline=True, zerolinecolor="#64748b"),
                      yaxis=dict(title=None), showlegend=False)
    return fig


@escapes_labels
def brand_trend(frame: pl.DataFrame, *, names: Mapping[str, str], y_title: str,
                period: tuple[dt.date, dt.date]) -> go.Figure:
    """Share agreeing per survey wave and question, each with its confidence band; the period shaded."""
    require_columns(frame, ["period", "question", "share", "ci_low", "ci_high", "n"], "brand_trend")
    fig = go.Figure()
    for question, color in QUESTION_COLORS.items():
        part = frame.filter(pl.col("question") == question)
        if part.height == 0:
            continue
        x = part["period"].to_list()
        fig.add_trace(go.Scatter(x=x + x[::-1], y=(part["ci_high"] * 100).to_list() + (part["ci_low"] * 100).to_list()[::-1],
                                 fill="toself", fillcolor=_alpha(color, 0.15), line=dict(width=0), hoverinfo="skip",
                                 showlegend=False, name=f"{question} band"))
        fig.add_trace(go.Scatter(
            x=x, y=(part["share"] * 100).to_list(), mode="lines+markers", name=names.get(question, question),
            line=dict(color=color, width=2.5 if question == "trust" else 1.5), marker=dict(size=5),
            customdata=list(zip((part["ci_low"] * 100).to_list(), (part["ci_high"] * 100).to_list(),
                                part["n"].to_list())),
            hovertemplate="%{x|%b %Y}: %{y:.1f}% (%{customdata[0]:.1f}–%{customdata[1]:.1f}%, n = %{customdata[2]})"
                          "<extra>%{fullData.name}</extra>",
        ))
    fig.add_vrect(x0=period[0], x1=period[1], fillcolor=_alpha(COLOR, 0.08), line_width=0, layer="below")
    fig.update_layout(height=320, yaxis=dict(title=y_title))
    return fig
