"""The e-mail channel against a real SMTP server on loopback (aiosmtpd, ``smtp_server``):
STARTTLS with the certificate checked, login from the environment's credentials, plain
text bodies, no header injection, dry-run files, and a clear error when the server is
not there."""

from __future__ import annotations

from pathlib import Path

import pytest
from smtp_server import PASSWORD, USER, free_port, smtp_server

from outreach.notify.mail import Mailer, MailError, SmtpServer
from wildtrace.config import load_settings
from wildtrace.outreach_wiring import build_mailer


def test_a_message_goes_over_starttls_with_the_envs_login(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        env = {
            "WILDTRACE_DATA_DIR": str(tmp_path), "WILDTRACE_MAIL_MODE": "smtp",
            "WILDTRACE_MAIL_HOST": server.host, "WILDTRACE_MAIL_PORT": str(server.port),
            "WILDTRACE_MAIL_CAFILE": str(server.cafile),
            "WILDTRACE_SMTP_USERNAME": USER, "WILDTRACE_SMTP_PASSWORD": PASSWORD,
        }  # fmt: skip
        monkey = pytest.MonkeyPatch()
        for name in ("WILDTRACE_SMTP_USERNAME", "WILDTRACE_SMTP_PASSWORD"):
            monkey.setenv(name, env[name])  # secrets are read from the process environment
        try:
            mailer = build_mailer(load_settings(env=env))
            assert mailer.send("pat@platform.example", "Digest", "<b>not html</b> é") == "sent"
        finally:
            monkey.undo()
        (got,) = server.inbox.messages
    assert got.tls and got.login == USER
    assert got.rcpt_tos == ["pat@platform.example"] and got.mail_from == "wildtrace@localhost"
    assert got.message.get_content_type() == "text/plain"
    payload = got.message.get_payload(decode=True)
    assert isinstance(payload, bytes) and payload.decode("utf-8").strip() == "<b>not html</b> é"


def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        mailer = Mailer("smtp", "w@localhost",
                        SmtpServer(server.host, server.port, True, 5.0), tmp_path)  # fmt: skip
        with pytest.raises(MailError, match="CERTIFICATE_VERIFY_FAILED"):
            mailer.send("pat@platform.example", "s", "b")
        assert server.inbox.messages == []


def test_header_injection_is_refused_and_dry_run_writes_a_file(tmp_path: Path) -> None:
    mailer = Mailer("dry-run", "w@localhost", SmtpServer("127.0.0.1", 1, False, 1.0), tmp_path)
    with pytest.raises(ValueError, match="plain e-mail"):
        mailer.send("a@b.example\r\nBcc: evil@x.example", "s", "b")
    assert mailer.send("a@b.example", "line\r\nBcc: evil@x.example", "body") == "dry-run"
    (written,) = tmp_path.glob("*.eml")
    text = written.read_text()
    assert "Bcc:" not in text.split("\n\n")[0].replace("Subject: line Bcc: evil@x.example", "")
    assert "To: a@b.example" in text
    assert Mailer("off", "w@localhost", mailer.server, tmp_path).send("a@b.example", "s", "b") == (
        "off"
    )


def test_a_missing_server_is_a_clear_error(tmp_path: Path) -> None:
    port = free_port()
    mailer = Mailer("smtp", "w@localhost", SmtpServer("127.0.0.1", port, False, 2.0), tmp_path)
    with pytest.raises(MailError, match=f"SMTP 127.0.0.1:{port}"):
        mailer.send("a@b.example", "s", "b")
