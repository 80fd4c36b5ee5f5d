"""Charts of the Retention & profit page: finished frames in, plotly figures out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import NEUTRAL, PILLAR_COLORS, escapes_labels, require_columns

FOLKLORE = (0.25, 0.95)  # "+5% retention -> +25–95% profit"
FOLKLORE_DELTA = 5.0


@escapes_labels
def cohort_heatmap(cohorts: pl.DataFrame, *, x_title: str, y_title: str, value_title: str,
                   max_months: int = 24) -> go.Figure:
    """Retention (%) of each acquisition-month cohort (rows) by months since acquisition (columns, from 1)."""
    require_columns(cohorts, ["cohort", "months_since", "retention"], "cohort_heatmap")
    data = cohorts.filter(pl.col("months_since").is_between(1, max_months))
    grid = data.pivot(on="months_since", index="cohort", values="retention", sort_columns=True).sort("cohort")
    months = [c for c in grid.columns if c != "cohort"]
    z = [[None if v is None else v * 100 for v in row] for row in grid.select(months).rows()]
    fig = go.Figure(go.Heatmap(
        z=z, x=[int(m) for m in months], y=[d.strftime("%Y-%m") for d in grid["cohort"]],
        colorscale="Blues", zmin=0, colorbar=dict(title=value_title, ticksuffix="%"),
        hovertemplate="%{y}, +%{x}: %{z:.1f}%<extra></extra>",
    ))
    fig.update_layout(height=420, xaxis=dict(title=x_title, dtick=3),
                      yaxis=dict(title=y_title, autorange="reversed", type="category"))
    return fig


@escapes_labels
def retention_curves(curves: pl.DataFrame, *, names: dict[str, str], x_title: str, y_title: str,
                     min_customers: int = 30, max_months: int = 24) -> go.Figure:
    """One line per acquisition channel: share of customers buying in month k (points with few customers dropped)."""
    require_columns(curves, ["acquisition_channel_id", "months_since", "customers", "retention"], "retention_curves")
    data = curves.filter(pl.col("months_since").is_between(1, max_months) & (pl.col("customers") >= min_customers))
    fig = go.Figure()
    for channel in sorted(data["acquisition_channel_id"].unique().to_list()):
        part = data.filter(pl.col("acquisition_channel_id") == channel)
        fig.add_trace(go.Scatter(
            x=part["months_since"].to_list(), y=(part["retention"] * 100).to_list(), mode="lines",
            name=names.get(channel, channel), customdata=part["customers"].to_list(),
            hovertemplate="%{fullData.name}, +%{x}: %{y:.1f}% (n = %{customdata:,})<extra></extra>",
        ))
    fig.update_layout(height=420, xaxis=dict(title=x_title, dtick=3), yaxis=dict(title=y_title, ticksuffix="%"),
                      legend=dict(orientation="h", y=-0.25, yanchor="top"))
    return fig


@escapes_labels
def historical_clv_chart(curve: pl.DataFrame, *, x_title: str, y_title: str) -> go.Figure:
    """Cumulative gross profit per acquired customer by months since acquisition, one line per acquisition year."""
    require_columns(curve, ["year", "months_since", "clv"], "historical_clv_chart")
    fig = go.Figure()
    for year in sorted(curve["year"].unique().to_list()):
        part = curve.filter(pl.col("year") == year)
        fig.add_trace(go.Scatter(x=part["months_since"].to_list(), y=part["clv"].to_list(), mode="lines",
                                 name=str(year), hovertemplate=f"{year}, +%{{x}}: %{{y:,.0f}}<extra></extra>"))
    fig.update_layout(height=360, xaxis=dict(title=x_title, dtick=6), yaxis=dict(title=y_title))
    return fig


@escapes_labels
def clv_distribution_chart(dist: pl.DataFrame, *, x_title: str, y_title: str) -> go.Figure:
    """Customers by predicted CLV (pre-binned; the last bin is open-ended)."""
    require_columns(dist, ["bin_start", "bin_end", "customers"], "clv_distribution_chart")
    mid = ((dist["bin_start"] + dist["bin_end"]) / 2).to_list()
    fig = go.Figure(go.Bar(
        x=mid, y=dist["customers"].to_list(), width=(dist["bin_end"] - dist["bin_start"]).to_list(),
        marker_color=PILLAR_COLORS["sales"], customdata=dist.select("bin_start", "bin_end").rows(),
        hovertemplate="%{customdata[0]:,.0f} – %{customdata[1]:,.0f}: %{y:,}<extra></extra>",
    ))
    fig.update_layout(height=360, bargap=0.05, xaxis=dict(title=x_title), yaxis=dict(title=y_title))
    return fig


@escapes_labels
def sensitivity_chart(sens: pl.DataFrame, *, delta: float, x_title: str, y_title: str, ours: str,
                      folklore: str) -> go.Figure:
    """Profit difference (%) against the retention increase (points), with the folklore range at +5 points."""
    require_columns(sens, ["delta_points", "difference_pct", "difference"], "sensitivity_chart")
    data = sens.filter(pl.col("difference_pct").is_not_null())
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=data["delta_points"].to_list(), y=(data["difference_pct"] * 100).to_list(), mode="lines+markers",
        name=ours, line=dict(color=PILLAR_COLORS["reputation"], width=3), customdata=data["difference"].to_list(),
        hovertemplate="+%{x:.1f} pp: +%{y:.1f}% (%{customdata:,.0f})<extra></extra>",
    ))
    low, high = FOLKLORE
    fig.add_trace(go.Scatter(
        x=[FOLKLORE_DELTA], y=[(low + high) / 2 * 100], mode="markers", name=folklore,
        marker=dict(color=NEUTRAL, size=10, symbol="diamond"),
        error_y=dict(type="data", array=[(high - low) / 2 * 100], color=NEUTRAL, thickness=2, width=10),
        hovertemplate=f"{folklore}: +{low:.0%} … +{high:.0%}<extra></extra>",
    ))
    fig.add_vline(x=delta, line=dict(color=NEUTRAL, dash="dot"))
    fig.update_layout(height=380, xaxis=dict(title=x_title, range=[-0.3, 10.3], dtick=1),
                      yaxis=dict(title=y_title, ticksuffix="%", rangemode="tozero"),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom"))
    return fig
