"""Hostile structure, not only hostile bytes (hypothesis): spreadsheets built from random zip entries and
sheet XML, Parquet files from random schemas, encodings and footers. Every one is read within the budget
and planned; nothing crashes, and the database changes only when a clean file is imported."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import warnings
import zipfile
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.imports import ImportRequest, plan_import
from connectors.imports.rules import IMPORTABLE
from connectors.imports.templates import template
from tests import bombs
from tests.test_import_fuzz import MAX_BYTES, import_is_safe, tiny  # noqa: F401  (tiny: a fixture)

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)

# --- XLSX -------------------------------------------------------------------------------------------

refs = st.one_of(
    st.builds(lambda c, r: f"{bombs._letters(c)}{r}", st.integers(1, 16_384), st.integers(1, 1_048_576)),
    st.builds(lambda c, r: f"{bombs._letters(c)}{r}", st.integers(1, 30), st.integers(1, 60)),
    st.sampled_from(["", "A", "1", "a1", "AAAA1", "A99999999999", "A0", "-1", "ZZZ0"]),
)
cell_types = st.sampled_from([None, "s", "str", "inlineStr", "b", "e", "n", "d", "bogus"])
values = st.one_of(TEXT, st.integers(-10**20, 10**20).map(str), st.floats(allow_nan=True).map(str),
                   st.sampled_from(["", "-1", "999999999", "1e308", "2026-10-01T00:00:00", "#N/A", "=1+1"]))


@st.composite
def cells(draw) -> str:
    ref, kind, value = draw(st.one_of(st.none(), refs)), draw(cell_types), draw(values)
    attrs = (f' r="{ref}"' if ref is not None else "") + (f' t="{kind}"' if kind else "")
    if draw(st.integers(0, 9)) == 0:
        return f"<c{attrs}/>"
    if kind == "inlineStr":
        return f"<c{attrs}><is><t>{escape(value)}</t></is></c>"
    body = f"<f>{escape(value)}</f>" if draw(st.integers(0, 6)) == 0 else ""
    return f"<c{attrs}>{body}<v>{escape(value)}</v></c>"


@st.composite
def sheet_xml(draw) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        number = draw(st.one_of(st.none(), st.integers(-2, 1_048_580)))
        attr = f' r="{number}"' if number is not None else ""
        rows.append(f"<row{attr}>{''.join(draw(st.lists(cells(), max_size=8)))}</row>")
    dimension = draw(st.one_of(st.just(""), refs.map(lambda r: f'<dimension ref="A1:{r}"/>')))
    body = bombs._SHEET_HEAD.format(dimension=dimension) + "".join(rows) + bombs._SHEET_TAIL
    if draw(st.integers(0, 7)) == 0:
        body = body[: draw(st.integers(0, len(body)))]  # cut off mid-tag
    return body


@st.composite
def spreadsheets(draw) -> bytes:
    strings = draw(st.lists(TEXT, max_size=6))
    parts = {
        "[Content_Types].xml": bombs._CONTENT_TYPES,
        "_rels/.rels": bombs._RELS,
        "xl/workbook.xml": bombs._BOOK.replace('name="Sheet1"', f'name="{escape(draw(TEXT), {chr(34): "&quot;"})}"'),
        "xl/_rels/workbook.xml.rels": bombs._BOOK_RELS.replace(
            "worksheets/sheet1.xml", draw(st.sampled_from(["worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml",
                                                           "worksheets/missing.xml", "../../etc/passwd"]))),
        "xl/worksheets/sheet1.xml": draw(sheet_xml()),
        "xl/sharedStrings.xml": '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>",
    }
    for name in draw(st.lists(st.sampled_from(sorted(parts)), max_size=2, unique=True)):
        action = draw(st.sampled_from(["drop", "garbage", "empty"]))
        if action == "drop":
            parts.pop(name)
        else:
            parts[name] = draw(st.binary(max_size=200)) if action == "garbage" else ""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in parts.items():
            method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
            zf.writestr(name, content, compress_type=method)
        if draw(st.booleans()):  # a second entry of the same name, a picture, a path out of the archive
            name = draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/media/x.png", "../evil.xml"]))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # zipfile warns about a duplicate name
                zf.writestr(name, draw(st.binary(max_size=100)))
    data = bytearray(buf.getvalue())
    if draw(st.integers(0, 5)) == 0:  # a lying directory
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
            infos, central = zf.infolist(), zf.start_dir
        target = draw(st.sampled_from(infos))
        claimed = draw(st.integers(0, 2**31))
        bombs._claim_size(data, target.header_offset, 22, 30, 26, claimed)
        pos = central
        while data[pos:pos + 4] == b"PK\x01\x02":
            n, e, c = (int.from_bytes(data[pos + k:pos + k + 2], "little") for k in (28, 30, 32))
            if bytes(data[pos + 46:pos + 46 + n]).decode(errors="replace") == target.filename:
                bombs._claim_size(data, pos, 24, 46, 28, claimed)
            pos += 46 + n + e + c
    return bytes(data)


@FUZZ
@given(table=st.sampled_from(IMPORTABLE), data=spreadsheets())
def test_spreadsheets_of_any_structure_never_crash_or_write_half(tiny, table, data) -> None:
    import_is_safe(tiny, table, data, "x.xlsx")


# --- Parquet ----------------------------------------------------------------------------------------

ARROW_TYPES = [
    (pa.int8(), st.integers(-128, 127)), (pa.int64(), st.integers(-2**63, 2**63 - 1)),
    (pa.uint64(), st.integers(0, 2**64 - 1)), (pa.float32(), st.floats(width=32)), (pa.float64(), st.floats()),
    (pa.bool_(), st.booleans()), (pa.string(), TEXT), (pa.large_string(), TEXT), (pa.binary(), st.binary(max_size=20)),
    (pa.date32(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
    (pa.timestamp("us"), st.datetimes(dt.datetime(1700, 1, 1), dt.datetime(2200, 1, 1))),
    (pa.timestamp("ms", tz="Europe/Moscow"), st.datetimes(dt.datetime(1970, 1, 2), dt.datetime(2100, 1, 1),
                                                         timezones=st.just(dt.timezone.utc))),
    (pa.duration("us"), st.timedeltas(dt.timedelta(days=-10_000), dt.timedelta(days=10_000))),
    (pa.time64("us"), st.times()), (pa.decimal128(12, 3), st.decimals(-10**8, 10**8, places=3, allow_nan=False)),
    (pa.list_(pa.int32()), st.lists(st.integers(-1000, 1000), max_size=3)),
    (pa.struct([("a", pa.int32())]), st.builds(lambda v: {"a": v}, st.integers(-1000, 1000))),
    (pa.null(), st.none()),
]


@st.composite
def arrow_columns(draw, rows: int) -> tuple[str, pa.Array]:
    kind, value = draw(st.sampled_from(ARROW_TYPES))
    items = [draw(st.one_of(st.none(), value)) for _ in range(rows)]
    array = pa.array(items, type=kind)
    if kind == pa.string() and draw(st.booleans()):
        array = array.dictionary_encode()
    return draw(st.one_of(TEXT, st.sampled_from(["", "__row", "day", "amount", "campaign_id"]))), array


@st.composite
def parquet_files(draw) -> bytes:
    rows = draw(st.integers(0, 8))
    table_name = draw(st.sampled_from(IMPORTABLE))
    if draw(st.booleans()):  # a real table's columns, with others next to them
        base = template(table_name).head(rows)
        rows = base.height
        table = base.to_arrow()
    else:
        table = pa.table({})
    for _ in range(draw(st.integers(0 if table.num_columns else 1, 4))):
        name, array = draw(arrow_columns(rows))
        if table.num_rows != rows and table.num_columns:
            break
        table = table.append_column(name, array) if table.num_columns else pa.table({name: array})
    buf = io.BytesIO()
    try:
        pq.write_table(table, buf, compression=draw(st.sampled_from(["none", "snappy", "zstd", "gzip", "lz4"])),
                       use_dictionary=draw(st.booleans()), row_group_size=draw(st.integers(1, 5)),
                       store_schema=draw(st.booleans()), data_page_version=draw(st.sampled_from(["1.0", "2.0"])),
                       write_statistics=draw(st.booleans()))
    except (pa.ArrowException, ValueError, decimal.InvalidOperation):
        return b"PAR1" + draw(st.binary(max_size=200))
    data = bytearray(buf.getvalue())
    for _ in range(draw(st.integers(0, 2))):  # damage the footer (metadata) or the pages
        where = draw(st.sampled_from(["footer", "anywhere", "truncate"]))
        if where == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif data:
            low = max(0, len(data) - 120) if where == "footer" else 0
            i = draw(st.integers(low, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    return bytes(data)


@FUZZ
@given(table=st.sampled_from(IMPORTABLE), data=parquet_files())
def test_parquet_files_of_any_schema_never_crash_or_write_half(tiny, table, data) -> None:
    import_is_safe(tiny, table, data, "x.parquet")


def test_a_clean_spreadsheet_and_parquet_file_of_a_table_do_import(tiny) -> None:
    """The same path the fuzzing takes ends in a write for a clean file (and a re-import adds nothing)."""
    frame = template("campaigns")
    xlsx = io.BytesIO()
    frame.write_excel(xlsx)
    table = frame.to_arrow().append_column("wait", pa.array([dt.timedelta(hours=1)] * frame.height))
    parquet = io.BytesIO()
    pq.write_table(table, parquet)
    for data, name in ((xlsx.getvalue(), "x.xlsx"), (parquet.getvalue(), "x.parquet")):
        plan = plan_import(tiny, data, name, ImportRequest("campaigns"), max_bytes=MAX_BYTES)
        assert plan.ok, [p.code for p in plan.problems]
        import_is_safe(tiny, "campaigns", data, name)
