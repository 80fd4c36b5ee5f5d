"""Measures declared as data, computed by the database at the grain a view needs.

A *measure* is an aggregation of one fact family: ``sum(revenue)``, ``count(*)`` of
the NPS answers with a score of 9 or more, the number of distinct journeys. Each is
declared once in ``MEASURES`` (name, family, aggregate, SQL expression, description),
and :func:`measure_frame` compiles any set of them, for one family, into a single
``SELECT ... GROUP BY period, <dimensions>`` with the shared filters as bound
parameters. The database does the counting; the app receives a frame whose rows grow
with the answer (periods × dimensions), not with the data. *Metrics* (NPS from its
three counts, ROMI from profit and spend, a margin of error) are polars functions in
``metrics/`` that take these small frames.

Most measures are additive (sum, count, min, max), so a frame at a fine grain can be
summed to a coarser one without going back to the database. Two are not and are exact
only at the grain they were asked for: ``count_distinct`` and ``median`` (the continuous
median, ``percentile_cont(0.5)``: the mean of the two middle values of an even count).

Some measures depend on a value the view chooses (the service standard in hours, the
moment the data ends). Those are passed as ``params`` and bound, never formatted into
the SQL.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl
import sqlalchemy as sa

from connectors import read, schema
from connectors.read import Filters
from connectors.store import Store, StoreError
from metrics.communication import ENGAGEMENT_PARTS
from metrics.post_types import BASES as POST_BASES
from metrics.post_types import PRODUCTS
from metrics.rules import DETRACTOR_MAX, PROMOTER_MIN
from metrics.word_of_mouth import REFERRAL_CHANNEL

Agg = Literal["sum", "count", "count_distinct", "min", "max", "median"]
Expr = Callable[[sa.Table, Mapping[str, Any]], sa.ColumnElement]


@dataclass(frozen=True)
class Measure:
    """One aggregation of one fact family.

    ``expr(table, params)`` gives the SQL expression aggregated (``None`` with ``count``
    counts rows); ``where(table, params)`` restricts the rows it counts (a filtered
    measure such as the promoters among the answers). ``params`` names the
    view's values the expressions need (bound parameters).
    """

    name: str
    family: str
    agg: Agg
    expr: Expr | None = None
    where: Expr | None = None
    description: str = ""
    params: tuple[str, ...] = field(default=())


def _col(name: str) -> Expr:
    return lambda t, _p: t.c[name]


def _hours(later: str, earlier: str) -> Callable[[sa.Table], sa.ColumnElement]:
    return lambda t: sa.extract("epoch", t.c[later] - t.c[earlier]) / 3600.0


def _score(cond: Callable[[sa.ColumnElement], sa.ColumnElement[bool]]) -> Expr:
    return lambda t, _p: cond(t.c.score)


_resolution = _hours("resolved_at", "opened_at")


def _resolved(t: sa.Table, p: Mapping[str, Any]) -> sa.ColumnElement[bool]:
    return sa.and_(t.c.resolved_at.is_not(None), t.c.resolved_at <= sa.bindparam("as_of", p["as_of"]))


def _due(t: sa.Table, p: Mapping[str, Any]) -> sa.ColumnElement[bool]:
    # open for longer than the standard at as_of  <=>  opened before as_of - standard
    overdue_before = p["as_of"] - dt.timedelta(hours=float(p["standard_hours"]))
    return sa.or_(_resolved(t, p), t.c.opened_at < sa.bindparam("overdue_before", overdue_before, sa.DateTime))


def _within(t: sa.Table, p: Mapping[str, Any]) -> sa.ColumnElement[bool]:
    return sa.and_(_resolved(t, p),
                   _resolution(t) <= sa.bindparam("standard_hours", float(p["standard_hours"]), sa.Float))


def _engagements(t: sa.Table) -> sa.ColumnElement:
    return functools.reduce(operator.add, (t.c[c] for c in ENGAGEMENT_PARTS))


def _post_value(name: str) -> Expr:
    return lambda t, _p: _engagements(t) if name == "engagements" else t.c[name]


def _post_product(y: str, x: str) -> Expr:
    return lambda t, p: _post_value(y)(t, p) * _post_value(x)(t, p)


def _within_whenever(t: sa.Table, p: Mapping[str, Any]) -> sa.ColumnElement[bool]:
    return sa.and_(t.c.resolved_at.is_not(None),
                   _resolution(t) <= sa.bindparam("standard_hours", float(p["standard_hours"]), sa.Float))


_MEASURES: tuple[Measure, ...] = (
    # spend
    Measure("spend", "spend", "sum", _col("amount"), description="Marketing spend"),
    Measure("impressions", "spend", "sum", _col("impressions"), description="Ad impressions"),
    Measure("clicks", "spend", "sum", _col("clicks"), description="Ad clicks"),
    # orders
    Measure("orders", "orders", "count", description="Orders"),
    Measure("revenue", "orders", "sum", _col("revenue"), description="Revenue of the orders"),
    Measure("cost_of_goods", "orders", "sum", _col("cost_of_goods"), description="Cost of the goods sold"),
    Measure("buyers", "orders", "count_distinct", _col("customer_id"), description="Distinct customers who ordered"),
    # NPS answers
    Measure("answers", "nps_responses", "count", description="NPS answers"),
    Measure("promoters", "nps_responses", "count", where=_score(lambda s: s >= PROMOTER_MIN),
            description=f"Answers with a score of {PROMOTER_MIN} or more"),
    Measure("detractors", "nps_responses", "count", where=_score(lambda s: s <= DETRACTOR_MAX),
            description=f"Answers with a score of {DETRACTOR_MAX} or less"),
    # complaints
    Measure("complaints", "complaints", "count", description="Complaints opened"),
    Measure("resolved", "complaints", "count", where=_resolved, params=("as_of",),
            description="Complaints resolved by the end of the data"),
    Measure("due", "complaints", "count", where=_due, params=("as_of", "standard_hours"),
            description="Complaints whose outcome against the standard is known (resolved, or open past it)"),
    Measure("within_standard", "complaints", "count", where=_within, params=("as_of", "standard_hours"),
            description="Complaints resolved within the standard"),
    Measure("satisfied", "complaints", "count", where=lambda t, _p: t.c.satisfied.is_(True),
            description="Complainants satisfied with the outcome"),
    Measure("asked", "complaints", "count", where=lambda t, _p: t.c.satisfied.is_not(None),
            description="Complainants asked about satisfaction"),
    # leads, customers and journeys (the Sales page)
    Measure("leads", "leads", "count", description="Leads created, by their source channel"),
    Measure("converted_leads", "leads", "count", _col("customer_id"),
            description="Leads that have become customers so far"),
    Measure("new_customers", "customers", "count", description="Customers whose first order falls in the period"),
    Measure("journeys", "touchpoints", "count_distinct", _col("journey_id"),
            description="Distinct journeys with a touch (people reached)"),
    # communication: social posts (engagement and the sums behind its standard errors), e-mail sends,
    # new customers and referrals
    Measure("posts", "social_posts", "count", description="Social posts published"),
    *(Measure(f"post_{name}", "social_posts", "sum", _post_value(name), description=f"Sum of the posts' {name}")
      for name in POST_BASES),
    *(Measure(f"post_{name}", "social_posts", "sum", _post_product(y, x),
              description=f"Sum over posts of {y} × {x} (for the rates' standard errors)")
      for name, (y, x) in PRODUCTS.items()),
    Measure("email_sends", "email_sends", "count", description="E-mail sends"),
    Measure("email_delivered", "email_sends", "sum", _col("delivered"), description="E-mails delivered"),
    Measure("email_opens", "email_sends", "sum", _col("unique_opens"), description="Unique opens"),
    Measure("email_clicks", "email_sends", "sum", _col("unique_clicks"), description="Unique clicks"),
    Measure("email_unsubscribes", "email_sends", "sum", _col("unsubscribes"), description="Unsubscribes"),
    Measure("email_largest_send", "email_sends", "max", _col("delivered"),
            description="E-mails delivered by the largest send (about the list size)"),
    Measure("referred_customers", "customers", "count",
            where=lambda t, _p: t.c.acquisition_channel_id == sa.bindparam("referral_channel", REFERRAL_CHANNEL),
            description="New customers acquired by referral"),
    # value model (Overview contributions, Retention & profit, Budget scenarios)
    Measure("resolved_within_standard", "complaints", "count", where=_within_whenever, params=("standard_hours",),
            description="Complaints resolved within the standard, whenever they were resolved"),
)
# --- reputation: reviews, complaint handling and the complaint backlog -------------------------------

def _label(label: str) -> Expr:
    return lambda t, _p: t.c.resolved_sentiment == label


def _within_hours(later: str, earlier: str) -> Expr:
    hours = _hours(later, earlier)
    return lambda t, p: sa.and_(t.c[later].is_not(None),
                                hours(t) <= sa.bindparam("standard_hours", float(p["standard_hours"]), sa.Float))


def _median_hours(later: str, earlier: str) -> Expr:
    hours = _hours(later, earlier)
    return lambda t, _p: sa.cast(hours(t), sa.Double)


def _open_at(t: sa.Table, p: Mapping[str, Any]) -> sa.ColumnElement[bool]:
    at = sa.bindparam("at", p["at"], sa.DateTime)
    return sa.and_(t.c.opened_at <= at, sa.or_(t.c.resolved_at.is_(None), t.c.resolved_at > at))


def _overdue_at(t: sa.Table, p: Mapping[str, Any]) -> sa.ColumnElement[bool]:
    # open for longer than the standard at `at`  <=>  opened before at - standard
    before = p["at"] - dt.timedelta(hours=float(p["standard_hours"]))
    return sa.and_(_open_at(t, p), t.c.opened_at < sa.bindparam("open_before", before, sa.DateTime))


def _open_hours(t: sa.Table, p: Mapping[str, Any]) -> sa.ColumnElement:
    at = sa.cast(sa.bindparam("at", p["at"], sa.DateTime), sa.DateTime)
    return sa.cast(sa.extract("epoch", at - t.c.opened_at) / 3600.0, sa.Double)


_REPUTATION: tuple[Measure, ...] = (
    Measure("reviews", "reviews", "count", description="Public reviews"),
    *(Measure(f"{label}_reviews", "reviews", "count", where=_label(label),
              description=f"Reviews whose stored sentiment is {label}") for label in schema.SENTIMENTS),
    Measure("unlabelled_reviews", "reviews", "count", where=lambda t, _p: t.c.resolved_sentiment.is_(None),
            description="Reviews stored without a sentiment label (written by another program)"),
    Measure("answered_reviews", "reviews", "count", where=lambda t, _p: t.c.answered_at.is_not(None),
            description="Reviews the company answered"),
    Measure("answered_in_time", "reviews", "count", where=_within_hours("answered_at", "created_at"),
            params=("standard_hours",), description="Reviews answered within the standard"),
    Measure("median_answer_hours", "reviews", "median", _median_hours("answered_at", "created_at"),
            description="Median hours from a review to its answer (answered reviews)"),
    Measure("median_resolution_hours", "complaints", "median", lambda t, _p: sa.cast(_resolution(t), sa.Double),
            where=_resolved, params=("as_of",),
            description="Median hours from opening to resolution (complaints resolved by the end of the data)"),
    Measure("median_first_response_hours", "complaints", "median", _median_hours("first_response_at", "opened_at"),
            description="Median hours from opening a complaint to the first response"),
    Measure("closed", "complaints", "count", where=lambda t, _p: t.c.resolved_at.is_not(None),
            description="Complaints with a resolution, whenever it came"),
    Measure("closed_within_standard", "complaints", "count", where=_within_hours("resolved_at", "opened_at"),
            params=("standard_hours",), description="Complaints resolved within the standard, whenever"),
    Measure("open_at", "complaints", "count", where=_open_at, params=("at",),
            description="Complaints open at a moment: opened by then and not resolved by then"),
    Measure("overdue_at", "complaints", "count", where=_overdue_at, params=("at", "standard_hours"),
            description="Complaints open at a moment for longer than the standard"),
    Measure("median_open_hours", "complaints", "median", _open_hours, where=_open_at, params=("at",),
            description="Median hours the complaints open at a moment have been open"),
)
_MEASURES = _MEASURES + _REPUTATION

MEASURES: dict[str, Measure] = {m.name: m for m in _MEASURES}
if len(MEASURES) != len(_MEASURES):
    raise ValueError("a measure name is declared twice")


def _aggregate(m: Measure, table: sa.Table, params: Mapping[str, Any]) -> sa.ColumnElement:
    missing = [p for p in m.params if p not in params]
    if missing:
        raise StoreError(f"measure {m.name!r} needs {missing}")
    value = m.expr(table, params) if m.expr else None
    cond = m.where(table, params) if m.where else None
    if m.agg == "count":
        if cond is None:
            return sa.func.count(value) if value is not None else sa.func.count()
        return sa.func.sum(sa.case((cond, 1), else_=0))
    if cond is not None:
        value = sa.case((cond, value))
    if m.agg == "count_distinct":
        return sa.func.count(sa.distinct(value))
    if m.agg == "median":
        return sa.func.percentile_cont(0.5).within_group(value)
    if m.agg == "sum":  # as a double everywhere (PostgreSQL would return NUMERIC for sums of integers)
        return sa.cast(sa.func.sum(value), sa.Double)
    return {"min": sa.func.min, "max": sa.func.max}[m.agg](value)


def measure_query(family: str, names: Sequence[str], filters: Filters, *, grain: read.Grain | None = None,
                  by: Sequence[str] = (), params: Mapping[str, Any] | None = None) -> sa.Select:
    """The SELECT computing ``names`` (measures of ``family``) per period and ``by`` under the filters."""
    spec, table = read._table(family)
    params = params or {}
    unknown = [n for n in names if n not in MEASURES or MEASURES[n].family != family]
    if unknown:
        raise StoreError(f"{family}: unknown measures {unknown}")
    keys: list[sa.ColumnElement] = []
    if grain is not None:
        if grain not in read.GRAINS:
            raise StoreError(f"Unknown grain {grain!r}")
        keys.append(sa.cast(sa.func.date_trunc(grain, table.c[spec.time_column]), sa.Date).label("period"))
    for name in by:
        if name not in table.c:
            raise StoreError(f"{family}: unknown dimension {name!r}")
        keys.append(table.c[name])
    aggs = [_aggregate(MEASURES[n], table, params).label(n) for n in names]
    stmt = sa.select(*keys, *aggs).where(*read.where_clauses(family, filters))
    return stmt.group_by(*keys).order_by(*keys) if keys else stmt


def measure_frame(store: Store, family: str, names: Sequence[str], filters: Filters, *,
                  grain: read.Grain | None = None, by: Sequence[str] = (),
                  params: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """Measures of one family per period × ``by``, as a small polars frame.

    Columns: ``period`` (date, the bucket's first day; with ``grain``), the ``by``
    columns, then one column per measure: counts as Int64 and sums as Float64 (0 when
    no row), min / max as the column's type (null when no row). Without ``grain`` and ``by`` there is exactly one row.
    """
    frame = store.query(measure_query(family, names, filters, grain=grain, by=by, params=params))
    types = read.polars_schema(read.FACTS[family].table)
    casts = []
    for n in names:
        agg = MEASURES[n].agg
        if agg in ("count", "count_distinct"):
            casts.append(pl.col(n).cast(pl.Int64).fill_null(0))
        elif agg == "sum":
            casts.append(pl.col(n).cast(pl.Float64).fill_null(0.0))
        elif agg == "median":
            casts.append(pl.col(n).cast(pl.Float64))
    if grain is not None:
        casts.append(pl.col("period").cast(pl.Date))
    casts += [pl.col(b).cast(types.get(b, pl.String)) for b in by]
    if frame.height == 0 and not (grain or by):
        frame = pl.DataFrame({n: [None] for n in names})
    if frame.height == 0:
        empty = {**({"period": pl.Date} if grain else {}), **{b: types.get(b, pl.String) for b in by},
                 **{n: (pl.Int64 if MEASURES[n].agg in ("count", "count_distinct") else pl.Float64) for n in names}}
        return pl.DataFrame(schema=empty)
    return frame.with_columns(casts)


def describe() -> pl.DataFrame:
    """Every declared measure: name, family, table, aggregate, description (the Data page and README list it)."""
    return pl.DataFrame({
        "measure": [m.name for m in _MEASURES],
        "family": [m.family for m in _MEASURES],
        "table": [read.FACTS[m.family].table for m in _MEASURES],
        "aggregate": [m.agg for m in _MEASURES],
        "description": [m.description for m in _MEASURES],
    })


assert all(m.family in read.FACTS for m in _MEASURES), "every measure belongs to a declared fact family"
assert set(schema.metadata.tables) >= {read.FACTS[m.family].table for m in _MEASURES}
