"""A real SMTP server on localhost (aiosmtpd, in a thread of its own) that keeps what it receives, or
refuses every recipient; and the suite's database pointed at it (PARK_SMTP_URL), for the reminders' tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage

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
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [one for one in self.received if address in one.recipients]


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)  # refused: aiosmtpd answers 535 itself


@contextmanager
def smtp_server(refuse: bool = False) -> Iterator[tuple[Mailbox, str]]:
    """A mail server on a free loopback port, asking for a login; yields its mailbox and its PARK_SMTP_URL."""
    mailbox = Mailbox(refuse=refuse)
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield mailbox, f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}?from=stats@park.example"
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
