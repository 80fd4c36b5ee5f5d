"""Hostile and broken files: never a crash, never a partial write (hypothesis).

Random bytes, random text, and real template files (CSV in several encodings and
separators, XLSX, Parquet) mutated the way files break in practice: truncated,
bytes flipped, the wrong encoding, a huge field, formula cells, garbage lines, a
missing header. Each one is planned and, when the check passes, imported; the
database before and after is compared: unchanged unless the import succeeded, and
re-importing a successful file changes nothing.
"""

from __future__ import annotations

import io
import zipfile

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.demo.company import Company
from connectors.demo.marketing import campaigns_frame, channels_frame
from connectors.export import csv_bytes
from connectors.imports import FileRejected, ImportBlocked, ImportRequest, apply_import, plan_import
from connectors.imports.rules import IMPORTABLE
from connectors.imports.templates import template
from connectors.store import DuckDBStore
from tests.importing import assert_same, snapshot

MAX_BYTES = 2 * 2**20
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "=HYPERLINK(\"http://x\",\"y\")"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> DuckDBStore:
    """A small database with the demo's channels and campaigns (fast to snapshot)."""
    store = DuckDBStore(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")
    store.ensure_schema()
    store.write_frames({"channels": channels_frame(), "campaigns": campaigns_frame(Company())})
    return store


_ENCODED: dict[tuple, tuple[bytes, str]] = {}


def encode(frame: pl.DataFrame, fmt: str) -> tuple[bytes, str]:
    """The frame as a file, the same bytes every time (a spreadsheet written twice carries two creation times,
    and hypothesis must see the same sizes when it replays an example)."""
    key = (fmt, tuple(frame.columns), tuple(frame.rows()))
    if key not in _ENCODED:
        _ENCODED[key] = _encode(frame, fmt)
    return _ENCODED[key]


def _encode(frame: pl.DataFrame, fmt: str) -> tuple[bytes, str]:
    if fmt == "xlsx":
        buf = io.BytesIO()
        frame.write_excel(buf)
        return buf.getvalue(), "f.xlsx"
    if fmt == "parquet":
        buf = io.BytesIO()
        frame.write_parquet(buf)
        return buf.getvalue(), "f.parquet"
    text = csv_bytes(frame, bom=fmt == "csv_bom").decode("utf-8-sig")
    if fmt == "csv_semicolon":
        text = text.replace(",", ";")
    encoding = {"csv_cp1251": "cp1251", "csv_utf16": "utf-16"}.get(fmt, "utf-8")
    return text.encode(encoding, errors="replace"), "f.csv"


@st.composite
def broken_files(draw) -> tuple[str, bytes, str]:
    table = draw(st.sampled_from(IMPORTABLE))
    frame = template(table)
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    if text_cols and draw(st.booleans()):
        col = draw(st.sampled_from(text_cols))
        frame = frame.with_columns(pl.Series(col, [draw(st.sampled_from(FORMULAS))] + [None] * (frame.height - 1)))
    fmt = draw(st.sampled_from(["csv", "csv_bom", "csv_cp1251", "csv_semicolon", "csv_utf16", "xlsx", "parquet"]))
    data, name = encode(frame, fmt)
    for op in draw(st.lists(st.sampled_from(["truncate", "flip", "huge", "garbage", "no_header", "duplicate",
                                             "wrong_encoding", "formula_line"]), max_size=3)):
        if op == "truncate" and data:
            data = data[: draw(st.integers(0, len(data)))]
        elif op == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
        elif op == "huge":
            size = draw(st.sampled_from([20_000, 200_000, 1_500_000]))
            data = data + b"\n" + b"9" * 10 + b"," + b"x" * size + b"\n"
        elif op == "garbage":
            data = data + b"\n" + draw(st.binary(max_size=200)) + b"\n"
        elif op == "no_header":
            data = data.split(b"\n", 1)[-1]
        elif op == "duplicate":
            lines = data.split(b"\n")
            data = b"\n".join(lines + lines[1:2])
        elif op == "wrong_encoding":
            data = data.decode("utf-8", errors="replace").encode("utf-16-le")
        elif op == "formula_line":
            data = data + ("\n" + ",".join(FORMULAS) + "\n").encode()
    return table, data, name


def import_is_safe(store: DuckDBStore, table: str, data: bytes, name: str) -> None:
    """Plan; import when clean. Nothing else may happen: no crash, no partial write."""
    before = snapshot(store)
    try:
        plan = plan_import(store, data, name, ImportRequest(table), max_bytes=MAX_BYTES)
    except FileRejected:
        assert_same(before, snapshot(store))
        return
    if not plan.ok:
        with pytest.raises(ImportBlocked):
            apply_import(store, plan)
        assert_same(before, snapshot(store))
        return
    apply_import(store, plan)
    again = plan_import(store, data, name, ImportRequest(table), max_bytes=MAX_BYTES)
    assert again.ok and again.rows_new == 0 and again.rows_changed == 0


@FUZZ
@given(case=broken_files())
def test_broken_template_files_never_crash_or_write_half(tiny, case) -> None:
    table, data, name = case
    import_is_safe(tiny, table, data, name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(IMPORTABLE), data=st.binary(max_size=3000),
       name=st.sampled_from(["x.csv", "x.xlsx", "x.parquet", "x.bin"]))
def test_random_bytes_never_crash(tiny, table, data, name) -> None:
    import_is_safe(tiny, table, data, name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(IMPORTABLE), text=st.text(max_size=1500),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1251"]))
def test_random_text_never_crashes(tiny, table, text, encoding) -> None:
    import_is_safe(tiny, table, text.encode(encoding, errors="replace"), "x.csv")



def test_zip_directory_pointing_before_the_file_is_refused(tiny) -> None:
    """A directory whose local-header offsets point before the file's start (a damaged or cut head)
    is a damaged file with a message, not a crash of the reader."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    data = packed.getvalue()
    end = data.rindex(b"PK\x05\x06")  # end of central directory; the directory's offset is 16 bytes in
    directory_at = int.from_bytes(data[end + 16:end + 20], "little")
    damaged = data[:end + 16] + (directory_at + 64).to_bytes(4, "little") + data[end + 20:]
    assert zipfile.ZipFile(io.BytesIO(damaged)).infolist()[0].header_offset < 0
    with pytest.raises(FileRejected, match="damaged"):
        plan_import(tiny, damaged, "f.xlsx", ImportRequest("channels"), max_bytes=MAX_BYTES)
