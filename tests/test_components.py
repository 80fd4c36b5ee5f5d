"""The app's table defaults: the first shown column is pinned, whatever form its column config takes."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.components import pinned_first

FRAME = pl.DataFrame({"code": ["a"], "channel": ["Search"], "spend": [1.0]})


def test_the_first_column_shown_is_pinned_and_the_others_are_left_alone() -> None:
    config = {"channel": st.column_config.TextColumn("Channel"), "spend": st.column_config.NumberColumn("Spend")}
    out = pinned_first(FRAME, {"code": None, **config})
    assert out["channel"]["pinned"] is True and out["channel"]["label"] == "Channel"
    assert not out["spend"].get("pinned") and out["code"] is None
    assert config["channel"].get("pinned") is None  # the caller's config is not changed


def test_a_title_given_as_text_or_no_config_at_all_still_pins() -> None:
    assert pinned_first(FRAME, {"code": "Code"})["code"] == {"label": "Code", "pinned": True}
    assert pinned_first(FRAME, None) == {"code": {"pinned": True}}


def test_the_column_order_decides_which_column_comes_first() -> None:
    out = pinned_first(FRAME, {}, column_order=["spend", "channel"])
    assert out == {"spend": {"pinned": True}}
    assert pinned_first(FRAME.clear().select(), {}) == {}
