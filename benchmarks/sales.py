"""The Sales page's cold computation: rows the database returns, and time, on the large and the small demo.

    python -m benchmarks.sales --db /work/large.duckdb          # the large demo (only read)
    python -m benchmarks.sales --db /work/large.duckdb --small /tmp/small.duckdb --repeat 3

For the last 90 days, the last 12 months and all data (each with its comparison period), every
cache is emptied and ``dashboard.sales.data.sales_results`` runs once; the store's ``query`` is
wrapped to count the rows each query returns (what travels from the database to the app). Prints,
per period: rows moved on the large and on the small demo and their ratio, the cold time on the
large demo (median of ``--repeat`` cold runs), the warm time (a rerun), and the queries that moved
the most rows (with their seconds in the database). The small demo is built into a temporary file unless ``--small`` names one that
exists. The machine is shared: figures are medians and still noisy.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.loaders import median_time
from connectors.store import DuckDBStore, truth_of

PERIODS = ("last_90_days", "last_12_months", "all")


class RowCounter:
    """Wraps ``store.query``: rows returned and seconds spent per calling function."""

    def __init__(self, store: DuckDBStore) -> None:
        self.by_caller: collections.Counter[str] = collections.Counter()
        self.seconds: collections.Counter[str] = collections.Counter()
        self.queries = 0
        inner = store.query

        def query(stmt):
            t0 = time.perf_counter()
            frame = inner(stmt)
            caller = sys._getframe(1)
            name = f"{caller.f_code.co_name} ({Path(caller.f_code.co_filename).stem})"
            self.by_caller[name] += frame.height
            self.seconds[name] += time.perf_counter() - t0
            self.queries += 1
            return frame

        store.query = query  # type: ignore[method-assign]

    def reset(self) -> None:
        self.by_caller.clear()
        self.seconds.clear()
        self.queries = 0

    @property
    def rows(self) -> int:
        return sum(self.by_caller.values())


def cold_run(store: DuckDBStore, counter: RowCounter, period: str) -> tuple[float, int, RowCounter]:
    import streamlit as st

    from dashboard.context import base_context, build_context
    from dashboard.filters import ViewState
    from dashboard.sales.data import DEFAULT_MODEL, sales_results

    version, channels, campaigns, regions, bounds = base_context(store)
    ctx = build_context(store, ViewState(period=period), version, channels, campaigns, regions, bounds)
    st.cache_resource.clear()
    counter.reset()
    t0 = time.perf_counter()
    sales_results(ctx, DEFAULT_MODEL, ctx.settings.lookback_days, "week")
    return time.perf_counter() - t0, counter.rows, counter


def small_store(path: Path | None) -> DuckDBStore:
    if path is not None and path.exists():
        return DuckDBStore(path)
    from connectors.demo import load_demo

    target = path or Path(tempfile.mkdtemp(prefix="sales-bench-")) / "small.duckdb"
    store = DuckDBStore(target)
    load_demo(store, "small", seed=42)
    return store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/work/large.duckdb"))
    parser.add_argument("--small", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=6, help="queries listed per period")
    parser.add_argument("--periods", nargs="+", default=list(PERIODS), choices=PERIODS)
    args = parser.parse_args(argv)

    large = DuckDBStore(args.db)
    rows = truth_of(large)["rows"]
    print(f"Large demo: {rows['customers']:,} customers, {rows['orders']:,} orders, "
          f"{rows['touchpoints']:,} touchpoints")
    small = small_store(args.small)
    large_counter, small_counter = RowCounter(large), RowCounter(small)
    print(f"\n{'period':16s} {'rows large':>11s} {'rows small':>11s} {'ratio':>6s} {'queries':>8s} "
          f"{'cold s':>7s} {'warm ms':>8s}")
    details = {}
    for period in args.periods:
        _, small_rows, _ = cold_run(small, small_counter, period)
        times = []
        for _ in range(args.repeat):
            seconds, large_rows, counter = cold_run(large, large_counter, period)
            times.append(seconds)
        details[period] = [(name, n, counter.seconds[name]) for name, n in counter.by_caller.most_common(args.top)]
        queries = counter.queries
        from dashboard.context import base_context, build_context
        from dashboard.filters import ViewState
        from dashboard.sales.data import DEFAULT_MODEL, sales_results

        ctx = build_context(large, ViewState(period=period), *base_context(large))
        warm, _ = median_time(lambda: sales_results(ctx, DEFAULT_MODEL, ctx.settings.lookback_days, "week"), 3)
        times.sort()
        print(f"{period:16s} {large_rows:>11,} {small_rows:>11,} {large_rows / max(small_rows, 1):>6.2f} "
              f"{queries:>8d} {times[len(times) // 2]:>7.2f} {warm * 1000:>8.1f}")
    for period, top in details.items():
        print(f"\nlargest queries, {period} (large demo):")
        for name, n, seconds in top:
            print(f"  {n:>11,} rows {seconds:7.2f} s  {name}")


if __name__ == "__main__":
    main()
