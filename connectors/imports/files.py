"""Reading an uploaded file into rows of text: CSV (any common encoding, separator and
decimal mark), XLSX and Parquet.

``read_file(data, name)`` detects the format from the content (not only the name),
then for CSV the encoding (byte-order marks, UTF-8, else the most plausible of
Windows-1251 / KOI8-R / CP866 / Windows-1252), the separator, the header row
(report titles above the header are skipped) and the decimal mark. Every detected
choice can be overridden with :class:`FormatOptions`. Cells stay text here; typing
happens in the check, which names the rows. Row numbers are the ones a person sees
in the file (CSV line, spreadsheet row). A file that cannot be read at all raises
:class:`FileRejected` with a code and what to do.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from connectors.imports.budget import ReadBudget
from connectors.imports.problems import Problem
from connectors.imports.table import ROW, FileRejected, TableBuilder, detect_header

__all__ = ["ENCODINGS", "ROW", "SEPARATORS", "FileRejected", "FormatOptions", "ParsedFile", "ReadBudget",
           "detect_decimal", "detect_encoding", "detect_header", "detect_separator", "read_file", "sniff_kind"]

SEPARATORS = (";", ",", "\t", "|")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r", "cp866", "cp1252")
MAX_FIELD_CHARS = 1_000_000
DECODE_CHUNK = 1 << 20
# '1,5' or '1.234,56' votes for a decimal comma, '1.5' or '1,234.56' for a point; '1,234' is ambiguous
_COMMA_DECIMAL = re.compile(r"[+-]?(\d+,\d{1,2}|\d+,\d{4,}|\d{1,3}(\.\d{3})+,\d+|0,\d+)")
_DOT_DECIMAL = re.compile(r"[+-]?(\d+\.\d{1,2}|\d+\.\d{4,}|\d{1,3}(,\d{3})+\.\d+|0\.\d+)")


@dataclass(frozen=True)
class FormatOptions:
    """Choices that override detection (None: detect)."""

    encoding: str | None = None
    separator: str | None = None
    decimal: str | None = None
    header_row: int | None = None  # 1-based row number of the header in the file
    sheet: str | None = None


@dataclass
class ParsedFile:
    name: str
    kind: str  # csv | xlsx | parquet
    frame: pl.DataFrame  # text columns named by the header, plus ROW
    sha256: str
    size: int
    encoding: str | None = None
    separator: str | None = None
    decimal: str = "."
    header_row: int = 1
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]

    @property
    def rows(self) -> int:
        return self.frame.height


def sniff_kind(data: bytes, name: str) -> str:
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if lower.endswith(".parquet"):
        return "parquet"
    return "csv"


def _check_options(options: FormatOptions) -> None:
    if options.separator is not None and (len(options.separator) != 1 or options.separator in "\"\r\n"):
        raise FileRejected("separator", f"The separator must be one character (not a quote or a line break), "
                           f"got {options.separator!r}.", separator=repr(options.separator)[:20])
    if options.decimal is not None and options.decimal not in (".", ","):
        raise FileRejected("decimal", f"The decimal mark must be '.' or ',', got {options.decimal!r}.",
                           decimal=repr(options.decimal)[:20])
    if options.header_row is not None and options.header_row < 1:
        raise FileRejected("header_row", f"Row {options.header_row} is not in the file.", row=options.header_row)


def read_file(data: bytes, name: str, *, max_bytes: int, options: FormatOptions = FormatOptions(),
              budget: ReadBudget | None = None) -> ParsedFile:
    """Rows of text from a CSV, XLSX or Parquet file (see the module docstring), within ``budget``
    (by default :class:`ReadBudget` for ``max_bytes``)."""
    budget = budget or ReadBudget(max_bytes)
    if len(data) > budget.max_bytes:
        raise FileRejected("too_large", f"The file is larger than {budget.max_bytes // 2**20} MB.",
                           limit_mb=budget.max_bytes // 2**20, size_mb=round(len(data) / 2**20, 1))
    if not data.strip():
        raise FileRejected("empty", "The file is empty.")
    _check_options(options)
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff_kind(data, name)
    if kind == "csv":
        parsed = _read_csv(data, name, options, budget)
    else:
        from connectors.imports.binary import read_parquet, read_xlsx  # native readers, in a child process

        parsed = read_parquet(data, name, budget) if kind == "parquet" else read_xlsx(data, name, options, budget)
    parsed.sha256, parsed.size = digest, len(data)
    return parsed


# --- CSV ------------------------------------------------------------------------
# The text is decoded and parsed in a stream: what is held grows with the table's cells
# (packed into frames by the TableBuilder), not with Python strings for the whole file.


def _decode_error(data: bytes, encoding: str) -> tuple[str, int | None, str] | None:
    """None when the whole file decodes; else ('encoding' | 'binary', byte position, reason)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        return "encoding", None, "unknown encoding"
    for offset in range(0, len(data), DECODE_CHUNK):
        try:
            text = decoder.decode(data[offset:offset + DECODE_CHUNK], final=offset + DECODE_CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            return "encoding", offset + exc.start, exc.reason
        if "\x00" in text:
            return "binary", None, "NUL character"
    return None


def detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    error = _decode_error(data, "utf-8")
    if error is None or error[0] == "binary":
        return "utf-8"  # NUL bytes are reported when decoding
    if error[1] is not None and error[1] > len(data) - 4 and error[2] == "unexpected end of data":
        return "utf-8"  # a truncated last character: still UTF-8 (reported when decoding)
    if b"\x00" in data[:4096]:
        raise FileRejected("binary", "This is not a text (CSV) file.")
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], cp_isolation=["cp1251", "koi8_r", "cp866", "cp1252"]).best()
    return best.encoding if best is not None else "cp1251"


def _text_lines(data: bytes, encoding: str) -> Iterator[str]:
    """The decoded lines (line ends kept, as ``csv`` wants them); the checks of ``_decode_error`` come first."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first = True
    for line in stream:
        if first:
            line, first = line.removeprefix("\ufeff"), False
        yield line


def _head_lines(data: bytes, encoding: str, count: int) -> list[str]:
    """The first ``count`` lines as ``str.splitlines`` sees them, from a prefix of the file."""
    size = 1 << 16
    while True:
        text = data[:size].decode(encoding, errors="replace").removeprefix("\ufeff")
        lines = text.splitlines()
        if len(lines) > count or size >= len(data):
            return lines[:count]
        size *= 4


def _count_outside_quotes(line: str, sep: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            n += 1
    return n


def detect_separator(lines: list[str]) -> str:
    """The separator that splits the most lines into the same number of fields."""
    sample = [ln for ln in lines[:50] if ln.strip()]
    best, best_score = ",", (0, 0)
    for sep in SEPARATORS:
        counts = [_count_outside_quotes(ln, sep) for ln in sample]
        used = [c for c in counts if c > 0]
        if not used:
            continue
        modal, freq = Counter(used).most_common(1)[0]
        score = (freq, modal)
        if score > best_score:
            best, best_score = sep, score
    return best


def detect_decimal(rows: list[list[str]], sep: str) -> str:
    """',' when numbers are written with a decimal comma (never for comma-separated files)."""
    if sep == ",":
        return "."
    comma = dot = 0
    for row in rows[:500]:
        for cell in row:
            c = re.sub(r"[\s\u00a0\u202f]", "", cell)
            if _COMMA_DECIMAL.fullmatch(c):
                comma += 1
            elif _DOT_DECIMAL.fullmatch(c):
                dot += 1
    return "," if comma > dot else "."


def _read_csv(data: bytes, name: str, options: FormatOptions, budget: ReadBudget) -> ParsedFile:
    encoding = options.encoding or detect_encoding(data)
    error = _decode_error(data, encoding)
    if error is not None and error[0] == "binary":
        raise FileRejected("binary", "This is not a text (CSV) file.")
    if error is not None:
        where = error[1]
        raise FileRejected("encoding", f"The file cannot be read as {encoding}"
                           + (f" (byte {where})." if where is not None else "."),
                           encoding=encoding, position=where if where is not None else "")
    sep = options.separator or detect_separator(_head_lines(data, encoding, 50))
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(_text_lines(data, encoding), delimiter=sep, quotechar='"', strict=False)
    table = TableBuilder(budget, options.header_row)
    last = 0
    try:
        for row in reader:
            table.add(last + 1, row)
            last = reader.line_num
    except csv.Error as exc:
        raise FileRejected("unreadable", f"Line {last + 1} cannot be read: {exc}.", line=last + 1) from None
    frame, problems = table.finish()
    return ParsedFile(name=name, kind="csv", frame=frame, sha256="", size=0, encoding=encoding, separator=sep,
                      decimal=options.decimal or detect_decimal(table.sample, sep), header_row=table.header_number,
                      problems=problems)
