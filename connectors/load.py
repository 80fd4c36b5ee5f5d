"""Import a file from the command line (for scheduled loads).

    python -m connectors.load FILE --table spend [--preset yandex_direct] [--map day=Дата ...]
                              [--set channel_id=search_ads] [--create-channel podcasts=sales:paid]
                              [--url URL | --db data/dashboard.duckdb] [--dry-run] [--wait 600] [--user NAME]
    python -m connectors.load --undo IMPORT_ID [--url URL | --db data/dashboard.duckdb] [--wait 600] [--user NAME]

The database is ``--url`` (PostgreSQL), else ``--db`` (a DuckDB file), else the
dashboard's own setting (``DASHBOARD_DB_URL``, else the embedded DuckDB file); the
first line printed names it, password masked. A database the dashboard does not
write to (the ``read_only`` setting, a dialect other than PostgreSQL, Spark) is
refused with exit code 2.

Reads, maps (the mapping saved for files of this shape, else the preset, else
suggestions), checks every row and prints all problems at once; writes only when
there are no errors, in one transaction. The embedded database file allows one
writer: when the dashboard holds it, the command waits (``--wait`` seconds) and
says so. Exit codes: 0 imported (or a clean dry run), 1 problems found, 2 the
file cannot be read, the arguments are wrong or the database takes no imports,
3 the database stayed busy.
The import log records who imported: ``--user``, else the login name. ``--undo`` rolls one
import back (see ``connectors/undo.py``); exit code 1 when it is refused, with the reason.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from connectors.imports import (
    PRESETS, FileRejected, FormatOptions, ImportRequest, NewChannel, apply_import, plan_import, report,
)
from connectors.imports.rules import IMPORTABLE
from connectors.review_labels import ClassifierError, load_classifier
from connectors.store import DuckDBStore, Store, StoreBusy, StoreError, open_store


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"error: {what} must look like column=value, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m connectors.load", description=__doc__.split("\n\n")[0])
    p.add_argument("file", type=Path, help="CSV, XLSX or Parquet file")
    p.add_argument("--table", required=True, choices=IMPORTABLE, help="table to load into")
    p.add_argument("--preset", choices=sorted(PRESETS), help="a known export format (spend)")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=HEADER",
                   help="table column = file header (repeat); replaces the suggested mapping")
    p.add_argument("--set", action="append", default=[], metavar="COLUMN=VALUE",
                   help="the same value for every row of a column (e.g. channel_id=search_ads)")
    p.add_argument("--create-channel", action="append", default=[], metavar="ID=PILLAR:KIND",
                   help="create an unknown channel (pillar: sales|reputation|communication; kind: paid|owned|earned)")
    p.add_argument("--encoding", help="override the detected encoding (utf-8, cp1251, ...)")
    p.add_argument("--separator", help="override the detected separator (';', ',', 'tab')")
    p.add_argument("--decimal", choices=[".", ","], help="override the detected decimal mark")
    p.add_argument("--header-row", type=int, help="row number of the header (1 = first line)")
    p.add_argument("--sheet", help="sheet of an Excel file (default: the first)")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--url", help="database URL to write to (default: DASHBOARD_DB_URL, else the DuckDB file)")
    target.add_argument("--db", type=Path, help="DuckDB file (default: from the dashboard's settings)")
    p.add_argument("--max-mb", type=int, help="largest file accepted (default: the max_upload_mb setting)")
    p.add_argument("--wait", type=float, default=600.0, help="seconds to wait while the database is busy")
    p.add_argument("--user", "--by", dest="by", default=None, help="who imports (default: the login name)")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if any(a == "--undo" or a.startswith("--undo=") for a in argv):
        return undo_main(argv)
    args = parse_args(argv)
    from connectors.settings import Settings  # plain settings object; no UI is imported

    settings = Settings.from_env()
    max_mb = args.max_mb or settings.max_upload_mb

    def waiting() -> None:
        print(f"The database is in use by another program (the dashboard or another import); "
              f"waiting up to {args.wait:.0f} s...", file=sys.stderr, flush=True)

    try:
        store = target_store(args, settings, on_wait=waiting)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"database: {store.display_url}")
    if not _ready(store, dry_run=args.dry_run):
        return 2
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    create = {}
    for cid, spec in _pairs(args.create_channel, "--create-channel").items():
        pillar, _, kind = spec.partition(":")
        create[cid] = NewChannel(cid, pillar, kind or "paid")
    separator = {"tab": "\t", "\\t": "\t"}.get(args.separator or "", args.separator)
    request = ImportRequest(
        args.table, mapping=_pairs(args.map, "--map") or None, constants=_pairs(args.set, "--set") or None,
        preset=args.preset, create_channels=create,
        options=FormatOptions(args.encoding, separator, args.decimal, args.header_row, args.sheet),
    )

    try:
        plan = plan_import(store, data, args.file.name, request, max_bytes=max_mb * 2**20,
                           classifier=load_classifier(settings.sentiment_classifier))
    except (FileRejected, ClassifierError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    p = plan.parsed
    fmt = [p.kind]
    if p.encoding:
        fmt += [f"encoding {p.encoding}", f"separator {p.separator!r}", f"decimal {p.decimal!r}"]
    print(f"{p.name}: {', '.join(fmt)}, header on row {p.header_row}, {p.rows} rows")
    print("mapping (" + plan.mapping_source + "): " + ", ".join(f"{t} <- {s}" for t, s in plan.mapping.items())
          + ("; fixed: " + ", ".join(f"{k}={v}" for k, v in plan.constants.items()) if plan.constants else ""))
    if plan.problems:
        print(report(plan.problems))
    unknown = plan.checked.unknown_channels
    if unknown:
        print(f"Channels not in the database: {', '.join(unknown[:20])}. Import the channels file first "
              "(python -m connectors.load channels.csv --table channels; on a new database the tables go in the order "
              "of the templates: channels, campaigns, then the rest), or create them with this import: "
              + " ".join(f"--create-channel {c}=PILLAR:KIND" for c in unknown[:20])
              + " (pillar: sales|reputation|communication; kind: paid|owned|earned).")
    if not plan.ok:
        print("Nothing was written.")
        return 1
    if plan.rows_new is not None:
        print(f"{plan.rows_new} new rows, {plan.rows_changed} changed, {plan.rows_same} already loaded")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    try:
        result = apply_import(store, plan, imported_by=args.by or getpass.getuser(), source="cli")
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Imported into {result.table}: {result.rows_added} added, {result.rows_updated} updated"
          + (f", {result.campaigns_created} campaigns created" if result.campaigns_created else "")
          + (f", {result.channels_created} channels created" if result.channels_created else "")
          + f" (import {result.import_id}, data version {result.data_version}).")
    print(f"Written to {store.display_url}.")
    return 0


def undo_main(argv: list[str]) -> int:
    """``--undo IMPORT_ID``: roll one import back, in one transaction."""
    from connectors.settings import Settings
    from connectors.undo import UndoRefused, undo_import

    p = argparse.ArgumentParser(prog="python -m connectors.load --undo", description="Undo one import.")
    p.add_argument("--undo", type=int, required=True, metavar="IMPORT_ID", help="the import's id (import history)")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--url", help="database URL (default: DASHBOARD_DB_URL, else the DuckDB file)")
    target.add_argument("--db", type=Path, help="DuckDB file (default: from the dashboard's settings)")
    p.add_argument("--wait", type=float, default=600.0, help="seconds to wait while the database is busy")
    p.add_argument("--user", "--by", dest="by", default=None, help="who undoes it (default: the login name)")
    args = p.parse_args(argv)
    settings = Settings.from_env()
    try:
        store = target_store(args, settings, on_wait=lambda: None)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"database: {store.display_url}")
    path = getattr(store, "path", None)  # the embedded file: it must be there already
    if path is not None and not path.exists():
        print(f"error: no database at {path}", file=sys.stderr)
        return 2
    try:
        result = undo_import(store, args.undo, user=args.by or getpass.getuser())
    except UndoRefused as exc:
        print(f"Not undone: {exc}", file=sys.stderr)
        return 1
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    parents = "".join(f", {n} {name} removed" for name, n in result.parents_removed.items() if n)
    kept = "".join(f"; {name} kept (other rows refer to them): {', '.join(keys)}"
                   for name, keys in result.parents_kept.items())
    print(f"Import {result.import_id} undone in {result.table}: {result.rows_removed} added rows removed, "
          f"{result.rows_restored} changed rows restored{parents}{kept} (data version {result.data_version}).")
    return 0


def target_store(args: argparse.Namespace, settings: Any, *, on_wait: Callable[[], None]) -> Store:
    """The database the command writes to: --url, else --db, else the dashboard's settings."""
    read_only = bool(settings.read_only)
    url = args.url or ("" if args.db else settings.db_url)
    if url and not url.startswith("duckdb:///"):
        return open_store(url, default_path=settings.duckdb_path, read_only=read_only)
    path = Path(url.removeprefix("duckdb:///")) if url else (args.db or settings.duckdb_path)
    return DuckDBStore(path, busy_timeout_s=args.wait, on_wait=on_wait, read_only=read_only)


def _ready(store: Store, *, dry_run: bool) -> bool:
    """The database holds the dashboard's tables and takes imports (else one line on stderr)."""
    if not getattr(store, "writable", False) and not dry_run:
        print(f"error: the database {store.display_url} is read-only for the dashboard "
              "(the read_only setting, or a database other than PostgreSQL or DuckDB); nothing was written.",
              file=sys.stderr)
        return False
    try:
        exists = store.exists()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    if not exists:
        where = f"--db {store.display_url.removeprefix('duckdb:///')}" if store.kind == "duckdb" else "--url URL"
        print(f"error: no dashboard tables in {store.display_url}; create them with "
              f"python -m connectors.init --empty {where}", file=sys.stderr)
        return False
    if not dry_run:
        try:
            store.ensure_app_tables()  # the import log and saved mappings live in this database too
        except StoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return False
    return True


if __name__ == "__main__":
    sys.exit(main())
