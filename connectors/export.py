"""CSV downloads that are safe to open in a spreadsheet.

A text cell beginning with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return)
is read by Excel and LibreOffice as a formula — ``=cmd|' /C calc'!A0`` runs a
program. :func:`neutralise_formulas` puts an apostrophe in front of such cells (the
spreadsheet then shows the text as it is); numbers are left alone, so a negative
number stays a number. The import strips that apostrophe again, so a downloaded
file re-imports unchanged. Use :func:`csv_bytes` for every CSV the app offers.
"""

from __future__ import annotations

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as formulas get a leading apostrophe."""
    pattern = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_START).replace("\t", "\\t").replace(
        "\r", "\\r") + "]"
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns([
        pl.when(pl.col(c).str.contains(pattern)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    ])


def csv_bytes(frame: pl.DataFrame, *, bom: bool = True) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so Excel reads Cyrillic right), formulas neutralised.

    Columns that are not plain values (lists, structs) are written as their text.
    """
    plain = frame.with_columns([pl.col(c).cast(pl.String) for c, t in frame.schema.items()
                                if t.is_nested() or t == pl.Object])
    body = neutralise_formulas(plain).write_csv(datetime_format="%Y-%m-%d %H:%M:%S")
    return ("\ufeff" if bom else "").encode("utf-8") + body.encode("utf-8")
