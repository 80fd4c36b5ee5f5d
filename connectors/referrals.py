"""Word of mouth read in the database: the period's orders split by whether the customer was referred,
and the referrals made by customers of each NPS class. Both come back as two or three rows.

The referred customers are everyone in ``referrals.referred_customer_id`` over all time: a join to their
distinct ids gives their orders, and the others' are all the orders minus theirs. A customer's NPS class
is the one of their latest answer under the answer filters (answers given within the same second
count as one moment: the higher score); the cut-offs come from :mod:`metrics.rules`.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from connectors import read, schema
from connectors.read import Filters
from connectors.store import Store
from metrics.rules import DETRACTOR_MAX, PROMOTER_MIN
from metrics.word_of_mouth import GROUPS, NPS_CLASSES


def _order_totals(orders: sa.FromClause, filters: Filters, label: str, *, buyers: bool) -> sa.Select:
    o = schema.orders
    customers = sa.func.count(sa.distinct(o.c.customer_id)) if buyers else sa.cast(sa.null(), sa.BigInteger)
    return sa.select(
        sa.literal(label).label("customer_group"),
        customers.label("customers"),
        sa.func.count().label("orders"),
        sa.cast(sa.func.sum(o.c.revenue), sa.Double).label("revenue"),
        sa.cast(sa.func.sum(o.c.cost_of_goods), sa.Double).label("cost_of_goods"),
    ).select_from(orders).where(*read.where_clauses("orders", filters))


def order_totals_by_group(store: Store, filters: Filters, *, buyers: bool = True) -> pl.DataFrame:
    """The orders under ``filters`` summed per group (referred / other): ``group``, ``customers`` (distinct
    customers with an order; null with ``buyers=False``, which skips counting them — the costly part over
    millions of orders), ``orders`` (Int64), ``revenue``, ``cost_of_goods`` (f64); a group without orders
    is absent. The input of :func:`metrics.word_of_mouth.referred_value_from_totals`.

    One query, two parts: all the orders (a plain scan) and those of referred customers (an inner join
    to their distinct ids, a small set); the others are all minus referred (customers are distinct
    within each part, and a customer is in exactly one group).
    """
    o, r = schema.orders, schema.referrals
    referred = sa.select(r.c.referred_customer_id.label("customer_id")).distinct().subquery("referred")
    stmt = sa.union_all(
        _order_totals(o, filters, "all", buyers=buyers),
        _order_totals(o.join(referred, referred.c.customer_id == o.c.customer_id), filters, GROUPS[0], buyers=buyers),
    )
    frame = store.query(stmt)
    types = {"customers": pl.Int64, "orders": pl.Int64, "revenue": pl.Float64, "cost_of_goods": pl.Float64}
    parts = {g: frame.filter(pl.col("customer_group") == g).select(
        [(pl.col(c) if c == "customers" and not buyers else pl.col(c).fill_null(0)).cast(t) for c, t in types.items()])
        for g in ("all", GROUPS[0])}
    whole, part = parts["all"], parts[GROUPS[0]]
    other = whole.select([pl.col(c) - part[c] for c in types])
    out = pl.concat([part, other]).with_columns(pl.Series("group", list(GROUPS))).select("group", *types)
    return out.filter(pl.col("orders") > 0)


_SCORE_SLOTS = 16  # more than the 11 possible scores (0..10)


def _latest_score(n: sa.Table) -> sa.ColumnElement:
    """The score of the latest answer, as an aggregate (a portable arg-max): each answer's whole seconds
    since 1970 times 16 plus its score orders the answers by time and keeps the score in the last four
    bits; the maximum's remainder by 16 is the latest answer's score. One hash aggregate instead of a
    window's sort per customer. Answers given within the same second: the higher score."""
    seconds = sa.cast(sa.func.floor(sa.extract("epoch", n.c.responded_at)), sa.BigInteger)
    return sa.func.max(seconds * _SCORE_SLOTS + n.c.score) % _SCORE_SLOTS


def class_counts(store: Store, *, answers: Filters, referrals: Filters) -> pl.DataFrame:
    """Per NPS class of the customers' latest answer under ``answers``: ``nps_class``, ``customers`` and
    ``referrals`` (Int64: referrals under ``referrals`` made by those customers); a class without
    customers is absent. The input of :func:`metrics.word_of_mouth.referrals_by_class_from_counts`."""
    n, r = schema.nps_responses, schema.referrals
    latest = (
        sa.select(n.c.customer_id, _latest_score(n).label("score"))
        .where(n.c.customer_id.is_not(None), *read.where_clauses("nps_responses", answers))
        .group_by(n.c.customer_id)
        .subquery("answers")
    )
    made = (
        sa.select(r.c.referrer_customer_id.label("customer_id"), sa.func.count().label("referrals"))
        .where(*read.where_clauses("referrals", referrals))
        .group_by(r.c.referrer_customer_id)
        .subquery("made")
    )
    score = latest.c.score
    cls = sa.case((score >= PROMOTER_MIN, sa.literal(NPS_CLASSES[0])), (score > DETRACTOR_MAX, sa.literal(NPS_CLASSES[1])),
                  else_=sa.literal(NPS_CLASSES[2]))
    classed = (
        sa.select(cls.label("nps_class"), sa.func.coalesce(made.c.referrals, 0).label("referrals"))
        .select_from(latest.outerjoin(made, made.c.customer_id == latest.c.customer_id))
        .subquery("classed")
    )
    stmt = sa.select(
        classed.c.nps_class, sa.func.count().label("customers"),
        sa.cast(sa.func.sum(classed.c.referrals), sa.BigInteger).label("referrals"),
    ).group_by(classed.c.nps_class).order_by(classed.c.nps_class)
    frame = store.query(stmt)
    types = {"nps_class": pl.String, "customers": pl.Int64, "referrals": pl.Int64}
    if frame.height == 0:
        return pl.DataFrame(schema=types)
    return frame.with_columns([pl.col(c).cast(t) for c, t in types.items()])
