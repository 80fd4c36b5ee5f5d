"""Reusable pieces of a page: KPI cards, notices, the share link, tables and the period line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from connectors.export import neutralise_formulas
from dashboard.filters import code_span, escape_markdown
from dashboard.i18n import fmt_number, fmt_pct, t
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


def table(data, **kwargs):
    """``st.dataframe`` with the app's defaults: no index, missing values shown as "—", and no formulas.

    The table's toolbar ("Download as CSV") and the clipboard copy write cells exactly as shown, so text
    that a spreadsheet would run as a formula (an imported campaign called ``=HYPERLINK(...)``) is shown
    with a leading apostrophe, as in the app's own downloads; signed numbers such as '-12.5%' stay as
    they are.
    """
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "—")
    if isinstance(data, pl.DataFrame):
        data = neutralise_formulas(data, keep_signed_numbers=True)
    return st.dataframe(data, **kwargs)


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
               scale: float = 1.0, covered: bool = True) -> str | None:
    """The change shown under a KPI; ASCII sign first so the colour follows it.

    ``points``: an absolute difference in points (NPS, or a share × ``scale`` = 100 for p.p.).
    ``covered``: False when the comparison period starts before the KPI's source has data
    (:func:`dashboard.freshness.comparison_covered`): "no comparison data" instead of a change.
    """
    if not covered and current is not None:
        return t("fresh.no_comparison", lang)
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


def no_data_notice(ctx, tables: Sequence[str]) -> bool:
    """When none of ``tables`` holds a row: say what to load, link the Data page and offer each table's
    template; True when shown (the page then shows nothing else, rather than zeros that look like results)."""
    if ctx.bounds.has_rows(tables) or not ctx.bounds.sources:
        return False
    from connectors.export import csv_bytes
    from connectors.imports.rules import IMPORTABLE
    from connectors.imports.templates import template

    lang = ctx.lang
    names = ", ".join(t(f"table.{name}", lang) for name in tables)
    with st.container(border=True):
        st.markdown(f"#### :material/inventory_2: {t('nodata.title', lang)}")
        st.info(t("nodata.body", lang, tables=names), icon=":material/upload_file:")
        st.page_link("pages/data.py", label=t("nodata.link", lang), icon=":material/database:")
        cols = st.columns(min(len(tables), 4) or 1)
        for i, name in enumerate(n for n in tables if n in IMPORTABLE):
            cols[i % len(cols)].download_button(
                t("nodata.template", lang, table=t(f"table.{name}", lang)), csv_bytes(template(name)),
                file_name=f"{name}_template.csv", mime="text/csv", key=f"nodata_tpl_{name}", on_click="ignore",
                icon=":material/download:")
    return True


def freshness_banner(bounds, lang: str) -> None:
    """'Sources end on different days: orders up to 31 Oct · spend up to 4 Nov ...' when they do."""
    from dashboard.i18n import fmt_date

    off = bounds.off_sources()
    if not off:
        return
    parts = " · ".join(t("fresh.source", lang, table=t(f"table.{name}", lang), date=fmt_date(last, lang))
                       for name, last in off)
    st.info(t("fresh.lag", lang, sources=parts, date=fmt_date(bounds.last, lang)), icon=":material/update:")
