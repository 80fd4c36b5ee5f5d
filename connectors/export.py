"""CSV downloads that are safe to open in a spreadsheet.

A text cell beginning with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return)
is read by Excel and LibreOffice as a formula — ``=cmd|' /C calc'!A0`` runs a
program. :func:`neutralise_formulas` puts an apostrophe in front of such cells (the
spreadsheet then shows the text as it is); numbers are left alone, so a negative
number stays a number. The import strips that apostrophe again, so a downloaded
file re-imports unchanged. Use :func:`csv_bytes` for every CSV the app offers.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# a signed number as a page shows it ('-12.5%', '+3 pts', '-1 200,5 ₽'): no formula can hide in it
_SIGNED_NUMBER = r"^[+-][0-9][0-9 .,\x{a0}\x{202f}]*(%|\s?[^\W\d_]{1,8}\.?|\s?[₽$€])?$"


def neutralise_formulas(frame: pl.DataFrame, *, keep_signed_numbers: bool = False) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as formulas get a leading apostrophe.

    ``keep_signed_numbers``: leave text such as '-12.5%' alone (for tables on a page, where a change is
    written with its sign); every cell starting with ``=`` or ``@`` is still neutralised.
    """
    pattern = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_START).replace("\t", "\\t").replace(
        "\r", "\\r") + "]"
    text = [c for c, t in frame.schema.items() if t == pl.String]

    def risky(c: str) -> pl.Expr:
        hit = pl.col(c).str.contains(pattern)
        return hit & ~pl.col(c).str.contains(_SIGNED_NUMBER) if keep_signed_numbers else hit

    return frame.with_columns([
        pl.when(risky(c)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c) for c in text
    ])


def neutralise_text(text: str | None) -> str:
    """One cell's text, safe in a spreadsheet (a leading apostrophe when it would run as a formula)."""
    if text is None:
        return ""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(frame: pl.DataFrame, *, bom: bool = True, header_lines: Sequence[str] = ()) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so Excel reads Cyrillic right), formulas neutralised.

    ``header_lines`` (for example the filters an export was made with) come first, one ``# ...`` line
    each. Columns that are not plain values (lists, structs) are written as their text.
    """
    plain = frame.with_columns([pl.col(c).cast(pl.String) for c, t in frame.schema.items()
                                if t.is_nested() or t == pl.Object])
    head = "".join("# " + " ".join(line.splitlines()) + "\n" for line in header_lines)
    body = neutralise_formulas(plain).write_csv(datetime_format="%Y-%m-%d %H:%M:%S")
    return ("\ufeff" if bom else "").encode("utf-8") + (head + body).encode("utf-8")
