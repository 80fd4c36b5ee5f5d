"""Interface texts in English and Russian, and locale-aware number, money and date formats.

The texts live beside the code that shows them: ``dashboard/text.py`` for the shared
frame and ``dashboard/<page>/text.py`` for each page (one ``MESSAGES`` dict each, every
key mapping to its (English, Russian) pair); they are gathered here.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import math
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

from babel.dates import format_date
from babel.numbers import (
    format_compact_decimal, format_decimal, format_percent, get_decimal_symbol, get_group_symbol,
)


LANGUAGES = ("en", "ru")
LOCALES = {"en": "en_GB", "ru": "ru_RU"}
CURRENCY_SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "KZT": "₸", "BYN": "Br", "CNY": "¥"}

_DASHBOARD = Path(__file__).resolve().parent


def collect_messages() -> dict[str, tuple[str, str]]:
    """Every ``MESSAGES`` dict of ``dashboard.text`` and ``dashboard.<page>.text``; a key defined twice is an error."""
    modules = ["dashboard.text"] + [
        f"dashboard.{info.name}.text" for info in sorted(pkgutil.iter_modules([str(_DASHBOARD)]), key=lambda m: m.name)
        if info.ispkg and (_DASHBOARD / info.name / "text.py").exists()
    ]
    merged: dict[str, tuple[str, str]] = {}
    for name in modules:
        for key, pair in importlib.import_module(name).MESSAGES.items():
            if key in merged:
                raise ValueError(f"message {key!r} is defined twice (again in {name})")
            merged[key] = pair
    return merged


MESSAGES: dict[str, tuple[str, str]] = collect_messages()


def t(key: str, lang: str = "en", **kwargs: object) -> str:
    """The message in the language, formatted with kwargs; unknown keys raise KeyError."""
    en, ru = MESSAGES[key]
    text = ru if lang == "ru" else en
    return text.format(**kwargs) if kwargs else text


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


DASH = "—"


def fmt_number(x: float | None, lang: str = "en", *, digits: int = 0, compact: bool = False) -> str:
    if _missing(x):
        return DASH
    if compact and abs(x) >= 10_000:
        return format_compact_decimal(x, locale=_locale(lang), fraction_digits=1)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(x, format=pattern, locale=_locale(lang))


def money_title(label: str, currency: str = "RUB") -> str:
    """A money column's title: its label and the currency's symbol ('Spend, ₽'); the cells hold plain numbers."""
    return f"{label}, {CURRENCY_SYMBOLS.get(currency, currency)}"


def fmt_money(x: float | None, lang: str = "en", currency: str = "RUB", *, compact: bool = True) -> str:
    """Money in the reporting currency: '₽12.3M' (en) / '12,3 млн ₽' (ru)."""
    if _missing(x):
        return DASH
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    number = fmt_number(abs(x), lang, compact=compact)
    sign = "−" if x < 0 else ""
    if lang == "ru":
        return f"{sign}{number}\u00a0{symbol}"
    return f"{sign}{symbol}{number}"


def fmt_pct(x: float | None, lang: str = "en", *, digits: int = 1) -> str:
    """A ratio (0.123) as a percentage ('12.3%')."""
    if _missing(x):
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(x, format=pattern, locale=_locale(lang))


def fmt_points(x: float | None, lang: str = "en", *, digits: int = 1, signed: bool = False) -> str:
    """NPS-style points: '+34.2' when signed."""
    if _missing(x):
        return DASH
    text = fmt_number(abs(x), lang, digits=digits)
    if x < 0:
        return "−" + text
    return ("+" + text) if signed and x > 0 else text


def fmt_date(d: dt.date | None, lang: str = "en") -> str:
    if d is None:
        return DASH
    return format_date(d, "d MMM yyyy", locale=_locale(lang))


# --- number formats of table columns ---------------------------------------------------------------
# ``st.column_config.NumberColumn(format="localized")`` formats in the *browser's* locale (the frontend
# calls ``Intl.NumberFormat(navigator.languages)``), and its printf formats know no thousands separator,
# so a Russian view in an English browser would show '322,100.5'. Tables therefore get their display text
# from Babel in the view's language (``number_formatter``), while the cells keep their numbers for sorting.

_PRINTF = re.compile(r"^(?P<prefix>[^%]*)%(?P<flags>[-+ 0,']*)[0-9]*(?:\.(?P<digits>[0-9]+))?(?P<kind>[dfiu])"
                     r"(?P<suffix>.*)$")
GROUPED_FROM = 10_000  # integer columns without an explicit format are grouped only from here (years stay 2026)


def number_formatter(fmt: str | None, lang: str, *, integer: bool) -> Callable[[float], str] | None:
    """The display text of one number column in the language, from a NumberColumn ``format``.

    ``localized`` (and no format) gives grouped digits ('322 100' in Russian; floats with up to two decimals),
    ``percent`` a percentage with one decimal, ``compact`` '1,2 млн', a printf format ('%.1f', '%.2f×',
    '%d') its digits, grouped, with the language's separators and its prefix and suffix. Formats this cannot
    write the same way (``dollar``, ``scientific``, …) give None: Streamlit formats those itself.
    The digits are Python's, the separators Babel's (a table writes thousands of cells; Babel's own
    formatting costs about a millisecond a cell).
    """
    if fmt in (None, "", "localized"):
        return lambda x: _text(x, lambda v: grouped(v, lang, digits=0 if integer else 2, trim=True))
    if fmt == "percent":
        return lambda x: _text(x, lambda v: grouped(100 * v, lang, digits=1) + "%")
    if fmt == "compact":
        return lambda x: _text(x, lambda v: format_compact_decimal(v, locale=_locale(lang), fraction_digits=1))
    found = _PRINTF.match(fmt)
    if not found or "%" in found["suffix"].replace("%%", ""):
        return None
    digits = 0 if found["kind"] in "diu" else int(found["digits"] if found["digits"] is not None else 6)
    prefix, suffix = found["prefix"].replace("%%", "%"), found["suffix"].replace("%%", "%")
    sign = "+" in found["flags"]

    def write(v: float) -> str:
        return ("−" if v < 0 else "+" if sign and v > 0 else "") + grouped(abs(v), lang, digits=digits)

    return lambda x: _text(x, lambda v: prefix + write(v) + suffix)


@functools.cache
def _symbols(lang: str) -> tuple[str, str]:
    return get_group_symbol(_locale(lang)), get_decimal_symbol(_locale(lang))


def grouped(x: float, lang: str, *, digits: int = 0, trim: bool = False) -> str:
    """``x`` with ``digits`` decimals and grouped thousands in the language's symbols ('322 100,5');
    ``trim``: trailing zero decimals dropped. The same text as Babel's ``#,##0.00`` pattern."""
    text = f"{x:,.{digits}f}"
    if trim and digits:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.0") or (text.startswith("-") and not text.strip("-0.,")):
        text = text[1:]
    group, decimal = _symbols(lang)
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


def _text(x: float | None, write: Callable[[float], str]) -> str:
    return DASH if _missing(x) else write(x)
