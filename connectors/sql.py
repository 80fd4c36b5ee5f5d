"""What every store shares about SQL: statements compiled per dialect, result dtypes, database errors.

Every store runs SQLAlchemy Core statements (or a literal text with ``:name``
placeholders, see :func:`text_statement`) compiled for its engine with bound
parameters: no value is ever formatted into SQL text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, quote_plus

import polars as pl
import sqlalchemy as sa


def duckdb_dialect() -> sa.engine.Dialect:
    """DuckDB's SQLAlchemy dialect with ``$1``-style placeholders (what the DuckDB client binds)."""
    from duckdb_engine import Dialect

    return Dialect(paramstyle="numeric_dollar")


def compile_statement(stmt: sa.sql.Executable, dialect: sa.engine.Dialect) -> tuple[str, list[Any]]:
    """SQL text with positional placeholders and the list of bound values."""
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    order = getattr(compiled, "positiontup", None) or []  # DDL has no placeholders
    return str(compiled), [params[name] for name in order]


def text_statement(sql: str, params: Mapping[str, Any] | None = None) -> sa.TextClause:
    """A literal SQL text with ``:name`` placeholders bound to ``params``.

    Every placeholder needs a value and every value a placeholder (either way a
    ``ValueError``). Write casts of a placeholder as ``CAST(:name AS DATE)``: in
    ``:name::DATE`` the placeholder is not recognised.
    """
    stmt = sa.text(sql)
    given = dict(params or {})
    wanted = set(stmt.compile().params)
    if wanted != set(given):
        missing, extra = sorted(wanted - set(given)), sorted(set(given) - wanted)
        raise ValueError(f"SQL placeholders and values differ: no value for {missing}, no placeholder for {extra}")
    return stmt.bindparams(**given) if given else stmt


def empty_frame(stmt: sa.sql.Executable, columns: list[str]) -> pl.DataFrame:
    """An empty frame whose dtypes follow the statement's column types."""
    types = {}
    selected = getattr(stmt, "selected_columns", None)
    for name in columns:
        col = selected[name] if selected is not None and name in selected else None
        types[name] = polars_type(col.type) if col is not None else pl.Null
    return pl.DataFrame(schema=types)


def polars_type(t: sa.types.TypeEngine) -> pl.DataType:
    """The polars dtype the stores return for a column of this SQL type."""
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


def is_database_error(exc: BaseException) -> bool:
    """An error raised by a database or its driver (as opposed to a bug in the app)."""
    if isinstance(exc, (sa.exc.DBAPIError, sa.exc.InterfaceError, sa.exc.OperationalError)):
        return True
    module = type(exc).__module__ or ""
    return module.startswith(("adbc_driver", "psycopg", "psycopg2"))


def clean_error(exc: BaseException, secrets: str | Sequence[str] | None) -> str:
    """The first line of a database error, without any of the secrets (passwords) or the SQLAlchemy link."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    for secret in ([secrets] if isinstance(secrets, str) else list(secrets or ())):
        for form in sorted({secret, quote_plus(secret), quote(secret, safe="")}, key=len, reverse=True):
            text = text.replace(form, "***")
    text = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)  # any URL with a password
    text = re.sub(r"password=\S+", "password=***", text, flags=re.IGNORECASE)
    return text[:300]
