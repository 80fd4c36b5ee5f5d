"""Downloads a meeting can hand out: every table as CSV and Excel, names instead of codes, numbers rounded to their
unit, and the view's filters and comparison period on top."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from types import SimpleNamespace

import fastexcel
import polars as pl
import pytest
import streamlit as st
from streamlit.proto.Dataframe_pb2 import Dataframe as DataframeProto
from streamlit.testing.v1 import AppTest

from connectors.export import csv_bytes, rounded_to_units, xlsx_bytes
from dashboard.components import export_frame, export_header
from dashboard.filters import ViewState
from dashboard.registry import PAGES
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


@pytest.mark.parametrize("registered", PAGES, ids=[p.key for p in PAGES])
def test_every_table_has_csv_and_excel_downloads(app_env, registered) -> None:
    """Every page that shows figures (cards or tables) offers them as CSV and Excel; every table has its own."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = "ru"
    at.run()
    at.switch_page(registered.file).run()
    assert not at.exception, at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    tables = sum(1 for d in at.dataframe if d.proto.editing_mode == DataframeProto.EditingMode.READ_ONLY)
    assert at.metric or tables, "every registered page shows figures"
    assert labels.count("CSV") >= max(tables, 1) and labels.count("Excel") >= max(tables, 1), labels


def test_the_channel_table_puts_roas_and_romi_next_to_the_channel(app_env) -> None:
    """At 1280 px the first four columns fit without scrolling sideways (checked on a screenshot in Chromium)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/sales.py").run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].proto.column_order[:4]) == ["channel_id", "spend", "roas", "romi"]


def overview_files(monkeypatch, params: dict[str, str]) -> tuple[AppTest, dict[str, bytes]]:
    """The Overview run with ``params``, and the files its download buttons hand out (name -> bytes)."""
    files: dict[str, bytes] = {}
    original = st.download_button

    def recording(label, data=None, file_name=None, **kwargs):
        files[file_name] = data() if callable(data) else data
        return original(label, data=data, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at, files


def parse_csv(data: bytes) -> tuple[list[str], pl.DataFrame]:
    """A download's header lines (after '# ') and its table."""
    text = data.decode("utf-8-sig")
    header = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    return header, pl.read_csv(io.StringIO(body), infer_schema_length=None)


OVERVIEW_WORDS = {
    "en": {"group": "Group", "figure": "Figure", "value": "Value", "low": "Range from", "high": "Range to",
           "margin": "Margin of error (±)", "unit": "Unit", "spend": "Spend", "total": "Total",
           "contribution": "Profit contribution (estimate)", "romi": "ROMI (12-month value)",
           "change": "Change vs the comparison period",
           "pillars": ["Sales", "Reputation", "Communication"], "all": "Channels: all"},
    "ru": {"group": "Группа", "figure": "Показатель", "value": "Значение", "low": "Диапазон от", "high": "Диапазон до",
           "margin": "Погрешность (±)", "unit": "Единица", "spend": "Затраты", "total": "Итого",
           "contribution": "Вклад в прибыль (оценка)", "romi": "ROMI (ценность за 12 месяцев)",
           "change": "Изменение к периоду сравнения",
           "pillars": ["Продажи", "Репутация", "Коммуникации"], "all": "Каналы: все"},
}
ANSWER_FIGURES = {  # the one-line answer's figures (non-breaking spaces read as spaces)
    "en": re.compile(r"^(?P<spend>.+?) spent → (?P<total>.+?) estimated profit contribution \((?P<low>.+?)–"
                     r"(?P<high>.+?)\), ROMI \(12-month value\) (?P<romi>.+?), (?P<change>.+?) vs the comparison"),
    "ru": re.compile(r"^Потрачено (?P<spend>.+?) → оценка вклада в прибыль (?P<total>.+?) \((?P<low>.+?)–"
                     r"(?P<high>.+?)\), ROMI \(ценность за 12 месяцев\) (?P<romi>.+?), (?P<change>.+?) к периоду"),
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_overview_downloads_hold_the_figures_the_page_shows(app_env, monkeypatch, lang) -> None:
    from tests.overview_expected import assert_shows

    at, files = overview_files(monkeypatch, {"lang": lang})
    assert sorted(n.rsplit(".", 1)[1] for n in files) == ["csv", "xlsx"]
    csv_name = next(n for n in files if n.endswith(".csv"))
    assert csv_name == "overview_2026-08-03_2026-10-31.csv"
    header, frame = parse_csv(files[csv_name])
    w = OVERVIEW_WORDS[lang]
    assert frame.columns[:3] == [w["group"], w["figure"], w["value"]] and w["unit"] in frame.columns
    assert header[0].endswith("2026-08-03 – 2026-10-31") and header[1].endswith("2026-05-05 – 2026-08-02")
    assert header[2] == w["all"]
    answer = next(md.value for md in at.markdown if "→" in md.value)
    assert answer.endswith(f"**{header[4]}**")  # the one-line answer, as shown

    def figure(group: str, name: str, column: str | None = None) -> float:
        rows = frame.filter((pl.col(w["group"]) == group) & (pl.col(w["figure"]) == name))
        assert rows.height == 1, (group, name, frame)
        return rows[column or w["value"]][0]

    for value in frame[w["value"]].drop_nulls().to_list():  # rounded to the unit: at most two decimals
        assert round(value, 2) == value
    cards = list(at.metric)
    contribution_cards = [m for m in cards if m.label == w["contribution"]]
    assert len(contribution_cards) == 3
    for pillar, card in zip(w["pillars"], contribution_cards):
        assert_shows(card.value, figure(pillar, w["contribution"]), lang)
        spend_shown = card.delta.split(" · ")[0].removeprefix(w["spend"]).strip()  # 'Spend ₽911.2K · 50.0%'
        assert_shows(spend_shown, figure(pillar, w["spend"]), lang)
        assert figure(pillar, w["contribution"], w["low"]) <= figure(pillar, w["contribution"]) \
            <= figure(pillar, w["contribution"], w["high"])
    headlines = [m for m in cards if m.label != w["contribution"]]  # each pillar's main result
    assert len(headlines) == 3
    for pillar, card in zip(w["pillars"], headlines):
        value = figure(pillar, card.label)
        unit = frame.filter((pl.col(w["group"]) == pillar) & (pl.col(w["figure"]) == card.label))[w["unit"]][0]
        shown = card.value.split(" ±")[0]
        assert_shows(shown, value / 100 if unit == "%" else value, lang)
        if " ±" in card.value:  # NPS: its margin of error
            assert_shows(card.value.split(" ±")[1], figure(pillar, card.label, w["margin"]), lang)
    total = w["total"]
    assert figure(total, w["spend"]) == pytest.approx(sum(figure(p, w["spend"]) for p in w["pillars"]), abs=0.02)
    found = ANSWER_FIGURES[lang].search(header[4].replace("\u00a0", " "))
    assert found, header[4]
    assert_shows(found["spend"], figure(total, w["spend"]), lang)
    assert_shows(found["total"], figure(total, w["contribution"]), lang)
    assert_shows(found["low"], figure(total, w["contribution"], w["low"]), lang)
    assert_shows(found["high"], figure(total, w["contribution"], w["high"]), lang)
    assert_shows(found["romi"], figure(total, w["romi"]) / 100, lang)
    assert_shows(found["change"], figure(total, w["change"]) / 100, lang)


def test_the_overview_download_names_the_filter_and_leaves_out_what_the_page_does_not_show(
        app_env, monkeypatch) -> None:
    at, files = overview_files(monkeypatch, {"ch": "search_ads"})
    header, frame = parse_csv(next(v for n, v in files.items() if n.endswith(".csv")))
    assert header[2] == "Channels: Search ads (Yandex Direct)"  # the name, not the code
    contributions = frame.filter(pl.col("Figure") == "Profit contribution (estimate)")
    assert contributions["Group"].to_list() == ["Sales", "Reputation", "Communication", "Total"]
    assert [v is None for v in contributions["Value"].to_list()] == [False, True, True, False]  # as the cards: '—'
    cards = [m.value for m in at.metric if m.label == "Profit contribution (estimate)"]
    assert cards[1:] == ["—", "—"]
