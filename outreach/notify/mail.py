"""E-mail over SMTP: one plain-text message per digest, with a dry-run mode.

Design notes
------------
* ``Mailer`` is the e-mail channel: ``smtp`` sends through the configured server
  (STARTTLS when asked, with the server's certificate checked against the system's or
  the given CA file; login only when credentials come from the environment), ``dry-run``
  writes each message as an ``.eml`` file instead and sends nothing, ``off`` does
  neither. Every mode reports what it did, so a digest run can say it.
* Messages are plain text (``text/plain; charset=utf-8``): scraped titles in a digest
  are never HTML, so nothing in them can run or load. Header values (recipients,
  subject) are checked for line breaks, so a crafted address cannot add headers.
* A send failure raises ``MailError`` naming the server; callers keep their cursor, so
  the digest is sent next time (at least once, never silently lost).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from outreach.base import check_address

MODES = ("off", "dry-run", "smtp")
MAX_BODY_CHARS = 200_000


class MailError(Exception):
    """The message could not be handed to the SMTP server."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    starttls: bool
    timeout: float
    cafile: str = ""
    username: str | None = None
    password: str | None = None


@dataclass
class Mailer:
    mode: str
    sender: str
    server: SmtpServer
    dry_run_dir: Path

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = check_address(self.sender)
        msg["To"] = check_address(to)
        msg["Subject"] = " ".join(subject.split())[:200]
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = make_msgid(domain="wildtrace.invalid")
        msg.set_content(body[:MAX_BODY_CHARS])
        return msg

    def send(self, to: str, subject: str, body: str) -> str:
        """Send (or record) one message; returns what was done."""
        if self.mode not in MODES:
            raise ValueError(f"mail mode must be one of {', '.join(MODES)}")
        msg = self.message(to, subject, body)
        if self.mode == "off":
            return "off"
        if self.mode == "dry-run":
            self.dry_run_dir.mkdir(parents=True, exist_ok=True)
            name = str(msg["Message-ID"]).strip("<>").replace("@", "_")
            (self.dry_run_dir / f"{name}.eml").write_bytes(bytes(msg))
            return "dry-run"
        _deliver(self.server, msg)
        return "sent"


def _deliver(server: SmtpServer, msg: EmailMessage) -> None:
    try:
        with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
            if server.starttls:
                context = ssl.create_default_context(cafile=server.cafile or None)
                smtp.starttls(context=context)
            if server.username and server.password:
                smtp.login(server.username, server.password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"SMTP {server.host}:{server.port}: {type(exc).__name__}: {exc}") from exc
