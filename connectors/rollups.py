"""Aggregate tables kept beside the facts: what the attribution models need, summed per day, built once after
every write instead of on every page view.

The attribution counts of a period (:mod:`connectors.attribution_counts`) are sums over journeys, and each
journey belongs to one day (a conversion to its customer's first order, an anonymous journey to its last
touch) and one region (its customer's; none for anonymous journeys). So the same sums per day and region,
kept for the look-back windows the pages offer, give any period's counts by summing a few thousand rows
instead of ordering millions of touches. Cube calls these pre-aggregations; Looker, aggregate tables.

A rollup is used only when it was built from the data as they are now and with the parameters a view asks
for: its stamp (the data version it was read at, written in the same transaction as its rows) equals the
data version, and its look-back windows, half-life and position weights match. Otherwise the page's query
runs on the facts, as without rollups; the numbers are the same either way (tested). Built on DuckDB and
PostgreSQL after the demo is loaded, after every import and every undo (:func:`refresh`), and by
``python -m connectors.rollups --url URL`` for a database the company's own pipelines load; on Spark the
pages query the facts.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from connectors import query_log, schema
from connectors.attribution_counts import HEURISTICS, VALUES, credit_query, transitions_query
from connectors.read import Filters
from connectors.store import Store

LOOKBACK_CHOICES = (7, 14, 30, 60, 90)  # the look-back windows the Sales page offers
STAMP = "rollups_data_version"
PARAMS = "rollups_params"
CREDIT_SUMS = tuple(f"{m}_{c}" for m in HEURISTICS for c in ("conversions", *VALUES))
STEP_SUMS = ("journeys", *VALUES)

metadata = sa.MetaData()
log = logging.getLogger(__name__)


def _keys() -> list[sa.Column]:
    return [sa.Column("lookback_days", sa.Integer, nullable=False), sa.Column("day", sa.Date, nullable=False),
            sa.Column("region", sa.String)]


attribution_steps = sa.Table(
    "rollup_attribution_steps", metadata, *_keys(),
    sa.Column("source", sa.String, nullable=False), sa.Column("target", sa.String, nullable=False),
    *(sa.Column(c, sa.Double, nullable=False) for c in STEP_SUMS),
)
attribution_credit = sa.Table(
    "rollup_attribution_credit", metadata, *_keys(),
    sa.Column("channel", sa.String, nullable=False),
    *(sa.Column(c, sa.Double, nullable=False) for c in CREDIT_SUMS),
)
TABLES = (attribution_steps, attribution_credit)
SOURCES = ("customers", "orders", "touchpoints")  # the facts they are built from


@dataclass(frozen=True)
class AttributionParams:
    """What the attribution rollup is built with."""

    lookbacks: tuple[int, ...]
    half_life_days: float
    first_weight: float = 0.4
    last_weight: float = 0.4

    def covers(self, lookback_days: int, half_life_days: float, first_weight: float, last_weight: float) -> bool:
        return (lookback_days in self.lookbacks and float(half_life_days) == self.half_life_days
                and float(first_weight) == self.first_weight and float(last_weight) == self.last_weight)


def params_for(settings) -> AttributionParams:
    """The rollup the app's settings ask for: every offered look-back window and the configured one."""
    lookbacks = tuple(sorted(set(LOOKBACK_CHOICES) | {int(settings.lookback_days)}))
    return AttributionParams(lookbacks, float(settings.half_life_days))


def _insert(table: sa.Table, query: sa.Select, lookback: int) -> sa.Insert:
    inner = query.subquery("rolled")
    names = [c.name for c in inner.c]
    select = sa.select(sa.literal(int(lookback), sa.Integer).label("lookback_days"), *inner.c)
    return sa.insert(table).from_select(["lookback_days", *names], select)


def refresh(store: Store, params: AttributionParams) -> bool:
    """Rebuild every rollup from the facts in one transaction, stamped with the data version it read; False
    (nothing done) on a store the app does not write or on Spark."""
    if not getattr(store, "writable", False) or store.kind == "spark":
        return False
    m = schema.meta
    statements: list[sa.sql.Executable] = [CreateTable(t, if_not_exists=True) for t in TABLES]
    statements += [t.delete() for t in TABLES]
    for lookback in params.lookbacks:
        statements.append(_insert(attribution_steps, transitions_query(Filters(), lookback, daily=True), lookback))
        statements.append(_insert(attribution_credit, credit_query(
            Filters(), lookback, half_life_days=params.half_life_days, first_weight=params.first_weight,
            last_weight=params.last_weight, daily=True), lookback))
    statements += [
        m.delete().where(m.c.key.in_([STAMP, PARAMS])),
        sa.insert(m).from_select(["key", "value"], sa.select(sa.literal(STAMP, sa.String), m.c.value)
                                 .where(m.c.key == "data_version")),
        sa.insert(m).values(key=PARAMS, value=json.dumps(asdict(params))),
    ]
    with query_log.labelled("rollups.refresh"):
        store.execute(statements, bump_version=False)
    return True


def refresh_configured(store: Store) -> bool:
    """:func:`refresh` with the parameters the configured settings ask for."""
    from connectors.settings import Settings

    return refresh(store, params_for(Settings.from_env()))


def after_write(store: Store, tables: Sequence[str], *, before: str, after: str) -> bool:
    """Keep the rollups current after a write to ``tables`` that moved the data version from ``before`` to
    ``after``: rebuilt when one of their sources changed; else, when no other write came in between and they
    were current before, stamped with the new version (their rows are still right)."""
    if not getattr(store, "writable", False) or store.kind == "spark":
        return False
    try:
        if set(tables) & set(SOURCES) or not (before.isdigit() and after.isdigit()
                                              and int(after) == int(before) + 1):
            return refresh_configured(store)
        m = schema.meta
        stamp = (sa.update(m).where(m.c.key == STAMP, m.c.value == sa.bindparam("before", before, sa.String))
                 .values(value=sa.bindparam("after", after, sa.String)))
        with query_log.labelled("rollups.stamp"):
            store.execute([stamp], bump_version=False)
        return True
    except Exception:  # the write itself is done; stale rollups are simply not used (the pages count the facts)
        log.exception("rebuilding the rollups after a write to %s failed", ", ".join(tables))
        return False


def built(store: Store) -> AttributionParams | None:
    """The parameters of the rollups when they were built from the data as they are now, else None."""
    m = schema.meta
    with query_log.labelled("rollups.state"):
        rows = store.query(sa.select(m.c.key, m.c.value).where(m.c.key.in_(["data_version", STAMP, PARAMS])))
    items = dict(zip(rows["key"].to_list(), rows["value"].to_list(), strict=True)) if rows.height else {}
    if not items.get(STAMP) or items.get(STAMP) != items.get("data_version") or not items.get(PARAMS):
        return None
    try:
        raw = json.loads(items[PARAMS])
        return AttributionParams(tuple(int(x) for x in raw["lookbacks"]), float(raw["half_life_days"]),
                                 float(raw["first_weight"]), float(raw["last_weight"]))
    except (ValueError, KeyError, TypeError):
        return None


def _in_view(table: sa.Table, filters: Filters, lookback_days: int) -> list[sa.ColumnElement[bool]]:
    """The rows of a period's journeys: its days, its regions (journeys without a region always)."""
    where: list[sa.ColumnElement[bool]] = [table.c.lookback_days == sa.bindparam("lookback", lookback_days,
                                                                                   sa.Integer, unique=True)]
    if filters.start:
        where.append(table.c.day >= sa.bindparam("first_day", filters.start, sa.Date, unique=True))
    if filters.end:
        where.append(table.c.day <= sa.bindparam("last_day", filters.end, sa.Date, unique=True))
    if filters.regions:
        where.append(sa.or_(table.c.region.in_(filters.regions), table.c.region.is_(None)))
    return where


def credit_rollup_query(filters: Filters, lookback_days: int) -> sa.Select:
    """:func:`connectors.attribution_counts.credit_query`'s columns, summed from the rollup."""
    t = attribution_credit
    return (sa.select(t.c.channel, *(sa.cast(sa.func.sum(t.c[c]), sa.Double).label(c) for c in CREDIT_SUMS))
            .where(*_in_view(t, filters, lookback_days)).group_by(t.c.channel))


def transitions_rollup_query(filters: Filters, lookback_days: int) -> sa.Select:
    """:func:`connectors.attribution_counts.transitions_query`'s columns, summed from the rollup."""
    t = attribution_steps
    return (sa.select(t.c.source, t.c.target, *(sa.cast(sa.func.sum(t.c[c]), sa.Double).label(c) for c in STEP_SUMS))
            .where(*_in_view(t, filters, lookback_days)).group_by(t.c.source, t.c.target))


def main(argv: list[str] | None = None) -> None:
    from connectors.settings import Settings
    from connectors.store import open_store

    parser = argparse.ArgumentParser(description="Rebuild the aggregate tables the pages read.")
    parser.add_argument("--url", help="database URL (default: the configured one)")
    parser.add_argument("--db", help="DuckDB file (default: the configured one)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    store = open_store(args.url or settings.db_url or None, default_path=args.db or settings.duckdb_path)
    if not refresh(store, params_for(settings)):
        raise SystemExit(f"{store.display_url}: rollups are built on DuckDB and PostgreSQL databases the app "
                         "writes to; here the pages query the facts")
    print(f"{store.display_url}: rollups rebuilt for data version {store.data_version()}")


if __name__ == "__main__":
    main()
