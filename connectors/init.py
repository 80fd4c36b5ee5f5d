"""Create the dashboard's tables in a database, without the demo company.

    python -m connectors.init --empty                       # the embedded DuckDB file of the settings
    python -m connectors.init --empty --db data/own.duckdb
    python -m connectors.init --empty --url postgresql+psycopg://user:password@host/db

Every missing table is created (nothing is dropped or emptied: running it on a
database that holds data changes no row); the first line printed names the
database, password masked. Then load the company's files on the Data page or with
``python -m connectors.load FILE --table TABLE``. Exit codes: 0 done, 2 the database
cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from connectors.read import table_stats
from connectors.store import StoreError, open_store


def main(argv: list[str] | None = None) -> int:
    from connectors.settings import Settings

    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m connectors.init", description=__doc__.splitlines()[0])
    parser.add_argument("--empty", action="store_true", required=True,
                        help="the tables only, no data (the demo company: python -m connectors.demo)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--db", type=Path, help="DuckDB file (default: from the dashboard's settings)")
    target.add_argument("--url", help="database URL (default: DASHBOARD_DB_URL, else the DuckDB file)")
    args = parser.parse_args(argv)

    url = args.url or ("" if args.db else settings.db_url)
    try:
        store = open_store(url or None, default_path=args.db or settings.duckdb_path)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"database: {store.display_url}")
    try:
        store.ensure_schema()
        stats = table_stats(store)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    held = {name: n for name, n in stats.select("table", "rows").iter_rows() if n}
    if held:
        print("The tables are there; rows already held (none were changed): "
              + ", ".join(f"{name} {n:,}" for name, n in held.items()))
    else:
        print(f"Created the dashboard's tables, empty, in {store.display_url}. Load the company's files on the "
              "Data page or with: python -m connectors.load FILE --table TABLE")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
