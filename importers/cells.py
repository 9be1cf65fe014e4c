"""What a spreadsheet cell holds, turned into what `registry.records.clean` accepts.

Readers hand over str, int, float, bool, date and datetime. Text goes to `clean` as it is (it
knows thousands separators, full-width digits, 2017年3月5日…); numbers are made exact here, because
`clean` rightly refuses floats for figures.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from registry.vocabulary import CLEAR_OPENS, Field, says_clear

# Placeholders people (and CNIPA's exports) write into a cell that holds nothing.
_NOTHING = frozenset({"-", "—", "–", "－", "/", "／", "--", "——", "无", "N/A", "NA", "#N/A", "无数据", "暂无"})
# Markup search systems leave in text (CNIPA's titles: CO<Sub>2</Sub>, <i>in situ</i>, &lt;): inline
# tags of HTML go, character entities are read. Anything else with a `<` is text as written.
_INLINE_TAG = re.compile(
    r"</?(?:sub|sup|i|b|u|s|em|strong|small|big|strike)\s*>"
    r"|</?(?:span|font|p)(?:\s+[a-z-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>]+))*\s*/?>",
    re.IGNORECASE,
)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
_EXCEL_EPOCH = date(1899, 12, 30)


class _Clear:
    """What a cell saying `（清空）` / `<clear>` holds: clear the stored value (a blank cell changes nothing)."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR: Any = _Clear()
_LAST_EXCEL_SERIAL = 2_958_465  # 9999-12-31


def plain_text(text: str) -> str:
    """Text without the markup it came with: `CO<Sub>2</Sub>` is `CO2`, `&lt;` is `<`; entities
    escaped twice (`&amp;lt;Sub&amp;gt;`, as some crawlers save them) are markup all the same."""
    for _ in range(2):
        if "<" not in text and "&" not in text:
            break
        text = _INLINE_TAG.sub("", _LINE_BREAK.sub(" ", text))
        if _ENTITY.search(text):
            text = html.unescape(text)
    return _INLINE_TAG.sub("", _LINE_BREAK.sub(" ", text))


def exact(number: float) -> Decimal:
    """The number as Excel shows it: Excel keeps 15 significant digits, and the 16th and 17th digits
    of the stored double are binary noise (0.1 + 0.2 is stored as 0.30000000000000004)."""
    return Decimal(f"{number:.15g}")


def _number_text(number: int | float) -> str:
    if isinstance(number, float):
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return str(exact(number))
    return str(number)


# Excel holds 15 significant digits of a number, and shows one of 12 digits or more in a default
# column as 2.0121E+12: six significant digits at most, which is all a CSV saved from that view keeps.
_EXCEL_DIGITS = 15
_SHOWN_SCIENTIFIC_FROM = 10**11


def _identifier_from_number(number: int | float) -> str:
    """A number cell in an identifier column (USCC, IP number): its digits when Excel held them
    whole, else the form Excel shows it in (2.0121E+12), which the registry refuses as altered: past
    15 digits the rest are gone, and a long number whose digits past the sixth are all zero is what
    is left of one saved in scientific notation."""
    if isinstance(number, float) and not number.is_integer():
        return _number_text(number)
    whole = int(number)
    if abs(whole) >= _SHOWN_SCIENTIFIC_FROM:
        mantissa, exponent = f"{Decimal(whole):.5E}".split("E")
        shown = f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
        if len(str(abs(whole))) > _EXCEL_DIGITS or Decimal(shown) == whole:
            return shown
    return str(whole)


def _date_from_number(number: int | float) -> date | str:
    """An unformatted date cell: 20170305 (yyyymmdd) or an Excel day serial."""
    if float(number).is_integer():
        whole = int(number)
        if 19_000_101 <= whole <= 29_991_231:
            try:
                return date(whole // 10_000, whole // 100 % 100, whole % 100)
            except ValueError:
                pass
        elif 1 <= whole <= _LAST_EXCEL_SERIAL:
            return _EXCEL_EPOCH + timedelta(days=whole)
    return _number_text(number)


def cell_input(field: Field, value: Any) -> Any:
    """The value to give `clean` for this field; None for an empty cell (nothing said), CLEAR for a cell
    that clears the field."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.upper() in _NOTHING:
            return None
        if text[0] in CLEAR_OPENS and says_clear(text):
            return CLEAR
        if field.type == "date" and text.isdigit() and len(text) == 8:
            return _date_from_number(int(text))
        if field.type == "text" and ("<" in text or "&" in text):
            return plain_text(value)
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if field.type in ("money", "count"):
            return exact(value) if isinstance(value, float) else value
        if field.type == "date":
            return _date_from_number(value)
        if field.type in ("uscc", "ip_number"):
            return _identifier_from_number(value)
        return _number_text(value)
    if isinstance(value, datetime):
        return value if field.type == "date" else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value if field.type == "date" else value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)


def shown(value: Any) -> str | None:
    """A cell's value as a person reads it, for error reports."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
