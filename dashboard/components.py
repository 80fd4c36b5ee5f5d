"""Reusable pieces of a page: KPI cards, notices, the share link, tables and the period line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from connectors.export import neutralise_formulas
from dashboard.filters import code_span, escape_markdown
from dashboard.i18n import DASH, GROUPED_FROM, fmt_number, fmt_pct, number_formatter, t
from metrics.periods import change
from metrics.specs import spec


_CSS_PATH = Path(__file__).parent / "assets" / "app.css"


def app_css() -> None:
    """The app's few layout rules (a static file; nothing from data goes into it)."""
    st.html(f"<style>{_CSS_PATH.read_text(encoding='utf-8')}</style>")


def metric_help(name: str, lang: str, extra: str | None = None) -> str:
    """The definition of a registered metric, for the hover help next to its number."""
    text = spec(name).description_for(lang)
    return f"{text}\n\n{extra}" if extra else text


def kpi(label: str, value: str, *, delta: str | None = None, delta_color: str = "normal", help: str | None = None,
        trend: Sequence[float] | None = None, width: str | int = "stretch") -> None:
    """One KPI card: the value, its change, its definition on hover, an optional small trend."""
    flat = delta is not None and delta[:1] not in "+-"  # an unchanged value: no arrow, no colour
    st.metric(
        label, value, delta=delta, delta_color="off" if flat else delta_color, help=help, border=True,
        chart_data=list(trend) if trend else None, chart_type="area" if trend else "line",
        delta_arrow="off" if flat else "auto", width=width,
    )


def show_link_notice(problems: Sequence[str], lang: str) -> None:
    if problems:
        items = ", ".join(code_span(p) if p.isidentifier() else escape_markdown(p) for p in problems)
        st.warning(t("notice.bad_link", lang, items=items), icon=":material/link_off:")


def share_link(lang: str) -> None:
    """A popover with the full link of this view and a copy button."""
    base = st.context.url or ""
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    query = urlencode([(k, v) for k, values in params.items() for v in values])
    url = f"{base}?{query}" if query else base
    with st.popover(t("share.button", lang), icon=":material/link:", width="stretch"):
        st.caption(t("share.help", lang))
        st.code(url, language=None, wrap_lines=True)


def table(data, *, lang: str | None = None, **kwargs):
    """``st.dataframe`` with the app's defaults: no index, missing values shown as "—", no formulas, and numbers
    written in the view's language.

    The table's toolbar ("Download as CSV") and the clipboard copy write cells exactly as shown, so text
    that a spreadsheet would run as a formula (an imported campaign called ``=HYPERLINK(...)``) is shown
    with a leading apostrophe, as in the app's own downloads; signed numbers such as '-12.5%' stay as
    they are. Number columns keep their numbers (they sort as numbers) and show Babel's text for
    ``lang`` (the view's language by default), see :func:`localised_table`.
    """
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "—")
    if isinstance(data, pl.DataFrame):
        data = neutralise_formulas(data, keep_signed_numbers=True)
        if data.height * max(data.width, 1) <= MAX_STYLED_CELLS:
            from dashboard import state

            data, kwargs["column_config"] = localised_table(data, kwargs.get("column_config"),
                                                            lang or state.lang())
    return st.dataframe(data, **kwargs)


MAX_STYLED_CELLS = 100_000  # larger tables are shown with Streamlit's own number formats


def column_formatters(frame: pl.DataFrame, column_config: dict | None, lang: str) -> dict[str, Callable]:
    """Column -> display text function for the frame's number columns (see ``dashboard.i18n.number_formatter``).

    A column's format comes from its ``NumberColumn``; a column without one is written grouped, except an integer
    column whose values all stay below 10 000 (years, counts of weeks), left as Streamlit shows it.
    """
    config = column_config or {}
    out: dict[str, Callable] = {}
    for name, dtype in frame.schema.items():
        if not dtype.is_numeric() or (name in config and config[name] is None):
            continue
        entry = config.get(name)
        type_config = entry.get("type_config", {}) if isinstance(entry, dict) else {}
        if type_config and type_config.get("type") != "number":
            continue  # a progress bar, a chart, …: Streamlit draws it
        fmt = type_config.get("format")
        if fmt is None and dtype.is_integer():
            largest = frame[name].abs().max()
            if largest is None or largest < GROUPED_FROM:
                continue
        formatter = number_formatter(fmt, lang, integer=dtype.is_integer())
        if formatter is not None:
            out[name] = formatter
    return out


def localised_table(frame: pl.DataFrame, column_config: dict | None, lang: str):
    """The frame as a pandas Styler whose number columns show text in ``lang``, and the column config without
    the formats it replaces (Streamlit would otherwise format those cells again in the browser's locale)."""
    formatters = column_formatters(frame, column_config, lang)
    if not formatters:
        return frame, column_config
    config = dict(column_config or {})
    for name in formatters:
        entry = config.get(name)
        if isinstance(entry, dict) and "type_config" in entry:
            config[name] = {**entry, "type_config": {k: v for k, v in entry["type_config"].items() if k != "format"}}
    styled = frame.to_pandas().style.format(formatters, na_rep=DASH)
    return styled, config


def chart(fig, lang: str | None = None, *, config: dict | None = None, **kwargs) -> None:
    """``st.plotly_chart`` in the view's language: its separators, month names and hover dates
    (``dashboard.charts.localise_figure`` and ``chart_config``)."""
    from dashboard import state
    from dashboard.charts import chart_config, localise_figure

    lang = lang or state.lang()
    kwargs.setdefault("width", "stretch")
    st.plotly_chart(localise_figure(fig, lang), config=chart_config(lang, config), **kwargs)


def period_line(ctx) -> str:
    """'3 Aug 2026 – 31 Oct 2026 · compared with …': the period a page shows, in the page's language."""
    from dashboard.i18n import fmt_date

    lang = ctx.lang
    start, end = ctx.period
    if ctx.comparison:
        return t("showing", lang, start=fmt_date(start, lang), end=fmt_date(end, lang),
                 cstart=fmt_date(ctx.comparison[0], lang), cend=fmt_date(ctx.comparison[1], lang))
    return t("showing.nocompare", lang, start=fmt_date(start, lang), end=fmt_date(end, lang))


def empty_period(lang: str) -> None:
    st.info(t("empty.period", lang), icon=":material/event_busy:")


def delta_text(current: float | None, previous: float | None, lang: str, *, points: bool = False,
               scale: float = 1.0) -> str | None:
    """The change shown under a KPI; ASCII sign first so the colour follows it.

    ``points``: an absolute difference in points (NPS, or a share × ``scale`` = 100 for p.p.).
    """
    diff, rel = change(current, previous)
    if diff is None:
        return None
    unit = " " + ("п." if lang == "ru" else "pts")
    if points:
        diff *= scale
        if round(diff, 1) == 0:
            return fmt_number(0.0, lang, digits=1) + unit
        return f"{'-' if diff < 0 else '+'}{fmt_number(abs(diff), lang, digits=1)}{unit}"
    if rel is None:
        return None
    if round(rel, 3) == 0:  # shown as 0.0%: no sign, no colour
        return fmt_pct(0.0, lang)
    return f"{'-' if rel < 0 else '+'}{fmt_pct(abs(rel), lang)}"
