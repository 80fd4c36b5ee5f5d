"""Loader speed on the large demo: our read path vs DuckDB's native Arrow read of the same rows.

    python -m benchmarks.loaders                    # builds data/large.duckdb on first use
    python -m benchmarks.loaders --db other.duckdb --repeat 9

Prints, per fact family and filter: rows, median time of ``read_fact`` (SQL built by
SQLAlchemy, bound parameters, dtype normalisation) and of the same SQL run natively
(``con.sql(sql).pl()`` on an open connection), and their ratio; then the median time of
the Overview's whole computation (every loader and metric call, caches cleared).
Figures are medians; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

import duckdb

from connectors import read
from connectors.read import Filters, select_fact
from connectors.store import DuckDBStore, compile_statement, truth_of

DEFAULT_DB = Path("data/large.duckdb")

CASES = [
    ("orders", Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31))),
    ("orders", Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))),
    ("orders", Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31), channels=("search_ads", "display"),
                       regions=("Москва",))),
    ("touchpoints", Filters(dt.date(2026, 8, 3), dt.date(2026, 10, 31))),
    ("touchpoints", Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))),
    ("customers", Filters()),
    ("nps_responses", Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))),
    ("spend", Filters()),
    ("leads", Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))),
]


def ensure_large(path: Path) -> DuckDBStore:
    store = DuckDBStore(path)
    truth = truth_of(store) if path.exists() else None
    if truth is None or truth.get("scale") != "large":
        from connectors.demo import load_demo

        print(f"Building the large demo into {path} (about a minute) ...", flush=True)
        t0 = time.perf_counter()
        load_demo(store, "large", seed=42, progress=lambda f, m: print(f"  {f:4.0%} {m}", flush=True))
        print(f"  built in {time.perf_counter() - t0:.1f}s")
    return store


def median_time(fn, repeat: int) -> tuple[float, object]:
    out = None
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def median_seconds(fn, repeat: int) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs, in seconds."""
    return median_time(fn, repeat)[0]


def bench_loaders(store: DuckDBStore, repeat: int) -> list[float]:
    con = duckdb.connect(str(store.path), read_only=True)
    print(f"\n{'family':14s} {'filter':44s} {'rows':>11s} {'read_fact':>10s} {'native':>9s} {'ratio':>6s}")
    ratios = []
    try:
        for family, flt in CASES:
            sql, params = compile_statement(select_fact(family, flt, None), store._dialect)
            ours, frame = median_time(lambda: read.read_fact(store, family, flt), repeat)
            native, nframe = median_time(lambda: con.sql(sql, params=params).pl(), repeat)
            assert frame.height == nframe.height
            ratio = ours / native
            ratios.append(ratio)
            label = f"{flt.start or '…'}..{flt.end or '…'} {len(flt.channels)}ch {len(flt.regions)}r"
            print(f"{family:14s} {label:44s} {frame.height:>11,} {ours * 1000:>8.1f}ms {native * 1000:>7.1f}ms "
                  f"{ratio:>5.2f}x")
    finally:
        con.close()
    print(f"median ratio {statistics.median(ratios):.2f}x, worst {max(ratios):.2f}x")
    return ratios


def bench_overview(store: DuckDBStore, repeat: int) -> None:
    """The Overview's whole computation: its three pillars with their contributions and the retention headline.

    Cold: every cache emptied first (the first view after new data, when no warm-up ran); warm: a rerun.
    """
    import streamlit as st

    from dashboard import context as app_data
    from dashboard.filters import ViewState
    from dashboard.overview.data import pillar_summaries, retention_headline

    version, channels, campaigns, regions, bounds = app_data.base_context(store)
    for label, view in (("last 90 days", ViewState()), ("last 12 months", ViewState(period="last_12_months"))):
        ctx = app_data.build_context(store, view, version, channels, campaigns, regions, bounds)

        def overview():
            return pillar_summaries(ctx), retention_headline(ctx)

        def cold():
            st.cache_resource.clear()
            return overview()

        t_cold, _ = median_time(cold, max(1, repeat // 2))
        t_warm, _ = median_time(overview, repeat)
        print(f"Overview computation, {label}: cold (every cache emptied) {t_cold:.2f} s, "
              f"warm {t_warm * 1000:.1f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    store = ensure_large(args.db)
    rows = truth_of(store)["rows"]
    print(f"Large demo: {rows['customers']:,} customers, {rows['orders']:,} orders, "
          f"{rows['touchpoints']:,} touchpoints")
    bench_loaders(store, args.repeat)
    bench_overview(store, args.repeat)


if __name__ == "__main__":
    main()
