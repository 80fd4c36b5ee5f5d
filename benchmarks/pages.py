"""Every page's cold and warm view, on the large and the small demo: time, rows moved, memory.

    python -m benchmarks.pages --db /work/large.duckdb                 # small demo built in a temporary folder
    python -m benchmarks.pages --db /work/large.duckdb --small /tmp/small.duckdb --pages overview sales
    python -m benchmarks.pages --db /work/large.duckdb --periods last_90_days --repeat 3

Each page runs in Streamlit's AppTest the way a visitor opens a shared link (``?period=...``), with
warm-up off, in one process per database. A cold view empties every cache first (the base context's
too); the warm view is the same page run again. Rows moved are the rows every query of the page
view returned to the app, read from the query log (the ring of :mod:`connectors.query_log`; set
``DASHBOARD_QUERY_LOG=FILE`` to also keep the lines). Printed per page and period: cold and warm
seconds on the large demo (median of ``--repeat`` cold runs), rows moved on the large and the
small demo and their ratio, the process's resident memory after the view; at the end the peak.
The machine is shared: seconds are medians and still noisy; row counts are exact.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from connectors.store import DuckDBStore, truth_of

PERIODS = ("last_90_days", "last_12_months", "all")
ROOT = Path(__file__).resolve().parents[1]


def memory_mb() -> tuple[float, float]:
    """(resident, peak resident) memory of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def use_database(path: Path) -> None:
    """Point the app's settings at a DuckDB file (its folder and file name)."""
    os.environ["DASHBOARD_DATA_DIR"] = str(path.parent)
    os.environ["DASHBOARD_DUCKDB_FILE"] = path.name
    os.environ["DASHBOARD_DB_URL"] = ""
    os.environ["DASHBOARD_WARM_UP"] = "0"


def view_rows() -> tuple[int, int]:
    """(queries, rows) of everything the query log's ring holds: the view run since it was emptied (the shared
    frame's loaders, logged before the page's view starts, included)."""
    from connectors import query_log

    records = [r for page in query_log.last_views() for r in query_log.recent(page)]
    return len(records), sum(r.rows for r in records)


def run_page(page, period: str, *, repeat: int) -> dict:
    """A registered page opened by a link (``?period=...``): cold runs (every cache emptied first) and a warm rerun."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from connectors import query_log

    cold = []
    for _ in range(max(1, repeat)):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=900)
        at.query_params["period"] = period
        if page.key != "overview":
            at.switch_page(page.file)
        st.cache_resource.clear()
        st.cache_data.clear()
        query_log.clear()
        t0 = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"{page.key} ({period}) failed: {at.exception[0].message}")
        queries, rows = view_rows()
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    return {"page": page.key, "period": period, "cold": statistics.median(cold), "warm": warm, "queries": queries,
            "rows": rows, "rss_mb": memory_mb()[0], "peak_mb": memory_mb()[1]}


def small_demo(path: Path | None) -> Path:
    if path is not None and path.exists():
        return path
    from connectors.demo import load_demo

    target = path or Path(tempfile.mkdtemp(prefix="pages-bench-")) / "small.duckdb"
    load_demo(DuckDBStore(target), "small", seed=42)
    return target


def measure(db: Path, pages: list[str], periods: list[str], repeat: int) -> list[dict]:
    """Every page and period on one database, in a process of its own (the app's settings and caches are
    per process); the child prints one JSON line per view."""
    command = [sys.executable, "-m", "benchmarks.pages", "--child", str(db), "--pages", *pages, "--periods", *periods,
               "--repeat", str(repeat)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {db} failed:\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def main(argv: list[str] | None = None) -> None:
    from dashboard.registry import PAGES

    keys = [p.key for p in PAGES if p.key != "data"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/work/large.duckdb"), help="the large demo (only read)")
    parser.add_argument("--small", type=Path, default=None, help="the small demo (built when missing)")
    parser.add_argument("--pages", nargs="+", default=keys, choices=keys)
    parser.add_argument("--periods", nargs="+", default=list(PERIODS), choices=PERIODS)
    parser.add_argument("--repeat", type=int, default=1, help="cold runs per page and period")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        use_database(args.child)
        for p in PAGES:
            if p.key in args.pages:
                for period in args.periods:
                    print(json.dumps(run_page(p, period, repeat=args.repeat)), flush=True)
        return

    rows = truth_of(DuckDBStore(args.db))["rows"]
    print(f"Large demo: {rows['customers']:,} customers, {rows['orders']:,} orders, "
          f"{rows['touchpoints']:,} touchpoints", flush=True)
    small = {(r["page"], r["period"]): r for r in measure(small_demo(args.small), args.pages, args.periods, 1)}
    large = measure(args.db, args.pages, args.periods, args.repeat)
    print(f"\n{'page':14s} {'period':15s} {'cold s':>7s} {'warm s':>7s} {'queries':>8s} {'rows large':>11s} "
          f"{'rows small':>11s} {'ratio':>6s} {'RSS MB':>7s}")
    for r in large:
        s_rows = small[(r["page"], r["period"])]["rows"]
        print(f"{r['page']:14s} {r['period']:15s} {r['cold']:7.2f} {r['warm']:7.2f} {r['queries']:8d} {r['rows']:11,} "
              f"{s_rows:11,} {r['rows'] / max(s_rows, 1):6.2f} {r['rss_mb']:7.0f}")
    print(f"\npeak resident memory of the large demo's process: {max(r['peak_mb'] for r in large):,.0f} MB")


if __name__ == "__main__":
    main()
