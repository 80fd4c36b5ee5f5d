"""Every interface text is shown somewhere: each key of dashboard.i18n.MESSAGES is referenced by the code.

A key counts as referenced when the code (dashboard/ and pages/, outside the ``text.py``
modules that define the texts) holds it as a string literal, or holds a literal key prefix
ending in a dot from which keys are built: ``t(f"model.{m}")``, ``"action." + status``,
``_value_label("src.", source)``.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from dashboard.i18n import MESSAGES
from tests.conftest import ROOT

PREFIX = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.$")


def code_files() -> list[Path]:
    files = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").rglob("*.py"), ROOT / "streamlit_app.py"]
    return sorted(p for p in files if p.name != "text.py")


def references(sources: Iterable[str]) -> tuple[set[str], set[str]]:
    """(string literals, key prefixes) found in Python sources."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
                if PREFIX.match(node.value):
                    prefixes.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if PREFIX.match(head):
                    prefixes.add(head)
    return literals, prefixes


def unreferenced(messages: Mapping[str, object], sources: Iterable[str]) -> list[str]:
    literals, prefixes = references(sources)
    return sorted(k for k in messages if k not in literals and not any(k.startswith(p) for p in prefixes))


def test_the_check_sees_literal_and_built_keys() -> None:
    messages = dict.fromkeys(["a.used", "a.built.x", "a.built.y", "b.concat.z", "c.arg.q", "d.unused", "e.f.unused"])
    code = (
        't("a.used")\n'
        'f(t(f"a.built.{name}"))\n'
        'label = t("b.concat." + kind)\n'
        'show("c.arg.", value)\n'
        'x = f"{prefix}.{value}"  # no literal prefix: says nothing\n'
        'y = f"e_{z}"  # a widget key, not a message prefix\n'
        'z = "e.f"  # a key of its own, not a prefix of e.f.*\n'
    )
    assert unreferenced(messages, [code]) == ["d.unused", "e.f.unused"]


def test_every_message_is_referenced_by_the_code() -> None:
    sources = [p.read_text(encoding="utf-8") for p in code_files()]
    unused = unreferenced(MESSAGES, sources)
    assert unused == [], f"{len(unused)} message keys are not used anywhere: {unused}"


def page_namespaces() -> set[str]:
    """'sales.', 'rep.', ...: the first part shared by most keys of a page's text module."""
    out = set()
    for path in sorted((ROOT / "dashboard").glob("*/text.py")):
        keys = list(importlib.import_module(f"dashboard.{path.parent.name}.text").MESSAGES)
        first, count = Counter(k.split(".")[0] for k in keys).most_common(1)[0]
        if count > len(keys) / 2:
            out.add(first + ".")
    return out


def test_no_prefix_is_a_whole_page_of_texts() -> None:
    """A prefix covers a family of keys (``model.``, ``src.``), never a page's namespace (``sales.``), which
    would mark all of that page's texts as used."""
    namespaces = page_namespaces()
    assert {"sales.", "rep.", "comm.", "scn."} <= namespaces
    _, prefixes = references(p.read_text(encoding="utf-8") for p in code_files())
    assert sorted(prefixes & namespaces) == []
