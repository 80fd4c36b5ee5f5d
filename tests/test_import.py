"""Importing files: formats, mapping, the check (all problems at once), idempotent all-or-nothing writes."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from connectors import schema
from connectors.export import csv_bytes, neutralise_formulas
from connectors.imports import (
    FileRejected, ImportBlocked, ImportRequest, NewChannel, apply_import, plan_import, read_file, report, suggest,
)
from connectors.imports.mapping import PRESETS
from connectors.imports.rules import IMPORTABLE
from connectors.imports.templates import template
from tests.importing import YANDEX_CP1251, assert_same, copy_store, snapshot

MB = 2**20


@pytest.fixture()
def store(small_store, tmp_path):
    return copy_store(small_store, tmp_path)


def spend_of(store, prefix: str) -> pl.DataFrame:
    return store.execute_sql("SELECT day, campaign_id, channel_id, region, amount, impressions, clicks FROM spend "
                             "WHERE campaign_id LIKE :prefix ORDER BY day, campaign_id", {"prefix": prefix + "%"})


def test_windows_1251_semicolon_decimal_comma_file_imports_correctly(store) -> None:
    data = YANDEX_CP1251.encode("cp1251")
    plan = plan_import(store, data, "direct_october.csv", ImportRequest("spend", preset="yandex_direct"), max_bytes=MB)
    assert (plan.parsed.encoding, plan.parsed.separator, plan.parsed.decimal) == ("cp1251", ";", ",")
    assert plan.parsed.header_row == 2 and plan.parsed.rows == 3  # title above, totals row below skipped
    assert plan.ok, report(plan.problems)
    assert [p.code for p in plan.problems] == ["total_rows"]
    result = apply_import(store, plan, imported_by="anna")
    assert (result.rows_added, result.rows_updated, result.campaigns_created) == (3, 0, 2)
    want = pl.DataFrame({
        "day": [dt.date(2026, 10, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 2)],
        "campaign_id": ["yd_70011", "yd_70012", "yd_70011"],
        "channel_id": ["search_ads"] * 3, "region": [None, None, None],
        "amount": [1234567.89, 8400.5, 1100000.0], "impressions": [12500, 3200, 11900], "clicks": [410, 95, 388],
    }, schema_overrides={"region": pl.String})
    assert_frame_equal(spend_of(store, "yd_"), want, check_dtypes=False)
    names = store.execute_sql("SELECT campaign_id, name, channel_id FROM campaigns WHERE campaign_id LIKE 'yd_%' "
                              "ORDER BY 1").rows()
    assert names == [("yd_70011", "Поиск · Москва · осень", "search_ads"), ("yd_70012", "Поиск; Тверь", "search_ads")]
    log = store.execute_sql("SELECT file_name, file_hash, table_name, rows_added, rows_updated, imported_by, source "
                            "FROM import_log").rows()
    assert log == [("direct_october.csv", plan.parsed.sha256, "spend", 3, 0, "anna", "upload")]


def test_reimporting_the_same_file_changes_nothing(store) -> None:
    data = YANDEX_CP1251.encode("cp1251")
    first = plan_import(store, data, "a.csv", ImportRequest("spend", preset="yandex_direct"), max_bytes=MB)
    apply_import(store, first)
    facts = tuple(t for t in schema.FACT_TABLES)
    before = snapshot(store, facts)
    again = plan_import(store, data, "a.csv", ImportRequest("spend"), max_bytes=MB)  # the saved mapping maps it
    assert again.mapping_source == "saved" and again.request.preset == "yandex_direct"
    assert (again.rows_new, again.rows_changed, again.rows_same) == (0, 0, 3)
    assert again.previous_imports and again.previous_imports[0]["file_name"] == "a.csv"
    result = apply_import(store, again)
    assert (result.rows_added, result.rows_updated, result.campaigns_created) == (0, 0, 0)
    assert_same(before, snapshot(store, facts))
    assert store.execute_sql("SELECT count(*) AS n FROM import_log")["n"][0] == 2  # both runs are logged


def test_an_overlapping_file_updates_changed_rows_and_adds_new_ones(store) -> None:
    apply_import(store, plan_import(store, YANDEX_CP1251.encode("cp1251"), "a.csv",
                                    ImportRequest("spend", preset="yandex_direct"), max_bytes=MB))
    overlap = ("Дата;Кампания;№ Кампании;Показы;Клики;Расход (руб.)\n"
               "02.10.2026;Поиск · Москва · осень;70011;11 900;388;1 150 000,00\n"  # corrected amount
               "01.10.2026;\"Поиск; Тверь\";70012;3 200;95;8 400,5\n"  # unchanged
               "03.10.2026;\"Поиск; Тверь\";70012;2 000;50;5 000\n")  # new day
    plan = plan_import(store, overlap.encode("cp1251"), "b.csv", ImportRequest("spend", preset="yandex_direct"),
                       max_bytes=MB)
    assert (plan.rows_new, plan.rows_changed, plan.rows_same) == (1, 1, 1)
    result = apply_import(store, plan)
    assert (result.rows_added, result.rows_updated) == (1, 1)
    got = spend_of(store, "yd_")
    assert got.height == 4
    assert got.filter(pl.col("day") == dt.date(2026, 10, 2))["amount"].to_list() == [1150000.0]


def bad_spend_file() -> bytes:
    """Five different problems, each on its own rows."""
    return (
        "day;campaign_id;channel_id;amount;impressions\n"
        "2026-10-01;search_ads_msk;search_ads;-120,5;100\n"      # row 2: negative spend
        "2026-10-02;search_ads_msk;search_ads;12,5;много\n"      # row 3: not a number
        "2026-10-03;search_ads_msk;seach_ads;10;100\n"           # row 4: unknown channel (typo)
        "2026-10-04;search_ads_msk;search_ads;10;100\n"          # rows 5, 6: duplicate key
        "2026-10-04;search_ads_msk;search_ads;11;100\n"
        "2031-01-01;search_ads_msk;search_ads;10;100\n"          # row 7: date in the future
        "2026-10-08;display_msk;display;99;1000\n"               # row 8: fine
    ).encode("cp1251")


def test_a_file_with_five_problems_reports_all_five_with_rows_and_writes_nothing(store) -> None:
    before = snapshot(store)
    plan = plan_import(store, bad_spend_file(), "bad.csv", ImportRequest("spend"), max_bytes=MB)
    errors = {p.code: p for p in plan.problems if p.severity == "error"}
    assert set(errors) == {"negative", "wrong_type", "unknown_channel", "duplicate_key", "date_out_of_range"}
    assert errors["negative"].rows == (2,) and errors["negative"].column == "amount"
    assert errors["wrong_type"].rows == (3,) and errors["wrong_type"].column == "impressions"
    assert errors["unknown_channel"].rows == (4,) and "search_ads" in errors["unknown_channel"].hint()
    assert errors["duplicate_key"].rows == (5, 6)
    assert errors["date_out_of_range"].rows == (7,)
    text = report(plan.problems)
    assert "row 2" in text and "rows 5, 6" in text and "Did you mean 'search_ads'" in text
    with pytest.raises(ImportBlocked):
        apply_import(store, plan)
    assert_same(before, snapshot(store))


def test_problems_name_many_rows_briefly(store) -> None:
    body = "".join(f"2026-09-{d:02d};search_ads_msk;search_ads;-1\n" for d in range(1, 31))
    plan = plan_import(store, ("day;campaign_id;channel_id;amount\n" + body).encode(), "neg.csv",
                       ImportRequest("spend"), max_bytes=MB)
    (neg,) = [p for p in plan.problems if p.code == "negative"]
    assert neg.count == 30 and len(neg.rows) == 10 and neg.rows[0] == 2
    assert "(30 in all)" in neg.rows_text()


def test_missing_columns_and_other_table_rules(store) -> None:
    nps = "response_id;responded_at;comment\n1;2026-09-01 10:00;ok\n"
    plan = plan_import(store, nps.encode(), "nps.csv", ImportRequest("nps_responses"), max_bytes=MB)
    assert {(p.code, p.column) for p in plan.problems if p.severity == "error"} == {("missing_column", "score")}
    rules = ("response_id;responded_at;score\n900000001;2026-09-01 10:00;11\n900000002;2026-09-01;7,5\n")
    plan = plan_import(store, rules.encode(), "nps.csv", ImportRequest("nps_responses"), max_bytes=MB)
    codes = {(p.code, p.rows) for p in plan.problems if p.severity == "error"}
    assert codes == {("out_of_range", (2,)), ("wrong_type", (3,))}
    reviews = ("review_id,source,created_at,rating,answered_at\n"
               "900000001,yandex_maps,2026-09-01 10:00,6,2026-09-01 09:00\n")
    plan = plan_import(store, reviews.encode(), "r.csv", ImportRequest("reviews"), max_bytes=MB)
    assert {p.code for p in plan.problems if p.severity == "error"} == {"out_of_range", "inconsistent"}
    posts = template("social_posts").with_columns(pl.lit("promotion").alias("post_type"))
    plan = plan_import(store, csv_bytes(posts), "p.csv", ImportRequest("social_posts"), max_bytes=MB)
    (bad,) = [p for p in plan.problems if p.severity == "error"]
    assert bad.code == "not_allowed" and "promo" in bad.hint()


def test_unknown_channels_are_created_with_their_pillar_when_asked(store) -> None:
    leads = ("lead_id;created_at;channel_id;region\n"
             "900000001;2026-10-01 10:00;podcasts;Москва\n900000002;2026-10-01 11:00;search_ads;Тверь\n")
    plan = plan_import(store, leads.encode(), "leads.csv", ImportRequest("leads"), max_bytes=MB)
    assert plan.checked.unknown_channels == ["podcasts"]
    assert not plan.ok and "pillar" in [p for p in plan.problems if p.code == "unknown_channel"][0].hint()
    create = {"podcasts": NewChannel("podcasts", "sales", "paid")}
    plan = plan_import(store, leads.encode(), "leads.csv", ImportRequest("leads", create_channels=create),
                       max_bytes=MB)
    assert plan.ok, report(plan.problems)
    result = apply_import(store, plan)
    assert (result.rows_added, result.channels_created) == (2, 1)
    row = store.execute_sql("SELECT pillar, kind FROM channels WHERE channel_id = 'podcasts'").rows()
    assert row == [("sales", "paid")]


def test_mapping_suggestions_in_russian_and_english() -> None:
    assert suggest("orders", ["Номер заказа", "Клиент", "Дата заказа", "Регион", "Сумма", "Себестоимость"]) == {
        "order_id": "Номер заказа", "customer_id": "Клиент", "ordered_at": "Дата заказа", "region": "Регион",
        "revenue": "Сумма", "cost_of_goods": "Себестоимость"}
    assert suggest("nps_responses", ["ID", "Date", "SCORE ", "Comment", "Customer Id"]) == {
        "response_id": "ID", "customer_id": "Customer Id", "responded_at": "Date", "score": "SCORE ",
        "comment": "Comment"}
    google = ["Day", "Campaign", "Campaign ID", "Currency code", "Cost", "Impr.", "Clicks", "Conversions"]
    assert suggest("spend", google, PRESETS["google_ads"]) == {
        "day": "Day", "campaign_id": "Campaign ID", "amount": "Cost", "impressions": "Impr.", "clicks": "Clicks",
        "campaign_name": "Campaign"}


def test_a_confirmed_mapping_is_saved_for_files_of_the_same_shape(store) -> None:
    month = "Дата,Кампания X,Сколько потратили\n2026-10-01,search_ads_msk,100.5\n"
    mapping = {"day": "Дата", "campaign_id": "Кампания X", "amount": "Сколько потратили"}
    plan = plan_import(store, month.encode(), "m.csv", ImportRequest("spend", mapping=mapping), max_bytes=MB)
    assert plan.ok, report(plan.problems)
    apply_import(store, plan)
    next_month = "Дата,Кампания X,Сколько потратили\n2026-10-02,search_ads_msk,99\n"
    plan = plan_import(store, next_month.encode(), "m2.csv", ImportRequest("spend"), max_bytes=MB)
    assert plan.mapping_source == "saved" and plan.mapping == mapping
    assert plan.checked.frame["channel_id"].to_list() == ["search_ads"]  # filled from the campaign
    assert plan.checked.frame["region"].to_list() == ["Москва"]


def test_google_ads_report_in_utf16_with_tabs(store) -> None:
    text = ("Campaign report\nOctober 1, 2026 - October 2, 2026\n"
            "Day\tCampaign\tCampaign ID\tCurrency code\tCost\tImpr.\tClicks\tConversions\n"
            "2026-10-01\tBrand | Search\t123456\tRUB\t1,234.50\t1,000\t40\t2.00\n"
            "2026-10-02\tBrand | Search\t123456\tRUB\t--\t0\t0\t0.00\n"
            "Total: Account\t\t\tRUB\t1,234.50\t1,000\t40\t2.00\n")
    plan = plan_import(store, text.encode("utf-16"), "google.csv", ImportRequest("spend", preset="google_ads"),
                       max_bytes=MB)
    assert (plan.parsed.encoding, plan.parsed.separator, plan.parsed.decimal) == ("utf-16", "\t", ".")
    errors = [p for p in plan.problems if p.severity == "error"]
    assert [(p.code, p.column, p.rows) for p in errors] == [("empty_value", "amount", (5,))]  # '--': no cost


@pytest.mark.parametrize("kind", ["utf8_bom", "xlsx", "parquet"])
def test_other_formats_give_the_same_rows(store, kind: str) -> None:
    frame = pl.DataFrame({"day": [dt.date(2026, 10, 1), dt.date(2026, 10, 2)],
                          "campaign_id": ["display_tver", "display_tver"], "amount": [10.25, 1234567.5]})
    if kind == "utf8_bom":
        data, name = csv_bytes(frame), "f.csv"
        assert data.startswith(b"\xef\xbb\xbf")
    elif kind == "xlsx":
        buf = io.BytesIO()
        frame.write_excel(buf)
        data, name = buf.getvalue(), "f.xlsx"
    else:
        buf = io.BytesIO()
        frame.write_parquet(buf)
        data, name = buf.getvalue(), "f.parquet"
    plan = plan_import(store, data, name, ImportRequest("spend"), max_bytes=MB)
    assert plan.ok, report(plan.problems)
    assert plan.parsed.kind == ("csv" if kind == "utf8_bom" else kind)
    apply_import(store, plan)
    got = store.execute_sql("SELECT day, campaign_id, amount, channel_id, region FROM spend "
                            "WHERE campaign_id = 'display_tver' AND day BETWEEN DATE '2026-10-01' AND DATE '2026-10-02' "
                            "ORDER BY day")
    assert got.rows() == [(dt.date(2026, 10, 1), "display_tver", 10.25, "display", "Тверь"),
                          (dt.date(2026, 10, 2), "display_tver", 1234567.5, "display", "Тверь")]


def test_every_template_imports_into_the_demo_and_reimports_as_nothing(store) -> None:
    for table in IMPORTABLE:
        data = csv_bytes(template(table))
        plan = plan_import(store, data, f"{table}.csv", ImportRequest(table), max_bytes=MB)
        assert plan.ok, (table, report(plan.problems))
        assert not [p for p in plan.problems if p.severity == "warning"], (table, report(plan.problems))
        result = apply_import(store, plan)
        # two example rows of each template are new to the demo (the channels and campaigns templates also repeat
        # some of the demo's own, unchanged); the referrals template has one, a recommendation between its customers
        expected = 1 if table == "referrals" else 2
        assert result.rows_added + result.rows_updated == expected, table
        again = apply_import(store, plan_import(store, data, f"{table}.csv", ImportRequest(table), max_bytes=MB))
        assert (again.rows_added, again.rows_updated) == (0, 0), table


def test_file_size_cap_and_unreadable_files(store) -> None:
    with pytest.raises(FileRejected) as exc:
        read_file(b"a;b\n" + b"1;2\n" * 1000, "big.csv", max_bytes=1000)
    assert exc.value.code == "too_large" and exc.value.params["limit_mb"] == 0
    with pytest.raises(FileRejected) as exc:
        read_file(b"\x00\x01\x02\x03binary\x00" * 10, "x.csv", max_bytes=MB)
    assert exc.value.code == "binary"
    with pytest.raises(FileRejected) as exc:
        read_file(b"PK\x03\x04 not really a zip", "x.xlsx", max_bytes=MB)
    assert exc.value.code == "unreadable"
    with pytest.raises(FileRejected) as exc:
        read_file(b"PAR1 broken", "x.parquet", max_bytes=MB)
    assert exc.value.code == "unreadable"
    with pytest.raises(FileRejected) as exc:
        read_file("день;сумма\n1;2\n".encode("cp1251"), "x.csv", max_bytes=MB,
                  options=__import__("connectors.imports", fromlist=["FormatOptions"]).FormatOptions(encoding="utf-8"))
    assert exc.value.code == "encoding"


def test_a_failure_in_the_middle_of_the_write_leaves_nothing(store, monkeypatch) -> None:
    plan = plan_import(store, YANDEX_CP1251.encode("cp1251"), "a.csv", ImportRequest("spend", preset="yandex_direct"),
                       max_bytes=MB)
    before = snapshot(store)
    import connectors.store as store_module

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_module, "_bump_version_duckdb", boom)  # after campaigns, rows and the log
    with pytest.raises(RuntimeError, match="disk full"):
        apply_import(store, plan)
    assert_same(before, snapshot(store))


def test_import_bumps_the_data_version(store) -> None:
    before = int(store.data_version())
    apply_import(store, plan_import(store, YANDEX_CP1251.encode("cp1251"), "a.csv",
                                    ImportRequest("spend", preset="yandex_direct"), max_bytes=MB))
    assert int(store.data_version()) == before + 1


def test_exports_neutralise_formulas_and_reimport_the_text(store) -> None:
    hostile = ["=cmd|' /C calc'!A0", "+SUM(A1:A2)", "-2+3", "@HYPERLINK(\"http://x\")", "plain"]
    frame = pl.DataFrame({"text": hostile, "n": [-1, 2, 3, 4, 5]})
    safe = neutralise_formulas(frame)
    assert safe["text"].to_list() == ["'" + h for h in hostile[:4]] + ["plain"]
    assert safe["n"].to_list() == [-1, 2, 3, 4, 5]  # numbers stay numbers
    body = csv_bytes(frame).decode("utf-8-sig")
    assert all(line[0] not in "=+-@" for line in body.splitlines())
    reviews = template("reviews").with_columns(pl.Series("text", hostile[:2]))
    plan = plan_import(store, csv_bytes(reviews), "reviews.csv", ImportRequest("reviews"), max_bytes=MB)
    assert plan.ok, report(plan.problems)
    apply_import(store, plan)
    stored = store.execute_sql("SELECT text FROM reviews WHERE review_id >= 900000001 ORDER BY review_id")["text"]
    assert stored.to_list() == hostile[:2]  # kept as text, exactly as the source wrote it


def test_a_header_without_rows_is_reported_not_crashed(store) -> None:
    plan = plan_import(store, b"day", "h.csv", ImportRequest("spend"), max_bytes=MB)
    assert {p.code for p in plan.problems if p.severity == "error"} == {"no_rows", "missing_column"}


def test_excel_rows_are_numbered_as_in_the_spreadsheet(store) -> None:
    import xlsxwriter

    from connectors.imports import FormatOptions

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    book.add_worksheet("Readme").write(0, 0, "see the next sheet")
    sheet = book.add_worksheet("Отчёт")
    sheet.write(2, 0, "Статистика по кампаниям")  # a title on row 3, the header on row 5
    sheet.write_row(4, 0, ["Дата", "ID кампании", "Расход"])
    sheet.write_row(5, 0, ["01.10.2026", "display_msk", 12.5])
    sheet.write_row(6, 0, ["02.10.2026", "display_msk", "двенадцать"])
    book.close()
    request = ImportRequest("spend", options=FormatOptions(sheet="Отчёт"))
    plan = plan_import(store, buf.getvalue(), "report.xlsx", request, max_bytes=MB)
    assert plan.parsed.header_row == 5 and plan.parsed.sheets == ("Readme", "Отчёт")
    assert [(p.code, p.rows) for p in plan.problems if p.severity == "error"] == [("wrong_type", (7,))]
