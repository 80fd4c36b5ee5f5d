"""Lift tests as the marketing-mix model reads them: one outcome's experiments, in the model's column names."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from connectors import schema
from connectors.protocol import Store


def lift_test_frame(store: Store, outcome: str) -> pl.DataFrame:
    """The lift tests measured on ``outcome``: ``channel`` (str), ``start`` / ``end`` (date, inclusive), ``lift``
    (extra outcome over those weeks) and ``se`` (its standard error), oldest first."""
    t = schema.lift_tests
    stmt = (sa.select(t.c.channel_id.label("channel"), t.c.start_date.label("start"), t.c.end_date.label("end"),
                      t.c.lift, t.c.lift_se.label("se"))
            .where(t.c.outcome == sa.bindparam("outcome", outcome))
            .order_by(t.c.start_date, t.c.channel_id))
    frame = store.query(stmt)
    return frame.with_columns(pl.col("start").cast(pl.Date), pl.col("end").cast(pl.Date),
                              pl.col("lift").cast(pl.Float64), pl.col("se").cast(pl.Float64))
