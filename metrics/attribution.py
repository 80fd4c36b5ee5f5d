"""Multi-touch attribution: who gets the credit for a conversion and its value.

A *paths* frame has one row per journey (or per group of identical journeys):

- ``path`` (list[str]): channels in time order;
- ``conversions`` (i64): journeys with this path that converted;
- ``value`` (f64, currency): their conversion value (more value columns may follow);
- ``nulls`` (i64): journeys with this path that did not convert;
- ``days_before`` (list[f64], days, optional): for a converting journey, the age of
  each touch at the conversion; only the time-decay model needs it.

:func:`attribute_paths` returns one row per channel with the attributed
``conversions`` and value columns. Every model conserves the totals: the channels'
credit adds up to the input's conversions and value.

Models
- ``first_touch`` / ``last_touch``: all credit to the first / last touch.
- ``linear``: equal credit to every touch (a channel touched twice gets two shares).
- ``time_decay``: credit ∝ 2^(−age / half-life), age in days before the conversion.
- ``position_based``: 40% first touch, 40% last, 20% shared by the touches between
  (one touch: 100%; two touches: 50/50 — the first/last weights renormalised).
- ``markov``: first-order Markov chain (start → channels → conversion | null) with
  transition probabilities counted from all journeys, converting or not. The removal
  effect RE(c) = 1 − P(conversion | c removed) / P(conversion) is computed exactly
  from the absorbing chain (a linear solve per channel, no simulation); credit ∝ RE.
  Repeated consecutive touches of one channel are one state visit (a self-loop does
  not change absorption probabilities). Value: the same with each conversion
  transition carrying the mean value of the journeys that converted from that
  channel, i.e. RE_value(c) = share of expected conversion value lost without c.
- ``shapley``: the Shapley value of the coalition game v(S) = conversions (value)
  the same Markov chain predicts when only the channels in S are kept (the others
  removed as above). Exact: every one of the 2^n coalitions is solved; it fairly
  splits the interaction that removal effects count several times.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

MODELS: tuple[str, ...] = (
    "first_touch", "last_touch", "linear", "time_decay", "position_based", "markov", "shapley",
)
HEURISTIC_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based")
# the chain's states besides the channels
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
MAX_SHAPLEY_CHANNELS = 18
_DAY_S = 86_400.0


# --- journeys -----------------------------------------------------------------------------------------


def build_paths(
    touchpoints: pl.DataFrame,
    conversions: pl.DataFrame,
    *,
    lookback_days: int = 30,
    period: tuple[dt.date, dt.date] | None = None,
    include_nulls: bool = True,
) -> pl.DataFrame:
    """Journeys from event-level touchpoints.

    Inputs: ``touchpoints`` with ``journey_id``, ``customer_id`` (null: anonymous),
    ``ts``, ``channel_id``; ``conversions`` with ``customer_id``, ``converted_at`` and
    ``value`` (any further float columns are carried as extra values).

    A converting journey is every touch of the customer within ``lookback_days``
    before the conversion (``converted_at − lookback ≤ ts ≤ converted_at``), whatever
    journey id they carry. A non-converting journey is an anonymous journey's touches
    within ``lookback_days`` before its last touch; with ``period`` only journeys whose
    last touch falls in it (inclusive days) are kept. Conversions with no touch in
    their window are left out (see :func:`untracked_conversions`).

    Returns one row per journey: ``customer_id`` (i64, null for non-converting),
    ``journey_id`` (i64, null for converting), ``ended_at`` (datetime), ``path``
    (list[str]), ``days_before`` (list[f64], days), ``conversions`` (i64, 0/1),
    ``value`` and extra value columns (f64, currency), ``nulls`` (i64, 0/1); sorted by
    ``ended_at``, ``customer_id``, ``journey_id``.
    """
    extra = [c for c in conversions.columns if c not in ("customer_id", "converted_at", "value")]
    window = pl.duration(days=lookback_days)
    touches = touchpoints.lazy().select("journey_id", "customer_id", "ts", "channel_id")
    conv = (
        touches.filter(pl.col("customer_id").is_not_null())
        .join(conversions.lazy(), on="customer_id", how="inner")
        .filter((pl.col("ts") <= pl.col("converted_at")) & (pl.col("ts") >= pl.col("converted_at") - window))
        .sort("customer_id", "ts", "journey_id", "channel_id")
        .group_by("customer_id", maintain_order=True)
        .agg(
            pl.col("converted_at").first().alias("ended_at"),
            pl.col("channel_id").alias("path"),
            ((pl.col("converted_at") - pl.col("ts")).dt.total_microseconds() / 1e6 / _DAY_S).alias("days_before"),
            pl.lit(1, dtype=pl.Int64).alias("conversions"),
            pl.col("value").first().cast(pl.Float64),
            *[pl.col(c).first().cast(pl.Float64) for c in extra],
            pl.lit(0, dtype=pl.Int64).alias("nulls"),
        )
        .with_columns(pl.lit(None, dtype=pl.Int64).alias("journey_id"))
    )
    parts = [conv]
    if include_nulls:
        anon = touches.filter(pl.col("customer_id").is_null()).with_columns(
            ended_at=pl.col("ts").max().over("journey_id")
        )
        if period is not None:
            lo = dt.datetime.combine(period[0], dt.time())
            hi = dt.datetime.combine(period[1] + dt.timedelta(days=1), dt.time())
            anon = anon.filter((pl.col("ended_at") >= lo) & (pl.col("ended_at") < hi))
        nulls = (
            anon.filter(pl.col("ts") >= pl.col("ended_at") - window)
            .sort("journey_id", "ts", "channel_id")
            .group_by("journey_id", maintain_order=True)
            .agg(
                pl.col("ended_at").first(),
                pl.col("channel_id").alias("path"),
                ((pl.col("ended_at") - pl.col("ts")).dt.total_microseconds() / 1e6 / _DAY_S).alias("days_before"),
                pl.lit(0, dtype=pl.Int64).alias("conversions"),
                pl.lit(0.0).alias("value"),
                *[pl.lit(0.0).alias(c) for c in extra],
                pl.lit(1, dtype=pl.Int64).alias("nulls"),
            )
            .with_columns(pl.lit(None, dtype=pl.Int64).alias("customer_id"))
        )
        parts.append(nulls)
    cols = ["customer_id", "journey_id", "ended_at", "path", "days_before", "conversions", "value", *extra, "nulls"]
    return (
        pl.concat([p.select(cols) for p in parts])
        .with_columns(pl.col("ended_at").cast(pl.Datetime("us")), pl.col("path").cast(pl.List(pl.String)))
        .sort("ended_at", "customer_id", "journey_id", nulls_last=True)
        .collect()
    )


def untracked_conversions(touchpoints: pl.DataFrame, conversions: pl.DataFrame, *, lookback_days: int = 30) -> int:
    """Conversions with no touch in their look-back window (no model can credit them)."""
    paths = build_paths(touchpoints, conversions.select("customer_id", "converted_at", "value"),
                        lookback_days=lookback_days, include_nulls=False)
    return conversions.height - paths.height


def aggregate_paths(paths: pl.DataFrame) -> pl.DataFrame:
    """Identical paths merged: ``path``, ``conversions``, value columns, ``nulls`` summed, by path.

    Touch times are dropped, so the result serves every model but time decay.
    """
    values = value_columns(paths)
    return (
        paths.lazy()
        .group_by("path")
        .agg(
            pl.col("conversions").sum().cast(pl.Int64),
            *[pl.col(v).sum().cast(pl.Float64) for v in values],
            pl.col("nulls").sum().cast(pl.Int64),
        )
        .with_columns(pl.col("path").list.join(">").alias("_key"))
        .sort("_key")
        .drop("_key")
        .collect()
    )


def value_columns(paths: pl.DataFrame) -> list[str]:
    """The money columns of a paths frame that are attributed alongside conversions."""
    skip = {"path", "conversions", "nulls", "days_before", "customer_id", "journey_id", "ended_at"}
    return [c for c in paths.columns if c not in skip and paths.schema[c].is_numeric()]


# --- attribution --------------------------------------------------------------------------------------


def attribute_paths(
    paths: pl.DataFrame,
    model: str,
    *,
    half_life_days: float = 7.0,
    first_weight: float = 0.4,
    last_weight: float = 0.4,
) -> pl.DataFrame:
    """Credit of each channel under ``model`` (one of :data:`MODELS`).

    Input: a paths frame (see the module docstring); rows with empty paths are refused.
    Returns ``channel`` (str), ``conversions`` (f64) and each value column (f64,
    currency) of the input, one row per channel seen in any path (zero when it earns
    nothing), sorted by channel. Totals equal the input's totals.
    """
    if model not in MODELS:
        raise ValueError(f"unknown attribution model {model!r}; known: {', '.join(MODELS)}")
    _check_paths(paths)
    values = value_columns(paths)
    if model in HEURISTIC_MODELS:
        return _heuristic(paths, model, values, half_life_days=half_life_days, first_weight=first_weight,
                          last_weight=last_weight)
    return _markov_family(paths, values, shapley=model == "shapley")


def attribute_all(paths: pl.DataFrame, models: Sequence[str] = MODELS, **options: float) -> pl.DataFrame:
    """Every model side by side, long format: ``model``, ``channel``, ``conversions``, value columns.

    Heuristics other than time decay and the Markov models run on identical paths
    merged (same result, less work).
    """
    merged = aggregate_paths(paths) if any(m != "time_decay" for m in models) else None
    frames = []
    for model in models:
        source = paths if model == "time_decay" else merged
        frames.append(attribute_paths(source, model, **options).select(pl.lit(model).alias("model"), pl.all()))
    return pl.concat(frames)


def _check_paths(paths: pl.DataFrame) -> None:
    missing = [c for c in ("path", "conversions", "nulls") if c not in paths.columns]
    if missing:
        raise ValueError(f"paths frame lacks columns {missing}")
    if paths.height and (paths["path"].list.len() == 0).any():
        raise ValueError("paths must not be empty: drop journeys without touches first")


def _all_channels(paths: pl.DataFrame) -> pl.DataFrame:
    return paths.lazy().select(pl.col("path").explode().unique().alias("channel")).drop_nulls().collect()


def _heuristic(paths: pl.DataFrame, model: str, values: list[str], *, half_life_days: float, first_weight: float,
               last_weight: float) -> pl.DataFrame:
    if model == "time_decay":
        if half_life_days <= 0:
            raise ValueError("half_life_days must be positive")
        if "days_before" not in paths.columns:
            raise ValueError("time_decay needs touch times: a 'days_before' column (build_paths gives it)")
    if model == "position_based" and not (0 <= first_weight and 0 <= last_weight and first_weight + last_weight <= 1):
        raise ValueError("position weights must be non-negative and add up to at most 1")
    conv = paths.filter(pl.col("conversions") > 0)
    if model == "time_decay" and conv.height and conv["days_before"].null_count():
        raise ValueError("time_decay needs 'days_before' for every converting journey")
    keep = ["path", "conversions", *values] + (["days_before"] if model == "time_decay" else [])
    n = pl.col("n")
    i = pl.col("i")
    if model == "first_touch":
        weight = (i == 0).cast(pl.Float64)
    elif model == "last_touch":
        weight = (i == n - 1).cast(pl.Float64)
    elif model == "linear":
        weight = 1.0 / n
    elif model == "position_based":
        ends = first_weight + last_weight
        middle = 1.0 - ends
        weight = (
            pl.when(n == 1).then(1.0)
            .when(n == 2).then(pl.when(i == 0).then(_safe_share(first_weight, ends))
                               .otherwise(_safe_share(last_weight, ends)))
            .when(i == 0).then(first_weight)
            .when(i == n - 1).then(last_weight)
            .otherwise(middle / (n - 2))
        )
    else:  # time_decay
        raw = (pl.lit(0.5) ** (pl.col("days_before").clip(lower_bound=0.0) / half_life_days))
        weight = raw / raw.sum().over("row")
    exploded = (
        conv.lazy().select(keep)
        .with_row_index("row")
        .with_columns(n=pl.col("path").list.len())
        .with_columns(i=pl.int_ranges(0, pl.col("n")))
        .explode(["path", "i"] + (["days_before"] if model == "time_decay" else []))
        .with_columns(w=weight)
    )
    credited = exploded.group_by(pl.col("path").alias("channel")).agg(
        (pl.col("w") * pl.col("conversions")).sum().cast(pl.Float64).alias("conversions"),
        *[(pl.col("w") * pl.col(v)).sum().cast(pl.Float64).alias(v) for v in values],
    )
    return _complete(paths, credited.collect(), values)


def _safe_share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.5


def _complete(paths: pl.DataFrame, credited: pl.DataFrame, values: list[str]) -> pl.DataFrame:
    """Every channel of the paths, zero where it earned nothing, sorted by channel."""
    return _complete_on(_all_channels(paths), credited, values)


def _complete_on(channels: pl.DataFrame, credited: pl.DataFrame, values: list[str]) -> pl.DataFrame:
    """Every channel of ``channels`` (a ``channel`` column), zero where it earned nothing, sorted by channel."""
    schema = {"channel": pl.String, "conversions": pl.Float64, **{v: pl.Float64 for v in values}}
    credited = credited.select(list(schema)).cast(schema) if credited.height else pl.DataFrame(schema=schema)
    return (
        channels
        .join(credited, on="channel", how="left")
        .with_columns(pl.exclude("channel").fill_null(0.0))
        .select(list(schema))
        .sort("channel")
    )


# --- Markov chain -------------------------------------------------------------------------------------


def transition_counts(paths: pl.DataFrame) -> pl.DataFrame:
    """Counted transitions of the first-order chain, weighted by journeys.

    Returns ``source`` and ``target`` (str; ``(start)``, a channel, ``(conversion)``,
    ``(null)``), ``journeys`` (f64: how many journeys made the step) and, for each
    value column, the value carried by the conversion steps. Repeated consecutive
    touches of a channel are one visit.
    """
    values = value_columns(paths)
    base = (
        paths.lazy()
        .filter((pl.col("conversions") + pl.col("nulls")) > 0)
        .select(
            pl.concat_list(pl.lit([START]), pl.col("path")).alias("seq"),
            "conversions", "nulls", *values,
        )
        .with_row_index("row")
        .explode("seq")
        .filter(pl.col("seq").ne_missing(pl.col("seq").shift(1).over("row")))  # collapse repeats
        .with_columns(target=pl.col("seq").shift(-1).over("row"))
    )
    steps = (
        base.filter(pl.col("target").is_not_null())
        .group_by(pl.col("seq").alias("source"), "target")
        .agg((pl.col("conversions") + pl.col("nulls")).sum().cast(pl.Float64).alias("journeys"),
             *[pl.lit(0.0).alias(v) for v in values])
    )
    last = base.filter(pl.col("target").is_null())
    ends = pl.concat([
        last.group_by(pl.col("seq").alias("source")).agg(
            pl.lit(CONVERSION).alias("target"), pl.col("conversions").sum().cast(pl.Float64).alias("journeys"),
            *[pl.col(v).sum().cast(pl.Float64) for v in values]),
        last.group_by(pl.col("seq").alias("source")).agg(
            pl.lit(NULL).alias("target"), pl.col("nulls").sum().cast(pl.Float64).alias("journeys"),
            *[pl.lit(0.0).alias(v) for v in values]),
    ])
    return (
        pl.concat([steps, ends.select(steps.collect_schema().names())])
        .filter(pl.col("journeys") > 0)
        .sort("source", "target")
        .collect()
    )


class _Chain:
    """The absorbing chain in matrix form: state 0 is the start, 1..n the channels."""

    def __init__(self, counts: pl.DataFrame, values: list[str]) -> None:
        channels = sorted(set(counts["source"].to_list()) - {START})
        self.channels = channels
        index = {START: 0, **{c: i + 1 for i, c in enumerate(channels)}}
        size = len(channels) + 1
        flow = np.zeros((size, size))
        conv = np.zeros(size)
        money = np.zeros((size, len(values)))
        out = np.zeros(size)
        for row in counts.iter_rows(named=True):
            s = index[row["source"]]
            out[s] += row["journeys"]
            if row["target"] == CONVERSION:
                conv[s] += row["journeys"]
                money[s] += [row[v] for v in values]
            elif row["target"] != NULL:
                flow[s, index[row["target"]]] += row["journeys"]
        safe = np.where(out > 0, out, 1.0)
        self.q = flow / safe[:, None]  # transient -> transient
        self.r = np.column_stack([conv / safe, money / safe[:, None]])  # expected conversions, value per visit
        self.journeys = out[0]

    def absorbed(self, keep: np.ndarray) -> np.ndarray:
        """Expected conversions and value per journey from the start, keeping only the masked channels.

        ``keep``: (m, n) booleans, one row per coalition; returns (m, 1 + values).
        Removed channels' incoming transitions go to null (their column is zeroed).
        """
        m, size = keep.shape[0], self.q.shape[0]
        cols = np.concatenate([np.ones((m, 1), dtype=bool), keep], axis=1)
        q = self.q[None, :, :] * cols[:, None, :]
        a = np.eye(size)[None, :, :] - q
        b = np.broadcast_to(self.r, (m, *self.r.shape))
        return np.linalg.solve(a, b)[:, 0, :]


def _markov_family(paths: pl.DataFrame, values: list[str], *, shapley: bool) -> pl.DataFrame:
    totals = np.array([float(paths["conversions"].sum())] + [float(paths[v].sum()) for v in values])
    return _markov_on_counts(transition_counts(paths), totals, _all_channels(paths), values, shapley=shapley)


def _markov_on_counts(counts: pl.DataFrame, totals: np.ndarray, channels: pl.DataFrame, values: list[str], *,
                      shapley: bool) -> pl.DataFrame:
    schema = {"channel": pl.String, "conversions": pl.Float64, **{v: pl.Float64 for v in values}}
    if counts.height == 0 or totals[0] == 0:
        return _complete_on(channels, pl.DataFrame(schema=schema), values)
    chain = _Chain(counts, values)
    n = len(chain.channels)
    if shapley:
        credit = _shapley(chain, n)
    else:
        full = chain.absorbed(np.ones((1, n), dtype=bool))[0]
        removed = chain.absorbed(~np.eye(n, dtype=bool))
        with np.errstate(divide="ignore", invalid="ignore"):
            credit = np.where(full > 0, 1.0 - removed / full, 0.0)
        credit = np.clip(credit, 0.0, None)
    sums = credit.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(sums > 0, credit / sums, 0.0)
    attributed = shares * totals
    frame = pl.DataFrame(
        {"channel": chain.channels, "conversions": attributed[:, 0],
         **{v: attributed[:, k + 1] for k, v in enumerate(values)}},
        schema=schema,
    )
    return _complete_on(channels, frame, values)


def attribute_counted(transitions: pl.DataFrame, credited: Mapping[str, pl.DataFrame],
                      models: Sequence[str] = MODELS) -> pl.DataFrame:
    """Every model from counts instead of journeys, as :func:`attribute_all` gives it on those journeys.

    ``transitions``: the chain's steps counted (:func:`transition_counts`' columns: ``source``,
    ``target``, ``journeys`` and the value columns, which the conversion steps carry);
    ``credited``: per heuristic model, its credit per channel (``channel``, ``conversions``, the value
    columns), summed elsewhere — the database does it (``connectors.attribution_counts``). The Markov
    models run on the transitions; every model lists every channel of the chain, sorted.
    """
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown attribution model {unknown[0]!r}; known: {', '.join(MODELS)}")
    missing = [m for m in models if m in HEURISTIC_MODELS and m not in credited]
    if missing:
        raise ValueError(f"no credit given for {', '.join(missing)}")
    values = [c for c in transitions.columns if c not in ("source", "target", "journeys")]
    states = set(transitions["source"]) | set(transitions["target"])
    channels = pl.DataFrame({"channel": sorted(states - {START, CONVERSION, NULL})}, schema={"channel": pl.String})
    ends = transitions.filter(pl.col("target") == CONVERSION)
    totals = np.array([float(ends["journeys"].sum())] + [float(ends[v].sum()) for v in values])
    counts = transitions.filter(pl.col("journeys") > 0).sort("source", "target")
    frames = []
    for model in models:
        if model in HEURISTIC_MODELS:
            result = _complete_on(channels, credited[model], values)
        else:
            result = _markov_on_counts(counts, totals, channels, values, shapley=model == "shapley")
        frames.append(result.select(pl.lit(model).alias("model"), pl.all()))
    return pl.concat(frames)


def removal_effects(paths: pl.DataFrame) -> pl.DataFrame:
    """``channel``, ``removal_effect`` (0..1): 1 − P(conversion | channel removed) / P(conversion)."""
    counts = transition_counts(paths)
    if counts.height == 0:
        return pl.DataFrame(schema={"channel": pl.String, "removal_effect": pl.Float64})
    chain = _Chain(counts, [])
    n = len(chain.channels)
    full = chain.absorbed(np.ones((1, n), dtype=bool))[0, 0]
    removed = chain.absorbed(~np.eye(n, dtype=bool))[:, 0]
    effect = 1.0 - removed / full if full > 0 else np.zeros(n)
    return pl.DataFrame({"channel": chain.channels, "removal_effect": effect})


def _shapley(chain: _Chain, n: int) -> np.ndarray:
    """Exact Shapley values of every channel, for conversions and each value (n, 1 + values)."""
    if n > MAX_SHAPLEY_CHANNELS:
        raise ValueError(
            f"exact Shapley solves 2^n coalitions; {n} channels is more than {MAX_SHAPLEY_CHANNELS}: "
            "group channels first"
        )
    masks = np.arange(1 << n, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    worth = np.empty((masks.size, chain.r.shape[1]))
    for lo in range(0, masks.size, 4096):
        worth[lo : lo + 4096] = chain.absorbed(bits[lo : lo + 4096]) * chain.journeys
    size = bits.sum(axis=1)
    # weight of a coalition S not containing i: |S|! (n − |S| − 1)! / n!
    weights = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) if s < n else 0.0
                        for s in range(n + 1)])
    out = np.zeros((n, worth.shape[1]))
    for i in range(n):
        without = masks[~bits[:, i]]
        gain = worth[without | (1 << i)] - worth[without]
        out[i] = (weights[size[without]][:, None] * gain).sum(axis=0)
    return np.clip(out, 0.0, None)
