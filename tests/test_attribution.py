"""Attribution: literal examples, a hand-solved absorbing chain, ChannelAttribution, a long simulation,
brute-force Shapley, conservation properties, and the demo company's ground truth."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import math
from collections import Counter, defaultdict
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from connectors.journeys import read_paths
from connectors.read import Filters, read_fact
from metrics.attribution import (
    MODELS, aggregate_paths, attribute_all, attribute_paths, build_paths, removal_effects, transition_counts,
    untracked_conversions,
)

PERIOD = Filters(dt.date(2026, 5, 1), dt.date(2026, 10, 31))


def paths_frame(rows: list[tuple[list[str], int, float, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"path": [r[0] for r in rows], "conversions": [r[1] for r in rows], "value": [r[2] for r in rows],
         "nulls": [r[3] for r in rows]},
        schema={"path": pl.List(pl.String), "conversions": pl.Int64, "value": pl.Float64, "nulls": pl.Int64},
    )


def credit(frame: pl.DataFrame, column: str = "conversions") -> dict[str, float]:
    return dict(zip(frame["channel"].to_list(), frame[column].to_list()))


# --- heuristics on literal frames ---------------------------------------------------------------------

LITERAL = paths_frame([(["a", "b", "c"], 2, 100.0, 0), (["b"], 1, 10.0, 3), (["c", "a"], 0, 0.0, 5)])


@pytest.mark.parametrize("model, conv, value", [
    ("first_touch", {"a": 2.0, "b": 1.0, "c": 0.0}, {"a": 100.0, "b": 10.0, "c": 0.0}),
    ("last_touch", {"a": 0.0, "b": 1.0, "c": 2.0}, {"a": 0.0, "b": 10.0, "c": 100.0}),
    ("linear", {"a": 2 / 3, "b": 2 / 3 + 1, "c": 2 / 3}, {"a": 100 / 3, "b": 100 / 3 + 10, "c": 100 / 3}),
    ("position_based", {"a": 0.8, "b": 0.4 + 1, "c": 0.8}, {"a": 40.0, "b": 30.0, "c": 40.0}),
])
def test_heuristics_literal(model, conv, value) -> None:
    got = attribute_paths(LITERAL, model)
    want = pl.DataFrame({"channel": ["a", "b", "c"], "conversions": [conv[c] for c in "abc"],
                         "value": [value[c] for c in "abc"]})
    assert_frame_equal(got, want, check_exact=False, rel_tol=1e-12)


def test_position_based_two_touches_split_evenly_and_weights_are_options() -> None:
    two = paths_frame([(["a", "b"], 1, 10.0, 0)])
    assert credit(attribute_paths(two, "position_based")) == {"a": 0.5, "b": 0.5}
    four = paths_frame([(["a", "b", "c", "d"], 1, 10.0, 0)])
    got = credit(attribute_paths(four, "position_based", first_weight=0.3, last_weight=0.5))
    assert got == pytest.approx({"a": 0.3, "b": 0.1, "c": 0.1, "d": 0.5})


def test_time_decay_halves_per_half_life() -> None:
    paths = paths_frame([(["a", "b", "a"], 1, 70.0, 0)]).with_columns(
        days_before=pl.Series([[14.0, 7.0, 0.0]], dtype=pl.List(pl.Float64)))
    got = attribute_paths(paths, "time_decay", half_life_days=7)
    # weights 1/4, 1/2, 1 -> normalised 1/7, 2/7, 4/7; 'a' gets the first and the last touch
    assert credit(got) == pytest.approx({"a": 5 / 7, "b": 2 / 7})
    assert credit(got, "value") == pytest.approx({"a": 50.0, "b": 20.0})
    with pytest.raises(ValueError, match="touch times"):
        attribute_paths(paths.drop("days_before"), "time_decay")


def test_edge_cases() -> None:
    empty = paths_frame([])
    for model in MODELS:
        got = attribute_paths(empty.with_columns(days_before=pl.lit(None, dtype=pl.List(pl.Float64))), model)
        assert got.height == 0 and got.columns == ["channel", "conversions", "value"]
    nothing = paths_frame([(["a", "b"], 0, 0.0, 4)])
    for model in ("first_touch", "markov", "shapley"):
        assert credit(attribute_paths(nothing, model)) == {"a": 0.0, "b": 0.0}
    one = paths_frame([(["a"], 3, 30.0, 1)])
    for model in ("last_touch", "markov", "shapley"):
        assert credit(attribute_paths(one, model)) == pytest.approx({"a": 3.0})
    with pytest.raises(ValueError, match="empty"):
        attribute_paths(paths_frame([([], 1, 1.0, 0)]), "linear")
    with pytest.raises(ValueError, match="unknown attribution model"):
        attribute_paths(one, "last_click")


# --- Markov and Shapley, solved by hand -------------------------------------------------------------------

# start -> a (1/2), b (1/2); a -> b (1/2), null (1/2); b -> conversion (2/3), null (1/3).
# P(conv) = 1/2 · 1/3 + 1/2 · 2/3 = 1/2. Without a: 1/2 · 2/3 = 1/3 -> RE(a) = 1/3. Without b: 0 -> RE(b) = 1.
# Credit of 2 conversions ∝ RE: a = 2 · (1/3) / (4/3) = 1/2, b = 3/2. Every conversion closes on b with
# mean value 20, so value follows the same shares: a = 10, b = 30.
# Shapley with v(S) = 4 journeys · P(conv | only S): v(∅) = 0, v(a) = 0, v(b) = 4/3, v(ab) = 2
# -> φ(a) = ½(0 + 2/3) = 1/3, φ(b) = ½(4/3 + 2) = 5/3; values × 20.
HAND = paths_frame([(["a", "a", "b"], 1, 10.0, 0), (["a"], 0, 0.0, 1), (["b"], 1, 30.0, 1)])


def test_markov_equals_the_hand_solved_chain() -> None:
    got = attribute_paths(HAND, "markov")
    assert credit(got) == pytest.approx({"a": 0.5, "b": 1.5}, abs=1e-12)
    assert credit(got, "value") == pytest.approx({"a": 10.0, "b": 30.0}, abs=1e-12)
    effects = removal_effects(HAND)
    assert dict(zip(effects["channel"], effects["removal_effect"])) == pytest.approx(
        {"a": float(Fraction(1, 3)), "b": 1.0}, abs=1e-12)


def test_shapley_equals_the_hand_solved_game() -> None:
    got = attribute_paths(HAND, "shapley")
    assert credit(got) == pytest.approx({"a": 1 / 3, "b": 5 / 3}, abs=1e-12)
    assert credit(got, "value") == pytest.approx({"a": 20 / 3, "b": 100 / 3}, abs=1e-12)


def test_transition_counts_collapse_repeats() -> None:
    counts = transition_counts(HAND)
    got = {(r["source"], r["target"]): r["journeys"] for r in counts.iter_rows(named=True)}
    assert got == {("(start)", "a"): 2.0, ("(start)", "b"): 2.0, ("a", "b"): 1.0, ("a", "(null)"): 1.0,
                   ("b", "(conversion)"): 2.0, ("b", "(null)"): 1.0}


def _chain_probabilities(paths: pl.DataFrame) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Transition probabilities counted in plain Python (a second, independent implementation)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for path, conv, nulls in zip(paths["path"].to_list(), paths["conversions"].to_list(), paths["nulls"].to_list()):
        seq = ["(start)"] + [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
        for a, b in zip(seq, seq[1:]):
            counts[a][b] += conv + nulls
        counts[seq[-1]]["(conversion)"] += conv
        counts[seq[-1]]["(null)"] += nulls
    probs = {s: {t: n / sum(c.values()) for t, n in c.items() if n} for s, c in counts.items() if sum(c.values())}
    return sorted(set(probs) - {"(start)"}), probs


def _brute_force_shapley(paths: pl.DataFrame) -> dict[str, float]:
    """Shapley over every ordering of channels; v(S) by value iteration on the chain, not a linear solve."""
    channels, probs = _chain_probabilities(paths)
    journeys = float((paths["conversions"] + paths["nulls"]).sum())

    def worth(keep: frozenset[str]) -> float:
        p = defaultdict(float)
        for _ in range(2000):
            p = {s: sum(q * (1.0 if t == "(conversion)" else p.get(t, 0.0) if t in keep else 0.0)
                        for t, q in probs[s].items()) for s in probs}
        return journeys * p["(start)"]

    cache: dict[frozenset[str], float] = {}
    phi = dict.fromkeys(channels, 0.0)
    orders = list(itertools.permutations(channels))
    for order in orders:
        seen: frozenset[str] = frozenset()
        for c in order:
            for s in (seen, seen | {c}):
                if s not in cache:
                    cache[s] = worth(s)
            phi[c] += (cache[seen | {c}] - cache[seen]) / len(orders)
            seen = seen | {c}
    return phi


def test_shapley_equals_brute_force_over_all_orderings() -> None:
    paths = paths_frame([
        (["a", "b", "c"], 3, 30.0, 2), (["b", "d"], 2, 20.0, 5), (["c"], 1, 10.0, 4), (["d", "a", "b"], 1, 10.0, 1),
        (["a"], 0, 0.0, 6), (["c", "b", "c"], 2, 20.0, 1), (["d"], 1, 10.0, 3),
    ])
    got = credit(attribute_paths(paths, "shapley"))
    want = _brute_force_shapley(paths)
    assert got == pytest.approx(want, rel=1e-9)
    assert sum(got.values()) == pytest.approx(10.0)


# --- independent references on the demo's journeys ---------------------------------------------------


@pytest.fixture(scope="module")
def demo_paths(small_store):
    return read_paths(small_store, PERIOD, lookback_days=30)


def _simulate_removal_shares(paths: pl.DataFrame, walkers: int, seed: int = 7, chunk: int = 2_000_000) -> dict[str, float]:
    """Random walks on the counted chain: P(channel visited | converted), normalised — the removal effect."""
    channels, probs = _chain_probabilities(paths)
    states = ["(start)", *channels, "(conversion)", "(null)"]
    index = {s: i for i, s in enumerate(states)}
    cum = np.zeros((len(states), len(states)))
    for s, row in probs.items():
        for t, q in row.items():
            cum[index[s], index[t]] = q
    cum = np.cumsum(cum, axis=1)
    rng = np.random.default_rng(seed)
    conv, null = index["(conversion)"], index["(null)"]
    hits = np.zeros(len(channels))
    for _ in range(walkers // chunk):
        pos = np.zeros(chunk, dtype=np.int64)
        visited = np.zeros((chunk, len(states)), dtype=bool)
        alive = np.ones(chunk, dtype=bool)
        for _ in range(500):
            idx = np.flatnonzero(alive)
            if idx.size == 0:
                break
            nxt = (rng.random(idx.size)[:, None] > cum[pos[idx]]).sum(axis=1)
            pos[idx] = nxt
            visited[idx, nxt] = True
            alive[idx] = (nxt != conv) & (nxt != null)
        hits += visited[pos == conv][:, 1 : 1 + len(channels)].sum(axis=0)
    return dict(zip(channels, hits / hits.sum()))


def test_markov_equals_a_long_simulation_within_one_percent(demo_paths) -> None:
    merged = aggregate_paths(demo_paths.paths.drop("gross_profit"))
    got = attribute_paths(merged, "markov")
    total = float(got["conversions"].sum())
    shares = {c: v / total for c, v in credit(got).items()}
    simulated = _simulate_removal_shares(merged, walkers=16_000_000)
    for channel, share in shares.items():
        if share > 0.02:
            assert simulated[channel] == pytest.approx(share, rel=0.01), channel


def _quiet_channel_attribution():
    with contextlib.redirect_stdout(io.StringIO()):
        import ChannelAttribution as ca
    return ca


def _pandas_paths(merged: pl.DataFrame):
    return merged.with_columns(pl.col("path").list.join(">")).to_pandas()


def test_heuristics_equal_channel_attribution(demo_paths) -> None:
    ca = _quiet_channel_attribution()
    merged = aggregate_paths(demo_paths.paths.drop("gross_profit")).filter(pl.col("conversions") > 0)
    with contextlib.redirect_stdout(io.StringIO()):
        ref = pl.from_pandas(ca.heuristic_models(_pandas_paths(merged), "path", "conversions", var_value="value",
                                                 flg_pro=False))
    for model, prefix in (("first_touch", "first_touch"), ("last_touch", "last_touch"), ("linear", "linear_touch")):
        got = attribute_paths(merged, model).join(ref, left_on="channel", right_on="channel_name", how="full")
        assert got["conversions"].to_list() == pytest.approx(got[f"{prefix}_conversions"].to_list(), rel=1e-9), model
        assert got["value"].to_list() == pytest.approx(got[f"{prefix}_value"].to_list(), rel=1e-9), model


def test_markov_agrees_with_channel_attribution(demo_paths) -> None:
    ca = _quiet_channel_attribution()
    merged = aggregate_paths(demo_paths.paths.drop("gross_profit"))
    with contextlib.redirect_stdout(io.StringIO()):
        ref = ca.markov_model(_pandas_paths(merged), "path", "conversions", var_value="value", var_null="nulls",
                              nsim_start=1e7, max_step=200, conv_par=0.05, verbose=False, flg_pro=False)
    ref = pl.from_pandas(ref)
    got = attribute_paths(merged, "markov").join(ref, left_on="channel", right_on="channel_name")
    big = got.filter(pl.col("conversions") > 0.03 * pl.col("conversions").sum())
    assert big.height >= 7
    # ChannelAttribution estimates the same removal effects by simulation (10 folds of 1M walks): ~1% noise
    assert big["total_conversions"].to_list() == pytest.approx(big["conversions"].to_list(), rel=0.025)
    assert big["total_conversion_value"].to_list() == pytest.approx(big["value"].to_list(), rel=0.03)


# --- properties -----------------------------------------------------------------------------------------

path_rows = st.lists(
    st.tuples(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=6), st.integers(0, 5),
              st.floats(0, 1e5, allow_subnormal=False), st.integers(0, 5)),
    min_size=1, max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(path_rows, st.floats(0.01, 100.0))
def test_every_model_conserves_totals_and_ignores_currency(rows, rate) -> None:
    rows = [(p, c, v if c else 0.0, n) for p, c, v, n in rows]
    paths = paths_frame(rows).with_columns(
        days_before=pl.col("path").list.eval(pl.int_range(pl.len()).cast(pl.Float64).reverse()))
    total_c, total_v = float(paths["conversions"].sum()), float(paths["value"].sum())
    for model in MODELS:
        got = attribute_paths(paths, model)
        assert (got["conversions"] >= -1e-9).all(), model
        assert got["conversions"].sum() == pytest.approx(total_c, rel=1e-9, abs=1e-9), model
        assert got["value"].sum() == pytest.approx(total_v, rel=1e-9, abs=1e-6), model
        scaled = attribute_paths(paths.with_columns(pl.col("value") * rate), model)
        assert scaled["value"].to_list() == pytest.approx((got["value"] * rate).to_list(), rel=1e-6, abs=1e-6)


def test_attribute_all_gives_every_model_and_merging_changes_nothing() -> None:
    paths = paths_frame([(["a", "b"], 2, 20.0, 1), (["a", "b"], 1, 5.0, 2), (["b", "c"], 1, 7.0, 0)]).with_columns(
        days_before=pl.Series([[3.0, 1.0], [2.0, 0.0], [5.0, 0.5]]))
    every = attribute_all(paths)
    assert every["model"].unique(maintain_order=True).to_list() == list(MODELS)
    for model in MODELS:
        assert_frame_equal(every.filter(pl.col("model") == model).drop("model"), attribute_paths(paths, model),
                           check_exact=False)


# --- journeys ---------------------------------------------------------------------------------------------


def test_build_paths_literal() -> None:
    ts = lambda d, h=12: dt.datetime(2026, 3, d, h)  # noqa: E731
    touches = pl.DataFrame({
        "journey_id": [1, 1, 1, 2, 3, 3, 4],
        "customer_id": [10, 10, 10, 10, None, None, None],
        "ts": [ts(1), ts(20), ts(25), ts(24), ts(5), ts(9), ts(30)],
        "channel_id": ["display", "search_ads", "retargeting", "direct", "display", "retargeting", "social_ads"],
    })
    conversions = pl.DataFrame({"customer_id": [10, 11], "converted_at": [ts(26), ts(26)], "value": [500.0, 80.0]})
    got = build_paths(touches, conversions, lookback_days=7, period=(dt.date(2026, 3, 1), dt.date(2026, 3, 10)))
    assert got["path"].to_list() == [["display", "retargeting"], ["search_ads", "direct", "retargeting"]]
    assert got["conversions"].to_list() == [0, 1] and got["nulls"].to_list() == [1, 0]
    assert got["days_before"].to_list()[1] == pytest.approx([6.0, 2.0, 1.0])
    assert got["value"].to_list() == [0.0, 500.0]
    assert untracked_conversions(touches, conversions, lookback_days=7) == 1  # customer 11 has no touch


def test_sql_journeys_equal_the_polars_build(small_store, demo_paths) -> None:
    touches = read_fact(small_store, "touchpoints", Filters(PERIOD.start - dt.timedelta(days=40), PERIOD.end))
    customers = read_fact(small_store, "customers", PERIOD)
    orders = read_fact(small_store, "orders", PERIOD)
    conversions = customers.join(orders, left_on=["customer_id", "first_seen"], right_on=["customer_id", "ordered_at"],
                                 how="left").group_by("customer_id").agg(
        pl.col("first_seen").first().alias("converted_at"), pl.col("revenue").sum().alias("value"),
        (pl.col("revenue") - pl.col("cost_of_goods")).sum().alias("gross_profit"))
    built = build_paths(touches, conversions, lookback_days=30, period=(PERIOD.start, PERIOD.end))
    assert_frame_equal(aggregate_paths(built), aggregate_paths(demo_paths.paths), check_exact=False)
    conv = demo_paths.paths.filter(pl.col("conversions") > 0)
    assert_frame_equal(built.filter(pl.col("conversions") > 0).select(conv.columns), conv, check_exact=False)
    assert demo_paths.new_customers == customers.height
    assert demo_paths.untracked == customers.height - conv.height


# --- ground truth -----------------------------------------------------------------------------------------


def test_markov_ranks_the_upper_funnel_higher_than_last_touch(small_demo, demo_paths) -> None:
    truth = small_demo.truth
    every = attribute_all(demo_paths.paths)

    def ranks(model: str) -> dict[str, int]:
        part = every.filter(pl.col("model") == model).sort("conversions", descending=True)
        return {c: i for i, c in enumerate(part["channel"].to_list())}

    def shares(model: str) -> dict[str, float]:
        part = every.filter(pl.col("model") == model)
        return {c: v / part["conversions"].sum() for c, v in zip(part["channel"], part["conversions"])}

    last, markov = ranks("last_touch"), ranks("markov")
    for channel in truth["upper_funnel"]:
        assert markov[channel] < last[channel], channel
        assert shares("markov")[channel] > 2 * shares("last_touch")[channel], channel
        # the causal share of customers (lead sources) is much closer to Markov than to last touch
        true = truth["lead_sources"][channel]
        assert abs(shares("markov")[channel] - true) < abs(shares("last_touch")[channel] - true), channel
    closers = [c for c in truth["closers"] if c in last and c in ("retargeting", "newsletter")]
    for channel in closers:
        assert shares("markov")[channel] < shares("last_touch")[channel], channel
    assert math.isclose(every.filter(pl.col("model") == "markov")["conversions"].sum(),
                        demo_paths.paths["conversions"].sum())
