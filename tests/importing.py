"""Helpers for the import tests: a private copy of the demo database and a snapshot of its content."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from connectors import schema
from connectors.store import DuckDBStore


def copy_store(small_store: DuckDBStore, folder: Path, name: str = "dashboard.duckdb") -> DuckDBStore:
    """A writable copy of the session's small demo (the shared one is never written)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(small_store.path, target)
    return DuckDBStore(target)


def snapshot(store: DuckDBStore, tables: tuple[str, ...] | None = None) -> dict[str, pl.DataFrame]:
    """Every row of the given tables (default: all), sorted, to compare a database before and after."""
    out = {}
    with store.reading() as con:
        for name in tables or tuple(t.name for t in schema.metadata.sorted_tables):
            frame = con.sql(f'SELECT * FROM "{name}"').pl()
            out[name] = frame.sort(frame.columns, nulls_last=True) if frame.height else frame
    return out


def assert_same(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    from polars.testing import assert_frame_equal

    assert before.keys() == after.keys()
    for name in before:
        assert before[name].height == after[name].height, name
        assert_frame_equal(before[name], after[name], check_exact=True)


YANDEX_CP1251 = (
    "Статистика по кампаниям (01.10.2026 - 02.10.2026)\r\n"
    "Дата;Кампания;№ Кампании;Показы;Клики;Расход (руб.)\r\n"
    "01.10.2026;Поиск · Москва · осень;70011;12 500;410;1 234 567,89\r\n"
    "01.10.2026;\"Поиск; Тверь\";70012;3 200;95;8 400,5\r\n"
    "02.10.2026;Поиск · Москва · осень;70011;11 900;388;1 100 000,00\r\n"
    "Итого;;;27 600;893;2 342 968,39\r\n"
)
