"""Downloads a meeting can hand out: every table as CSV and Excel, names instead of codes, numbers rounded to their
unit, and the view's filters and comparison period on top."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import fastexcel
import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from connectors.export import csv_bytes, rounded_to_units, xlsx_bytes
from dashboard.components import export_frame, export_header
from dashboard.filters import ViewState
from tests.conftest import ROOT

NAMES = {"search_ads": "Поисковая реклама", "display": "Медийная реклама"}


def test_numbers_are_rounded_to_their_unit() -> None:
    frame = pl.DataFrame({"spend": [28480.230000000003, 0.1 + 0.2], "customers": [3.0000000004, 12.0],
                          "share": [0.123456789, None], "other": [1 / 3, 2.0], "orders": [7, 8]})
    out = rounded_to_units(frame, {"spend": "money", "customers": "count", "share": "ratio"})
    assert out["spend"].to_list() == [28480.23, 0.3]
    assert out["customers"].dtype == pl.Int64 and out["customers"].to_list() == [3, 12]
    assert out["share"].to_list() == [0.1235, None]
    assert out["other"].to_list() == [0.3333, 2.0]
    assert out["orders"].to_list() == [7, 8]
    text = csv_bytes(out).decode("utf-8-sig")
    assert "28480.23," in text and "000000" not in text


def test_a_table_is_exported_as_shown_with_names_and_titles() -> None:
    frame = pl.DataFrame({"channel_id": ["search_ads", "display"], "campaign_id": ["c1", "c2"],
                          "spend": [28480.230000000003, 100.0], "conversion": [0.290322580645, 0.1],
                          "leads": [696, 258]})
    config = {"channel_id": st.column_config.TextColumn("Канал"), "campaign_id": None,
              "spend": st.column_config.NumberColumn("Затраты, ₽", format="localized"),
              "conversion": st.column_config.NumberColumn("Конверсия", format="percent"), "leads": "Лиды"}
    out = export_frame(frame, config, "ru", names=NAMES)
    assert out.columns == ["Канал", "Затраты, ₽", "Конверсия", "Лиды"]  # the hidden id column is not exported
    assert out["Канал"].to_list() == ["Поисковая реклама", "Медийная реклама"]
    assert out["Затраты, ₽"].to_list() == [28480.23, 100.0]
    assert out["Конверсия"].to_list() == [0.2903, 0.1]
    assert out["Лиды"].to_list() == [696, 258]


def _ctx(comparison):
    view = ViewState(period="last_month", compare="year" if comparison else "none",
                     channels=("display", "search_ads"), regions=("Тверь",), lang="ru")
    return SimpleNamespace(period=(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), comparison=comparison, view=view)


def test_the_header_names_the_filters_and_the_comparison_period() -> None:
    lines = export_header(_ctx((dt.date(2025, 10, 1), dt.date(2025, 10, 31))), "ru", names=NAMES)
    assert lines == ["Период: 2026-10-01 – 2026-10-31", "Сравнение с: 2025-10-01 – 2025-10-31",
                     "Каналы: Медийная реклама, Поисковая реклама", "Регионы: Тверь"]
    english = export_header(_ctx(None), "en", names={})
    assert english[1] == "Compared with: nothing" and english[2] == "Channels: display, search_ads"


def test_an_excel_file_holds_the_header_numbers_as_numbers_and_text_as_text() -> None:
    frame = pl.DataFrame({"Канал": ["=HYPERLINK(\"http://x\")", "Поисковая реклама"], "Затраты": [28480.23, 5.5],
                          "Лиды": [696, 258], "День": [dt.date(2026, 10, 1), None]})
    data = xlsx_bytes(frame, header_lines=["Период: 2026-10-01 – 2026-10-31", "Каналы: все"])
    sheet = fastexcel.read_excel(data).load_sheet(0, header_row=3).to_polars()
    assert sheet.columns == ["Канал", "Затраты", "Лиды", "День"]
    assert sheet["Затраты"].to_list() == [28480.23, 5.5]
    assert sheet["Лиды"].to_list() == [696, 258]
    assert sheet["Канал"][0] == "=HYPERLINK(\"http://x\")"
    top = fastexcel.read_excel(data).load_sheet(0, header_row=None, n_rows=2).to_polars()
    assert top[:, 0].to_list() == ["Период: 2026-10-01 – 2026-10-31", "Каналы: все"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml  # the text that looks like a formula is stored as text, never as a formula


def test_csv_keeps_neutralising_formulas() -> None:
    text = csv_bytes(pl.DataFrame({"name": ["=cmd|' /C calc'!A0"], "x": [-1.5]}),
                     header_lines=["Период: 2026-10-01 – 2026-10-31"]).decode("utf-8-sig")
    assert text.splitlines() == ["# Период: 2026-10-01 – 2026-10-31", "name,x", "'=cmd|' /C calc'!A0,-1.5"]


@pytest.mark.parametrize("page", ["pages/sales.py", "pages/communication.py"])
def test_every_table_has_csv_and_excel_downloads(app_env, page) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = "ru"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    shown = len(at.dataframe)
    assert shown >= 2
    assert labels.count("CSV") >= shown and labels.count("Excel") >= shown


def test_the_channel_table_puts_roas_and_romi_next_to_the_channel(app_env) -> None:
    """At 1280 px the first four columns fit without scrolling sideways (checked on a screenshot in Chromium)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/sales.py").run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].proto.column_order[:4]) == ["channel_id", "spend", "roas", "romi"]
