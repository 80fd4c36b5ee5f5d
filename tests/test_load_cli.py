"""The command line import, and an import running while the app reads the same DuckDB file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

from tests.conftest import ROOT
from tests.importing import YANDEX_CP1251, copy_store


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "connectors.load", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_cli_imports_then_reimports_as_nothing(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    f = tmp_path / "direct.csv"
    f.write_bytes(YANDEX_CP1251.encode("cp1251"))
    out = run_cli(str(f), "--table", "spend", "--preset", "yandex_direct", "--db", str(store.path), "--by", "cron")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "encoding cp1251, separator ';', decimal ','" in out.stdout
    assert "Imported into spend: 3 added, 0 updated, 2 campaigns created" in out.stdout
    again = run_cli(str(f), "--table", "spend", "--db", str(store.path))
    assert again.returncode == 0 and "mapping (saved)" in again.stdout
    assert "0 new rows, 0 changed, 3 already loaded" in again.stdout and "0 added, 0 updated" in again.stdout
    log = store.execute_sql("SELECT imported_by, source, rows_added FROM import_log ORDER BY import_id").rows()
    assert log[0] == ("cron", "cli", 3) and log[1][2] == 0


def test_cli_reports_every_problem_and_writes_nothing(small_store, tmp_path) -> None:
    from tests.test_import import bad_spend_file

    store = copy_store(small_store, tmp_path)
    version = store.data_version()
    f = tmp_path / "bad.csv"
    f.write_bytes(bad_spend_file())
    out = run_cli(str(f), "--table", "spend", "--db", str(store.path))
    assert out.returncode == 1
    errors = [line for line in out.stdout.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 5 and all("[row" in e for e in errors), out.stdout
    assert "Nothing was written." in out.stdout
    assert store.data_version() == version
    dry = run_cli(str(tmp_path / "missing.csv"), "--table", "spend", "--db", str(store.path))
    assert dry.returncode == 2 and "cannot read" in dry.stderr


def test_cli_dry_run_and_overrides(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    f = tmp_path / "leads.csv"
    f.write_text("id|когда|откуда\n900000001|01.10.2026 10:00|podcasts\n", encoding="utf-8")
    out = run_cli(str(f), "--table", "leads", "--db", str(store.path), "--map", "lead_id=id",
                  "--map", "created_at=когда", "--map", "channel_id=откуда", "--dry-run")
    assert out.returncode == 1 and "Channel 'podcasts' is not known" in out.stdout
    out = run_cli(str(f), "--table", "leads", "--db", str(store.path), "--map", "lead_id=id",
                  "--map", "created_at=когда", "--map", "channel_id=откуда", "--create-channel",
                  "podcasts=communication:paid", "--dry-run")
    assert out.returncode == 0 and "Dry run: nothing was written." in out.stdout
    assert store.execute_sql("SELECT count(*) AS n FROM leads WHERE lead_id = 900000001")["n"][0] == 0


READER = textwrap.dedent("""
    import json, sys, time
    from connectors.duckdb_file import duckdb_file
    from connectors.store import DuckDBStore
    store = DuckDBStore(sys.argv[1])
    duckdb_file(store.path).idle_close_s = 0.5   # the app releases the file after a short idle time
    out = {"reads": 0, "errors": [], "versions": []}
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        try:
            n = store.execute_sql("SELECT count(*) AS n FROM spend")["n"][0]
            out["versions"].append((store.data_version(), int(n)))
            out["reads"] += 1
        except Exception as exc:
            out["errors"].append(repr(exc))
        time.sleep(1.0)   # a reader that reads now and then, like people clicking through pages
    print(json.dumps(out))
""")


def test_an_import_while_the_app_reads_neither_corrupts_nor_fails_it(small_store, tmp_path) -> None:
    """Both processes share the file; how long each waits is measured by ``python -m benchmarks.imports``."""
    store = copy_store(small_store, tmp_path)
    rows_before = store.execute_sql("SELECT count(*) AS n FROM spend")["n"][0]
    del store  # this process holds nothing: the two processes below share the file
    db = tmp_path / "dashboard.duckdb"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), "15"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # the reader holds the file now
    f = tmp_path / "direct.csv"
    f.write_bytes(YANDEX_CP1251.encode("cp1251"))
    out = run_cli(str(f), "--table", "spend", "--preset", "yandex_direct", "--db", str(db), "--wait", "60")
    result = json.loads(reader.communicate(timeout=60)[0])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Imported into spend: 3 added" in out.stdout
    assert result["errors"] == [], result["errors"]
    assert result["reads"] >= 2
    counts = {int(v): n for v, n in result["versions"]}
    assert counts[min(counts)] == rows_before and counts[max(counts)] == rows_before + 3  # old, then new data
    from connectors.store import DuckDBStore

    check = DuckDBStore(db)
    assert check.execute_sql("SELECT count(*) AS n FROM spend")["n"][0] == rows_before + 3
