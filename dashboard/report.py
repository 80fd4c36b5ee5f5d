"""A page of the dashboard as a PDF or PNG report, for a scheduler (cron, systemd timers) or by hand.

    python -m dashboard.report --page overview --query 'period=last_90_days&lang=ru' --out overview.pdf
    python -m dashboard.report --page sales --out sales.png --base http://127.0.0.1:8501
    python -m dashboard.report --page sales --out sales.png --width 1366 --scale 3   # 4098 pixels wide

Starts the app (``streamlit run streamlit_app.py`` on a free local port, with this process's environment, so the
same settings and database) or uses a running one (``--base``), opens the page in Debian's headless Chromium
through Playwright in presentation mode (``present=1``: the filters printed on the page as one line with the data's
freshness), waits until the run has finished, and writes ``page.pdf()`` (one page as tall as the content) or a
full-page screenshot at a device pixel ratio of ``--scale`` (default 2: the page laid out at ``--width`` CSS
pixels, the image ``--width`` × ``--scale`` pixels wide, sharp on projectors and high-density screens). With
``--mail-to`` (once per address) the file is then mailed as an attachment through the SMTP settings
(``DASHBOARD_SMTP_*``, see the README's configuration table). Exit codes: 0 written (and mailed); 2 a bad
``--page``, ``--query``, ``--out``, ``--width``, ``--scale`` or ``--mail-to``, or no SMTP server configured (the
message says what); 1 the page could not be drawn (the app's error box, a time-out) or the mail could not be sent.
"""

from __future__ import annotations

import argparse
import contextlib
import mimetypes
import os
import smtplib
import struct
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from connectors.settings import Settings
from dashboard import registry, serve
from dashboard.filters import GLOBAL_PARAMS, LIST_PARAMS, ViewState, parse_query

CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
FORMATS = (".pdf", ".png")
SCALES = (1.0, 3.0)  # the device pixel ratios a PNG may be drawn at
# the app has finished its run: no running indicator and no element left over from the previous run
IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
              && !document.querySelector('[data-stale="true"]')"""
DRAWN = '[data-testid="stMetric"], [data-testid="stAlert"], [data-testid="stException"], .st-key-present_filters'
# how tall the content is: Streamlit scrolls its main area, not the document
CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"],'
        + ' [data-testid="stMainBlockContainer"]')].map(e => e.scrollHeight))"""


class ReportError(Exception):
    """A bad request (exit code 2): the message says what to change."""


def page_of(key: str) -> registry.Page:
    try:
        return registry.page(key)
    except KeyError:
        known = ", ".join(p.key for p in registry.PAGES)
        raise ReportError(f"unknown page {key!r}; the pages are: {known}") from None


def parse_link(query: str) -> list[tuple[str, str]]:
    """The link's parameters, checked as far as they can be without the data: names the app knows, values of
    the period, comparison, dates and language it accepts (channels and regions are checked by the app)."""
    query = query.lstrip("?")
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ReportError(f"--query {query!r} is not a link's query (name=value&name=value)") from None
    known = set(GLOBAL_PARAMS) | registry.all_page_params()
    unknown = sorted({k for k, _ in pairs if k not in known})
    if unknown:
        raise ReportError(f"--query names unknown parameters: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    raw: dict[str, list[str]] = {}
    for k, v in pairs:
        if k in GLOBAL_PARAMS and k not in LIST_PARAMS:
            raw.setdefault(k, []).append(v)
    problems = parse_query(raw, channels=(), regions=(), default=ViewState()).problems
    if problems:
        bad = "; ".join(f"{k}={','.join(raw.get(k, []))}" for k in problems)
        raise ReportError(f"--query has values the app cannot use: {bad}")
    return [(k, v) for k, v in pairs if k != "present"] + [("present", "1")]


def output_path(out: str) -> Path:
    path = Path(out)
    if path.suffix.lower() not in FORMATS:
        raise ReportError(f"--out {out!r}: the report is written as .pdf or .png")
    if not path.parent.exists():
        raise ReportError(f"--out {out!r}: the folder {path.parent} does not exist")
    return path


def page_url(base: str, page: registry.Page, params: list[tuple[str, str]]) -> str:
    return f"{base.rstrip('/')}/{page.url_path}?{urllib.parse.urlencode(params)}"


@contextlib.contextmanager
def running_app(base: str | None, *, timeout_s: float = 180.0) -> Iterator[str]:
    """``base`` as it is, or the app started on a free local port for the length of the block."""
    if base:
        yield base
        return
    with serve.running_app(timeout_s=timeout_s) as app:  # serve.AppDidNotStart (a RuntimeError) when it cannot
        yield app.url


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header."""
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def render(url: str, out: Path, *, width: int = 1280, scale: float = 2.0, timeout_s: float = 180.0,
           browser=None) -> dict[str, object]:
    """Open ``url`` in headless Chromium (a Playwright ``browser`` of the caller's, or one launched for the call),
    wait for the app's run to finish and write ``out``: a PDF, or a PNG at device pixel ratio ``scale`` (the page
    laid out at ``width`` CSS pixels, the image ``width`` × ``scale`` pixels wide). Returns the page's text, its
    size in CSS pixels (``width``, ``height``), the file's in pixels (``pixels``; a PDF's are its CSS size) and
    the width the page was laid out at and the pixel ratio it was drawn at, as the page saw them (``laid_out``,
    ``ratio``)."""
    if browser is not None:
        return _render(browser, url, out, width=width, scale=scale, timeout_s=timeout_s)
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set DASHBOARD_CHROMIUM)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            return _render(launched, url, out, width=width, scale=scale, timeout_s=timeout_s)
        finally:
            launched.close()


def _render(browser, url: str, out: Path, *, width: int, scale: float, timeout_s: float) -> dict[str, object]:
    ms = int(timeout_s * 1000)
    pdf = out.suffix.lower() == ".pdf"  # a PDF is vector: the pixel ratio does not change it
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1 if pdf else scale)
    try:
        page = context.new_page()
        page.goto(url, timeout=ms)
        page.wait_for_selector(DRAWN, timeout=ms)
        _settle(page, ms)
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError("the page shows an error: " + page.locator('[data-testid="stException"]')
                               .first.inner_text()[:2000])
        notice = page.locator('[data-testid="stAlertContentWarning"]')
        if notice.count() and "could not be used" in notice.first.inner_text():
            raise ReportError("the app could not use the link: " + notice.first.inner_text())
        for _ in range(2):  # the content's height, then again once it is laid out at that height
            height = max(int(page.evaluate(CONTENT_HEIGHT)), 300)
            page.set_viewport_size({"width": width, "height": height})
            _settle(page, ms)
        text = page.locator('[data-testid="stMain"]').inner_text()
        laid_out, ratio = page.evaluate("() => [window.innerWidth, window.devicePixelRatio]")
        line = page.locator(".st-key-present_filters")
        filters = line.first.inner_text().strip() if line.count() else ""
        if pdf:
            page.emulate_media(media="screen")
            page.pdf(path=str(out), width=f"{width}px", height=f"{height + 40}px", print_background=True,
                     margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
        else:
            page.screenshot(path=str(out), full_page=True)
    finally:
        context.close()
    pixels = (width, height) if pdf else png_size(out)
    return {"text": text, "filters": filters, "width": width, "height": height, "pixels": pixels,
            "laid_out": laid_out, "ratio": ratio}


# The page has finished drawing when, for ``quiet`` ms on end, no run is going and neither the page's height nor
# its number of elements has changed. Streamlit shows its running indicator only half a second into a run, so
# "no indicator" alone can be read before the page has started to draw the rest.
STEADY = """(quiet) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const idle = !document.querySelector('[data-testid="stStatusWidget"]') && !document.querySelector('[data-stale="true"]');
  const seen = [main ? main.scrollHeight : 0, document.querySelectorAll('[data-testid="stElementContainer"]').length,
                document.querySelectorAll('.js-plotly-plot .main-svg').length].join();
  const now = performance.now();
  if (!idle || window.__reportSeen !== seen) { window.__reportSeen = seen; window.__reportSince = now; return false; }
  return now - window.__reportSince >= quiet;
}"""
STEADY_MS = 1500


def _settle(page, ms: int) -> None:
    page.wait_for_load_state("networkidle", timeout=ms)
    page.wait_for_function(IDLE, timeout=ms)
    page.wait_for_function(STEADY, arg=STEADY_MS, polling=200, timeout=ms)


def mail_recipients(addresses: Sequence[str], settings: Settings) -> list[str]:
    """The ``--mail-to`` addresses, checked, with an SMTP server to send through (ReportError otherwise)."""
    if not addresses:
        return []
    bad = [a for a in addresses if "@" not in parseaddr(a)[1] or any(c in a for c in "\r\n")]
    if bad:
        raise ReportError(f"--mail-to: not an e-mail address: {', '.join(bad)}")
    if not settings.smtp_host:
        raise ReportError("--mail-to needs an SMTP server: set DASHBOARD_SMTP_HOST (and DASHBOARD_SMTP_PORT, "
                          "DASHBOARD_SMTP_USER, DASHBOARD_SMTP_PASSWORD, DASHBOARD_SMTP_FROM as the server needs)")
    if not (settings.smtp_from or settings.smtp_user):
        raise ReportError("--mail-to needs a sender: set DASHBOARD_SMTP_FROM (or DASHBOARD_SMTP_USER)")
    return [parseaddr(a)[1] for a in addresses]


def send_report(path: Path, recipients: Sequence[str], settings: Settings, *, subject: str, body: str) -> None:
    """Mail ``path`` as an attachment through the configured SMTP server (STARTTLS and sign-in as set)."""
    message = EmailMessage()
    message["From"] = settings.smtp_from or settings.smtp_user
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    maintype, _, subtype = kind.partition("/")
    message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=60) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.report",
                                     description="Write a page of the dashboard as a PDF or PNG report.")
    parser.add_argument("--page", required=True, help=f"the page: {', '.join(p.key for p in registry.PAGES)}")
    parser.add_argument("--query", default="", help="the view as a link's query, e.g. 'period=last_90_days&lang=ru'")
    parser.add_argument("--out", required=True, help="the file to write: .pdf or .png")
    parser.add_argument("--base", default=None, help="a running app's address (default: start one for the report)")
    parser.add_argument("--width", type=int, default=1280, help="page width in CSS pixels (default 1280)")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="a PNG's device pixel ratio, 1 to 3 (default 2): the page is laid out at --width CSS "
                             "pixels and the image is --width × --scale pixels wide; a PDF is not affected")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the app (default 180)")
    parser.add_argument("--mail-to", action="append", default=[], metavar="ADDRESS",
                        help="mail the report to this address (repeat for more) through the DASHBOARD_SMTP_* settings")
    parser.add_argument("--subject", default=None, help="the mail's subject (default: the page and the view)")
    args = parser.parse_args(argv)
    try:
        page = page_of(args.page)
        params = parse_link(args.query)
        out = output_path(args.out)
        if not 320 <= args.width <= 4000:
            raise ReportError("--width is between 320 and 4000 pixels")
        if not SCALES[0] <= args.scale <= SCALES[1]:  # NaN fails this too
            raise ReportError(f"--scale is between {SCALES[0]:g} and {SCALES[1]:g} (a device pixel ratio; "
                              f"got {args.scale:g})")
        try:
            settings = Settings.from_env()
        except ValueError as exc:
            raise ReportError(str(exc)) from None
        recipients = mail_recipients(args.mail_to, settings)
        with running_app(args.base, timeout_s=args.timeout) as base:
            url = page_url(base, page, params)
            done = render(url, out, width=args.width, scale=args.scale, timeout_s=args.timeout)
        if recipients:
            view = args.query.lstrip("?") or "default view"
            send_report(out, recipients, settings, subject=args.subject or f"Marketing results: {page.key} ({view})",
                        body=f"The {page.key} page of the marketing results dashboard ({view}), attached as "
                             f"{out.name}.\n\n{done['filters']}\n")
    except ReportError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the page could not be drawn: say why, exit 1
        print(f"report: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    pixels_wide, pixels_high = done["pixels"]
    at_scale = (f", laid out {done['laid_out']} CSS px wide at pixel ratio {done['ratio']:g}"
                if out.suffix.lower() == ".png" else "")
    print(f"{out} written ({pixels_wide}×{pixels_high} px{at_scale})" + (f", mailed to {', '.join(recipients)}"
                                                                        if recipients else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
