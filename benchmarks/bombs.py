"""Peak memory of reading each kind of hostile file at the upload limit, and of the largest honest files.

    python -m benchmarks.bombs [--max-mb 50] [--only NAME ...]

Every file is at most the upload limit (50 MB by default) and is fed to the command-line import
(``python -m connectors.load FILE --table ... --dry-run``, the same read, check and plan as the
wizard) against a copy of the small demo. For each it prints the file size, what it unpacks to,
the outcome (the first line of the message), the seconds taken and the peak resident memory of
the largest process involved (the import and the child that parses XLSX and Parquet files), as
the kernel counts it. The target: no process above 1 GB.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.imports import orders_csv
from tests import bombs

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20


def _orders(rows: int):
    """The import benchmark's orders as a spreadsheet or an export holds them: money as numbers, the rest text."""
    import polars as pl

    frame = pl.read_csv(orders_csv(rows).decode("cp1251").encode("utf-8"), separator=";", infer_schema=False)
    return frame.with_columns(pl.col("Сумма", "Себестоимость").str.replace_all(r"\s", "").str.replace(",", ".")
                              .cast(pl.Float64))


def _orders_xlsx(path: Path, rows: int) -> Path:
    _orders(rows).write_excel(path)
    return path


def _orders_parquet(path: Path, rows: int) -> Path:
    _orders(rows).write_parquet(path)
    return path


def cases(max_mb: int) -> dict[str, tuple[str, Callable[[Path], Path]]]:
    """name -> (table, maker); the makers scale with the limit (all files stay under it)."""
    scale = max_mb / 50
    return {
        "csv: empty cells (1,000 per line)": ("spend", lambda p: bombs.csv_empty_cells(p, int(49_000 * scale), 1_000)),
        "csv: header of 1,000,000 columns": ("spend", lambda p: bombs.csv_wide_header(p, int(1_000_000 * scale))),
        "xlsx: directory says 1 KB, unpacks to 1.2 GB": (
            "spend", lambda p: bombs.xlsx_lying_directory(p, int(7_500_000 * scale))),
        "xlsx: honest, unpacks to 0.9 GB": ("spend", lambda p: bombs.xlsx_many_cells(p, int(5_600_000 * scale))),
        "xlsx: cells in A1 and XFD1048576": ("spend", lambda p: bombs.xlsx_far_cell(p)),
        "xlsx: 0.9 GB of shared strings": (
            "spend", lambda p: bombs.xlsx_shared_strings(p, int(30_000 * scale), 30_000)),
        "parquet: 100 million rows": ("spend", lambda p: bombs.parquet_many_rows(p, int(100_000_000 * scale))),
        "parquet: one 1 MB text on 10,000 rows": (
            "spend", lambda p: bombs.parquet_long_strings(p, int(10_000 * scale), 1_000_000)),
        "csv: 900,000 orders (honest, near the limit)": (
            "orders", lambda p: p.write_bytes(orders_csv(int(900_000 * scale))) and p),
        "xlsx: 400,000 orders (honest)": ("orders", lambda p: _orders_xlsx(p, int(400_000 * scale))),
        "parquet: 1,000,000 orders (honest)": ("orders", lambda p: _orders_parquet(p, int(1_000_000 * scale))),
    }


# The process that measures must itself be small: a child starts with its parent's resident size on the
# kernel's books (fork, then exec), so the bomb is made elsewhere and this shim only starts and waits.
_MEASURE = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(done.returncode)")


def run(path: Path, table: str, db: Path, max_mb: int) -> tuple[int, str, float, float]:
    """(exit code, first message line, seconds, peak MB of the largest process: the import or its child)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "connectors.load", str(path),
                           "--table", table, "--db", str(db), "--dry-run", "--max-mb", str(max_mb)],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    *messages, peak_kb = done.stderr.strip().splitlines()
    text = [ln for ln in messages if ln.strip()] or done.stdout.strip().splitlines()
    line = next((ln for ln in text if ln.startswith("error:")), text[-1] if text else "")
    return done.returncode, line[:110], seconds, int(peak_kb) / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--max-mb", type=int, default=50)
    p.add_argument("--only", nargs="*", help="run the cases whose name contains one of these words")
    p.add_argument("--case", help=argparse.SUPPRESS)  # one case, measured in a fresh process
    p.add_argument("--make", nargs=2, help=argparse.SUPPRESS)  # NAME PATH: write one case's file
    p.add_argument("--db", help=argparse.SUPPRESS)
    args = p.parse_args()
    chosen = cases(args.max_mb)
    if args.make:  # make one case's file (in a process of its own)
        name, target = args.make
        chosen[name][1](Path(target))
        return
    if args.case:
        table, _ = chosen[args.case]
        with tempfile.TemporaryDirectory(prefix="bombs-") as tmp:
            suffix = args.case.split(":")[0]
            path = Path(tmp) / f"bomb.{suffix}"
            subprocess.run([sys.executable, "-m", "benchmarks.bombs", "--max-mb", str(args.max_mb), "--make",
                            args.case, str(path)], cwd=ROOT, check=True)
            size = path.stat().st_size
            unpacked = bombs.unpacked_bytes(path) if suffix == "xlsx" else size
            code, line, seconds, peak = run(path, table, Path(args.db), args.max_mb)
        print(f"{args.case:<46} {size / MB:>6.1f} MB {unpacked / MB:>8.0f} MB  exit {code}  {seconds:>5.1f} s  "
              f"peak {peak:>5.0f} MB  {line}", flush=True)
        return
    from connectors.demo import load_demo
    from connectors.store import DuckDBStore

    names = [n for n in chosen if not args.only or any(w.lower() in n.lower() for w in args.only)]
    with tempfile.TemporaryDirectory(prefix="bombs-db-") as tmp:
        db = Path(tmp) / "demo.duckdb"
        load_demo(DuckDBStore(db), "small", seed=42)
        print(f"{'file':<46} {'size':>9} {'unpacked':>11}  outcome, time, peak memory of the largest process")
        for name in names:
            subprocess.run([sys.executable, "-m", "benchmarks.bombs", "--max-mb", str(args.max_mb), "--case", name,
                            "--db", str(db)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
