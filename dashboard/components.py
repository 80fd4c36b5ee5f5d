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
        trend: Sequence[float] | None = None, trend_note: str | None = None, width: str | int = "stretch") -> None:
    """One KPI card: the value, its change, its definition on hover, an optional small trend (``trend_note``: the
    dates and step of its points, added to the hover text, as the line itself has no axis)."""
    flat = delta is not None and delta[:1] not in "+-"  # an unchanged value: no arrow, no colour
    if trend and trend_note:
        help = f"{help}\n\n{trend_note}" if help else trend_note
    st.metric(
        label, value, delta=delta, delta_color="off" if flat else delta_color, help=help, border=True,
        chart_data=list(trend) if trend else None, chart_type="area" if trend else "line",
        delta_arrow="off" if flat else "auto", width=width,
    )


def amount_input(container, label: str, *, key: str, step: float, value: float | None = None,
                max_value: float | None = None, **kwargs):
    """A box of an amount (money, leads) in whole units that reads what is typed as a decimal number: "1e12" is a
    trillion (refused by ``max_value`` or the caller's check), where a box of integers reads it as 1 in the browser
    (``parseInt``). A value set in whole units beforehand (a link, the optimiser, a reset) is taken as it is."""
    if isinstance(st.session_state.get(key), int):
        st.session_state[key] = float(st.session_state[key])
    if value is not None and key not in st.session_state:
        kwargs["value"] = float(value)
    return container.number_input(label, min_value=0.0, max_value=None if max_value is None else float(max_value),
                                  step=float(step), key=key, format="%.0f", **kwargs)


def show_link_notice(problems: Sequence[str | tuple[str, Sequence[str]]], lang: str) -> None:
    """The parts of a link that could not be used, each named as the user knows it: the control's name and the
    value the link gave it ('Period `forever`'), never a parameter code (an unknown parameter is shown as
    written). Values are shown as inline code: literally, truncated, never as markdown or HTML."""
    if problems:
        items = ", ".join(link_problem(p, lang) for p in problems)
        st.warning(t("notice.bad_link", lang, items=items), icon=":material/link_off:")


def link_problem(problem: str | tuple[str, Sequence[str]], lang: str) -> str:
    """One unusable part of a link, as the notice names it."""
    param, values = (problem, ()) if isinstance(problem, str) else (problem[0], tuple(problem[1]))
    from dashboard.i18n import MESSAGES

    label = t(f"param.{param}", lang) if f"param.{param}" in MESSAGES else (
        code_span(param) if param.isidentifier() else escape_markdown(param))
    if len(values) > 1:
        return t("notice.given_twice", lang, name=label)
    if values and code_span(values[0]):
        return f"{label} {code_span(values[0])}"
    return label


def share_link(lang: str) -> None:
    """A popover with the full link of this view and a copy button."""
    base = st.context.url or ""
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    query = urlencode([(k, v) for k, values in params.items() for v in values])
    url = f"{base}?{query}" if query else base
    with st.popover(t("share.button", lang), icon=":material/link:", width="stretch"):
        st.caption(t("share.help", lang))
        st.code(url, language=None, wrap_lines=True)


def table(data, *, lang: str | None = None, export: str | None = "table", export_lines: Sequence[str] = (),
          **kwargs):
    """``st.dataframe`` with the app's defaults: no index, missing values shown as "—", no formulas, numbers
    written in the view's language, and the table downloadable as CSV and Excel.

    The table's toolbar ("Download as CSV") and the clipboard copy write cells exactly as shown, so text
    that a spreadsheet would run as a formula (an imported campaign called ``=HYPERLINK(...)``) is shown
    with a leading apostrophe, as in the app's own downloads; signed numbers such as '-12.5%' stay as
    they are. Number columns keep their numbers (they sort as numbers) and show Babel's text for
    ``lang`` (the view's language by default), see :func:`localised_table`.

    ``export``: the downloads' file name (None: no downloads); ``export_lines``: header lines of the files
    after the view's filters and comparison period (:func:`download_buttons`).
    """
    from dashboard import state

    lang = lang or state.lang()
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "—")
    source = data
    if isinstance(data, pl.DataFrame):
        kwargs["column_config"] = pinned_first(data, kwargs.get("column_config"), kwargs.get("column_order"))
        data = neutralise_formulas(data, keep_signed_numbers=True)
        if data.height * max(data.width, 1) <= MAX_STYLED_CELLS:
            data, kwargs["column_config"] = localised_table(data, kwargs.get("column_config"), lang)
    shown = st.dataframe(data, **kwargs)
    if export and isinstance(source, pl.DataFrame) and source.height:
        order = [c for c in kwargs.get("column_order") or () if c in source.columns]
        download_buttons(export_frame(source.select(order) if order else source, kwargs.get("column_config"), lang),
                         export, lang, extra_lines=export_lines)
    return shown


def pinned_first(frame: pl.DataFrame, column_config: dict | None, column_order=None) -> dict:
    """The column config with the first shown column pinned: on a narrow screen a wide table scrolls sideways
    under its row names instead of losing them."""
    config = dict(column_config or {})
    shown = [c for c in (column_order or frame.columns) if c in frame.columns and config.get(c, "") is not None]
    if not shown:
        return config
    first = shown[0]
    entry = config.get(first)
    if isinstance(entry, dict):
        config[first] = {**entry, "pinned": True}
    else:
        config[first] = {"label": entry, "pinned": True} if isinstance(entry, str) else {"pinned": True}
    return config


MAX_STYLED_CELLS = 20_000  # a styled table costs about 30 ms per 1,000 cells; larger ones keep Streamlit's formats


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


# --- downloads -----------------------------------------------------------------------------------------
CHANNEL_COLUMNS = ("channel_id", "channel", "first_channel", "acquisition_channel")


def export_frame(frame: pl.DataFrame, column_config: dict | None, lang: str, *,
                 names: dict[str, str] | None = None) -> pl.DataFrame:
    """A table as it is downloaded: the columns shown, under their shown titles, channel names instead of codes
    and numbers rounded to their unit (a ``percent`` column is a ratio: 4 decimals; integers stay whole; other
    numbers 2 decimals). ``names``: channel code -> name (the view's channels by default)."""
    from connectors.export import rounded_to_units

    config = column_config or {}
    names = _channel_names(lang) if names is None else names
    units: dict[str, str] = {}
    for name, dtype in frame.schema.items():
        entry = config.get(name)
        fmt = entry.get("type_config", {}).get("format") if isinstance(entry, dict) else None
        units[name] = "ratio" if fmt == "percent" else "money" if dtype.is_float() else ""
    out = rounded_to_units(frame, units).with_columns([
        pl.col(c).replace(names) for c in CHANNEL_COLUMNS if c in frame.columns and frame.schema[c] == pl.String
    ])
    keep = [c for c in out.columns if not (c in config and config[c] is None)]
    titles = {c: _title(c, config.get(c)) for c in keep}
    seen: dict[str, int] = {}
    for c, title in titles.items():  # two columns shown under one title stay apart
        seen[title] = seen.get(title, 0) + 1
        if seen[title] > 1:
            titles[c] = f"{title} ({seen[title]})"
    return out.select(keep).rename(titles)


def _title(column: str, entry) -> str:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and entry.get("label"):
        return str(entry["label"])
    return column


def _channel_names(lang: str) -> dict[str, str]:
    from dashboard import state

    ctx = st.session_state.get(state.CONTEXT)
    if ctx is None:
        return {}
    return {r["channel_id"]: (r["name_ru"] if lang == "ru" and r["name_ru"] else r["name"])
            for r in ctx.channels.iter_rows(named=True)}


def export_header(ctx, lang: str, *, names: dict[str, str] | None = None) -> list[str]:
    """What a download was made with: period, comparison period, channels and regions (the view's filters)."""
    start, end = ctx.period
    lines = [t("download.period", lang, start=start.isoformat(), end=end.isoformat())]
    if ctx.comparison:
        lines.append(t("download.compared", lang, start=ctx.comparison[0].isoformat(),
                       end=ctx.comparison[1].isoformat()))
    else:
        lines.append(t("download.no_comparison", lang))
    names = _channel_names(lang) if names is None else names
    channels = ", ".join(names.get(c, c) for c in ctx.view.channels) or t("download.all", lang)
    lines.append(t("download.channels", lang, names=channels))
    lines.append(t("download.regions", lang, names=", ".join(ctx.view.regions) or t("download.all", lang)))
    return lines


_DOWNLOADS = "download_serial"


def download_buttons(frame: pl.DataFrame, name: str, lang: str, *, extra_lines: Sequence[str] = ()) -> None:
    """'CSV' and 'Excel' buttons for one table; the files start with the view's filters and comparison period."""
    from connectors.export import csv_bytes, xlsx_bytes
    from dashboard import state

    ctx = st.session_state.get(state.CONTEXT)
    lines = [*(export_header(ctx, lang) if ctx is not None else []), *extra_lines]
    stem = name
    if ctx is not None:
        stem = f"{name}_{ctx.period[0].isoformat()}_{ctx.period[1].isoformat()}"
    run, count = st.session_state.get(_DOWNLOADS, (None, 0))  # the n-th table of this run (a run has its own ctx)
    serial = count + 1 if run == id(ctx) else 1
    st.session_state[_DOWNLOADS] = (id(ctx), serial)
    with st.container(horizontal=True, gap="small"):
        st.download_button(t("download.csv", lang), data=lambda: csv_bytes(frame, header_lines=lines),
                           file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:",
                           key=f"dl_csv_{serial}", type="tertiary", on_click="ignore")
        st.download_button(t("download.xlsx", lang), data=lambda: xlsx_bytes(frame, header_lines=lines),
                           file_name=f"{stem}.xlsx", icon=":material/download:", key=f"dl_xlsx_{serial}",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           type="tertiary", on_click="ignore")


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


def period_note(ctx) -> None:
    """The period under a page's title; left out in presentation mode, whose filters line at the top says it."""
    from dashboard import state

    if not state.presenting():
        st.markdown(period_line(ctx))


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
