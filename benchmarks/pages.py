"""Every page's cold and warm view, on the large and the small demo: time, rows moved, memory.

    python -m benchmarks.pages --db /work/large.duckdb                 # small demo built in a temporary folder
    python -m benchmarks.pages --db /work/large.duckdb --small /tmp/small.duckdb --pages overview sales
    python -m benchmarks.pages --db /work/large.duckdb --periods last_90_days --repeat 3

Each page runs in Streamlit's AppTest, in this process, the way a visitor opens a shared link
(``?period=...``), with warm-up off. A cold view empties every cache first (the base context's
too); the warm view is the same page run again. Rows moved are the rows every query of the page
view returned to the app, read from the query log (the ring of :mod:`connectors.query_log`; set
``DASHBOARD_QUERY_LOG=FILE`` to also keep the lines). Printed per page and period: cold and warm
seconds on the large demo (median of ``--repeat`` cold runs), rows moved on the large and the
small demo and their ratio, the process's resident memory after the view; at the end the peak.
The machine is shared: seconds are medians and still noisy; row counts are exact.
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def run_page(page, period: str, *, cold: bool) -> tuple[float, int, int]:
    """One view of a registered page: (seconds, queries, rows)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from connectors import query_log

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=900)
    at.query_params["period"] = period
    if page.key != "overview":
        at.run()  # the shared link opens on the Overview first; the page below is what is measured
    if cold:
        st.cache_resource.clear()
        st.cache_data.clear()
    query_log.clear()
    t0 = time.perf_counter()
    if page.key == "overview":
        at.run()
    else:
        at.switch_page(page.file).run()
    seconds = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"{page.key} ({period}) failed: {at.exception[0].message}")
    queries, rows = view_rows()
    return seconds, queries, rows


def small_demo(path: Path | None) -> Path:
    if path is not None and path.exists():
        return path
    from connectors.demo import load_demo

    target = path or Path(tempfile.mkdtemp(prefix="pages-bench-")) / "small.duckdb"
    load_demo(DuckDBStore(target), "small", seed=42)
    return target


def main(argv: list[str] | None = None) -> None:
    from dashboard.registry import PAGES

    keys = [p.key for p in PAGES if p.key != "data"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/work/large.duckdb"), help="the large demo (only read)")
    parser.add_argument("--small", type=Path, default=None, help="the small demo (built when missing)")
    parser.add_argument("--pages", nargs="+", default=keys, choices=keys)
    parser.add_argument("--periods", nargs="+", default=list(PERIODS), choices=PERIODS)
    parser.add_argument("--repeat", type=int, default=1, help="cold runs per page and period on the large demo")
    args = parser.parse_args(argv)

    small = small_demo(args.small)
    rows = truth_of(DuckDBStore(args.db))["rows"]
    print(f"Large demo: {rows['customers']:,} customers, {rows['orders']:,} orders, "
          f"{rows['touchpoints']:,} touchpoints")
    pages = [p for p in PAGES if p.key in args.pages]

    use_database(small)
    small_rows = {(p.key, period): run_page(p, period, cold=True)[2] for p in pages for period in args.periods}

    use_database(args.db)
    print(f"\n{'page':14s} {'period':15s} {'cold s':>7s} {'warm s':>7s} {'queries':>8s} {'rows large':>11s} "
          f"{'rows small':>11s} {'ratio':>6s} {'RSS MB':>7s}")
    for p in pages:
        for period in args.periods:
            cold = [run_page(p, period, cold=True) for _ in range(max(1, args.repeat))]
            warm, _, _ = run_page(p, period, cold=False)
            seconds = statistics.median(c[0] for c in cold)
            _, queries, large_rows = cold[-1]
            ratio = large_rows / max(small_rows[(p.key, period)], 1)
            rss, _ = memory_mb()
            print(f"{p.key:14s} {period:15s} {seconds:7.2f} {warm:7.2f} {queries:8d} {large_rows:11,} "
                  f"{small_rows[(p.key, period)]:11,} {ratio:6.2f} {rss:7.0f}", flush=True)
    print(f"\npeak resident memory of the process: {memory_mb()[1]:,.0f} MB")


if __name__ == "__main__":
    main()
