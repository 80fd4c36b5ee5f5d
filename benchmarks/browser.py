"""The product's speed as a user meets it, in headless Chromium.

    python -m benchmarks.browser                       # small demo in data/ (built when missing)
    python -m benchmarks.browser --db /tmp/large.duckdb --repeat 5

Prints medians of: server start to healthy, first Overview with numbers in a new browser
(cold: first visit of a new session), and a filter change until the numbers are redrawn.
Quality bars (small demo): healthy < 3 s, first page with charts < 5 s, redraw < 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from dashboard import serve

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def start_server(port: int, env: dict[str, str]) -> serve.RunningApp:
    try:
        return serve.start_app(port=port, env=env, timeout_s=120)
    except serve.AppDidNotStart as exc:
        raise SystemExit(str(exc)) from None


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="DuckDB file to serve (default: the embedded store in data/)")
    parser.add_argument("--port", type=int, default=8699)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.db:
        env["DASHBOARD_DB_URL"] = f"duckdb:///{Path(args.db).resolve()}"
    else:
        from connectors.demo import load_demo
        from connectors.store import DuckDBStore

        store = DuckDBStore(ROOT / "data" / "dashboard.duckdb")
        if not store.exists():
            load_demo(store, "small", 42)

    healthy = []
    for _ in range(args.repeat):
        app = start_server(args.port, env)
        healthy.append(app.healthy_s)
        app.stop()
    app = start_server(args.port, env)
    base = f"http://127.0.0.1:{args.port}/"
    first, redraw = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for i in range(args.repeat + 1):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(base)
                page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
                page.wait_for_function(
                    "() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 6")
                t_first = time.perf_counter() - t0
                if i:  # the very first visit also warms the server's caches: reported separately
                    first.append(t_first)
                else:
                    cold_server = t_first
                page.wait_for_load_state("networkidle")
                before = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
                box = page.locator('[data-testid="stSidebar"]').get_by_label("Period")
                box.click()
                t0 = time.perf_counter()
                page.get_by_role("option", name="Last 30 days" if i % 2 == 0 else "Last 12 months",
                                 exact=True).click()
                page.wait_for_function(
                    "(before) => { const v = [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
                    ".map(e => e.innerText); return v.length >= 6 && v.join('|') !== before.join('|'); }",
                    arg=before, timeout=60_000)
                redraw.append(time.perf_counter() - t0)
                context.close()
            browser.close()
    finally:
        app.stop()
    print(f"server start to healthy:            median {statistics.median(healthy):.2f}s  (n={len(healthy)})")
    print(f"first Overview, first visit of a new server: {cold_server:.2f}s")
    print(f"first Overview, new browser session: median {statistics.median(first):.2f}s  (n={len(first)})")
    print(f"filter change to redrawn numbers:    median {statistics.median(redraw):.2f}s  (n={len(redraw)})")


if __name__ == "__main__":
    main()
