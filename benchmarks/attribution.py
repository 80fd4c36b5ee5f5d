"""Attribution speed on the large demo, and Markov against ChannelAttribution's ``markov_model``.

    python -m benchmarks.attribution                         # builds data/large.duckdb on first use
    python -m benchmarks.attribution --db /tmp/large.duckdb --days 120 --repeat 3

Prints: the journeys of the last ``--days`` days built in SQL (time, converting and
non-converting journeys, distinct paths); each model's median time on them; our
exact Markov next to ChannelAttribution's simulated ``markov_model`` on the same
merged paths (time ratio and agreement per channel); ChannelAttribution's heuristic
models next to ours; and the Sales page's whole computation, cold and warm, for the
default period and for 12 months. Figures are medians; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import time
from pathlib import Path

import polars as pl

from connectors.journeys import read_paths
from connectors.read import Filters
from connectors.store import DuckDBStore, truth_of
from metrics.attribution import MODELS, aggregate_paths, attribute_paths
from benchmarks.loaders import DEFAULT_DB, ensure_large
from benchmarks.loaders import median_time as timed



def channel_attribution():
    with contextlib.redirect_stdout(io.StringIO()):
        import ChannelAttribution as ca
    return ca


def compare_markov(merged: pl.DataFrame, ours: pl.DataFrame, nsim: float, repeat: int) -> None:
    ca = channel_attribution()
    frame = merged.with_columns(pl.col("path").list.join(">")).to_pandas()

    def run():
        with contextlib.redirect_stdout(io.StringIO()):
            return ca.markov_model(frame, "path", "conversions", var_value="value", var_null="nulls",
                                   nsim_start=nsim, max_step=200, conv_par=0.05, verbose=False, flg_pro=False)

    ours_t, _ = timed(lambda: attribute_paths(merged, "markov"), repeat)
    ref_t, ref = timed(run, max(1, repeat // 2))
    joined = ours.join(pl.from_pandas(ref), left_on="channel", right_on="channel_name").with_columns(
        share=pl.col("conversions") / pl.col("conversions").sum(),
        ratio=pl.col("total_conversions") / pl.col("conversions"),
        value_ratio=pl.col("total_conversion_value") / pl.col("value"),
    ).sort("conversions", descending=True)
    print(f"\nMarkov: exact (ours) {ours_t:.3f}s vs ChannelAttribution markov_model ({nsim:.0e} simulated "
          f"journeys) {ref_t:.2f}s -> ours is {ref_t / ours_t:.0f}x faster")
    print(f"{'channel':<14}{'share':>8}{'ours':>12}{'CA':>12}{'CA/ours':>9}{'value CA/ours':>15}")
    for r in joined.iter_rows(named=True):
        print(f"{r['channel']:<14}{r['share']:>8.1%}{r['conversions']:>12,.1f}{r['total_conversions']:>12,.1f}"
              f"{r['ratio']:>9.4f}{r['value_ratio']:>15.4f}")
    big = joined.filter(pl.col("share") > 0.03)
    tv = 0.5 * (joined["conversions"] / joined["conversions"].sum()
                - joined["total_conversions"] / joined["total_conversions"].sum()).abs().sum()
    print(f"agreement: largest |CA/ours − 1| over channels above 3% = {(big['ratio'] - 1).abs().max():.2%}; "
          f"total variation distance between the two credit splits = {tv:.3%}")


def compare_heuristics(merged: pl.DataFrame, repeat: int) -> None:
    ca = channel_attribution()
    conv = merged.filter(pl.col("conversions") > 0)
    frame = conv.with_columns(pl.col("path").list.join(">")).to_pandas()

    def run():
        with contextlib.redirect_stdout(io.StringIO()):
            return ca.heuristic_models(frame, "path", "conversions", var_value="value", flg_pro=False)

    ref_t, ref = timed(run, repeat)
    ref = pl.from_pandas(ref)
    ours_t, _ = timed(lambda: [attribute_paths(conv, m) for m in ("first_touch", "last_touch", "linear")], repeat)
    worst = 0.0
    for model, prefix in (("first_touch", "first_touch"), ("last_touch", "last_touch"), ("linear", "linear_touch")):
        j = attribute_paths(conv, model).join(ref, left_on="channel", right_on="channel_name")
        worst = max(worst, float((j["conversions"] - j[f"{prefix}_conversions"]).abs().max()))
    print(f"\nHeuristics (first, last, linear): ours {ours_t:.3f}s, ChannelAttribution {ref_t:.3f}s; "
          f"largest difference {worst:.2e} conversions")


def page_timings(store: DuckDBStore) -> None:
    """The Sales page's whole computation (dashboard.sales.data.sales_results) outside the browser."""
    import streamlit as st

    from dashboard.context import base_context, build_context
    from dashboard.filters import ViewState
    from dashboard.sales.data import sales_results

    version, channels, campaigns, regions, bounds = base_context(store)
    for period in ("last_90_days", "last_12_months"):
        ctx = build_context(store, ViewState(period=period), version, channels, campaigns, regions, bounds)
        st.cache_resource.clear()
        t0 = time.perf_counter()
        sales_results(ctx, "markov", 30, "week")
        cold = time.perf_counter() - t0
        warm, _ = timed(lambda: sales_results(ctx, "markov", 30, "week"), 3)
        other, _ = timed(lambda: sales_results(ctx, "shapley", 30, "month"), 1)
        print(f"Sales page computation, {period} ({ctx.period[0]} .. {ctx.period[1]}, with comparison): "
              f"cold {cold:.2f}s, warm {warm:.3f}s, another model and grain {other:.3f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--days", type=int, default=120, help="journeys ending in the last N days (≈1M at 120)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nsim", type=float, default=1e7, help="ChannelAttribution's simulated journeys")
    parser.add_argument("--skip-page", action="store_true")
    args = parser.parse_args()

    store = ensure_large(args.db)
    end = dt.date.fromisoformat(truth_of(store)["period"]["end"])
    flt = Filters(end - dt.timedelta(days=args.days - 1), end)
    build_t, journeys = timed(lambda: read_paths(store, flt, lookback_days=30), args.repeat)
    paths = journeys.paths
    converting = int(paths["conversions"].sum())
    total = converting + int(paths["nulls"].sum())
    merge_t, merged = timed(lambda: aggregate_paths(paths), args.repeat)
    print(f"Journeys ending {flt.start} .. {flt.end}, look-back 30 days: {total:,} journeys ({converting:,} converting, "
          f"{total - converting:,} not), {merged.height:,} distinct paths")
    print(f"built in SQL: {build_t:.2f}s; identical paths merged: {merge_t:.3f}s")
    print(f"\n{'model':<16}{'seconds':>9}")
    results = {}
    for model in MODELS:
        source = paths if model == "time_decay" else merged
        seconds, results[model] = timed(lambda: attribute_paths(source, model), args.repeat)
        print(f"{model:<16}{seconds:>9.3f}")
    compare_heuristics(merged.drop("gross_profit"), args.repeat)
    compare_markov(merged.drop("gross_profit"), results["markov"], args.nsim, args.repeat)
    if not args.skip_page:
        print()
        page_timings(store)


if __name__ == "__main__":
    main()
