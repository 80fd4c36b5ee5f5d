"""Who may do what: three roles and the actions each one adds.

- ``viewer``: read every page, share a link, export tables;
- ``editor``: also import files, undo an import, save and delete budget scenarios;
- ``admin``: also the connection settings and removing the demo company.

:func:`role_of` is the one rule turning a signed-in user's ID-token claims into a role;
:func:`check` is what every protected action calls on the server before it writes. Plain
Python: the command-line tools and the app share it, and it imports no UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROLES = ("viewer", "editor", "admin")  # in increasing order of what they may do

# action -> the least role allowed to do it
ACTIONS: dict[str, str] = {
    "view": "viewer",
    "share": "viewer",
    "export": "viewer",
    "import": "editor",
    "undo": "editor",
    "save_scenario": "editor",
    "delete_scenario": "editor",
    "settings": "admin",
    "remove_demo": "admin",
}


class Forbidden(PermissionError):
    """The user's role does not allow the action (a user-facing refusal, nothing was written)."""

    def __init__(self, action: str, role: str, needed: str) -> None:
        super().__init__(f"The role {role!r} may not {action!r}; it needs {needed!r}.")
        self.action, self.role, self.needed = action, role, needed


def rank(role: str) -> int:
    """The role's place in :data:`ROLES` (ValueError for an unknown role)."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; roles are {', '.join(ROLES)}")
    return ROLES.index(role)


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (KeyError for an unknown action: a typo must not pass)."""
    return rank(role) >= rank(ACTIONS[action])


def check(role: str, action: str) -> None:
    """Raise :class:`Forbidden` unless ``role`` may do ``action``."""
    if not allowed(role, action):
        raise Forbidden(action, role, ACTIONS[action])


def parse_role_map(text: str) -> dict[str, str]:
    """``"alice@x.ru=admin, bob@x.ru=editor"`` as ``{"alice@x.ru": "admin", ...}`` (names lower-cased).

    ValueError names the bad entry (a typo in the setting is caught at start)."""
    out: dict[str, str] = {}
    for item in (text or "").replace(";", ",").split(","):
        if not item.strip():
            continue
        who, sep, role = item.partition("=")
        who, role = who.strip().lower(), role.strip().lower()
        if not sep or not who or role not in ROLES:
            raise ValueError(f"auth_roles: {item.strip()!r} must look like name=role with a role of "
                             f"{', '.join(ROLES)}")
        out[who] = role
    return out


def user_of(claims: Mapping[str, Any] | None) -> str | None:
    """The name the import log records: the e-mail claim, else the subject."""
    if not claims:
        return None
    for name in ("email", "sub"):
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _claim_roles(value: Any) -> list[str]:
    """Role names found in a claim's value (a string, a list, or a space- or comma-separated string)."""
    if isinstance(value, str):
        items: list[Any] = value.replace(",", " ").split()
    elif isinstance(value, (list, tuple, set)):
        items = list(value)
    else:
        return []
    return [str(v).strip().lower() for v in items if str(v).strip().lower() in ROLES]


def role_of(claims: Mapping[str, Any] | None, settings: Any) -> str:
    """The role of a signed-in user, from the claims of their ID token.

    In this order: the ``auth_roles`` mapping (by e-mail or subject, case-insensitive), then the
    highest role named in the claim ``auth_role_claim`` (e.g. ``roles`` or ``groups``: values
    ``viewer``, ``editor``, ``admin``), else ``auth_default_role``. ``claims`` of None (sign-in off)
    give ``open_role``.
    """
    if claims is None:
        return settings.open_role
    mapping = parse_role_map(settings.auth_roles)
    for name in ("email", "sub"):
        value = claims.get(name)
        if isinstance(value, str) and value.strip().lower() in mapping:
            return mapping[value.strip().lower()]
    named = _claim_roles(claims.get(settings.auth_role_claim)) if settings.auth_role_claim else []
    if named:
        return max(named, key=rank)
    return settings.auth_default_role
