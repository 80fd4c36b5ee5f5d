"""Build the demo company into a database.

    python -m connectors.demo --scale small --seed 42              # into the default DuckDB file
    python -m connectors.demo --scale large --db data/large.duckdb
    python -m connectors.demo --url postgresql://user@host/db      # any SQLAlchemy URL
    python -m connectors.demo --url sc://localhost:15002           # Spark, through Spark Connect
"""

from __future__ import annotations

import argparse
import sys
import time

from connectors.demo import SCALES, load_demo
from connectors.store import StoreError, open_store, safe_url


def main(argv: list[str] | None = None) -> int:
    from connectors.settings import Settings

    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m connectors.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default=settings.demo_scale)
    parser.add_argument("--seed", type=int, default=settings.demo_seed)
    parser.add_argument("--db", help="DuckDB file to write (default: the app's embedded store)")
    parser.add_argument("--url", help="database to write instead of a DuckDB file: a SQLAlchemy URL, "
                        "or sc://host:port[/;database=name] for Spark Connect")
    args = parser.parse_args(argv)

    if args.url:
        store = open_store(args.url, default_path=settings.duckdb_path)
    else:
        store = open_store(None, default_path=args.db or settings.duckdb_path)
    started = time.perf_counter()

    def progress(fraction: float, message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {fraction:4.0%} {message}", flush=True)

    try:
        demo = load_demo(store, args.scale, args.seed, progress=progress)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = demo.truth["rows"]
    print(f"Built the {args.scale} demo (seed {args.seed}) into {safe_url(store.display_url)} "
          f"in {time.perf_counter() - started:.1f}s")
    for name, n in rows.items():
        print(f"  {name:18s} {n:>12,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
