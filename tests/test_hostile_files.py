"""Hostile files: every kind of bomb is refused by the read budget with a message, and nothing is written.

Small bombs and small budgets here; ``python -m benchmarks.bombs`` runs each kind at the 50 MB upload
limit and measures the peak memory.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import tracemalloc
import zipfile

import polars as pl
import pytest

from connectors.imports import FileRejected, FormatOptions, ImportRequest, apply_import, plan_import, read_file
from connectors.imports.budget import ReadBudget
from connectors.imports.templates import template
from tests import bombs
from tests.importing import assert_same, copy_store, snapshot
from tests.test_data_page import private_app  # noqa: F401  (a fixture: the app on a private copy)
from tests.test_load_cli import run_cli

MB = 2**20


def rejected(path, budget: ReadBudget, options: FormatOptions = FormatOptions()) -> FileRejected:
    with pytest.raises(FileRejected) as exc:
        read_file(path.read_bytes(), path.name, max_bytes=budget.max_bytes, options=options, budget=budget)
    return exc.value


@pytest.fixture()
def store(small_store, tmp_path):
    return copy_store(small_store, tmp_path / "db")


# --- CSV ------------------------------------------------------------------------------------


def test_a_csv_of_empty_cells_stops_at_the_cell_limit(tmp_path) -> None:
    path = bombs.csv_empty_cells(tmp_path / "cells.csv", rows=2_000, cols=500)
    exc = rejected(path, ReadBudget(MB, max_cells=200_000))
    assert exc.code == "too_many_cells" and "200,000 cells" in str(exc)


def test_a_csv_is_parsed_in_a_stream(tmp_path) -> None:
    """A naive reader holds a Python string per cell (≈ 60 bytes each); this one holds chunks of them."""
    rows = ["1," + ",".join(str(j % 10) for j in range(49)) for _ in range(40_000)]  # 2,000,000 one-byte cells
    data = ("day," + ",".join(f"c{j}" for j in range(49)) + "\n" + "\n".join(rows) + "\n").encode()
    del rows
    tracemalloc.start()
    parsed = read_file(data, "cells.csv", max_bytes=10 * MB)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert parsed.frame.shape == (40_000, 51)
    assert peak < 40 * MB, f"Python objects peaked at {peak / MB:.0f} MB"


def test_a_header_of_many_columns_is_refused_at_once(tmp_path) -> None:
    path = bombs.csv_wide_header(tmp_path / "wide.csv", cols=300_000)
    started = time.perf_counter()
    exc = rejected(path, ReadBudget(10 * MB))
    assert exc.code == "too_many_columns" and "300,000 columns" in str(exc)
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("separator", [",,", "", ";;;", '"', "\n"])
def test_a_separator_of_more_than_one_character_gets_a_message(separator) -> None:
    with pytest.raises(FileRejected) as exc:
        read_file(b"a;b\n1;2\n", "x.csv", max_bytes=MB, options=FormatOptions(separator=separator))
    assert exc.value.code == "separator" and "one character" in str(exc.value)


def test_the_cli_refuses_a_long_separator_without_a_traceback(store, tmp_path) -> None:
    f = tmp_path / "spend.csv"
    f.write_text("day,campaign_id,amount\n2026-10-01,display_tver,10\n")
    before = snapshot(store)
    out = run_cli(str(f), "--table", "spend", "--separator", ",,", "--db", str(store.path))
    assert out.returncode == 2 and "one character" in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert_same(before, snapshot(store))


# --- XLSX -----------------------------------------------------------------------------------


def test_an_xlsx_whose_zip_directory_understates_its_size_is_measured(tmp_path) -> None:
    path = bombs.xlsx_lying_directory(tmp_path / "lying.xlsx", rows=200_000)
    assert path.stat().st_size < MB
    claimed = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    real = bombs.unpacked_bytes(path)
    budget = ReadBudget(MB)
    assert claimed < budget.max_unpacked < real  # the directory would pass, the content does not
    exc = rejected(path, budget)
    assert exc.code == "unpacked_too_large" and "20 MB" in str(exc)


@pytest.mark.parametrize("refs,rows", [(False, 30_000), (True, 12_000)])
def test_an_honest_xlsx_with_too_many_cells_is_refused_from_its_sheet_xml(tmp_path, refs, rows) -> None:
    path = bombs.xlsx_many_cells(tmp_path / "many.xlsx", rows=rows, refs=refs)  # cells with or without addresses
    exc = rejected(path, ReadBudget(MB, max_cells=100_000))
    seen = re.search(r"\(([0-9,]+) rows × 10 columns or more\)", str(exc))
    assert exc.code == "too_many_cells" and seen, str(exc)  # counting stopped once the limit was passed
    assert 10_000 <= int(seen.group(1).replace(",", "")) <= rows


@pytest.mark.parametrize("declared", [False, True])
def test_a_far_away_cell_is_refused_for_the_rectangle_it_spans(tmp_path, declared) -> None:
    path = bombs.xlsx_far_cell(tmp_path / "far.xlsx", declared=declared)
    assert path.stat().st_size < 5_000
    assert rejected(path, ReadBudget(MB)).code == "too_many_columns"
    exc = rejected(path, ReadBudget(MB, max_columns=20_000))
    assert exc.code == "too_many_cells" and "1,048,576 rows × 16,384 columns or more" in str(exc)


def test_a_reader_that_needs_more_memory_than_allowed_is_stopped(tmp_path) -> None:
    path = bombs.xlsx_shared_strings(tmp_path / "strings.xlsx", strings=4_000, length=30_000)  # 120 MB of text
    exc = rejected(path, ReadBudget(MB, unpacked_factor=200, memory_mb=40))
    assert exc.code == "needs_memory" and "40 MB" in str(exc)
    assert rejected(path, ReadBudget(MB)).code == "unpacked_too_large"


def test_the_cli_refuses_an_xlsx_bomb_and_writes_nothing(store, tmp_path) -> None:
    path = bombs.xlsx_lying_directory(tmp_path / "lying.xlsx", rows=200_000)
    before = snapshot(store)
    out = run_cli(str(path), "--table", "spend", "--db", str(store.path), "--max-mb", "1")
    assert out.returncode == 2 and "unpacks to more than 20 MB" in out.stderr, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert_same(before, snapshot(store))


# --- Parquet --------------------------------------------------------------------------------


def test_a_parquet_file_of_many_rows_is_refused_from_its_metadata(tmp_path) -> None:
    path = bombs.parquet_many_rows(tmp_path / "rows.parquet", rows=3_000_000)
    assert path.stat().st_size < 200_000
    exc = rejected(path, ReadBudget(MB, max_cells=1_000_000))
    assert exc.code == "too_many_cells" and "3,000,000 rows × 1 columns or more" in str(exc)


def test_a_long_string_stored_once_counts_on_every_row(tmp_path) -> None:
    path = bombs.parquet_long_strings(tmp_path / "long.parquet", rows=100, length=1_000_000)
    assert path.stat().st_size < 100_000
    exc = rejected(path, ReadBudget(MB))
    assert exc.code == "too_much_text" and "3 MB" in str(exc)
    single = bombs.parquet_long_strings(tmp_path / "one.parquet", rows=1, length=5_000_000)
    assert rejected(single, ReadBudget(MB)).code == "cell_too_long"


def test_a_parquet_file_with_a_duration_column_imports(store, tmp_path) -> None:
    frame = template("spend").with_columns(pl.lit(dt.timedelta(hours=5, minutes=3)).alias("wait"))
    buf = io.BytesIO()
    frame.write_parquet(buf)
    parsed = read_file(buf.getvalue(), "spend.parquet", max_bytes=MB)
    assert parsed.frame["wait"].to_list() == ["PT5H3M", "PT5H3M"]
    plan = plan_import(store, buf.getvalue(), "spend.parquet", ImportRequest("spend"), max_bytes=MB)
    assert plan.ok and [p.code for p in plan.problems] == ["unknown_column"]
    result = apply_import(store, plan)
    assert result.rows_added + result.rows_updated == 2
    path = bombs.parquet_duration(tmp_path / "wait.parquet")
    out = run_cli(str(path), "--table", "spend", "--db", str(store.path), "--dry-run")
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr  # problems listed, not a crash
    assert "wait" in out.stdout


# --- the wizard -----------------------------------------------------------------------------


def _tables_held(value, seen=None) -> list[str]:
    """Frames of more than five rows, parsed files and plans anywhere inside a session-state value."""
    from connectors.imports import ImportPlan, ParsedFile

    seen = seen if seen is not None else set()
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, (ParsedFile, ImportPlan)):
        return [type(value).__name__]
    if isinstance(value, pl.DataFrame):
        return [f"frame of {value.height} rows"] if value.height > 5 else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    if hasattr(value, "__dataclass_fields__"):
        items = [getattr(value, f) for f in value.__dataclass_fields__]
    return [x for item in items for x in _tables_held(item, seen)]


def test_the_wizard_keeps_no_parsed_table_of_an_upload(private_app) -> None:
    from streamlit import config

    from tests.test_data_page import data_page, upload

    days = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(300)]
    rows = "".join(f"{day.isoformat()};display_tver;{i},5\n" for i, day in enumerate(days))
    at = data_page()
    upload(at, "spend.csv", ("day;campaign_id;amount\n" + rows).encode())
    at.button(key="imp_check").click().run()
    assert not at.exception and at.metric[0].value == "300"
    wizard = {key: value for key, value in at.session_state.items() if key.startswith("imp")}
    assert "imp_plan" in wizard and "imp_previews" in wizard  # what the wizard keeps: summaries
    held = [f"{key}: {what}" for key, value in wizard.items() for what in _tables_held(value)]
    assert held == []
    assert config.get_option("server.maxUploadSize") == 50  # the server's limit is the setting's
    new, changed = at.metric[1].value, at.metric[2].value  # what the check counted
    at.button(key="imp_import").click().run()
    assert not at.exception
    done = " ".join(s.value for s in at.success)
    assert f"{new} rows added, {changed} updated" in done, done  # the import wrote what the check promised


def test_the_wizard_says_why_a_bomb_is_refused(private_app, tmp_path) -> None:
    from streamlit import config

    from tests.test_data_page import app_settings, data_page

    path = bombs.xlsx_lying_directory(tmp_path / "lying.xlsx", rows=200_000)
    before = snapshot(private_app)
    with app_settings(max_upload_mb="1"):
        at = data_page()
        assert config.get_option("server.maxUploadSize") == 1
        at.file_uploader[0].set_value(("lying.xlsx", path.read_bytes(), "application/octet-stream")).run()
        assert not at.exception
        shown = " ".join(e.value for e in at.error)
        assert "unpacks to more than 20 MB" in shown and "Nothing was written" in shown, shown
    assert_same(before, snapshot(private_app))


def test_the_report_names_columns_without_stray_backslashes(private_app) -> None:
    from tests.test_data_page import data_page, upload
    from tests.test_import import bad_spend_file

    at = data_page()
    upload(at, "bad.csv", bad_spend_file())
    at.button(key="imp_check").click().run()
    listed = [m.value for m in at.markdown if "-badge[" in m.value]
    assert any("`channel_id`" in m for m in listed), listed  # a code span shows the name as it is
    assert not any("channel\\_id" in m for m in listed)
