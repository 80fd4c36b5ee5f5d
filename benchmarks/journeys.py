"""How the anonymous-journey query grows with the data: the small demo against the large one (68× the volume).

    python -m benchmarks.journeys --small /tmp/small.duckdb --large /tmp/large.duckdb
    python -m benchmarks.journeys --large /tmp/large.duckdb --previous --repeat 1

Both files are built when missing (small: seconds; large: several minutes, ~2 GB).
Prints, for the last 90 days, the last 12 months and all data: the rows of
``null_paths_query`` (distinct paths) and the journeys in them, its median wall time
and the CPU time of this process (DuckDB's threads included; wall time on a busy
shared machine can be several times the CPU time), on the small and the large demo,
and the large/small ratios. ``--previous`` also times the self-join formulation the
query replaced (each journey's end by a GROUP BY over every anonymous touch from the
period's start minus the window onwards, joined back to the touches), which checks
the new query's output too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from benchmarks.loaders import DEFAULT_DB, ensure_large
from connectors import schema
from connectors.journeys import _bounds, _in_period, null_paths_query
from connectors.read import Filters
from connectors.store import DuckDBStore, truth_of

DEFAULT_SMALL = Path("data/small.duckdb")


def previous_null_paths_query(filters: Filters, lookback_days: int) -> sa.Select:
    """The self-join formulation ``null_paths_query`` replaced (for comparison only)."""
    t = schema.touchpoints
    lo, hi = _bounds(filters)
    window = dt.timedelta(days=lookback_days)
    where = [t.c.customer_id.is_(None)]
    if lo is not None:
        where.append(t.c.ts >= lo - window)
    anon = sa.select(t.c.journey_id, t.c.ts, t.c.channel_id).where(*where).cte("anon")
    last = sa.func.max(anon.c.ts)
    ends = (
        sa.select(anon.c.journey_id, last.label("ended_at"))
        .group_by(anon.c.journey_id)
        .having(sa.and_(sa.true(), *_in_period(last, lo, hi)))
        .cte("anon_ends")
    )
    per_journey = (
        sa.select(anon.c.journey_id,
                  sa.func.array_agg(aggregate_order_by(anon.c.channel_id, anon.c.ts, anon.c.channel_id)).label("path"))
        .join(ends, anon.c.journey_id == ends.c.journey_id)
        .where(anon.c.ts >= ends.c.ended_at - window)
        .group_by(anon.c.journey_id)
        .cte("anon_paths")
    )
    return sa.select(per_journey.c.path, sa.func.count().label("nulls")).group_by(per_journey.c.path)


def ensure_small(path: Path) -> DuckDBStore:
    store = DuckDBStore(path)
    if not path.exists() or truth_of(store) is None:
        from connectors.demo import load_demo

        print(f"Building the small demo into {path} ...", flush=True)
        load_demo(store, "small", seed=42)
    return store


def periods(store: DuckDBStore) -> dict[str, Filters]:
    end = dt.date.fromisoformat(truth_of(store)["period"]["end"])
    return {"last 90 days": Filters(end - dt.timedelta(days=89), end),
            "last 12 months": Filters(end - dt.timedelta(days=364), end), "all data": Filters()}


def timed(store: DuckDBStore, stmt: sa.Select, repeat: int) -> tuple[float, float, pl.DataFrame]:
    """Median wall seconds, median CPU seconds, the result."""
    walls, cpus, frame = [], [], pl.DataFrame()
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        frame = store.query(stmt)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), frame


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col("path").list.join(">"), pl.col("nulls").cast(pl.Int64)).sort("path")


def measure(stores: dict[str, DuckDBStore], query, repeat: int, check=None) -> dict[tuple[str, str], tuple]:
    out = {}
    for scale, store in stores.items():
        store.query(sa.select(sa.func.count()).select_from(schema.touchpoints))  # open the file first
        for name, flt in periods(store).items():
            wall, cpu, frame = timed(store, query(flt, 30), repeat)
            if check is not None:
                assert canonical(frame).equals(canonical(check[(scale, name)][2])), (scale, name)
            out[(scale, name)] = (wall, cpu, frame)
            print(f"  {scale:6s} {name:15s} {frame.height:>9,} paths {int(frame['nulls'].sum()):>12,} journeys "
                  f"wall {wall:8.2f}s  cpu {cpu:8.2f}s", flush=True)
    return out


def ratios(results: dict[tuple[str, str], tuple], label: str) -> None:
    if not {s for s, _ in results} >= {"small", "large"}:
        return
    for name in ("last 90 days", "last 12 months", "all data"):
        (ws, cs, _), (wl, cl, _) = results[("small", name)], results[("large", name)]
        print(f"  {label}, {name:15s}: large/small wall {wl / ws:6.1f}x, cpu {cl / max(cs, 1e-3):6.1f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=Path, default=DEFAULT_SMALL)
    parser.add_argument("--large", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--previous", action="store_true", help="also time the self-join formulation")
    args = parser.parse_args(argv)
    stores = {"small": ensure_small(args.small), "large": ensure_large(args.large)}
    rows = {s: truth_of(st)["rows"]["touchpoints"] for s, st in stores.items()}
    print(f"touchpoints: small {rows['small']:,}, large {rows['large']:,} ({rows['large'] / rows['small']:.0f}x)")
    print("null_paths_query (window max, bounded on both ends):")
    new = measure(stores, null_paths_query, args.repeat)
    if args.previous:
        print("previous self-join formulation:")
        old = measure(stores, previous_null_paths_query, args.repeat, check=new)
        ratios(old, "previous")
        for key in old:
            print(f"  {key[0]:6s} {key[1]:15s} previous/new wall {old[key][0] / new[key][0]:5.1f}x, "
                  f"cpu {old[key][1] / max(new[key][1], 1e-3):5.1f}x")
    ratios(new, "new")


if __name__ == "__main__":
    main()
