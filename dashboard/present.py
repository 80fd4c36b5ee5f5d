"""Presentation mode (``?present=1``): no sidebar, larger type, the view's filters printed as one line, and
◀ ▶ buttons that step through the registered pages keeping the whole link; the Left/Right arrow keys and
PageUp/PageDown (what presentation clickers send) press them.

The mode is a link parameter (:data:`dashboard.registry.APP_PARAMS`): a link that opens a presentation opens it
again, and the report command (``python -m dashboard.report``) prints pages in it.
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard import registry, state
from dashboard.components import period_line
from dashboard.context import PageContext
from dashboard.i18n import fmt_date, t
from dashboard.sidebar import region_label

# Static rules (no data in them): the sidebar and its toggle hidden, type a size up.
PRESENT_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarCollapseButton"], [data-testid="stToolbar"] { display: none !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stMainBlockContainer"] { font-size: 1.2rem; max-width: 100%; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p { font-size: 1.2rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.4rem !important; }
.st-key-present_filters p { font-size: 1.05rem !important; color: #444; margin: 0; }
.st-key-present_keys, [data-testid="stLayoutWrapper"]:has(> .st-key-present_keys) { display: none !important; }
"""

PREV, NEXT = "present_prev", "present_next"  # the buttons' keys (their elements carry the class st-key-<key>)
# keyboard key -> the button it presses
STEP_KEYS = {"ArrowLeft": PREV, "PageUp": PREV, "ArrowRight": NEXT, "PageDown": NEXT}
# where the arrow keys belong to the control that has the focus: typing, choosing, sliding, tabs, tables
OWN_KEYS = ("input, textarea, select, [contenteditable], [role=textbox], [role=combobox], [role=listbox], "
            "[role=option], [role=spinbutton], [role=slider], [role=radiogroup], [role=radio], [role=tablist], "
            "[role=tab], [role=grid], [role=menu], [data-testid=stDataFrame]")

# Runs in the app's own document (st.html with scripts allowed is not iframed). Streamlit runs the script each
# time it mounts the element (a new tab, or the element drawn afresh); the flag on window keeps it to one
# listener per tab. Its container is hidden with the wrapper round it, so it leaves no gap in the layout. The
# listener acts only while the page shows the buttons, i.e. in presentation mode, and clicks them, so the
# server does the navigation exactly as for a click and the link stays whole.
KEYS_SCRIPT = """<script>
(() => {
  if (window.dashboardPresentKeys) return;
  window.dashboardPresentKeys = true;
  const step = %(step)s, own = %(own)s;
  document.addEventListener("keydown", (event) => {
    const key = step[event.key];
    if (!key || event.defaultPrevented || event.repeat || event.altKey || event.ctrlKey || event.metaKey
        || event.shiftKey) return;
    const focus = document.activeElement;
    if (focus && focus.closest && (focus.isContentEditable || focus.closest(own))) return;
    const button = document.querySelector(".st-key-" + key + " button");
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  });
})();
</script>""" % {"step": json.dumps(STEP_KEYS), "own": json.dumps(OWN_KEYS)}


def filters_line(ctx: PageContext) -> str:
    """'Last 90 days: 3 Aug 2026 – 31 Oct 2026 · compared with … · Channels: Search ads · Regions: all ·
    Data up to 31 Oct 2026': the view as one line, in the view's language."""
    lang, view = ctx.lang, ctx.view
    channels = ", ".join(ctx.channel_name(c) for c in view.channels) if view.channels else t("channels.all", lang)
    regions = ", ".join(region_label(r, lang) for r in view.regions) if view.regions else t("regions.all", lang)
    parts = [f"{t(f'period.{view.period}', lang)}: {period_line(ctx)}",
             f"{t('channels', lang)}: {channels}", f"{t('regions', lang)}: {regions}"]
    if not ctx.bounds.empty:
        parts.append(t("data.as_of", lang, date=fmt_date(ctx.bounds.last, lang)))
    return " · ".join(parts)


def neighbours(key: str) -> tuple[registry.Page, registry.Page]:
    """The registered pages before and after ``key`` (the menu's order, wrapping round)."""
    keys = [p.key for p in registry.PAGES]
    i = keys.index(key)
    return registry.PAGES[i - 1], registry.PAGES[(i + 1) % len(keys)]


def _go(target: registry.Page) -> None:
    st.session_state[state.PRESENT_STEP] = target.file


def presentation_bar(ctx: PageContext, current: registry.Page) -> None:
    """◀ the filters line ▶ at the top of the page; a click (or an arrow key, see :data:`KEYS_SCRIPT`) moves to
    the neighbouring page with the same link."""
    st.html(f"<style>{PRESENT_CSS}</style>")
    target = st.session_state.pop(state.PRESENT_STEP, None)
    if target:
        st.switch_page(target, query_params=state.link_params())
    before, after = neighbours(current.key)
    lang = ctx.lang
    st.container(key="present_keys").html(KEYS_SCRIPT, unsafe_allow_javascript=True)
    back, line, forward = st.columns([1, 12, 1], vertical_alignment="center")
    with back:
        st.button("◀", key=PREV, help=t(before.title, lang), on_click=_go, args=(before,))
    with line:
        st.container(key="present_filters").markdown(filters_line(ctx))
    with forward:
        st.button("▶", key=NEXT, help=t(after.title, lang), on_click=_go, args=(after,))
