"""The report mailed through SMTP: a local SMTP server (aiosmtpd) the test starts receives the report as an
attachment, byte for byte, from the configured sender to every --mail-to address."""

from __future__ import annotations

import email
import email.policy
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from connectors.settings import Settings
from dashboard import report


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def settings_for(port: int, **more) -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=0, smtp_from="reports@example.ru", **more)


PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def test_the_report_arrives_as_an_attachment(smtp, tmp_path) -> None:
    inbox, port = smtp
    path = tmp_path / "overview.pdf"
    path.write_bytes(PDF)
    report.send_report(path, ["ceo@example.ru", "cmo@example.ru"], settings_for(port), subject="Overview",
                       body="Last 90 days")
    [(sender, recipients, raw)] = inbox.received
    assert sender == "reports@example.ru" and recipients == ["ceo@example.ru", "cmo@example.ru"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Overview" and message["To"] == "ceo@example.ru, cmo@example.ru"
    assert "Last 90 days" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "overview.pdf" and attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


def test_the_command_mails_what_it_wrote(smtp, tmp_path, monkeypatch, capsys) -> None:
    inbox, port = smtp
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_STARTTLS": "0",
                        "SMTP_FROM": "reports@example.ru"}.items():
        monkeypatch.setenv(f"DASHBOARD_{name}", value)
    seen = []

    def drawn(url: str, out: Path, **_) -> dict:
        seen.append(url)
        out.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        return {"text": "", "filters": "Last 90 days: 3 Aug 2026 – 31 Oct 2026", "width": 1280, "height": 900,
                "pixels": (2560, 1800), "laid_out": 1280, "ratio": 2}

    monkeypatch.setattr(report, "render", drawn)
    out = tmp_path / "sales.png"
    code = report.main(["--page", "sales", "--query", "lang=ru", "--out", str(out), "--base", "http://127.0.0.1:9",
                        "--mail-to", "ceo@example.ru"])
    assert code == 0, capsys.readouterr().err
    assert seen == ["http://127.0.0.1:9/sales?lang=ru&present=1"]
    [(_, recipients, raw)] = inbox.received
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert recipients == ["ceo@example.ru"] and message["Subject"] == "Marketing results: sales (lang=ru)"
    assert "Last 90 days: 3 Aug 2026" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "image/png" and attachment.get_content() == out.read_bytes()
    assert "mailed to ceo@example.ru" in capsys.readouterr().out


@pytest.mark.parametrize(("env", "to", "message"), [
    ({}, "ceo@example.ru", "--mail-to needs an SMTP server: set DASHBOARD_SMTP_HOST"),
    ({"DASHBOARD_SMTP_HOST": "127.0.0.1"}, "ceo@example.ru", "--mail-to needs a sender"),
    ({"DASHBOARD_SMTP_HOST": "127.0.0.1", "DASHBOARD_SMTP_FROM": "r@example.ru"}, "not-an-address",
     "--mail-to: not an e-mail address: not-an-address"),
    ({"DASHBOARD_SMTP_HOST": "127.0.0.1", "DASHBOARD_SMTP_PORT": "smtp"}, "ceo@example.ru",
     "DASHBOARD_SMTP_PORT must be a int"),
])
def test_mail_without_a_server_or_to_a_bad_address_exits_with_2(env, to, message, monkeypatch, capsys,
                                                               tmp_path) -> None:
    for name in ("HOST", "PORT", "FROM", "USER"):
        monkeypatch.delenv(f"DASHBOARD_SMTP_{name}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(report, "running_app", lambda *a, **k: pytest.fail("started an app for a bad request"))
    assert report.main(["--page", "overview", "--out", str(tmp_path / "x.pdf"), "--mail-to", to]) == 2
    assert message in capsys.readouterr().err
