"""The Communication page on the large demo: computation time, and a real-browser render check.

    python -m benchmarks.communication                        # builds data/large.duckdb on first use
    python -m benchmarks.communication --db /tmp/large.duckdb --repeat 7
    python -m benchmarks.communication --db /tmp/large.duckdb --browser --port 8613

Computation: every number the Communication page shows (social media, newsletter, word of mouth)
and the Overview's Communication column, for the last 90 days and the last 12 months with the
previous period as comparison. "Cold": nothing cached (reads included). "Warm": loaders cached,
every number recomputed (the 2-second target applies here). "Rerun": the page's own caches hit
too, as when a user changes a page control. Prints medians and warm / target. The database is only
read.

``--browser`` starts the app on the database (``DASHBOARD_DB_URL=duckdb:///<file>``, read-only use),
opens the page in headless Chromium in English and Russian, fails on an exception box, and saves
screenshots to tests/artifacts/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.loaders import ensure_large
from connectors.store import DuckDBStore, truth_of
from benchmarks.loaders import median_seconds as median_time

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = Path("data/large.duckdb")
TARGET_S = 2.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def bench_computation(store: DuckDBStore, repeat: int) -> list[float]:
    from dashboard import context as app_data
    from dashboard.communication.data import (
        _word_of_mouth_cached, email_numbers, social_numbers, word_of_mouth_numbers,
    )
    from dashboard.filters import ViewState
    from dashboard.overview.pillars.communication import headlines

    version, channels, campaigns, regions, bounds = app_data.base_context(store)
    warm_times = []
    for label, view in (("last 90 days", ViewState()), ("last 12 months", ViewState(period="last_12_months"))):
        ctx = app_data.build_context(store, view, version, channels, campaigns, regions, bounds)

        def page(ctx=ctx):
            social_numbers(ctx, denominator="followers", grain="week")
            email_numbers(ctx, grain="week")
            word_of_mouth_numbers(ctx, grain="week")

        def overview(ctx=ctx):
            headlines(ctx, "week")

        def cleared(fn, *, loaders: bool):
            def run():
                if loaders:
                    app_data._fact.clear()
                _word_of_mouth_cached.clear()
                fn()
            return run

        for name, fn in (("Communication page", page), ("Overview column", overview)):
            t_cold = median_time(cleared(fn, loaders=True), repeat)
            t_warm = median_time(cleared(fn, loaders=False), repeat)
            t_rerun = median_time(fn, repeat)
            warm_times.append(t_warm)
            print(f"{name:19s} {label:15s} cold {t_cold * 1000:6.0f} ms   warm {t_warm * 1000:6.0f} ms   "
                  f"rerun {t_rerun * 1000:5.0f} ms   warm / target {t_warm / TARGET_S:4.2f}")
    return warm_times


def browser_check(db: Path, port: int) -> None:
    from playwright.sync_api import sync_playwright

    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DASHBOARD_DB_URL": f"duckdb:///{db.resolve()}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, path in (("en", "/communication?period=last_12_months"),
                               ("ru", "/communication?lang=ru&er=followers&grain=month")):
                context = browser.new_context(viewport={"width": 1440, "height": 4600})
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                t0 = time.perf_counter()
                page.goto(base + path)
                page.wait_for_selector('[data-testid="stMetric"], [data-testid="stException"]', timeout=180_000)
                page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 6 || "
                                       "document.querySelector('[data-testid=\"stException\"]')", timeout=180_000)
                shown = time.perf_counter() - t0
                page.wait_for_timeout(1500)
                shot = artifacts / f"communication-large-{name}.png"
                page.screenshot(path=str(shot), full_page=True)
                exceptions = page.locator('[data-testid="stException"]').count()
                print(f"browser {name}: page with charts after {shown:.1f}s, exceptions {exceptions}, "
                      f"page errors {len(errors)}, screenshot {shot.relative_to(ROOT)}")
                if exceptions or errors:
                    raise SystemExit(f"the Communication page failed on {db}: {errors}")
                context.close()
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--browser", action="store_true", help="also render the page in headless Chromium")
    parser.add_argument("--port", type=int, default=8613)
    args = parser.parse_args(argv)
    store = ensure_large(args.db)
    rows = truth_of(store)["rows"]
    print(f"Large demo: {rows['customers']:,} customers, {rows['orders']:,} orders, "
          f"{rows['social_posts']:,} posts, {rows['referrals']:,} referrals, {rows['nps_responses']:,} NPS answers")
    warm = bench_computation(store, args.repeat)
    print(f"slowest warm computation {max(warm) * 1000:.0f} ms (target {TARGET_S * 1000:.0f} ms)")
    if args.browser:
        browser_check(args.db, args.port)


if __name__ == "__main__":
    main()
