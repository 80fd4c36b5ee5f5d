"""The report command's arguments: a bad page, link or output file is refused with a clear message and exit
code 2, before any app or browser is started."""

from __future__ import annotations

import pytest

from dashboard import report


@pytest.mark.parametrize(("args", "message"), [
    (["--page", "nowhere", "--out", "x.pdf"], "unknown page 'nowhere'; the pages are: overview, sales,"),
    (["--page", "overview", "--query", "period=forever", "--out", "x.pdf"],
     "--query has values the app cannot use: period=forever"),
    (["--page", "overview", "--query", "lang=xx&compare=year", "--out", "x.pdf"], "cannot use: lang=xx"),
    (["--page", "overview", "--query", "bogus=1", "--out", "x.pdf"], "--query names unknown parameters: bogus;"),
    (["--page", "overview", "--query", "a&&b", "--out", "x.pdf"], "is not a link's query"),
    (["--page", "overview", "--out", "x.txt"], "the report is written as .pdf or .png"),
    (["--page", "overview", "--out", "/no/such/folder/x.pdf"], "the folder /no/such/folder does not exist"),
    (["--page", "overview", "--out", "x.png", "--width", "10"], "--width is between 320 and 4000"),
])
def test_a_bad_request_says_what_and_exits_with_2(args, message, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    started = []
    monkeypatch.setattr(report, "running_app", lambda *a, **k: started.append(a))
    assert report.main(args) == 2
    assert message in capsys.readouterr().err
    assert not started  # refused before an app is started


def test_a_good_link_is_kept_and_shown_in_presentation_mode() -> None:
    params = report.parse_link("?period=custom&from=2026-01-01&to=2026-03-31&ch=search_ads&ch=pr&present=0")
    assert params == [("period", "custom"), ("from", "2026-01-01"), ("to", "2026-03-31"), ("ch", "search_ads"),
                      ("ch", "pr"), ("present", "1")]
    url = report.page_url("http://127.0.0.1:8501/", report.page_of("sales"), params)
    assert url == ("http://127.0.0.1:8501/sales?period=custom&from=2026-01-01&to=2026-03-31&ch=search_ads&ch=pr"
                   "&present=1")
    assert report.parse_link("") == [("present", "1")]
