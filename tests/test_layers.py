"""metrics/ and connectors/ never pull in streamlit or plotly."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_metrics_and_connectors_do_not_import_ui_libraries() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import metrics, connectors\n"
        "for pkg in (metrics, connectors):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not m.name.endswith('__main__'):\n"
        "            importlib.import_module(m.name)\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_importing_connectors_opens_no_connection(tmp_path) -> None:
    code = "import connectors.store, connectors.read, connectors.demo; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "ok"
    assert list(tmp_path.iterdir()) == []  # nothing created, no database file opened
