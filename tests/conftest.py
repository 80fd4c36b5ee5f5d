"""Shared fixtures: one small demo company per test session, built into a temporary DuckDB file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors.demo import Demo, load_demo
from connectors.store import DuckDBStore

ROOT = Path(__file__).resolve().parents[1]
# In-process app runs (AppTest) compute on demand only; the browser tests' server turns warming on.
os.environ.setdefault("DASHBOARD_WARM_UP", "0")
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="session")
def small_loaded(demo_dir: Path) -> tuple[DuckDBStore, Demo]:
    store = DuckDBStore(demo_dir / "dashboard.duckdb")
    demo = load_demo(store, "small", seed=42)
    return store, demo


@pytest.fixture(scope="session")
def small_store(small_loaded: tuple[DuckDBStore, Demo]) -> DuckDBStore:
    return small_loaded[0]


@pytest.fixture(scope="session")
def small_demo(small_loaded: tuple[DuckDBStore, Demo]) -> Demo:
    return small_loaded[1]


@pytest.fixture(scope="session")
def app_env(demo_dir: Path, small_store: DuckDBStore) -> dict[str, str]:
    """Environment for an app run on the session's small demo."""
    env = {"DASHBOARD_DATA_DIR": str(demo_dir), "DASHBOARD_DB_URL": "", "DASHBOARD_WARM_UP": "0"}
    os.environ.update(env)
    return env


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server (Debian's postgresql package), stopped at the end of the session."""
    from tests import pg

    if pg.pg_bin() is None:
        pytest.fail("PostgreSQL tests need Debian's postgresql package: apt-get install -y postgresql")
    server = pg.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_store(pg_server):
    """The small demo company loaded into the PostgreSQL server, read through SQLAlchemyStore."""
    from connectors.store import SQLAlchemyStore

    store = SQLAlchemyStore(pg_server.url)
    load_demo(store, "small", seed=42)
    yield store
    store.close()


@pytest.fixture(scope="session", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request):
    """The small demo in each backend the loaders must serve identically."""
    return request.getfixturevalue("small_store" if request.param == "duckdb" else "pg_store")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, one for the whole session."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import ARGS, CHROMIUM, require_chromium

    require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The app started the way the README does, on a fresh data folder: its first start builds the demo."""
    from tests.browser_support import app_server, require_chromium

    require_chromium()
    with app_server(tmp_path_factory.mktemp("browser-data"), DASHBOARD_WARM_UP="1") as running:
        yield running


@pytest.fixture(scope="session")
def spark_server():
    """A throwaway Spark cluster (master, two workers, Spark Connect server), stopped at the end of the session."""
    from tests import spark

    if spark.java() is None:
        pytest.fail("Spark tests need Java: apt-get install -y openjdk-17-jre-headless")
    cluster = spark.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def spark_store(spark_server, small_store):
    """The small demo company loaded into Spark the way the README does (python -m connectors.demo --url sc://...)."""
    import subprocess
    import sys

    from connectors.spark import SparkStore

    run = subprocess.run([sys.executable, "-m", "connectors.demo", "--url", spark_server.url, "--scale", "small",
                          "--seed", "42"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    store = SparkStore(spark_server.url)
    yield store
    store.close()
