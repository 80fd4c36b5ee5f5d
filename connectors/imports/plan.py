"""From a checked file to the database: what would change, then one all-or-nothing write.

``plan_import`` reads only: it parses, maps (saved mapping, else preset, else
suggestions), checks, and counts how many rows are new, changed or already there.
``apply_import`` writes a plan without errors in one transaction — channels and
campaigns it creates, the rows (new keys inserted, changed rows updated, identical
rows left alone, so re-importing a file adds nothing), the import log, the saved
mapping and the data version — or nothing at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa

from connectors import rollups, schema
from connectors.imports.check import Checked, NewChannel, References, check
from connectors.imports.files import ROW, FormatOptions, ParsedFile, read_file
from connectors.imports.mapping import PRESETS, SavedMapping, meta_key, suggest
from connectors.imports.problems import Problem
from connectors.imports.rules import IMPORTABLE
from connectors.review_labels import label as label_reviews
from connectors.store import Store, StoreError
from metrics.sentiment import SentimentClassifier, default_classifier


class ImportBlocked(StoreError):
    """The plan has errors (or the store cannot be written): nothing is written."""


@dataclass
class ImportRequest:
    """The user's choices for one file (everything optional: detected or suggested otherwise)."""

    table: str
    mapping: Mapping[str, str] | None = None
    constants: Mapping[str, str] | None = None
    preset: str | None = None
    create_channels: Mapping[str, NewChannel] = field(default_factory=dict)
    options: FormatOptions = FormatOptions()


@dataclass
class ImportPlan:
    request: ImportRequest
    parsed: ParsedFile
    checked: Checked
    mapping: dict[str, str]
    constants: dict[str, str]
    mapping_source: str  # saved | preset | suggested | given
    rows_new: int | None = None
    rows_changed: int | None = None
    rows_same: int | None = None
    previous_imports: list[dict[str, Any]] = field(default_factory=list)

    @property
    def table(self) -> str:
        return self.request.table

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems

    @property
    def ok(self) -> bool:
        return self.checked.ok


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    table: str
    rows_added: int
    rows_updated: int
    channels_created: int
    campaigns_created: int
    data_version: str


def references(store: Store) -> References:
    channels = store.query(sa.select(schema.channels.c.channel_id, schema.channels.c.name))
    campaigns = store.query(sa.select(schema.campaigns.c.campaign_id, schema.campaigns.c.channel_id,
                                      schema.campaigns.c.region))
    return References(
        channels=dict(zip(channels["channel_id"].to_list(), channels["name"].to_list())),
        campaigns={r[0]: (r[1], r[2]) for r in campaigns.iter_rows()},
    )


def plan_import(store: Store, data: bytes, file_name: str, request: ImportRequest, *, max_bytes: int,
                today: dt.date | None = None, classifier: SentimentClassifier | None = None) -> ImportPlan:
    """Parse, map and check a file, and count what would change. Writes nothing.

    Reviews get their sentiment label here (``connectors.review_labels``), from ``classifier`` for
    those that need one from their text (default: the built-in classifier).

    Raises :class:`connectors.imports.files.FileRejected` when the file cannot be read at all.
    """
    if request.table not in IMPORTABLE:
        raise StoreError(f"Unknown table {request.table!r}; importable: {', '.join(IMPORTABLE)}")
    parsed = read_file(data, file_name, max_bytes=max_bytes, options=request.options)
    preset = PRESETS.get(request.preset) if request.preset else None
    constants = dict(request.constants if request.constants is not None else (preset.constants if preset else {}))
    if request.mapping is not None:
        mapping, source = dict(request.mapping), "given"
    else:
        saved = SavedMapping.loads(store.get_meta(meta_key(request.table, parsed.columns)), parsed.columns,
                                   request.table)
        if saved is not None and saved.mapping:
            mapping, source = saved.mapping, "saved"
            if request.constants is None:
                constants = saved.constants
            if preset is None and saved.preset:
                preset = PRESETS[saved.preset]
                request.preset = saved.preset
        else:
            mapping, source = suggest(request.table, parsed.columns, preset), "preset" if preset else "suggested"
    checked = check(parsed, request.table, mapping, constants=constants, refs=references(store),
                    create_channels=request.create_channels, preset=preset, today=today)
    if request.table == "reviews" and checked.frame.height:
        checked.frame = label_reviews(checked.frame, classifier or default_classifier())
    plan = ImportPlan(request, parsed, checked, mapping, constants, source)
    if checked.frame.height and _key_present(checked):
        key = list(schema.natural_key(checked.table).columns)
        frame = checked.frame.drop(ROW).unique(subset=key, keep="first", maintain_order=True)
        counts = store.count_changes(checked.table, frame)
        if counts is not None:
            new, changed = counts
            plan.rows_new, plan.rows_changed, plan.rows_same = new, changed, frame.height - new - changed
            plan.previous_imports = _previous(store, parsed.sha256, request.table)
    return plan


def _key_present(checked: Checked) -> bool:
    key = schema.natural_key(checked.table).columns
    return all(k in checked.frame.columns for k in key) and checked.frame.select(
        pl.all_horizontal([pl.col(k).is_not_null() for k in key])).to_series().all()


def _previous(store: Store, sha256: str, table: str) -> list[dict[str, Any]]:
    log = schema.import_log
    rows = store.query(
        sa.select(log.c.import_id, log.c.imported_at, log.c.file_name, log.c.rows_added, log.c.rows_updated)
        .where(log.c.file_hash == sha256, log.c.table_name == table).order_by(log.c.import_id))
    return rows.to_dicts()


def apply_import(store: Store, plan: ImportPlan, *, imported_by: str | None = None, source: str = "upload",
                 now: dt.datetime | None = None) -> ImportResult:
    """Write a plan without errors in one transaction (see the module docstring)."""
    if not store.writable:
        raise ImportBlocked(f"The database {store.display_url} is read-only for the dashboard; nothing was written.")
    if not plan.ok:
        raise ImportBlocked("The file has problems; nothing was written.")
    checked = plan.checked
    now = now or dt.datetime.now().replace(microsecond=0)
    saved = SavedMapping(plan.mapping, plan.constants, plan.request.preset)
    before = store.data_version()
    written = store.write_import(
        checked.table, checked.frame.drop(ROW),
        parents={"channels": checked.new_channels, "campaigns": checked.new_campaigns},
        log={"imported_at": now, "file_name": plan.parsed.name[:500], "file_hash": plan.parsed.sha256,
             "table_name": checked.table, "imported_by": imported_by, "source": source},
        meta={meta_key(checked.table, plan.parsed.columns): saved.dumps()},
    )
    touched = [checked.table, *(name for name, rows in written.created.items() if rows)]
    rollups.after_write(store, touched, before=before, after=written.data_version)
    return ImportResult(written.import_id, checked.table, written.added, written.updated,
                        written.created["channels"], written.created["campaigns"], written.data_version)


def import_file(store: Store, data: bytes, file_name: str, request: ImportRequest, *, max_bytes: int,
                imported_by: str | None = None, source: str = "cli",
                classifier: SentimentClassifier | None = None) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, and write when the plan has no errors."""
    plan = plan_import(store, data, file_name, request, max_bytes=max_bytes, classifier=classifier)
    if not plan.ok:
        return plan, None
    return plan, apply_import(store, plan, imported_by=imported_by, source=source)


def import_log(store: Store, limit: int = 100) -> pl.DataFrame:
    log = schema.import_log
    return store.query(sa.select(log).order_by(log.c.import_id.desc()).limit(limit))
