"""Sign-in and roles in the app: who is here, what they may do, and the checks before every write.

Sign-in is on when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OpenID Connect
login: ``redirect_uri``, ``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``).
Then the router shows only a sign-in screen until the user has signed in (:func:`gate`: nothing else
is drawn and no data is read), and the role comes from the ID token's claims
(:func:`connectors.roles.role_of`). Without ``[auth]`` the app is open: everyone has the
``open_role`` setting's role (admin by default) and the Data page says so.

Every protected action calls :func:`require` on the server right before it writes, whatever the
page showed: a hidden button is a convenience, the check is the protection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from connectors.roles import ACTIONS, Forbidden, allowed, role_of, user_of
from connectors.settings import Settings
from dashboard.i18n import t

SIGN_IN = "auth_sign_in"
SIGN_OUT = "auth_sign_out"
SIGNED_OUT = "signed-out"  # the role of nobody: before sign-in nothing is allowed


@dataclass(frozen=True)
class Identity:
    """The person using this session: ``user`` (e-mail or subject; None when sign-in is off), ``role``."""

    sign_in: bool  # sign-in is configured
    signed_in: bool
    user: str | None
    name: str | None
    role: str

    def may(self, action: str) -> bool:
        return self.role != SIGNED_OUT and allowed(self.role, action)


def sign_in_configured() -> bool:
    """Whether an OpenID Connect provider is configured (an ``[auth]`` section in the secrets)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all
        return False
    return bool(section)


def _claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # outside a script run
        return {}


def identity(settings: Settings) -> Identity:
    """Who this session is, read from Streamlit's identity cookie on every run (never cached in state)."""
    if not sign_in_configured():
        return Identity(False, False, None, None, role_of(None, settings))
    claims = _claims()
    if not claims.get("is_logged_in"):
        return Identity(True, False, None, None, SIGNED_OUT)
    name = claims.get("name")
    return Identity(True, True, user_of(claims), str(name) if name else None, role_of(claims, settings))


def require(ctx: Any, action: str) -> Identity:
    """The identity, when it may do ``action``; :class:`Forbidden` otherwise (nothing is written then)."""
    who = identity(ctx.settings)
    if not who.may(action):
        raise Forbidden(action, who.role, ACTIONS[action])
    return who


def can(ctx: Any, action: str) -> bool:
    return identity(ctx.settings).may(action)


def forbidden_text(exc: Forbidden, lang: str) -> str:
    """The refusal in the user's language: what was refused, the role they have and the one it needs."""
    return t("auth.forbidden", lang, action=t(f"auth.action.{exc.action}", lang), role=role_label(exc.role, lang),
             needed=role_label(exc.needed, lang))


def show_forbidden(exc: Forbidden, lang: str) -> None:
    st.error(forbidden_text(exc, lang), icon=":material/block:")


def role_label(role: str, lang: str) -> str:
    return t(f"auth.role.{role.replace('-', '_')}", lang)


# --- the screens ---------------------------------------------------------------------------------------


def gate(settings: Settings) -> Identity:
    """The router's first step: with sign-in on and nobody signed in, the sign-in screen and a stop."""
    who = identity(settings)
    if who.sign_in and not who.signed_in:
        lang = _screen_language(settings)
        # every page's address leads to the same screen, so a shared link opens it too
        from dashboard import registry

        pages = [st.Page(lambda: _sign_in_screen(lang), title=t(p.title, lang), url_path=p.url_path or None,
                         default=p.default) for p in registry.PAGES]
        st.navigation(pages, position="hidden").run()
        st.stop()
    return who


def _screen_language(settings: Settings) -> str:
    lang = st.query_params.get("lang")
    return lang if lang in ("en", "ru") else settings.language


def _sign_in_screen(lang: str) -> None:
    st.title(t("auth.title", lang))
    st.markdown(t("auth.intro", lang))
    st.button(t("auth.sign_in", lang), key=SIGN_IN, type="primary", icon=":material/login:", on_click=st.login)


def account(who: Identity, lang: str) -> None:
    """In the sidebar: who is signed in, their role, and signing out."""
    if not who.signed_in:
        return
    st.caption(t("auth.signed_in_as", lang, user=who.name or who.user or "—", role=role_label(who.role, lang)))
    st.button(t("auth.sign_out", lang), key=SIGN_OUT, icon=":material/logout:", on_click=st.logout)


def access_notice(ctx: Any) -> None:
    """On the Data page: with sign-in off, plainly that anyone who reaches the app may write."""
    who = identity(ctx.settings)
    lang = ctx.lang
    if not who.sign_in:
        key = "auth.open" if who.may("import") else "auth.open_read_only"
        st.warning(t(key, lang, role=role_label(who.role, lang)), icon=":material/lock_open:")
    elif not who.may("import"):
        st.info(t("auth.read_only", lang, role=role_label(who.role, lang)), icon=":material/visibility:")
