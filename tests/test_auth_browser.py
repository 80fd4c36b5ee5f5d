"""Sign-in in a real browser against a real OpenID Connect provider the test starts (tests/oidc_provider.py):
before sign-in only the sign-in screen; a viewer signs in, sees no import or undo controls and signs out; an editor
signs in, imports a file under their name and undoes it. Screenshots: tests/artifacts/auth-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors import schema
from tests.browser_support import WAIT_MS, Watch, app_server, free_port, require_chromium, wait_until_idle
from tests.importing import assert_same, copy_store, snapshot
from tests.oidc_provider import User, running_provider

pytestmark = pytest.mark.browser

GOOD = ("Дата;ID кампании;Расход\n"
        "01.10.2026;display_tver;1 234,50\n"
        "02.10.2026;display_tver;987,25\n").encode("cp1251")
USERS = {
    "vera": User("vera-pw", {"email": "vera@example.ru", "name": "Vera", "roles": ["viewer"]}),
    "egor": User("egor-pw", {"email": "egor@example.ru", "name": "Egor"}),  # an editor by the auth_roles setting
}


@pytest.fixture(scope="module")
def signed_app(small_store, tmp_path_factory) -> Iterator[dict]:
    """The app with sign-in through the test provider, on its own copy of the small demo."""
    require_chromium()
    data_dir = tmp_path_factory.mktemp("browser-auth")
    store = copy_store(small_store, data_dir)
    port = free_port()
    redirect = f"http://127.0.0.1:{port}/oauth2callback"
    with running_provider(USERS, client_id="dashboard", client_secret="client-secret-1",
                          redirect_uri=redirect) as provider:
        secrets = data_dir / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{redirect}"\n'
            'cookie_secret = "a-long-random-cookie-secret-for-the-tests-0123456789"\n'
            'client_id = "dashboard"\n'
            'client_secret = "client-secret-1"\n'
            f'server_metadata_url = "{provider.metadata_url}"\n', encoding="utf-8")
        with app_server(data_dir, port=port, STREAMLIT_SECRETS_FILES=str(secrets),
                        DASHBOARD_AUTH_ROLES="egor@example.ru=editor") as running:
            yield {**running, "store": store, "provider": provider}


def sign_in(browser, app: dict, username: str, artifacts, shot: str, drawn: str):
    """A fresh browser: the app's sign-in screen, the provider's form, back in the app signed in, on the Data page
    once ``drawn`` (a selector) is in the page."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{app['base']}/data")
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT_MS)
    wait_until_idle(page)
    assert not page.locator('[data-testid="stMetric"], [data-testid="stDataFrame"]').count()
    assert not page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').count()
    page.screenshot(path=str(artifacts / f"auth-{shot}-1-sign-in.png"), full_page=True)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Company sign-in").wait_for(timeout=WAIT_MS)
    page.get_by_label("User").fill(username)
    page.get_by_label("Password").fill(USERS[username].password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Signed in as").wait_for(timeout=WAIT_MS)
    assert page.url.startswith(app["base"])
    page.goto(f"{app['base']}/data")
    page.get_by_text("Signed in as").wait_for(timeout=WAIT_MS)
    page.locator(drawn).first.wait_for(state="attached", timeout=WAIT_MS)
    wait_until_idle(page)
    page.wait_for_timeout(800)
    return context, page, watch


def test_a_viewer_signs_in_and_gets_no_write_controls(signed_app, browser, artifacts) -> None:
    context, page, watch = sign_in(browser, signed_app, "vera", artifacts, "viewer",
                                   "text=Your role (viewer) can look at the data")
    body = page.locator("body").inner_text()
    assert "Signed in as Vera · viewer" in body
    assert "Your role (viewer) can look at the data and export it" in body
    assert not page.locator('[data-testid="stFileUploader"]').count()
    assert not page.get_by_role("button", name="Check the file").count()
    assert not page.get_by_role("button", name="Undo import").count()
    page.screenshot(path=str(artifacts / "auth-viewer-2-data.png"), full_page=True)
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    assert "vera" in signed_app["provider"].logins
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT_MS)  # signed out: the sign-in screen again
    page.goto(f"{signed_app['base']}/data")
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT_MS)
    assert not page.get_by_text("Signed in as").count()
    context.close()


def test_an_editor_signs_in_imports_under_their_name_and_undoes_it(signed_app, browser, artifacts, tmp_path) -> None:
    store = signed_app["store"]
    before = snapshot(store, schema.FACT_TABLES)
    context, page, watch = sign_in(browser, signed_app, "egor", artifacts, "editor",
                                   '[data-testid="stFileUploaderDropzoneInput"]')
    assert "Signed in as Egor · editor" in page.locator("body").inner_text()
    path = tmp_path / "october.csv"
    path.write_bytes(GOOD)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("No errors: the file can be imported.").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Import into spend").click()
    page.get_by_text("rows added").wait_for(timeout=WAIT_MS)
    wait_until_idle(page)
    log = store.execute_sql("SELECT import_id, imported_by, source FROM import_log").rows()
    assert [(by, source) for _, by, source in log] == [("egor@example.ru", "upload")]
    amounts = store.execute_sql("SELECT amount FROM spend WHERE campaign_id = 'display_tver' "
                                "AND day BETWEEN DATE '2026-10-01' AND DATE '2026-10-02' ORDER BY day")
    assert amounts["amount"].to_list() == [1234.5, 987.25]

    undo = page.get_by_role("button", name=f"Undo import {log[0][0]}")
    undo.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "auth-editor-2-imported.png"), full_page=True)
    undo.click()
    page.get_by_text(f"Import {log[0][0]} undone").wait_for(timeout=WAIT_MS)
    wait_until_idle(page)
    page.get_by_text(f"Import {log[0][0]} undone").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "auth-editor-3-undone.png"), full_page=True)
    assert_same(before, snapshot(store, schema.FACT_TABLES))
    assert store.execute_sql("SELECT undone_by FROM import_undos").rows() == [("egor@example.ru",)]
    assert not page.locator('[data-testid="stException"]').count()
    assert not watch.errors(), watch.errors()
    context.close()
