"""Removing the demo company from the Data page: one confirmed step, after a backup of every table."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from connectors.backup import backup_tables, remove_all_data
from connectors.store import StoreError
from dashboard.auth import access as auth
from dashboard.context import PageContext
from dashboard.filters import code_span, escape_markdown
from dashboard.i18n import t

CONFIRM = "demo_remove_confirm"
REMOVE = "demo_remove"
FLASH = "demo_flash"
BACKUPS = "backups"  # under the data folder


def backup_folder(ctx: PageContext) -> Path:
    return Path(ctx.settings.data_dir) / BACKUPS


def remove_demo_panel(ctx: PageContext) -> None:
    """For a writable store that holds the demo company: a confirmation and the button that removes it."""
    lang = ctx.lang
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash, icon=":material/task_alt:")
    if not getattr(ctx.store, "writable", False) or not ctx.store.get_meta("demo_scale") or not auth.can(ctx, "remove_demo"):
        return
    with st.expander(t("demo.remove", lang), icon=":material/delete_sweep:"):
        st.caption(t("demo.remove_help", lang, folder=code_span(f"{BACKUPS}/", 40)))
        confirmed = st.checkbox(t("demo.confirm", lang), key=CONFIRM)
        if st.button(t("demo.button", lang), key=REMOVE, type="primary", disabled=not confirmed,
                     icon=":material/delete_forever:"):
            remove_demo(ctx)


def remove_demo(ctx: PageContext) -> None:
    """Back up every table, then empty the store; a failed backup removes nothing. Admins only (checked here,
    on the server, whatever the page drew)."""
    lang = ctx.lang
    try:
        auth.require(ctx, "remove_demo")
    except auth.Forbidden as exc:
        auth.show_forbidden(exc, lang)
        return
    try:
        folder = backup_tables(ctx.store, backup_folder(ctx))
        remove_all_data(ctx.store)
    except (StoreError, OSError) as exc:
        st.error(t("demo.failed", lang, message=escape_markdown(str(exc), 300)), icon=":material/error:")
        return
    st.session_state.pop(CONFIRM, None)
    st.session_state[FLASH] = t("demo.removed", lang, folder=code_span(f"{BACKUPS}/{folder.name}", 60))
    st.rerun()
