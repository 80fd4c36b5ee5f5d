"""The app's pages, in menu order: one line per page, from which everything else derives.

Navigation (``dashboard/app.py``), the link's page parameters (``dashboard/state.py``), the
background warm-up (``dashboard/warmup.py``) and the page tests read this tuple. Adding a page
takes its ``pages/<key>.py``, its messages in ``dashboard/<key>/text.py`` and one line here.

This module is plain data: importing it loads no Streamlit and opens no connection.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of the app.

    ``key`` names the page (and its folder under ``dashboard/``); ``file`` is the script Streamlit
    runs; ``title`` and ``heading`` are message keys of the menu entry and of the page's h1;
    ``url_path`` is the page's address (empty for the default page); ``params`` are the URL
    parameters the page reads from a shared link; ``warm_up`` is ``"module:function"`` of a
    function taking a :class:`dashboard.context.PageContext` that computes the page's default view
    into the caches, or None for a page that is quick without it. ``needs`` are the fact tables the
    page shows: when none of them holds a row, the page says what to load instead (with templates).
    """

    key: str
    file: str
    title: str
    icon: str
    url_path: str
    heading: str
    params: tuple[str, ...] = ()
    warm_up: str | None = None
    needs: tuple[str, ...] = ()

    @property
    def default(self) -> bool:
        return not self.url_path

    def warm_up_function(self) -> Callable | None:
        """The warm-up function itself (imported on demand), or None."""
        if self.warm_up is None:
            return None
        module, _, name = self.warm_up.partition(":")
        return getattr(importlib.import_module(module), name)


PAGES: tuple[Page, ...] = (
    Page("overview", "pages/overview.py", "page.overview", ":material/dashboard:", "", "overview.title",
         warm_up="dashboard.overview.data:warm_up",
         needs=("orders", "spend", "nps_responses", "reviews", "social_posts")),
    Page("sales", "pages/sales.py", "page.sales", ":material/shopping_cart:", "sales", "page.sales",
         ("model", "lookback", "grain"), "dashboard.sales.data:warm_up", needs=("spend", "leads", "orders")),
    Page("reputation", "pages/reputation.py", "page.reputation", ":material/star:", "reputation", "page.reputation",
         ("grain", "score"), needs=("nps_responses", "reviews", "complaints", "brand_surveys")),
    Page("communication", "pages/communication.py", "page.communication", ":material/forum:", "communication",
         "page.communication", ("er", "grain"), needs=("social_posts", "social_followers", "email_sends", "referrals")),
    Page("retention", "pages/retention.py", "nav.retention", ":material/savings:", "retention", "page.retention",
         ("delta",), "dashboard.retention.data:warm_up", needs=("orders",)),
    Page("scenarios", "pages/scenarios.py", "nav.scenarios", ":material/tune:", "scenarios", "page.scenarios",
         ("scenario", "budget", "weeks", "objective", "horizon", "compare_ids", "outcome"), "dashboard.scenarios.data:warm_up",
         needs=("spend", "leads")),
    Page("data", "pages/data.py", "page.data", ":material/database:", "data", "data.title"),
)


def page(key: str) -> Page:
    """The registered page of that key (KeyError when there is none)."""
    for p in PAGES:
        if p.key == key:
            return p
    raise KeyError(key)


# Parameters of the app's frame that every page carries: ``present=1`` shows a page in presentation mode.
APP_PARAMS: tuple[str, ...] = ("present",)


def all_page_params() -> set[str]:
    """Every URL parameter some page owns, and the frame's own (a shared link may carry any of them)."""
    return {param for p in PAGES for param in p.params} | set(APP_PARAMS)
