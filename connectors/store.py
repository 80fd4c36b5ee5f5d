"""Where the data lives: the embedded DuckDB file or any SQLAlchemy URL.

One small interface (:class:`Store`) with two backends:

- :class:`DuckDBStore` (the embedded default) talks to DuckDB directly and reads
  through its native Arrow path (``relation.pl()``). Readers share one read-only
  connection that is released when idle, so another process (a scheduled import)
  can take the file's write lock; a lock conflict is retried for a while before a
  clear :class:`StoreBusy` error (see ``connectors/duckdb_file.py``).
- :class:`SQLAlchemyStore` serves any other URL (PostgreSQL, a warehouse). Reads
  use ADBC for PostgreSQL when the driver is installed (bound parameters, Arrow
  all the way; ``connectors/postgres_adbc.py``), else SQLAlchemy's cursor path.

What a store can do beyond reading is said by its capabilities, never by its class:
``writable`` (the app writes file imports to it: the DuckDB file and PostgreSQL, unless
the ``read_only`` setting says otherwise), ``can_build_demo`` (an empty store is filled
with the demo company on first start), and ``count_changes`` / ``write_import`` (an import
compared and written by key in bulk, in one transaction: ``connectors/duckdb_bulk.py``,
``connectors/sql_bulk.py``). The interface itself is in ``connectors/protocol.py``.

Queries are SQLAlchemy Core statements compiled per dialect with bound
parameters (``connectors/sql.py``): no value is ever formatted into SQL text.
Nothing connects at import time.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from connectors import duckdb_bulk, query_log, schema, sql_bulk
from connectors.duckdb_file import FileBusy, FileUnusable, duckdb_file
from connectors.postgres_adbc import adbc_query, adbc_uri, adbc_write
from connectors.protocol import ImportWritten, Store, StoreBusy, StoreError
from connectors.urls import safe_url, url_secrets
from connectors.sql import (
    clean_error, compile_statement, duckdb_dialect, empty_frame, is_database_error, text_statement,
)

__all__ = ["DuckDBStore", "ImportWritten", "SQLAlchemyStore", "Store", "StoreBusy", "StoreError", "compile_statement",
           "open_store", "safe_url", "truth_of"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
_BUSY_TIMEOUT_S = 30.0


# --- DuckDB -------------------------------------------------------------------


class DuckDBStore:
    """The embedded default: one DuckDB file."""

    kind = "duckdb"
    can_build_demo = True

    def __init__(self, path: str | Path, *, busy_timeout_s: float = _BUSY_TIMEOUT_S,
                 on_wait: Callable[[], None] | None = None, read_only: bool = False) -> None:
        self.path = Path(path)
        self.writable = not read_only
        self.display_url = f"duckdb:///{self.path}"
        self.busy_timeout_s = busy_timeout_s
        self.on_wait = on_wait  # told once when the file is locked by another process and we wait
        self._file = duckdb_file(self.path)
        self._dialect = duckdb_dialect()

    # connections ------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """A read-only cursor (the connection is shared and kept warm)."""
        try:
            with self._file.reading(busy_timeout_s=self.busy_timeout_s, on_wait=self.on_wait) as cursor:
                yield cursor
        except FileBusy as exc:
            raise StoreBusy(str(exc)) from None
        except FileUnusable as exc:
            raise StoreError(str(exc)) from None

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        """A read-write connection inside one transaction: all or nothing."""
        try:
            with self._file.writing(busy_timeout_s=self.busy_timeout_s, on_wait=self.on_wait) as con:
                yield con
        except FileBusy as exc:
            raise StoreBusy(str(exc)) from None
        except FileUnusable as exc:
            raise StoreError(str(exc)) from None

    # Store interface ---------------------------------------------------------
    def exists(self) -> bool:
        if not self.path.exists():
            return False
        with self.reading() as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return "meta" in tables

    def ensure_schema(self) -> None:
        with self.writing() as con:
            for table in schema.metadata.sorted_tables:
                ddl = str(CreateTable(table, if_not_exists=True).compile(dialect=self._dialect))
                con.execute(ddl)
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING",
                [SCHEMA_VERSION],
            )

    def ensure_app_tables(self) -> None:
        """When one of the app's own tables is missing: every missing table (``IF NOT EXISTS``; none dropped)."""
        with self.reading() as con:
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if any(t.name not in present for t in schema.APP_TABLES):
            self.ensure_schema()

    @query_log.recorded
    def query(self, stmt: sa.sql.Executable) -> pl.DataFrame:
        sql, params = compile_statement(stmt, self._dialect)
        with self.reading() as con:
            return con.sql(sql, params=params).pl()

    def execute_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """Run a literal SQL text with ``:name`` placeholders bound to ``params`` (for checks and benchmarks)."""
        return self.query(text_statement(sql, params))

    def write_frames(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Append rows and set meta items in one transaction; bump the data version."""
        with self.writing() as con:
            for name in _dependency_order(frames):
                write_frame_duckdb(con, name, frames[name])
            for key, value in (meta or {}).items():
                _set_meta_duckdb(con, key, value)
            _bump_version_duckdb(con)

    def replace_all(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Rebuild the whole database from these frames.

        Written into a new file that replaces the old one in a single rename, so a
        reader sees either the old data or the new, never a half-written mix (and
        DuckDB's foreign-key limits on deleting referenced rows never bite).
        """
        import duckdb

        tmp = self.path.with_name(self.path.name + ".building")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)
        previous = 0
        if self.path.exists():
            try:
                previous = int(self.data_version())
            except Exception:  # an unreadable old file is simply replaced
                previous = 0
        con = duckdb.connect(str(tmp))
        try:
            for table in schema.metadata.sorted_tables:
                con.execute(str(CreateTable(table).compile(dialect=self._dialect)))
            con.execute("BEGIN TRANSACTION")
            for name in _dependency_order(frames):
                write_frame_duckdb(con, name, frames[name])
            items = {"schema_version": SCHEMA_VERSION, **(meta or {}), "data_version": str(previous + 1)}
            for key, value in items.items():
                _set_meta_duckdb(con, key, value)
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        with self._file.exclusive():
            Path(str(self.path) + ".wal").unlink(missing_ok=True)
            os.replace(tmp, self.path)

    def execute(self, statements: Sequence[sa.sql.Executable], *, bump_version: bool = True) -> list[int]:
        """Run DML statements (insert / update / delete) in one transaction; rows affected by each."""
        counts = []
        with self.writing() as con:
            for stmt in statements:
                sql, params = compile_statement(stmt, self._dialect)
                row = con.execute(sql, params).fetchone()
                counts.append(int(row[0]) if row and isinstance(row[0], int) else -1)
            if bump_version:
                _bump_version_duckdb(con)
        return counts

    def get_meta(self, key: str) -> str | None:
        with self.reading() as con:
            row = con.execute("SELECT value FROM meta WHERE key = $1", [key]).fetchone()
        return None if row is None else row[0]

    def data_version(self) -> str:
        return self.get_meta("data_version") or "0"

    def count_changes(self, table: str, frame: pl.DataFrame) -> tuple[int, int] | None:
        with self.reading() as con:
            return duckdb_bulk.count_changes(con, table, frame)

    def write_import(self, table: str, frame: pl.DataFrame, *, parents: Mapping[str, pl.DataFrame],
                     log: Mapping[str, Any], meta: Mapping[str, str]) -> ImportWritten:
        from connectors import undo

        with self.writing() as con:
            changes = undo.before_import(con, table, frame, parents)  # kept so the import can be undone
            created = {name: duckdb_bulk.insert_missing(con, name, rows) for name, rows in parents.items()}
            added, updated = duckdb_bulk.upsert(con, table, frame)
            import_id = int(con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchall()[0][0])
            entry = schema.import_log.insert().values(**log, import_id=import_id, rows_added=added,
                                                      rows_updated=updated)
            con.execute(*compile_statement(entry, self._dialect))
            undo.record(con, import_id, changes)
            for key, value in meta.items():
                _set_meta_duckdb(con, key, value)
            _bump_version_duckdb(con)
            version = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
        return ImportWritten(added, updated, created, import_id, version)


def _dependency_order(frames: Mapping[str, pl.DataFrame]) -> list[str]:
    order = [t.name for t in schema.metadata.sorted_tables]
    unknown = set(frames) - set(order)
    if unknown:
        raise StoreError(f"Unknown tables: {sorted(unknown)}")
    return [name for name in order if name in frames]


def write_frame_duckdb(con: Any, name: str, frame: pl.DataFrame) -> None:
    table = schema.metadata.tables[name]
    cols = [c.name for c in table.columns]
    missing = [c for c in cols if c not in frame.columns and not table.c[c].nullable]
    if missing:
        raise StoreError(f"{name}: missing required columns {missing}")
    present = [c for c in cols if c in frame.columns]
    if frame.height == 0:
        return
    arrow = frame.select(present).to_arrow()
    con.register("_incoming", arrow)
    try:
        col_sql = ", ".join(f'"{c}"' for c in present)
        con.execute(f'INSERT INTO "{name}" ({col_sql}) SELECT {col_sql} FROM _incoming')
    finally:
        con.unregister("_incoming")


def _set_meta_duckdb(con: Any, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def _bump_version_duckdb(con: Any) -> None:
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    current = int(row[0]) if row else 0
    _set_meta_duckdb(con, "data_version", str(current + 1))


# --- any SQLAlchemy URL -------------------------------------------------------


class SQLAlchemyStore:
    """Any database SQLAlchemy can reach; the app writes imports to PostgreSQL (unless ``read_only``).

    Other dialects (a warehouse, SQLite) are read only: the company's own pipelines load them.

    Every failure to reach or query the database becomes a :class:`StoreError` whose
    message never holds the password (see :func:`connectors.sql.clean_error`). On PostgreSQL, reads
    and bulk loads go through ADBC when ``adbc-driver-postgresql`` is installed
    (Arrow end to end; loads use COPY), one connection per thread kept open.
    """

    def __init__(self, url: str, *, read_only: bool = False, **engine_kwargs: Any) -> None:
        self.url = url
        self.display_url = safe_url(url)
        try:
            self._engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        except Exception as exc:  # never echo the URL: it may hold a password
            raise StoreError(f"Cannot use the database URL {self.display_url}: {type(exc).__name__}") from None
        self.kind = self._engine.dialect.name
        # imports are written in one transaction with PostgreSQL's ON CONFLICT; other dialects are only read
        self.writable = self.kind == "postgresql" and not read_only
        self.can_build_demo = False  # it is loaded from outside: python -m connectors.demo --url <URL>
        self._secrets = url_secrets(self._engine.url)
        self._adbc_pool: queue.LifoQueue[Any] = queue.LifoQueue(maxsize=4)

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Database errors as StoreError, credentials removed from the message."""
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            if not is_database_error(exc):
                raise
            message = clean_error(exc, self._secrets)
            log.warning("database %s: %s", self.display_url, message)
            raise StoreError(f"The database {self.display_url} failed: {message}") from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One transaction on this database: committed when the block ends, rolled back when it raises."""
        with self._guard(), self._engine.begin() as conn:
            yield conn

    def exists(self) -> bool:
        with self._guard():
            return sa.inspect(self._engine).has_table("meta")

    def ensure_schema(self) -> None:
        with self._guard():
            schema.metadata.create_all(self._engine)
            with self._engine.begin() as conn:
                if conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first() is None:
                    conn.execute(schema.meta.insert().values(key="schema_version", value=SCHEMA_VERSION))

    @query_log.recorded  # execute_sql runs through here
    def query(self, stmt: sa.sql.Executable) -> pl.DataFrame:
        with self._guard():
            fast = adbc_query(self, stmt)
            if fast is not None:
                return fast
            with self._engine.connect() as conn:
                result = conn.execute(stmt)
                columns = list(result.keys())
                rows = result.fetchall()
        if not rows:
            return empty_frame(stmt, columns)
        return pl.DataFrame([tuple(r) for r in rows], schema=columns, orient="row", infer_schema_length=None)

    def write_frames(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Append rows and set meta items in one transaction; bump the data version."""
        with self._guard():
            if adbc_write(self, frames, meta, order=_dependency_order(frames), replace=False):
                return
            with self._engine.begin() as conn:
                self._insert(conn, frames)
                self._bump(conn, meta)

    def replace_all(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Empty every table and load these frames, in one transaction (PostgreSQL: COPY through ADBC)."""
        items = {"schema_version": SCHEMA_VERSION, **(meta or {})}
        with self._guard():
            schema.metadata.create_all(self._engine)
            if not adbc_write(self, frames, items, order=_dependency_order(frames), replace=True):
                with self._engine.begin() as conn:
                    for table in reversed(schema.metadata.sorted_tables):
                        if table.name != "meta":
                            conn.execute(table.delete())
                    self._insert(conn, frames)
                    self._bump(conn, items)
            sql_bulk.analyze(self._engine, list(frames))

    @staticmethod
    def _insert(conn: sa.Connection, frames: Mapping[str, pl.DataFrame]) -> None:
        for name in _dependency_order(frames):
            table = schema.metadata.tables[name]
            frame = frames[name]
            cols = [c.name for c in table.columns if c.name in frame.columns]
            for chunk in frame.select(cols).iter_slices(50_000):
                conn.execute(table.insert(), chunk.to_dicts())

    @staticmethod
    def _bump(conn: sa.Connection, meta: Mapping[str, str] | None) -> str:
        row = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "data_version")).first()
        items = dict(meta or {})
        items["data_version"] = str(int(row[0]) + 1) if row else "1"
        for key, value in items.items():
            conn.execute(schema.meta.delete().where(schema.meta.c.key == key))
            conn.execute(schema.meta.insert().values(key=key, value=value))
        return items["data_version"]

    def execute(self, statements: Sequence[sa.sql.Executable], *, bump_version: bool = True) -> list[int]:
        """Run DML statements in one transaction; rows affected by each."""
        with self._guard(), self._engine.begin() as conn:
            counts = [conn.execute(stmt).rowcount for stmt in statements]
            if bump_version:
                self._bump(conn, None)
        return counts

    def execute_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """Run a literal SQL text with ``:name`` placeholders bound to ``params`` (for checks)."""
        return self.query(text_statement(sql, params))

    def get_meta(self, key: str) -> str | None:
        with self._guard(), self._engine.connect() as conn:
            row = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == key)).first()
        return None if row is None else row[0]

    def data_version(self) -> str:
        return self.get_meta("data_version") or "0"

    def ensure_app_tables(self) -> None:
        """Create the app's own tables (saved scenarios, import log, meta) where missing; never drops any."""
        with self._guard():
            schema.metadata.create_all(self._engine, tables=list(schema.APP_TABLES), checkfirst=True)

    def count_changes(self, table: str, frame: pl.DataFrame) -> tuple[int, int] | None:
        if not self.writable:
            return None  # no bulk comparison on a database the app does not write
        with self._guard(), self._engine.connect() as conn:
            try:
                return sql_bulk.count_changes(conn, table, frame)
            finally:
                conn.rollback()  # the temporary table goes with it

    def write_import(self, table: str, frame: pl.DataFrame, *, parents: Mapping[str, pl.DataFrame],
                     log: Mapping[str, Any], meta: Mapping[str, str]) -> ImportWritten:
        if not self.writable:
            raise StoreError(f"The database {self.display_url} is read-only for the dashboard; "
                             "imports are not written.")
        from connectors import undo

        with self.transaction() as conn:
            # one import at a time: the next import id and the data version are read, then written
            conn.execute(sa.text("LOCK TABLE import_log IN SHARE ROW EXCLUSIVE MODE"))
            changes = undo.before_import(conn, table, frame, parents)  # kept so the import can be undone
            created = {name: sql_bulk.insert_missing(conn, name, rows) for name, rows in parents.items()}
            added, updated = sql_bulk.upsert(conn, table, frame)
            ids = schema.import_log.c.import_id
            import_id = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(ids), 0) + 1)).scalar_one())
            conn.execute(schema.import_log.insert().values(**log, import_id=import_id, rows_added=added,
                                                           rows_updated=updated))
            undo.record(conn, import_id, changes)
            sql_bulk.set_meta(conn, dict(meta))
            version = self._bump(conn, None)
        sql_bulk.analyze(self._engine, [table, *parents])
        return ImportWritten(added, updated, created, import_id, version)

    @contextlib.contextmanager
    def adbc_connection(self) -> Iterator[tuple[Any, bool]]:
        """An ADBC connection from a small pool (autocommit: every read sees the latest data).

        Yields ``(connection, reused)``; a connection that raised is closed, not returned to the pool.
        """
        try:
            conn, reused = self._adbc_pool.get_nowait(), True
        except queue.Empty:
            import adbc_driver_postgresql.dbapi as adbc

            conn, reused = adbc.connect(adbc_uri(self), autocommit=True), False
        try:
            yield conn, reused
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            raise
        try:
            self._adbc_pool.put_nowait(conn)
        except queue.Full:
            conn.close()

    def close(self) -> None:
        """Close pooled connections (the engine's pool too)."""
        while True:
            try:
                conn = self._adbc_pool.get_nowait()
            except queue.Empty:
                break
            with contextlib.suppress(Exception):
                conn.close()
        self._engine.dispose()


def open_store(url: str | None, *, default_path: str | Path, read_only: bool = False) -> DuckDBStore | SQLAlchemyStore:
    """The store for a URL setting: the embedded DuckDB file when no URL is given.

    ``read_only``: the app never writes imports to it (the ``read_only`` setting).
    """
    if not url:
        return DuckDBStore(default_path, read_only=read_only)
    if url.startswith("duckdb:///"):
        return DuckDBStore(url.removeprefix("duckdb:///"), read_only=read_only)
    if url.startswith("sc://"):  # Spark Connect: connectors/spark.py (read only for the app)
        from connectors.spark import SparkStore

        return SparkStore(url)  # type: ignore[return-value]
    return SQLAlchemyStore(url, read_only=read_only)


def truth_of(store: Store) -> dict[str, Any] | None:
    """The demo company's ground truth, when the store holds the demo."""
    raw = store.get_meta("demo_truth")
    return None if raw is None else json.loads(raw)
