"""The Data page's panels besides the import: what is loaded, the connection, history, templates, queries."""

from __future__ import annotations

import polars as pl
import streamlit as st

from connectors import query_log
from connectors.export import csv_bytes
from connectors.imports import import_log
from connectors.imports.rules import column_guide
from connectors.imports.templates import ORDER, template
from connectors.read import table_stats
from connectors.roles import Forbidden
from connectors.store import StoreError
from connectors.undo import UndoRefused, undo_import, undo_status
from dashboard.context import PageContext
from dashboard.i18n import MESSAGES, fmt_number, t
from dashboard.data.imports import database_label, table_label
from dashboard import components
from dashboard.auth import access as auth
from dashboard.filters import escape_markdown

TEMPLATE_TABLE = "tpl_table"
TEMPLATE_DOWNLOAD = "tpl_download"
HISTORY_DOWNLOAD = "hist_download"
UNDO_PICK = "hist_undo_pick"
UNDO = "hist_undo"
UNDO_FLASH = "hist_undo_flash"  # the undo's result, shown once after the click


def loaded_tables(ctx: PageContext) -> pl.DataFrame:
    """Per table: rows, first and last day, last import (when any)."""
    stats = table_stats(ctx.store)
    log = import_log(ctx.store, limit=10_000)
    last = log.group_by("table_name").agg(pl.col("imported_at").max().alias("last_import")).rename(
        {"table_name": "table"})
    return stats.join(last, on="table", how="left", maintain_order="left")


def show_loaded(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = loaded_tables(ctx)
    components.table(
        frame.select(
            pl.col("table").map_elements(lambda x: t(f"table.{x}", lang), return_dtype=pl.String).alias("name"),
            "table",
            pl.col("rows").map_elements(lambda n: fmt_number(n, lang), return_dtype=pl.String),
            "first", "last", "last_import",
        ),
        hide_index=True, height="content", placeholder="—",
        column_config={
            "name": t("data.table", lang), "table": t("data.code", lang), "rows": t("data.rows", lang),
            "first": st.column_config.DateColumn(t("data.first", lang)),
            "last": st.column_config.DateColumn(t("data.last", lang)),
            "last_import": st.column_config.DatetimeColumn(t("data.last_import", lang), format="YYYY-MM-DD HH:mm"),
        },
    )


def show_connection(ctx: PageContext) -> None:
    lang = ctx.lang
    store = ctx.store
    kind = t("data.kind.duckdb", lang) if store.kind == "duckdb" else t("data.kind.external", lang, dialect=store.kind)
    writable = getattr(store, "writable", False)
    st.markdown(f":material/check_circle: **{t('data.connected', lang)}** · {kind} · "
                + (t("data.mode.write", lang) if writable else t("data.mode.read", lang)))
    st.code(database_label(store), language=None)
    st.caption(f"{t('data.version', lang)}: {ctx.version}")
    scale, seed = store.get_meta("demo_scale"), store.get_meta("demo_seed")
    if scale:
        st.caption(t("data.demo", lang, scale=scale, seed=seed))


def history_frame(ctx: PageContext, limit: int = 50) -> pl.DataFrame:
    """The latest imports with, per import, whether and how it can be undone (``undo_state``, ``undo_text``)."""
    lang = ctx.lang
    log = import_log(ctx.store, limit=limit)
    status = undo_status(ctx.store, log["import_id"].to_list())
    joined = log.join(status, on="import_id", how="left", maintain_order="left")
    states, texts = [], []
    for r in joined.iter_rows(named=True):
        if r["undone_at"] is not None:
            state = "done"
            text = t("undo.state.done", lang, by=r["undone_by"] or "—", when=f"{r['undone_at']:%Y-%m-%d %H:%M}")
        elif not r["recorded"]:
            state, text = "not_recorded", t("undo.state.not_recorded", lang)
        elif r["blocked_by"]:
            state = "later"
            text = t("undo.state.later", lang, later=", ".join(str(i) for i in r["blocked_by"]))
        else:
            state, text = "open", t("undo.state.open", lang)
        states.append(state)
        texts.append(text)
    return joined.with_columns(pl.Series("undo_state", states, pl.String), pl.Series("undo_text", texts, pl.String))


def show_history(ctx: PageContext) -> None:
    lang = ctx.lang
    _undo_flash()
    log = history_frame(ctx)
    if log.height == 0:
        st.caption(t("data.no_imports", lang))
        return
    components.table(
        log.select("import_id", "imported_at", "file_name", "table_name", "rows_added", "rows_updated", "imported_by",
                   "source", "undo_text"),
        hide_index=True, height="content", placeholder="—",
        column_config={
            "import_id": st.column_config.NumberColumn(t("hist.id", lang), format="%d"),
            "imported_at": st.column_config.DatetimeColumn(t("hist.when", lang), format="YYYY-MM-DD HH:mm"),
            "file_name": t("hist.file", lang), "table_name": t("data.table", lang),
            "rows_added": t("hist.added", lang), "rows_updated": t("hist.updated", lang),
            "imported_by": t("hist.by", lang), "source": t("hist.source", lang), "undo_text": t("hist.status", lang),
        },
    )
    st.download_button(t("hist.download", lang), csv_bytes(import_log(ctx.store, limit=100_000)),
                       file_name="import_history.csv", mime="text/csv", key=HISTORY_DOWNLOAD, on_click="ignore",
                       icon=":material/download:")
    _undo_controls(ctx, log)


def _undo_controls(ctx: PageContext, log: pl.DataFrame) -> None:
    lang = ctx.lang
    if not ctx.store.writable:
        return
    if not auth.can(ctx, "undo"):  # the undo itself checks again on the server
        st.caption(t("undo.needs_editor", lang))
        return
    open_ = log.filter(pl.col("undo_state") == "open")
    if open_.height == 0:
        st.caption(t("undo.none", lang))
        return
    labels = {r["import_id"]: t("undo.option", lang, id=r["import_id"], file=r["file_name"] or "—",
                                table=r["table_name"], when=f"{r['imported_at']:%Y-%m-%d %H:%M}")
              for r in open_.iter_rows(named=True)}
    ids = list(labels)
    if st.session_state.get(UNDO_PICK) not in ids:
        st.session_state[UNDO_PICK] = ids[0]
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(t("undo.pick", lang), ids, key=UNDO_PICK, format_func=labels.get,
                          help=t("undo.help", lang))
    c2.button(t("undo.button", lang, id=chosen), key=UNDO, icon=":material/undo:", on_click=undo_action,
              args=(ctx, int(chosen)))


def undo_action(ctx: PageContext, import_id: int) -> None:
    """The undo button's server side: the role is checked here, whatever the page showed."""
    lang = ctx.lang
    try:
        who = auth.require(ctx, "undo")
        result = undo_import(ctx.store, import_id, user=who.user)
    except Forbidden as exc:
        st.session_state[UNDO_FLASH] = ("error", auth.forbidden_text(exc, lang))
        return
    except UndoRefused as exc:
        params = {"id": import_id, "later": "", "keys": "", **exc.params}
        st.session_state[UNDO_FLASH] = ("error", t(f"undo.refused.{exc.code}", lang, **params))
        return
    except StoreError as exc:  # busy, or the database failed: nothing was changed
        st.session_state[UNDO_FLASH] = ("error", t("imp.failed", lang, message=escape_markdown(str(exc), 300)))
        return
    text = t("undo.done", lang, id=result.import_id, removed=fmt_number(result.rows_removed, lang),
             restored=fmt_number(result.rows_restored, lang), table=result.table)
    kept = [key for keys in result.parents_kept.values() for key in keys]
    if kept:
        text += " " + t("undo.kept", lang, keys=", ".join(kept[:10]))
    st.session_state[UNDO_FLASH] = ("success", text)


def _undo_flash() -> None:
    note = st.session_state.pop(UNDO_FLASH, None)
    if note:
        kind, text = note
        getattr(st, kind)(text, icon=":material/undo:" if kind == "success" else ":material/error:")


def guide_frame(table: str, lang: str) -> pl.DataFrame:
    rows = []
    for col in column_guide(table):
        notes = [t(f"guide.{code}", lang, **params) for code, params in col["limits"]]  # type: ignore[union-attr]
        if col["key"]:
            notes.insert(0, t("guide.key", lang))
        rows.append({"column": col["column"], "type": t(f"kind_of.{col['kind']}", lang),
                     "required": t("yes", lang) if col["required"] else "", "meaning": t(f"col.{col['column']}", lang),
                     "rules": "; ".join(notes)})
    return pl.DataFrame(rows)


def show_templates(ctx: PageContext) -> None:
    lang = ctx.lang
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    table = c1.selectbox(t("tpl.table", lang), ORDER, key=TEMPLATE_TABLE,
                         format_func=lambda x: table_label(x, lang))
    c2.download_button(t("tpl.download", lang), csv_bytes(template(table)), file_name=f"{table}_template.csv",
                       mime="text/csv", key=TEMPLATE_DOWNLOAD, on_click="ignore", icon=":material/download:")
    components.table(guide_frame(table, lang), hide_index=True, height="content", column_config={
        "column": t("tpl.column", lang), "type": t("tpl.type", lang), "required": t("tpl.required", lang),
        "meaning": st.column_config.TextColumn(t("tpl.meaning", lang), width="large"),
        "rules": st.column_config.TextColumn(t("tpl.rules", lang), width="large"),
    })
    st.caption(t("tpl.order", lang))
    st.caption(t("tpl.formats", lang))


def page_title(page: str | None, lang: str) -> str:
    """A query-log page key as the navigation shows it."""
    if page is None:
        return t("qlog.outside", lang)
    if page == "warm-up":
        return t("qlog.warm_up", lang)
    return t(f"page.{page}", lang) if f"page.{page}" in MESSAGES else page


def last_page_views() -> list[tuple[str | None, list[query_log.QueryRecord]]]:
    """Each page's latest view that queried the database, the most recent first (this run left out)."""
    views = query_log.last_views(exclude_view=query_log.current_view())
    return sorted(views.items(), key=lambda item: item[1][0].ts, reverse=True)


def show_queries(ctx: PageContext) -> None:
    lang = ctx.lang
    views = last_page_views()
    path = query_log.log_file()
    st.caption(t("qlog.help", lang) + " " + (t("qlog.file", lang, path=str(path)) if path else t("qlog.no_file", lang)))
    if not views:
        st.caption(t("qlog.none", lang))
        return
    rows = [{"page": page_title(page, lang), **query_log.summary(records)} for page, records in views]
    for row in rows:
        row["started"] = row["started"][:19].replace("T", " ")
    components.table(pl.DataFrame(rows).with_columns(pl.col("bytes") / 1024.0), height="content", column_config={
        "page": t("qlog.page", lang), "queries": t("qlog.queries", lang),
        "rows": st.column_config.NumberColumn(t("qlog.rows", lang), format="localized"),
        "ms": st.column_config.NumberColumn(t("qlog.ms", lang), format="%.1f"),
        "bytes": st.column_config.NumberColumn(t("qlog.kb", lang), format="%.1f"),
        "started": st.column_config.TextColumn(t("qlog.when", lang)),
    })
    for page, records in views:
        total = query_log.summary(records)
        title = t("qlog.expander", lang, page=page_title(page, lang), queries=fmt_number(total["queries"], lang),
                  rows=fmt_number(total["rows"], lang), ms=fmt_number(total["ms"], lang))
        with st.expander(title):
            frame = pl.DataFrame([{"label": r.label, "engine": r.engine, "rows": r.rows, "ms": r.ms,
                                   "bytes": r.bytes / 1024.0} for r in records])
            components.table(frame, height="content", column_config={
                "label": st.column_config.TextColumn(t("qlog.label", lang), width="large"),
                "engine": t("qlog.engine", lang),
                "rows": st.column_config.NumberColumn(t("qlog.rows", lang), format="localized"),
                "ms": st.column_config.NumberColumn(t("qlog.ms", lang), format="%.1f"),
                "bytes": st.column_config.NumberColumn(t("qlog.kb", lang), format="%.1f"),
            })
