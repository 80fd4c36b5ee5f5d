"""The administrators' panel on the Data page: every setting in effect with where it comes from, no secret shown;
a database URL checked (reachable, which tables, written or only read) without writing; roles on the server."""

from __future__ import annotations

import pytest

from connectors import schema
from connectors.check import check_database
from connectors.settings import SPECS, Settings, in_effect
from tests.test_auth_app import AUTH, EDITOR, VIEWER, app
from tests.test_data_page import all_text, app_settings

SECRET = "hunter2-Zq9"
TABLES = {t.name for t in schema.metadata.sorted_tables}


def test_every_setting_says_where_it_comes_from_and_secrets_are_masked() -> None:
    environ = {"DASHBOARD_CURRENCY": "EUR", "DASHBOARD_SMTP_PASSWORD": SECRET,
               "DASHBOARD_DB_URL": f"postgresql+psycopg://ana:{SECRET}@db.example.ru/marketing?sslpassword={SECRET}"}
    secrets = {"language": "ru", "currency": "USD"}  # the environment wins over secrets.toml
    got = {r.name: r for r in in_effect(Settings.from_env(environ, secrets), environ, secrets)}
    assert list(got) == [s.name for s in SPECS]
    assert (got["currency"].shown, got["currency"].source) == ("EUR", "environment")
    assert (got["language"].shown, got["language"].source) == ("ru", "secrets")
    assert (got["demo_seed"].shown, got["demo_seed"].source) == ("42", "default")
    assert got["smtp_password"].shown == "••••••" and got["smtp_user"].shown == ""
    assert got["db_url"].shown.startswith("postgresql+psycopg://ana:***@db.example.ru/marketing")
    assert not any(SECRET in r.shown for r in got.values())
    assert got["db_url"].env == "DASHBOARD_DB_URL" and got["db_url"].help


def test_places_on_the_server_are_named_by_their_last_part() -> None:
    environ = {"DASHBOARD_DATA_DIR": "/srv/marketing/data", "DASHBOARD_QUERY_LOG": "/var/log/dashboard/q.jsonl",
               "DASHBOARD_DB_URL": "duckdb:////srv/marketing/own.duckdb"}
    got = {r.name: r.shown for r in in_effect(Settings.from_env(environ, {}), environ, {})}
    assert (got["data_dir"], got["query_log"], got["db_url"]) == ("…/data", "…/q.jsonl", "duckdb:///…/own.duckdb")
    assert not any("/srv" in v or "/var" in v for v in got.values())


def test_a_duckdb_file_is_checked_read_only(small_store) -> None:
    before = small_store.data_version()
    got = check_database(f"duckdb:///{small_store.path}")
    assert got.reachable and got.engine == "duckdb" and got.writable, got
    assert set(got.found) == TABLES and got.missing == ()
    assert small_store.data_version() == before


def test_an_empty_duckdb_file_lacks_every_table(tmp_path) -> None:
    import duckdb

    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    got = check_database(f"duckdb:///{tmp_path / 'empty.duckdb'}")
    assert got.reachable and got.found == () and set(got.missing) == TABLES


@pytest.mark.parametrize("url, error", [
    ("not a url", "not a database URL"),
    ("duckdb:////nowhere/at/all.duckdb", "no such file"),
    (f"postgresql+psycopg://ana:{SECRET}@127.0.0.1:1/marketing", "OperationalError"),
])
def test_an_unreachable_database_says_why_without_its_password(url, error) -> None:
    got = check_database(url)
    assert not got.reachable and error in got.error, got
    assert SECRET not in got.error and SECRET not in got.shown_url


def test_postgres_is_reachable_with_its_tables_and_written(pg_store) -> None:
    got = check_database(pg_store.url)
    assert got.reachable and got.engine == "postgresql" and got.writable
    assert set(got.found) == TABLES


def test_an_admin_sees_the_settings_and_checks_a_url(app_env, small_store) -> None:
    with app_settings(smtp_password=SECRET):
        at = app(None)  # sign-in off: everyone acts as admin (the open_role default)
        text = all_text(at)
        assert "DASHBOARD_SMTP_PASSWORD" in text and "••••••" in text and SECRET not in text
        at.text_input(key="admin_check_url").input(f"duckdb:///{small_store.path}")
        at.button(key="admin_check").click().run()
        assert not at.exception, at.exception
        assert any(f"of the dashboard's {len(TABLES)} tables are there" in s.value for s in at.success), at.success


def test_editors_and_viewers_get_no_panel_and_a_crafted_check_is_refused(app_env, small_store) -> None:
    for user in (VIEWER, EDITOR):
        at = app(user)
        assert "DASHBOARD_DB_URL" not in all_text(at)
        assert not [b for b in at.button if b.key == "admin_check"]
    at = app(None)  # drawn for an admin; the click comes from an editor
    at.secrets["auth"] = AUTH
    at.user = EDITOR
    at.text_input(key="admin_check_url").input(f"duckdb:///{small_store.path}")
    at.button(key="admin_check").click().run()
    assert not at.exception, at.exception
    assert any("Your role (editor) may not change the connection settings" in e.value for e in at.error), at.error
    assert not at.success


def test_every_setting_has_its_meaning_in_russian() -> None:
    from dashboard.data.settings_text import HELP_RU

    assert set(HELP_RU) == {spec.name for spec in SPECS}  # none missing, none left over from a removed setting
    assert all(text.strip() and text != spec.help for spec in SPECS for text in [HELP_RU[spec.name]])
    assert all(spec.env.removeprefix("DASHBOARD_").lower() == spec.name for spec in SPECS)


def test_the_russian_panel_explains_the_settings_in_russian() -> None:
    from dashboard.data import admin
    from dashboard.data.settings_text import HELP_RU

    class Ctx:  # what the settings table reads of a page's context
        lang = "ru"
        settings = Settings()

    frame = admin.settings_frame(Ctx())
    shown = dict(zip(frame["env"], frame["help"]))
    assert shown["DASHBOARD_DB_URL"] == HELP_RU["db_url"] and "Пусто" in shown["DASHBOARD_DB_URL"]
    assert shown["DASHBOARD_SMTP_PORT"] == "Порт SMTP-сервера."
    assert set(frame["source"]) <= {"окружение", "secrets.toml", "по умолчанию"}
