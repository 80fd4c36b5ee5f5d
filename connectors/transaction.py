"""One transaction on either written engine, for code that must run the same statements on both.

:class:`Transaction` takes SQLAlchemy Core statements (compiled for DuckDB with ``$n`` placeholders, run
as they are on PostgreSQL) and frames to stage as tables: DuckDB registers the frame as an Arrow view,
PostgreSQL loads a temporary table (``ON COMMIT DROP``, COPY on psycopg; ``connectors/sql_bulk.py``).
A staged frame comes back as an :class:`sqlalchemy.Table` to join in the next statements, so the logic
above it (``connectors/undo.py``) is written once. Values only travel as bound parameters, Arrow or COPY.

:func:`session` opens one on a store: its read connection, or its write transaction (all or nothing;
on PostgreSQL the import log is locked first, so imports and undos take turns).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

import polars as pl
import sqlalchemy as sa

from connectors import schema, sql_bulk
from connectors.sql import compile_statement, duckdb_dialect, polars_type

_names = itertools.count(1)


def typed(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """``frame`` with the columns it shares with ``table`` cast to the dtypes the stores return for them."""
    columns = schema.metadata.tables[table].c
    return frame.cast({c: polars_type(columns[c].type) for c in frame.columns
                       if c in columns and polars_type(columns[c].type) != pl.Null})


class Transaction:
    """Statements and staged frames on one connection: a DuckDB connection or a SQLAlchemy one."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.duckdb = not isinstance(con, sa.Connection)
        self._dialect = duckdb_dialect() if self.duckdb else None
        # DuckDB cannot delete a referenced row in the transaction that deleted the rows referring to it
        self.deletes_referenced_rows = not self.duckdb

    def frame(self, stmt: sa.sql.Executable) -> pl.DataFrame:
        """The rows of a SELECT, typed by its columns' SQL types."""
        types = {c.name: polars_type(c.type) for c in stmt.selected_columns}  # type: ignore[attr-defined]
        if self.duckdb:
            sql, params = compile_statement(stmt, self._dialect)
            got = self.con.sql(sql, params=params).pl()
            return got.cast({k: v for k, v in types.items() if v != pl.Null and k in got.columns})
        rows = self.con.execute(stmt).fetchall()
        return pl.DataFrame([tuple(r) for r in rows], schema=types, orient="row")

    def rows(self, stmt: sa.sql.Executable) -> list[tuple]:
        if self.duckdb:
            return self.con.execute(*compile_statement(stmt, self._dialect)).fetchall()
        return [tuple(r) for r in self.con.execute(stmt).fetchall()]

    def run(self, stmt: sa.sql.Executable) -> None:
        if self.duckdb:
            self.con.execute(*compile_statement(stmt, self._dialect))
        else:
            self.con.execute(stmt)

    @contextlib.contextmanager
    def staged(self, frame: pl.DataFrame, like: str) -> Iterator[sa.Table]:
        """``frame`` (columns of table ``like``) as a table for the block's statements."""
        target = schema.metadata.tables[like]
        if not self.duckdb:
            yield sql_bulk.stage(self.con, like, frame)
            return
        name = f"_staged_{like}_{next(_names)}"
        self.con.register(name, frame.to_arrow(compat_level=pl.CompatLevel.oldest()))
        try:
            yield sa.Table(name, sa.MetaData(), *[sa.Column(c, target.c[c].type) for c in frame.columns])
        finally:
            self.con.unregister(name)

    def append(self, table: sa.Table, frame: pl.DataFrame) -> None:
        """Insert the rows of ``frame`` into ``table``."""
        if frame.height == 0:
            return
        if not self.duckdb:
            sql_bulk.load_rows(self.con, table, frame)
            return
        with self.staged(frame, table.name) as s:
            cols = list(frame.columns)
            self.run(table.insert().from_select(cols, sa.select(*[s.c[c] for c in cols])))

    def has_tables(self, *names: str) -> bool:
        """Every one of these tables exists (in the connection's current schema)."""
        t = sa.table("tables", sa.column("table_name"), sa.column("table_schema"), schema="information_schema")
        stmt = sa.select(t.c.table_name).where(t.c.table_name.in_(names),
                                               t.c.table_schema == sa.func.current_schema())
        return {r[0] for r in self.rows(stmt)} >= set(names)


@contextlib.contextmanager
def session(store: Any, *, write: bool) -> Iterator[Transaction]:
    """A :class:`Transaction` on the store (DuckDB file or PostgreSQL); ``write``: one read-write transaction."""
    if hasattr(store, "writing"):  # the embedded file: one writer at a time by its own lock
        with (store.writing() if write else store.reading()) as con:
            yield Transaction(con)
        return
    with store.transaction() as conn:
        if write:
            conn.execute(sa.text("LOCK TABLE import_log IN SHARE ROW EXCLUSIVE MODE"))
        yield Transaction(conn)
