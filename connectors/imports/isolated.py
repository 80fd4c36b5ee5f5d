"""Reading an XLSX or Parquet file in a process of its own, with a memory and CPU limit.

    python -I isolated.py xlsx|parquet IN OUT LIMITS_JSON [SHEET]

Started by :mod:`connectors.imports.binary` (never imported by the app to parse anything).
It imports nothing of the app, caps its address space at what it uses after start-up plus
``memory_mb`` and its CPU time at ``seconds``, and checks the file's real structure
against the budget before any data is read:

- XLSX: every XML part the reader parses (all but the other sheets) is inflated in chunks
  (nothing kept) to count what it really unpacks to, whatever the zip directory claims; the
  sheet's cells and extent (readers allocate the rectangle from the first to the last cell)
  are counted from its XML, and counting stops as soon as a limit is passed;
- Parquet: rows, columns and the unpacked size come from the file's metadata.

Then the native reader parses the data and the table is written to OUT as Arrow IPC, all
cells as text. One JSON line on stdout says what happened: ``{"status": "ok", ...}`` or
``{"status": "rejected", "code": ..., "message": ..., "params": {...}}``. A process that
runs out of memory dies (the reader aborts) or reports ``needs_memory``.
"""

from __future__ import annotations

import json
import re
import resource
import struct
import sys
import zipfile
import zlib
from pathlib import Path

CHUNK = 1 << 20
PART_LIMIT = 16 << 20  # the workbook and its relationships are small
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br="([A-Za-z]{1,8})([0-9]{0,15})"')
_ROW_NUMBER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\br="([0-9]{1,15})"')
_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*):worksheet\b")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="([A-Za-z]{1,8})([0-9]{1,15})'
                        rb'(?::([A-Za-z]{1,8})([0-9]{1,15}))?"')
_FIRST_CELL = re.compile(rb"<c\b[^>]*?\br=\"[A-Z]+(\d+)\"[^>/]*>(?:(?!</c>).)*?<(?:v|is)\b", re.DOTALL)
HEAD = 4 << 20  # bytes of a sheet kept to find its first used row


class Rejected(Exception):
    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code, self.message, self.params = code, message, params


def _vm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def limit_resources(memory_mb: float, seconds: float) -> None:
    """Cap the address space at the current size plus ``memory_mb``, and the CPU time."""
    cap = _vm_bytes() + int(memory_mb * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = max(1, int(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


# --- XLSX: the zip's real content ----------------------------------------------------------


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


class SheetStats:
    """A sheet's cells and the rectangle they span, counted from its XML as it streams by (at C speed: the
    cells are counted with ``bytes.count``-like scans, only their addresses become Python objects).

    The rectangle is what a reader allocates: from the first to the last row and column that any cell,
    row or declared dimension names. Counting stops with :class:`Rejected` as soon as the sheet is known
    to hold more than ``max_cells`` cells or ``max_columns`` columns.
    """

    def __init__(self, max_cells: int, max_columns: int) -> None:
        self.max_cells, self.max_columns = max_cells, max_columns
        self.cells = 0
        self.row_tags = 0
        self.rows = [0, 0]  # first, last row number named
        self.cols = [0, 0]
        self.head = b""
        self._carry = b""
        self._tags: tuple[tuple[bytes, ...], tuple[bytes, ...]] = ((), ())

    @staticmethod
    def _openings(name: bytes) -> tuple[bytes, ...]:
        return tuple(name + end for end in (b" ", b">", b"/", b"\n", b"\r", b"\t"))

    def feed(self, chunk: bytes) -> None:
        if not self.head:
            hit = _PREFIX.search(chunk[:4096])
            prefix = hit.group(1) + b":" if hit else b""
            self._tags = (self._openings(b"<" + prefix + b"c"), self._openings(b"<" + prefix + b"row"))
        if len(self.head) < HEAD:
            self.head += chunk[: HEAD - len(self.head)]
        buf = self._carry + chunk
        cut = buf.rfind(b"<")
        if cut != -1 and buf.find(b">", cut) == -1:  # a tag split between chunks: keep its start
            buf, self._carry = buf[:cut], buf[cut:]
            if len(self._carry) > CHUNK:
                raise Rejected("unreadable", "The Excel file is damaged.")
        else:
            self._carry = b""
        cell_tags, row_tags = self._tags
        self.cells += sum(buf.count(tag) for tag in cell_tags)
        self.row_tags += sum(buf.count(tag) for tag in row_tags)
        numbers = [int(n) for n in _ROW_NUMBER.findall(buf)]
        refs = _CELL_REF.findall(buf)
        numbers += [int(d) for _, d in refs if d]
        if numbers:
            self._span(self.rows, min(numbers), max(numbers))
        if refs:
            letters = {ref for ref, _ in refs}
            self._span(self.cols, min(map(_column_index, letters)), max(map(_column_index, letters)))
        self._check()

    @staticmethod
    def _span(span: list[int], low: int, high: int) -> None:
        span[0] = min(span[0] or low, low)
        span[1] = max(span[1], high)

    def finish(self) -> None:
        hit = _DIMENSION.search(self.head)
        if hit and hit.group(3):
            self._span(self.rows, int(hit.group(2)), int(hit.group(4)))
            self._span(self.cols, _column_index(hit.group(1)), _column_index(hit.group(3)))
        self._check()

    @property
    def extent(self) -> tuple[int, int]:
        """(rows, columns) of the rectangle a reader allocates (cells without addresses follow each other)."""
        rows = max(self.rows[1] - self.rows[0] + 1 if self.rows[1] else 0, self.row_tags)
        cols = self.cols[1] - self.cols[0] + 1 if self.cols[1] else (1 if self.cells else 0)
        return rows, max(cols, 1 if self.cells else 0)

    def _check(self) -> None:
        rows, cols = self.extent
        if cols > self.max_columns:
            raise Rejected("too_many_columns", "The sheet has too many columns.", columns=f"{cols:,}",
                           limit=f"{self.max_columns:,}")
        if max(self.cells, rows * cols) > self.max_cells:
            raise Rejected("too_many_cells", "The sheet holds too many cells.", limit=f"{self.max_cells:,}",
                           rows=f"{rows:,}", columns=f"{cols:,}")

    def first_used_row(self) -> int:
        hit = _FIRST_CELL.search(self.head)
        return int(hit.group(1)) if hit else 1


def _entry_chunks(f, info: zipfile.ZipInfo, size: int):
    """The bytes an entry really inflates to, in chunks (the compressed stream decides, not the directory)."""
    if not 0 <= info.header_offset <= size - 30:  # a damaged directory can point before or past the file
        raise Rejected("unreadable", "The Excel file is damaged or not an .xlsx file.")
    f.seek(info.header_offset)
    head = f.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise Rejected("unreadable", "The Excel file is damaged or not an .xlsx file.")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    left = max(0, min(info.compress_size, size - start))
    f.seek(start)
    if info.compress_type == zipfile.ZIP_STORED:
        while left:
            piece = f.read(min(CHUNK, left))
            if not piece:
                return
            left -= len(piece)
            yield piece
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise Rejected("unreadable", "The Excel file uses a compression this app does not read.")
    inflate = zlib.decompressobj(-15)
    while left and not inflate.eof:
        data = f.read(min(CHUNK, left))
        if not data:
            break
        left -= len(data)
        while data:
            try:
                out = inflate.decompress(data, CHUNK)
            except zlib.error:
                raise Rejected("unreadable", "The Excel file is damaged.") from None
            data = inflate.unconsumed_tail
            if out:
                yield out
            if inflate.eof:
                break


def _attr(tag: str, name: str) -> str | None:
    from html import unescape

    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return unescape(m.group(1)) if m else None


def _sheet_paths(zf: zipfile.ZipFile, f, size: int) -> list[tuple[str, str]]:
    """(name, part path) of the worksheets in the workbook's order, from its small XML parts."""
    parts = {}
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        try:
            info = zf.getinfo(name)
        except KeyError:
            continue
        kept, total = [], 0
        for chunk in _entry_chunks(f, info, size):
            total += len(chunk)
            if total > PART_LIMIT:
                raise Rejected("unreadable", "The Excel file is damaged.")
            kept.append(chunk)
        parts[name] = b"".join(kept).decode("utf-8", errors="replace")
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", parts.get("xl/_rels/workbook.xml.rels", "")):
        rid, target = _attr(tag, "Id"), _attr(tag, "Target")
        if rid and target:
            target = target.lstrip("/")
            targets[rid] = target if target.startswith("xl/") else "xl/" + target
    return [(_attr(tag, "name") or "", targets.get(_attr(tag, "r:id") or "", ""))
            for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", parts.get("xl/workbook.xml", ""))]


def scan_xlsx(path: Path, limits: dict, sheet: str | None) -> SheetStats | None:
    """Measure what the reader will parse: every XML part but the other sheets, inflated in a stream
    (rejects more than ``max_unpacked`` bytes), and the chosen sheet's cells (None: no such part)."""
    size = path.stat().st_size
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Rejected("unreadable", "The Excel file is damaged or not an .xlsx file.") from None
    max_unpacked = int(limits["max_unpacked"])
    with open(path, "rb") as f:
        sheets = _sheet_paths(zf, f, size)
        names = [n for n, _ in sheets]
        chosen = sheets[names.index(sheet)][1] if sheet in names else (sheets[0][1] if sheets else "")
        stats = None
        total = 0
        for info in infos:
            name = info.filename
            if not name.lower().endswith((".xml", ".rels")):
                continue  # pictures and other parts the reader does not parse
            if name.startswith("xl/worksheets/") and name != chosen:
                continue  # another sheet: not read
            sheet_stats = SheetStats(int(limits["max_cells"]), int(limits["max_columns"])) if name == chosen else None
            for chunk in _entry_chunks(f, info, size):
                total += len(chunk)
                if total > max_unpacked:
                    raise Rejected("unpacked_too_large", "The file unpacks to too much data.",
                                   limit_mb=max_unpacked // 2**20)
                if sheet_stats is not None:
                    sheet_stats.feed(chunk)
            if sheet_stats is not None:
                sheet_stats.finish()
                stats = sheet_stats
    return stats


def read_xlsx(path: Path, out: Path, limits: dict, sheet: str | None) -> dict:
    stats = scan_xlsx(path, limits, sheet)
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        sheets = list(reader.sheet_names)
    except BaseException as exc:  # the reader raises its own types, and panics on some damaged files
        if isinstance(exc, MemoryError):
            raise
        raise Rejected("unreadable", "The Excel file is damaged or not an .xlsx file.") from None
    if not sheets:
        raise Rejected("empty", "The file has no sheets.")
    chosen = sheet if sheet in sheets else sheets[0]
    try:
        table = reader.load_sheet(chosen, header_row=None, dtypes="string").to_polars()
    except BaseException as exc:
        if isinstance(exc, MemoryError):
            raise
        raise Rejected("unreadable", "The Excel file is damaged or not an .xlsx file.") from None
    if table.width * table.height > limits["max_cells"] or table.width > limits["max_columns"]:
        raise Rejected("too_many_cells", "The sheet holds too many cells.", limit=f"{int(limits['max_cells']):,}",
                       rows=f"{table.height:,}", columns=f"{table.width:,}")
    check_text(table, limits)
    table.write_ipc(out, compression="uncompressed")
    return {"sheets": sheets, "sheet": chosen, "first_row": stats.first_used_row() if stats else 1}


# --- Parquet ----------------------------------------------------------------------------------


def read_parquet(path: Path, out: Path, limits: dict) -> dict:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception:
        raise Rejected("unreadable", "The Parquet file is damaged.") from None
    rows, cols = meta.num_rows, meta.num_columns
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if cols > limits["max_columns"]:
        raise Rejected("too_many_columns", "The file has too many columns.", columns=f"{cols:,}",
                       limit=f"{int(limits['max_columns']):,}")
    if rows * max(cols, 1) > limits["max_cells"]:
        raise Rejected("too_many_cells", "The file holds too many cells.", limit=f"{int(limits['max_cells']):,}",
                       rows=f"{rows:,}", columns=f"{cols:,}")
    if unpacked > limits["max_unpacked"]:
        raise Rejected("unpacked_too_large", "The file unpacks to too much data.",
                       limit_mb=int(limits["max_unpacked"]) // 2**20)
    import polars as pl

    try:
        frame = pl.read_parquet(path)
    except BaseException as exc:  # polars panics (a BaseException) on some damaged files
        if isinstance(exc, MemoryError):
            raise
        raise Rejected("unreadable", "The Parquet file is damaged.") from None
    if frame.height * max(frame.width, 1) > limits["max_cells"]:  # the metadata understated the rows
        raise Rejected("too_many_cells", "The file holds too many cells.", limit=f"{int(limits['max_cells']):,}",
                       rows=f"{frame.height:,}", columns=f"{frame.width:,}")
    if frame.width == 0:
        raise Rejected("empty", "The file has no columns.")
    columns = [str(c) for c in frame.columns]
    texts = pl.DataFrame([_as_text(frame[c]).alias(f"c{i}") for i, c in enumerate(frame.columns)])
    del frame
    check_text(texts, limits)
    texts.write_ipc(out, compression="uncompressed")
    return {"columns": columns}


def check_text(table, limits: dict) -> None:
    """The table's text within the budget: every cell's bytes counted, a value repeated on every row each time
    (readers may share one copy of it; whatever is done to the text later is done to every row)."""
    import polars as pl

    if not table.width or not table.height:
        return
    sizes = table.select(pl.all().str.len_bytes().fill_null(0).cast(pl.Int64))
    longest = max(sizes.max().row(0))
    if longest > limits["max_cell_bytes"]:
        raise Rejected("cell_too_long", "A cell holds more text than can be read.",
                       limit=f"{int(limits['max_cell_bytes']) // 4:,}")
    total = sum(sizes.sum().row(0))
    if total > limits["max_text"]:
        raise Rejected("too_much_text", "The cells hold too much text.", limit_mb=int(limits["max_text"]) // 2**20,
                       size_mb=round(total / 2**20))


def _as_text(col):
    """A column as text, whatever its type (dates as ISO text, durations as ISO 8601, the rest by value)."""
    import polars as pl

    dtype = col.dtype
    try:
        if isinstance(dtype, pl.Datetime):
            return col.dt.strftime("%Y-%m-%d %H:%M:%S%.f")
        if isinstance(dtype, pl.Duration):
            return col.dt.to_string("iso")
        if not (dtype.is_nested() or dtype in (pl.Binary, pl.Object, pl.Null)):
            return col.cast(pl.String)
    except Exception:  # a type with no text form in polars: written value by value below
        pass
    return pl.Series(col.name, [None if v is None else str(v) for v in col.to_list()], dtype=pl.String)


def main(argv: list[str]) -> int:
    kind, src, out, limits_json = argv[:4]
    sheet = argv[4] if len(argv) > 4 else None
    limits = json.loads(limits_json)
    import polars as pl  # the readers' start-up cost is paid before the limit is set

    pl.DataFrame({"a": [1, 2]}).select(pl.col("a").sum())
    if kind == "xlsx":
        import fastexcel  # noqa: F401
    else:
        import pyarrow.parquet  # noqa: F401
    limit_resources(limits["memory_mb"], limits["seconds"])
    try:
        meta = read_xlsx(Path(src), Path(out), limits, sheet) if kind == "xlsx" else read_parquet(Path(src), Path(out),
                                                                                                   limits)
        result = {"status": "ok", **meta}
    except Rejected as exc:
        result = {"status": "rejected", "code": exc.code, "message": exc.message, "params": exc.params}
    except MemoryError:
        result = {"status": "rejected", "code": "needs_memory", "message": "Reading the file needs too much memory.",
                  "params": {"limit_mb": int(limits["memory_mb"])}}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
