"""The park's clock: every time a person reads — on a page, in a workbook — in the park's time zone
(`PARK_TIME_ZONE`, default Asia/Shanghai), the zone named beside it. The registry stores UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from registry.vocabulary import ZONE_NAMES, in_lang

DEFAULT_ZONE = "Asia/Shanghai"


def park_zone(name: str) -> ZoneInfo:
    """The zone `name` (an IANA name such as Asia/Shanghai); ValueError for a name the system lacks."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"PARK_TIME_ZONE: unknown time zone {name!r} (an IANA name, e.g. Asia/Shanghai)") from error


def zone_name(zone: ZoneInfo, lang: str = "zh") -> str:
    """How a reader names the zone: 北京时间 / Beijing time, else its IANA name with its offset."""
    if (words := ZONE_NAMES.get(zone.key)) is not None:
        return in_lang(lang, *words)
    offset = datetime.now(zone).strftime("%z")
    return f"{zone.key} (UTC{offset[:3]}:{offset[3:]})"


def park_time(at: datetime | str | None, zone: ZoneInfo, lang: str = "zh", *, seconds: bool = False) -> str:
    """`at` (a datetime or its ISO text; naive means UTC) in the park's zone, the zone named:
    `2026-12-08 11:35 北京时间`. Empty for no time."""
    if at is None or at == "":
        return ""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    shown = moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{shown} {zone_name(zone, lang)}"


def park_day(at: datetime, zone: ZoneInfo) -> date:
    """The park's calendar day of an instant (naive means UTC): a reminder's day, a round's close day."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(zone).date()


def park_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    """The park's calendar day now (or at `now`): a deadline passed or not, a reminder's day."""
    return park_day(now or datetime.now(UTC), zone)


__all__ = ["DEFAULT_ZONE", "park_day", "park_time", "park_today", "park_zone", "zone_name"]
