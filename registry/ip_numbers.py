"""Official numbers of IP items, normalised so one item has one spelling (its key)."""

from __future__ import annotations

import re
from operator import mul
from typing import NamedTuple

from registry.errors import InvalidValue
from registry.identifiers import refuse_scientific, to_halfwidth

_CNIPA_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)
_WEIGHTS_12 = (*_CNIPA_WEIGHTS, *_CNIPA_WEIGHTS)  # enough for twelve digits
# Type digits of a CNIPA application number by patent kind, the first the office gives a filing made
# in China (registry.demo numbers with it): 8 and 9 are PCT applications entering China.
PATENT_TYPE_DIGITS = {"invention": "18", "utility_model": "29", "design": "3"}
# Office prefixes people paste in front: CN (country), ZL (专利, on certificates).
_PATENT_PREFIX = re.compile(r"^(?:CN|ZL)+")
# 12-digit numbers since October 2003, 8-digit before; the check character may follow a dot.
_PATENT = re.compile(r"(?P<digits>\d{12}|\d{8})\.?(?P<check>[0-9X])", re.ASCII)
# Applications filed 1985-1988 carry no check character (CN85102475): the office added it in 1989.
_PATENT_BEFORE_1989 = re.compile(r"(?P<digits>8[5-8][1-3]\d{5})", re.ASCII)
# CNIPA's data services (and the DOCDB records other offices hold) write the number with its country
# and the kind of document, and without the check character: CN201711494189A, CN:201711494189:A.
# A, U, S: an invention, a utility model, a design application (X stays a check character).
_DOCDB = re.compile(r"CN:?(?P<digits>\d{12}|\d{8}):?[AUS]", re.ASCII)
_ANY_TYPE_DIGIT = "".join(PATENT_TYPE_DIGITS.values())
# 8-digit numbers with a check character: filed from 1989 until the 12-digit numbers of October 2003.
_CHECKED_8_DIGIT_YEARS = frozenset(f"{year % 100:02d}" for year in range(1989, 2004))
_SOFTWARE_COPYRIGHT = re.compile(r"\d{4}SR\d{6,7}", re.ASCII)
_TRADEMARK = re.compile(r"\d{7,9}", re.ASCII)
_IC_LAYOUT = re.compile(r"BS\.?(?P<digits>\d{9})", re.ASCII)
_PLANT_VARIETY_MAX = 40


def cnipa_check_char(digits: str) -> str:
    """Check character of a CNIPA application number: weighted sum mod 11, 10 written X.

    The weights 2..9 repeat, which gives 2,3,4,5,6,7,8,9,2,3,4,5 over twelve digits.
    """
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"not a string of digits: {digits!r}")
    total = sum(map(mul, map(int, digits), _WEIGHTS_12))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def make_patent_number(year: int, type_digit: int, serial: int) -> str:
    """A checked 12-digit application number, e.g. (2017, 1, 601862) -> '201710601862.3'."""
    if not (1000 <= year <= 9999 and 0 <= type_digit <= 9 and 0 <= serial < 10_000_000):
        raise ValueError(f"cannot build a patent number from {year}, {type_digit}, {serial}")
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{cnipa_check_char(digits)}"


def normalise_ip_number(kind: str, text: str) -> str:
    """The canonical spelling of an IP item's number; raise InvalidValue if it is wrong."""
    refuse_scientific(text)
    if kind in PATENT_TYPE_DIGITS:
        return _normalise_patent(kind, text)
    compact = "".join(to_halfwidth(text).split()).upper()
    if kind == "software_copyright":
        return _require(
            _SOFTWARE_COPYRIGHT,
            compact,
            "软件著作权登记号格式应为 2017SR123456 / software copyright number must look like 2017SR123456",
        )
    if kind == "trademark":
        return _require(_TRADEMARK, compact, "商标注册号应为7至9位数字 / trademark number must be 7 to 9 digits")
    if kind == "ic_layout":
        match = _IC_LAYOUT.fullmatch(compact)
        if not match:
            raise _format_error(
                "集成电路布图设计登记号格式应为 BS.175500123 / IC layout number must look like BS.175500123"
            )
        return f"BS.{match['digits']}"
    if kind == "plant_variety":
        # Plant variety numbers have no published grammar; keep them as issued.
        issued = to_halfwidth(text).strip().upper()
        if not 0 < len(issued) <= _PLANT_VARIETY_MAX:
            raise _format_error(
                f"植物新品种权号不能为空且不超过{_PLANT_VARIETY_MAX}个字符 / "
                f"plant variety number must have 1 to {_PLANT_VARIETY_MAX} "
                "characters"
            )
        return issued
    raise InvalidValue("ip_kind_unknown", f"未知的知识产权类别 / unknown IP kind: {kind!r}")


class _Patent(NamedTuple):
    digits: str  # 12 (since October 2003) or 8
    check: str | None  # None: filed before 1989, when numbers had none
    written: bool  # whether the text carried its check character (else it is computed here)
    docdb: bool  # written as CNIPA's data services write it: CN201711494189A, CN:201711494189:A

    @property
    def type_digit(self) -> str:
        return self.digits[4] if len(self.digits) == 12 else self.digits[2]

    @property
    def spelled(self) -> str:
        return self.digits if self.check is None else f"{self.digits}.{self.check}"


def _unchecked(digits: str) -> bool:
    """Whether `digits` are an application number of a time that gives one a check character: 12
    digits from 2003 on, 8 digits from 1989 to 2003."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    if len(digits) == 12:
        return int(digits[:4]) >= 2003 and digits[4] in _ANY_TYPE_DIGIT
    return len(digits) == 8 and digits[:2] in _CHECKED_8_DIGIT_YEARS and digits[2] in _ANY_TYPE_DIGIT


_AS_ISSUED = re.compile(r"(?:\d{12}|\d{8})\.[0-9X]", re.ASCII)


def _read_patent(text: str) -> _Patent | None:
    """A CNIPA application number in any of the ways it is written, None for anything else."""
    if _AS_ISSUED.fullmatch(text):  # the spelling it is stored in: asked of every row of an import
        return _Patent(text[:-2], text[-1], True, False)
    compact = "".join(to_halfwidth(text).split()).upper()
    if docdb := _DOCDB.fullmatch(compact):
        digits = docdb["digits"]
        if _PATENT_BEFORE_1989.fullmatch(digits):
            return _Patent(digits, None, False, True)
        return _Patent(digits, cnipa_check_char(digits), False, True) if _unchecked(digits) else None
    compact = _PATENT_PREFIX.sub("", compact)
    if match := _PATENT.fullmatch(compact):
        return _Patent(match["digits"], match["check"], True, False)
    if _PATENT_BEFORE_1989.fullmatch(compact):
        return _Patent(compact, None, False, False)
    if _unchecked(bare := compact.rstrip(".")):
        return _Patent(bare, cnipa_check_char(bare), False, False)
    return None


def with_check_char(text: str) -> str | None:
    """The number with the check character CNIPA gives it, when `text` is an application number
    written without one (201711494189, 95115608, CN201711494189A, CN:201711494189:A); None when it
    carries one, was filed before 1989 (no check character then) or is no such number.

    The importer fills it in and says so; the API asks for the number as issued, check included.
    """
    if _AS_ISSUED.fullmatch(text):  # the usual spelling, check character written: asked of every patent row
        return None
    patent = _read_patent(text)
    if patent is None or patent.written or patent.check is None:
        return None
    return patent.spelled


def patent_type_digit(text: str) -> str | None:
    """The type digit of what looks like a CNIPA application number (1/8 invention, 2/9 utility
    model, 3 design), None for anything else."""
    patent = _read_patent(text)
    return None if patent is None else patent.type_digit


def kind_of_patent_number(text: str) -> str | None:
    """The patent kind a CNIPA application number's type digit names, if it names one."""
    digit = patent_type_digit(text)
    return next((kind for kind, digits in PATENT_TYPE_DIGITS.items() if digit and digit in digits), None)


def _normalise_patent(kind: str, text: str) -> str:
    patent = _read_patent(text)
    if patent is None:
        raise _format_error(
            "专利号格式应为 201710601862.3 或 95115608.X / patent number must look like 201710601862.3 or 95115608.X"
        )
    if patent.check is not None and not patent.written and not patent.docdb:
        raise _format_error(
            "专利号缺少校验位（如 201710601862.3） / patent number lacks its check character (e.g. 201710601862.3)"
        )
    if patent.written and cnipa_check_char(patent.digits) != patent.check:
        raise InvalidValue("ip_number_checksum", "专利号校验位错误 / patent number check character is wrong")
    if patent.type_digit not in PATENT_TYPE_DIGITS[kind]:
        raise _kind_mismatch(kind, patent.type_digit, 5 if len(patent.digits) == 12 else 3)
    return patent.spelled


def _kind_mismatch(kind: str, type_digit: str, position: int) -> InvalidValue:
    return InvalidValue(
        "ip_number_kind",
        f"专利号第{position}位类型码{type_digit}与专利类别不符 / patent type digit {type_digit} does not match kind {kind}",
    )


def _require(pattern: re.Pattern[str], compact: str, message: str) -> str:
    if not pattern.fullmatch(compact):
        raise _format_error(message)
    return compact


def _format_error(message: str) -> InvalidValue:
    return InvalidValue("ip_number_format", message)
