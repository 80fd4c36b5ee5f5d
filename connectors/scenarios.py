"""Saved budget scenarios: the ``scenarios`` table (short id, name, author, note, created_at, JSON payload).

Writes go through ``store.execute`` (one transaction) without bumping the data version:
a saved scenario changes no fact, so cached loaders and fitted curves stay valid.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.store import Store

ID_PATTERN = re.compile(r"^[a-z0-9]{8}$")
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: ids read aloud in meetings
MAX_NAME = 80
MAX_AUTHOR = 80
MAX_NOTE = 500


@dataclass(frozen=True)
class SavedScenario:
    scenario_id: str
    name: str
    author: str | None
    note: str | None
    created_at: dt.datetime
    payload: dict[str, Any]


def new_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def valid_id(text: str) -> bool:
    return bool(ID_PATTERN.match(text or ""))


def save_scenario(store: Store, *, name: str, author: str | None, note: str | None, payload: dict[str, Any],
                  now: dt.datetime | None = None) -> str:
    """Insert a scenario in one transaction and return its new short id."""
    name = (name or "").strip()
    if not name:
        raise ValueError("a scenario needs a name")
    if len(name) > MAX_NAME or len(author or "") > MAX_AUTHOR or len(note or "") > MAX_NOTE:
        raise ValueError("name, author or note too long")
    sid = new_id()
    t = schema.scenarios
    stmt = t.insert().values(
        scenario_id=sid, name=name, author=(author or "").strip() or None, note=(note or "").strip() or None,
        created_at=(now or dt.datetime.now()).replace(microsecond=0),
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
    )
    store.execute([stmt], bump_version=False)
    return sid


def delete_scenario(store: Store, scenario_id: str) -> bool:
    """Delete one scenario; True when a row was deleted."""
    if not valid_id(scenario_id):
        return False
    counts = store.execute([schema.scenarios.delete().where(schema.scenarios.c.scenario_id == scenario_id)],
                           bump_version=False)
    return counts[0] != 0


def list_scenarios(store: Store) -> pl.DataFrame:
    """Saved scenarios, newest first: ``scenario_id``, ``name``, ``author``, ``note``, ``created_at``, ``payload``."""
    t = schema.scenarios
    return store.query(sa.select(t).order_by(t.c.created_at.desc(), t.c.scenario_id))


def get_scenario(store: Store, scenario_id: str) -> SavedScenario | None:
    """The saved scenario, or None for an unknown / malformed id or an unreadable payload."""
    if not valid_id(scenario_id):
        return None
    t = schema.scenarios
    frame = store.query(sa.select(t).where(t.c.scenario_id == scenario_id))
    if frame.height == 0:
        return None
    row = frame.row(0, named=True)
    try:
        payload = json.loads(row["payload"])
    except (TypeError, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    return SavedScenario(row["scenario_id"], row["name"], row["author"], row["note"], row["created_at"], payload)
