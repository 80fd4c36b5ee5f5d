"""Frames matched by key against DuckDB tables: what an import would change, and the change itself.

A frame is registered as an Arrow view and joined to the table on the table's natural
key (:func:`connectors.schema.natural_key`), so a file of any size is compared and
written in a few statements. Table and column names come from the schema (quoted), values
only from the registered frame: nothing from a file is formatted into SQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl

from connectors import schema

_INCOMING = "_incoming_rows"


@contextlib.contextmanager
def registered(con: Any, frame: pl.DataFrame, name: str = _INCOMING) -> Iterator[str]:
    """``frame`` visible to SQL on ``con`` as ``name`` while the block runs."""
    con.register(name, frame.to_arrow(compat_level=pl.CompatLevel.oldest()))
    try:
        yield name
    finally:
        con.unregister(name)


def _key_match(key: Sequence[str]) -> str:
    return " AND ".join(f't."{k}" = i."{k}"' for k in key)


def _differs(cols: Sequence[str]) -> str:
    return " OR ".join(f't."{c}" IS DISTINCT FROM i."{c}"' for c in cols) or "FALSE"


def count_changes(con: Any, table: str, frame: pl.DataFrame) -> tuple[int, int]:
    """Rows of ``frame`` (unique by key) whose key is not stored yet, and rows whose stored values differ."""
    key = schema.natural_key(table).columns
    cols = [c for c in frame.columns if c not in key]
    with registered(con, frame) as incoming:
        new = con.execute(f'SELECT count(*) FROM {incoming} i WHERE NOT EXISTS '
                          f'(SELECT 1 FROM "{table}" t WHERE {_key_match(key)})').fetchall()[0][0]
        changed = con.execute(f'SELECT count(*) FROM {incoming} i JOIN "{table}" t ON {_key_match(key)} '
                              f'WHERE {_differs(cols)}').fetchall()[0][0]
    return int(new), int(changed)


def upsert(con: Any, table: str, frame: pl.DataFrame) -> tuple[int, int]:
    """Update stored rows whose values differ, insert rows with a new key; (added, updated)."""
    if frame.height == 0:
        return 0, 0
    key = schema.natural_key(table).columns
    updatable = [c for c in frame.columns if c not in key]
    col_sql = ", ".join(f'"{c}"' for c in frame.columns)
    with registered(con, frame) as incoming:
        updated = 0
        if updatable:
            sets = ", ".join(f'"{c}" = i."{c}"' for c in updatable)
            updated = con.execute(f'UPDATE "{table}" AS t SET {sets} FROM {incoming} i '
                                  f'WHERE {_key_match(key)} AND ({_differs(updatable)})').fetchall()[0][0]
        added = con.execute(f'INSERT INTO "{table}" ({col_sql}) SELECT {col_sql} FROM {incoming} i '
                            f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" t WHERE {_key_match(key)})').fetchall()[0][0]
    return int(added), int(updated)


def insert_missing(con: Any, table: str, frame: pl.DataFrame) -> int:
    """Insert the rows whose key is not stored yet (existing rows are left as they are); rows added."""
    if frame.height == 0:
        return 0
    key = schema.natural_key(table).columns
    col_sql = ", ".join(f'"{c}"' for c in frame.columns)
    with registered(con, frame) as incoming:
        return int(con.execute(f'INSERT INTO "{table}" ({col_sql}) SELECT {col_sql} FROM {incoming} i '
                               f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" t WHERE {_key_match(key)})'
                               ).fetchall()[0][0])
