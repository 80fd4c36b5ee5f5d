"""CSV exports: the filters they were made with on top, formula injection neutralised."""

from __future__ import annotations

import io
from collections.abc import Sequence

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    if not text:
        return frame
    starts = "^[" + "".join("\\" + ch if ch in "-+" else ch for ch in "=+-@") + "\t\r]"
    return frame.with_columns([
        pl.when(pl.col(c).str.contains(starts)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    ])


def csv_with_filters(frame: pl.DataFrame, filter_lines: Sequence[str]) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets read Cyrillic): ``# `` lines naming the filters, then the table."""
    out = io.StringIO()
    for line in filter_lines:
        out.write("# " + line.replace("\n", " ").replace("\r", " ") + "\n")
    out.write(neutralise_formulas(frame).write_csv())
    return ("\ufeff" + out.getvalue()).encode("utf-8")
