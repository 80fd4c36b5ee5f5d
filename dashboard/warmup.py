"""Warm the caches of the default views in the background, once per data version.

On large data the first computation of a page can take seconds (journeys for
attribution, the customer model, the response-curve fit). After a start or an
import, the server computes the default view of the heavy pages in a background
thread, in menu order (the Overview first), so the director opening a link rarely
waits: each page that needs it names its ``warm_up(ctx)`` in ``dashboard/registry.py``.
Requests that arrive meanwhile simply compute what they need themselves. A setting
turns it off (the tests do, to stay deterministic).
"""

from __future__ import annotations

import logging
import threading
import time

from connectors import query_log
from dashboard import registry
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
    """Each registered page's warm-up, in menu order (the Overview first)."""
    query_log.begin_view("warm-up")  # this thread's queries
    for page in registry.PAGES:
        if page.warm_up is None:
            continue
        started = time.perf_counter()
        try:
            page.warm_up_function()(ctx)
        except Exception:  # a bug: log it; the page will raise it visibly when opened
            log.exception("warming the %s page failed", page.key)
            continue
        log.info("warmed the %s page in %.1fs", page.key, time.perf_counter() - started)
