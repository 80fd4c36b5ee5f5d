"""Import speed: a month of CRM orders as an Excel-made CSV (Windows-1251, ';', decimal commas).

    python -m benchmarks.imports [--rows 200000] [--repeat 3] [--no-concurrent]

Builds the small demo into a temporary DuckDB file, writes a CSV of new orders, then
times (median of --repeat runs) reading + checking the file (``plan_import``), writing
it (``apply_import``: one transaction) and re-importing the same file (nothing changes).

Then an import from the command line (``python -m connectors.load``, a file of 1,000
orders) while another process reads the same file every second, as the app does: the
import's wall time (process start included) and the longest single read meanwhile.
Bars: the import waits < 30 s for the reader; no read is blocked for 10 s or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import polars as pl

from connectors.demo import load_demo
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.store import DuckDBStore

ROOT = Path(__file__).resolve().parents[1]
READER = textwrap.dedent("""
    import json, sys, time
    from connectors.duckdb_file import duckdb_file
    from connectors.store import DuckDBStore
    store = DuckDBStore(sys.argv[1])
    duckdb_file(store.path).idle_close_s = 0.5   # the app releases the file after a short idle time
    out = {"reads": 0, "errors": 0, "longest": 0.0}
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        t = time.perf_counter()
        try:
            store.execute_sql("SELECT count(*) AS n FROM orders")
            out["reads"] += 1
        except Exception:
            out["errors"] += 1
        out["longest"] = max(out["longest"], time.perf_counter() - t)
        time.sleep(1.0)   # reads now and then, like people clicking through pages
    print(json.dumps(out))
""")


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


def import_while_reading(base: Path, folder: Path, repeat: int) -> None:
    """The command-line import while another process reads the same DuckDB file."""
    csv = folder / "orders-1000.csv"
    csv.write_bytes(orders_csv(1_000))
    took, longest, reads = [], [], 0
    for i in range(repeat):
        db = folder / f"concurrent{i}.duckdb"
        shutil.copy(base, db)
        reader = subprocess.Popen([sys.executable, "-c", READER, str(db), "15"], cwd=ROOT, stdout=subprocess.PIPE,
                                  text=True)
        time.sleep(1.5)  # the reader holds the file now
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "connectors.load", str(csv), "--table", "orders", "--db", str(db),
                              "--wait", "60", "--by", "benchmark"], cwd=ROOT, capture_output=True, text=True,
                             timeout=180)
        took.append(time.perf_counter() - t0)
        result = json.loads(reader.communicate(timeout=60)[0])
        assert out.returncode == 0 and "1000 added" in out.stdout, out.stdout + out.stderr
        assert result["errors"] == 0, result
        longest.append(result["longest"])
        reads += result["reads"]
    print(f"import while another process reads (n={repeat}): import {statistics.median(took):.1f} s median, "
          f"{max(took):.1f} s worst (bar < 30 s); longest read {statistics.median(longest):.2f} s median, "
          f"{max(longest):.2f} s worst (bar < 10 s); {reads} reads, none failed")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-concurrent", action="store_true", help="skip the import while another process reads")
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
        if not args.no_concurrent:
            import_while_reading(base, folder, args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
