"""Chart builders: finished frames in, plotly figures out. One theme, one set of pillar colours."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import plotly.graph_objects as go
from babel.dates import get_day_names, get_month_names
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


# --- language ------------------------------------------------------------------------------------
# Plotly's own texts (month names on date axes, separators) are English unless told otherwise. The
# figure gets the language's separators (``layout.separators``: decimal then thousands); the chart's
# ``config`` carries a plotly locale built from Babel's calendar data (plotly takes locale definitions
# through ``config.locales``, no extra script needed), so date axes read 'окт. 2026'. Hover dates in
# Russian are written day first as digits ('05.10.2026'), which needs no month name in any case.

SEPARATORS = {"en": ".,", "ru": ", "}
_HOVER_DATE = re.compile(r"%\{([^}|]+)\|%-?d %b %Y\}")


@functools.cache
def plotly_locale(lang: str) -> dict[str, Any]:
    """A plotly locale definition (``{"format": {...}}``) of the language's months, days and separators."""
    where = {"en": "en_GB", "ru": "ru_RU"}.get(lang, "en_GB")
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    decimal, thousands = SEPARATORS.get(lang, SEPARATORS["en"])
    return {"format": {
        "days": [get_day_names("wide", "format", where)[d] for d in sunday_first],
        "shortDays": [get_day_names("abbreviated", "format", where)[d] for d in sunday_first],
        "months": [get_month_names("wide", "stand-alone", where)[m] for m in range(1, 13)],
        "shortMonths": [get_month_names("abbreviated", "stand-alone", where)[m] for m in range(1, 13)],
        "periods": ["AM", "PM"], "dateTime": "%a %b %e %X %Y", "date": "%d.%m.%Y" if lang == "ru" else "%d/%m/%Y",
        "time": "%H:%M:%S", "decimal": decimal, "thousands": thousands, "grouping": [3], "currency": ["", ""],
        "year": "%Y", "month": "%b %Y", "dayMonth": "%-d %b", "dayMonthYear": "%-d %b %Y",
    }}


def chart_config(lang: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The plotly ``config`` of a chart in the language (``config`` entries win)."""
    return {"locale": lang, "locales": {lang: plotly_locale(lang)}, **(config or {})}


def localise_figure(fig: go.Figure, lang: str) -> go.Figure:
    """The figure with the language's separators and, in Russian, hover dates written as 05.10.2026 and axis
    numbers written out in full ('2 000 000': plotly's short forms '2M' and '2k' are English)."""
    fig.update_layout(separators=SEPARATORS.get(lang, SEPARATORS["en"]))
    if lang == "ru":
        fig.update_xaxes(exponentformat="none", separatethousands=True)
        fig.update_yaxes(exponentformat="none", separatethousands=True)
        for trace in fig.data:
            template = trace["hovertemplate"] if "hovertemplate" in trace else None
            if isinstance(template, str):
                trace["hovertemplate"] = _HOVER_DATE.sub(r"%{\1|%d.%m.%Y}", template)
    return fig
