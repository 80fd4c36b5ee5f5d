"""Where the data lives: the embedded DuckDB file or any SQLAlchemy URL.

One small interface (:class:`Store`) with two backends:

- :class:`DuckDBStore` (the embedded default) talks to DuckDB directly and reads
  through its native Arrow path (``relation.pl()``). Readers share one read-only
  connection that is released when idle, so another process (a scheduled import)
  can take the file's write lock; a lock conflict is retried for a while before a
  clear :class:`StoreBusy` error (see ``connectors/duckdb_file.py``).
- :class:`SQLAlchemyStore` serves any other URL (PostgreSQL, a warehouse). Reads
  use ADBC for PostgreSQL when the driver is installed (bound parameters, Arrow
  all the way), else SQLAlchemy's cursor path.

Queries are SQLAlchemy Core statements compiled per dialect with bound
parameters: no value is ever formatted into SQL text. Nothing connects at import
time.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, quote_plus

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateTable

from connectors import query_log, schema
from connectors.duckdb_file import FileBusy, duckdb_file

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
_BUSY_TIMEOUT_S = 30.0


class StoreError(RuntimeError):
    """A problem with the data store that the user can act on."""


class StoreBusy(StoreError):
    """The database file is locked by another process for longer than we wait."""


def safe_url(url: str) -> str:
    """The URL with any password masked, fit for logs and the UI."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: show nothing of it
        return "<invalid database URL>"


class Store(Protocol):
    """What the rest of the app needs from a data store."""

    kind: str  # "duckdb" or the SQLAlchemy dialect name
    display_url: str  # credentials masked

    def exists(self) -> bool: ...
    def ensure_schema(self) -> None: ...
    def query(self, stmt: sa.sql.Executable) -> pl.DataFrame: ...
    def write_frames(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None: ...
    def replace_all(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None: ...
    def execute(self, statements: Sequence[sa.sql.Executable], *, bump_version: bool = True) -> list[int]: ...
    def get_meta(self, key: str) -> str | None: ...
    def data_version(self) -> str: ...


# --- DuckDB -------------------------------------------------------------------


def _duckdb_dialect() -> sa.engine.Dialect:
    from duckdb_engine import Dialect

    return Dialect(paramstyle="numeric_dollar")


def compile_statement(stmt: sa.sql.Executable, dialect: sa.engine.Dialect) -> tuple[str, list[Any]]:
    """SQL text with positional placeholders and the list of bound values."""
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    order = compiled.positiontup or []
    return str(compiled), [params[name] for name in order]


class DuckDBStore:
    """The embedded default: one DuckDB file."""

    kind = "duckdb"

    def __init__(self, path: str | Path, *, busy_timeout_s: float = _BUSY_TIMEOUT_S,
                 on_wait: Callable[[], None] | None = None) -> None:
        self.path = Path(path)
        self.display_url = f"duckdb:///{self.path}"
        self.busy_timeout_s = busy_timeout_s
        self.on_wait = on_wait  # told once when the file is locked by another process and we wait
        self._file = duckdb_file(self.path)
        self._dialect = _duckdb_dialect()

    # connections ------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """A read-only cursor (the connection is shared and kept warm)."""
        try:
            with self._file.reading(busy_timeout_s=self.busy_timeout_s, on_wait=self.on_wait) as cursor:
                yield cursor
        except FileBusy as exc:
            raise StoreBusy(str(exc)) from None

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        """A read-write connection inside one transaction: all or nothing."""
        try:
            with self._file.writing(busy_timeout_s=self.busy_timeout_s, on_wait=self.on_wait) as con:
                yield con
        except FileBusy as exc:
            raise StoreBusy(str(exc)) from None

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

    @query_log.recorded
    def query(self, stmt: sa.sql.Executable) -> pl.DataFrame:
        sql, params = compile_statement(stmt, self._dialect)
        with self.reading() as con:
            return con.sql(sql, params=params).pl()

    @query_log.recorded
    def execute_sql(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        """Run a literal SQL text with bound parameters (for checks and benchmarks)."""
        with self.reading() as con:
            return con.sql(sql, params=params or []).pl()

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

    def set_meta(self, items: Mapping[str, str]) -> None:
        with self.writing() as con:
            for key, value in items.items():
                _set_meta_duckdb(con, key, value)

    def data_version(self) -> str:
        return self.get_meta("data_version") or "0"


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
    """Any database SQLAlchemy can reach. Used read-only by the app.

    Every failure to reach or query the database becomes a :class:`StoreError` whose
    message never holds the password (see :func:`clean_error`). On PostgreSQL, reads
    and bulk loads go through ADBC when ``adbc-driver-postgresql`` is installed
    (Arrow end to end; loads use COPY), one connection per thread kept open.
    """

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.display_url = safe_url(url)
        try:
            self._engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        except Exception as exc:  # never echo the URL: it may hold a password
            raise StoreError(f"Cannot use the database URL {self.display_url}: {type(exc).__name__}") from None
        self.kind = self._engine.dialect.name
        self._password = self._engine.url.password
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
            if not _is_database_error(exc):
                raise
            message = clean_error(exc, self._password)
            log.warning("database %s: %s", self.display_url, message)
            raise StoreError(f"The database {self.display_url} failed: {message}") from None

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
            fast = _adbc_query(self, stmt)
            if fast is not None:
                return fast
            with self._engine.connect() as conn:
                result = conn.execute(stmt)
                columns = list(result.keys())
                rows = result.fetchall()
        if not rows:
            return _empty_frame(stmt, columns)
        return pl.DataFrame([tuple(r) for r in rows], schema=columns, orient="row", infer_schema_length=None)

    def write_frames(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Append rows and set meta items in one transaction; bump the data version."""
        with self._guard():
            if _adbc_write(self, frames, meta, replace=False):
                return
            with self._engine.begin() as conn:
                self._insert(conn, frames)
                self._bump(conn, meta)

    def replace_all(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Empty every table and load these frames, in one transaction (PostgreSQL: COPY through ADBC)."""
        items = {"schema_version": SCHEMA_VERSION, **(meta or {})}
        with self._guard():
            schema.metadata.create_all(self._engine)
            if _adbc_write(self, frames, items, replace=True):
                return
            with self._engine.begin() as conn:
                for table in reversed(schema.metadata.sorted_tables):
                    if table.name != "meta":
                        conn.execute(table.delete())
                self._insert(conn, frames)
                self._bump(conn, items)

    @staticmethod
    def _insert(conn: sa.Connection, frames: Mapping[str, pl.DataFrame]) -> None:
        for name in _dependency_order(frames):
            table = schema.metadata.tables[name]
            frame = frames[name]
            cols = [c.name for c in table.columns if c.name in frame.columns]
            for chunk in frame.select(cols).iter_slices(50_000):
                conn.execute(table.insert(), chunk.to_dicts())

    @staticmethod
    def _bump(conn: sa.Connection, meta: Mapping[str, str] | None) -> None:
        row = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "data_version")).first()
        items = dict(meta or {})
        items["data_version"] = str(int(row[0]) + 1) if row else "1"
        for key, value in items.items():
            conn.execute(schema.meta.delete().where(schema.meta.c.key == key))
            conn.execute(schema.meta.insert().values(key=key, value=value))

    def execute(self, statements: Sequence[sa.sql.Executable], *, bump_version: bool = True) -> list[int]:
        """Run DML statements in one transaction; rows affected by each."""
        with self._guard(), self._engine.begin() as conn:
            counts = [conn.execute(stmt).rowcount for stmt in statements]
            if bump_version:
                self._bump(conn, None)
        return counts

    def execute_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """Run a literal SQL text with named bound parameters (for checks)."""
        return self.query(sa.text(sql).bindparams(**(params or {})))

    def get_meta(self, key: str) -> str | None:
        with self._guard(), self._engine.connect() as conn:
            row = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == key)).first()
        return None if row is None else row[0]

    def data_version(self) -> str:
        return self.get_meta("data_version") or "0"

    @contextlib.contextmanager
    def adbc_connection(self) -> Iterator[tuple[Any, bool]]:
        """An ADBC connection from a small pool (autocommit: every read sees the latest data).

        Yields ``(connection, reused)``; a connection that raised is closed, not returned to the pool.
        """
        try:
            conn, reused = self._adbc_pool.get_nowait(), True
        except queue.Empty:
            import adbc_driver_postgresql.dbapi as adbc

            conn, reused = adbc.connect(_adbc_uri(self), autocommit=True), False
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


def _is_database_error(exc: BaseException) -> bool:
    if isinstance(exc, (sa.exc.DBAPIError, sa.exc.InterfaceError, sa.exc.OperationalError)):
        return True
    module = type(exc).__module__ or ""
    return module.startswith(("adbc_driver", "psycopg", "psycopg2"))


def clean_error(exc: BaseException, password: str | None) -> str:
    """The first line of a database error, without the password or the SQLAlchemy link."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    if password:
        for form in {password, quote_plus(password), quote(password, safe="")}:
            text = text.replace(form, "***")
    text = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)  # any URL with a password
    text = re.sub(r"password=\S+", "password=***", text, flags=re.IGNORECASE)
    return text[:300]


def _empty_frame(stmt: sa.sql.Executable, columns: list[str]) -> pl.DataFrame:
    """An empty frame whose dtypes follow the statement's column types."""
    types = {}
    selected = getattr(stmt, "selected_columns", None)
    for name in columns:
        col = selected[name] if selected is not None and name in selected else None
        types[name] = _polars_type(col.type) if col is not None else pl.Null
    return pl.DataFrame(schema=types)


def _polars_type(t: sa.types.TypeEngine) -> pl.DataType:
    if isinstance(t, sa.Boolean):
        return pl.Boolean
    if isinstance(t, (sa.BigInteger, sa.Integer, sa.SmallInteger)):
        return pl.Int64
    if isinstance(t, (sa.Float, sa.Numeric)):
        return pl.Float64
    if isinstance(t, sa.DateTime):
        return pl.Datetime("us")
    if isinstance(t, sa.Date):
        return pl.Date
    if isinstance(t, sa.String):
        return pl.String
    return pl.Null


def _adbc_available(store: SQLAlchemyStore) -> bool:
    if store.kind != "postgresql":
        return False
    try:
        import adbc_driver_postgresql.dbapi  # noqa: F401
    except ImportError:
        return False
    return True


def _adbc_uri(store: SQLAlchemyStore) -> str:
    return store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _adbc_query(store: SQLAlchemyStore, stmt: sa.sql.Executable) -> pl.DataFrame | None:
    """PostgreSQL through ADBC (Arrow, bound parameters) when the driver is installed."""
    if not _adbc_available(store):
        return None
    from sqlalchemy.dialects import postgresql

    sql, params = compile_statement(stmt, postgresql.dialect(paramstyle="numeric_dollar"))
    for attempt in (1, 2):
        reused = False
        try:
            with store.adbc_connection() as (conn, reused), conn.cursor() as cur:
                cur.execute(sql, params or None)
                return pl.from_arrow(cur.fetch_arrow_table())  # type: ignore[return-value]
        except Exception:
            if not reused or attempt == 2:  # a pooled connection may have gone stale: one retry on a fresh one
                raise
    return None


_PG_INTS = {sa.SmallInteger: pl.Int16, sa.Integer: pl.Int32}


def _for_postgres(table: sa.Table, frame: pl.DataFrame) -> Any:
    """The frame as Arrow with PostgreSQL's exact column types (COPY BINARY is strict)."""
    cols = [c for c in table.columns if c.name in frame.columns]
    casts = []
    for c in cols:
        target = _PG_INTS.get(type(c.type))
        casts.append(pl.col(c.name).cast(target) if target is not None else pl.col(c.name))
    return frame.select(casts).to_arrow(compat_level=pl.CompatLevel.oldest())


def _adbc_write(store: SQLAlchemyStore, frames: Mapping[str, pl.DataFrame], meta: Mapping[str, str] | None,
                *, replace: bool) -> bool:
    """Load frames with COPY through ADBC in one transaction; False when ADBC is not available."""
    if not _adbc_available(store):
        return False
    import adbc_driver_postgresql.dbapi as adbc

    order = _dependency_order(frames)
    with adbc.connect(_adbc_uri(store), autocommit=False) as conn:
        try:
            with conn.cursor() as cur:
                if replace:
                    names = ", ".join(f'"{t.name}"' for t in schema.metadata.sorted_tables if t.name != "meta")
                    cur.execute(f"TRUNCATE {names}")
                for name in order:
                    if frames[name].height:
                        cur.adbc_ingest(name, _for_postgres(schema.metadata.tables[name], frames[name]),
                                        mode="append")
                cur.execute("SELECT value FROM meta WHERE key = 'data_version'")
                row = cur.fetchone()
                items = {**(meta or {}), "data_version": str(int(row[0]) + 1) if row else "1"}
                for key, value in items.items():
                    cur.execute("INSERT INTO meta (key, value) VALUES ($1, $2) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    return True


def open_store(url: str | None, *, default_path: str | Path) -> DuckDBStore | SQLAlchemyStore:
    """The store for a URL setting: the embedded DuckDB file when no URL is given."""
    if not url:
        return DuckDBStore(default_path)
    if url.startswith("duckdb:///"):
        return DuckDBStore(url.removeprefix("duckdb:///"))
    return SQLAlchemyStore(url)


def truth_of(store: Store) -> dict[str, Any] | None:
    """The demo company's ground truth, when the store holds the demo."""
    raw = store.get_meta("demo_truth")
    return None if raw is None else json.loads(raw)
