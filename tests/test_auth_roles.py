"""The role rule: claims and settings to a role, and what each role may do."""

from __future__ import annotations

import pytest

from connectors.roles import ACTIONS, ROLES, Forbidden, allowed, check, parse_role_map, role_of, user_of
from connectors.settings import Settings


def test_each_role_adds_its_actions_and_keeps_the_lower_ones() -> None:
    viewer = {a for a in ACTIONS if allowed("viewer", a)}
    editor = {a for a in ACTIONS if allowed("editor", a)}
    admin = {a for a in ACTIONS if allowed("admin", a)}
    assert viewer == {"view", "share", "export"}
    assert editor - viewer == {"import", "undo", "save_scenario", "delete_scenario"}
    assert admin - editor == {"settings", "remove_demo"}
    assert admin == set(ACTIONS)


def test_check_refuses_with_the_role_needed() -> None:
    check("editor", "import")
    with pytest.raises(Forbidden) as caught:
        check("viewer", "import")
    assert (caught.value.role, caught.value.needed, caught.value.action) == ("viewer", "editor", "import")
    with pytest.raises(KeyError):
        allowed("admin", "imprt")  # a misspelt action is an error, never silently allowed


def test_role_from_the_claim_the_mapping_and_the_default() -> None:
    cfg = Settings(auth_roles="Alice@X.ru=admin, bob@x.ru=editor")
    assert role_of({"email": "alice@x.ru", "roles": ["viewer"]}, cfg) == "admin"  # the mapping wins
    assert role_of({"email": "BOB@x.ru"}, cfg) == "editor"
    assert role_of({"email": "carol@x.ru", "roles": ["viewer", "editor"]}, cfg) == "editor"  # the highest named
    assert role_of({"email": "dan@x.ru", "roles": "editor admin"}, cfg) == "admin"
    assert role_of({"email": "eve@x.ru", "roles": ["staff", "sales"]}, cfg) == "viewer"  # no role named: default
    assert role_of({"sub": "bob@x.ru"}, cfg) == "editor"  # the subject is matched too
    groups = Settings(auth_role_claim="groups", auth_default_role="editor")
    assert role_of({"email": "f@x.ru", "groups": ["admin"], "roles": ["viewer"]}, groups) == "admin"
    assert role_of({"email": "g@x.ru", "roles": ["admin"]}, groups) == "editor"  # another claim is not read


def test_sign_in_off_gives_the_open_role() -> None:
    assert role_of(None, Settings()) == "admin"
    assert role_of(None, Settings(open_role="viewer")) == "viewer"


def test_the_user_recorded_is_the_email_else_the_subject() -> None:
    assert user_of({"email": "a@x.ru", "sub": "123"}) == "a@x.ru"
    assert user_of({"sub": "123", "email": ""}) == "123"
    assert user_of({}) is None and user_of(None) is None


def test_role_settings_are_checked_at_start() -> None:
    with pytest.raises(ValueError, match="OPEN_ROLE"):
        Settings.from_env({"DASHBOARD_OPEN_ROLE": "owner"})
    with pytest.raises(ValueError, match="auth_roles"):
        Settings.from_env({"DASHBOARD_AUTH_ROLES": "alice@x.ru=boss"})
    assert parse_role_map("a=viewer;b=admin,") == {"a": "viewer", "b": "admin"}
    assert set(ROLES) == {"viewer", "editor", "admin"}
