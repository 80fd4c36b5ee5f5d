"""The layers import only downwards: pages -> dashboard -> metrics / connectors (see ARCHITECTURE.md).

Checked two ways: by reading every module's import statements (so a lazy import inside a
function counts too, and a failure names the file, the line and the import), and by
importing metrics/ and connectors/ in a fresh interpreter to see what they drag in.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# layer -> top-level packages its modules may not import
FORBIDDEN = {
    "metrics": ("connectors", "dashboard", "pages", "sqlalchemy", "streamlit", "plotly", "duckdb"),
    "connectors": ("dashboard", "pages", "streamlit", "plotly"),
    "dashboard": ("pages",),
}
# the one module allowed to know the stores' classes
STORE_MODULES = {Path("connectors/store.py")}


def imported_modules(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a module of ``package``, wherever it stands (inside a function
    too), relative imports resolved; ``importlib.import_module("x")`` with a literal name counts as well."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            found.append((node.lineno, ".".join([*base, *([node.module] if node.module else [])])))
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def layer_violations(layer: str, rel: Path, source: str) -> list[str]:
    package = ".".join(rel.parent.parts)  # a module's package (an __init__.py is its own package: same thing)
    out = []
    for line, module in imported_modules(ast.parse(source), package):
        top = module.split(".")[0]
        if top in FORBIDDEN[layer]:
            out.append(f"{rel}:{line}: imports {module} ({layer}/ may not import {top})")
    return out


def modules_of(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer: str) -> None:
    files = modules_of(layer)
    assert files, f"no modules found in {layer}/"
    problems = []
    for path in files:
        problems += layer_violations(layer, path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    assert problems == [], "\n".join(problems)


def test_the_import_check_sees_every_kind_of_import() -> None:
    source = (
        "import streamlit as st\n"
        "from dashboard.i18n import t\n"
        "def later():\n"
        "    from connectors.store import DuckDBStore\n"
        "    import plotly.graph_objects as go\n"
        "x = importlib.import_module('sqlalchemy')\n"
        "from . import sibling\n"
        "from .. import rules\n"
        "import polars as pl\n"
        "from metrics.rules import PROMOTER_MIN\n"
    )
    got = layer_violations("metrics", Path("metrics/sentiment/x.py"), source)
    assert [g.split(":")[1] for g in got] == ["1", "2", "4", "5", "6"]
    assert got[0] == "metrics/sentiment/x.py:1: imports streamlit (metrics/ may not import streamlit)"
    assert layer_violations("dashboard", Path("dashboard/sales/x.py"), "from ...pages import sales\n") == [
        "dashboard/sales/x.py:1: imports pages (dashboard/ may not import pages)"]
    assert layer_violations("dashboard", Path("dashboard/x.py"), "from pages import sales\n") == [
        "dashboard/x.py:1: imports pages (dashboard/ may not import pages)"]
    assert layer_violations("connectors", Path("connectors/x.py"), "import metrics.rules\nimport sqlalchemy\n") == []


def test_no_module_asks_a_store_for_its_class() -> None:
    """What a store can do is a capability of the Store protocol (``writable``, ``can_build_demo``, ...)."""
    names = {"DuckDBStore", "SQLAlchemyStore"}
    problems = []
    for layer in ("connectors", "dashboard", "pages"):
        for path in modules_of(layer):
            rel = path.relative_to(ROOT)
            if rel in STORE_MODULES:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("isinstance", "issubclass"):
                    if names & {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}:
                        problems.append(f"{rel}:{node.lineno}: {ast.unparse(node)}")
    assert problems == [], "\n".join(problems)


def loaded_by_importing(packages: tuple[str, ...], watched: tuple[str, ...]) -> list[str]:
    """The ``watched`` packages found in ``sys.modules`` after importing every module of ``packages``
    in a fresh interpreter."""
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {packages!r}:\n"
        "    pkg = importlib.import_module(name)\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, name + '.'):\n"
        "        if not m.name.endswith('__main__'):\n"
        "            importlib.import_module(m.name)\n"
        f"print(','.join(sorted(k for k in sys.modules if k.split('.')[0] in {watched!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_metrics_and_connectors_do_not_import_ui_libraries() -> None:
    assert loaded_by_importing(("metrics", "connectors"), ("streamlit", "plotly", "dashboard", "pages")) == []


def test_metrics_alone_do_not_import_sqlalchemy() -> None:
    assert loaded_by_importing(("metrics",), ("sqlalchemy", "connectors", "duckdb")) == []


def test_importing_connectors_opens_no_connection(tmp_path) -> None:
    code = "import connectors.store, connectors.read, connectors.demo; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "ok"
    assert list(tmp_path.iterdir()) == []  # nothing created, no database file opened
