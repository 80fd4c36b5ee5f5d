"""The store interface the rest of the app uses, its errors, and what an import write returns.

Backends: ``connectors/store.py`` (DuckDB, any SQLAlchemy URL) and ``connectors/spark.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl
import sqlalchemy as sa

__all__ = ["ImportWritten", "Store", "StoreBusy", "StoreError"]


class StoreError(RuntimeError):
    """A problem with the data store that the user can act on."""


class StoreBusy(StoreError):
    """The database file is locked by another process for longer than we wait."""


@dataclass(frozen=True)
class ImportWritten:
    """What :meth:`Store.write_import` did: rows added and updated, parent rows created, the log entry."""

    added: int
    updated: int
    created: dict[str, int]  # parent table -> rows added
    import_id: int
    data_version: str


class Store(Protocol):
    """What the rest of the app needs from a data store."""

    kind: str  # "duckdb" or the SQLAlchemy dialect name
    display_url: str  # credentials masked
    writable: bool  # the app writes file imports here; False: read-only, loaded by the company's own pipelines
    can_build_demo: bool  # an empty store is filled with the demo company on first start

    def exists(self) -> bool: ...
    def ensure_schema(self) -> None: ...

    def ensure_app_tables(self) -> None:
        """The app's own tables (saved scenarios, import log, meta) created where missing; none dropped."""
        ...

    def query(self, stmt: sa.sql.Executable) -> pl.DataFrame: ...

    def execute_sql(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """A literal SQL text with ``:name`` placeholders and their values (:func:`connectors.sql.text_statement`)."""
        ...

    def write_frames(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None: ...
    def replace_all(self, frames: Mapping[str, pl.DataFrame], *, meta: Mapping[str, str] | None = None) -> None: ...
    def execute(self, statements: Sequence[sa.sql.Executable], *, bump_version: bool = True) -> list[int]: ...
    def get_meta(self, key: str) -> str | None: ...
    def data_version(self) -> str: ...

    def count_changes(self, table: str, frame: pl.DataFrame) -> tuple[int, int] | None:
        """Rows of ``frame`` (unique by the table's natural key) that are new, and that differ from the stored
        row with their key; None when the store cannot tell (an import plan then shows no counts)."""
        ...

    def write_import(self, table: str, frame: pl.DataFrame, *, parents: Mapping[str, pl.DataFrame],
                     log: Mapping[str, Any], meta: Mapping[str, str]) -> ImportWritten:
        """One transaction: rows of the ``parents`` tables (in that order) whose key is missing are added;
        rows of ``table`` whose key is stored are updated where their values differ, the others added; one
        ``import_log`` row (``log``, under the next free ``import_id``) and the ``meta`` items are written
        and the data version bumped. All or nothing; :class:`StoreError` when the store is not writable."""
        ...
