"""Frames matched by key against PostgreSQL tables: what an import would change, and the change itself.

The counterpart of ``connectors/duckdb_bulk.py`` for a database reached through SQLAlchemy.
The frame is first loaded into a temporary table (``ON COMMIT DROP``, typed like the target's
columns; COPY when the driver is psycopg, else batched inserts), then compared and written with
SQLAlchemy Core statements joined on the table's natural key (:func:`connectors.schema.natural_key`):

- rows whose key is stored and whose values differ are updated (``IS DISTINCT FROM``, so NULLs compare);
- rows with a new key are inserted (``INSERT ... SELECT ... ON CONFLICT (key) DO NOTHING``);
- identical rows are left alone, so re-importing a file adds nothing.

Everything runs on the caller's connection, inside the caller's transaction: the caller commits
or rolls back the whole import. Values only ever travel as bound parameters or COPY data.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from connectors import schema

BATCH_ROWS = 20_000
_counter = itertools.count(1)


def stage(conn: sa.Connection, table: str, frame: pl.DataFrame) -> sa.Table:
    """A temporary table holding ``frame`` (the columns it shares with ``table``), dropped at commit."""
    target = schema.metadata.tables[table]
    cols = [c for c in frame.columns if c in target.c]
    tmp = sa.Table(f"_incoming_{table}_{next(_counter)}", sa.MetaData(),
                   *[sa.Column(c, target.c[c].type) for c in cols],
                   prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    tmp.create(conn)
    load_rows(conn, tmp, frame.select(cols))
    return tmp


def load_rows(conn: sa.Connection, table: sa.Table, frame: pl.DataFrame) -> None:
    """Append ``frame`` to ``table`` on this connection, in batches (COPY on psycopg)."""
    if frame.height == 0:
        return
    cols = list(frame.columns)
    raw = conn.connection.driver_connection
    if type(raw).__module__.startswith("psycopg") and hasattr(raw, "cursor"):
        quote = conn.dialect.identifier_preparer.quote
        copy_sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in cols)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(copy_sql) as copy:
            for chunk in frame.iter_slices(BATCH_ROWS):
                for row in chunk.iter_rows():
                    copy.write_row(row)
        return
    for chunk in frame.iter_slices(BATCH_ROWS):
        conn.execute(table.insert(), chunk.to_dicts())


def key_match(t: sa.Table, i: sa.Table, key: Sequence[str]) -> sa.ColumnElement[bool]:
    return sa.and_(*[t.c[k] == i.c[k] for k in key])


def differs(t: sa.Table, i: sa.Table, cols: Sequence[str]) -> sa.ColumnElement[bool]:
    return sa.or_(*[t.c[c].is_distinct_from(i.c[c]) for c in cols]) if cols else sa.false()


def new_rows(t: sa.Table, i: sa.Table, key: Sequence[str]) -> sa.ColumnElement[bool]:
    return ~sa.exists(sa.select(sa.literal(1)).select_from(t).where(key_match(t, i, key)))


def count_changes(conn: sa.Connection, table: str, frame: pl.DataFrame) -> tuple[int, int]:
    """Rows of ``frame`` (unique by key) whose key is not stored yet, and rows whose stored values differ.

    Loads a temporary table: run it in a transaction the caller rolls back.
    """
    t = schema.metadata.tables[table]
    key = schema.natural_key(table).columns
    i = stage(conn, table, frame)
    cols = [c.name for c in i.c if c.name not in key]
    new = conn.execute(sa.select(sa.func.count()).select_from(i).where(new_rows(t, i, key))).scalar_one()
    changed = conn.execute(sa.select(sa.func.count()).select_from(i.join(t, key_match(t, i, key)))
                           .where(differs(t, i, cols))).scalar_one()
    return int(new), int(changed)


def upsert(conn: sa.Connection, table: str, frame: pl.DataFrame) -> tuple[int, int]:
    """Update stored rows whose values differ, insert rows with a new key; (added, updated)."""
    if frame.height == 0:
        return 0, 0
    t = schema.metadata.tables[table]
    key = schema.natural_key(table).columns
    i = stage(conn, table, frame)
    cols = [c.name for c in i.c]
    updatable = [c for c in cols if c not in key]
    updated = 0
    if updatable:
        stmt = (t.update().values({c: i.c[c] for c in updatable})
                .where(key_match(t, i, key), differs(t, i, updatable)))
        updated = conn.execute(stmt).rowcount
    added = conn.execute(_insert_new(t, i, cols, key)).rowcount
    return int(added), int(updated)


def insert_missing(conn: sa.Connection, table: str, frame: pl.DataFrame) -> int:
    """Insert the rows whose key is not stored yet (existing rows are left as they are); rows added."""
    if frame.height == 0:
        return 0
    t = schema.metadata.tables[table]
    key = schema.natural_key(table).columns
    i = stage(conn, table, frame)
    return int(conn.execute(_insert_new(t, i, [c.name for c in i.c], key)).rowcount)


def _insert_new(t: sa.Table, i: sa.Table, cols: Sequence[str], key: Sequence[str]) -> sa.Insert:
    source = sa.select(*[i.c[c] for c in cols]).where(new_rows(t, i, key))
    return (postgresql.insert(t).from_select(list(cols), source)
            .on_conflict_do_nothing(index_elements=list(key))
            .execution_options(preserve_rowcount=True))  # the rows inserted (SQLAlchemy drops it by default)


def set_meta(conn: sa.Connection, items: dict[str, str]) -> None:
    """Insert or replace meta items (``ON CONFLICT (key) DO UPDATE``)."""
    m = schema.meta
    for key, value in items.items():
        stmt = postgresql.insert(m).values(key=key, value=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=[m.c.key], set_={"value": stmt.excluded.value}))


def analyze(engine: sa.Engine, tables: Sequence[str]) -> None:
    """Refresh PostgreSQL's planner statistics of tables just written, so the next queries are planned on them.

    Without it the first queries after a large load are planned on an empty table's statistics until autovacuum
    comes round (seen: one query over 11 minutes, 7 s after ANALYZE). Only the schema's own table names are used.
    """
    names = [schema.metadata.tables[t].name for t in tables if t in schema.metadata.tables]
    if engine.dialect.name != "postgresql" or not names:
        return
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE " + ", ".join(quote(n) for n in names))
