"""Attribution counted by the database: what every model needs, in a few hundred rows.

The journeys are those of :func:`connectors.journeys.read_paths` (converting journeys of the
period's new customers within the look-back window before their first order; non-converting
anonymous journeys ending in the period). Instead of the journeys, the database returns:

- ``credit``: per channel, the credit of every heuristic model (first touch, last touch,
  linear, position based, time decay) summed over the converting journeys — each touch's
  weight follows its position in the journey (ordered by time, journey, channel) or, for time
  decay, its age, and carries one conversion and the first order's value;
- ``transitions``: the first-order chain's steps (``source`` → ``target``, with ``(start)``,
  ``(conversion)`` and ``(null)``), counted in journeys, repeated consecutive touches of a
  channel being one visit; the conversion steps carry the first orders' value. The Markov and
  Shapley models need nothing else.

:func:`metrics.attribution.attribute_counted` turns them into every model's credit, the same as
:func:`metrics.attribution.attribute_all` on the journeys (tested). Rows returned: one per
channel and one per pair of states met, whatever the number of journeys.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa

from connectors import query_log
from connectors.journeys import anonymous_touches, conversion_touches
from connectors.read import Filters
from connectors.store import Store
from metrics.attribution import CONVERSION, NULL, START

HEURISTICS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")
VALUES = ("value", "gross_profit")


@dataclass(frozen=True)
class AttributionCounts:
    """``credit``: ``model``, ``channel``, ``conversions``, ``value``, ``gross_profit`` (f64) for the
    heuristic models; ``transitions``: ``source``, ``target``, ``journeys``, ``value``, ``gross_profit``
    (f64); ``untracked``: new customers of the period with no touch in their window; ``new_customers``."""

    credit: pl.DataFrame
    transitions: pl.DataFrame
    untracked: int
    new_customers: int

    def credited(self) -> dict[str, pl.DataFrame]:
        """The heuristic models' credit per channel, by model."""
        return {m: self.credit.filter(pl.col("model") == m).drop("model") for m in HEURISTICS}


def _f(value: float) -> sa.BindParameter:
    return sa.literal(float(value), sa.Double)


def _position_weight(pos, n, first_weight: float, last_weight: float) -> sa.ColumnElement:
    """:func:`metrics.attribution.attribute_paths`' position-based weight of the touch at ``pos`` (1-based) of ``n``."""
    ends = first_weight + last_weight
    first_of_two = first_weight / ends if ends > 0 else 0.5
    # n > 2 wherever it is used; the floor keeps engines that work the branch out early (Spark) from dividing by 0
    middle = (1.0 - ends) / sa.cast(sa.func.greatest(n - 2, 1), sa.Double)
    return sa.case(
        (n == 1, _f(1.0)),
        (n == 2, sa.case((pos == 1, _f(first_of_two)), else_=_f(1.0 - first_of_two))),
        (pos == 1, _f(first_weight)),
        (pos == n, _f(last_weight)),
        else_=middle,
    )


def _ordered_conversions(filters: Filters, lookback_days: int, half_life_days: float) -> tuple[sa.CTE, sa.CTE]:
    """The converting journeys' touches in order (``jid``, ``channel_id``, ``pos``, ``n``, ``prev``,
    ``decay``, ``decay_sum``, and the journey's ``day`` and ``region``: its customer's first order's), and the
    first orders' value."""
    _, first, touches = conversion_touches(filters, lookback_days)
    journey = touches.c.customer_id
    order = (touches.c.ts, touches.c.journey_id, touches.c.channel_id)
    age = sa.func.greatest(sa.extract("epoch", touches.c.first_seen - touches.c.ts) / 86400.0, 0.0)
    decay = sa.cast(sa.func.power(_f(0.5), age / _f(half_life_days)), sa.Double)  # typed: a ratio of doubles
    ordered = sa.select(
        journey.label("jid"), touches.c.channel_id,
        sa.func.row_number().over(partition_by=journey, order_by=order).label("pos"),
        sa.func.count().over(partition_by=journey).label("n"),
        sa.func.lag(touches.c.channel_id).over(partition_by=journey, order_by=order).label("prev"),
        decay.label("decay"),
        sa.cast(sa.func.sum(decay).over(partition_by=journey), sa.Double).label("decay_sum"),
        sa.cast(touches.c.first_seen, sa.Date).label("day"), touches.c.region,
    ).cte("conv_ordered")
    return ordered, first


def credit_query(filters: Filters, lookback_days: int, *, half_life_days: float = 7.0,
                 first_weight: float = 0.4, last_weight: float = 0.4, daily: bool = False) -> sa.Select:
    """Per channel, each heuristic model's credit: ``channel`` and ``<model>_<conversions|value|gross_profit>``;
    ``daily``: per journey day and region too (``day``, ``region`` first: :mod:`connectors.rollups`)."""
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    if not half_life_days > 0:
        raise ValueError("half_life_days must be positive")
    if not (0 <= first_weight and 0 <= last_weight and first_weight + last_weight <= 1):
        raise ValueError("position weights must be non-negative and add up to at most 1")
    ordered, first = _ordered_conversions(filters, lookback_days, half_life_days)
    pos, n = ordered.c.pos, ordered.c.n
    weights = {
        "first_touch": sa.case((pos == 1, _f(1.0)), else_=_f(0.0)),
        "last_touch": sa.case((pos == n, _f(1.0)), else_=_f(0.0)),
        "linear": _f(1.0) / sa.cast(n, sa.Double),
        "position_based": _position_weight(pos, n, first_weight, last_weight),
        "time_decay": ordered.c.decay / ordered.c.decay_sum,
    }
    money = {"value": sa.func.coalesce(first.c.value, 0.0), "gross_profit": sa.func.coalesce(first.c.gross_profit, 0.0)}
    sums = []
    for model, weight in weights.items():
        sums.append(sa.cast(sa.func.sum(weight), sa.Double).label(f"{model}_conversions"))
        sums += [sa.cast(sa.func.sum(weight * amount), sa.Double).label(f"{model}_{name}") for name, amount in money.items()]
    keys = [ordered.c.day, ordered.c.region] if daily else []
    return (
        sa.select(*keys, ordered.c.channel_id.label("channel"), *sums)
        .select_from(ordered.outerjoin(first, ordered.c.jid == first.c.customer_id))
        .group_by(*keys, ordered.c.channel_id)
    )


def _steps(visits: sa.CTE) -> sa.CTE:
    """Each visit's step from the previous state, and whether it is the journey's last visit."""
    window = {"partition_by": visits.c.jid, "order_by": visits.c.pos}
    return sa.select(
        visits.c.jid, visits.c.day, visits.c.region,
        sa.func.coalesce(sa.func.lag(visits.c.channel_id).over(**window), sa.literal(START)).label("source"),
        visits.c.channel_id.label("target"),
        sa.case((sa.func.lead(visits.c.channel_id).over(**window).is_(None), 1), else_=0).label("last"),
    ).cte(f"{visits.name}_steps")


def transitions_query(filters: Filters, lookback_days: int, *, daily: bool = False) -> sa.Select:
    """The chain's steps counted: ``source``, ``target``, ``journeys``, ``value``, ``gross_profit``; ``daily``:
    per journey day (a conversion's first order, an anonymous journey's last touch) and region (the customer's;
    null for anonymous journeys) too, ``day`` and ``region`` first (:mod:`connectors.rollups`)."""
    if lookback_days < 1:
        raise ValueError("lookback_days must be at least 1")
    ordered, first = _ordered_conversions(filters, lookback_days, 7.0)
    conv_visits = (
        sa.select(ordered.c.jid, ordered.c.channel_id, ordered.c.pos, ordered.c.day, ordered.c.region)
        .where(sa.or_(ordered.c.prev.is_(None), ordered.c.prev != ordered.c.channel_id))
        .cte("conv_visits")
    )
    anon = anonymous_touches(filters, lookback_days)
    anon_order = (anon.c.ts, anon.c.channel_id)
    anon_ordered = sa.select(
        anon.c.journey_id.label("jid"), anon.c.channel_id,
        sa.func.row_number().over(partition_by=anon.c.journey_id, order_by=anon_order).label("pos"),
        sa.func.lag(anon.c.channel_id).over(partition_by=anon.c.journey_id, order_by=anon_order).label("prev"),
        sa.cast(anon.c.ended_at, sa.Date).label("day"), sa.cast(sa.null(), sa.String).label("region"),
    ).cte("anon_ordered")
    anon_visits = (
        sa.select(anon_ordered.c.jid, anon_ordered.c.channel_id, anon_ordered.c.pos, anon_ordered.c.day,
                  anon_ordered.c.region)
        .where(sa.or_(anon_ordered.c.prev.is_(None), anon_ordered.c.prev != anon_ordered.c.channel_id))
        .cte("anon_visits")
    )
    conv, lost = _steps(conv_visits), _steps(anon_visits)
    one, zero = sa.literal(1.0, sa.Double), sa.literal(0.0, sa.Double)
    value = sa.cast(sa.func.coalesce(first.c.value, 0.0), sa.Double)
    profit = sa.cast(sa.func.coalesce(first.c.gross_profit, 0.0), sa.Double)
    every = sa.union_all(
        sa.select(conv.c.day, conv.c.region, conv.c.source, conv.c.target, one.label("journeys"),
                  zero.label("value"), zero.label("gross_profit")),
        sa.select(conv.c.day, conv.c.region, conv.c.target, sa.literal(CONVERSION), one, value, profit)
        .select_from(conv.outerjoin(first, conv.c.jid == first.c.customer_id)).where(conv.c.last == 1),
        sa.select(lost.c.day, lost.c.region, lost.c.source, lost.c.target, one, zero, zero),
        sa.select(lost.c.day, lost.c.region, lost.c.target, sa.literal(NULL), one, zero, zero).where(lost.c.last == 1),
    ).subquery("steps")
    keys = [every.c.day, every.c.region] if daily else []
    return sa.select(
        *keys, every.c.source, every.c.target, *[sa.cast(sa.func.sum(every.c[c]), sa.Double).label(c)
                                                 for c in ("journeys", *VALUES)],
    ).group_by(*keys, every.c.source, every.c.target)


def read_attribution_counts(store: Store, filters: Filters, *, lookback_days: int = 30, half_life_days: float = 7.0,
                            first_weight: float = 0.4, last_weight: float = 0.4) -> AttributionCounts:
    """The period's attribution counts (:class:`AttributionCounts`): summed from the daily rollup when it is
    current and built with these parameters (:mod:`connectors.rollups`), else counted on the journeys."""
    from connectors import rollups

    built = rollups.built(store)
    if built is not None and built.attribution.covers(lookback_days, half_life_days, first_weight, last_weight):
        with query_log.labelled("attribution.credit_rollup"):
            wide = store.query(rollups.credit_rollup_query(filters, lookback_days))
        with query_log.labelled("attribution.transitions_rollup"):
            steps = store.query(rollups.transitions_rollup_query(filters, lookback_days))
    else:
        with query_log.labelled("attribution.credit"):
            wide = store.query(credit_query(filters, lookback_days, half_life_days=half_life_days,
                                            first_weight=first_weight, last_weight=last_weight))
        with query_log.labelled("attribution.transitions"):
            steps = store.query(transitions_query(filters, lookback_days))
    cust, _, _ = conversion_touches(filters, lookback_days)
    with query_log.labelled("attribution.new_customers"):
        new_customers = int(store.query(sa.select(sa.func.count()).select_from(cust)).item())
    credit = pl.concat([
        wide.select(pl.lit(m).alias("model"), pl.col("channel").cast(pl.String),
                    *[pl.col(f"{m}_{c}").cast(pl.Float64).alias(c) for c in ("conversions", *VALUES)])
        for m in HEURISTICS
    ]).sort("model", "channel")
    transitions = steps.select(
        pl.col("source").cast(pl.String), pl.col("target").cast(pl.String),
        *[pl.col(c).cast(pl.Float64) for c in ("journeys", *VALUES)],
    ).sort("source", "target")
    converted = int(round(transitions.filter(pl.col("target") == CONVERSION)["journeys"].sum()))
    return AttributionCounts(credit, transitions, new_customers - converted, new_customers)
