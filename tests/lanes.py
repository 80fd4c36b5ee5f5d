"""The fast lane's share of a view-by-view comparison.

A comparison of a page with the raw rows runs on several views (periods, filters, engines); each view costs a second
or more on the whole demo. The fast lane (``pytest -m fast``) runs the views named ``fast``, which together exercise
the filters and the period logic; the others are marked ``slow``, so the whole suite still runs every view.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import pytest


def spread(values: Iterable, *, fast: Collection[str], ids: Sequence[str] | None = None) -> list:
    """``values`` as parameters, those whose id (the value itself, or its entry of ``ids``) is in ``fast`` in the
    fast lane and the others in the slow lane."""
    values = list(values)
    names = list(ids) if ids is not None else [str(v) for v in values]
    unknown = set(fast) - set(names)
    assert not unknown, f"not among the parameters: {sorted(unknown)}"
    return [pytest.param(v, id=n, marks=() if n in fast else pytest.mark.slow) for v, n in zip(values, names)]
