"""Spark SQL through Spark Connect: the store for data that outgrows one machine.

``SparkStore("sc://host:15002")`` (optionally ``sc://host:15002/;database=name``;
other ``;key=value`` parameters such as ``token`` go to Spark Connect as they are)
implements :class:`connectors.store.Store`. Statements are SQLAlchemy Core,
translated by ``connectors/spark_sql.py`` with the values sent as Spark's named
parameters; results come back as Arrow and become polars frames.

How tables are kept
    Each of the app's tables is a view (``orders``) over a parquet table holding
    one version of its rows (``orders__v3``) in the session catalog of the
    server (its warehouse folder). Spark has no multi-statement transactions and
    its parquet tables cannot update or delete rows, so every write builds new
    versions of the tables it changes (an append copies the old rows and adds
    the new; ``DELETE`` / ``UPDATE`` keep or rewrite rows), then points each
    view at its new version, the ``meta`` table (with the data version) last,
    and finally drops all but the current and the previous version of each
    table (a query still reading the previous one keeps working).

What that guarantees
    A failed write leaves nothing visible: its new versions are dropped. Each
    table switches from its old rows to its new ones in one step, and the data
    version changes only after every table has. The switch of several tables is
    not one atomic step: a query running during the swap (milliseconds per
    table) can see one table new and another old; the app's cached loaders are
    keyed by the data version, so they pick up the new data once it is
    complete. Writers are not serialised: run one import or demo load at a time.
    Keys, NOT NULL and CHECK constraints are not enforced by Spark; the store
    refuses frames that lack a required column or hold nulls in one.

Nothing connects at import time; the Spark Connect client (``pyspark``) is
imported when the first statement runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

import polars as pl
import pyarrow as pa
import sqlalchemy as sa
from sqlglot import exp

from connectors import query_log, schema
from connectors import spark_sql as ssql
from connectors.store import SCHEMA_VERSION, StoreError, _dependency_order, clean_error

# Settings of every session: naive timestamps (``TIMESTAMP`` means ``TIMESTAMP_NTZ``),
# UTC so no conversion ever shifts a wall-clock time.
SESSION_CONF = {"spark.sql.session.timeZone": "UTC", "spark.sql.timestampType": "TIMESTAMP_NTZ"}
_VERSION = re.compile(r"^(?P<name>[a-z_]+)__v(?P<n>\d+)$")
_PARALLEL_WRITES = 4  # tables written at once
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_url(url: str) -> tuple[str, str, str | None]:
    """``(remote, database, token)`` of an ``sc://`` URL; ``remote`` is what Spark Connect is given."""
    if not url.startswith("sc://"):
        raise StoreError("A Spark Connect URL starts with sc://, e.g. sc://localhost:15002")
    head, _, tail = url.partition("/;")
    params = {}
    for item in filter(None, tail.split(";")):
        key, sep, value = item.partition("=")
        if not sep:
            raise StoreError(f"Spark Connect URL parameter without a value: {key!r}")
        params[key] = unquote(value)
    database = params.pop("database", "default")
    if not _IDENTIFIER.match(database):
        raise StoreError(f"Not a usable Spark database name: {database!r}")
    remote = head.rstrip("/") + ("/;" + ";".join(f"{k}={v}" for k, v in params.items()) if params else "")
    return remote, database, params.get("token")


class SparkStore:
    """The app's tables in Spark, reached through Spark Connect (see the module docstring)."""

    kind = "spark"

    def __init__(self, url: str) -> None:
        self.url = url
        self._remote, self.database, self._token = parse_url(url)
        host = url.partition("/;")[0].rstrip("/")
        self.display_url = host if self.database == "default" else f"{host}/;database={self.database}"
        self._spark: Any = None
        self._lock = threading.Lock()
        self.sent: list[tuple[str, dict[str, Any]]] = []  # the last statements sent (for tests and logs)

    # session ----------------------------------------------------------------
    def session(self) -> Any:
        """The Spark Connect session, created on first use."""
        with self._lock:
            if self._spark is None:
                with self._guard(), _quiet():
                    from pyspark.sql import SparkSession

                    builder = SparkSession.builder.remote(self._remote)
                    for key, value in SESSION_CONF.items():
                        builder = builder.config(key, value)
                    spark = builder.create()
                    if self.database != "default" and spark.catalog.databaseExists(self.database):
                        spark.catalog.setCurrentDatabase(self.database)
                self._spark = spark
            return self._spark

    def close(self) -> None:
        with self._lock:
            if self._spark is not None:
                with contextlib.suppress(Exception):
                    self._spark.stop()
                self._spark = None

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Spark and connection errors as StoreError, any token removed from the message."""
        try:
            yield
        except (StoreError, ssql.SparkSQLError):
            raise
        except Exception as exc:
            module = type(exc).__module__ or ""
            if not module.startswith(("pyspark", "grpc", "py4j")):
                raise
            raise StoreError(f"Spark at {self.display_url} failed: {clean_error(exc, self._token)}") from None

    def _sql(self, text: str, params: Mapping[str, Any] | None = None) -> Any:
        self.sent = [*self.sent[-49:], (text, dict(params or {}))]
        with self._guard():
            return self.session().sql(text, args=_literals(params) if params else None)

    def _run(self, text: str, params: Mapping[str, Any] | None = None) -> None:
        with self._guard():
            self._sql(text, params).collect()

    def _frame(self, text: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        with self._guard():
            table = self._sql(text, params).toArrow()
        return _to_polars(table)

    # Store interface ---------------------------------------------------------
    def exists(self) -> bool:
        with self._guard():
            return bool(self.session().catalog.tableExists(f"{self.database}.meta"))

    def ensure_schema(self) -> None:
        """Create the database and every missing table (empty); record the schema version."""
        self._use_database()
        present = self._views()
        missing = [t.name for t in schema.metadata.sorted_tables if t.name not in present and t.name != "meta"]
        with self._writing() as w:
            w.new_versions(dict.fromkeys(missing))
            meta = {} if "meta" not in present else self._meta_items()
            if "meta" not in present or "schema_version" not in meta:
                w.set_meta({"schema_version": SCHEMA_VERSION, **meta})

    @query_log.recorded
    def query(self, stmt: sa.sql.Executable) -> pl.DataFrame:
        text, params = ssql.to_spark(stmt)
        return self._frame(text, params)

    def execute_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """A literal SQL text (PostgreSQL flavoured, ``:name`` placeholders) translated and run."""
        return self.query(sa.text(sql).bindparams(**(params or {})))

    def get_meta(self, key: str) -> str | None:
        frame = self.query(sa.select(schema.meta.c.value).where(schema.meta.c.key == key))
        return None if frame.height == 0 else frame["value"][0]

    def data_version(self) -> str:
        return self.get_meta("data_version") or "0"

    def write_frames(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Append rows and set meta items; the data version goes up once everything is in."""
        order = _dependency_order(frames)
        with self._writing() as w:
            w.new_versions({name: frames[name] for name in order}, append=True)
            w.set_meta({**self._meta_items(), **(meta or {}), "data_version": str(int(self.data_version()) + 1)})

    def replace_all(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None:
        """Every table rebuilt from these frames (tables not given become empty)."""
        _dependency_order(frames)  # unknown names are refused before anything is written
        previous = int(self.data_version()) if self.exists() else 0
        self._use_database()
        with self._writing() as w:
            w.new_versions({t.name: frames.get(t.name) for t in schema.metadata.sorted_tables if t.name != "meta"})
            w.set_meta({"schema_version": SCHEMA_VERSION, **(meta or {}), "data_version": str(previous + 1)})

    def execute(self, statements: Sequence[sa.sql.Executable], *, bump_version: bool = True) -> list[int]:
        """INSERT / UPDATE / DELETE, all published together (copy-on-write); rows affected by each."""
        counts = []
        with self._writing() as w:
            for stmt in statements:
                tree, params = ssql.to_tree(stmt)
                counts.append(w.apply(tree, params))
            if bump_version:
                w.set_meta({**self._meta_items(), "data_version": str(int(self.data_version()) + 1)})
        return counts

    # versions ---------------------------------------------------------------
    def _use_database(self) -> None:
        """Create the URL's database when missing and make it the session's current one."""
        if self.database != "default":
            self._run(f"CREATE DATABASE IF NOT EXISTS {ssql.quote(self.database)}")
            with self._guard():
                self.session().catalog.setCurrentDatabase(self.database)

    def _tables(self) -> list[str]:
        with self._guard():
            rows = self.session().sql(f"SHOW TABLES IN {ssql.quote(self.database)}").collect()
        return [r["tableName"] for r in rows if not r["isTemporary"]]

    def _views(self) -> set[str]:
        return {name for name in self._tables() if not _VERSION.match(name)}

    def current_version(self, name: str, *, views: set[str] | None = None) -> int | None:
        """The version a table's view reads, ``None`` when the table does not exist."""
        if name not in (self._views() if views is None else views):
            return None
        with self._guard():
            text = self.session().sql(f"SHOW CREATE TABLE {ssql.quote(name)}").collect()[0][0]
        m = re.search(rf"{name}__v(\d+)", text)
        if m is None:
            raise StoreError(f"Spark table {name} is not a view over a versioned table")
        return int(m[1])

    def _meta_items(self) -> dict[str, str]:
        frame = self.query(sa.select(schema.meta.c.key, schema.meta.c.value))
        return dict(zip(frame["key"].to_list(), frame["value"].to_list(), strict=True))

    @contextlib.contextmanager
    def _writing(self) -> Iterator[_Write]:
        write = _Write(self)
        try:
            yield write
        except BaseException:
            write.discard()
            raise
        write.publish()


class _Write:
    """New table versions built aside, then published (views swapped, meta last)."""

    def __init__(self, store: SparkStore) -> None:
        self.store = store
        tables = store._tables()
        self.views = {t for t in tables if not _VERSION.match(t)}
        self.versions: dict[str, list[int]] = {}
        for t in tables:
            if m := _VERSION.match(t):
                self.versions.setdefault(m["name"], []).append(int(m["n"]))
        self.published: dict[str, int | None] = {}  # table -> the version its view reads now
        self.built: dict[str, str] = {}  # table -> physical name of its new version
        self.created: list[str] = []  # every table this write created
        self._lock = threading.Lock()

    def _published(self, name: str) -> int | None:
        if name not in self.published:
            self.published[name] = self.store.current_version(name, views=self.views)
        return self.published[name]

    def _source(self, name: str) -> str | None:
        """Where the table's rows are now: this write's new version, else the published one."""
        if name in self.built:
            return self.built[name]
        current = self._published(name)
        return None if current is None else f"{name}__v{current}"

    def _create(self, name: str) -> str:
        self._published(name)
        with self._lock:
            n = max(self.versions.get(name, [0])) + 1
            self.versions.setdefault(name, []).append(n)
            physical = self.built[name] = f"{name}__v{n}"
            self.created.append(physical)  # from here on, a failure drops it
        self.store._run(ssql.create_table_sql(schema.metadata.tables[name], physical))
        return physical

    def new_versions(self, frames: Mapping[str, pl.DataFrame | None], *, append: bool = False) -> None:
        """New versions of several tables, built side by side (the cluster loads them in parallel)."""
        with ThreadPoolExecutor(max_workers=_PARALLEL_WRITES) as pool:
            futures = [pool.submit(self.new_version, name, frame, append=append) for name, frame in frames.items()]
            for future in futures:
                future.result()

    def new_version(self, name: str, frame: pl.DataFrame | None = None, *, append: bool = False) -> None:
        """A new version of a table: (the old rows when appending, then) the frame's rows."""
        source = self._source(name) if append else None
        arrow = _arrow_for(schema.metadata.tables[name], frame) if frame is not None and frame.height else None
        physical = self._create(name)
        if source is not None:
            self.store._run(f"INSERT INTO {ssql.quote(physical)} SELECT * FROM {ssql.quote(source)}")
        if arrow is not None:
            with self.store._guard():
                self.store.session().createDataFrame(arrow).write.insertInto(physical)

    def set_meta(self, items: Mapping[str, str]) -> None:
        keys = sorted(items)
        self.new_version("meta", pl.DataFrame({"key": keys, "value": [str(items[k]) for k in keys]},
                                              schema={"key": pl.String, "value": pl.String}))

    def apply(self, tree: exp.Expression, params: Mapping[str, Any]) -> int:
        """One DML statement on a new version of its table; the number of rows it touched."""
        name = ssql.target_table(tree)
        if name not in schema.metadata.tables:
            raise StoreError(f"Unknown table {name!r}")
        source = self._source(name)
        if source is None:
            raise StoreError(f"Spark table {name} does not exist: create the schema first")
        columns = [c.name for c in schema.metadata.tables[name].columns]
        if isinstance(tree, exp.Insert):
            before = self._count(source)
            physical = self._create(name)
            self.store._run(f"INSERT INTO {ssql.quote(physical)} SELECT * FROM {ssql.quote(source)}")
            self.store._run(ssql.retarget_insert(tree, physical).sql(dialect="spark"), params)
            return self._count(physical) - before
        if isinstance(tree, (exp.Delete, exp.Update)):
            matched = ssql.matched_rows(tree, source)
            count = int(self.store._frame(matched.sql(dialect="spark"), _used(matched, params))["n"][0])
            rows = (ssql.kept_rows(tree, source, columns) if isinstance(tree, exp.Delete)
                    else ssql.updated_rows(tree, source, columns))
            physical = self._create(name)
            self.store._run(f"INSERT INTO {ssql.quote(physical)} {rows.sql(dialect='spark')}", _used(rows, params))
            return count
        raise StoreError(f"Spark store runs INSERT, UPDATE and DELETE only, not {tree.key.upper()}")

    def _count(self, physical: str) -> int:
        return int(self.store._frame(f"SELECT count(*) AS n FROM {ssql.quote(physical)}")["n"][0])

    def publish(self) -> None:
        """Point every view at its new version (meta last), then drop versions no view needs.

        The version each view read before stays, for queries that were running on it.
        """
        order = [t.name for t in schema.metadata.sorted_tables if t.name in self.built and t.name != "meta"]
        if "meta" in self.built:
            order.append("meta")
        for name in order:
            self.store._run(f"CREATE OR REPLACE VIEW {ssql.quote(name)} AS SELECT * FROM {ssql.quote(self.built[name])}")
        for name in order:
            keep = {self.built[name], f"{name}__v{self.published.get(name)}"}
            for n in self.versions.get(name, []):
                if f"{name}__v{n}" not in keep:
                    with contextlib.suppress(StoreError):
                        self.store._run(f"DROP TABLE IF EXISTS {ssql.quote(f'{name}__v{n}')}")

    def discard(self) -> None:
        for physical in self.created:
            with contextlib.suppress(Exception):
                self.store._run(f"DROP TABLE IF EXISTS {ssql.quote(physical)}")


def _used(tree: exp.Expression, params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: params[k] for k in ssql.placeholders(tree)}


def _arrow_for(table: sa.Table, frame: pl.DataFrame) -> pa.Table:
    """The frame as Arrow in the table's column order and exact types; required columns checked."""
    cols = []
    for c in table.columns:
        target = ssql.polars_type(c.type)
        if c.name not in frame.columns:
            if not c.nullable:
                raise StoreError(f"{table.name}: missing required column {c.name!r}")
            cols.append(pl.lit(None, dtype=target).alias(c.name))
            continue
        if not c.nullable and frame[c.name].null_count():
            raise StoreError(f"{table.name}: column {c.name!r} must not hold empty values")
        cols.append(pl.col(c.name).cast(target))
    return frame.select(cols).to_arrow(compat_level=pl.CompatLevel.oldest())


def _literals(params: Mapping[str, Any]) -> dict[str, Any]:
    """Bound values for Spark; naive datetimes explicitly as ``TIMESTAMP_NTZ`` literals."""
    from pyspark.sql.connect.column import Column
    from pyspark.sql.connect.expressions import LiteralExpression
    from pyspark.sql.types import TimestampNTZType

    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                raise StoreError("Spark store binds naive timestamps only")
            out[key] = Column(LiteralExpression(value, TimestampNTZType()))
        else:
            out[key] = value
    return out


def _to_polars(table: pa.Table) -> pl.DataFrame:
    """Arrow from Spark as polars: decimals as Float64, any zoned timestamp as naive UTC."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    casts = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Decimal):
            casts.append(pl.col(name).cast(pl.Float64))
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            casts.append(pl.col(name).dt.convert_time_zone("UTC").dt.replace_time_zone(None))
    return frame.with_columns(casts) if casts else frame


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyspark warns at import that pandas 3 is newer than it has been tested with; the store
    exchanges Arrow only (no pandas conversion), so the warning does not apply."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        yield
