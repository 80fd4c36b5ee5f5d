"""The Data page's panel for administrators: every setting in effect (secrets masked) and a check of a
database URL before the app is pointed at it. The role is checked on the server, in the panel and in the check."""

from __future__ import annotations

import os

import polars as pl
import streamlit as st

from connectors.check import check_database
from connectors.roles import Forbidden
from connectors.settings import in_effect
from dashboard import components
from dashboard.auth import access as auth
from dashboard.context import PageContext, app_secrets
from dashboard.data.settings_text import HELP_RU
from dashboard.filters import escape_markdown
from dashboard.i18n import t

CHECK_URL = "admin_check_url"
CHECK = "admin_check"
CHECK_RESULT = "admin_check_result"  # the last check's result, shown under the form


def settings_frame(ctx: PageContext) -> pl.DataFrame:
    """Every setting: its environment variable, the value in effect (no secret in it), where it comes from."""
    lang = ctx.lang
    rows = in_effect(ctx.settings, os.environ, app_secrets())
    return pl.DataFrame({
        "env": [r.env for r in rows],
        "value": [r.shown for r in rows],
        "source": [t(f"admin.source.{r.source}", lang) for r in rows],
        "help": [r.help if lang == "en" else HELP_RU[r.name] for r in rows],
    })


def check_action(ctx: PageContext) -> None:
    """The check button's server side: the role is checked here, whatever the page showed."""
    try:
        auth.require(ctx, "settings")
    except Forbidden as exc:
        st.session_state[CHECK_RESULT] = auth.forbidden_text(exc, ctx.lang)
        return
    st.session_state[CHECK_RESULT] = check_database(st.session_state.get(CHECK_URL) or "")


def _show_result(ctx: PageContext) -> None:
    got = st.session_state.get(CHECK_RESULT)
    if got is None:
        return
    lang = ctx.lang
    if isinstance(got, str):  # refused
        st.error(got, icon=":material/block:")
        return
    url = escape_markdown(got.shown_url)
    if not got.reachable:
        st.error(t("admin.check.failed", lang, url=url, error=escape_markdown(got.error)), icon=":material/error:")
        return
    text = t("admin.check.ok", lang, url=url, engine=got.engine, found=len(got.found),
             total=len(got.found) + len(got.missing))
    writes = t("admin.check.writes" if got.writable else "admin.check.reads", lang)
    st.success(f"{text} {writes}", icon=":material/check_circle:")
    if got.missing:
        st.warning(t("admin.check.missing", lang, tables=", ".join(got.missing), url=url),
                   icon=":material/table_view:")
    st.caption(t("admin.check.switch", lang))


def show_settings(ctx: PageContext) -> None:
    """For administrators only: the settings table and the URL check (others see nothing of it)."""
    lang = ctx.lang
    if not auth.can(ctx, "settings"):
        refused = st.session_state.pop(CHECK_RESULT, None)
        if isinstance(refused, str):  # a click from a page drawn for an administrator
            st.error(refused, icon=":material/block:")
        return
    with st.expander(t("admin.title", lang), icon=":material/admin_panel_settings:"):
        components.table(settings_frame(ctx), export="settings", hide_index=True, width="stretch", column_config={
            "env": st.column_config.TextColumn(t("admin.col.env", lang)),
            "value": st.column_config.TextColumn(t("admin.col.value", lang)),
            "source": st.column_config.TextColumn(t("admin.col.source", lang)),
            "help": st.column_config.TextColumn(t("admin.col.help", lang), width="large"),
        })
        st.caption(t("admin.where", lang))
        st.text_input(t("admin.check.url", lang), key=CHECK_URL, type="password",
                      placeholder="postgresql://user:password@host:5432/marketing")
        st.button(t("admin.check.button", lang), key=CHECK, on_click=check_action, args=(ctx,))
        _show_result(ctx)
