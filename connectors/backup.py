"""Backups of every table as Parquet files, their restore, and emptying a store (removing the demo company).

``backup_tables`` writes one Parquet file per table (the app's own tables and ``meta``
included) into ``<folder>/<timestamp>/``, read through the store (any backend).
``remove_all_data`` empties every table in one step, keeping only the schema version and
bumping the data version (so every cached view is recomputed); ``restore_tables`` loads a
backup back in one transaction (``Store.replace_all``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from connectors import rollups, schema
from connectors.protocol import Store, StoreError

KEEP_META = ("schema_version", "data_version")


def backup_tables(store: Store, folder: str | Path, *, now: dt.datetime | None = None) -> Path:
    """Every table of the store as ``<folder>/<YYYYmmdd-HHMMSS>/<table>.parquet``; the backup's folder."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = Path(folder) / stamp
    n = 1
    while target.exists():  # two backups within one second
        n += 1
        target = Path(folder) / f"{stamp}-{n}"
    part = target.with_name(target.name + ".partial")
    part.mkdir(parents=True)
    for table in schema.metadata.sorted_tables:
        store.query(sa.select(table)).write_parquet(part / f"{table.name}.parquet")
    part.rename(target)  # a backup folder without the suffix is complete
    return target


def backup_rows(folder: str | Path) -> dict[str, int]:
    """Rows of each table in a backup."""
    return {p.stem: pl.scan_parquet(p).select(pl.len()).collect().item() for p in sorted(Path(folder).glob("*.parquet"))}


def remove_all_data(store: Store) -> None:
    """Empty every table (facts, dimensions, saved scenarios, import log, meta but the schema version) at once."""
    if not getattr(store, "writable", False):
        raise StoreError(f"The database {store.display_url} is read-only for the dashboard; nothing was removed.")
    if store.kind == "duckdb":
        store.replace_all({})  # a new, empty file replaces the old one in one rename (data version + 1)
        return
    deletes: list[sa.sql.Executable] = [t.delete() for t in reversed(schema.metadata.sorted_tables)
                                        if t.name != "meta"]
    deletes.append(schema.meta.delete().where(schema.meta.c.key.not_in(KEEP_META)))
    store.execute(deletes)  # one transaction, data version + 1
    rollups.refresh_configured(store)  # empty, like the facts


def restore_tables(store: Store, folder: str | Path) -> None:
    """Replace the store's content by a backup's, in one transaction."""
    folder = Path(folder)
    frames = {t.name: pl.read_parquet(folder / f"{t.name}.parquet") for t in schema.metadata.sorted_tables
              if t.name != "meta" and (folder / f"{t.name}.parquet").exists()}
    meta = pl.read_parquet(folder / "meta.parquet")
    items = {k: v for k, v in meta.select("key", "value").iter_rows() if k != "data_version"}
    store.replace_all({name: frame for name, frame in frames.items() if frame.height}, meta=items)
    rollups.refresh_configured(store)
