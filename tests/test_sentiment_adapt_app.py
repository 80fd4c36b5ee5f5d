"""The Reputation page states the classifier's accuracy on the company's held-out rated texts; with
DASHBOARD_SENTIMENT_ADAPT=1 it uses the classifier adapted to them and relabels with it in one action."""

from __future__ import annotations

import polars as pl
import pytest

from connectors import sentiment_adapt
from dashboard.i18n import fmt_number, fmt_pct
from metrics.sentiment import default_classifier
from tests.importing import copy_store
from tests.test_app import run_app

PAGE = "pages/reputation.py"


def _accuracy_caption(at) -> str:
    found = [c.value for c in at.caption if "Checked on the company's own texts" in c.value]
    assert len(found) == 1, [c.value for c in at.caption]
    return found[0]


def test_the_page_states_the_accuracy_on_the_held_out_rated_texts(app_env, small_store) -> None:
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    row = sentiment_adapt.held_out_figures(small_store, default_classifier()).filter(
        pl.col("kind") == "all").row(0, named=True)
    held = sentiment_adapt.company_texts(small_store, limit=sentiment_adapt.EVAL_LIMIT).filter(pl.col("held_out"))
    hand = sum(p == k for p, k in zip(default_classifier().classify(held["text"].to_list()), held["label"]))
    assert row["texts"] == held.height > 0 and row["accuracy"] == pytest.approx(hand / held.height)
    text = _accuracy_caption(at)
    assert f"{default_classifier().name} gets {fmt_pct(row['accuracy'])} of {fmt_number(row['texts'])} right" in text
    assert f"finds {fmt_pct(row['recall_negative'])} of the negative ones" in text


@pytest.fixture
def adapting_app(app_env, small_store, tmp_path, monkeypatch):
    """The app on a copy of the demo with adaptation on (the adapted weights go to the copy's folder)."""
    from dashboard.context import settings

    copy_store(small_store, tmp_path)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DASHBOARD_SENTIMENT_ADAPT", "1")
    settings.clear()
    yield tmp_path
    monkeypatch.undo()
    settings.clear()


def test_with_adaptation_on_the_page_relabels_with_the_adapted_classifier(adapting_app) -> None:
    at = run_app(page=PAGE)
    assert not at.exception, at.exception
    weights = adapting_app / sentiment_adapt.ADAPTED_FILE
    assert weights.exists()
    name = sentiment_adapt.adapted_classifier(None, weights).name  # read back from the file
    assert name.startswith(default_classifier().name + "+")
    assert any(f"not all from the configured classifier ({name})" in i.value for i in at.info)
    assert f"{name} gets" in _accuracy_caption(at)
    at.button(key="rep_relabel").click().run()
    assert not at.exception, at.exception
    assert not any("configured classifier" in i.value for i in at.info)
    assert any(f"{name} classifier" in c.value for c in at.caption)
