"""A new company's templates on an empty database: imported in the documented order (channels first) they need no
channel created by hand, on DuckDB and on PostgreSQL, and the Overview shows their sums (checked with plain SQL and
with the files themselves). The command line names the channels a file lacks and says to import the channels first."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from connectors.export import csv_bytes
from connectors.imports import ImportRequest, apply_import, plan_import, report
from connectors.imports.templates import ORDER, template
from connectors.store import DuckDBStore, SQLAlchemyStore
from dashboard.i18n import fmt_date
from tests.conftest import ROOT
from tests.overview_expected import assert_shows
from tests.test_data_page import app_settings

MB = 2**20


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty(request, tmp_path):
    """An empty database (what ``python -m connectors.init --empty`` creates) and the settings that open it."""
    if request.param == "duckdb":
        store, env = DuckDBStore(tmp_path / "dashboard.duckdb"), {"db_url": ""}
    else:
        from tests.test_own_data_postgres import new_database

        store = SQLAlchemyStore(new_database(request.getfixturevalue("pg_server"), "own_templates"))
        env = {"db_url": store.url, "read_only": "0"}
    store.ensure_schema()
    yield store, {**env, "data_dir": str(tmp_path), "warm_up": "0"}
    if isinstance(store, SQLAlchemyStore):
        store.close()


def one(store, sql: str, **params) -> object:
    return store.execute_sql(sql, params).row(0)[0]


def test_the_templates_import_in_order_on_an_empty_store_and_the_overview_shows_their_sums(empty) -> None:
    store, env = empty
    for table in ORDER:
        plan = plan_import(store, csv_bytes(template(table)), f"{table}.csv", ImportRequest(table), max_bytes=MB)
        assert plan.ok and not plan.problems, (table, report(plan.problems))
        assert not plan.checked.unknown_channels and plan.request.create_channels == {}
        result = apply_import(store, plan)
        assert result.rows_added == template(table).height and result.channels_created == 0, table
    assert one(store, "SELECT count(*) FROM channels") == template("channels").height

    # the periods end on the last day both orders and spend cover
    orders, spend, posts = template("orders"), template("spend"), template("social_posts")
    anchor = min(one(store, "SELECT max(day) FROM spend"), one(store, "SELECT max(ordered_at) FROM orders").date())
    assert anchor == min(spend["day"].max(), orders["ordered_at"].max().date())
    stop = dt.datetime.combine(anchor + dt.timedelta(days=1), dt.time())
    revenue = one(store, "SELECT sum(revenue) FROM orders WHERE ordered_at < :stop", stop=stop)
    spent = one(store, "SELECT sum(amount) FROM spend WHERE day <= :last", last=anchor)
    engaged = store.execute_sql("SELECT sum(likes + comments + shares + saves) AS e, sum(reach) AS r FROM social_posts "
                                "WHERE published_at < :stop", {"stop": stop}).row(0)
    engaged = (int(engaged[0]), int(engaged[1]))  # DuckDB sums integers as a wide decimal
    assert revenue == orders.filter(pl.col("ordered_at") < stop)["revenue"].sum()  # the file's own sums
    assert spent == spend.filter(pl.col("day") <= anchor)["amount"].sum() > 0
    in_period = posts.filter(pl.col("published_at") < stop)
    assert engaged == (in_period.select(pl.sum_horizontal("likes", "comments", "shares", "saves")).sum().item(),
                       in_period["reach"].sum())
    assert 0 < revenue < orders["revenue"].sum()  # the second order lies after the anchor: the anchor is applied

    with app_settings(**env):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        reputation = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        reputation.run()
        reputation.switch_page("pages/reputation.py").run()
    assert not at.exception, at.exception
    # the examples' answers, reviews and complaints fall in the same days: Reputation shows them, not an empty period
    assert not reputation.exception, reputation.exception
    cards = {m.label: m.value for m in reputation.metric}
    reviews, nps = template("reviews"), template("nps_responses")
    assert cards["Positive reviews"] == str((reviews["rating"] >= 4).sum())  # the 5-star review
    assert cards["Negative reviews"] == str((reviews["sentiment"] == "negative").sum())  # the one marked negative
    assert nps["score"].to_list() == [9, 4] and cards["NPS"].startswith("0.0 ±")  # one promoter, one detractor
    shown = {m.label: m.value for m in at.metric}
    assert_shows(shown["Revenue"], float(revenue))
    assert_shows(shown["Engagement rate (by reach)"], engaged[0] / engaged[1])
    answer = next(m.value for m in at.markdown if " spent → " in m.value)  # the one-line answer: '**₽5.4K spent → …'
    total = re.search(r"\*\*(.+?) spent →", answer)
    assert_shows(total[1], float(spent))
    assert f"Data up to {fmt_date(anchor, 'en')}" in [c.value for c in at.sidebar.caption]


def run_load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "connectors.load", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=180)


def test_the_command_line_names_missing_channels_and_the_channels_template_makes_them_known(tmp_path) -> None:
    store = DuckDBStore(tmp_path / "own.duckdb")
    store.ensure_schema()
    for table in ("channels", "spend"):
        (tmp_path / f"{table}.csv").write_bytes(csv_bytes(template(table)))
    refused = run_load(str(tmp_path / "spend.csv"), "--table", "spend", "--db", str(store.path))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert ("Channels not in the database: search_ads, display. Import the channels file first "
            "(python -m connectors.load channels.csv --table channels;") in refused.stdout
    assert "--create-channel search_ads=PILLAR:KIND --create-channel display=PILLAR:KIND" in refused.stdout
    assert one(store, "SELECT count(*) FROM spend") == 0
    for table in ("channels", "spend"):
        done = run_load(str(tmp_path / f"{table}.csv"), "--table", table, "--db", str(store.path))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "channels created" not in done.stdout
    assert one(store, "SELECT sum(amount) FROM spend") == template("spend")["amount"].sum()
