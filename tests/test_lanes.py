"""The test lanes of tests/conftest.py: the tests and fixtures it names exist; every lane is a registered marker."""

from __future__ import annotations

import configparser
import re

from tests.conftest import HEAVY_FIXTURES, LANES, ROOT, SLOW


def test_every_test_named_slow_exists() -> None:
    for node in SLOW:
        path, _, name = node.partition("::")
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {re.escape(name)}\(", source, re.MULTILINE), f"{node} is not a test any more"


def test_every_heavy_fixture_exists() -> None:
    for name, what in HEAVY_FIXTURES.items():
        path = re.search(r"\((tests/\w+\.py)\)", what).group(1)
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^@pytest\.fixture.*\ndef {name}\(", source, re.MULTILINE), f"{name} is not in {path}"


def test_every_lane_is_a_registered_marker() -> None:
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini", encoding="utf-8")
    markers = {line.split(":")[0].strip() for line in ini["pytest"]["markers"].strip().splitlines()}
    assert markers >= {*LANES, "fast"}


def test_this_file_is_in_the_fast_lane(request) -> None:
    assert request.node.get_closest_marker("fast") is not None
    assert not any(request.node.get_closest_marker(lane) for lane in LANES)
