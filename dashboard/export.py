"""Downloads: CSV that spreadsheets open safely, stamped with the filters it was made with."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula (= + - @ first) get a leading apostrophe."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def csv_bytes(frame: pl.DataFrame, *, header_lines: Sequence[str] = ()) -> bytes:
    """UTF-8 CSV (with a BOM, so spreadsheets read Cyrillic) of the neutralised frame, after ``# ...`` lines."""
    head = "".join(f"# {line}\n" for line in header_lines)
    return ("\ufeff" + head + neutralise(frame).write_csv()).encode("utf-8")
