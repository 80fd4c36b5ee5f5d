"""Summarise a query log (setting ``query_log``): per page, how many queries, rows and milliseconds.

    DASHBOARD_QUERY_LOG=/tmp/queries.jsonl streamlit run streamlit_app.py   # browse, then:
    python -m benchmarks.query_log /tmp/queries.jsonl
    python -m benchmarks.query_log /tmp/queries.jsonl --labels 15 --with-rotated

Prints one line per page (``(none)``: queries outside a page, such as the shared
frame's dimensions; ``warm-up``: the background warm-up): page views that queried
the database, queries, rows returned, total and slowest milliseconds, megabytes
returned, and the largest single result. With ``--labels N`` the N queries that
returned the most rows in total follow, per page and label. ``--with-rotated``
reads ``FILE.1`` (the part moved aside at the size limit) too.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

COLUMNS = {"ts": pl.String, "page": pl.String, "view": pl.Int64, "label": pl.String, "engine": pl.String,
           "rows": pl.Int64, "ms": pl.Float64, "bytes": pl.Int64}


def read_log(*paths: Path) -> pl.DataFrame:
    """The records of one or more log files, oldest first (missing files are skipped)."""
    frames = [pl.read_ndjson(p, schema=COLUMNS) for p in paths if p.exists() and p.stat().st_size]
    if not frames:
        return pl.DataFrame(schema=COLUMNS)
    return pl.concat(frames).sort("ts").with_columns(pl.col("page").fill_null("(none)"))


def per_page(log: pl.DataFrame) -> pl.DataFrame:
    """Columns: page, views, queries, rows, ms, slowest_ms, mb, largest (rows of the largest single result)."""
    return (
        log.group_by("page")
        .agg(
            pl.col("view").n_unique().alias("views"),
            pl.len().alias("queries"),
            pl.col("rows").sum().alias("rows"),
            pl.col("ms").sum().alias("ms"),
            pl.col("ms").max().alias("slowest_ms"),
            (pl.col("bytes").sum() / 1e6).alias("mb"),
            pl.col("rows").max().alias("largest"),
        )
        .sort("rows", descending=True)
    )


def per_label(log: pl.DataFrame, top: int) -> pl.DataFrame:
    """Columns: page, label, queries, rows, ms, mb; the ``top`` with the most rows."""
    return (
        log.group_by("page", "label")
        .agg(pl.len().alias("queries"), pl.col("rows").sum().alias("rows"), pl.col("ms").sum().alias("ms"),
             (pl.col("bytes").sum() / 1e6).alias("mb"))
        .sort("rows", descending=True)
        .head(top)
    )


def print_pages(table: pl.DataFrame) -> None:
    print(f"{'page':<16}{'views':>7}{'queries':>9}{'rows':>13}{'ms':>11}{'slowest ms':>12}{'MB':>9}{'largest':>12}")
    for r in table.iter_rows(named=True):
        print(f"{r['page']:<16}{r['views']:>7}{r['queries']:>9}{r['rows']:>13,}{r['ms']:>11,.0f}"
              f"{r['slowest_ms']:>12,.0f}{r['mb']:>9.1f}{r['largest']:>12,}")


def print_labels(table: pl.DataFrame) -> None:
    print(f"\n{'page':<16}{'label':<56}{'queries':>9}{'rows':>13}{'ms':>11}{'MB':>9}")
    for r in table.iter_rows(named=True):
        print(f"{r['page']:<16}{r['label'][:55]:<56}{r['queries']:>9}{r['rows']:>13,}{r['ms']:>11,.0f}{r['mb']:>9.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.query_log", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--labels", type=int, default=0, metavar="N", help="also the N largest queries by label")
    parser.add_argument("--with-rotated", action="store_true", help="read FILE.1 too")
    args = parser.parse_args(argv)
    paths = [args.file.with_name(args.file.name + ".1")] if args.with_rotated else []
    log = read_log(*paths, args.file)
    if log.height == 0:
        print(f"{args.file}: no queries recorded")
        return 1
    print(f"{args.file}: {log.height:,} queries, {log['ts'].min()} .. {log['ts'].max()}\n")
    print_pages(per_page(log))
    if args.labels:
        print_labels(per_label(log, args.labels))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
