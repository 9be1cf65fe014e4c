"""Dates as people type them: 2017-03-05, 2017/3/5, 2017.3.5, 2017年3月5日."""

from __future__ import annotations

import re
from datetime import date, datetime

from registry.errors import InvalidValue
from registry.identifiers import to_halfwidth

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _invalid(value)
    text = to_halfwidth(value).strip()
    # A timestamp's time of day is dropped: the registry keeps calendar days.
    match = _DATE.fullmatch(text.split("T")[0].split(" ")[0]) or _DATE.fullmatch(text)
    if not match:
        raise _invalid(value)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as error:
        raise _invalid(value) from error


def _invalid(text: object) -> InvalidValue:
    return InvalidValue(
        "date_format", f"无法识别的日期“{text}”，应为 2017-03-05 / unrecognised date {text!r}: expected e.g. 2017-03-05"
    )


def in_words(day: date) -> str:
    """A day as a Chinese letter writes it: 2018年1月20日."""
    return f"{day.year}年{day.month}月{day.day}日"
