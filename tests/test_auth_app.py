"""Sign-in and roles in the app (AppTest): the sign-in screen shows nothing else and reads no data; a viewer gets
no write controls and a crafted click is refused on the server; an editor imports and undoes, and the log has
their name; with sign-in off the Data page says that everyone may write."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from connectors import schema
from tests.conftest import ROOT
from tests.importing import YANDEX_CP1251, assert_same, copy_store, snapshot
from tests.test_data_page import all_text, app_settings, upload

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 40,
        "client_id": "dashboard", "client_secret": "secret", "server_metadata_url":
        "http://localhost:9/.well-known/openid-configuration"}
VIEWER = {"is_logged_in": True, "email": "vera@example.ru", "name": "Vera", "roles": ["viewer"]}
EDITOR = {"is_logged_in": True, "email": "egor@example.ru", "name": "Egor", "roles": ["editor"]}


@pytest.fixture()
def private_app(app_env, small_store, tmp_path):
    store = copy_store(small_store, tmp_path)
    with app_settings(data_dir=str(tmp_path), db_url=""):
        yield store


def app(user: dict | None, *, page: str | None = "pages/data.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def import_editor_file(at: AppTest) -> None:
    at.selectbox(key="imp_preset").select("yandex_direct").run()
    upload(at, "direct_october.csv", YANDEX_CP1251.encode("cp1251"))
    at.button(key="imp_check").click().run()
    assert not at.exception and not at.error


def test_before_sign_in_only_the_sign_in_screen_is_drawn_and_no_data_is_read(app_env, tmp_path) -> None:
    empty = tmp_path / "nothing_here"
    empty.mkdir()
    with app_settings(data_dir=str(empty), db_url=""):
        at = app({"is_logged_in": False}, page=None)
        deep = AppTest.from_file(str(ROOT / "pages/sales.py"), default_timeout=120)  # a link straight to a page
        deep.secrets["auth"] = AUTH
        deep.user = {"is_logged_in": False}
        deep.run()
    for shown in (at, deep):
        assert not shown.exception, shown.exception
        assert [b.key for b in shown.button] == ["auth_sign_in"] and shown.button[0].label == "Sign in"
        assert [t.value for t in shown.title] == ["Marketing results"]
        assert not shown.sidebar.selectbox and not shown.dataframe and not shown.metric
    assert list(empty.iterdir()) == []  # no database was opened, let alone the demo built


def test_a_viewer_sees_no_write_controls(private_app) -> None:
    at = app(VIEWER)
    assert "Signed in as Vera · viewer" in [c.value for c in at.sidebar.caption]
    assert not at.file_uploader and not [b for b in at.button if b.key in ("imp_check", "imp_import", "hist_undo")]
    text = all_text(at)
    assert "Your role (viewer) can look at the data and export it" in text
    assert "Undoing an import needs the editor role." in text or "No files imported yet." in text
    assert "Sign-in is off" not in text


def test_an_editor_imports_under_their_name_and_undoes_it(private_app) -> None:
    store = private_app
    before = snapshot(store, schema.FACT_TABLES)
    at = app(EDITOR)
    import_editor_file(at)
    at.button(key="imp_import").click().run()
    assert any("3 rows added, 0 updated" in s.value for s in at.success)
    log = store.execute_sql("SELECT import_id, imported_by, source FROM import_log").rows()
    assert [(by, source) for _, by, source in log] == [("egor@example.ru", "upload")]
    history = pl.from_pandas(at.dataframe[1].value)
    assert history["imported_by"].to_list() == ["egor@example.ru"]
    assert history["undo_text"].to_list() == ["can be undone"]

    at.button(key="hist_undo").click().run()
    assert not at.exception
    assert any(f"Import {log[0][0]} undone: 3 added rows removed and 0 changed rows restored in spend" in s.value
               for s in at.success)
    assert_same(before, snapshot(store, schema.FACT_TABLES))
    history = pl.from_pandas(at.dataframe[1].value)
    assert history["undo_text"].str.starts_with("undone by egor@example.ru").to_list() == [True]


def test_crafted_clicks_of_a_viewer_are_refused_on_the_server(private_app) -> None:
    """Buttons drawn for an editor, clicked by a session that is a viewer by then: nothing is written."""
    store = private_app
    at = app(EDITOR)
    import_editor_file(at)
    at.button(key="imp_import").click().run()  # an import, so that there is one to undo
    before = snapshot(store)
    import_editor_file(at)
    at.user = VIEWER
    at.button(key="imp_import").click().run()
    assert not at.exception
    assert any("Your role (viewer) may not import files: that needs the editor role. Nothing was changed."
               in e.value for e in at.error)
    at.user = EDITOR
    at.run()
    assert [b for b in at.button if b.key == "hist_undo"]
    at.user = VIEWER
    at.button(key="hist_undo").click().run()
    assert not at.exception
    assert any("may not undo an import" in e.value for e in at.error)
    assert_same(before, snapshot(store))


def test_with_sign_in_off_the_data_page_says_everyone_may_write(private_app) -> None:
    at = app(None)
    text = all_text(at)
    assert "Sign-in is off: everyone who can reach the app can import files" in text and "(everyone acts as admin)" in text
    assert at.file_uploader and not [c for c in at.sidebar.caption if "Signed in as" in c.value]
    with app_settings(open_role="viewer"):
        closed = app(None)
    assert not closed.file_uploader and "everyone acts as viewer" in all_text(closed)


def test_the_sign_in_screen_in_russian(app_env, tmp_path) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.query_params["lang"] = "ru"
    at.run()
    assert at.button[0].label == "Войти" and at.title[0].value == "Результаты маркетинга"


def test_scenario_writes_of_a_viewer_are_refused_on_the_server(private_app) -> None:
    from connectors.scenarios import get_scenario, list_scenarios, save_scenario

    store = private_app
    kept = save_scenario(store, name="Kept plan", author=None, note=None, payload={"budgets": {}, "weeks": 13})
    at = app(EDITOR, page="pages/scenarios.py")
    at.user = VIEWER  # the page was drawn for an editor; the clicks come from a viewer
    at.text_input(key="scn_save_name").input("Viewer plan")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    assert any("Your role (viewer) may not save a scenario" in e.value for e in at.error)
    assert next(b for b in at.button if b.label == "Save").disabled  # drawn for the viewer now: disabled
    at.selectbox(key="scn_delete_choice").select(kept).run()
    at.user = EDITOR
    at.run()
    next(b for b in at.button if b.label == "Delete…").click().run()
    at.user = VIEWER
    next(b for b in at.button if b.label == "Yes, delete").click().run()
    assert not at.exception, at.exception
    assert any("may not delete a scenario" in e.value for e in at.error)
    assert get_scenario(store, kept) is not None
    assert list_scenarios(store)["name"].to_list() == ["Kept plan"]
