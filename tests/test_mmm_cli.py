"""``python -m metrics.mmm``: one JSON object with --json, a table without, a clear error for a bad column."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from metrics.mmm.simulate import simulate_mmm
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def weekly_csv(tmp_path_factory):
    frame, truth = simulate_mmm(104, seed=3)
    path = tmp_path_factory.mktemp("mmm") / "weekly.csv"
    frame.write_csv(path)
    return path, frame, truth


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics.mmm", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_json_output_is_exactly_one_object_with_every_channel(weekly_csv):
    path, frame, truth = weekly_csv
    spend = "search,social,tv,display_a,display_b,email"
    done = _run(str(path), "--date", "week", "--outcome", "outcome", "--spend", spend, "--controls", "holiday",
                "--json", "--draws", "50")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # one object and nothing else (json.loads refuses trailing text)
    assert set(report) == {"channels", "r2", "fit_seconds"}
    assert list(report["channels"]) == spend.split(",")
    total = frame["outcome"].sum()
    for name, row in report["channels"].items():
        assert set(row) == {"decay", "contribution_share", "roi", "roi_interval"}
        assert 0.0 <= row["decay"] <= 0.9
        lo, hi = row["roi_interval"]
        assert lo <= hi
        # roi = contribution / spend and share = contribution / outcome: the two agree through the sums
        assert row["roi"] * frame[name].sum() == pytest.approx(row["contribution_share"] * total, rel=1e-9)
    assert report["r2"] > 0.9 and report["fit_seconds"] > 0
    # the big, independently flighted channel is found within the stated tolerance
    assert report["channels"]["search"]["contribution_share"] == pytest.approx(
        truth["channels"]["search"]["share"], abs=0.03)


def test_table_output_and_errors(weekly_csv):
    path, _, _ = weekly_csv
    done = _run(str(path), "--date", "week", "--outcome", "outcome", "--spend", "search,social", "--draws", "2")
    assert done.returncode == 0, done.stderr
    assert "R²" in done.stdout and "search" in done.stdout and "social" in done.stdout
    bad = _run(str(path), "--date", "week", "--outcome", "outcome", "--spend", "radio")
    assert bad.returncode == 2 and "radio" in bad.stderr and bad.stdout == ""
