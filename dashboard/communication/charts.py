"""Chart builders of the Communication page: finished frames in, plotly figures out.

Labels come in translated (the builders know no language); rates are fractions drawn as %. Number
and date formats come in too (``locale``, see :func:`chart_locale`): decimal and thousands
separators, the date format of hover labels and, when given, of the date axis.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import NEUTRAL, PILLAR_COLORS, escapes_labels, require_columns

GREEN = PILLAR_COLORS["communication"]
LOSS = "#dc2626"
NETWORK_COLORS = {"vk": "#2563eb", "telegram": "#0891b2", "ok": "#d97706", "all": GREEN}
TYPE_COLORS = {"conversation": GREEN, "useful": "#0891b2", "promo": "#dc2626"}
LOCALES = {
    "en": {"separators": ".,", "hover_date": "%d %b %Y", "tick_date": None},
    "ru": {"separators": ", ", "hover_date": "%d.%m.%Y", "tick_date": "%d.%m.%y"},
}


def chart_locale(lang: str) -> dict:
    """Separators and date formats for a language (plotly's own month names are English only)."""
    return LOCALES.get(lang, LOCALES["en"])


def _hover(locale: dict | None) -> str:
    return (locale or LOCALES["en"])["hover_date"]


def _localise(fig: go.Figure, locale: dict | None, *, dates: bool = True) -> go.Figure:
    loc = locale or LOCALES["en"]
    fig.update_layout(separators=loc["separators"])
    if dates and loc["tick_date"]:
        fig.update_xaxes(tickformat=loc["tick_date"])
    return fig


@escapes_labels
def er_trend(frame: pl.DataFrame, *, names: dict[str, str], y_title: str, locale: dict | None = None) -> go.Figure:
    """Engagement rate per period, one line per network plus the all-networks line.

    ``frame``: ``period``, ``network``, ``er`` (0..1); ``names``: network code -> label.
    """
    require_columns(frame, ["period", "network", "er"], "er_trend")
    fig = go.Figure()
    for network in [n for n in frame["network"].unique(maintain_order=True).to_list() if n != "all"] + ["all"]:
        part = frame.filter(pl.col("network") == network).sort("period")
        if part.height == 0:
            continue
        fig.add_trace(go.Scatter(
            x=part["period"].to_list(), y=part["er"].to_list(), mode="lines+markers" if part.height < 3 else "lines",
            name=names.get(network, network), line=dict(color=NETWORK_COLORS.get(network, NEUTRAL),
                                                        width=3 if network == "all" else 1.6),
            hovertemplate=f"%{{x|{_hover(locale)}}}: %{{y:.2%}}<extra>%{{fullData.name}}</extra>",
        ))
    fig.update_layout(height=330, yaxis=dict(title=y_title, tickformat=".1%", rangemode="tozero"),
                      xaxis=dict(title=None), hovermode="x unified")
    return _localise(fig, locale)


@escapes_labels
def follower_flow(frame: pl.DataFrame, *, gained: str, lost: str, net: str, y_title: str,
                  locale: dict | None = None) -> go.Figure:
    """Followers gained (up) and lost (down) per period, with the net change as a line.

    ``frame``: ``period``, ``gained``, ``lost``, ``net`` (counts).
    """
    require_columns(frame, ["period", "gained", "lost", "net"], "follower_flow")
    x = frame["period"].to_list()
    day = _hover(locale)
    fig = go.Figure([
        go.Bar(x=x, y=frame["gained"].to_list(), name=gained, marker_color=GREEN,
               hovertemplate=f"%{{x|{day}}}: +%{{y:,}}<extra>%{{fullData.name}}</extra>"),
        go.Bar(x=x, y=(-frame["lost"]).to_list(), name=lost, marker_color=LOSS,
               customdata=frame["lost"].to_list(),
               hovertemplate=f"%{{x|{day}}}: −%{{customdata:,}}<extra>%{{fullData.name}}</extra>"),
        go.Scatter(x=x, y=frame["net"].to_list(), name=net, mode="lines+markers", line=dict(color="#1f2937", width=2),
                   hovertemplate=f"%{{x|{day}}}: %{{y:+,}}<extra>%{{fullData.name}}</extra>"),
    ])
    fig.update_layout(barmode="relative", height=330, yaxis=dict(title=y_title), xaxis=dict(title=None),
                      hovermode="x unified")
    return _localise(fig, locale)


@escapes_labels
def post_type_rates(frame: pl.DataFrame, *, names: dict[str, str], x_title: str,
                    locale: dict | None = None) -> go.Figure:
    """Engagement rate by post type as horizontal bars with their 95% intervals.

    ``frame``: ``post_type``, ``er_reach``, ``er_low``, ``er_high``.
    """
    require_columns(frame, ["post_type", "er_reach", "er_low", "er_high"], "post_type_rates")
    er = frame["er_reach"].fill_null(0.0)
    fig = go.Figure(go.Bar(
        y=[names.get(p, p) for p in frame["post_type"].to_list()], x=er.to_list(), orientation="h",
        marker_color=[TYPE_COLORS.get(p, NEUTRAL) for p in frame["post_type"].to_list()],
        error_x=dict(type="data", symmetric=False, color="#1f2937",
                     array=(frame["er_high"].fill_null(0.0) - er).to_list(),
                     arrayminus=(er - frame["er_low"].fill_null(0.0)).to_list()),
        hovertemplate="%{y}: %{x:.2%}<extra></extra>",
    ))
    fig.update_layout(height=230, xaxis=dict(title=x_title, tickformat=".1%", rangemode="tozero"),
                      yaxis=dict(title=None, autorange="reversed"), showlegend=False)
    return _localise(fig, locale, dates=False)


@escapes_labels
def email_funnel_chart(funnel: pl.DataFrame, *, stages: dict[str, str], texts: dict[str, str]) -> go.Figure:
    """Delivered → opened → clicked, from one row of ``email_funnel``.

    ``stages``: column -> label; ``texts``: column -> the value as the page formats it (locale).
    """
    require_columns(funnel, ["delivered", "unique_opens", "unique_clicks"], "email_funnel_chart")
    r = funnel.row(0, named=True)
    keys = ["delivered", "unique_opens", "unique_clicks"]
    fig = go.Figure(go.Funnel(
        y=[stages[k] for k in keys], x=[r[k] for k in keys], text=[texts[k] for k in keys], textinfo="text",
        cliponaxis=False,
        marker=dict(color=[GREEN, "#34d399", "#a7f3d0"]),
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    fig.update_layout(height=260, margin=dict(l=10, r=80, t=10, b=10))  # room for labels beside narrow bars
    return fig


@escapes_labels
def rate_lines(frame: pl.DataFrame, *, series: dict[str, str], y_title: str, dashed: tuple[str, ...] = (),
               locale: dict | None = None) -> go.Figure:
    """Rates (fractions) per period, one line per column named in ``series`` (column -> label)."""
    require_columns(frame, ["period", *series], "rate_lines")
    colors = [GREEN, "#2563eb", "#d97706", "#7c3aed"]
    fig = go.Figure()
    for i, (col, label) in enumerate(series.items()):
        fig.add_trace(go.Scatter(
            x=frame["period"].to_list(), y=frame[col].to_list(), name=label,
            mode="lines+markers" if frame.height < 3 else "lines",
            line=dict(color=colors[i % len(colors)], width=2, dash="dot" if col in dashed else "solid"),
            hovertemplate=f"%{{x|{_hover(locale)}}}: %{{y:.1%}}<extra>%{{fullData.name}}</extra>",
        ))
    fig.update_layout(height=300, yaxis=dict(title=y_title, tickformat=".0%", rangemode="tozero"),
                      xaxis=dict(title=None), hovermode="x unified")
    return _localise(fig, locale)
