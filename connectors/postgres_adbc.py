"""PostgreSQL through ADBC: reads as Arrow with bound parameters, loads with COPY.

Used by :class:`connectors.store.SQLAlchemyStore` when the URL is PostgreSQL and
``adbc-driver-postgresql`` is installed; otherwise the store takes SQLAlchemy's
cursor path. Connections come from the store's small pool
(:meth:`~connectors.store.SQLAlchemyStore.adbc_connection`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.sql import compile_statement

if TYPE_CHECKING:
    from connectors.store import SQLAlchemyStore


def adbc_available(store: SQLAlchemyStore) -> bool:
    if store.kind != "postgresql":
        return False
    try:
        import adbc_driver_postgresql.dbapi  # noqa: F401
    except ImportError:
        return False
    return True


def adbc_uri(store: SQLAlchemyStore) -> str:
    return store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def adbc_query(store: SQLAlchemyStore, stmt: sa.sql.Executable) -> pl.DataFrame | None:
    """PostgreSQL through ADBC (Arrow, bound parameters) when the driver is installed."""
    if not adbc_available(store):
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


def adbc_write(store: SQLAlchemyStore, frames: Mapping[str, pl.DataFrame], meta: Mapping[str, str] | None,
               *, order: Sequence[str], replace: bool) -> bool:
    """Load frames (tables in ``order``) with COPY through ADBC in one transaction; False without ADBC."""
    if not adbc_available(store):
        return False
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(adbc_uri(store), autocommit=False) as conn:
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
