"""Money as integer fen and head counts, read exactly from whatever a spreadsheet holds.

Floats are refused rather than rounded: 0.1 + 0.2 is not 0.3 in binary, and a registry that
reproduces published figures to the fen cannot afford that. Callers holding a float from a
spreadsheet library convert it deliberately (e.g. `Decimal(str(value))`).
"""

from __future__ import annotations

import re
from decimal import Decimal

from registry.errors import InvalidValue
from registry.identifiers import to_halfwidth

UNIT_YUAN = {"元": 1, "千元": 1_000, "万元": 10_000, "亿元": 100_000_000}
_UNIT_ALIASES = {
    "yuan": "元",
    "cny": "元",
    "rmb": "元",
    "thousand yuan": "千元",
    "k yuan": "千元",
    "10k yuan": "万元",
    "ten thousand yuan": "万元",
    "100m yuan": "亿元",
    "hundred million yuan": "亿元",
}
_FEN_PER_YUAN = 100
# Thousands separators are only taken where they group by three, so "1,5" is not read as 15.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+", re.ASCII)
_MAX_TEXT = 40
# Currency signs and the true minus sign people paste from documents.
_TEXT_FOLD = str.maketrans({"¥": None, "￥": None, "−": "-"})


def unit_yuan(unit: str) -> int:
    """Yuan per one of `unit` (元, 千元, 万元, 亿元 or an English alias)."""
    key = " ".join(to_halfwidth(unit).split()).lower()
    factor = UNIT_YUAN.get(_UNIT_ALIASES.get(key, key))
    if factor is None:
        raise InvalidValue("money_unit", f"未知的金额单位 / unknown money unit: {unit!r}")
    return factor


def parse_money(value: str | int | Decimal, unit: str = "元") -> int:
    """Amount in fen of `value` stated in `unit`; exact or InvalidValue."""
    amount = _exact_number(value, "money_format", "金额", "an amount of money")
    numerator, denominator = amount.as_integer_ratio()
    numerator *= unit_yuan(unit) * _FEN_PER_YUAN
    if numerator % denominator:
        raise InvalidValue(
            "money_fraction",
            f"金额“{value}”{unit}不是整分 / amount {value} {unit} is not a whole number of fen",
        )
    return numerator // denominator


def format_yuan(fen: int) -> str:
    """Yuan with two decimals as the API speaks them: 360000000000 -> '3600000000.00'."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), _FEN_PER_YUAN)
    return f"{sign}{yuan}.{cents:02d}"


def in_unit(fen: int, unit: str) -> Decimal:
    """The exact amount in `unit`, e.g. for 千元 columns; every unit is a power of ten yuan."""
    places = len(str(unit_yuan(unit) * _FEN_PER_YUAN)) - 1
    return Decimal(fen).scaleb(-places)


def whole_units(fen: int, unit: str) -> int:
    """The amount in whole `unit`s, rounded half away from zero, exactly (the Torch form counts whole
    千元: 1,499.99 yuan is 1 千元, 1,500.00 is 2)."""
    size = unit_yuan(unit) * _FEN_PER_YUAN
    units, rest = divmod(abs(fen), size)
    if 2 * rest >= size:
        units += 1
    return -units if fen < 0 else units


def parse_count(value: str | int | Decimal) -> int:
    """A number of people: a whole number, zero or more."""
    count = _exact_number(value, "count_format", "人数", "a count")
    if count != count.to_integral_value():
        raise InvalidValue("count_fraction", f"人数“{value}”不是整数 / count {value} is not whole")
    if count < 0:
        raise InvalidValue("count_negative", f"人数“{value}”为负 / count {value} is negative")
    return int(count)


def _exact_number(
    value: str | int | Decimal,
    code: str,
    what_zh: str,
    what_en: str,
) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise TypeError(f"expected str, int or Decimal, got {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidValue(code, f"{what_zh}不是有限数 / {what_en} must be a finite number")
        return value
    text = "".join(to_halfwidth(value).split()).translate(_TEXT_FOLD)
    if len(text) > _MAX_TEXT or not _NUMBER.fullmatch(text):
        raise InvalidValue(code, f"{what_zh}“{value}”不是数字 / {what_en} {value!r} is not a number")
    return Decimal(text.replace(",", ""))
