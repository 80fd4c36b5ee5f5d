"""What the real-browser tests share: starting the app the way the README does, and watching a page.

Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; no browser is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import serve
from dashboard.serve import free_port  # noqa: F401 (the tests' import)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
# Streamlit's frontend probes the page path for its health endpoints before falling back to the root.
HARMLESS_404 = re.compile(r"/_stcore/(health|host-config)$")
# How long a browser test waits for the app: generous, because a cold page on a loaded two-core machine can take
# minutes, and a wait only costs time when something is wrong.
WAIT_MS = 240_000


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")


@contextlib.contextmanager
def app_server(data_dir: Path, *, port: int | None = None, **env: str) -> Iterator[dict]:
    """The app (``dashboard.serve``) on a free port (or ``port``) with the data in ``data_dir``; stopped afterwards.

    Yields ``base`` (URL), ``healthy_s`` (seconds from start to a healthy server), ``data_dir`` and ``log`` (the
    server's output, in ``data_dir``).
    """
    port = port or free_port()
    full_env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir), "DASHBOARD_DB_URL": "", **env}
    try:
        app = serve.start_app(port=port, env=full_env, log_path=data_dir / f"server-{port}.log",
                              timeout_s=WAIT_MS / 1000)
    except serve.AppDidNotStart as exc:
        pytest.fail(str(exc))
    try:
        yield {"base": app.url, "healthy_s": app.healthy_s, "data_dir": data_dir, "log": app.log_path}
    finally:
        app.stop(timeout_s=10)


class Watch:
    """Console errors and failed responses of one page."""

    def __init__(self, page) -> None:
        self.console: list[str] = []
        self.bad_responses: list[str] = []
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("response", lambda r: self.bad_responses.append(r.url) if r.status >= 400 else None)

    def errors(self) -> list[str]:
        """Console errors, and failed requests other than Streamlit's harmless health probes.

        A failed request also logs 'Failed to load resource' on the console; it is judged by its URL.
        """
        console = [m for m in self.console if not m.startswith("Failed to load resource")]
        return console + [u for u in self.bad_responses if not HARMLESS_404.search(u)]


IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
              && !document.querySelector('[data-stale="true"]')"""


def wait_until_idle(page, timeout_ms: int = WAIT_MS) -> None:
    """Until the app has finished its run: no running indicator and no element left over from the previous run."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(IDLE, timeout=timeout_ms)


def open_page(context, url: str):
    """Open ``url`` in a new tab of ``context`` and wait until the app has drawn its first numbers or alerts."""
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="stAlert"], [data-testid="stException"]',
                           timeout=WAIT_MS)
    wait_until_idle(page)
    page.wait_for_timeout(800)
    return page, watch


def metric_values(page) -> list[str]:
    return [e.inner_text() for e in page.locator('[data-testid="stMetricValue"]').all()]
