"""The shared business rules (metrics/rules.py, metrics/complaints.py) and that nobody writes them again."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.complaints import RESOLUTION_HOURS, resolved_within_standard
from metrics.reputation import nps
from metrics.rules import (
    DETRACTOR_MAX, NPS_GROUPS, PROMOTER_MIN, acquisition_channel_ids, is_bought_acquisition, is_detractor, is_passive,
    is_promoter, nps_group,
)
from tests.conftest import ROOT

SCANNED = ("metrics", "dashboard", "connectors")
RULES_FILE = Path("metrics/rules.py")
CUT_OFFS = {6, 7, 8, 9}  # NPS cut-offs; 0 and 10 bound the scale and are not rules
SCORE = re.compile(r"score|nps", re.IGNORECASE)
SQL_CUT_OFF = re.compile(r"\bscore\b\s*(?:>=|<=|>|<|=)\s*[6-9]\b|\bscore\b\s+BETWEEN\s+[6-9]\b", re.IGNORECASE)


def cut_off_literals(source: str) -> list[tuple[int, str]]:
    """Places in Python source that compare a score with an NPS cut-off written as a number."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            numbers = [s for s in sides if isinstance(s, ast.Constant) and type(s.value) is int]
            others = [ast.unparse(s) for s in sides if s not in numbers]
            if any(n.value in CUT_OFFS for n in numbers) and any(SCORE.search(o) for o in others):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "is_between":
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and type(a.value) is int]
            if set(args) & CUT_OFFS and SCORE.search(ast.unparse(node.func.value)):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_CUT_OFF.search(node.value):
            found.append((node.lineno, node.value))
    return sorted(found)


def test_the_scanner_finds_every_way_a_cut_off_is_written_again() -> None:
    source = (
        'a = pl.col("score") >= 9\n'
        "b = (score <= 6).sum()\n"
        'c = pl.col(score_col).is_between(7, 8)\n'
        'd = answers["score"] > 8\n'
        "e = 9 <= nps_score\n"
        "f = \"SELECT count(*) FILTER (WHERE score >= 9) FROM nps_responses\"\n"
    )
    assert sorted(line for line, _ in cut_off_literals(source)) == [1, 2, 3, 4, 5, 6]
    fine = (
        "ok = 0 <= lo <= hi <= 10\n"  # the scale's bounds, not a cut-off
        'ok = pl.col("score") >= PROMOTER_MIN\n'
        'ok = pl.col("rating") <= 2\n'  # a review rating is another scale
        'ok = "score BETWEEN 0 AND 10"\n'
        "ok = months >= 9\n"
    )
    assert cut_off_literals(fine) == []


def test_no_nps_cut_off_is_written_outside_the_rules_module() -> None:
    offenders = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel == RULES_FILE:
                continue
            offenders += [f"{rel}:{line}: {text}" for line, text in cut_off_literals(path.read_text(encoding="utf-8"))]
    assert offenders == [], "use metrics.rules instead:\n" + "\n".join(offenders)


# --- the rules on small frames ----------------------------------------------------------------------------

SCORES = pl.DataFrame({"score": [0, 5, 6, 7, 8, 9, 10]}, schema={"score": pl.Int16})


def test_cut_offs_are_the_product_definition() -> None:
    assert (PROMOTER_MIN, DETRACTOR_MAX) == (9, 6)
    got = SCORES.with_columns(group=nps_group("score"))
    assert got["group"].to_list() == ["detractor"] * 3 + ["passive"] * 2 + ["promoter"] * 2
    assert set(got["group"]) == set(NPS_GROUPS)


def test_each_score_is_in_exactly_one_group() -> None:
    s = pl.col("score")
    flags = SCORES.select(p=is_promoter(s), q=is_passive(s), d=is_detractor(s))
    assert flags.select(pl.sum_horizontal(pl.all().cast(pl.Int8))).to_series().to_list() == [1] * SCORES.height
    assert flags["p"].to_list() == [False] * 5 + [True] * 2


def test_nps_group_takes_an_expression_and_keeps_a_missing_score_missing() -> None:
    frame = pl.DataFrame({"latest": [9, None, 3]})
    assert frame.select(g=nps_group(pl.col("latest")))["g"].to_list() == ["promoter", None, "detractor"]


def test_nps_counts_follow_the_rules() -> None:
    got = nps(SCORES)
    assert got.select("n", "promoters", "passives", "detractors").row(0) == (7, 2, 2, 3)
    assert got["nps"][0] == pytest.approx((2 - 3) / 7 * 100)


CHANNELS = pl.DataFrame({
    "channel_id": ["search", "promo", "direct", "pr", "referral"],
    "pillar": ["sales", "sales", "sales", "reputation", "communication"],
    "kind": ["paid", "owned", "earned", "earned", "earned"],
})


def test_acquisition_channels_are_the_sales_channels() -> None:
    assert acquisition_channel_ids(CHANNELS) == ["search", "promo", "direct"]
    assert acquisition_channel_ids(CHANNELS.clear()) == []


def test_bought_acquisition_leaves_out_earned_sales_channels() -> None:
    got = CHANNELS.filter(is_bought_acquisition())["channel_id"].to_list()
    assert got == ["search", "promo"]


def test_resolution_within_the_standard() -> None:
    opened = dt.datetime(2026, 9, 1, 10)
    complaints = pl.DataFrame({
        "opened_at": [opened] * 4,
        "resolved_at": [opened + dt.timedelta(hours=2), opened + dt.timedelta(hours=48),
                        opened + dt.timedelta(hours=48, seconds=1), None],
    })
    got = complaints.select(hours=RESOLUTION_HOURS, fast=resolved_within_standard(48))
    want = pl.DataFrame({"hours": [2.0, 48.0, 48 + 1 / 3600, None], "fast": [True, True, False, False]})
    assert_frame_equal(got, want)
