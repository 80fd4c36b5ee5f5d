"""Import speed: a month of CRM orders as an Excel-made CSV (Windows-1251, ';', decimal commas).

    python -m benchmarks.imports [--rows 200000] [--repeat 3]

Builds the small demo into a temporary DuckDB file, writes a CSV of new orders, then
times (median of --repeat runs) reading + checking the file (``plan_import``), writing
it (``apply_import``: one transaction) and re-importing the same file (nothing changes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from connectors.demo import load_demo
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.store import DuckDBStore


def orders_csv(rows: int) -> bytes:
    rng = np.random.default_rng(1)
    start = dt.datetime(2026, 10, 1)
    frame = pl.DataFrame({
        "Номер заказа": np.arange(10_000_000, 10_000_000 + rows),
        "Клиент": rng.integers(1, 10_000, rows),
        "Дата заказа": [(start + dt.timedelta(seconds=int(s))).strftime("%d.%m.%Y %H:%M")
                        for s in rng.integers(0, 30 * 86400, rows)],
        "Регион": rng.choice(["Москва", "Тверь", "Красногорск"], rows),
        "Сумма": [f"{v:,.2f}".replace(",", " ").replace(".", ",") for v in rng.gamma(2, 3000, rows)],
        "Себестоимость": [f"{v:.2f}".replace(".", ",") for v in rng.gamma(2, 1500, rows)],
    })
    return frame.write_csv(separator=";").encode("cp1251")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        base = folder / "base.duckdb"
        load_demo(DuckDBStore(base), "small")
        data = orders_csv(args.rows)
        print(f"file: {args.rows:,} orders, {len(data) / 2**20:.1f} MB (cp1251, ';', decimal commas)")
        timings: dict[str, list[float]] = {"check": [], "write": [], "re-import (check + write)": []}
        for i in range(args.repeat):
            path = folder / f"run{i}.duckdb"
            shutil.copy(base, path)
            store = DuckDBStore(path)
            t0 = time.perf_counter()
            plan = plan_import(store, data, "orders.csv", ImportRequest("orders"), max_bytes=2**30)
            t1 = time.perf_counter()
            assert plan.ok, [p.text() for p in plan.problems]
            result = apply_import(store, plan)
            t2 = time.perf_counter()
            again = plan_import(store, data, "orders.csv", ImportRequest("orders"), max_bytes=2**30)
            second = apply_import(store, again)
            t3 = time.perf_counter()
            assert result.rows_added == args.rows and second.rows_added == second.rows_updated == 0
            timings["check"].append(t1 - t0)
            timings["write"].append(t2 - t1)
            timings["re-import (check + write)"].append(t3 - t2)
        for name, values in timings.items():
            med = statistics.median(values)
            print(f"{name:<28} {med:6.2f} s   ({args.rows / med:,.0f} rows/s)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
