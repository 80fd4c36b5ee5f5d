"""Response curves and the optimiser: fit and optimiser times, and how well known curves are recovered.

    python -m benchmarks.response                          # large demo at data/large.duckdb (built when missing)
    python -m benchmarks.response --db /tmp/large.duckdb --repeat 5

Prints medians of:
1. the fit of 10 synthetic channels × 156 weeks with known parameters (with the app's 100
   bootstrap refits, and the point fit alone), with the recovered-vs-true parameters;
2. the optimiser on those curves (best split of a total; smallest budget for a target) and
   its reconciliation (its total vs the curves summed week by week);
3. the fit on the small demo (built in memory) and on the large one (``--db``), with the
   recovered-vs-true decay θ and half-saturation κ of every sales channel, and the large
   demo's loading time and warm page computation;
4. what was found about public data sets with known true parameters shipped in packages;
5. in headless Chromium on the small demo: a budget edit until the KPIs are redrawn.
Figures are medians; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

import numpy as np
import polars as pl
from benchmarks.loaders import median_time

from metrics.optimiser import optimise_budget, smallest_budget
from metrics.response import CurveParams, fit_response, weekly_leads, weekly_series, weekly_sums
from metrics.scenarios import Planner, last_period_budgets, period_start

DEFAULT_DB = Path("data/large.duckdb")
PUBLIC_DATA = """Public data with known true parameters, looked for in packages on PyPI:
  - pymc-marketing 0.19.2 and google-meridian 2.1.0: their wheels ship no data files (the example
    data sets live in their source repositories only);
  - robynpy 0.3.6 ships Robyn's dt_simulated_weekly.csv, but without the parameters it was simulated
    with, so nothing can be checked against it;
  - mamimo 0.4.3 generates a fake MMM data set with known carry-over strengths in code, but needs
    numpy < 2 and pandas < 2 (this app pins numpy 2.4) and uses a truncated, normalised carry-over
    window and an exponential saturation, not the geometric + Hill curves fitted here.
  None fits, so recovery is measured on the synthetic channels above and on the demo company."""


def synthetic(channels: int = 10, weeks: int = 156, seed: int = 7) -> tuple[pl.DataFrame, dict[str, CurveParams]]:
    """Flighted spend, Poisson leads through known curves, and an organic baseline."""
    rng = np.random.default_rng(seed)
    start = dt.date(2023, 1, 2)
    rows, truth = [], {}
    for i in range(channels):
        ch = f"ch{i:02d}"
        mean = float(rng.uniform(5_000, 60_000))
        p = CurveParams(theta=float(rng.uniform(0.05, 0.8)), kappa=mean * float(rng.uniform(0.6, 2.0)),
                        s=float(rng.uniform(0.9, 2.2)), beta=float(rng.uniform(60, 400)))
        truth[ch] = p
        levels = rng.choice([0.0, 0.3, 0.7, 1.0, 1.5, 2.2], size=weeks // 3 + 1).repeat(3)[:weeks]
        spend = mean * levels * rng.lognormal(0, 0.1, weeks)
        leads = rng.poisson(weekly_leads(spend, p)).astype(float)
        rows += [(start + dt.timedelta(weeks=w), ch, spend[w], leads[w]) for w in range(weeks)]
    organic = rng.poisson(80 * (1 + 0.2 * np.sin(2 * np.pi * np.arange(weeks) / 52.18))).astype(float)
    rows += [(start + dt.timedelta(weeks=w), "organic", 0.0, organic[w]) for w in range(weeks)]
    frame = pl.DataFrame(rows, schema={"week": pl.Date, "channel_id": pl.String, "spend": pl.Float64,
                                       "leads": pl.Float64}, orient="row").sort("channel_id", "week")
    return frame, truth


def recovery_table(model, truth: dict) -> None:
    print(f"  {'channel':12s} {'θ fit':>6s} {'θ true':>7s} {'κ fit':>11s} {'κ true':>11s} {'κ err':>7s}  90% κ range")
    for ch, p in truth.items():
        f = model.fits.get(ch)
        true_theta, true_kappa = (p.theta, p.kappa) if isinstance(p, CurveParams) else (p["theta"], p["kappa"])
        if f is None or f.params is None:
            print(f"  {ch:12s} {'—':>6s} {true_theta:>7.2f} {'—':>11s} {true_kappa:>11,.0f}  ({f.kind if f else 'no leads'})")
            continue
        lo, hi = np.quantile(f.draws[:, 1], [0.05, 0.95])
        print(f"  {ch:12s} {f.params.theta:>6.2f} {true_theta:>7.2f} {f.params.kappa:>11,.0f} {true_kappa:>11,.0f} "
              f"{f.params.kappa / true_kappa - 1:>+6.0%}  {lo:,.0f} – {hi:,.0f}")


def independent_total(plan: Planner, budgets: dict[str, float], objective: str) -> float:
    total = 0.0
    for ch, c in plan.channels.items():
        if c.kind == "constant":
            leads = c.level * plan.weeks
        else:
            spend = np.r_[np.full(plan.weeks, budgets[ch] / plan.weeks), np.zeros(3000)]
            leads = float(weekly_leads(spend, plan.model.fits[ch].params).sum())
        total += leads * c.value_per_lead(objective)
    return total


def bench_synthetic(repeat: int) -> None:
    weekly, truth = synthetic()
    print(f"\n1. Synthetic: {len(truth)} channels × {weekly['week'].n_unique()} weeks (+ an organic baseline)")
    t_full, model = median_time(lambda: fit_response(weekly, n_boot=100), repeat)
    t_point, _ = median_time(lambda: fit_response(weekly, n_boot=1), repeat)
    print(f"  fit with 100 bootstrap refits: {t_full:.2f} s; point fit alone: {t_point:.2f} s")
    recovery_table(model, truth)

    economics = pl.DataFrame({"channel_id": list(model.fits), "conversion": 0.3, "revenue_per_customer": 30_000.0,
                              "gross_profit_per_customer": 11_000.0})
    plan = Planner(model, economics, weeks=13)
    start = last_period_budgets(weekly, weeks=13, channels=model.spend_channels())
    total = sum(start.values())
    bounds = {ch: (0.0, 3 * max(v, 10_000.0)) for ch, v in start.items()}
    t_opt, answer = median_time(lambda: optimise_budget(plan, total=total, start=start, bounds=bounds), repeat)
    print(f"\n2. Optimiser, 10 channels, 13 weeks: best split of {total:,.0f} in {t_opt * 1000:.0f} ms "
          f"(gross profit {answer.start_value:,.0f} → {answer.value:,.0f}, {answer.value / answer.start_value - 1:+.1%}; "
          f"won by: {answer.method})")
    check = independent_total(plan, answer.budgets, "gross_profit")
    print(f"  reconciliation: optimiser total {answer.value:,.2f} vs curves summed week by week {check:,.2f} "
          f"(relative difference {abs(answer.value / check - 1):.1e})")
    target = 1.2 * answer.start_value
    t_small, small = median_time(lambda: smallest_budget(plan, target=target, start=start, bounds=bounds), repeat)
    print(f"  smallest budget for gross profit {target:,.0f}: {small.total:,.0f} (vs {total:,.0f} now) "
          f"in {t_small * 1000:.0f} ms")


def demo_weekly_from_frames(frames: dict) -> tuple[pl.DataFrame, dt.date]:
    last = frames["spend"]["day"].max()
    return weekly_series(weekly_sums(frames["spend"], time_col="day", value="amount", name="spend"),
                         weekly_sums(frames["leads"], time_col="created_at", value=None, name="leads"),
                         last_day=last), last


def bench_small_demo(repeat: int) -> None:
    from connectors.demo import build_demo

    demo = build_demo("small", 42)
    weekly, _ = demo_weekly_from_frames(demo.frames)
    t_fit, model = median_time(lambda: fit_response(weekly, n_boot=100), repeat)
    t_test, _ = median_time(lambda: fit_response(weekly, n_boot=40), repeat)
    print(f"\n3a. Small demo ({weekly['week'].n_unique()} weeks, {weekly['channel_id'].n_unique()} channels): "
          f"fit {t_fit:.2f} s (the fit's own clock, shown on the page: {model.seconds:.2f} s); with the tests' 40 "
          f"bootstrap refits {t_test:.2f} s (bar < 60 s)")
    recovery_table(model, demo.truth["response_curves"]["channels"])


def bench_large_demo(path: Path, repeat: int) -> None:
    from benchmarks.loaders import ensure_large
    from connectors import read
    from dashboard.scenarios import data as scn

    from connectors.store import truth_of

    store = ensure_large(path)
    true = truth_of(store)
    last = read.activity_bounds(store)[1]
    rows = true["rows"]

    def load():  # what the page reads, counted by the database
        return scn.weekly(store, last), scn.economics(store, last)["12m"], rows["leads"], rows["orders"]

    t_load, (weekly, economics, n_leads, n_orders) = median_time(load, max(1, repeat // 2))
    t_fit, model = median_time(lambda: fit_response(weekly, n_boot=100), max(1, repeat // 2))
    print(f"\n3b. Large demo ({n_leads:,} leads, {n_orders:,} orders): load weekly series + economics "
          f"{t_load:.2f} s, fit {t_fit:.2f} s (both cached per data version in the app)")
    recovery_table(model, true["response_curves"]["channels"])
    plan = Planner(model, economics, weeks=13, start=period_start(last))
    base = last_period_budgets(weekly, weeks=13, channels=model.spend_channels())

    def page():
        edited = dict(base, search_ads=base["search_ads"] * 1.2)
        plan.project(base)
        plan.project(edited)
        plan.response_curves()
        return edited

    t_page, _ = median_time(page, repeat * 3)
    print(f"  warm page computation after a budget edit (two projections with intervals + curves): "
          f"{t_page * 1000:.0f} ms")


def bench_browser(repeat: int) -> None:
    """A budget edit on the page, in headless Chromium on the small demo, until the KPIs are redrawn."""
    import os
    import tempfile

    from playwright.sync_api import sync_playwright

    from benchmarks.browser import ARGS, start_server
    from dashboard.serve import free_port

    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "DASHBOARD_DATA_DIR": data_dir, "DASHBOARD_DB_URL": ""}
        app = start_server(port, env)
        times, first = [], []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for i in range(repeat + 1):
                    context = browser.new_context(viewport={"width": 1440, "height": 1000})
                    page = context.new_page()
                    t0 = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{port}/scenarios")
                    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=180_000)
                    first.append(time.perf_counter() - t0)
                    page.wait_for_load_state("networkidle")
                    before = page.locator('[data-testid="stMetricValue"]').all_inner_texts()[:6]
                    box = page.get_by_label("Budget of Search ads (Yandex Direct)")
                    box.fill(str(350_000 + 10_000 * i))
                    t0 = time.perf_counter()
                    box.press("Enter")
                    page.wait_for_function(
                        "(before) => { const v = [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
                        ".slice(0, 6).map(e => e.innerText); return v.length === 6 && v.join('|') !== before.join('|'); }",
                        arg=before, timeout=60_000)
                    if i:  # the first visit builds the demo and fits the curves: reported separately
                        times.append(time.perf_counter() - t0)
                    context.close()
                browser.close()
        finally:
            app.stop()
    print(f"\n5. Browser, small demo: first page visit of a new server {first[0]:.1f} s (builds the demo, fits the "
          f"curves); later first visits median {statistics.median(first[1:]):.2f} s; a budget edit until the KPIs "
          f"are redrawn median {statistics.median(times):.2f} s (n={len(times)})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-large", action="store_true", help="skip the large demo")
    parser.add_argument("--no-browser", action="store_true", help="skip the in-browser redraw timing")
    args = parser.parse_args(argv)
    bench_synthetic(args.repeat)
    bench_small_demo(args.repeat)
    if not args.no_large:
        bench_large_demo(args.db, args.repeat)
    print("\n4. " + PUBLIC_DATA)
    if not args.no_browser:
        bench_browser(args.repeat)


if __name__ == "__main__":
    main()
