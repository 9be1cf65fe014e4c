"""Mail out through the SMTP server that PARK_SMTP_URL names (SPEC §9 reminders), with the standard
library's smtplib run in a thread, off the event loop.

`smtp://user:pass@host:port` talks plain SMTP and turns to STARTTLS when the server offers it;
`smtps://user:pass@host:port` talks TLS from the first byte (port 465 by default). `?from=address` sets
the sender (else the user name when it is an address, else `park-registry@host`). The password is used to
log in and nowhere else: `MailServer`'s repr and every error this module writes leave it out.

`send` hands a batch of letters to one connection (a park's reminders go out by the thousand) and answers,
for each letter, each recipient's outcome: delivered (None) or the server's words (a refusal, or why the
server could not be reached). It never raises for what the server does: a refusing or a down server is
an outcome to record, not a failure of whoever sent the letters.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

# Seconds to wait for the server at each step: a server that hangs must not hold reminders for ever.
TIMEOUT = 20.0


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    tls: bool  # smtps://: TLS from the start; else STARTTLS when offered
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> MailServer:
        parts = urlsplit(url)
        tls = parts.scheme == "smtps"
        host = parts.hostname or "localhost"
        username = unquote(parts.username) if parts.username else None
        asked = parse_qs(parts.query).get("from")
        sender = asked[0] if asked else (username if username and "@" in username else f"park-registry@{host}")
        return cls(
            host=host,
            port=parts.port or (465 if tls else 25),
            tls=tls,
            sender=sender,
            username=username,
            password=unquote(parts.password) if parts.password is not None else None,
        )

    def describe(self) -> str:
        """Where mail goes, for people and logs (no password)."""
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


@dataclass(frozen=True)
class Letter:
    to: tuple[str, ...]
    subject: str
    body: str


# One letter's outcome: for each recipient, None (the server took it) or the server's words.
Outcome = dict[str, str | None]


def _message(server: MailServer, letter: Letter) -> EmailMessage:
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = ", ".join(letter.to)
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=server.host)
    message.set_content(letter.body)  # UTF-8, the Chinese text as the tenant reads it
    return message


def _connect(server: MailServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.tls:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        connection.ehlo()
        if connection.has_extn("starttls"):
            connection.starttls(context=context)
            connection.ehlo()
    if server.username:
        connection.login(server.username, server.password or "")
    return connection


def _words(error: BaseException) -> str:
    """What went wrong, as the record keeps it: the server's code and words, else the connection's trouble."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(_refusal(code, text) for code, text in error.recipients.values())
    return f"unreachable: {type(error).__name__}: {error}"


def _refusal(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def _send_all(server: MailServer, letters: Sequence[Letter]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    connection: smtplib.SMTP | None = None
    try:
        for n, letter in enumerate(letters):
            if not letter.to:
                outcomes.append({})
                continue
            if connection is None:
                try:
                    connection = _connect(server)
                except (smtplib.SMTPException, OSError) as error:
                    # No server to talk to: every letter left says why, none waits for another timeout.
                    trouble = _words(error)
                    return outcomes + [dict.fromkeys(left.to, trouble) for left in letters[n:]]
            try:
                refused = connection.send_message(_message(server, letter), server.sender, list(letter.to))
                outcomes.append({to: (_refusal(*refused[to]) if to in refused else None) for to in letter.to})
            except smtplib.SMTPRecipientsRefused as error:
                outcomes.append(
                    {to: _refusal(*error.recipients[to]) if to in error.recipients else None for to in letter.to}
                )
            except (smtplib.SMTPException, OSError) as error:
                outcomes.append(dict.fromkeys(letter.to, _words(error)))
                if not isinstance(error, smtplib.SMTPResponseException) or error.smtp_code == 421:
                    # The connection is gone or closing: the next letter opens a new one.
                    _close(connection)
                    connection = None
            # Hand the interpreter back between letters: the server's event loop, waiting for it, answers
            # its requests now rather than after the thread's full switch interval.
            time.sleep(0)
    finally:
        _close(connection)
    return outcomes


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


async def send(server: MailServer, letters: Sequence[Letter]) -> list[Outcome]:
    """Each letter's outcome (in order), the whole batch sent over one connection in a worker thread."""
    return await asyncio.to_thread(_send_all, server, letters)
