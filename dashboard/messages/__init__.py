"""Interface texts by area. Every module here defines ``MESSAGES: dict[str, tuple[str, str]]``
mapping a key to its (English, Russian) pair; ``collect_messages`` merges them and refuses
a key defined twice."""

from __future__ import annotations

import importlib
import pkgutil


def collect_messages() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in module.MESSAGES.items():
            if key in merged:
                raise ValueError(f"message {key!r} is defined twice (again in {info.name})")
            merged[key] = pair
    return merged
