"""Reminders (催报, SPEC §9): the office reminds the tenants of a round whose returns are not submitted.

A reminder is one row of `reminder` per (round, tenant, park day) — at most one a day, whoever sends it
(the office by hand, or the automatic ones `remind_due` sends inside `park serve`). The rows and their
audit entries are committed BEFORE anything is sent: a reminder is on record even if the mail server
refuses it, is down, or the server stops half-way. Then it is delivered: to the portal (the notice on the
tenant's home, there as soon as the row is) and, when PARK_SMTP_URL names a mail server, by e-mail to the
tenant's contact e-mail and its active accounts' e-mails. Each delivery's outcome — delivered, or the
server's refusal or why it could not be reached — is written back into the row's `deliveries`, and the
row stops being `pending`. Rows left pending (the server stopped before it finished) are delivered by
`deliver_pending`, which the housekeeping process runs.

The automatic ones: for each open round, a tenant still due gets one reminder in the days from
`remind_days_before` days before the deadline to the deadline, and one after the deadline; any reminder
sent in that window (by hand too) counts. So a server that was down on the day catches up when it comes
back, and never sends two the same day.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from registry import audit, mail
from registry.actor import Actor
from registry.dates import in_words
from registry.db import (
    after_commit,
    any_of,
    current,
    execute_many,
    fetch,
    for_update,
    insert_rows,
    reserve_ids,
    write_transaction,
)
from registry.errors import Conflict, FieldError, NotFound, ValidationFailed
from registry.identifiers import is_row_id
from registry.metrics import count_reminder
from registry.park_time import park_today
from registry.periods import Period
from registry.permissions import Action
from registry.tables import AuditEntry, Reminder, ReportRound
from registry.uscc import normalise_uscc
from registry.vocabulary import RETURN_STATE

log = logging.getLogger("park.reminders")

# The returns a reminder is for: not submitted yet, or sent back to the tenant.
DUE = ("not_started", "draft", "returned")
# Who the audit trail names for the automatic reminders.
SCHEDULE = Actor(username="system", role="admin", source="reminders")
# Reminders delivered per mail connection and per write-back transaction.
CHUNK = 500
# A pending row younger than this may still be in the hands of the request that made it.
PENDING_GRACE = timedelta(minutes=10)
_NOT_FOUND = "未找到该报送轮次 / round not found"
_NO_MAIL = (
    "未配置邮件服务器（PARK_SMTP_URL），催报仅以门户通知送达 / no mail server is set (PARK_SMTP_URL): "
    "reminders went out as portal notices only"
)


@dataclass
class Reminded:
    """What a reminding did: who was reminded, who was left out and why, and how the deliveries went."""

    round: int
    day: date
    uscc: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    portal: int = 0
    email_configured: bool = False
    email_server: str | None = None
    email_delivered: int = 0
    email_failed: int = 0
    without_address: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        if not self.email_configured:
            return _NO_MAIL
        if not self.uscc:
            return "没有需要催报的企业 / nobody was due a reminder"
        said = f"门户通知 {self.portal} 条；邮件送达 {self.email_delivered} 封，失败 {self.email_failed} 封"
        told = f"{self.portal} portal notices; {self.email_delivered} e-mails delivered, {self.email_failed} failed"
        if self.email_failed:
            said += "（失败原因已记录在催报记录中）"
            told += " (each reminder's record says why)"
        return f"{said} / {told}"

    def answer(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "day": self.day,
            "reminded": len(self.uscc),
            "uscc": self.uscc,
            "skipped": self.skipped,
            "channels": {"portal": self.portal, "email": self.email_delivered},
            "email": {
                "configured": self.email_configured,
                "server": self.email_server,
                "delivered": self.email_delivered,
                "failed": self.email_failed,
                "without_address": self.without_address,
                "errors": self.errors,
            },
            "note": self.note,
        }


def _mail_server() -> mail.MailServer | None:
    url = current().settings.smtp_url
    return mail.MailServer.from_url(url) if url else None


def today() -> date:
    return park_today(current().settings.zone)


async def _round(round_id: int, lock: bool = False) -> dict:
    if not is_row_id(round_id):
        raise NotFound(_NOT_FOUND)
    query = ReportRound.select(
        ReportRound.id,
        ReportRound.period,
        ReportRound.title,
        ReportRound.opens_on,
        ReportRound.deadline,
        ReportRound.state,
        ReportRound.remind_days_before,
    ).where(ReportRound.id == round_id)
    rows = await (for_update(query) if lock else query).run()
    if not rows:
        raise NotFound(_NOT_FOUND)
    return rows[0]


async def _returns(round_id: int) -> list[dict]:
    return await fetch(
        "SELECT t.id AS tenant, t.uscc, r.state FROM round_return r JOIN tenant t ON t.id = r.tenant "
        "WHERE r.round = :round ORDER BY t.uscc",
        {"round": round_id},
    )


async def _reminded(round_id: int, first: date, last: date) -> set[int]:
    """The tenants of the round reminded on a day from `first` to `last`."""
    rows = await fetch(
        "SELECT DISTINCT tenant FROM reminder WHERE round = :round AND day >= :first AND day <= :last",
        {"round": round_id, "first": first, "last": last},
    )
    return {row["tenant"] for row in rows}


async def remind(actor: Actor, round_id: int, usccs: Sequence[str] | None = None, day: date | None = None) -> Reminded:
    """Remind the tenants of round `round_id` whose returns are due: those of `usccs` (422 naming any not in
    the round), else all. A tenant reminded today already is left out (`skipped`), as is one whose return is
    not due. The reminders are recorded and audited, then delivered; the answer says how it went."""
    actor.require(Action.REVIEW_RETURNS)
    asked = None if usccs is None else list(dict.fromkeys(normalise_uscc(u) for u in usccs))
    return await _remind(actor, round_id, asked, "manual", day or today(), None)


async def _remind(
    actor: Actor, round_id: int, asked: list[str] | None, kind: str, day: date, window: tuple[date, date] | None
) -> Reminded:
    server = _mail_server()
    async with write_transaction():
        chosen = await _choose(round_id, asked, day, window)
        made = await _record(actor, round_id, chosen.tenants, kind, day, delivered=server is None)
        if server is None:
            after_commit(lambda: _count({"portal": (len(made), 0)}))
    done = Reminded(round=round_id, day=day, uscc=[row["uscc"] for row in chosen.tenants], skipped=chosen.skipped)
    done.email_configured, done.email_server = server is not None, server.describe() if server else None
    if server is None:
        done.portal = len(made)
    else:
        await _deliver(made, server, done)
    return done


@dataclass
class _Chosen:
    tenants: list[dict]
    skipped: list[dict[str, str]]


async def _choose(round_id: int, asked: list[str] | None, day: date, window: tuple[date, date] | None) -> _Chosen:
    """Inside the write: the round locked (two remindings of one round wait for each other), its returns,
    and the tenants to remind: due, not reminded today, nor (`window`) on any day of the window."""
    found = await _round(round_id, lock=True)
    if found["state"] != "open":
        raise Conflict("该轮次已关闭，不再催报 / the round is closed: no more reminders")
    returns = await _returns(round_id)
    if asked is not None:
        by_uscc = {row["uscc"]: row for row in returns}
        strangers = [uscc for uscc in asked if uscc not in by_uscc]
        if strangers:
            raise ValidationFailed(
                "催报的企业不在本轮次中 / tenants asked are not in this round",
                [
                    FieldError("uscc", "not_in_round", f"{uscc} 不在本轮次中 / {uscc} is not in this round")
                    for uscc in strangers
                ],
            )
        returns = [by_uscc[uscc] for uscc in asked]
    already_today = await _reminded(round_id, day, day)
    in_window = await _reminded(round_id, *window) if window else set()
    tenants, skipped = [], []
    for row in returns:
        if row["state"] not in DUE:
            if asked is not None:
                skipped.append({"uscc": row["uscc"], "reason": "not_due", "state": row["state"]})
        elif row["tenant"] in already_today:
            skipped.append({"uscc": row["uscc"], "reason": "reminded_today", "state": row["state"]})
        elif row["tenant"] not in in_window:
            tenants.append(row)
    return _Chosen(tenants, skipped)


def _portal_delivery(uscc: str, at: datetime) -> dict[str, Any]:
    return {"channel": "portal", "to": uscc, "delivered": True, "error": None, "at": at.isoformat()}


async def _record(actor: Actor, round_id: int, tenants: list[dict], kind: str, day: date, delivered: bool) -> list[int]:
    """The reminders' rows and their audit entries (inside the write); their ids. `delivered`: no mail to
    send, so the portal notice is the whole delivery and nothing is left pending."""
    if not tenants:
        return []
    now = datetime.now(UTC)
    ids = await reserve_ids(Reminder._meta.tablename, len(tenants))
    for start in range(0, len(tenants), CHUNK):
        rows, entries = [], []
        for reminder_id, tenant in zip(ids[start : start + CHUNK], tenants[start : start + CHUNK], strict=True):
            deliveries = [_portal_delivery(tenant["uscc"], now)] if delivered else []
            rows.append(
                (reminder_id, round_id, tenant["tenant"], day, kind, actor.username, now, not delivered,
                 json.dumps(deliveries))
            )  # fmt: skip
            key = f"{round_id}:{tenant['uscc']}:{day.isoformat()}"
            after = {"round": round_id, "day": day.isoformat(), "kind": kind, "state": tenant["state"]}
            entries.append(audit.row(actor, "remind", "reminder", key, tenant["uscc"], None, after, now))
        await insert_rows(
            Reminder._meta.tablename,
            ("id", "round", "tenant", "day", "kind", "sent_by", "created_at", "pending", "deliveries"),
            rows,
        )
        await insert_rows(AuditEntry._meta.tablename, audit.COLUMNS, entries)
        await asyncio.sleep(0)  # a park's worth of reminders is built a chunk at a time: requests go on meanwhile
    return ids


def _count(tally: dict[str, tuple[int, int]]) -> None:
    for channel, (delivered, failed) in tally.items():
        if delivered:
            count_reminder(channel, "delivered", delivered)
        if failed:
            count_reminder(channel, "failed", failed)


# --- Delivery --------------------------------------------------------------------------------------


_LETTER_SQL = (
    "SELECT m.id, m.kind, t.uscc, t.name, t.contact_email, r.period, r.title, r.deadline, rr.state "
    "FROM reminder m JOIN tenant t ON t.id = m.tenant JOIN report_round r ON r.id = m.round "
    "LEFT JOIN round_return rr ON rr.round = m.round AND rr.tenant = m.tenant WHERE m.pending AND "
)


async def _addresses(usccs: Iterable[str]) -> dict[str, list[str]]:
    """The e-mails of the tenants' active accounts."""
    clause, params = any_of("tenant_uscc", list(usccs), "uscc")
    rows = await fetch(
        f"SELECT tenant_uscc, email FROM account WHERE active AND email IS NOT NULL AND {clause} ORDER BY username",
        params,
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["tenant_uscc"], []).append(row["email"])
    return found


def _recipients(contact: str | None, accounts: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for address in [contact, *accounts]:
        if address and address.strip() and "@" in address:
            seen.setdefault(address.strip().lower(), address.strip())
    return tuple(seen.values())


def letter(row: dict, to: tuple[str, ...]) -> mail.Letter:
    """The reminder a tenant reads: the round, the period in words and the deadline, in Chinese first."""
    period = Period.parse(row["period"])
    deadline = row["deadline"] if isinstance(row["deadline"], date) else date.fromisoformat(str(row["deadline"]))
    state = RETURN_STATE.label(row["state"] or "not_started", "zh")
    late = row["kind"] == "after"
    subject = f"【催报】{row['title']}：请{'尽快' if late else f'于{in_words(deadline)}前'}报送{period.label('zh')}数据"
    lines = [
        f"{row['name']}：",
        "",
        f"园区统计部门提醒：“{row['title']}”（{period.label('zh')}）的报送截止日期为{in_words(deadline)}，"
        f"贵单位的报表尚未上报（当前状态：{state}）。",
        "截止日期已过，请尽快登录园区门户填写并上报。" if late else "请在截止日期前登录园区门户填写并上报。",
        "",
        f"Reminder: your return for {period.label('en')} (“{row['title']}”) is due by {deadline.isoformat()}"
        f"{' and is overdue' if late else ''}; please fill it in and submit it in the park portal.",
        "",
        "（本邮件由园区登记系统发送，请勿直接回复。/ Sent by the park registry; please do not reply.）",
    ]
    return mail.Letter(to=to, subject=subject, body="\n".join(lines))


async def _deliver(ids: Sequence[int], server: mail.MailServer, done: Reminded) -> None:
    """Deliver the pending reminders `ids`, a chunk at a time: the letters over one connection, then the
    outcomes written back in one transaction."""
    for start in range(0, len(ids), CHUNK):
        clause, params = any_of("m.id", list(ids[start : start + CHUNK]), "id")
        await _deliver_rows(await fetch(_LETTER_SQL + clause + " ORDER BY m.id", params), server, done)


async def _deliver_rows(rows: list[dict], server: mail.MailServer | None, done: Reminded) -> None:
    """Deliver the reminders `rows` (no mail server: the portal notice is the whole delivery) and write
    each one's outcomes back."""
    if not rows:
        return
    if server is None:
        letters = [mail.Letter(to=(), subject="", body="") for _ in rows]
    else:
        accounts = await _addresses({row["uscc"] for row in rows})
        letters = [letter(row, _recipients(row["contact_email"], accounts.get(row["uscc"], []))) for row in rows]
    outcomes = await mail.send(server, [one for one in letters if one.to]) if server is not None else []
    sent = iter(outcomes)
    now = datetime.now(UTC)
    written, delivered, failed = [], 0, 0
    for row, one in zip(rows, letters, strict=True):
        deliveries = [_portal_delivery(row["uscc"], now)]
        if not one.to:
            if server is not None:
                done.without_address += 1
        else:
            for to, error in next(sent).items():
                deliveries.append(
                    {"channel": "email", "to": to, "delivered": error is None, "error": error, "at": now.isoformat()}
                )
                if error is None:
                    delivered += 1
                else:
                    failed += 1
                    if error not in done.errors and len(done.errors) < 5:
                        done.errors.append(error)
        written.append({"id": row["id"], "deliveries": json.dumps(deliveries, ensure_ascii=False)})
    async with write_transaction():
        await execute_many("UPDATE reminder SET deliveries = :deliveries, pending = FALSE WHERE id = :id", written)
        after_commit(lambda: _count({"portal": (len(rows), 0), "email": (delivered, failed)}))
    done.portal += len(rows)
    done.email_delivered += delivered
    done.email_failed += failed
    if failed and server is not None:
        log.warning("%d reminder e-mails were not delivered through %s: %s", failed, server.describe(), done.errors[0])


async def deliver_pending(grace: timedelta = PENDING_GRACE, now: datetime | None = None) -> int:
    """Deliver the reminders recorded but never delivered (the server stopped before it could), older than
    `grace`; how many. The housekeeping process runs it."""
    before = (now or datetime.now(UTC)) - grace
    server = _mail_server()
    total = 0
    while True:
        rows = await fetch(
            _LETTER_SQL + "m.created_at < :before ORDER BY m.id LIMIT :limit", {"before": before, "limit": CHUNK}
        )
        if not rows:
            return total
        total += len(rows)
        await _deliver_rows(rows, server, Reminded(round=0, day=today()))


# --- Automatic reminders -------------------------------------------------------------------------


async def remind_due(day: date | None = None, actor: Actor = SCHEDULE) -> list[Reminded]:
    """The automatic reminders of every open round for `day` (the park's today): a tenant still due gets one
    in the window before the deadline and one after it, unless already reminded in that window."""
    day = day or today()
    rounds = (
        await ReportRound.select(
            ReportRound.id, ReportRound.opens_on, ReportRound.deadline, ReportRound.remind_days_before
        )
        .where(ReportRound.state == "open")
        .order_by(ReportRound.id)
        .run()
    )
    done = []
    for found in rounds:
        window = _window(found, day)
        if window is not None:
            kind, first, last = window
            reminded = await _remind(actor, found["id"], None, kind, day, (first, last))
            if reminded.uscc:
                done.append(reminded)
    return done


def _window(found: dict, day: date) -> tuple[str, date, date] | None:
    """Which automatic reminder `day` falls in for a round, and the days of its window; None outside both."""
    deadline, opens_on = found["deadline"], found["opens_on"]
    if day < opens_on:
        return None
    if day > deadline:
        return "after", deadline + timedelta(days=1), day
    first = max(deadline - timedelta(days=found["remind_days_before"]), opens_on)
    if day >= first:
        return "before", first, deadline
    return None


# --- The tenant's notices ------------------------------------------------------------------------


async def my_reminders(actor: Actor, limit: int = 5) -> list[dict]:
    """The tenant's latest reminders (its own only), newest first, with the round's title, period and
    deadline and the return's state now."""
    actor.require(Action.FILE_RETURN)
    rows = await fetch(
        "SELECT m.day, m.kind, r.id AS round, r.period, r.title, r.deadline, rr.state "
        "FROM reminder m JOIN tenant t ON t.id = m.tenant JOIN report_round r ON r.id = m.round "
        "LEFT JOIN round_return rr ON rr.round = m.round AND rr.tenant = m.tenant "
        "WHERE t.uscc = :uscc ORDER BY m.day DESC, m.id DESC LIMIT :limit",
        {"uscc": actor.tenant_uscc, "limit": limit},
    )
    for row in rows:
        row["period_label"] = {lang: Period.parse(row["period"]).label(lang) for lang in ("zh", "en")}
        row["due"] = row["state"] in DUE
    return rows


__all__ = ["DUE", "Reminded", "deliver_pending", "letter", "my_reminders", "remind", "remind_due", "today"]
