"""Undoing an import on PostgreSQL: the same rule as on the embedded file. The tables come back exactly as they were
(compared with plain SQL), or the undo is refused or fails and changes nothing."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from connectors import rollups, schema, undo
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.store import SQLAlchemyStore
from connectors.undo import UndoRefused, undo_import, undo_status
from tests.conftest import ROOT
from tests.test_own_data_postgres import new_database

pytestmark = pytest.mark.postgres
MB = 2**20
TABLES = ("channels", "campaigns", "spend", "import_log", "meta")
HEADER = "day,campaign_id,channel_id,region,amount,impressions,clicks,campaign_name\n"
FIRST = HEADER + ("2026-09-01,search_msk,search_ads,Москва,4250.5,15300,410,\n"
                  "2026-09-02,search_msk,search_ads,Москва,3900,14100,380,\n"
                  "2026-09-01,display_tver,display,Тверь,1200,48000,96,\n")
SECOND = HEADER + ("2026-09-02,search_msk,search_ads,Москва,3999.25,14100,391,\n"  # changed: amount and clicks
                   "2026-09-01,display_tver,display,Тверь,1200,48000,96,\n"  # unchanged
                   "2026-09-03,video_msk,display,,777,,,\n")  # new row, and a campaign the import creates


@pytest.fixture()
def store(pg_server, request):
    """An empty database with two channels and one campaign, for each test."""
    s = SQLAlchemyStore(new_database(pg_server, "undo_" + request.node.name[5:40].lower()))
    s.ensure_schema()
    s.write_frames({
        "channels": pl.DataFrame({"channel_id": ["search_ads", "display"], "name": ["Search ads", "Display"],
                                  "pillar": ["sales", "sales"], "kind": ["paid", "paid"]}),
        "campaigns": pl.DataFrame({"campaign_id": ["search_msk"], "channel_id": ["search_ads"], "name": ["Search"]}),
    })
    yield s
    s.close()


def load(store, text: str, name: str, table: str = "spend") -> int:
    plan = plan_import(store, text.encode(), name, ImportRequest(table), max_bytes=MB)
    assert plan.ok, plan.problems
    return apply_import(store, plan, imported_by="anna").import_id


def contents(store, tables=TABLES) -> dict[str, pl.DataFrame]:
    """Every row of each table by plain SQL, in a fixed order (meta without the data version and the version the
    rollups are stamped with, which follows it)."""
    out = {}
    for name in tables:
        cols = ", ".join(f'"{c.name}"' for c in schema.metadata.tables[name].c)
        where = f" WHERE key NOT IN ('data_version', '{rollups.STAMP}')" if name == "meta" else ""
        out[name] = store.execute_sql(f'SELECT {cols} FROM "{name}"{where} ORDER BY {cols}')
    return out


def assert_same(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    for name in before:
        assert before[name].height == after[name].height, name
        assert_frame_equal(before[name], after[name], check_exact=True)


def spend(store) -> list[tuple]:
    return store.execute_sql("SELECT day, campaign_id, amount, clicks FROM spend ORDER BY day, campaign_id").rows()


def test_undo_on_postgres_brings_the_tables_back_exactly(store) -> None:
    empty = contents(store)
    first = load(store, FIRST, "first.csv")  # 3 new rows, one campaign created
    after_first = contents(store)
    second = load(store, SECOND, "second.csv")
    assert spend(store) == [(dt.date(2026, 9, 1), "display_tver", 1200.0, 96),
                            (dt.date(2026, 9, 1), "search_msk", 4250.5, 410),
                            (dt.date(2026, 9, 2), "search_msk", 3999.25, 391),
                            (dt.date(2026, 9, 3), "video_msk", 777.0, None)]
    recorded = store.execute_sql(
        "SELECT table_name, count(*) FILTER (WHERE before IS NULL) AS added, count(before) AS changed "
        "FROM import_changes WHERE import_id = :id GROUP BY table_name ORDER BY table_name", {"id": second}).rows()
    assert recorded == [("campaigns", 1, 0), ("spend", 1, 1)]
    assert undo_status(store)["blocked_by"].to_list() == [[second], []]  # the second changed a row the first added
    with pytest.raises(UndoRefused):
        undo_import(store, first, user="boris")

    version = int(store.data_version())
    done = undo_import(store, second, user="boris")
    assert (done.rows_removed, done.rows_restored, done.parents_removed) == (1, 1, {"campaigns": 1})
    assert_same({k: v for k, v in after_first.items() if k != "import_log"},
                {k: v for k, v in contents(store).items() if k != "import_log"})
    assert int(done.data_version) == int(store.data_version()) == version + 1
    done = undo_import(store, first, user="boris")
    assert (done.rows_removed, done.rows_restored, done.parents_removed) == (3, 0, {"campaigns": 1})
    assert_same({k: v for k, v in empty.items() if k not in ("import_log", "meta")},
                {k: v for k, v in contents(store).items() if k not in ("import_log", "meta")})
    assert store.execute_sql("SELECT import_id, undone_by, rows_removed, rows_restored FROM import_undos "
                             "ORDER BY import_id").rows() == [(first, "boris", 3, 0), (second, "boris", 1, 1)]
    with pytest.raises(UndoRefused) as again:
        undo_import(store, first, user="boris")
    assert again.value.code == "undone"


def test_a_later_overlapping_import_makes_the_undo_refuse_and_change_nothing(store) -> None:
    first = load(store, FIRST, "first.csv")
    second = load(store, SECOND.replace("3999.25", "4001"), "second.csv")
    third = load(store, SECOND, "third.csv")  # changes the row the second one changed
    assert undo_status(store, [first, second, third])["blocked_by"].to_list() == [[second, third], [third], []]
    before = contents(store, (*TABLES, "import_changes", "import_undos"))
    for import_id, later in ((first, f"{second}, {third}"), (second, str(third))):
        with pytest.raises(UndoRefused) as refused:
            undo_import(store, import_id, user="boris")
        assert refused.value.code == "later" and refused.value.params["later"] == later
    assert_same(before, contents(store, (*TABLES, "import_changes", "import_undos")))
    undo_import(store, third, user="boris")
    assert spend(store)[2][2] == 4001.0  # the second import's value is back
    assert undo_status(store, [second])["blocked_by"].to_list() == [[]]  # an undone import no longer blocks


def test_a_failure_during_the_undo_leaves_everything_as_it_was(store, monkeypatch) -> None:
    load(store, FIRST, "first.csv")
    second = load(store, SECOND, "second.csv")
    before = contents(store, (*TABLES, "import_changes", "import_undos"))

    def boom(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(undo, "_bump", boom)  # after the rows are deleted and restored, and the undo logged
    with pytest.raises(RuntimeError, match="connection lost"):
        undo_import(store, second, user="boris")
    after = contents(store, (*TABLES, "import_changes", "import_undos"))
    assert_same(before, after)
    assert after["import_undos"].height == 0
    monkeypatch.undo()
    assert undo_import(store, second, user="boris").rows_restored == 1


def test_the_command_line_undoes_an_import_on_postgres(store) -> None:
    load(store, FIRST, "first.csv")
    before = contents(store, ("channels", "campaigns", "spend"))
    second = load(store, SECOND, "second.csv")
    env = {**os.environ, "DASHBOARD_READ_ONLY": "0", "DASHBOARD_DB_URL": ""}
    run = subprocess.run([sys.executable, "-m", "connectors.load", "--undo", str(second), "--url", store.url,
                          "--user", "cron"], cwd=ROOT, capture_output=True, text=True, timeout=180, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[0] == f"database: {store.display_url}"
    assert f"Import {second} undone in spend: 1 added rows removed, 1 changed rows restored, 1 campaigns removed" \
        in run.stdout
    assert_same(before, contents(store, ("channels", "campaigns", "spend")))
    assert store.execute_sql("SELECT undone_by FROM import_undos").rows() == [("cron",)]


def test_the_data_page_undoes_an_import_on_postgres(store, tmp_path) -> None:
    from tests.test_data_page import app_settings, data_page, upload

    before = contents(store, ("channels", "campaigns", "spend"))
    with app_settings(db_url=store.url, read_only="0", data_dir=str(tmp_path), warm_up="0"):
        at = data_page()
        upload(at, "first.csv", FIRST.encode())
        at.button(key="imp_check").click().run()
        at.button(key="imp_import").click().run()
        assert not at.exception and any("3 rows added, 0 updated" in s.value for s in at.success)
        assert len(spend(store)) == 3
        at.button(key="hist_undo").click().run()
        assert not at.exception and not at.error
        import_id = store.execute_sql("SELECT import_id FROM import_log")["import_id"][0]
        assert any(f"Import {import_id} undone: 3 added rows removed and 0 changed rows restored in spend" in s.value
                   for s in at.success)
    assert_same(before, contents(store, ("channels", "campaigns", "spend")))
    assert store.execute_sql("SELECT count(*) AS n FROM import_undos")["n"][0] == 1
