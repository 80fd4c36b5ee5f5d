"""Chart builders: finished frames in, plotly figures out. One theme, one set of pillar colours."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

PILLAR_COLORS = {"sales": "#2563eb", "reputation": "#d97706", "communication": "#059669"}
NEUTRAL = "#64748b"
FONT = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

pio.templates["dashboard"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=13, color="#1f2937"),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        colorway=["#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626", "#0891b2", "#65a30d", "#db2777"],
        xaxis=dict(showgrid=False, linecolor="#cbd5e1", ticks="outside", tickcolor="#cbd5e1"),
        yaxis=dict(gridcolor="#e2e8f0", zerolinecolor="#cbd5e1"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        margin=dict(l=10, r=10, t=30, b=10),
        hoverlabel=dict(font_family=FONT),
    )
)
pio.templates.default = "plotly_white+dashboard"


class ChartDataError(ValueError):
    """A chart builder was given a frame without the columns it needs."""


def require_columns(frame: pl.DataFrame, columns: Sequence[str], chart: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ChartDataError(f"{chart}: missing columns {missing}; got {frame.columns}")


def sparkline(frame: pl.DataFrame, *, x: str, y: str, color: str, y_title: str, hover_format: str = ",.0f",
              band: tuple[str, str] | None = None) -> go.Figure:
    """A small line chart with no chrome, for a KPI card. ``band`` = (low, high) columns drawn as a ribbon."""
    require_columns(frame, [x, y, *(band or ())], "sparkline")
    fig = go.Figure()
    if band:
        fig.add_trace(go.Scatter(
            x=frame[x].to_list() + frame[x].to_list()[::-1],
            y=frame[band[1]].to_list() + frame[band[0]].to_list()[::-1],
            fill="toself", fillcolor=_alpha(color, 0.15), line=dict(width=0), hoverinfo="skip",
            showlegend=False, name="band",
        ))
    fig.add_trace(go.Scatter(
        x=frame[x].to_list(), y=frame[y].to_list(), mode="lines", line=dict(color=color, width=2),
        name=y_title, hovertemplate=f"%{{x|%d %b %Y}}<br>%{{y:{hover_format}}}<extra></extra>",
        showlegend=False,
    ))
    fig.update_layout(
        height=110, margin=dict(l=0, r=0, t=4, b=0),
        xaxis=dict(visible=False), yaxis=dict(visible=False, title=y_title),
    )
    return fig


def _alpha(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def pillar_spend_bar(frame: pl.DataFrame, *, labels: dict[str, str], money_title: str) -> go.Figure:
    """One horizontal stacked bar: the budget split by pillar (``pillar``, ``spend``, ``share``)."""
    require_columns(frame, ["pillar", "spend", "share"], "pillar_spend_bar")
    fig = go.Figure()
    for row in frame.iter_rows(named=True):
        fig.add_trace(go.Bar(
            x=[row["spend"]], y=[""], orientation="h", name=labels.get(row["pillar"], row["pillar"]),
            marker_color=PILLAR_COLORS.get(row["pillar"], NEUTRAL),
            customdata=[[(row["share"] or 0) * 100]],
            hovertemplate="%{fullData.name}: %{x:,.0f} (%{customdata[0]:.1f}%)<extra></extra>",
        ))
    fig.update_layout(barmode="stack", height=90, xaxis=dict(title=money_title, showgrid=False),
                      yaxis=dict(visible=False), margin=dict(l=0, r=0, t=24, b=0))
    return fig
