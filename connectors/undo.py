"""Undo an import: what each import added or changed is kept, and one import can be rolled back.

Recording. Inside the import's own transaction, before anything is written, :func:`before_import`
reads which rows of the incoming frame are new (their key) and which will change (the whole stored
row); :func:`record` writes them to ``import_changes`` under the import's id. The parent rows the
import creates (channels, campaigns) are recorded as added rows of their table.

Undo (:func:`undo_import`). Any import can be undone, not only the latest, as long as no later
import (not itself undone) touched one of the same rows; otherwise it is refused, naming the later
imports, which are to be undone first. In one transaction, all or nothing: rows the import added are
deleted, rows it changed get their stored values back, and ``import_undos`` records who undid it.
The channels and campaigns the import created are removed too where no row refers to them any more
(the others are kept and reported): on PostgreSQL in the same transaction; DuckDB cannot delete a
referenced row in the transaction that deleted the rows referring to it, so there right after, one
transaction per table.

The rule is written once, in SQLAlchemy Core, for both written engines (the embedded DuckDB file and
PostgreSQL): ``connectors/transaction.py`` runs the statements and stages frames as tables. For a
read-only store the undo is refused. Table and column names come from the schema; values travel as
staged frames or bound parameters, never inside SQL text.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from connectors import rollups, schema
from connectors.sql import polars_type
from connectors.sql_bulk import differs, key_match, new_rows
from connectors.transaction import Transaction, session, typed

log = logging.getLogger(__name__)

# the columns through which rows of other tables refer to a parent row
REFERENCES: dict[str, tuple[str, ...]] = {
    "channels": ("channel_id", "acquisition_channel_id"),
    "campaigns": ("campaign_id",),
}
CHANGES, UNDOS = schema.import_changes, schema.import_undos


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


def _tx(con: Any) -> Transaction:
    return con if isinstance(con, Transaction) else Transaction(con)


# --- recording ---------------------------------------------------------------------------------------


def _key_json(columns: list[str] | tuple[str, ...]) -> pl.Expr:
    return pl.struct([pl.col(c) for c in columns]).struct.json_encode()


def before_import(con: Any, table: str, frame: pl.DataFrame,
                  parents: Mapping[str, pl.DataFrame] | None = None) -> list[tuple[str, pl.DataFrame]]:
    """What the import is about to add or change, read before it writes: ``[(table, frame of key, before)]``.

    ``con``: the import's connection (DuckDB or SQLAlchemy). ``key`` is the row's natural key as JSON;
    ``before`` the whole stored row as JSON, or null for a new row.
    """
    tx = _tx(con)
    out = []
    for name, rows in [(table, frame), *(parents or {}).items()]:
        if rows.height == 0:
            continue
        t = schema.metadata.tables[name]
        key = list(schema.natural_key(name).columns)
        updatable = [c for c in rows.columns if c not in key and c in t.c] if name == table else []  # parents add
        with tx.staged(typed(rows.select(list(dict.fromkeys([*key, *updatable]))), name), name) as i:
            added = tx.frame(sa.select(*[i.c[k] for k in key]).where(new_rows(t, i, key)))
            changed = tx.frame(sa.select(*t.c).select_from(t.join(i, key_match(t, i, key)))
                               .where(differs(t, i, updatable))) if updatable else pl.DataFrame()
        parts = [added.select(_key_json(key).alias("key"), pl.lit(None, pl.String).alias("before"))]
        if changed.height:
            parts.append(changed.select(_key_json(key).alias("key"), _key_json(changed.columns).alias("before")))
        recorded = pl.concat(parts)
        if recorded.height:
            out.append((name, recorded))
    return out


def record(con: Any, import_id: int, changes: list[tuple[str, pl.DataFrame]]) -> int:
    """Write what :func:`before_import` read under ``import_id`` (in the import's transaction); rows written."""
    tx = _tx(con)
    ensure_tables(tx)
    total = 0
    for name, frame in changes:
        rows = frame.with_row_index("seq").select(
            pl.lit(import_id, pl.Int64).alias("import_id"), pl.lit(name).alias("table_name"),
            pl.col("seq").cast(pl.Int64), "key", "before")
        tx.append(CHANGES, rows)
        total += rows.height
    return total


def ensure_tables(con: Any) -> None:
    """The two undo tables, in a database written before they existed."""
    tx = _tx(con)
    if not tx.has_tables(CHANGES.name, UNDOS.name):
        for table in (CHANGES, UNDOS):
            tx.run(CreateTable(table, if_not_exists=True))


# --- what can be undone ------------------------------------------------------------------------------


def _blocking(tx: Transaction, import_ids: list[int]) -> pl.DataFrame:
    """Pairs (``import_id``, ``later``): a later import, not undone, that touched a row the import touched."""
    c, lt = CHANGES.alias("c"), CHANGES.alias("l")
    stmt = (sa.select(c.c.import_id, lt.c.import_id.label("later")).distinct()
            .select_from(c.join(lt, sa.and_(lt.c.table_name == c.c.table_name, lt.c.key == c.c.key,
                                            lt.c.import_id > c.c.import_id)))
            .where(c.c.import_id.in_(import_ids), lt.c.import_id.not_in(sa.select(UNDOS.c.import_id))))
    return tx.frame(stmt)


def undo_status(store: Any, import_ids: list[int] | None = None) -> pl.DataFrame:
    """Per import (all, or those given): ``import_id``, ``recorded`` (rows kept for undo), ``undone_at``,
    ``undone_by``, ``blocked_by`` (later imports touching the same rows, not undone; empty list if none)."""
    empty = pl.DataFrame(schema={"import_id": pl.Int64, "recorded": pl.Int64, "undone_at": pl.Datetime("us"),
                                 "undone_by": pl.String, "blocked_by": pl.List(pl.Int64)})
    if not getattr(store, "writable", False):  # only the stores imports are written to keep changes
        return empty
    with session(store, write=False) as tx:
        if not tx.has_tables(CHANGES.name, UNDOS.name):
            return empty
        ids = (tx.frame(sa.select(schema.import_log.c.import_id))["import_id"].to_list() if import_ids is None
               else [int(i) for i in import_ids])
        if not ids:
            return empty
        counts = tx.frame(sa.select(CHANGES.c.import_id, sa.func.count().label("recorded"))
                          .where(CHANGES.c.import_id.in_(ids)).group_by(CHANGES.c.import_id))
        undos = tx.frame(sa.select(UNDOS.c.import_id, UNDOS.c.undone_at, UNDOS.c.undone_by)
                         .where(UNDOS.c.import_id.in_(ids)))
        blocks = _blocking(tx, ids)
    later = (blocks.sort("later").group_by("import_id", maintain_order=True).agg(pl.col("later").alias("blocked_by"))
             .cast({"import_id": pl.Int64, "blocked_by": pl.List(pl.Int64)}))
    frame = (pl.DataFrame({"import_id": ids}, schema={"import_id": pl.Int64}).unique(maintain_order=True)
             .join(counts.cast({"import_id": pl.Int64, "recorded": pl.Int64}), on="import_id", how="left")
             .join(undos.cast({"import_id": pl.Int64}), on="import_id", how="left")
             .join(later, on="import_id", how="left")
             .with_columns(pl.col("recorded").fill_null(0), pl.col("blocked_by").fill_null([]))
             .sort("import_id"))
    return frame.select(empty.columns).cast(dict(empty.schema))


def _refusal(store: Any, import_id: int) -> tuple[str, pl.DataFrame]:
    """The import's table and its recorded changes, or :class:`UndoRefused` saying why it cannot be undone."""
    if not getattr(store, "writable", False):
        raise UndoRefused("read_only", "This database is read-only for the dashboard; nothing can be undone.")
    if not (hasattr(store, "writing") or hasattr(store, "transaction")):
        raise UndoRefused("engine", "Undoing an import works on the embedded DuckDB database and on PostgreSQL; "
                          "on this database, import the previous file again instead.")
    with session(store, write=False) as tx:
        entry = tx.rows(sa.select(schema.import_log.c.table_name).where(schema.import_log.c.import_id == import_id))
        if not entry:
            raise UndoRefused("unknown", f"There is no import {import_id}.", id=import_id)
        if not tx.has_tables(CHANGES.name, UNDOS.name):
            raise UndoRefused("not_recorded", f"Import {import_id} was written before imports could be undone.",
                              id=import_id)
        changes = tx.frame(sa.select(CHANGES.c.table_name, CHANGES.c.seq, CHANGES.c.key, CHANGES.c.before)
                           .where(CHANGES.c.import_id == import_id).order_by(CHANGES.c.table_name, CHANGES.c.seq))
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


def _decoded(table: str, frame: pl.DataFrame, column: str, columns: list[str]) -> pl.DataFrame:
    """The JSON column of ``frame`` as typed rows of ``table`` (only ``columns``)."""
    c = schema.metadata.tables[table].c
    struct = pl.Struct({name: polars_type(c[name].type) for name in columns})
    return frame.select(pl.col(column).str.json_decode(struct)).unnest(column)


def _references(tx: Transaction, table: str, keys: pl.DataFrame) -> list[str]:
    """Keys (of a parent table) that rows of other tables refer to."""
    columns = REFERENCES.get(table)
    if not columns or keys.height == 0:
        return []
    key = schema.natural_key(table).columns[0]
    used: set[str] = set()
    with tx.staged(keys.select(key), table) as k:
        for other in schema.FACT_TABLES:
            o = schema.metadata.tables[other]
            for column in columns:
                if other != table and column in o.c:
                    used |= {r[0] for r in tx.rows(sa.select(k.c[key]).distinct()
                                                   .select_from(k.join(o, o.c[column] == k.c[key])))}
    return sorted(used)


def _bump(tx: Transaction) -> str:
    m = schema.meta
    row = tx.rows(sa.select(m.c.value).where(m.c.key == "data_version"))
    version = str((int(row[0][0]) if row else 0) + 1)
    stmt = postgresql.insert(m).values(key="data_version", value=version)
    tx.run(stmt.on_conflict_do_update(index_elements=[m.c.key], set_={"value": stmt.excluded.value}))
    return version


def _later(tx: Transaction, import_id: int) -> list[int]:
    return sorted(set(_blocking(tx, [import_id])["later"].to_list()))


def undo_import(store: Any, import_id: int, *, user: str | None, now: dt.datetime | None = None) -> UndoResult:
    """Roll one import back (see the module docstring); :class:`UndoRefused` when it cannot be."""
    table, changes = _refusal(store, import_id)
    before = store.data_version()
    now = now or dt.datetime.now().replace(microsecond=0)
    t = schema.metadata.tables[table]
    key = list(schema.natural_key(table).columns)
    own = changes.filter(pl.col("table_name") == table)
    removed: dict[str, int] = {}
    kept: dict[str, list[str]] = {}
    with session(store, write=True) as tx:
        # checked again inside the transaction: another session may have written since
        if tx.rows(sa.select(UNDOS.c.import_id).where(UNDOS.c.import_id == import_id)):
            raise UndoRefused("undone", f"Import {import_id} was undone already.", id=import_id, when="", by="")
        later = _later(tx, import_id)
        if later:
            text = ", ".join(str(i) for i in later)
            raise UndoRefused("later", f"Later imports changed the same rows: {text}. Undo those first.",
                              id=import_id, later=text)
        added = _decoded(table, own.filter(pl.col("before").is_null()), "key", key)
        in_use = _references(tx, table, added)
        if in_use:
            raise UndoRefused("in_use", f"Rows this import added are used by other data: {', '.join(in_use[:10])}.",
                              id=import_id, keys=", ".join(in_use[:10]))
        columns = [c.name for c in t.c]
        restored = _decoded(table, own.filter(pl.col("before").is_not_null()), "before", columns)
        if added.height:
            with tx.staged(added, table) as a:
                tx.run(t.delete().where(key_match(t, a, key)))
        sets = [c for c in columns if c not in key]
        if restored.height and sets:
            with tx.staged(restored, table) as b:
                tx.run(t.update().values({c: b.c[c] for c in sets}).where(key_match(t, b, key)))
        tx.run(UNDOS.insert().values(import_id=import_id, undone_at=now, undone_by=user,
                                     rows_removed=added.height, rows_restored=restored.height))
        if tx.deletes_referenced_rows:
            for parent in ("campaigns", "channels"):  # campaigns refer to channels: them first
                _remove_parent(tx, table, parent, changes, removed, kept)
        version = _bump(tx)
    if not tx.deletes_referenced_rows:
        for parent in ("campaigns", "channels"):
            with session(store, write=True) as later_tx:
                _remove_parent(later_tx, table, parent, changes, removed, kept)
        if any(removed.values()):
            with session(store, write=True) as bump_tx:
                version = _bump(bump_tx)
    rollups.after_write(store, [table, *(name for name, n in removed.items() if n)], before=before,
                        after=str(version))
    return UndoResult(import_id, table, added.height, restored.height, removed, kept, version)


def _remove_parent(tx: Transaction, table: str, parent: str, changes: pl.DataFrame,
                   removed: dict[str, int], kept: dict[str, list[str]]) -> None:
    """Delete the rows of ``parent`` the import created that nothing refers to any more (counted in ``removed``,
    the others listed in ``kept``)."""
    rows = changes.filter((pl.col("table_name") == parent) & pl.col("before").is_null())
    if parent == table or rows.height == 0:
        return
    p = schema.metadata.tables[parent]
    key = list(schema.natural_key(parent).columns)
    keys = _decoded(parent, rows, "key", key)
    used = _references(tx, parent, keys)
    free = keys.filter(~pl.col(key[0]).is_in(used))
    if free.height:
        with tx.staged(free, parent) as f:
            tx.run(p.delete().where(key_match(p, f, key)))
    removed[parent] = free.height
    if used:
        kept[parent] = used
        log.info("undo: %s %s kept, other rows refer to them", parent, used)
