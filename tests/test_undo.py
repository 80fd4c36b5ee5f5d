"""Undoing an import: the database comes back exactly as it was, or the undo is refused and changes nothing."""

from __future__ import annotations

import polars as pl
import pytest

from connectors import schema
from connectors.imports import ImportRequest, apply_import, plan_import
from connectors.undo import UndoRefused, undo_import, undo_status
from tests.importing import YANDEX_CP1251, assert_same, copy_store, snapshot

MB = 2**20
FACTS = schema.FACT_TABLES
OVERLAP = ("Дата;Кампания;№ Кампании;Показы;Клики;Расход (руб.)\n"
           "02.10.2026;Поиск · Москва · осень;70011;11 900;388;1 150 000,00\n"  # corrected amount
           "01.10.2026;\"Поиск; Тверь\";70012;3 200;95;8 400,5\n"  # unchanged
           "03.10.2026;\"Поиск; Тверь\";70012;2 000;50;5 000\n")  # new day


@pytest.fixture()
def store(small_store, tmp_path):
    return copy_store(small_store, tmp_path)


def load(store, text: str, name: str, table: str = "spend", **request) -> int:
    plan = plan_import(store, text.encode("cp1251"), name, ImportRequest(table, **request), max_bytes=MB)
    assert plan.ok, plan.problems
    return apply_import(store, plan, imported_by="anna").import_id


def test_undo_brings_every_table_back_exactly(store) -> None:
    original = snapshot(store, FACTS)
    first = load(store, YANDEX_CP1251, "a.csv", preset="yandex_direct")  # 3 rows and 2 new campaigns
    after_first = snapshot(store, FACTS)
    second = load(store, OVERLAP, "b.csv", preset="yandex_direct")  # 1 row changed, 1 added
    assert snapshot(store, ("spend",))["spend"].height == original["spend"].height + 4

    undone = undo_import(store, second, user="boris")
    assert (undone.rows_removed, undone.rows_restored, undone.parents_removed) == (1, 1, {})
    assert_same(after_first, snapshot(store, FACTS))

    undone = undo_import(store, first, user="boris")
    assert (undone.rows_removed, undone.rows_restored) == (3, 0)
    assert undone.parents_removed == {"campaigns": 2} and undone.parents_kept == {}
    assert_same(original, snapshot(store, FACTS))
    log = store.execute_sql("SELECT import_id, undone_by, rows_removed, rows_restored FROM import_undos "
                            "ORDER BY import_id").rows()
    assert log == [(first, "boris", 3, 0), (second, "boris", 1, 1)]


def test_what_is_recorded_matches_what_the_import_did(store) -> None:
    load(store, YANDEX_CP1251, "a.csv", preset="yandex_direct")
    second = load(store, OVERLAP, "b.csv", preset="yandex_direct")
    recorded = store.execute_sql(
        "SELECT table_name, count(*) FILTER (WHERE before IS NULL) AS added, count(before) AS changed "
        "FROM import_changes WHERE import_id = :id GROUP BY table_name", {"id": second}).rows()
    logged = store.execute_sql("SELECT rows_added, rows_updated FROM import_log WHERE import_id = :id",
                               {"id": second}).rows()
    assert recorded == [("spend", 1, 1)] and logged == [(1, 1)]
    before = store.execute_sql("SELECT key, before FROM import_changes WHERE import_id = :id AND before IS NOT NULL",
                               {"id": second}).row(0, named=True)
    assert '"day":"2026-10-02"' in before["key"] and '"amount":1100000.0' in before["before"]  # the old amount


def test_an_import_that_later_imports_built_on_is_refused_until_they_are_undone(store) -> None:
    first = load(store, YANDEX_CP1251, "a.csv", preset="yandex_direct")
    second = load(store, OVERLAP, "b.csv", preset="yandex_direct")
    status = undo_status(store, [first, second])
    assert status["blocked_by"].to_list() == [[second], []]
    before = snapshot(store)
    with pytest.raises(UndoRefused) as refused:
        undo_import(store, first, user="boris")
    assert refused.value.code == "later" and refused.value.params["later"] == str(second)
    assert_same(before, snapshot(store))  # a refused undo writes nothing
    undo_import(store, second, user="boris")
    assert undo_status(store, [first])["blocked_by"].to_list() == [[]]  # an undone import no longer blocks
    undo_import(store, first, user="boris")
    with pytest.raises(UndoRefused) as again:
        undo_import(store, first, user="boris")
    assert again.value.code == "undone"


def test_unknown_and_unrecorded_imports_are_refused(store) -> None:
    with pytest.raises(UndoRefused) as unknown:
        undo_import(store, 99_999, user="x")
    assert unknown.value.code == "unknown"
    import datetime as dt

    entry = schema.import_log.insert().values(import_id=7, imported_at=dt.datetime(2026, 1, 1), table_name="spend",
                                              rows_added=5, rows_updated=0, source="cli")
    store.execute([entry])  # an import logged by a version that kept no changes
    with pytest.raises(UndoRefused) as old:
        undo_import(store, 7, user="x")
    assert old.value.code == "not_recorded"


def test_rows_other_data_refers_to_are_not_removed(store) -> None:
    channels = "channel_id,name,name_ru,pillar,kind\npodcasts,Podcast ads,Подкасты,sales,paid\n"
    made = load(store, channels, "channels.csv", table="channels")
    campaigns = ("campaign_id,channel_id,name,region,start_date,end_date\n"
                 "pod_autumn,podcasts,Podcasts in autumn,,2026-09-01,2026-11-30\n")
    used = load(store, campaigns, "campaigns.csv", table="campaigns")
    before = snapshot(store)
    with pytest.raises(UndoRefused) as refused:
        undo_import(store, made, user="x")
    assert refused.value.code == "in_use" and "podcasts" in refused.value.params["keys"]
    assert_same(before, snapshot(store))
    undo_import(store, used, user="x")
    undo_import(store, made, user="x")
    assert store.execute_sql("SELECT count(*) AS n FROM channels WHERE channel_id = 'podcasts'")["n"][0] == 0


def test_an_import_that_changed_rows_of_a_dimension_restores_them(store) -> None:
    original = snapshot(store, FACTS)
    row = store.execute_sql("SELECT channel_id, name, name_ru, pillar, kind FROM channels ORDER BY 1 LIMIT 1").row(
        0, named=True)
    text = (f"channel_id,name,name_ru,pillar,kind\n{row['channel_id']},Renamed channel,{row['name_ru'] or ''},"
            f"{row['pillar']},{row['kind']}\n")
    renamed = load(store, text, "rename.csv", table="channels")
    got = store.execute_sql("SELECT name FROM channels WHERE channel_id = :c", {"c": row["channel_id"]})
    assert got["name"].to_list() == ["Renamed channel"]
    assert undo_import(store, renamed, user="x").rows_restored == 1
    assert_same(original, snapshot(store, FACTS))
    assert pl.DataFrame(original["channels"]).filter(pl.col("channel_id") == row["channel_id"])["name"][0] == row["name"]
