"""The shared sidebar: period, comparison, channels, regions, language, share link."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import state
from dashboard.browser_locale import follow_view_language
from dashboard.components import share_link
from dashboard.filters import COMPARISONS, LANGUAGES, PRESETS, Bounds, ViewState
from dashboard.i18n import fmt_date, t

REGION_NAMES_EN = {"Москва": "Moscow", "Красногорск": "Krasnogorsk", "Тверь": "Tver"}
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def region_label(region: str, lang: str) -> str:
    return REGION_NAMES_EN.get(region, region) if lang == "en" else region


def render_sidebar(*, default: ViewState, channels: pl.DataFrame, regions: tuple[str, ...], bounds: Bounds) -> ViewState:
    lang = state.lang(default.lang)
    names = {
        r["channel_id"]: (r["name_ru"] if lang == "ru" and r["name_ru"] else r["name"])
        for r in channels.iter_rows(named=True)
    }
    with st.sidebar:
        follow_view_language(lang)  # first: the app redraws with it while the rest of the run arrives
        st.subheader(t("filters", lang))
        bound = dict(default=default, bounds=bounds)
        period = st.selectbox(t("period", lang), PRESETS, **state.bind(state.PERIOD, **bound),
                              format_func=lambda p: t(f"period.{p}", lang))
        if period == "custom":
            st.date_input(t("dates", lang), **state.bind(state.DATES, **bound), min_value=dt.date(2000, 1, 1),
                          max_value=dt.date(2100, 12, 31), format="DD.MM.YYYY" if lang == "ru" else "YYYY-MM-DD")
        compare = st.selectbox(t("compare", lang), COMPARISONS, **state.bind(state.COMPARE, **bound),
                               format_func=lambda c: t(f"compare.{c}", lang))
        if compare == "custom":
            st.date_input(t("compare.dates", lang), **state.bind(state.COMPARE_DATES, **bound),
                          min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31),
                          format="DD.MM.YYYY" if lang == "ru" else "YYYY-MM-DD")
        st.multiselect(t("channels", lang), list(names), **state.bind(state.CHANNELS, options=names, **bound),
                       format_func=lambda c: names.get(c, c), placeholder=t("channels.all", lang))
        st.multiselect(t("regions", lang), list(regions), **state.bind(state.REGIONS, options=regions, **bound),
                       format_func=lambda r: region_label(r, lang), placeholder=t("regions.all", lang))
        st.segmented_control(t("language", lang), LANGUAGES, **state.bind(state.LANG, **bound), required=True,
                             format_func=lambda code: LANGUAGE_NAMES[code])
        view = state.current_view(default)
        state.write_url(view, default)
        if bounds.empty:
            st.caption(t("nodata.sidebar", view.lang))
        else:
            st.caption(t("data.as_of", view.lang, date=fmt_date(bounds.last, view.lang)))
        share_link(view.lang)
    return view
