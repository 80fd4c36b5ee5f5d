"""The joint marketing-mix model: fit and optimiser times, and how well known answers are recovered.

    python -m benchmarks.mmm             # simulated and public data
    python -m benchmarks.mmm --demo      # also the small demo (built in memory, about 10 s)

Prints:
1. the fit of 15 channels × 156 weeks with 200 posterior draws (median of ``--repeat``, default 3) and
   the point fit alone;
2. the optimiser on that fit (best split of the recent weekly total, with its 90% range);
3. recovery errors (decay, contribution share in percentage points) for channels with at least 5% of the
   outcome: the 15-channel data set, four seeds of the 6-channel one, PyMC-Marketing's example data and,
   with ``--demo``, the demo company's weekly leads.
The machine is shared and noisy; figures are medians where repeated.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from metrics.mmm import channel_summary, fit_mmm, mmm_input, optimise_mix  # noqa: E402
from metrics.mmm.simulate import default_channels, simulate_mmm  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OTHER_TOOLS = ("pymc-marketing and google-meridian were not timed: neither is installed here, and both pull a "
               "probabilistic-programming stack (PyMC/PyTensor with a C compiler, or TensorFlow Probability) far "
               "heavier than this app's dependencies.")


def _errors(table: pl.DataFrame, truth: dict[str, tuple[float, float]]) -> list[str]:
    """``channel dθ dshare`` for channels whose true share is at least 5%; truth: channel -> (theta, share)."""
    out = []
    for row in table.iter_rows(named=True):
        theta, share = truth[row["channel"]]
        if share >= 0.05:
            out.append(f"{row['channel']} dθ {row['decay'] - theta:+.3f} dshare {100 * (row['contribution_share'] - share):+.1f} pp")
    return out


def simulated(repeat: int) -> None:
    channels = default_channels(15)
    frame, truth = simulate_mmm(156, channels=channels, seed=0)
    data = mmm_input(frame, date="week", outcome="outcome", spend=[c.name for c in channels], controls=["holiday"])
    times, fit = [], None
    for _ in range(repeat):
        fit = fit_mmm(data, n_draws=200)
        times.append(fit.fit_seconds)
    point = statistics.median(fit_mmm(data, n_draws=0).fit_seconds for _ in range(repeat))
    print(f"1. fit, 15 channels x 156 weeks, 200 posterior draws: median {statistics.median(times):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in times)}); point fit alone {point:.2f} s")
    budget = float(data.spend[-13:].mean(0).sum())
    plans = [optimise_mix(fit, weekly_budget=budget) for _ in range(repeat)]
    plan = plans[-1]
    print(f"2. optimiser, weekly budget {budget:,.0f}: median {statistics.median(p.seconds for p in plans):.3f} s; "
          f"media outcome {plan.media_outcome:,.1f} per week, 90% range {plan.media_range[0]:,.1f}-{plan.media_range[1]:,.1f}")
    t = {name: (v["theta"], v["share"]) for name, v in truth["channels"].items()}
    print("3. recovery (channels with >= 5% share)")
    print("   15 channels, seed 0: " + "; ".join(_errors(channel_summary(fit), t)))
    six = default_channels()
    for seed in range(4):
        f6, t6 = simulate_mmm(156, channels=six, seed=seed)
        d6 = mmm_input(f6, date="week", outcome="outcome", spend=[c.name for c in six], controls=["holiday"])
        table = channel_summary(fit_mmm(d6, n_draws=0))
        print(f"   6 channels, seed {seed}: " + "; ".join(
            _errors(table, {n: (v["theta"], v["share"]) for n, v in t6["channels"].items()})))


def public() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.mmm_reference import PYMC_EXAMPLE, PYMC_TRUE_DECAY, pymc_example, pymc_true_shares

    if not PYMC_EXAMPLE.exists():
        print(f"   PyMC-Marketing example: not measured, {PYMC_EXAMPLE} is missing (tests/data/README.md)")
        return
    frame = pymc_example()
    data = mmm_input(frame, date="date_week", outcome="y", spend=["x1", "x2"], controls=["event_1", "event_2"])
    fit = fit_mmm(data, n_draws=200)
    shares = pymc_true_shares(frame)
    table = channel_summary(fit)
    print(f"   PyMC-Marketing example (179 weeks, fit {fit.fit_seconds:.2f} s): " + "; ".join(
        _errors(table, {c: (PYMC_TRUE_DECAY[c], shares[c]) for c in ("x1", "x2")})))
    row = table.filter(pl.col("channel") == "x1").row(0, named=True)
    print(f"     x1 share 90% interval {100 * row['share_lo']:.1f}-{100 * row['share_hi']:.1f}% "
          f"(true {100 * shares['x1']:.1f}%)")


def demo() -> None:
    from connectors.demo import build_demo
    from connectors.demo.mmm_truth import true_weekly_contribution

    d = build_demo("small", 42)
    spend = (d.frames["spend"].with_columns(period=pl.col("day").dt.truncate("1w"))
             .group_by("period", "channel_id").agg(spend=pl.col("amount").sum()))
    leads = (d.frames["leads"].with_columns(period=pl.col("created_at").dt.date().dt.truncate("1w"))
             .group_by("period").agg(leads=pl.len()))
    from metrics.mmm.data import weekly_frame

    frame = weekly_frame(spend, leads, last_day=dt.date.fromisoformat(d.truth["period"]["end"]), outcome_name="leads")
    channels = sorted(c for c in frame.columns if c not in ("week", "leads"))
    fit = fit_mmm(mmm_input(frame, date="week", outcome="leads", spend=channels), n_draws=0)
    contribution = true_weekly_contribution(d.truth).filter(pl.col("week").is_in(frame["week"].implode()))
    total = frame["leads"].sum()
    shares = {r["channel_id"]: r["c"] / total
              for r in contribution.group_by("channel_id").agg(c=pl.col("contribution").sum()).iter_rows(named=True)}
    curves = d.truth["response_curves"]["channels"]
    truth = {c: (curves.get(c, {}).get("theta", float("nan")), shares[c]) for c in channels}
    table = channel_summary(fit)
    print(f"   demo, {frame.height} weeks x {len(channels)} channels (fit {fit.fit_seconds:.2f} s): "
          + "; ".join(_errors(table, truth)))
    false = table.filter(pl.col("channel").is_in([c for c in channels if c not in curves]))
    print("     channels causing no leads, share taken: " + ", ".join(
        f"{r['channel']} {100 * r['contribution_share']:.1f}%" for r in false.iter_rows(named=True)
        if r["contribution_share"] >= 0.005))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mmm")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", action="store_true", help="also fit the small demo company")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    simulated(args.repeat)
    public()
    if args.demo:
        demo()
    print(f"4. {OTHER_TOOLS}")
    print(f"(total {time.perf_counter() - started:.0f} s; cores {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
