"""Undo an import: what each import added or changed is kept, and one import can be rolled back.

Recording. Inside the import's own transaction, before anything is written, :func:`before_import`
reads which rows of the incoming frame are new (their key) and which will change (the whole stored
row); :func:`record` writes them to ``import_changes`` under the import's id. The parent rows the
import creates (channels, campaigns) are recorded as added rows of their table.

Undo (:func:`undo_import`). Any import can be undone, not only the latest, as long as no later
import (not itself undone) touched one of the same rows; otherwise it is refused, naming the later
imports, which are to be undone first. In one transaction, all or nothing: rows the import added are
deleted, rows it changed get their stored values back, and ``import_undos`` records who undid it.
DuckDB cannot delete a referenced row in the transaction that deleted the rows referring to it, so
the channels and campaigns the import created are removed right after, in a second transaction, and
only where no row refers to them any more (the others are kept and reported).

Only :class:`connectors.store.DuckDBStore` is written by imports today; for a read-only store the
undo is refused. Table and column names come from the schema; values travel as registered frames or
bound parameters, never inside SQL text.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from connectors import schema
from connectors.duckdb_bulk import registered

log = logging.getLogger(__name__)

# the columns through which rows of other tables refer to a parent row
REFERENCES: dict[str, tuple[str, ...]] = {
    "channels": ("channel_id", "acquisition_channel_id"),
    "campaigns": ("campaign_id",),
}


class UndoRefused(RuntimeError):
    """The import cannot be undone (nothing was changed). ``code`` and ``params`` say why, for the UI."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class UndoResult:
    import_id: int
    table: str
    rows_removed: int  # rows the import had added
    rows_restored: int  # rows the import had changed, back to their old values
    parents_removed: dict[str, int] = field(default_factory=dict)  # channels / campaigns the import created
    parents_kept: dict[str, list[str]] = field(default_factory=dict)  # ... still referred to, so kept
    data_version: str = ""


# --- recording ---------------------------------------------------------------------------------------


def _key_json(columns: list[str] | tuple[str, ...]) -> pl.Expr:
    return pl.struct([pl.col(c) for c in columns]).struct.json_encode()


def _on(key: tuple[str, ...], left: str = "t", right: str = "i") -> str:
    return " AND ".join(f'{left}."{k}" = {right}."{k}"' for k in key)


def before_import(con: Any, table: str, frame: pl.DataFrame,
                  parents: Mapping[str, pl.DataFrame] | None = None) -> list[tuple[str, pl.DataFrame]]:
    """What the import is about to add or change, read before it writes: ``[(table, frame of key, before)]``.

    ``key`` is the row's natural key as JSON; ``before`` the whole stored row as JSON, or null for a new row.
    """
    out = []
    for name, rows in [(table, frame), *(parents or {}).items()]:
        if rows.height == 0:
            continue
        key = schema.natural_key(name).columns
        updatable = [c for c in rows.columns if c not in key] if name == table else []  # parents only add
        differs = " OR ".join(f't."{c}" IS DISTINCT FROM i."{c}"' for c in updatable) or "FALSE"
        with registered(con, rows.select(list(dict.fromkeys([*key, *updatable]))), "_undo_incoming") as incoming:
            added = con.sql(f'SELECT {", ".join(f"i.{_q(k)}" for k in key)} FROM {incoming} i WHERE NOT EXISTS '
                            f'(SELECT 1 FROM "{name}" t WHERE {_on(key)})').pl()
            changed = con.sql(f'SELECT t.* FROM "{name}" t JOIN {incoming} i ON {_on(key)} WHERE {differs}').pl()
        parts = [added.select(_key_json(key).alias("key"), pl.lit(None, pl.String).alias("before"))]
        if changed.height:
            parts.append(changed.select(_key_json(key).alias("key"), _key_json(changed.columns).alias("before")))
        recorded = pl.concat(parts)
        if recorded.height:
            out.append((name, recorded))
    return out


def _q(name: str) -> str:
    return f'"{name}"'


def record(con: Any, import_id: int, changes: list[tuple[str, pl.DataFrame]]) -> int:
    """Write what :func:`before_import` read under ``import_id`` (in the import's transaction); rows written."""
    ensure_tables(con)
    total = 0
    for name, frame in changes:
        rows = frame.with_row_index("seq").select(
            pl.lit(import_id, pl.Int64).alias("import_id"), pl.lit(name).alias("table_name"),
            pl.col("seq").cast(pl.Int64), "key", "before")
        with registered(con, rows, "_undo_changes") as incoming:
            con.execute(f"INSERT INTO import_changes (import_id, table_name, seq, key, before) "
                        f"SELECT import_id, table_name, seq, key, before FROM {incoming}")
        total += rows.height
    return total


def ensure_tables(con: Any) -> None:
    """The two undo tables, in a database file written before they existed."""
    from sqlalchemy.schema import CreateTable

    from connectors.sql import duckdb_dialect

    for table in (schema.import_changes, schema.import_undos):
        con.execute(str(CreateTable(table, if_not_exists=True).compile(dialect=duckdb_dialect())))


def _has_tables(con: Any) -> bool:
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return {"import_changes", "import_undos"} <= names


# --- what can be undone ------------------------------------------------------------------------------


def undo_status(store: Any, import_ids: list[int] | None = None) -> pl.DataFrame:
    """Per import (all, or those given): ``import_id``, ``recorded`` (rows kept for undo), ``undone_at``,
    ``undone_by``, ``blocked_by`` (later imports touching the same rows, not undone; empty list if none)."""
    empty = pl.DataFrame(schema={"import_id": pl.Int64, "recorded": pl.Int64, "undone_at": pl.Datetime("us"),
                                 "undone_by": pl.String, "blocked_by": pl.List(pl.Int64)})
    if not hasattr(store, "reading"):  # only the embedded file is written by imports
        return empty
    with store.reading() as con:
        if not _has_tables(con):
            return empty
        ids = con.sql("SELECT import_id FROM import_log").pl()["import_id"].to_list() if import_ids is None \
            else list(import_ids)
        if not ids:
            return empty
        wanted = pl.DataFrame({"import_id": ids}, schema={"import_id": pl.Int64})
        with registered(con, wanted, "_undo_ids") as w:
            frame = con.sql(f"""
                SELECT w.import_id,
                       (SELECT count(*) FROM import_changes c WHERE c.import_id = w.import_id) AS recorded,
                       u.undone_at, u.undone_by,
                       coalesce((SELECT list(DISTINCT l.import_id ORDER BY l.import_id)
                                 FROM import_changes c JOIN import_changes l
                                   ON l.table_name = c.table_name AND l.key = c.key AND l.import_id > c.import_id
                                 WHERE c.import_id = w.import_id
                                   AND l.import_id NOT IN (SELECT import_id FROM import_undos)), []) AS blocked_by
                FROM {w} w LEFT JOIN import_undos u ON u.import_id = w.import_id
                ORDER BY w.import_id""").pl()
    return frame.cast({"import_id": pl.Int64, "recorded": pl.Int64, "blocked_by": pl.List(pl.Int64)})


def _refusal(store: Any, import_id: int) -> tuple[str, pl.DataFrame]:
    """The import's table and its recorded changes, or :class:`UndoRefused` saying why it cannot be undone."""
    if not getattr(store, "writable", False):
        raise UndoRefused("read_only", "This database is read-only for the dashboard; nothing can be undone.")
    if not hasattr(store, "writing"):  # imports into PostgreSQL keep no record of their changes
        raise UndoRefused("engine", "Undoing an import works on the embedded DuckDB database; on this database, "
                          "import the previous file again instead.")
    with store.reading() as con:
        entry = con.execute("SELECT table_name FROM import_log WHERE import_id = $1", [import_id]).fetchall()
        if not entry:
            raise UndoRefused("unknown", f"There is no import {import_id}.", id=import_id)
        if not _has_tables(con):
            raise UndoRefused("not_recorded", f"Import {import_id} was written before imports could be undone.",
                              id=import_id)
        changes = con.sql("SELECT table_name, seq, key, before FROM import_changes WHERE import_id = $id "
                          "ORDER BY table_name, seq", params={"id": import_id}).pl()
    status = undo_status(store, [import_id]).row(0, named=True)
    if status["undone_at"] is not None:
        raise UndoRefused("undone", f"Import {import_id} was undone already ({status['undone_at']:%Y-%m-%d %H:%M}).",
                          id=import_id, when=f"{status['undone_at']:%Y-%m-%d %H:%M}", by=status["undone_by"] or "—")
    if changes.height == 0:
        raise UndoRefused("not_recorded", f"Import {import_id} has no recorded changes (it was written before "
                          "imports could be undone, or it changed nothing).", id=import_id)
    if status["blocked_by"]:
        later = ", ".join(str(i) for i in status["blocked_by"])
        raise UndoRefused("later", f"Later imports changed the same rows: {later}. Undo those first.",
                          id=import_id, later=later)
    return entry[0][0], changes


# --- undoing -----------------------------------------------------------------------------------------


def _decoded(con: Any, table: str, frame: pl.DataFrame, column: str, columns: list[str]) -> pl.DataFrame:
    """The JSON column of ``frame`` as typed rows of ``table`` (only ``columns``)."""
    types = con.sql(f'SELECT * FROM "{table}" LIMIT 0').pl().schema
    return frame.select(pl.col(column).str.json_decode(pl.Struct({c: types[c] for c in columns}))).unnest(column)


def _references(con: Any, table: str, keys: pl.DataFrame) -> list[str]:
    """Keys (of a parent table) that rows of other tables refer to."""
    columns = REFERENCES.get(table)
    if not columns or keys.height == 0:
        return []
    key = schema.natural_key(table).columns[0]
    used: set[str] = set()
    with registered(con, keys.select(key), "_undo_parents") as k:
        for other in schema.FACT_TABLES:
            if other == table:
                continue
            for column in columns:
                if column in schema.metadata.tables[other].c:
                    used |= {r[0] for r in con.execute(
                        f'SELECT DISTINCT k."{key}" FROM {k} k JOIN "{other}" o ON o."{column}" = k."{key}"'
                    ).fetchall()}
    return sorted(used)


def _bump(con: Any) -> str:
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    version = str((int(row[0]) if row else 0) + 1)
    con.execute("INSERT INTO meta VALUES ('data_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [version])
    return version


def undo_import(store: Any, import_id: int, *, user: str | None, now: dt.datetime | None = None) -> UndoResult:
    """Roll one import back (see the module docstring); :class:`UndoRefused` when it cannot be."""
    table, changes = _refusal(store, import_id)
    now = now or dt.datetime.now().replace(microsecond=0)
    key = schema.natural_key(table).columns
    own = changes.filter(pl.col("table_name") == table)
    with store.writing() as con:
        # checked again inside the transaction: another session may have written since
        if con.execute("SELECT count(*) FROM import_undos WHERE import_id = $1", [import_id]).fetchall()[0][0]:
            raise UndoRefused("undone", f"Import {import_id} was undone already.", id=import_id, when="", by="")
        later = [r[0] for r in con.execute(
            "SELECT DISTINCT l.import_id FROM import_changes c JOIN import_changes l ON l.table_name = c.table_name "
            "AND l.key = c.key AND l.import_id > c.import_id WHERE c.import_id = $1 "
            "AND l.import_id NOT IN (SELECT import_id FROM import_undos) ORDER BY 1", [import_id]).fetchall()]
        if later:
            text = ", ".join(str(i) for i in later)
            raise UndoRefused("later", f"Later imports changed the same rows: {text}. Undo those first.",
                              id=import_id, later=text)
        added = _decoded(con, table, own.filter(pl.col("before").is_null()), "key", list(key))
        in_use = _references(con, table, added)
        if in_use:
            raise UndoRefused("in_use", f"Rows this import added are used by other data: {', '.join(in_use[:10])}.",
                              id=import_id, keys=", ".join(in_use[:10]))
        changed = own.filter(pl.col("before").is_not_null())
        columns = list(con.sql(f'SELECT * FROM "{table}" LIMIT 0').pl().columns)
        restored = _decoded(con, table, changed, "before", columns)
        if added.height:
            with registered(con, added, "_undo_added") as a:
                con.execute(f'DELETE FROM "{table}" t USING {a} i WHERE {_on(key)}')
        if restored.height:
            sets = ", ".join(f'"{c}" = i."{c}"' for c in columns if c not in key)
            with registered(con, restored, "_undo_before") as b:
                if sets:
                    con.execute(f'UPDATE "{table}" AS t SET {sets} FROM {b} i WHERE {_on(key)}')
        con.execute("INSERT INTO import_undos (import_id, undone_at, undone_by, rows_removed, rows_restored) "
                    "VALUES ($1, $2, $3, $4, $5)", [import_id, now, user, added.height, restored.height])
        version = _bump(con)
    removed, kept = _remove_parents(store, table, changes)
    if removed:
        with store.writing() as con:
            version = _bump(con)
    return UndoResult(import_id, table, added.height, restored.height, removed, kept, version)


def _remove_parents(store: Any, table: str, changes: pl.DataFrame) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Delete the channels and campaigns the import created that nothing refers to any more."""
    removed: dict[str, int] = {}
    kept: dict[str, list[str]] = {}
    for parent in ("campaigns", "channels"):  # campaigns refer to channels: them first
        rows = changes.filter((pl.col("table_name") == parent) & pl.col("before").is_null())
        if parent == table or rows.height == 0:
            continue
        key = schema.natural_key(parent).columns
        with store.writing() as con:
            keys = _decoded(con, parent, rows, "key", list(key))
            used = _references(con, parent, keys)
            free = keys.filter(~pl.col(key[0]).is_in(used))
            if free.height:
                with registered(con, free, "_undo_free") as f:
                    con.execute(f'DELETE FROM "{parent}" t USING {f} i WHERE {_on(key)}')
        removed[parent] = free.height
        if used:
            kept[parent] = used
            log.info("undo: %s %s kept, other rows refer to them", parent, used)
    return removed, kept
