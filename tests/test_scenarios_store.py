"""Saved scenarios in the database: one transaction each, no data-version bump, bad ids refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors import schema
from connectors.scenarios import delete_scenario, get_scenario, list_scenarios, save_scenario, valid_id


def test_save_open_list_delete(small_store) -> None:
    version = small_store.data_version()
    payload = {"version": 1, "weeks": 13, "budgets": {"search_ads": 300_000}, "objective": "leads"}
    sid = save_scenario(small_store, name="  Q1 plan <b>  ", author="Ирина", note="for the board",
                        payload=payload, now=dt.datetime(2026, 11, 5, 10, 30, 15, 999))
    assert valid_id(sid)
    saved = get_scenario(small_store, sid)
    assert saved is not None
    assert (saved.name, saved.author, saved.note) == ("Q1 plan <b>", "Ирина", "for the board")
    assert saved.created_at == dt.datetime(2026, 11, 5, 10, 30, 15)
    assert saved.payload == payload
    assert sid in list_scenarios(small_store)["scenario_id"].to_list()
    assert small_store.data_version() == version  # facts did not change: cached fits stay valid
    raw = small_store.execute_sql("SELECT payload FROM scenarios WHERE scenario_id = :sid", {"sid": sid})["payload"][0]
    assert json.loads(raw) == payload
    assert delete_scenario(small_store, sid) is True
    assert get_scenario(small_store, sid) is None
    assert delete_scenario(small_store, sid) is False


def test_a_name_is_required_and_lengths_are_bounded(small_store) -> None:
    before = list_scenarios(small_store).height
    with pytest.raises(ValueError):
        save_scenario(small_store, name="   ", author=None, note=None, payload={})
    with pytest.raises(ValueError):
        save_scenario(small_store, name="x" * 81, author=None, note=None, payload={})
    assert list_scenarios(small_store).height == before


def test_a_damaged_payload_is_not_opened(small_store) -> None:
    small_store.execute([schema.scenarios.insert().values(
        scenario_id="brokenxx", name="broken", created_at=dt.datetime(2026, 1, 1), payload="{not json")],
        bump_version=False)
    try:
        assert get_scenario(small_store, "brokenxx") is None
    finally:
        delete_scenario(small_store, "brokenxx")


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=30))
def test_hostile_ids_never_reach_the_database_or_crash(small_store, text: str) -> None:
    if not valid_id(text):
        assert get_scenario(small_store, text) is None
        assert delete_scenario(small_store, text) is False
