"""The Reputation page's computation on the large demo: rows moved from the database and time.

    python -m benchmarks.reputation                          # data/large.duckdb, built on first use
    python -m benchmarks.reputation --db /work/large.duckdb --repeat 5

Prints, for the last 90 days, the last 12 months and all data (each compared with the
previous period), the rows the database returns for everything the page computes
(``dashboard.reputation.data.compute_page``) and for the Overview's Reputation column, and
the median time of the page's computation cold (every cache emptied) and warm (caches
filled, as when a user moves a page control).

The database is opened read-only. A file written before review sentiment was stored with
each row lacks the label columns: then the benchmark copies it into a temporary directory
and labels the copy first (``connectors.review_labels.upgrade``), leaving the original as
it is. Figures are medians; the machine is shared and noisy.
Targets: cold ≤ 1.5 s for 90 days and ≤ 3 s for 12 months and all data; rows moved
≤ 100,000 (90 days, 12 months) and ≤ 300,000 (all data).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from connectors.store import DuckDBStore, truth_of
from benchmarks.loaders import DEFAULT_DB, ensure_large
from benchmarks.loaders import median_seconds as median_time

VIEWS = (("last 90 days", "last_90_days"), ("last 12 months", "last_12_months"), ("all data", "all"))


def rows_moved(store: DuckDBStore, fn: Callable[[], Any]) -> tuple[int, int]:
    """(rows, queries) the database returns while ``fn`` runs."""
    counted = [0, 0]
    query = store.query

    def counting(stmt):
        frame = query(stmt)
        counted[0] += frame.height
        counted[1] += 1
        return frame

    store.query = counting  # type: ignore[method-assign]
    try:
        fn()
    finally:
        del store.query
    return counted[0], counted[1]


@contextlib.contextmanager
def labelled(path: Path) -> Iterator[DuckDBStore]:
    """The store at ``path``, or a labelled temporary copy when its reviews carry no stored sentiment."""
    store = DuckDBStore(path)
    try:
        from connectors import review_labels
    except ImportError:  # the page still classifies reviews as it reads them
        yield store
        return
    if review_labels.has_labels(store):
        yield store
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        print(f"{path} has no stored review sentiment: labelling a copy in {tmp} ...", flush=True)
        shutil.copyfile(path, copy)
        store = DuckDBStore(copy)
        review_labels.upgrade(store)
        yield store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.db == DEFAULT_DB:
        ensure_large(args.db)

    import streamlit as st

    from dashboard import context as app_data
    from dashboard.filters import ViewState
    from dashboard.overview.pillars import reputation as pillar
    from dashboard.reputation import data as rep

    with labelled(args.db) as store:
        rows = truth_of(store)["rows"]
        print(f"Demo ({truth_of(store)['scale']}): {rows['nps_responses']:,} NPS answers, {rows['reviews']:,} reviews, "
              f"{rows['complaints']:,} complaints")
        version, channels, campaigns, regions, bounds = app_data.base_context(store)
        print(f"\n{'view':16s} {'page rows':>10s} {'queries':>8s} {'column rows':>12s} {'cold':>9s} {'warm':>9s}")
        for label, period in VIEWS:
            ctx = app_data.build_context(store, ViewState(period=period), version, channels, campaigns, regions,
                                         bounds)

            def cold():
                st.cache_resource.clear()
                return rep.compute_page(ctx)

            st.cache_resource.clear()
            page_rows, queries = rows_moved(store, lambda: rep.compute_page(ctx))
            st.cache_resource.clear()
            column_rows, _ = rows_moved(store, lambda: pillar.headlines(ctx, "week"))
            t_cold = median_time(cold, max(1, args.repeat // 2))
            t_warm = median_time(lambda: rep.compute_page(ctx), args.repeat)
            print(f"{label:16s} {page_rows:>10,} {queries:>8} {column_rows:>12,} {t_cold * 1000:7.0f}ms "
                  f"{t_warm * 1000:7.0f}ms")


if __name__ == "__main__":
    main()
