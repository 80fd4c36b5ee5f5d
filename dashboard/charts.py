"""Chart builders: finished frames in, plotly figures out. One theme, one set of pillar colours."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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


def _alpha(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# --- labels from data ----------------------------------------------------------------------------
# Plotly draws a subset of HTML in every text it shows (legend names, category ticks, bar texts, hover
# labels): a review source called '<a href="…">Click here</a>' would become a real link, '<b>' bold.
# Every builder is wrapped in ``escapes_labels``: the strings of its traces are escaped (``&``, ``<``,
# ``>``; shown exactly as written), so whatever the data holds is drawn as text.

_TRACE_TEXT = ("name", "x", "y", "text", "hovertext", "labels", "customdata")
F = TypeVar("F", bound=Callable[..., go.Figure])


def escape_label(text: str) -> str:
    """One label shown as it is written (for labels put into a template by hand)."""
    return html.escape(text, quote=False)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return escape_label(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_escaped(v) for v in value)
    dtype = getattr(value, "dtype", None)
    if dtype is not None and dtype.kind == "O":  # a numpy array of objects (plotly stores lists so)
        return [_escaped(v) for v in value.tolist()]
    return value


def inert_labels(fig: go.Figure) -> go.Figure:
    """The figure with every string of its traces escaped (see above); numbers and dates untouched."""
    for trace in fig.data:
        for prop in _TRACE_TEXT:
            if prop in trace and trace[prop] is not None:
                trace[prop] = _escaped(trace[prop])
    return fig


def escapes_labels(builder: F) -> F:
    """Mark a chart builder: its figure's labels are escaped before it is returned."""
    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> go.Figure:
        return inert_labels(builder(*args, **kwargs))

    build.escapes_labels = True  # type: ignore[attr-defined]
    return build  # type: ignore[return-value]
