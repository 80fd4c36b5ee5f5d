"""From a checked file to the database: what would change, then one all-or-nothing write.

``plan_import`` reads only: it parses, maps (saved mapping, else preset, else
suggestions), checks, and counts how many rows are new, changed or already there.
``apply_import`` writes a plan without errors in one transaction — channels and
campaigns it creates, the rows (new keys inserted, changed rows updated, identical
rows left alone, so re-importing a file adds nothing), the import log, the saved
mapping and the data version — or nothing at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.imports.check import Checked, NewChannel, References, check
from connectors.imports.files import ROW, FormatOptions, ParsedFile, read_file
from connectors.imports.mapping import PRESETS, SavedMapping, meta_key, suggest
from connectors.imports.problems import Problem
from connectors.imports.rules import IMPORTABLE
from connectors.review_labels import label as label_reviews
from connectors.store import DuckDBStore, StoreError, _bump_version_duckdb, _set_meta_duckdb
from metrics.sentiment import SentimentClassifier, default_classifier

_INCOMING = "_import_incoming"


class ImportBlocked(StoreError):
    """The plan has errors (or the store cannot be written): nothing is written."""


@dataclass
class ImportRequest:
    """The user's choices for one file (everything optional: detected or suggested otherwise)."""

    table: str
    mapping: Mapping[str, str] | None = None
    constants: Mapping[str, str] | None = None
    preset: str | None = None
    create_channels: Mapping[str, NewChannel] = field(default_factory=dict)
    options: FormatOptions = FormatOptions()


@dataclass
class ImportPlan:
    request: ImportRequest
    parsed: ParsedFile
    checked: Checked
    mapping: dict[str, str]
    constants: dict[str, str]
    mapping_source: str  # saved | preset | suggested | given
    rows_new: int | None = None
    rows_changed: int | None = None
    rows_same: int | None = None
    previous_imports: list[dict[str, Any]] = field(default_factory=list)

    @property
    def table(self) -> str:
        return self.request.table

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems

    @property
    def ok(self) -> bool:
        return self.checked.ok


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    table: str
    rows_added: int
    rows_updated: int
    channels_created: int
    campaigns_created: int
    data_version: str


def references(store: Any) -> References:
    channels = store.query(sa.select(schema.channels.c.channel_id, schema.channels.c.name))
    campaigns = store.query(sa.select(schema.campaigns.c.campaign_id, schema.campaigns.c.channel_id,
                                      schema.campaigns.c.region))
    return References(
        channels=dict(zip(channels["channel_id"].to_list(), channels["name"].to_list())),
        campaigns={r[0]: (r[1], r[2]) for r in campaigns.iter_rows()},
    )


def plan_import(store: Any, data: bytes, file_name: str, request: ImportRequest, *, max_bytes: int,
                today: dt.date | None = None, classifier: SentimentClassifier | None = None) -> ImportPlan:
    """Parse, map and check a file, and count what would change. Writes nothing.

    Reviews get their sentiment label here (``connectors.review_labels``), from ``classifier`` for
    those that need one from their text (default: the built-in classifier).

    Raises :class:`connectors.imports.files.FileRejected` when the file cannot be read at all.
    """
    if request.table not in IMPORTABLE:
        raise StoreError(f"Unknown table {request.table!r}; importable: {', '.join(IMPORTABLE)}")
    parsed = read_file(data, file_name, max_bytes=max_bytes, options=request.options)
    preset = PRESETS.get(request.preset) if request.preset else None
    constants = dict(request.constants if request.constants is not None else (preset.constants if preset else {}))
    if request.mapping is not None:
        mapping, source = dict(request.mapping), "given"
    else:
        saved = SavedMapping.loads(store.get_meta(meta_key(request.table, parsed.columns)), parsed.columns,
                                   request.table)
        if saved is not None and saved.mapping:
            mapping, source = saved.mapping, "saved"
            if request.constants is None:
                constants = saved.constants
            if preset is None and saved.preset:
                preset = PRESETS[saved.preset]
                request.preset = saved.preset
        else:
            mapping, source = suggest(request.table, parsed.columns, preset), "preset" if preset else "suggested"
    checked = check(parsed, request.table, mapping, constants=constants, refs=references(store),
                    create_channels=request.create_channels, preset=preset, today=today)
    if request.table == "reviews" and checked.frame.height:
        checked.frame = label_reviews(checked.frame, classifier or default_classifier())
    plan = ImportPlan(request, parsed, checked, mapping, constants, source)
    if isinstance(store, DuckDBStore) and checked.frame.height and _key_present(checked):
        with store.reading() as con:
            plan.rows_new, plan.rows_changed, plan.rows_same = _diff(con, checked)
            plan.previous_imports = _previous(con, parsed.sha256, request.table)
    return plan


def _key_present(checked: Checked) -> bool:
    key = schema.natural_key(checked.table).columns
    return all(k in checked.frame.columns for k in key) and checked.frame.select(
        pl.all_horizontal([pl.col(k).is_not_null() for k in key])).to_series().all()


def _arrow(frame: pl.DataFrame) -> Any:
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest())


def _key_match(table: str, key: tuple[str, ...]) -> str:
    return " AND ".join(f't."{k}" = i."{k}"' for k in key)


def _distinct(cols: list[str]) -> str:
    return " OR ".join(f't."{c}" IS DISTINCT FROM i."{c}"' for c in cols) or "FALSE"


def _diff(con: Any, checked: Checked) -> tuple[int, int, int]:
    """Rows of the file that are new, changed, or identical to what is stored."""
    table = checked.table
    key = schema.natural_key(table).columns
    cols = [c for c in checked.columns if c not in key]
    frame = checked.frame.drop(ROW).unique(subset=list(key), keep="first", maintain_order=True)
    con.register(_INCOMING, _arrow(frame))
    try:
        new = con.execute(f'SELECT count(*) FROM {_INCOMING} i WHERE NOT EXISTS '
                          f'(SELECT 1 FROM "{table}" t WHERE {_key_match(table, key)})').fetchall()[0][0]
        changed = con.execute(f'SELECT count(*) FROM {_INCOMING} i JOIN "{table}" t ON {_key_match(table, key)} '
                              f'WHERE {_distinct(cols)}').fetchall()[0][0]
    finally:
        con.unregister(_INCOMING)
    return int(new), int(changed), frame.height - int(new) - int(changed)


def _previous(con: Any, sha256: str, table: str) -> list[dict[str, Any]]:
    rows = con.execute("SELECT import_id, imported_at, file_name, rows_added, rows_updated FROM import_log "
                       "WHERE file_hash = $1 AND table_name = $2 ORDER BY import_id", [sha256, table]).fetchall()
    return [dict(zip(("import_id", "imported_at", "file_name", "rows_added", "rows_updated"), r)) for r in rows]


def apply_import(store: Any, plan: ImportPlan, *, imported_by: str | None = None, source: str = "upload",
                 now: dt.datetime | None = None) -> ImportResult:
    """Write a plan without errors in one transaction (see the module docstring)."""
    if not isinstance(store, DuckDBStore):
        raise ImportBlocked("Imports write to the embedded DuckDB database; this connection is read-only.")
    if not plan.ok:
        raise ImportBlocked("The file has problems; nothing was written.")
    checked = plan.checked
    table = checked.table
    key = schema.natural_key(table).columns
    cols = checked.columns
    updatable = [c for c in cols if c not in key]
    frame = checked.frame.drop(ROW)
    now = now or dt.datetime.now().replace(microsecond=0)
    with store.writing() as con:
        channels_created = _insert_new(con, "channels", checked.new_channels)
        campaigns_created = _insert_new(con, "campaigns", checked.new_campaigns)
        con.register(_INCOMING, _arrow(frame))
        try:
            updated = 0
            if updatable and frame.height:
                sets = ", ".join(f'"{c}" = i."{c}"' for c in updatable)
                updated = con.execute(f'UPDATE "{table}" AS t SET {sets} FROM {_INCOMING} i '
                                      f'WHERE {_key_match(table, key)} AND ({_distinct(updatable)})').fetchall()[0][0]
            col_sql = ", ".join(f'"{c}"' for c in cols)
            added = con.execute(f'INSERT INTO "{table}" ({col_sql}) SELECT {col_sql} FROM {_INCOMING} i '
                                f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" t WHERE {_key_match(table, key)})'
                                ).fetchall()[0][0] if frame.height else 0
        finally:
            con.unregister(_INCOMING)
        import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchall()[0][0]
        con.execute("INSERT INTO import_log VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    [import_id, now, plan.parsed.name[:500], plan.parsed.sha256, table, int(added), int(updated),
                     imported_by, source])
        saved = SavedMapping(plan.mapping, plan.constants, plan.request.preset)
        _set_meta_duckdb(con, meta_key(table, plan.parsed.columns), saved.dumps())
        _bump_version_duckdb(con)
        version = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
    return ImportResult(int(import_id), table, int(added), int(updated), channels_created, campaigns_created,
                        version)


def _insert_new(con: Any, table: str, frame: pl.DataFrame) -> int:
    if frame.height == 0:
        return 0
    key = schema.natural_key(table).columns
    con.register("_import_new", _arrow(frame))
    try:
        col_sql = ", ".join(f'"{c}"' for c in frame.columns)
        return int(con.execute(f'INSERT INTO "{table}" ({col_sql}) SELECT {col_sql} FROM _import_new i '
                               f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" t WHERE {_key_match(table, key)})'
                               ).fetchall()[0][0])
    finally:
        con.unregister("_import_new")


def import_file(store: Any, data: bytes, file_name: str, request: ImportRequest, *, max_bytes: int,
                imported_by: str | None = None, source: str = "cli",
                classifier: SentimentClassifier | None = None) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, and write when the plan has no errors."""
    plan = plan_import(store, data, file_name, request, max_bytes=max_bytes, classifier=classifier)
    if not plan.ok:
        return plan, None
    return plan, apply_import(store, plan, imported_by=imported_by, source=source)


def import_log(store: Any, limit: int = 100) -> pl.DataFrame:
    log = schema.import_log
    return store.query(sa.select(log).order_by(log.c.import_id.desc()).limit(limit))
