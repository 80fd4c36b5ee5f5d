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
import datetime as dt
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
customer_rows = sa.Table(
    "rollup_customers", metadata,
    sa.Column("customer_id", sa.BigInteger, nullable=False), sa.Column("acquisition_channel_id", sa.String),
    sa.Column("region", sa.String), sa.Column("segment", sa.String), sa.Column("first_order", sa.Date),
    sa.Column("last_order", sa.Date), sa.Column("purchases", sa.BigInteger), sa.Column("revenue", sa.Double),
    sa.Column("gross_profit", sa.Double), sa.Column("status", sa.String), sa.Column("frequency", sa.BigInteger),
    sa.Column("recency_days", sa.Double), sa.Column("T_days", sa.Double), sa.Column("monetary_value", sa.Double),
    sa.Column("eligible", sa.Integer), sa.Column("repeated", sa.Integer),
)
TABLES = (attribution_steps, attribution_credit, customer_rows)
# the facts they are built from (spend: it moves the day the periods end on, the customers' "as of")
SOURCES = ("customers", "orders", "touchpoints", "complaints", "nps_responses", "reviews", "spend")
CONSISTENT = "rollups_regions_consistent"
REGIONAL = ("orders", "complaints", "nps_responses", "reviews")  # facts of a customer with a region of their own


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


@dataclass(frozen=True)
class CustomerParams:
    """What the customers' rollup is built with: the status rules' thresholds (settings)."""

    active_months: int
    lost_months: int
    loyal_orders: int


@dataclass(frozen=True)
class RollupParams:
    attribution: AttributionParams
    customers: CustomerParams


@dataclass(frozen=True)
class Built:
    """The rollups as they stand, when current: their parameters, the day the customers' rows are as of (None
    for a store without orders or spend), and whether every order, complaint, answer and review of a customer
    lies in the customer's region (then a region filter picks whole customers, and the rows serve it)."""

    params: RollupParams
    customers_as_of: dt.date | None
    regions_consistent: bool

    @property
    def attribution(self) -> AttributionParams:
        return self.params.attribution

    def customers_cover(self, filters: Filters, as_of: dt.date, active_months: int, lost_months: int,
                        loyal_orders: int) -> bool:
        return (self.customers_as_of == as_of and (not filters.regions or self.regions_consistent)
                and self.params.customers == CustomerParams(int(active_months), int(lost_months), int(loyal_orders)))


def params_for(settings) -> RollupParams:
    """The rollups the app's settings ask for: every offered look-back window and the configured one, the
    status thresholds."""
    lookbacks = tuple(sorted(set(LOOKBACK_CHOICES) | {int(settings.lookback_days)}))
    return RollupParams(AttributionParams(lookbacks, float(settings.half_life_days)),
                        CustomerParams(int(settings.active_months), int(settings.lost_months),
                                       int(settings.loyal_orders)))


def _mismatched_regions() -> sa.ColumnElement[bool]:
    """Some fact of a customer in another region than the customer's (null regions of a fact match any)."""
    c = schema.customers
    checks = []
    for name in REGIONAL:
        t = schema.metadata.tables[name]
        checks.append(sa.exists().where(t.c.customer_id == c.c.customer_id, t.c.region.is_not(None),
                                        sa.or_(c.c.region.is_(None), t.c.region != c.c.region)))
    return sa.or_(*checks)


def _insert(table: sa.Table, query: sa.Select, lookback: int) -> sa.Insert:
    inner = query.subquery("rolled")
    names = [c.name for c in inner.c]
    select = sa.select(sa.literal(int(lookback), sa.Integer).label("lookback_days"), *inner.c)
    return sa.insert(table).from_select(["lookback_days", *names], select)


def refresh(store: Store, params: RollupParams) -> bool:
    """Rebuild every rollup from the facts in one transaction, stamped with the data version it read; False
    (nothing done) on a store the app does not write or on Spark."""
    from connectors.customer_status import customer_rows_query
    from connectors.read import activity_bounds

    if not getattr(store, "writable", False) or store.kind == "spark":
        return False
    m = schema.meta
    a, cp = params.attribution, params.customers
    statements: list[sa.sql.Executable] = [CreateTable(t, if_not_exists=True) for t in TABLES]
    statements += [t.delete() for t in TABLES]
    for lookback in a.lookbacks:
        statements.append(_insert(attribution_steps, transitions_query(Filters(), lookback, daily=True), lookback))
        statements.append(_insert(attribution_credit, credit_query(
            Filters(), lookback, half_life_days=a.half_life_days, first_weight=a.first_weight,
            last_weight=a.last_weight, daily=True), lookback))
    bounds = activity_bounds(store)
    as_of = bounds[1] if bounds else None
    if as_of is not None:
        rows = customer_rows_query(Filters(), as_of=as_of, **asdict(cp))
        statements.append(sa.insert(customer_rows).from_select([c.name for c in customer_rows.c],
                                                               sa.select(*(rows.c[c.name] for c in customer_rows.c))))
    stored = {**asdict(params), "customers_as_of": as_of.isoformat() if as_of else None}
    consistent = sa.case((_mismatched_regions(), "0"), else_="1")
    statements += [
        m.delete().where(m.c.key.in_([STAMP, PARAMS, CONSISTENT])),
        sa.insert(m).from_select(["key", "value"], sa.select(sa.literal(STAMP, sa.String), m.c.value)
                                 .where(m.c.key == "data_version")),
        sa.insert(m).values(key=PARAMS, value=json.dumps(stored)),
        sa.insert(m).from_select(["key", "value"], sa.select(sa.literal(CONSISTENT, sa.String),
                                                             consistent)),
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


def built(store: Store) -> Built | None:
    """The rollups when they were built from the data as they are now, else None."""
    m = schema.meta
    with query_log.labelled("rollups.state"):
        rows = store.query(sa.select(m.c.key, m.c.value)
                           .where(m.c.key.in_(["data_version", STAMP, PARAMS, CONSISTENT])))
    items = dict(zip(rows["key"].to_list(), rows["value"].to_list(), strict=True)) if rows.height else {}
    if not items.get(STAMP) or items.get(STAMP) != items.get("data_version") or not items.get(PARAMS):
        return None
    try:
        raw = json.loads(items[PARAMS])
        att, cust = raw["attribution"], raw["customers"]
        params = RollupParams(
            AttributionParams(tuple(int(x) for x in att["lookbacks"]), float(att["half_life_days"]),
                              float(att["first_weight"]), float(att["last_weight"])),
            CustomerParams(int(cust["active_months"]), int(cust["lost_months"]), int(cust["loyal_orders"])))
        as_of = dt.date.fromisoformat(raw["customers_as_of"]) if raw.get("customers_as_of") else None
    except (ValueError, KeyError, TypeError):
        return None
    return Built(params, as_of, items.get(CONSISTENT) == "1")


def customer_rows_rollup(filters: Filters) -> sa.CTE:
    """The customers' rollup under the channel and region filters, as the ``customer_rows`` CTE of
    :mod:`connectors.customer_status` (only where :meth:`Built.customers_cover` says it serves the view)."""
    t = customer_rows
    where = []
    if filters.channels:
        where.append(t.c.acquisition_channel_id.in_(filters.channels))
    if filters.regions:
        where.append(sa.or_(t.c.region.in_(filters.regions), t.c.region.is_(None)))
    return sa.select(t).where(*where).cte("customer_rows")


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
