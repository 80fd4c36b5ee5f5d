"""The page registry agrees with pages/, the messages, the link parameters and the warm-up."""

from __future__ import annotations

import inspect
import logging

import pytest

from dashboard import registry
from dashboard.filters import GLOBAL_PARAMS
from dashboard.i18n import LANGUAGES, MESSAGES
from tests.conftest import ROOT


def test_every_file_in_pages_is_registered_and_every_registered_file_exists() -> None:
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    registered = [p.file for p in registry.PAGES]
    assert len(registered) == len(set(registered)), "a page is registered twice"
    assert set(registered) == on_disk


def test_keys_paths_and_folders_are_consistent() -> None:
    keys = [p.key for p in registry.PAGES]
    assert len(keys) == len(set(keys))
    assert [p.key for p in registry.PAGES if p.default] == ["overview"], "exactly one default page, the Overview"
    assert registry.PAGES[0].default, "the default page comes first in the menu"
    for p in registry.PAGES:
        assert p.file == f"pages/{p.key}.py"
        assert p.url_path == ("" if p.default else p.key)
        assert (ROOT / "dashboard" / p.key / "text.py").exists(), f"{p.key}: its messages live in its folder"
        assert registry.page(p.key) is p
    with pytest.raises(KeyError):
        registry.page("nowhere")


def test_menu_titles_and_headings_exist_in_every_language() -> None:
    for p in registry.PAGES:
        for key in (p.title, p.heading):
            pair = MESSAGES[key]
            assert len(pair) == len(LANGUAGES) and all(text.strip() for text in pair), key


def test_page_parameters_are_unique_and_never_shadow_the_shared_filters() -> None:
    for p in registry.PAGES:
        assert len(p.params) == len(set(p.params)), p.key
        assert not set(p.params) & set(GLOBAL_PARAMS), p.key
        assert all(param.isidentifier() for param in p.params), p.key
    assert registry.all_page_params() == {param for p in registry.PAGES for param in p.params} | {"present"}
    assert not set(registry.APP_PARAMS) & set(GLOBAL_PARAMS)
    assert "delta" in registry.all_page_params() and "period" not in registry.all_page_params()


def test_every_warm_up_is_a_function_of_the_page_context() -> None:
    warmed = [p for p in registry.PAGES if p.warm_up]
    assert [p.key for p in warmed][0] == "overview", "the Overview is warmed first"
    for p in warmed:
        module, _, name = p.warm_up.partition(":")
        assert module == f"dashboard.{p.key}.data" and name == "warm_up", p.warm_up
        fn = p.warm_up_function()
        assert callable(fn)
        assert list(inspect.signature(fn).parameters) == ["ctx"], p.warm_up
    assert all(p.warm_up_function() is None for p in registry.PAGES if not p.warm_up)


def test_the_warm_up_runs_each_registered_page_in_menu_order_and_survives_a_failure(monkeypatch, caplog) -> None:
    from dashboard import warmup

    calls: list[tuple[str, object]] = []
    warmed = [p for p in registry.PAGES if p.warm_up]
    failing = warmed[1].key
    for p in warmed:
        module = __import__(p.warm_up.partition(":")[0], fromlist=["warm_up"])

        def record(ctx, key=p.key):
            calls.append((key, ctx))
            if key == failing:
                raise RuntimeError("broken on purpose")

        monkeypatch.setattr(module, "warm_up", record)
    ctx = object()
    with caplog.at_level(logging.INFO, logger="dashboard.warmup"):
        warmup._warm(ctx)
    assert calls == [(p.key, ctx) for p in warmed]
    assert f"warming the {failing} page failed" in caplog.text
    assert all(f"warmed the {p.key} page" in caplog.text for p in warmed if p.key != failing)
