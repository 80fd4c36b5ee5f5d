"""CSV and Excel downloads that are safe to open in a spreadsheet.

A text cell beginning with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return)
is read by Excel and LibreOffice as a formula — ``=cmd|' /C calc'!A0`` runs a
program. :func:`neutralise_formulas` puts an apostrophe in front of such cells (the
spreadsheet then shows the text as it is); numbers are left alone, so a negative
number stays a number. The import strips that apostrophe again, so a downloaded
file re-imports unchanged. Use :func:`csv_bytes` for every CSV the app offers. :func:`xlsx_bytes` writes
text as text cells, which a spreadsheet never runs; :func:`rounded_to_units` takes the float noise out of
numbers first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


# --- values rounded to their unit, and Excel workbooks ------------------------------------------------
DECIMALS = {"money": 2, "count": 0, "ratio": 4, "multiple": 2, "points": 2}
DEFAULT_DECIMALS = 4  # a float column of no named unit: no float noise, nothing shown on a page lost


def rounded_to_units(frame: pl.DataFrame, units: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Number columns rounded to their unit (``DECIMALS``): money to kopecks, counts to whole numbers,
    ratios to 4 decimals — an export shows 28480.23, not 28480.230000000003. Float columns without a unit get
    ``DEFAULT_DECIMALS``; counts stored as floats become integers."""
    units = units or {}
    out = []
    for name, dtype in frame.schema.items():
        if not dtype.is_float():
            continue
        decimals = DECIMALS.get(units.get(name, ""), DEFAULT_DECIMALS)
        column = pl.col(name).round(decimals)
        out.append(column.cast(pl.Int64) if decimals == 0 else column)
    return frame.with_columns(out) if out else frame


def xlsx_bytes(frame: pl.DataFrame, *, header_lines: Sequence[str] = (), sheet: str = "data") -> bytes:
    """An Excel workbook of the frame: ``header_lines`` first (one a row), then the column names and the rows.

    Text is written as text cells (never as a formula or a link, whatever it starts with), numbers as
    numbers, dates as dates.
    """
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for r, line in enumerate(header_lines):
        ws.write_string(r, 0, " ".join(line.splitlines()))
    top = len(header_lines) + (1 if header_lines else 0)
    for c, name in enumerate(frame.columns):
        ws.write_string(top, c, name, bold)
        ws.set_column(c, c, min(max(len(name), 10) + 2, 60))
    for r, row in enumerate(frame.iter_rows(), start=top + 1):
        for c, value in enumerate(row):
            _write_cell(ws, r, c, value, day, moment)
    ws.freeze_panes(top + 1, 0)
    book.close()
    return buffer.getvalue()


def _write_cell(ws, r: int, c: int, value: object, day, moment) -> None:
    import datetime as dt
    import math

    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        ws.write_blank(r, c, None)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), moment)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), day)
    else:
        ws.write_string(r, c, str(value))
