"""Warm the caches of the default views in the background, once per data version.

On large data the first computation of a page can take seconds (journeys for
attribution, the customer model, the response-curve fit). After a start or an
import, the server computes the default view of the heavy pages in a background
thread, the Overview first, so the director opening a link rarely waits. Requests
that arrive meanwhile simply compute what they need themselves. A setting turns it
off (the tests do, to stay deterministic).
"""

from __future__ import annotations

import logging
import threading
import time

from connectors import query_log
from dashboard.context import Store, build_context, store_id
from dashboard.filters import Bounds, ViewState

log = logging.getLogger(__name__)
_DONE: set[tuple[str, str]] = set()
_GUARD = threading.Lock()


def warm_up_once(store: Store, version: str, view: ViewState, channels, campaigns, regions, bounds: Bounds) -> bool:
    """Start warming for this store and data version unless that already happened. True when started."""
    key = (store_id(store), version)
    with _GUARD:
        if key in _DONE:
            return False
        _DONE.add(key)
    ctx = build_context(store, view, version, channels, campaigns, regions, bounds)
    threading.Thread(target=_warm, args=(ctx,), name=f"warm-up-{version}", daemon=True).start()
    return True


def _warm(ctx) -> None:
    query_log.begin_view("warm-up")  # this thread's queries
    from dashboard.retention import data as retention
    from dashboard.sales import data as sales
    from dashboard.scenarios import data as scenarios
    from dashboard.overview.data import pillar_summaries, retention_headline

    steps = (
        ("overview", lambda: (pillar_summaries(ctx), retention_headline(ctx))),
        ("sales", lambda: sales.sales_results(ctx, sales.DEFAULT_MODEL, ctx.settings.lookback_days, "week")),
        ("retention", lambda: (retention.customer_model(ctx), retention.clv_model(ctx))),
        ("scenarios", lambda: scenarios.scenario_data(ctx)),
    )
    for name, step in steps:
        started = time.perf_counter()
        try:
            step()
        except Exception:  # a bug: log it; the page will raise it visibly when opened
            log.exception("warming the %s page failed", name)
            continue
        log.info("warmed the %s page in %.1fs", name, time.perf_counter() - started)
