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

import csv
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from connectors.imports.problems import Problem, at_rows

SEPARATORS = (";", ",", "\t", "|")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r", "cp866", "cp1252")
ROW = "__row"  # the column holding each row's number in the file
MAX_FIELD_CHARS = 1_000_000
MAX_XLSX_EXPANSION = 20  # uncompressed XLSX content may be at most this many times the cap
_TOTAL = re.compile(r"^\s*(итого|всего|total|grand total|общий итог)\b", re.IGNORECASE)
# '1,5' or '1.234,56' votes for a decimal comma, '1.5' or '1,234.56' for a point; '1,234' is ambiguous
_COMMA_DECIMAL = re.compile(r"[+-]?(\d+,\d{1,2}|\d+,\d{4,}|\d{1,3}(\.\d{3})+,\d+|0,\d+)")
_DOT_DECIMAL = re.compile(r"[+-]?(\d+\.\d{1,2}|\d+\.\d{4,}|\d{1,3}(,\d{3})+\.\d+|0\.\d+)")
_NUMBERISH = re.compile(r"^[\s+-]?[\d\s\u00a0.,%₽$€-]*\d[\d\s\u00a0.,%]*$")


class FileRejected(Exception):
    """The file cannot be read at all (wrong kind, undecodable, too large). Nothing was written."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


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


def read_file(data: bytes, name: str, *, max_bytes: int, options: FormatOptions = FormatOptions()) -> ParsedFile:
    """Rows of text from a CSV, XLSX or Parquet file (see the module docstring)."""
    if len(data) > max_bytes:
        raise FileRejected("too_large", f"The file is larger than {max_bytes // 2**20} MB.",
                           limit_mb=max_bytes // 2**20, size_mb=round(len(data) / 2**20, 1))
    if not data.strip():
        raise FileRejected("empty", "The file is empty.")
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff_kind(data, name)
    if kind == "parquet":
        parsed = _read_parquet(data, name)
    elif kind == "xlsx":
        parsed = _read_xlsx(data, name, max_bytes, options)
    else:
        parsed = _read_csv(data, name, options)
    parsed.sha256, parsed.size = digest, len(data)
    return parsed


# --- CSV ------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(data) - 4 and exc.reason == "unexpected end of data":
            return "utf-8"  # a truncated last character: still UTF-8 (reported when decoding)
    if b"\x00" in data[:4096]:
        raise FileRejected("binary", "This is not a text (CSV) file.")
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], cp_isolation=["cp1251", "koi8_r", "cp866", "cp1252"]).best()
    return best.encoding if best is not None else "cp1251"


def _decode(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        where = getattr(exc, "start", None)
        raise FileRejected("encoding", f"The file cannot be read as {encoding}"
                           + (f" (byte {where})." if where is not None else "."),
                           encoding=encoding, position=where if where is not None else "") from None
    if "\x00" in text:
        raise FileRejected("binary", "This is not a text (CSV) file.")
    return text.removeprefix("\ufeff")


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


def detect_header(rows: list[list[str]]) -> int:
    """Index of the header row: the first row as wide as the data (titles above it are skipped)."""
    widths = [sum(1 for c in r if c.strip()) for r in rows[:30]]
    if not widths:
        return 0
    widest = max(widths)
    for i, w in enumerate(widths):
        if w >= max(1, 0.6 * widest) and not all(_NUMBERISH.match(c) for c in rows[i] if c.strip()):
            return i
    return 0


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


def _read_csv(data: bytes, name: str, options: FormatOptions) -> ParsedFile:
    encoding = options.encoding or detect_encoding(data)
    text = _decode(data, encoding)
    lines = text.splitlines()
    sep = options.separator or detect_separator(lines)
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=False)
    rows: list[list[str]] = []
    line_of: list[int] = []
    last = 0
    try:
        for row in reader:
            rows.append(row)
            line_of.append(last + 1)
            last = reader.line_num
    except csv.Error as exc:
        raise FileRejected("unreadable", f"Line {last + 1} cannot be read: {exc}.", line=last + 1) from None
    parsed = _from_rows(rows, line_of, name, "csv", options)
    parsed.encoding, parsed.separator = encoding, sep
    parsed.decimal = options.decimal or detect_decimal(rows[parsed.header_row:], sep)
    return parsed


def _from_rows(rows: list[list[str]], numbers: list[int], name: str, kind: str, options: FormatOptions) -> ParsedFile:
    """Header detection, column names, ragged rows and trailing totals, shared by CSV and XLSX."""
    if not any(any(c.strip() for c in r) for r in rows):
        raise FileRejected("empty", "The file has no rows.")
    if options.header_row is not None:
        matches = [i for i, n in enumerate(numbers) if n == options.header_row]
        if not matches:
            raise FileRejected("header_row", f"Row {options.header_row} is not in the file.", row=options.header_row)
        h = matches[0]
    else:
        h = detect_header(rows)
    header = _column_names(rows[h])
    body = [(numbers[i], r) for i, r in enumerate(rows)
            if i > h and r and ((r[0] and not r[0].isspace()) or any(c.strip() for c in r))]
    problems: list[Problem] = []
    totals = 0
    while body and body[-1][1] and _TOTAL.match(next((c for c in body[-1][1] if c.strip()), "")):
        body.pop()
        totals += 1
    if totals:
        problems.append(Problem("total_rows", None, (), totals, {}, "warning"))
    width = len(header)
    ragged = [(n, len(r)) for n, r in body if len(r) > width and any(c.strip() for c in r[width:])]
    if ragged:
        by_found: dict[int, list[int]] = {}
        for n, found in ragged:
            by_found.setdefault(found, []).append(n)
        for found, where in by_found.items():
            problems.append(at_rows("ragged_row", None, where, found=found, expected=width))
    fill = [None] * width
    cells = [r if len(r) == width else (r[:width] + fill[: width - len(r)]) for _, r in body]
    columns = list(zip(*cells)) if cells else [()] * width
    frame = pl.DataFrame({**{c: pl.Series(c, columns[j], dtype=pl.String) for j, c in enumerate(header)},
                          ROW: pl.Series(ROW, [n for n, _ in body], dtype=pl.Int64)})
    return ParsedFile(name=name, kind=kind, frame=frame, sha256="", size=0, header_row=numbers[h], problems=problems)


def _column_names(cells: list[str]) -> list[str]:
    names: list[str] = []
    for j, raw in enumerate(cells):
        base = " ".join(raw.replace("\ufeff", "").split()) or f"column {j + 1}"
        base = base[:200]
        name, k = base, 2
        while name in names or name == ROW:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return names


# --- XLSX -----------------------------------------------------------------------


def _read_xlsx(data: bytes, name: str, max_bytes: int, options: FormatOptions) -> ParsedFile:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            expanded = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRejected("unreadable", "The Excel file is damaged or not an .xlsx file.") from None
    if expanded > MAX_XLSX_EXPANSION * max_bytes:
        raise FileRejected("too_large", "The Excel file unpacks to too much data.",
                           limit_mb=max_bytes // 2**20, size_mb=round(expanded / 2**20, 1))
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheets = tuple(reader.sheet_names)
        sheet = options.sheet if options.sheet in sheets else sheets[0]
        table = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except BaseException as exc:  # the reader raises its own types, and panics on some damaged files
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise FileRejected("unreadable", "The Excel file is damaged or not an .xlsx file.") from None
    rows = [["" if v is None else str(v) for v in r] for r in table.iter_rows()]
    first = _first_used_row(data, sheets.index(sheet))  # the reader starts at the first used row
    parsed = _from_rows(rows, list(range(first, first + len(rows))), name, "xlsx", options)
    parsed.sheet, parsed.sheets = sheet, sheets
    parsed.decimal = "."
    return parsed


def _first_used_row(data: bytes, index: int) -> int:
    """The spreadsheet row number of a sheet's first cell with a value (1 when it cannot be told)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            book = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
            ids = re.findall(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", book)
            targets = dict(re.findall(r"<Relationship\b[^>]*?Id=\"([^\"]+)\"[^>]*?Target=\"([^\"]+)\"", rels))
            target = targets[ids[index]].lstrip("/")
            path = target if target.startswith("xl/") else "xl/" + target
            with zf.open(path) as f:
                head = f.read(4 * 2**20).decode("utf-8", errors="replace")
    except (KeyError, IndexError, zipfile.BadZipFile, OSError, ValueError):
        return 1
    hit = re.search(r"<c\b[^>]*?\br=\"[A-Z]+(\d+)\"[^>/]*>(?:(?!</c>).)*?<(?:v|is)\b", head, re.DOTALL)
    return int(hit.group(1)) if hit else 1


# --- Parquet ----------------------------------------------------------------------


def _read_parquet(data: bytes, name: str) -> ParsedFile:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except BaseException as exc:  # polars panics (a BaseException) on some damaged files
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise FileRejected("unreadable", "The Parquet file is damaged.") from None
    if frame.width == 0:
        raise FileRejected("empty", "The file has no columns.")
    texts = []
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pl.Datetime):
            texts.append(col.dt.strftime("%Y-%m-%d %H:%M:%S%.f"))
        elif col.dtype.is_nested() or col.dtype == pl.Binary or col.dtype == pl.Object:
            texts.append(pl.Series(c, [None if v is None else str(v) for v in col.to_list()], dtype=pl.String))
        else:
            texts.append(col.cast(pl.String))
    names = _column_names([str(c) for c in frame.columns])
    out = pl.DataFrame([s.alias(n) for s, n in zip(texts, names)]).with_columns(
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW)
    )
    return ParsedFile(name=name, kind="parquet", frame=out, sha256="", size=0, header_row=0, decimal=".")
