"""Page-level URL parameters: seeded once from the link, written back, bad values reported; every parameter the
registry declares is read by its page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from dashboard import state

    state.page_param("model", "w_model", parse=lambda s: s if s in ("markov", "linear") else None,
                     default="linear")
    st.selectbox("Model", ["linear", "markov"], key="w_model")
    state.page_param("lookback", "w_lookback", parse=lambda s: int(s) if 1 <= int(s) <= 90 else None, default=30)
    st.number_input("Look-back", 1, 90, key="w_lookback")
    state.write_page_param("model", "w_model", default="linear")
    state.write_page_param("lookback", "w_lookback", default=30)


def test_good_values_are_seeded_and_kept() -> None:
    at = AppTest.from_function(_page)
    at.query_params["model"] = "markov"
    at.query_params["lookback"] = "14"
    at.run()
    assert at.selectbox(key="w_model").value == "markov"
    assert at.number_input(key="w_lookback").value == 14
    assert not at.warning
    at.selectbox(key="w_model").select("linear").run()
    assert "model" not in at.query_params  # back to the default: left out of the link
    assert at.query_params["lookback"] in ("14", ["14"])


def test_bad_values_fall_back_with_a_notice() -> None:
    at = AppTest.from_function(_page)
    at.query_params["model"] = "<img src=x onerror=alert(1)>"
    at.query_params["lookback"] = "9999"
    at.run()
    assert not at.exception
    assert at.selectbox(key="w_model").value == "linear"
    assert at.number_input(key="w_lookback").value == 30
    assert len(at.warning) == 2
    assert "`<img src=x onerror=alert(1)>`" in at.warning[0].value  # inline code: shown literally
    assert "model" not in at.query_params and "lookback" not in at.query_params


# --- every registered parameter is read by its page ----------------------------------------------------------------

UNUSABLE = "<b>x</b>"


def _links() -> list:
    """One link per page with an unusable value for each of its parameters; a saved-scenario id is tried on its
    own, as it replaces the loose scenario parameters."""
    from dashboard.registry import PAGES

    out = []
    for page in PAGES:
        groups = [tuple(p for p in page.params if p != "scenario")] + ([("scenario",)] if "scenario" in page.params
                                                                        else [])
        out += [pytest.param(page, params, id=f"{page.key}-{'-'.join(params)}") for params in groups if params]
    return out


@pytest.mark.parametrize(("registered", "params"), _links())
def test_every_registered_parameter_is_read_by_its_page(app_env, registered, params) -> None:
    """A parameter the page reads is dropped from the link when unusable; one it never reads would stay there."""
    from tests.test_app import run_app

    at = run_app({p: UNUSABLE for p in params}, page=registered.file)
    assert not at.exception, at.exception
    left = [p for p in params if p in at.query_params]
    assert not left, f"{registered.key} never reads {left} from the link"
    assert at.warning or at.error, "an unusable link value is reported"
