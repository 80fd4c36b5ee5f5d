"""Many people at once: the Overview opened in concurrent browser sessions, then a filter changed in each.

    python -m benchmarks.load --sessions 20            # small demo, built into a temporary folder
    python -m benchmarks.load --sessions 20 --warm     # after one visitor has filled the server's caches
    python -m benchmarks.load --sessions 5 --db FILE   # another DuckDB file

Starts the app (``streamlit run``, a free port, usage statistics off) and headless Chromium
(Debian's ``/usr/bin/chromium``). All sessions start together, each in its own browser context
(its own Streamlit session): open the Overview and wait for its numbers, then change the period
and wait until the numbers are redrawn. Prints p50 and p95 of both times and the error count:
a session fails when it times out, the page shows an exception, the browser console logs an
error or a request fails (Streamlit's probes of health endpoints under a page path excepted).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import serve
from dashboard.serve import free_port

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
HARMLESS_404 = re.compile(r"/_stcore/(health|host-config)$")
METRICS = '[data-testid="stMetricValue"]'
ENOUGH = f"() => document.querySelectorAll('{METRICS}').length >= 6"
CHANGED = (f"(before) => {{ const v = [...document.querySelectorAll('{METRICS}')].map(e => e.innerText);"
           " return v.length >= 6 && v.join('|') !== before.join('|'); }")
PERIODS = ("last_30_days", "last_12_months", "year_to_date", "last_quarter")  # the sessions' choices, in turn


@dataclass
class Session:
    index: int
    first: float | None = None  # seconds to the Overview's numbers
    change: float | None = None  # seconds from choosing a period to redrawn numbers
    errors: list[str] = field(default_factory=list)


async def one_session(browser, base: str, session: Session, timeout_s: float) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(timeout_s * 1000)  # every click and wait: a busy server is slow, not broken
    page = await context.new_page()
    page.on("console", lambda m: session.errors.append(f"console: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: session.errors.append(f"page error: {e}"))
    page.on("response", lambda r: session.errors.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 and not HARMLESS_404.search(r.url) else None)
    try:
        started = time.perf_counter()
        await page.goto(base)
        await page.wait_for_function(ENOUGH, timeout=timeout_s * 1000)
        session.first = time.perf_counter() - started
        await page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
        before = await page.locator(METRICS).all_inner_texts()
        await page.locator('[data-testid="stSidebar"]').get_by_label("Period").click()
        from dashboard.i18n import t

        label = t(f"period.{PERIODS[session.index % len(PERIODS)]}", "en")
        option = page.get_by_role("option", name=label, exact=True)
        started = time.perf_counter()
        await option.click()
        await page.wait_for_function(CHANGED, arg=before, timeout=timeout_s * 1000)
        session.change = time.perf_counter() - started
        if await page.locator('[data-testid="stException"]').count():
            session.errors.append("the page shows an exception")
    except Exception as exc:  # a timeout or a closed page: this session failed
        session.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def run_sessions(base: str, count: int, timeout_s: float, *, warm: bool,
                       server: int) -> tuple[list[Session], float]:
    """The sessions, and the CPU time the browser (with Playwright's driver) used."""
    from playwright.async_api import async_playwright

    sessions = [Session(i) for i in range(count)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if warm:  # one visitor first: the others find the server's caches filled
            first = Session(-1)
            await one_session(browser, base, first, timeout_s)
            if first.errors:
                raise SystemExit("the warming visit failed: " + "; ".join(first.errors))
        await asyncio.gather(*(one_session(browser, base, s, timeout_s) for s in sessions))
        browser_cpu = descendants_cpu(os.getpid(), skip=server)
        await browser.close()
    return sessions, browser_cpu


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear between the nearest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """CPU time (user + system) a process has used so far; ``children``: with its reaped children's."""
    fields = _stat(pid)
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def descendants_cpu(root: int, skip: int) -> float:
    """CPU time of every live descendant of ``root`` except ``skip``'s tree (with what they reaped): here the
    browser and Playwright's driver, the app's server left out."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        for child, parent in parents.items():
            if parent == pid and child != skip and child not in tree:
                tree.add(child)
                todo.append(child)
    total = 0.0
    for pid in tree:
        try:
            total += cpu_seconds(pid, children=True)
        except OSError:
            continue
    return total


def report(sessions: list[Session]) -> str:
    lines = []
    for label, values in (("first Overview, time to numbers", [s.first for s in sessions if s.first is not None]),
                          ("filter change, time to redrawn numbers",
                           [s.change for s in sessions if s.change is not None])):
        if values:
            lines.append(f"{label:<40} p50 {percentile(values, 50):6.2f} s   p95 {percentile(values, 95):6.2f} s   "
                         f"(n={len(values)}, mean {statistics.mean(values):.2f} s)")
        else:
            lines.append(f"{label:<40} no session got this far")
    failed = [s for s in sessions if s.errors]
    lines.append(f"errors: {len(failed)} of {len(sessions)} sessions")
    for s in failed[:10]:
        lines.append(f"  session {s.index}: " + "; ".join(s.errors[:3]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--db", help="DuckDB file to serve (default: the small demo in a temporary folder)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds a session may wait for each step")
    parser.add_argument("--warm", action="store_true",
                        help="let one session open the Overview and change the period first (a server that has "
                             "been up a while); default: all sessions meet a freshly started server")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs Debian's chromium at {CHROMIUM}: apt-get install -y chromium")
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        env = {**os.environ, "DASHBOARD_DB_URL": "", "DASHBOARD_DATA_DIR": tmp}
        if args.db:
            env["DASHBOARD_DB_URL"] = f"duckdb:///{Path(args.db).resolve()}"
        else:
            from connectors.demo import load_demo
            from connectors.store import DuckDBStore

            load_demo(DuckDBStore(Path(tmp) / "dashboard.duckdb"), "small", seed=42)
        port = free_port()
        try:
            app = serve.start_app(port=port, env=env, timeout_s=120)
        except serve.AppDidNotStart as exc:
            raise SystemExit(str(exc)) from None
        server = app.proc
        try:
            started, cpu = time.perf_counter(), cpu_seconds(server.pid)
            sessions, browser_cpu = asyncio.run(run_sessions(f"http://127.0.0.1:{port}/", args.sessions,
                                                             args.timeout, warm=args.warm, server=server.pid))
            took, cpu = time.perf_counter() - started, cpu_seconds(server.pid) - cpu
        finally:
            app.stop()
    print(f"{args.sessions} concurrent sessions on {os.cpu_count()} cores, "
          f"{'after one warming visit' if args.warm else 'on a freshly started server'}, {took:.1f} s in all, "
          f"CPU used: the app's server {cpu:.1f} s, the browser {browser_cpu:.1f} s (they share the machine)")
    print(report(sessions))
    return 1 if any(s.errors for s in sessions) else 0


if __name__ == "__main__":
    sys.exit(main())
