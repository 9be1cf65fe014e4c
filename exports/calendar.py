"""A tenant's IP deadlines as an iCalendar feed (RFC 5545), written with the `icalendar` library.

One all-day event per deadline, on the day to act by: the due day, or — once that has passed and
a grace period runs — the grace period's last day. Each carries an alarm (30 days ahead, 7 in the
grace period). UIDs are made of what identifies the deadline (its kind, the item's kind and
number, the patent year), never of a row id or the time, so a subscribed calendar updates its
events when the feed changes instead of adding copies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event

from registry.money import format_yuan
from registry.vocabulary import DEADLINE_KIND, IP_KIND

PRODID = "-//Park Registry//IP deadlines//ZH"
UID_DOMAIN = "park-registry"
_ALARM_BEFORE = timedelta(days=30)
_ALARM_BEFORE_IN_GRACE = timedelta(days=7)
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9.]")


def event_uid(row: Mapping[str, Any]) -> str:
    number = _UID_UNSAFE.sub("-", row["number"])
    year = f"-y{row['patent_year']}" if row["patent_year"] is not None else ""
    return f"{row['deadline']}-{row['kind']}-{number}{year}@{UID_DOMAIN}"


def _what(row: Mapping[str, Any]) -> tuple[str, str]:
    """The deadline in Chinese and in English, e.g. 第5年年费 / annual fee, year 5."""
    zh, en = DEADLINE_KIND.label(row["deadline"]), DEADLINE_KIND.label(row["deadline"], "en").lower()
    if row["patent_year"] is not None:
        return f"第{row['patent_year']}年{zh}", f"{en}, year {row['patent_year']}"
    return zh, en


def _event(row: Mapping[str, Any], stamp: datetime) -> Event:
    zh, en = _what(row)
    in_grace = row["state"] == "grace"
    day = row["grace_ends_on"] if in_grace else row["due_on"]
    money = f" {format_yuan(row['amount'])} 元" if row["amount"] is not None else ""
    kind_zh, kind_en = IP_KIND.label(row["kind"]), IP_KIND.label(row["kind"], "en")
    lines = [
        f"{kind_zh} {row['number']}：{row['title']}",
        f"{kind_en} {row['number']}: {row['title']}",
        f"截止 / due: {row['due_on'].isoformat()}",
    ]
    if row["window_opens_on"] is not None:
        lines.append(f"可办理自 / window opens: {row['window_opens_on'].isoformat()}")
    if row["grace_ends_on"] is not None:
        lines.append(f"宽限期至 / grace ends: {row['grace_ends_on'].isoformat()}")
    if row["fee"] is not None:
        lines.append(f"年费 / fee: {format_yuan(row['fee'])} 元")
    if row["late_fee"]:
        lines.append(f"滞纳金（按今日）/ late fee as of today: {format_yuan(row['late_fee'])} 元")
    event = Event()
    event.add("uid", event_uid(row))
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add(
        "summary", f"{'逾期 ' if in_grace else ''}{zh}{money} · {row['number']} / {'overdue ' if in_grace else ''}{en}"
    )
    event.add("description", "\n".join(lines))
    event.add("categories", [DEADLINE_KIND.label(row["deadline"], "en")])
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{zh} / {en}: {row['number']}")
    alarm.add("trigger", -(_ALARM_BEFORE_IN_GRACE if in_grace else _ALARM_BEFORE))
    event.add_component(alarm)
    return event


def deadline_calendar(uscc: str, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The feed of one tenant's deadlines (rows as `registry.services.deadlines.shown` gives them)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"知识产权期限 IP deadlines {uscc}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for row in rows:
        calendar.add_component(_event(row, stamp))
    return calendar.to_ical()


__all__ = ["deadline_calendar", "event_uid"]
