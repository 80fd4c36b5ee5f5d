"""XLSX and Parquet files, read by native readers in a child process with a memory limit.

The readers (calamine through fastexcel, polars' Parquet reader) allocate as the file
says, and a small file can say a great deal. So they never run in the app's process:
``connectors/imports/isolated.py`` checks the file's real structure against the
:class:`ReadBudget`, parses it under an address-space and CPU cap, and hands back the
cells as text (Arrow IPC in a temporary folder, removed afterwards). Here the result
becomes a :class:`ParsedFile` through the same :class:`TableBuilder` as a CSV (header,
blank rows, totals), or a :class:`FileRejected` that says what to do.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

from connectors.imports.budget import ReadBudget
from connectors.imports.table import ROW, FileRejected, TableBuilder, column_names

log = logging.getLogger(__name__)
SCRIPT = Path(__file__).with_name("isolated.py")
SLICE_ROWS = 50_000  # spreadsheet rows turned into Python rows at a time
# Messages for what the child reports (its own messages are short and in English).
_MESSAGES = {
    "unpacked_too_large": "The file unpacks to more than {limit_mb} MB of data; save it again without unused "
                          "sheets and formatting, or split it.",
    "needs_memory": "Reading the file needs more than {limit_mb} MB of memory; split it into smaller files.",
    "too_slow": "Reading the file took longer than {seconds} s; split it into smaller files.",
    "too_many_cells": "The file holds more than {limit} cells ({rows} rows × {columns} columns or more); split it "
                      "into smaller files.",
    "too_many_columns": "The file has {columns} columns; at most {limit} can be read.",
    "too_much_text": "The cells of the file hold {size_mb} MB of text; at most {limit_mb} MB can be read. Split it "
                     "into smaller files.",
    "cell_too_long": "A cell holds more than {limit} characters; shorten it.",
}


def _child(kind: str, data: bytes, budget: ReadBudget, sheet: str | None) -> tuple[pl.DataFrame, dict]:
    """Run the child parse; its table and what it reported, or FileRejected."""
    with tempfile.TemporaryDirectory(prefix="dashboard-import-") as tmp:
        src, out = Path(tmp) / f"file.{kind}", Path(tmp) / "table.arrow"
        src.write_bytes(data)
        command = [sys.executable, "-I", str(SCRIPT), kind, str(src), str(out), json.dumps(budget.limits())]
        if sheet is not None:
            command.append(sheet)
        env = {**os.environ, "POLARS_MAX_THREADS": "2", "RAYON_NUM_THREADS": "2"}
        try:
            # the CPU time is capped in the child; the wall-clock limit leaves room for a busy machine
            done = subprocess.run(command, capture_output=True, timeout=2 * budget.seconds + 30, env=env,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise _rejected("too_slow", seconds=int(budget.seconds)) from None
        report = _report(done.stdout)
        if report is None:
            stderr = done.stderr.decode("utf-8", errors="replace")[-2000:]
            if done.returncode in (-6, -9, 134, 137) or "memory allocation" in stderr or "MemoryError" in stderr:
                raise _rejected("needs_memory", limit_mb=budget.memory_mb)
            if done.returncode in (-24, 152):  # SIGXCPU: the CPU limit
                raise _rejected("too_slow", seconds=int(budget.seconds))
            if "Traceback" in stderr:  # not the file: a bug of the reading code
                log.error("reading a %s file failed in the child process: %s", kind, stderr)
                raise RuntimeError(f"Reading the {kind} file failed: {stderr.strip().splitlines()[-1]}")
            log.info("a %s reader stopped on a damaged file (exit %s): %s", kind, done.returncode, stderr)
            raise FileRejected("unreadable", f"The {'Excel' if kind == 'xlsx' else 'Parquet'} file is damaged.")
        if report.get("status") != "ok":
            code = str(report.get("code", "unreadable"))
            params = dict(report.get("params") or {})
            if code in _MESSAGES:
                raise _rejected(code, **params)
            raise FileRejected(code, str(report.get("message", "The file cannot be read.")), **params)
        return pl.read_ipc(out), report


def _report(stdout: bytes) -> dict | None:
    lines = stdout.decode("utf-8", errors="replace").strip().splitlines()
    try:
        value = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _rejected(code: str, **params: object) -> FileRejected:
    return FileRejected(code, _MESSAGES[code].format(**params), **params)


def read_xlsx(data: bytes, name: str, options, budget: ReadBudget):
    """A spreadsheet's sheet (``options.sheet``, else the first) as rows of text."""
    from connectors.imports.files import ParsedFile

    raw, report = _child("xlsx", data, budget, options.sheet)
    table = TableBuilder(budget, options.header_row)
    number = int(report.get("first_row") or 1)  # the reader starts at the first used row
    for start in range(0, raw.height, SLICE_ROWS):
        for row in raw.slice(start, SLICE_ROWS).iter_rows():
            table.add(number, ["" if v is None else v for v in row])
            number += 1
    del raw
    frame, problems = table.finish()
    return ParsedFile(name=name, kind="xlsx", frame=frame, sha256="", size=0, decimal=".",
                      header_row=table.header_number, sheet=report["sheet"], sheets=tuple(report["sheets"]),
                      problems=problems)


def read_parquet(data: bytes, name: str, budget: ReadBudget):
    """A Parquet file's columns as text; the header is the file's column names."""
    from connectors.imports.files import ParsedFile

    raw, report = _child("parquet", data, budget, None)
    names = column_names(list(report["columns"]))
    frame = raw.rename(dict(zip(raw.columns, names))).with_columns(
        pl.int_range(1, raw.height + 1, dtype=pl.Int64).alias(ROW))
    return ParsedFile(name=name, kind="parquet", frame=frame, sha256="", size=0, header_row=0, decimal=".")
