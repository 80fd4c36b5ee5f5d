"""Reading each fact family with filters pushed down into SQL.

``read_fact(store, "orders", Filters(...))`` returns a polars frame holding exactly
the rows that filtering the whole table in polars would keep (tested), but the
filtering happens in the database with bound parameters, so a warehouse does the
heavy lifting. ``aggregate_fact`` pushes a GROUP BY down as well.

How each filter applies to each family is declared once, in ``FACTS``:

- period: on the family's time column, ``start <= t < end + 1 day`` (end inclusive);
- channels: on the family's channel column; orders follow their customer's
  acquisition channel; families with no channel (reviews, NPS, complaints, brand
  surveys, referrals) are company-wide outcomes and ignore the channel filter;
- regions: on the family's region column; rows with no region (company-wide
  activity such as PR or social media) are kept under a region filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.store import Store, StoreError

Grain = Literal["day", "week", "month", "quarter", "year"]
GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
AGGS = ("sum", "count", "count_distinct", "min", "max", "mean")


@dataclass(frozen=True)
class Filters:
    """What the user chose: a period (inclusive days), channels and regions.

    Empty ``channels`` / ``regions`` mean "all". ``None`` dates mean unbounded.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    channels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError("start must not be after end")
        object.__setattr__(self, "channels", tuple(sorted(set(self.channels))))
        object.__setattr__(self, "regions", tuple(sorted(set(self.regions))))

    def with_period(self, start: dt.date | None, end: dt.date | None) -> Filters:
        return Filters(start, end, self.channels, self.regions)

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class FactSpec:
    """How the global filters apply to one table."""

    table: str
    time_column: str
    channel_column: str | None = None
    channel_via_customer: bool = False
    region_column: str | None = None
    description: str = ""
    filters_applied: tuple[str, ...] = field(default=())


def _spec(table: str, time: str, *, channel: str | None = None, via_customer: bool = False,
          region: str | None = None, description: str = "") -> FactSpec:
    applied = ["period"]
    if channel or via_customer:
        applied.append("channels")
    if region:
        applied.append("regions")
    return FactSpec(table, time, channel, via_customer, region, description, tuple(applied))


FACTS: dict[str, FactSpec] = {
    "spend": _spec("spend", "day", channel="channel_id", region="region",
                   description="Daily marketing spend by campaign"),
    "touchpoints": _spec("touchpoints", "ts", channel="channel_id",
                         description="Contacts of a journey with a channel"),
    "leads": _spec("leads", "created_at", channel="channel_id", region="region",
                   description="Leads by source channel"),
    "customers": _spec("customers", "first_seen", channel="acquisition_channel_id", region="region",
                       description="Customers by first purchase"),
    "orders": _spec("orders", "ordered_at", via_customer=True, region="region",
                    description="Orders; the channel filter follows the customer's acquisition channel"),
    "nps_responses": _spec("nps_responses", "responded_at", region="region",
                           description="NPS survey answers"),
    "reviews": _spec("reviews", "created_at", region="region", description="Public reviews"),
    "complaints": _spec("complaints", "opened_at", region="region", description="Complaints"),
    "brand_surveys": _spec("brand_surveys", "period", description="Brand trust survey waves"),
    "social_posts": _spec("social_posts", "published_at", channel="channel_id",
                          description="Social media posts"),
    "social_followers": _spec("social_followers", "day", channel="channel_id",
                              description="Daily followers by network"),
    "email_sends": _spec("email_sends", "sent_at", channel="channel_id",
                         description="E-mail sends"),
    "referrals": _spec("referrals", "referred_at", description="Referrals (word of mouth)"),
}


def _table(family: str) -> tuple[FactSpec, sa.Table]:
    try:
        spec = FACTS[family]
    except KeyError:
        raise StoreError(f"Unknown fact family {family!r}; known: {sorted(FACTS)}") from None
    return spec, schema.metadata.tables[spec.table]


def _is_date_column(col: sa.Column) -> bool:
    return isinstance(col.type, sa.Date) and not isinstance(col.type, sa.DateTime)


def where_clauses(family: str, filters: Filters) -> list[sa.ColumnElement[bool]]:
    """The WHERE conditions for a family under the given filters (bound parameters)."""
    spec, table = _table(family)
    tcol = table.c[spec.time_column]
    clauses: list[sa.ColumnElement[bool]] = []
    if _is_date_column(tcol):
        if filters.start:
            clauses.append(tcol >= filters.start)
        if filters.end:
            clauses.append(tcol <= filters.end)
    else:
        if filters.start:
            clauses.append(tcol >= dt.datetime.combine(filters.start, dt.time()))
        if filters.end:
            clauses.append(tcol < dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time()))
    if filters.channels:
        if spec.channel_column:
            clauses.append(table.c[spec.channel_column].in_(filters.channels))
        elif spec.channel_via_customer:
            cust = schema.customers
            clauses.append(
                table.c.customer_id.in_(
                    sa.select(cust.c.customer_id).where(cust.c.acquisition_channel_id.in_(filters.channels))
                )
            )
    if filters.regions and spec.region_column:
        rcol = table.c[spec.region_column]
        clauses.append(sa.or_(rcol.in_(filters.regions), rcol.is_(None)))
    return clauses


def select_fact(family: str, filters: Filters, columns: Sequence[str] | None = None) -> sa.Select:
    spec, table = _table(family)
    cols = [table.c[c] for c in columns] if columns else list(table.columns)
    pk = list(table.primary_key.columns)
    return sa.select(*cols).where(*where_clauses(family, filters)).order_by(*pk)


def read_fact(store: Store, family: str, filters: Filters = Filters(),
              columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Rows of a fact family under the filters, in primary-key order."""
    if columns:
        _, table = _table(family)
        unknown = [c for c in columns if c not in table.c]
        if unknown:
            raise StoreError(f"{family}: unknown columns {unknown}")
    return _normalise(store.query(select_fact(family, filters, columns)), family, columns)


def aggregate_fact(
    store: Store,
    family: str,
    filters: Filters = Filters(),
    *,
    measures: Mapping[str, tuple[str, str | None]],
    by: Sequence[str] = (),
    grain: Grain | None = None,
) -> pl.DataFrame:
    """GROUP BY pushed into SQL.

    ``measures`` maps an output name to ``(aggregate, column)``; aggregate is one of
    sum / count / count_distinct / min / max / mean (column ``None`` with count
    counts rows). With ``grain``, rows are grouped by ``period`` = the start of
    the day / week (Monday) / month / quarter / year of the time column.
    """
    spec, table = _table(family)
    keys: list[sa.ColumnElement] = []
    if grain is not None:
        if grain not in GRAINS:
            raise StoreError(f"Unknown grain {grain!r}")
        tcol = table.c[spec.time_column]
        keys.append(sa.cast(sa.func.date_trunc(grain, tcol), sa.Date).label("period"))
    for name in by:
        if name not in table.c:
            raise StoreError(f"{family}: unknown column {name!r}")
        keys.append(table.c[name])
    aggs = []
    for out, (agg, col) in measures.items():
        if agg not in AGGS:
            raise StoreError(f"Unknown aggregate {agg!r}")
        if col is not None and col not in table.c:
            raise StoreError(f"{family}: unknown column {col!r}")
        c = table.c[col] if col else None
        expr = {
            "sum": lambda: sa.func.sum(c),
            "count": lambda: sa.func.count(c) if c is not None else sa.func.count(),
            "count_distinct": lambda: sa.func.count(sa.distinct(c)),
            "min": lambda: sa.func.min(c),
            "max": lambda: sa.func.max(c),
            "mean": lambda: sa.func.avg(c),
        }[agg]()
        aggs.append(expr.label(out))
    stmt = sa.select(*keys, *aggs).where(*where_clauses(family, filters))
    if keys:
        stmt = stmt.group_by(*keys).order_by(*keys)
    frame = store.query(stmt)
    casts = {}
    for out, (agg, _col) in measures.items():
        if agg in ("count", "count_distinct"):
            casts[out] = pl.Int64
        elif agg in ("sum", "mean") and out in frame.columns and frame.schema[out] != pl.Float64:
            casts[out] = pl.Float64
    return frame.with_columns([pl.col(k).cast(v) for k, v in casts.items()]) if casts else frame


def read_dimension(store: Store, name: Literal["channels", "campaigns"]) -> pl.DataFrame:
    table = schema.metadata.tables[name]
    pk = list(table.primary_key.columns)
    return _normalise(store.query(sa.select(table).order_by(*pk)), name, None)


CORE_TABLES = ("orders", "spend")  # periods end on the last day both cover


def freshness(store: Store) -> pl.DataFrame:
    """Per fact table with days: ``table``, ``first`` and ``last`` day of its rows (null: no rows).

    One query (``UNION ALL`` of ``min`` / ``max`` of each table's time column), so the database answers at once.
    """
    parts = []
    for name in schema.FACT_TABLES:
        spec = next((s for s in FACTS.values() if s.table == name), None)
        if spec is None:
            continue
        col = schema.metadata.tables[name].c[spec.time_column]
        parts.append(sa.select(sa.literal(name).label("table"), sa.cast(sa.func.min(col), sa.Date).label("first"),
                               sa.cast(sa.func.max(col), sa.Date).label("last")))
    frame = store.query(sa.union_all(*parts))
    order = {name: i for i, name in enumerate(schema.FACT_TABLES)}
    return frame.with_columns(pl.col("first").cast(pl.Date), pl.col("last").cast(pl.Date)).sort(
        pl.col("table").replace_strict(order, return_dtype=pl.Int64))


def anchor_bounds(fresh: pl.DataFrame) -> tuple[dt.date, dt.date] | None:
    """The span period presets work in: from the first day with orders or spend to the last day BOTH cover
    (a source loaded further than the other does not move the periods' end). With only one of them loaded, its
    days; with neither, the days of whatever is loaded; None for an empty store."""
    days = {r["table"]: (r["first"], r["last"]) for r in fresh.iter_rows(named=True) if r["last"] is not None}
    core = [days[t] for t in CORE_TABLES if t in days]
    spans = core or list(days.values())
    if not spans:
        return None
    first = min(f for f, _ in spans)
    last = min(last for _, last in spans) if core else max(last for _, last in spans)
    return first, max(last, first)


def activity_bounds(store: Store) -> tuple[dt.date, dt.date] | None:
    """First day with orders or spend, and the last day both cover: the span the period presets work in."""
    return anchor_bounds(freshness(store))


def regions(store: Store) -> list[str]:
    c = schema.customers
    frame = store.query(sa.select(c.c.region).distinct().order_by(c.c.region))
    return [r for r in frame["region"].to_list() if r]


_POLARS_TYPES = {
    sa.BigInteger: pl.Int64,
    sa.Integer: pl.Int64,
    sa.SmallInteger: pl.Int64,
    sa.Double: pl.Float64,
    sa.Float: pl.Float64,
    sa.String: pl.String,
    sa.Boolean: pl.Boolean,
    sa.DateTime: pl.Datetime("us"),
    sa.Date: pl.Date,
}


def polars_schema(table_name: str) -> dict[str, pl.DataType]:
    """The polars dtypes every backend's frames are normalised to."""
    table = schema.metadata.tables[table_name]
    out = {}
    for col in table.columns:
        for sa_type, pl_type in _POLARS_TYPES.items():
            if type(col.type) is sa_type or (sa_type is sa.Double and isinstance(col.type, sa.Double)):
                out[col.name] = pl_type
                break
        else:
            out[col.name] = pl.String
    return out


def _normalise(frame: pl.DataFrame, table_name: str, columns: Sequence[str] | None) -> pl.DataFrame:
    """Same dtypes whatever the backend (DuckDB gives Int16 for SMALLINT, PostgreSQL Decimal, ...)."""
    target = polars_schema(FACTS[table_name].table if table_name in FACTS else table_name)
    wanted = list(columns) if columns else list(target)
    if frame.height == 0:  # an empty result may come back without usable types
        return pl.DataFrame(schema={c: target[c] for c in wanted})
    return frame.with_columns([pl.col(c).cast(target[c]) for c in wanted if c in frame.columns])


def table_stats(store: Store) -> pl.DataFrame:
    """Per table: rows and the first / last day of its time column (dimensions have no days).

    One query over all tables (UNION ALL), so a remote database answers in one round trip.
    """
    parts = []
    for name in schema.FACT_TABLES:
        table = schema.metadata.tables[name]
        spec = next((s for s in FACTS.values() if s.table == name), None)
        if spec is None:
            first = last = sa.cast(sa.null(), sa.Date)
        else:
            col = table.c[spec.time_column]
            first, last = sa.cast(sa.func.min(col), sa.Date), sa.cast(sa.func.max(col), sa.Date)
        parts.append(sa.select(
            sa.literal(name).label("table"), sa.func.count().label("rows"), first.label("first"), last.label("last"),
        ).select_from(table))
    frame = store.query(sa.union_all(*parts))
    order = {name: i for i, name in enumerate(schema.FACT_TABLES)}
    return frame.with_columns(pl.col("rows").cast(pl.Int64), pl.col("first").cast(pl.Date),
                              pl.col("last").cast(pl.Date)).sort(pl.col("table").replace_strict(order))
