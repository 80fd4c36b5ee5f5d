"""The Reputation page's queries that are not measures: fixed-length lists and the NPS after complaints.

Each returns a small frame whatever the size of the data: the newest comments and reviews
(``ORDER BY … LIMIT``), and the counts of the first NPS answers after complaints per handling
(a window function in the database). Filters apply as in :mod:`connectors.read`; every value
is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import sqlalchemy as sa

from connectors import read, schema
from connectors.read import Filters
from connectors.store import Store
from metrics.reputation import BLANK
from metrics.rules import DETRACTOR_MAX, PROMOTER_MIN

COMMENT_COLUMNS = ("response_id", "responded_at", "score", "comment", "language", "touchpoint", "region", "segment")
REVIEW_COLUMNS = ("review_id", "source", "created_at", "rating", "text", "language", "region", "answered_at")


def _typed(frame: pl.DataFrame, table: str, names: Sequence[str]) -> pl.DataFrame:
    types = read.polars_schema(table)
    if frame.height == 0:
        return pl.DataFrame(schema={n: types.get(n, pl.String) for n in names})
    return frame.with_columns(pl.col(n).cast(types.get(n, pl.String)) for n in names)


def latest_comments(store: Store, filters: Filters, *, scores: tuple[int, int], limit: int) -> pl.DataFrame:
    """The newest answers with a comment that is not only :data:`metrics.reputation.BLANK` and a score in
    [low, high], newest first (the higher id first at the same moment): at most ``limit`` rows of
    :data:`COMMENT_COLUMNS` — the SQL of :func:`metrics.reputation.latest_comments`."""
    r = schema.nps_responses
    low, high = scores
    stmt = (
        sa.select(*[r.c[c] for c in COMMENT_COLUMNS])
        .where(*read.where_clauses("nps_responses", filters), r.c.comment.is_not(None),
               sa.func.trim(r.c.comment, sa.bindparam("blank", BLANK, sa.String)) != "",
               r.c.score.between(low, high))
        .order_by(r.c.responded_at.desc(), r.c.response_id.desc())
        .limit(limit)
    )
    return _typed(store.query(stmt), "nps_responses", COMMENT_COLUMNS)


def latest_reviews(store: Store, filters: Filters, *, limit: int) -> pl.DataFrame:
    """The newest reviews, newest first (the higher id first at the same moment): at most ``limit`` rows of
    :data:`REVIEW_COLUMNS` plus ``sentiment`` (the stored label) and ``sentiment_from``."""
    r = schema.reviews
    stmt = (
        sa.select(*[r.c[c] for c in REVIEW_COLUMNS], r.c.resolved_sentiment.label("sentiment"), r.c.sentiment_from)
        .where(*read.where_clauses("reviews", filters))
        .order_by(r.c.created_at.desc(), r.c.review_id.desc())
        .limit(limit)
    )
    return _typed(store.query(stmt), "reviews", [*REVIEW_COLUMNS, "sentiment", "sentiment_from"])


def _hours(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    return sa.extract("epoch", later - earlier) / 3600.0


def nps_after_complaints_counts(store: Store, filters: Filters, *, standard_hours: float,
                                within_days: int = 365) -> pl.DataFrame:
    """Counts of the first NPS answer each complaint's customer gave after it, per handling.

    Complaints under ``filters``; each is matched with the customer's first answer (any time,
    under the region filter) in (opened_at, opened_at + within_days]. ``handling``:
    ``within_standard`` (resolved within ``standard_hours``) or ``late``. Returns ``handling``,
    ``n``, ``promoters``, ``detractors`` (one row per handling that has answers) — the SQL of
    :func:`metrics.reputation.nps_after_complaints`, for :func:`metrics.reputation.nps_by_handling`.
    """
    c, a = schema.complaints, schema.nps_responses
    standard = sa.bindparam("standard_hours", float(standard_hours), sa.Float)
    handling = sa.case((sa.and_(c.c.resolved_at.is_not(None), _hours(c.c.resolved_at, c.c.opened_at) <= standard),
                        "within_standard"), else_="late")
    comp = (sa.select(c.c.complaint_id, c.c.customer_id, c.c.opened_at, handling.label("handling"))
            .where(*read.where_clauses("complaints", filters), c.c.customer_id.is_not(None)).cte("comp"))
    ans = (sa.select(a.c.response_id, a.c.customer_id, a.c.responded_at, a.c.score)
           .where(*read.where_clauses("nps_responses", filters.with_period(None, None)),
                  a.c.customer_id.is_not(None)).cte("ans"))
    within = sa.bindparam("within_seconds", float(within_days) * 86400.0, sa.Float)
    matched = (
        sa.select(comp.c.handling, ans.c.score,
                  sa.func.row_number().over(partition_by=comp.c.complaint_id,
                                            order_by=(ans.c.responded_at, ans.c.response_id)).label("nth"))
        .select_from(comp.join(ans, sa.and_(ans.c.customer_id == comp.c.customer_id,
                                            ans.c.responded_at > comp.c.opened_at,
                                            sa.extract("epoch", ans.c.responded_at - comp.c.opened_at) <= within)))
        .subquery("matched")
    )

    def count_where(cond: sa.ColumnElement[bool]) -> sa.ColumnElement:
        return sa.func.sum(sa.case((cond, 1), else_=0))

    stmt = (sa.select(matched.c.handling, sa.func.count().label("n"),
                      count_where(matched.c.score >= PROMOTER_MIN).label("promoters"),
                      count_where(matched.c.score <= DETRACTOR_MAX).label("detractors"))
            .where(matched.c.nth == 1).group_by(matched.c.handling).order_by(matched.c.handling))
    frame = store.query(stmt)
    counts = {"n": pl.Int64, "promoters": pl.Int64, "detractors": pl.Int64}
    if frame.height == 0:
        return pl.DataFrame(schema={"handling": pl.String, **counts})
    return frame.with_columns(pl.col("handling").cast(pl.String), *[pl.col(k).cast(v) for k, v in counts.items()])
