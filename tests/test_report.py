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
    (["--page", "overview", "--out", "x.png", "--scale", "0.5"],
     "--scale is between 1 and 3 (a device pixel ratio; got 0.5)"),
    (["--page", "overview", "--out", "x.png", "--scale", "3.5"], "--scale is between 1 and 3"),
    (["--page", "overview", "--out", "x.pdf", "--scale", "nan"], "--scale is between 1 and 3"),
])
def test_a_bad_request_says_what_and_exits_with_2(args, message, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    started = []
    monkeypatch.setattr(report, "running_app", lambda *a, **k: started.append(a))
    assert report.main(args) == 2
    assert message in capsys.readouterr().err
    assert not started  # refused before an app is started


def test_a_scale_that_is_not_a_number_is_refused_with_2(capsys, monkeypatch) -> None:
    started = []
    monkeypatch.setattr(report, "running_app", lambda *a, **k: started.append(a))
    with pytest.raises(SystemExit) as exit_:
        report.main(["--page", "overview", "--out", "x.png", "--scale", "sharp"])
    assert exit_.value.code == 2
    assert "argument --scale: invalid float value: 'sharp'" in capsys.readouterr().err
    assert not started


def test_the_help_says_what_the_scale_does(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        report.main(["--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--scale SCALE a PNG's device pixel ratio, 1 to 3 (default 2)" in text, text
    assert "--width × --scale pixels wide; a PDF is not affected" in text, text


def test_a_good_link_is_kept_and_shown_in_presentation_mode() -> None:
    params = report.parse_link("?period=custom&from=2026-01-01&to=2026-03-31&ch=search_ads&ch=pr&present=0")
    assert params == [("period", "custom"), ("from", "2026-01-01"), ("to", "2026-03-31"), ("ch", "search_ads"),
                      ("ch", "pr"), ("present", "1")]
    url = report.page_url("http://127.0.0.1:8501/", report.page_of("sales"), params)
    assert url == ("http://127.0.0.1:8501/sales?period=custom&from=2026-01-01&to=2026-03-31&ch=search_ads&ch=pr"
                   "&present=1")
    assert report.parse_link("") == [("present", "1")]
