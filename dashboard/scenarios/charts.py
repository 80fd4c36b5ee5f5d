"""Charts of the Budget scenarios page: finished frames in, plotly figures out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import NEUTRAL, escape_label, escapes_labels, require_columns

CHANNEL_COLORS = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626", "#0891b2", "#65a30d", "#db2777",
                  "#9333ea", "#0d9488"]


def channel_color(index: int) -> str:
    return CHANNEL_COLORS[index % len(CHANNEL_COLORS)]


@escapes_labels
def response_curves_chart(curves: pl.DataFrame, points: pl.DataFrame, *, y: str, names: dict[str, str],
                          x_title: str, y_title: str, point_names: dict[str, str], hover_y: str = ",.0f",
                          ) -> go.Figure:
    """One line per channel (solid over budgets seen in history, dotted beyond), and the plan points.

    ``curves``: ``channel_id``, ``budget``, ``observed`` and the ``y`` column; ``points``:
    ``channel_id``, ``which`` (a key of ``point_names``), ``budget``, ``y``.
    """
    require_columns(curves, ["channel_id", "budget", "observed", y], "response_curves_chart")
    require_columns(points, ["channel_id", "which", "budget", "y"], "response_curves_chart")
    fig = go.Figure()
    symbols = {key: sym for key, sym in zip(point_names, ("circle-open", "diamond"))}
    for i, ch in enumerate(dict.fromkeys(curves["channel_id"].to_list())):
        part = curves.filter(pl.col("channel_id") == ch)
        color = channel_color(i)
        seen = part.filter(pl.col("observed"))
        beyond = part.filter(~pl.col("observed"))
        if beyond.height and seen.height:  # join the dotted part to the solid one
            beyond = pl.concat([seen.tail(1), beyond])
        fig.add_trace(go.Scatter(
            x=seen["budget"].to_list(), y=seen[y].to_list(), mode="lines", name=names.get(ch, ch),
            legendgroup=ch, line=dict(color=color, width=2),
            hovertemplate=f"%{{fullData.name}}<br>%{{x:,.0f}} → %{{y:{hover_y}}}<extra></extra>",
        ))
        if beyond.height:
            fig.add_trace(go.Scatter(
                x=beyond["budget"].to_list(), y=beyond[y].to_list(), mode="lines", name=names.get(ch, ch),
                legendgroup=ch, showlegend=False, line=dict(color=color, width=2, dash="dot"),
                hovertemplate=f"%{{fullData.name}}<br>%{{x:,.0f}} → %{{y:{hover_y}}}<extra></extra>",
            ))
        for which, label in point_names.items():
            pt = points.filter((pl.col("channel_id") == ch) & (pl.col("which") == which))
            if pt.height:
                fig.add_trace(go.Scatter(
                    x=pt["budget"].to_list(), y=pt["y"].to_list(), mode="markers", name=label,
                    legendgroup=f"points-{which}", showlegend=False,
                    marker=dict(color=color, size=11, symbol=symbols.get(which, "circle"),
                                line=dict(width=2, color=color)),
                    hovertemplate=f"{escape_label(names.get(ch, ch))} · {label}<br>%{{x:,.0f}} → "
                                  f"%{{y:{hover_y}}}<extra></extra>",
                ))
    for which, label in point_names.items():  # legend entries for the two kinds of points
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label, legendgroup=f"points-{which}",
                                 marker=dict(color=NEUTRAL, size=10, symbol=symbols.get(which, "circle"),
                                             line=dict(width=2, color=NEUTRAL))))
    fig.update_layout(height=460, xaxis=dict(title=x_title, rangemode="tozero"),
                      yaxis=dict(title=y_title, rangemode="tozero"), margin=dict(l=10, r=10, t=60, b=10))
    return fig


@escapes_labels
def what_if_chart(curve: pl.DataFrame, *, y: str, budget: float, current: float, x_title: str, y_title: str,
                  romi_title: str, labels: dict[str, str], color: str) -> go.Figure:
    """One channel: its curve (left axis), marginal ROMI (right axis), the current and what-if budgets."""
    require_columns(curve, ["budget", y, "marginal_romi"], "what_if_chart")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=curve["budget"].to_list(), y=curve[y].to_list(), mode="lines", name=y_title,
                             line=dict(color=color, width=3),
                             hovertemplate="%{x:,.0f} → %{y:,.0f}<extra></extra>"))
    positive = curve.filter(pl.col("budget") > 0)  # the slope at zero spend is a limit, not a budget
    fig.add_trace(go.Scatter(x=positive["budget"].to_list(), y=(positive["marginal_romi"] * 100).to_list(),
                             mode="lines", name=romi_title, yaxis="y2", line=dict(color=NEUTRAL, width=2, dash="dash"),
                             hovertemplate="%{x:,.0f} → %{y:.0f}%<extra></extra>"))
    marks = [(current, labels["current"], "dot", "top left")]
    if budget != current:
        marks.append((budget, labels["what_if"], "solid", "top right"))
        if budget < current:
            marks = [(current, labels["current"], "dot", "top right"), (budget, labels["what_if"], "solid", "top left")]
    for x, label, dash, position in marks:
        fig.add_vline(x=x, line=dict(color="#94a3b8" if dash == "dot" else color, dash=dash, width=1.5),
                      annotation_text=label, annotation_position=position)
    fig.update_layout(
        height=380, xaxis=dict(title=x_title, rangemode="tozero"),
        yaxis=dict(title=y_title, rangemode="tozero"),
        yaxis2=dict(title=romi_title, overlaying="y", side="right", showgrid=False, ticksuffix="%",
                    tickmode="auto", zeroline=True, zerolinecolor="#cbd5e1"),
        legend=dict(y=1.12), margin=dict(l=10, r=10, t=70, b=10),
    )
    return fig
