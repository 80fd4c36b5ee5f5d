"""Text cells to typed values, the way spreadsheets write them.

Every parser takes a column of strings (nulls allowed) and returns the typed
column plus a boolean mask of cells that had text but could not be read, so the
check can name the rows. Numbers accept a decimal comma or point (the file's
detected mark), thousands separators (spaces, no-break spaces, the other mark)
and a trailing currency sign; dates accept ISO, day.month.year, day/month/year
and month/day/year, with or without a time — one family per column, chosen as
the one that reads the most cells, so '01/02/2026' is never read two ways in one
file.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

NULL_TOKENS = ("", "-", "--", "—", "–", "n/a", "N/A", "null", "NULL", "None", "nan", "NaN", "#N/A")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SPACES = r"[\s\u00a0\u202f\u2009']"
_CURRENCY = r"(?i)\s*(₽|руб\.?|р\.|rub|\$|€|£|usd|eur)\s*$"

# date families: formats tried together (a column uses one family)
DATE_FAMILIES: dict[str, tuple[str, ...]] = {
    "iso": ("%Y-%m-%d",),
    "dmy_dot": ("%d.%m.%Y", "%d.%m.%y"),
    "dmy_slash": ("%d/%m/%Y",),
    "mdy_slash": ("%m/%d/%Y",),
}
DATETIME_FAMILIES: dict[str, tuple[str, ...]] = {
    "iso": ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"),
    "dmy_dot": ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%y %H:%M"),
    "dmy_slash": ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"),
    "mdy_slash": ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p"),
}
TRUE = ("true", "t", "yes", "y", "1", "да", "д", "истина", "+")
FALSE = ("false", "f", "no", "n", "0", "нет", "н", "ложь")
MAX_EXACT_INT = 2**53


def _cleaned(s: pl.Series) -> pl.Series:
    """Trimmed text; empty and placeholder cells become null."""
    t = s.cast(pl.String).str.strip_chars()
    return pl.select(pl.when(t.is_in(NULL_TOKENS)).then(None).otherwise(t)).to_series().alias(s.name)


def strip_formula_guard(s: pl.Series) -> pl.Series:
    """Undo the leading apostrophe our exports add before = + - @ (so a round trip keeps the text)."""
    return s.str.replace(r"^'([=+\-@\t\r])", "$1")


def parse_text(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    text = strip_formula_guard(_cleaned(s))
    return text, pl.Series(s.name, [False] * len(s), dtype=pl.Boolean)


def parse_float(s: pl.Series, decimal: str = ".") -> tuple[pl.Series, pl.Series]:
    text = _cleaned(s)
    x = text.str.replace(_CURRENCY, "").str.replace_all(_SPACES, "")
    other = "." if decimal == "," else ","
    thousands = rf"^[+-]?\d{{1,3}}(\{other}\d{{3}})+(\{decimal}\d+)?$"
    x = pl.select(
        pl.when(x.str.contains(thousands)).then(x.str.replace_all(rf"\{other}", "")).otherwise(x)
    ).to_series()
    if decimal == ",":
        x = x.str.replace(",", ".", literal=True)
    x = pl.select(pl.when(x.str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")).then(x)).to_series()
    value = x.cast(pl.Float64, strict=False)
    value = pl.select(pl.when(value.is_finite()).then(value)).to_series().alias(s.name)
    bad = text.is_not_null() & value.is_null()
    return value, bad


def parse_int(s: pl.Series, decimal: str = ".") -> tuple[pl.Series, pl.Series]:
    value, bad = parse_float(s, decimal)
    integral = value.is_null() | ((value == value.round(0)) & (value.abs() < MAX_EXACT_INT))
    bad = bad | ~integral
    out = pl.select(pl.when(integral).then(value)).to_series().cast(pl.Int64).alias(s.name)
    return out, bad


def parse_bool(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    text = _cleaned(s).str.to_lowercase()
    value = pl.select(
        pl.when(text.is_in(TRUE)).then(True).when(text.is_in(FALSE)).then(False).otherwise(None)
    ).to_series().alias(s.name)
    return value, text.is_not_null() & value.is_null()


def _parse_family(text: pl.Series, formats: tuple[str, ...], kind: str) -> pl.Series:
    parsed = []
    for fmt in formats:
        if kind == "date":
            parsed.append(text.str.to_date(fmt, strict=False, exact=True))
        else:
            parsed.append(text.str.to_datetime(fmt, time_unit="us", strict=False, exact=True))
    return pl.select(pl.coalesce(parsed)).to_series()


def parse_temporal(s: pl.Series, kind: str) -> tuple[pl.Series, pl.Series, str | None]:
    """Dates (kind 'date') or timestamps (kind 'datetime'); also returns the family used."""
    text = _cleaned(s)
    if text.is_null().all():
        dtype = pl.Date if kind == "date" else pl.Datetime("us")
        none = pl.Series(s.name, [False] * len(s), dtype=pl.Boolean)
        return pl.Series(s.name, [None] * len(s), dtype=dtype), none, None
    best: tuple[int, str, pl.Series] | None = None
    filled = int(text.is_not_null().sum())
    for family, date_formats in DATE_FAMILIES.items():
        with_time = DATETIME_FAMILIES[family]
        if kind == "date":
            # a date column also accepts midnight timestamps (spreadsheets add 00:00:00)
            day = _parse_family(text, date_formats, "date")
            stamp = _parse_family(text, with_time, "datetime")
            midnight = stamp.dt.time() == dt.time(0)
            value = pl.select(pl.coalesce(day, pl.when(midnight).then(stamp.dt.date()))).to_series()
        else:
            stamp = _parse_family(text, with_time, "datetime")
            day = _parse_family(text, date_formats, "date").cast(pl.Datetime("us"))
            value = pl.select(pl.coalesce(stamp, day)).to_series()
        n = int(value.is_not_null().sum())
        if best is None or n > best[0]:
            best = (n, family, value)
        if n == filled:  # every cell read: no later family can do better
            break
    assert best is not None
    value = best[2].alias(s.name)
    return value, text.is_not_null() & value.is_null(), best[1]
