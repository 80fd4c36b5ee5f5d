"""Files that are small but hold a great deal: one maker per kind of bomb, written in a stream.

Used by the tests (small sizes, small budgets) and by ``python -m benchmarks.bombs`` (files
up to the 50 MB upload limit, measured for peak memory). Each maker writes ``path`` and
returns it; none holds the unpacked content in memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import polars as pl

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _rows_xml(rows: int, cols: int, *, refs: bool = True):
    """Sheet rows in pieces: a header row of text, then numbers; without ``refs`` the cells carry no
    addresses (allowed: they follow each other) and every value is 1, so the XML compresses about 200:1."""
    batch = []
    plain = "<row>" + "<c><v>1</v></c>" * cols + "</row>"
    for r in range(1, rows + 1):
        if r == 1:
            cells = "".join(f'<c r="{_letters(c)}1" t="inlineStr"><is><t>col{c}</t></is></c>' for c in range(1, cols + 1))
            batch.append(f'<row r="1">{cells}</row>')
        elif not refs:
            batch.append(plain)
        else:
            cells = "".join(f'<c r="{_letters(c)}{r}"><v>{r * c % 997}</v></c>' for c in range(1, cols + 1))
            batch.append(f'<row r="{r}">{cells}</row>')
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _write_xlsx(path: Path, sheet_pieces, shared_pieces=None, *, dimension: str = "") -> Path:
    """An XLSX written part by part (the sheet and shared strings streamed through the compressor)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _BOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(_SHEET_HEAD.format(dimension=dimension).encode())
            for piece in sheet_pieces:
                f.write(piece.encode())
            f.write(_SHEET_TAIL.encode())
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for piece in shared_pieces or ():
                f.write(piece.encode())
            f.write(b"</sst>")
    return path


def xlsx_many_cells(path: Path, rows: int, cols: int = 10, *, refs: bool = False) -> Path:
    """An honest spreadsheet of ``rows`` × ``cols`` cells (without ``refs`` it compresses about 200:1)."""
    return _write_xlsx(path, _rows_xml(rows, cols, refs=refs))


def xlsx_far_cell(path: Path, *, declared: bool = False) -> Path:
    """Two cells, in A1 and XFD1048576 (or only A1 with a declared dimension of A1:XFD1048576)."""
    far = "" if declared else '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return _write_xlsx(path, ['<row r="1"><c r="A1" t="inlineStr"><is><t>day</t></is></c></row>' + far],
                       dimension='<dimension ref="A1:XFD1048576"/>' if declared else "")


def xlsx_shared_strings(path: Path, strings: int, length: int) -> Path:
    """A small sheet over a huge shared-strings table (every reader loads the whole table first)."""
    text = "x" * length

    def pieces():
        for start in range(0, strings, 100):
            yield "".join(f"<si><t>{text}</t></si>" for _ in range(min(100, strings - start)))

    return _write_xlsx(path, _rows_xml(3, 2), pieces())


def xlsx_lying_directory(path: Path, rows: int, cols: int = 10) -> Path:
    """A spreadsheet whose zip directory says the sheet unpacks to 1 KB (it unpacks to far more)."""
    _write_xlsx(path, _rows_xml(rows, cols, refs=False))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        central = zf.start_dir
    _claim_size(data, info.header_offset, 22, 30, 26, 1024)  # the local header
    pos = central
    while data[pos:pos + 4] == b"PK\x01\x02":  # the central directory
        n, e, c = struct.unpack_from("<HHH", data, pos + 28)
        if bytes(data[pos + 46:pos + 46 + n]).decode() == info.filename:
            _claim_size(data, pos, 24, 46, 28, 1024)
        pos += 46 + n + e + c
    path.write_bytes(bytes(data))
    return path


def _claim_size(data: bytearray, record: int, size_at: int, fixed: int, lengths_at: int, claimed: int) -> None:
    """Write ``claimed`` as a zip record's uncompressed size (in the zip64 extra field when it holds it)."""
    n, e = struct.unpack_from("<HH", data, record + lengths_at)
    if struct.unpack_from("<I", data, record + size_at)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", data, record + size_at, claimed)
        return
    pos, end = record + fixed + n, record + fixed + n + e
    while pos + 4 <= end:
        tag, size = struct.unpack_from("<HH", data, pos)
        if tag == 0x0001 and size >= 8:  # zip64: the uncompressed size comes first
            struct.pack_into("<Q", data, pos + 4, claimed)
            return
        pos += 4 + size


def parquet_many_rows(path: Path, rows: int) -> Path:
    """A constant column of ``rows`` rows: a few kilobytes per million rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"amount": pa.repeat(1, rows)}), path, row_group_size=1 << 20)
    return path


def parquet_long_strings(path: Path, rows: int, length: int) -> Path:
    """One long string repeated on every row: dictionary-encoded it is stored once, read it is there ``rows`` times."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    column = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["x" * length]))
    pq.write_table(pa.table({"campaign_name": column}), path, store_schema=False, compression="zstd")
    return path


def parquet_duration(path: Path) -> Path:
    import datetime as dt

    pl.DataFrame({"day": [dt.date(2026, 10, 1)], "wait": [dt.timedelta(hours=5, minutes=3)]}).write_parquet(path)
    return path


def csv_empty_cells(path: Path, rows: int, cols: int) -> Path:
    """Rows of empty cells (a day, then commas): a byte per cell in the file, an object per cell in a naive reader."""
    line = ("1" + "," * (cols - 1) + "\n").encode()
    with open(path, "wb") as f:
        f.write(("day," + ",".join(f"c{i}" for i in range(cols - 1)) + "\n").encode())
        for _ in range(rows):
            f.write(line)
    return path


def csv_wide_header(path: Path, cols: int) -> Path:
    """A header of ``cols`` empty names (naming them one by one against a list is quadratic)."""
    path.write_bytes(("," * (cols - 1) + "\n" + "1" + "," * (cols - 1) + "\n").encode())
    return path


def unpacked_bytes(path: Path) -> int:
    """What an XLSX's parts really inflate to (measured in a stream, whatever the directory says)."""
    total = 0
    with zipfile.ZipFile(path) as zf, open(path, "rb") as f:
        for info in zf.infolist():
            f.seek(info.header_offset + 26)
            n, e = struct.unpack("<HH", f.read(4))
            f.seek(info.header_offset + 30 + n + e)
            left = info.compress_size
            inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
            while left:
                raw = f.read(min(left, 1 << 20))
                left -= len(raw)
                while raw:
                    out = inflate.decompress(raw, 1 << 22) if inflate else raw
                    total += len(out)
                    raw = inflate.unconsumed_tail if inflate else b""
    return total
