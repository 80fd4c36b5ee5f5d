"""Shared fixtures (one small demo company per test session, built into a temporary DuckDB file) and the test lanes.

Every test lands in a lane by what it uses, so a new test file needs no marker of its own:

- ``browser``: uses the ``browser`` or ``server`` fixture (headless Chromium and a running app);
- ``postgres``: uses the throwaway PostgreSQL server (``pg_server``, also through ``pg_store``);
- ``app``: runs the app in Streamlit's ``AppTest`` (uses ``app_env``, its module imports ``AppTest``, or it or a fixture of its calls ``run_app``);
- ``slow``: its module starts other processes (``subprocess``: fresh interpreters, the command line; or, listed in
  ``SLOW_MODULES``, the child process that reads XLSX and Parquet files), it uses a
  fixture listed in ``HEAVY_FIXTURES`` (a model or all journeys of the whole demo), or it is listed in ``SLOW`` (long
  computations);
- ``fast``: everything else — unit, property and SQL tests, in this process.

``pytest -m fast`` is the quick lane; plain ``pytest`` runs every lane.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from connectors.demo import Demo, load_demo
from connectors.store import DuckDBStore

ROOT = Path(__file__).resolve().parents[1]
# In-process app runs (AppTest) compute on demand only; the browser tests' server turns warming on.
os.environ.setdefault("DASHBOARD_WARM_UP", "0")
ARTIFACTS = ROOT / "tests" / "artifacts"

# Single tests that run long computations (node id -> why), kept out of the fast lane.
SLOW: dict[str, str] = {
    "tests/test_import.py::test_every_template_imports_into_the_demo_and_reimports_as_nothing":
        "every template imported twice into its own copy of the demo",
}
# Modules whose tests start other processes indirectly (module -> how): XLSX and Parquet files are read in a child
# process of their own (connectors/imports/isolated.py).
SLOW_MODULES: dict[str, str] = {
    "tests/test_import_fuzz.py": "hundreds of generated files, spreadsheets among them, each read in a child process",
    "tests/test_import_structure_fuzz.py": "generated spreadsheets and Parquet files, each read in a child process",
    "tests/test_hostile_files.py": "decompression bombs and memory caps, read in child processes",
}
# Fixtures that compute over the whole demo (name -> what): the tests using them are ground-truth and reference checks.
HEAVY_FIXTURES: dict[str, str] = {
    "demo_fit": "response curves fitted to the demo with 40 bootstrap refits (tests/test_response.py)",
    "demo_paths": "every journey of the demo built in SQL (tests/test_attribution.py)",
    "simulated_fits": "the marketing-mix model fitted to four simulated data sets (tests/test_mmm_recovery.py)",
    "pymc_fit": "the marketing-mix model on PyMC-Marketing's example data, Laplace and bootstrap (tests/test_mmm_recovery.py)",
    "demo_mmm": "the marketing-mix model on the demo's weekly leads and 14 spend channels (tests/test_mmm_recovery.py)",
}
LANES = ("browser", "postgres", "spark", "app", "slow")
# The browser test modules in two halves of about the same time (other modules: by a hash of their name).
BROWSER_HALVES = {
    "test_browser.py": 0, "test_hostile_browser.py": 0, "test_own_data_browser.py": 0, "test_present_browser.py": 0,
    "test_report_browser.py": 0, "test_reputation_browser.py": 0, "test_meeting_pages_browser.py": 0,
    "test_auth_browser.py": 1, "test_communication_browser.py": 1,
    "test_browser_import.py": 1, "test_scenarios_browser.py": 1, "test_meeting_browser.py": 1,
}


def _calls(function, names: frozenset[str], seen: set) -> bool:
    """Whether ``function`` or a function of its own module that it calls refers to one of ``names``."""
    code = getattr(function, "__code__", None)
    if code is None or function in seen:
        return False
    seen.add(function)
    referred = set(code.co_names) | {n for c in code.co_consts if hasattr(c, "co_names") for n in c.co_names}
    if referred & names:
        return True
    scope = getattr(function, "__globals__", {})
    return any(_calls(scope.get(n), names, seen) for n in referred
               if getattr(scope.get(n), "__module__", None) == function.__module__)


def runs_app(item: pytest.Item) -> bool:
    """Whether a test, or a fixture it uses, runs the app in ``AppTest`` (directly or through ``run_app``)."""
    names, seen = frozenset({"AppTest", "run_app"}), set()
    fixture_defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    functions = [getattr(item, "function", None)] + [d.func for defs in fixture_defs.values() for d in defs]
    return any(_calls(f, names, seen) for f in functions)


def lane_of(item: pytest.Item) -> set[str]:
    """The lanes a collected test belongs to (see the module docstring)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    module = vars(item.module) if getattr(item, "module", None) is not None else {}
    lanes = {m.name for m in item.iter_markers() if m.name in LANES}
    if fixtures & {"browser", "server"}:
        lanes.add("browser")
    if "pg_server" in fixtures:
        lanes.add("postgres")
    if "spark_server" in fixtures:
        lanes.add("spark")
    if "app_env" in fixtures or "AppTest" in module or runs_app(item):
        lanes.add("app")
    if ("subprocess" in module or fixtures & HEAVY_FIXTURES.keys() or item.nodeid.split("[")[0] in SLOW
            or item.nodeid.split("::")[0] in SLOW_MODULES):
        lanes.add("slow")
    return lanes


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects on the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        lanes = lane_of(item)
        for lane in sorted(lanes):
            item.add_marker(lane)
        if not lanes:
            item.add_marker("fast")
        # under ``-n 2 --dist loadgroup`` (pytest-xdist) the tests of a lane that starts a costly server stay
        # together: the Spark tests in one group (one cluster), the browser tests in two halves by module (each
        # half one Chromium and one app server), so each worker can take one; other tests spread over both
        if "spark" in lanes:
            item.add_marker(pytest.mark.xdist_group("spark"))
        elif "browser" in lanes:
            name = Path(str(item.fspath)).name
            half = BROWSER_HALVES.get(name, zlib.crc32(name.encode()) % 2)
            item.add_marker(pytest.mark.xdist_group(f"browser-{half}"))


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
    load_demo(store, "small", seed=42)  # which refreshes the planner's statistics (connectors/sql_bulk.analyze)
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

    from tests.browser_support import ARGS, CHROMIUM, WAIT_MS, require_chromium

    require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        new_context = b.new_context

        def patient_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.set_default_timeout(WAIT_MS)  # clicks and waits without a timeout of their own
            context.set_default_navigation_timeout(WAIT_MS)
            return context

        b.new_context = patient_context
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
