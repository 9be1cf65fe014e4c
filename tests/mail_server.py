"""A real SMTP server on localhost (aiosmtpd, in a thread of its own) that keeps what it receives, or
refuses every recipient; and the suite's database pointed at it (PARK_SMTP_URL), for the reminders' tests."""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from registry.db import Database

USER, PASSWORD = "office", "s3cret-mail-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    encrypted: bool = False

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


@dataclass
class Mailbox:
    """An aiosmtpd handler: keeps each message, or (`refuse`) answers every recipient 550."""

    refuse: bool = False
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        encrypted = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, encrypted))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [one for one in self.received if address in one.recipients]


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)  # refused: aiosmtpd answers 535 itself


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 made now (openssl), and a server context holding it."""
    cert, key = folder / "mail-cert.pem", folder / "mail-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


@contextmanager
def smtp_server(
    refuse: bool = False, starttls: ssl.SSLContext | None = None, tls: ssl.SSLContext | None = None
) -> Iterator[tuple[Mailbox, str]]:
    """A mail server on a free loopback port, asking for a login; yields its mailbox and its PARK_SMTP_URL.
    `starttls`: it offers STARTTLS with that context; `tls`: it talks TLS from the start (smtps://)."""
    mailbox = Mailbox(refuse=refuse)
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
        tls_context=starttls,
        ssl_context=tls,
    )
    controller.start()
    try:
        scheme = "smtps" if tls else "smtp"
        yield mailbox, f"{scheme}://{USER}:{PASSWORD}@127.0.0.1:{port}?from=stats@park.example"
    finally:
        controller.stop()


@contextmanager
def mail_through(database: Database, url: str | None) -> Iterator[None]:
    """The database's settings (the suite's, which the served app shares) with PARK_SMTP_URL = `url`."""
    kept = database.settings
    database.settings = replace(kept, smtp_url=url)
    try:
        yield
    finally:
        database.settings = kept
