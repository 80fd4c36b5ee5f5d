"""The command line records who imports, and undoes an import by its id."""

from __future__ import annotations

import getpass
import subprocess
import sys

from connectors import schema
from tests.conftest import ROOT
from tests.importing import YANDEX_CP1251, assert_same, copy_store, snapshot


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "connectors.load", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_cli_records_the_user_and_undoes_an_import(small_store, tmp_path) -> None:
    store = copy_store(small_store, tmp_path)
    original = snapshot(store, schema.FACT_TABLES)
    f = tmp_path / "direct.csv"
    f.write_bytes(YANDEX_CP1251.encode("cp1251"))
    out = run_cli(str(f), "--table", "spend", "--preset", "yandex_direct", "--db", str(store.path))
    assert out.returncode == 0, out.stdout + out.stderr
    named = run_cli(str(f), "--table", "spend", "--db", str(store.path), "--user", "cron")
    assert named.returncode == 0, named.stdout + named.stderr
    log = store.execute_sql("SELECT import_id, imported_by FROM import_log ORDER BY import_id").rows()
    assert [by for _, by in log] == [getpass.getuser(), "cron"]
    first = log[0][0]

    undone = run_cli("--undo", str(first), "--db", str(store.path), "--user", "boris")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert f"Import {first} undone in spend: 3 added rows removed, 0 changed rows restored, 2 campaigns removed" \
        in undone.stdout
    assert_same(original, snapshot(store, schema.FACT_TABLES))
    assert store.execute_sql("SELECT undone_by FROM import_undos").rows() == [("boris",)]

    again = run_cli("--undo", str(first), "--db", str(store.path))
    assert again.returncode == 1 and "undone already" in again.stderr
    missing = run_cli("--undo", "424242", "--db", str(store.path))
    assert missing.returncode == 1 and "no import 424242" in missing.stderr
