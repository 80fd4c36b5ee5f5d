"""The import wizard of the Data page: upload -> detected format -> mapping -> check -> import.

Nothing is written before the last step, and only when the check found no errors.
The check lists every problem at once (rows, column, what is wrong, what to do).
Widget keys are the constants below; keys of the mapping widgets carry the file's
hash, so a new file starts from its own suggestions. What is kept of an upload between
reruns is small: see ``dashboard/data/uploads.py``.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import polars as pl
import streamlit as st

from connectors import schema
from connectors.export import csv_bytes
from connectors.imports import (
    PRESETS, FileRejected, FormatOptions, ImportBlocked, ImportRequest, NewChannel, apply_import, plan_import,
)
from connectors.imports.files import ENCODINGS, SEPARATORS
from connectors.imports.mapping import SavedMapping, meta_key, suggest, targets
from connectors.imports.rules import IMPORTABLE, column_rules, derived_columns
from dashboard.reputation.data import classifier as sentiment_classifier
from connectors.store import StoreBusy, StoreError
from dashboard.context import PageContext
from dashboard.data.uploads import CheckResult, Preview, Upload, hold_upload_limit, preview
from dashboard.filters import code_span, escape_markdown
from dashboard.i18n import fmt_number, t
from connectors.roles import Forbidden
from dashboard import components
from dashboard.auth import access as auth

TABLE = "imp_table"
PRESET = "imp_preset"
FILE = "imp_file"  # + the upload round: a finished import starts a fresh, empty uploader
ROUND = "imp_round"
ENCODING = "imp_encoding"
SEPARATOR = "imp_separator"
DECIMAL = "imp_decimal"
HEADER = "imp_header"
SHEET = "imp_sheet"
CHECK = "imp_check"
IMPORT = "imp_import"
PLAN = "imp_plan"  # (token, CheckResult) of the last check
FLASH = "imp_flash"  # the result of the last import, shown once after the rerun
NOT_IN_FILE = ""
NO_PRESET = ""
FROM_CAMPAIGN = ""
AUTO = "auto"
REPORT_DOWNLOAD = "imp_report_download"
MAX_LISTED = 30  # problems listed in full; the table below the list has them all
SEPARATOR_NAMES = {";": "; (semicolon)", ",": ", (comma)", "\t": "tab", "|": "| (pipe)"}


def map_key(sha: str, table: str, column: str) -> str:
    return f"imp_map_{sha[:12]}_{table}_{column}"


def constant_key(sha: str, table: str, column: str) -> str:
    return f"imp_const_{sha[:12]}_{table}_{column}"


def create_key(sha: str, channel: str, part: str) -> str:
    digest = hashlib.sha1(channel.encode("utf-8")).hexdigest()[:10]
    return f"imp_new_{sha[:12]}_{digest}_{part}"


def database_label(store) -> str:
    """The database as the page names it: the embedded file by its name only (the server's folders do not belong
    on the page), any other by its URL with the password masked."""
    return store.display_url.rsplit("/", 1)[-1] if store.kind == "duckdb" else store.display_url


def table_label(table: str, lang: str) -> str:
    return f"{t(f'table.{table}', lang)} ({table})"


def _upload(lang: str, max_mb: int) -> Upload | None:
    hold_upload_limit(max_mb)
    file = st.file_uploader(t("imp.upload", lang), type=["csv", "txt", "tsv", "xlsx", "parquet"],
                            key=f"{FILE}_{st.session_state.get(ROUND, 0)}",
                            help=t("imp.upload_help", lang, mb=max_mb), max_upload_size=max_mb)
    return None if file is None else Upload.of(file)


def _format_options(lang: str) -> FormatOptions:
    """The user's overrides of the detected format (auto by default)."""
    with st.expander(t("imp.format_change", lang), icon=":material/tune:"):
        c1, c2, c3, c4 = st.columns(4)
        enc = c1.selectbox(t("imp.encoding", lang), (AUTO, *ENCODINGS), key=ENCODING,
                           format_func=lambda e: t("imp.auto", lang) if e == AUTO else e)
        sep = c2.selectbox(t("imp.separator", lang), (AUTO, *SEPARATORS), key=SEPARATOR,
                           format_func=lambda s: t("imp.auto", lang) if s == AUTO else SEPARATOR_NAMES[s])
        dec = c3.selectbox(t("imp.decimal", lang), (AUTO, ".", ","), key=DECIMAL,
                           format_func=lambda d: t("imp.auto", lang) if d == AUTO else d)
        header = c4.number_input(t("imp.header_row", lang), min_value=0, max_value=1000, step=1, key=HEADER,
                                 help=t("imp.header_help", lang))
    return FormatOptions(None if enc == AUTO else enc, None if sep == AUTO else sep, None if dec == AUTO else dec,
                         int(header) or None)


def _show_format(parsed: Preview, lang: str) -> None:
    parts = [t(f"imp.kind.{parsed.kind}", lang)]
    if parsed.kind == "csv":
        parts += [t("imp.fmt_encoding", lang, encoding=parsed.encoding),
                  t("imp.fmt_separator", lang, separator=SEPARATOR_NAMES.get(parsed.separator or "", "?")),
                  t("imp.fmt_decimal", lang, decimal=parsed.decimal)]
    if parsed.sheet:
        parts.append(t("imp.fmt_sheet", lang, sheet=escape_markdown(parsed.sheet)))
    if parsed.header_row:
        parts.append(t("imp.fmt_header", lang, row=parsed.header_row))
    parts.append(t("imp.fmt_rows", lang, rows=fmt_number(parsed.rows, lang)))
    st.markdown(" · ".join(parts))
    components.table(parsed.head, hide_index=True, height="content")


def _initial_mapping(ctx: PageContext, columns: list[str], table: str,
                     preset: str | None) -> tuple[SavedMapping, bool]:
    """The mapping saved for files of this shape, else the preset's, else suggestions; and whether saved."""
    saved = SavedMapping.loads(ctx.store.get_meta(meta_key(table, columns)), columns, table)
    if saved is not None and saved.mapping:
        return saved, True
    p = PRESETS.get(preset) if preset else None
    return SavedMapping(suggest(table, columns, p), dict(p.constants) if p else {}, preset), False


def _mapping(ctx: PageContext, parsed: Preview, upload: Upload, table: str, preset: str | None,
             lang: str) -> tuple[dict[str, str], dict[str, str], bool]:
    """Widgets mapping table columns to file columns; returns (mapping, constants, saved mapping used)."""
    initial, from_saved = _initial_mapping(ctx, list(parsed.columns), table, preset)
    options = [NOT_IN_FILE, *parsed.columns]
    required = {r.name for r in column_rules(table) if r.required and r.name not in derived_columns(table)}
    mapping: dict[str, str] = {}
    cols = st.columns(3)
    for i, column in enumerate(targets(table)):
        key = map_key(upload.sha, table, column)
        if key not in st.session_state:
            st.session_state[key] = initial.mapping.get(column, NOT_IN_FILE)
        label = f"{column} *" if column in required else column
        chosen = cols[i % 3].selectbox(label, options, key=key, help=t(f"col.{column}", lang),
                                       format_func=lambda c: t("imp.not_in_file", lang) if c == NOT_IN_FILE else c)
        if chosen:
            mapping[column] = chosen
    constants: dict[str, str] = {}
    if "channel_id" in targets(table) and "channel_id" not in mapping and table != "channels":
        from_campaign = "channel_id" in derived_columns(table)
        channel_ids = ctx.channels["channel_id"].to_list()
        options = ([FROM_CAMPAIGN] if from_campaign else []) + channel_ids
        key = constant_key(upload.sha, table, "channel_id")
        if key not in st.session_state:
            wanted = initial.constants.get("channel_id")
            st.session_state[key] = wanted if wanted in channel_ids else options[0]
        value = st.selectbox(t("imp.channel_for_all", lang), options, key=key,
                             format_func=lambda c: t("imp.from_campaign", lang) if c == FROM_CAMPAIGN
                             else f"{ctx.channel_name(c)} ({c})")
        if value:
            constants["channel_id"] = value
    return mapping, constants, from_saved


def _create_channels(plan: CheckResult | None, upload: Upload, lang: str) -> dict[str, NewChannel]:
    """For unknown channels of the last check: the user's choice to create them, with pillar and kind."""
    if plan is None or not plan.unknown_channels:
        return {}
    st.markdown(f"**{t('imp.new_channels', lang)}**")
    st.caption(t("imp.new_channels_help", lang))
    out = {}
    for channel in plan.unknown_channels[:20]:
        c1, c2, c3 = st.columns([2, 2, 2])
        create = c1.checkbox(t("imp.create_channel", lang, channel=escape_markdown(channel)),
                             key=create_key(upload.sha, channel, "create"))
        pillar = c2.selectbox(t("imp.pillar", lang), schema.PILLARS, key=create_key(upload.sha, channel, "pillar"),
                              format_func=lambda p: t(f"pillar.{p}", lang), disabled=not create)
        kind = c3.selectbox(t("imp.kind", lang), schema.KINDS, key=create_key(upload.sha, channel, "kind"),
                            format_func=lambda k: t(f"kind.{k}", lang), disabled=not create)
        if create:
            out[channel] = NewChannel(channel, pillar, kind)
    return out


def problems_frame(plan: CheckResult, lang: str) -> pl.DataFrame:
    """The report as a table: severity, rows, column, problem, what to do (all in the user's language)."""
    rows = []
    ordered = sorted(plan.problems, key=lambda p: (p.severity != "error", min(p.rows) if p.rows else 0))
    for p in ordered:
        fields = {"column": p.column or "", "count": p.count, **{k: str(v) for k, v in p.params.items()},
                  **_localised(p.params, lang)}
        listed = ", ".join(str(r) for r in p.rows)
        if p.rows and p.count > len(p.rows):
            listed += " " + t("imp.rows_more", lang, count=fmt_number(p.count, lang))
        rows.append({
            "severity": t(f"imp.severity.{p.severity}", lang),
            "rows": listed,
            "column": p.column or "",
            "problem": t(f"problem.{p.code}", lang, **_fill(f"problem.{p.code}", fields)),
            "hint": t(f"hint.{p.code}", lang, **_fill(f"hint.{p.code}", fields)),
        })
    return pl.DataFrame(rows, schema={"severity": pl.String, "rows": pl.String, "column": pl.String,
                                      "problem": pl.String, "hint": pl.String})


def _localised(params: dict[str, object], lang: str) -> dict[str, str]:
    """The parts of a problem's parameters that are words, in the user's language."""
    out: dict[str, str] = {}
    if "kind" in params:
        out["expected"] = t(f"expected.{params['kind']}", lang)
        out["example"] = t(f"example.{params['kind']}", lang)
    if "suggested" in params:
        hit = str(params["suggested"])
        key = "imp.did_you_mean_short" if "allowed" in params else "imp.did_you_mean"
        out["suggestion"] = t(key, lang, value=hit) if hit else ""
    if "op" in params:
        out["relation"] = t("imp.relation.ge" if params["op"] == ">=" else "imp.relation.le", lang)
    return out


def _fill(key: str, fields: dict[str, object]) -> dict[str, object]:
    """The placeholders a message needs (missing ones empty, extra ones dropped)."""
    import re

    from dashboard.i18n import MESSAGES

    names = set(re.findall(r"{(\w+)}", MESSAGES[key][0]))
    return {n: fields.get(n, "") for n in names}


def _report(plan: CheckResult, lang: str) -> None:
    errors = [p for p in plan.problems if p.severity == "error"]
    c = st.columns(4)
    c[0].metric(t("imp.rows_in_file", lang), fmt_number(plan.rows_in_file, lang))
    c[1].metric(t("imp.rows_new", lang), fmt_number(plan.rows_new, lang))
    c[2].metric(t("imp.rows_changed", lang), fmt_number(plan.rows_changed, lang))
    c[3].metric(t("imp.rows_same", lang), fmt_number(plan.rows_same, lang))
    if errors:
        st.error(t("imp.has_errors", lang, count=len(errors)), icon=":material/error:")
    else:
        st.success(t("imp.ready", lang), icon=":material/check_circle:")
        if plan.new_campaigns:
            st.info(t("imp.new_campaigns", lang, count=plan.new_campaigns), icon=":material/add:")
        if plan.previous_imports:
            first = plan.previous_imports[-1]
            st.info(t("imp.seen_before", lang, when=str(first["imported_at"])[:16]), icon=":material/history:")
    if plan.problems:
        frame = problems_frame(plan, lang)
        with st.container(border=True):
            for row in frame.head(MAX_LISTED).iter_rows(named=True):
                badge = "red" if row["severity"] == t("imp.severity.error", lang) else "orange"
                where = f"**{t('imp.col.rows', lang)}: {escape_markdown(row['rows'], 80)}** · " if row["rows"] else ""
                column = f"{code_span(row['column'], 60)} · " if row["column"] else ""
                st.markdown(f":{badge}-badge[{escape_markdown(row['severity'])}] {where}{column}"
                            f"{escape_markdown(row['problem'], 400)}  \n"
                            f":material/arrow_right: {escape_markdown(row['hint'], 400)}")
            if frame.height > MAX_LISTED:
                st.caption(t("imp.more_problems", lang, count=frame.height - MAX_LISTED))
        with st.expander(t("imp.report_table", lang), icon=":material/table:"):
            _report_table(frame, lang)


def _report_table(frame: pl.DataFrame, lang: str) -> None:
    """Every problem as a table, and as a CSV to hand to whoever fixes the file."""
    components.table(frame, hide_index=True, height="content", column_config={
        "severity": t("imp.col.severity", lang), "rows": t("imp.col.rows", lang),
        "column": t("imp.col.column", lang), "problem": st.column_config.TextColumn(t("imp.col.problem", lang),
                                                                                  width="large"),
        "hint": st.column_config.TextColumn(t("imp.col.hint", lang), width="large"),
    })
    st.download_button(t("imp.report_download", lang), csv_bytes(frame), file_name="import_problems.csv",
                       mime="text/csv", key=REPORT_DOWNLOAD, on_click="ignore", icon=":material/download:")


def import_wizard(ctx: PageContext) -> None:
    lang = ctx.lang
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash, icon=":material/task_alt:")
    if not getattr(ctx.store, "writable", False):
        st.info(t("imp.read_only", lang, db=code_span(database_label(ctx.store), 200)), icon=":material/lock:")
        return
    auth.access_notice(ctx)
    if not auth.can(ctx, "import"):  # the import itself checks again on the server
        if st.session_state.get(IMPORT):  # a click on an import button drawn before the role changed
            try:
                auth.require(ctx, "import")
            except Forbidden as exc:
                auth.show_forbidden(exc, lang)
        return
    max_mb = ctx.settings.max_upload_mb
    c1, c2 = st.columns(2)
    table = c1.selectbox(t("imp.table", lang), IMPORTABLE, key=TABLE, index=IMPORTABLE.index("spend"),
                         format_func=lambda x: table_label(x, lang))
    preset = None
    if any(p.table == table for p in PRESETS.values()):
        keys = [NO_PRESET, *(k for k, p in PRESETS.items() if p.table == table)]
        preset = c2.selectbox(t("imp.preset", lang), keys, key=PRESET,
                              format_func=lambda k: t("imp.no_preset", lang) if k == NO_PRESET
                              else (PRESETS[k].label_ru if lang == "ru" else PRESETS[k].label)) or None
    upload = _upload(lang, max_mb)
    if upload is None:
        st.info(t("imp.start", lang), icon=":material/upload_file:")
        return
    if len(upload.data) > max_mb * 2**20:
        st.error(t("imp.too_large", lang, mb=max_mb), icon=":material/error:")
        return

    st.markdown(f"##### {t('imp.step_format', lang)}")
    options = _format_options(lang)
    parsed = preview(upload, options, max_mb * 2**20)
    if not isinstance(parsed, FileRejected) and len(parsed.sheets) > 1:
        sheet = st.selectbox(t("imp.sheet", lang), parsed.sheets, key=SHEET)
        if sheet != parsed.sheet:
            options = replace(options, sheet=sheet)
            parsed = preview(upload, options, max_mb * 2**20)
    if isinstance(parsed, FileRejected):
        _rejected(parsed, lang)
        return
    _show_format(parsed, lang)

    st.markdown(f"##### {t('imp.step_mapping', lang)}")
    mapping, constants, saved = _mapping(ctx, parsed, upload, table, preset, lang)
    if saved:
        st.caption(t("imp.mapping_saved", lang))

    st.markdown(f"##### {t('imp.step_check', lang)}")
    previous = st.session_state.get(PLAN)
    last_plan = previous[1] if previous and previous[1].sha == upload.sha else None
    create = _create_channels(last_plan, upload, lang)
    request = ImportRequest(table, mapping=mapping, constants=constants, preset=preset, create_channels=create,
                            options=options)
    token = (upload.sha, table, preset, tuple(sorted(mapping.items())), tuple(sorted(constants.items())),
             tuple(sorted((k, v.pillar, v.kind) for k, v in create.items())), options)
    if st.button(t("imp.check", lang), key=CHECK, icon=":material/fact_check:"):
        try:
            result = CheckResult.of(plan_import(ctx.store, upload.data, upload.name, request,
                                                max_bytes=max_mb * 2**20, classifier=sentiment_classifier(ctx)[0]))
        except FileRejected as exc:
            _rejected(exc, lang)
            return
        st.session_state[PLAN] = (token, result)
        if result.unknown_channels and not create:
            st.rerun()  # show the channel-creation choices next to the report
    current = st.session_state.get(PLAN)
    if not current or current[0] != token:
        st.caption(t("imp.check_first", lang))
        return
    checked = current[1]
    _report(checked, lang)

    st.markdown(f"##### {t('imp.step_import', lang)}")
    if st.button(t("imp.import", lang, table=table), key=IMPORT, type="primary", disabled=not checked.ok,
                 icon=":material/upload:"):
        _import(ctx, upload, request, token, max_mb, lang)


def _rejected(exc: FileRejected, lang: str) -> None:
    st.error(t(f"reject.{exc.code}", lang, **_fill(f"reject.{exc.code}", dict(exc.params)))
             + " " + t("imp.nothing_written", lang), icon=":material/error:")


def _import(ctx: PageContext, upload: Upload, request: ImportRequest, token: tuple, max_mb: int, lang: str) -> None:
    """Read and check the file again (no checked table was kept) and write it when it is still clean."""
    try:
        who = auth.require(ctx, "import")
    except Forbidden as exc:
        auth.show_forbidden(exc, lang)
        return
    try:
        plan = plan_import(ctx.store, upload.data, upload.name, request, max_bytes=max_mb * 2**20)
        if not plan.ok:  # the data changed since the check: show the new report
            st.session_state[PLAN] = (token, CheckResult.of(plan))
            st.rerun()
        result = apply_import(ctx.store, plan, imported_by=who.user, source="upload")
    except FileRejected as exc:
        _rejected(exc, lang)
        return
    except (StoreBusy, ImportBlocked, StoreError) as exc:
        st.error(t("imp.failed", lang, message=escape_markdown(str(exc), 300)), icon=":material/error:")
        return
    st.session_state.pop(PLAN, None)
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.session_state[FLASH] = t("imp.done", lang, added=fmt_number(result.rows_added, lang),
                                updated=fmt_number(result.rows_updated, lang), table=result.table,
                                version=result.data_version)
    st.rerun()
