"""Cleaning a record against the vocabulary: the one code path for API bodies and import rows.

Values may arrive as text (a spreadsheet cell, a JSON string) or already typed (a date, an int);
either way they leave as the registry stores them: codes for enumerations, fen for money,
normalised identifiers, None for blanks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from typing import Any

from registry.dates import parse_date
from registry.errors import FieldError, InvalidValue, ValidationFailed
from registry.identifiers import refuse_scientific, to_halfwidth
from registry.ip_clock import expires_on
from registry.ip_numbers import normalise_ip_number
from registry.money import parse_count, parse_money
from registry.periods import Period
from registry.uscc import validate_uscc
from registry.vocabulary import IP_FIELDS, REPORT_FIELDS, TENANT_FIELDS, Enumeration, Field


def required_message(field: Field) -> str:
    return f"“{field.zh}”必填 / {field.en} is required"


# Far beyond any tenant, well inside the columns (64-bit fen, 32-bit counts) and their sums; a value
# past them is a typo, and must be told as one rather than fail in the database.
MAX_FEN = 10**15  # ten trillion yuan
MAX_COUNT = 10_000_000
# A stored date is a fact (founded, moved in, certified, filed, granted): none before 1900, and none more
# than a year ahead (a signed lease may name next spring's move-in; 2057 is a typo).
EARLIEST_DAY = date(1900, 1, 1)
AHEAD = timedelta(days=366)
# Control characters (C0 but tab, line feed and carriage return; DEL; C1) are no part of any name, title or
# note: PostgreSQL cannot store NUL at all, and the rest are invisible in every page and workbook. So are
# the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a name
# read backwards on a page or in a workbook (`‮moc.elgoog` shown as google.com).
# The API's schemas carry the same pattern, so the refusal is documented where clients read it.
CONTROL_CHARACTERS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069"
PLAIN_TEXT = f"^[^{CONTROL_CHARACTERS}]*$"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# Characters that show nothing: spaces of every width, zero-width spaces, joiners and marks, the soft
# hyphen, Hangul fillers, variation selectors, the byte-order mark. A value made only of them (a name of
# zero-width spaces) says nothing and is read as blank: a required name must hold a visible character.
INVISIBLE_CHARACTERS = (
    "\\t\\n\\r \\u00a0\\u00ad\\u034f\\u061c\\u115f\\u1160\\u1680\\u17b4\\u17b5\\u180b-\\u180f"
    "\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u3000\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0"
)
# Text without control characters that shows something: the pattern of a required name.
VISIBLE_TEXT = f"^[^{CONTROL_CHARACTERS}]*[^{CONTROL_CHARACTERS}{INVISIBLE_CHARACTERS}][^{CONTROL_CHARACTERS}]*$"
_VISIBLE = re.compile(f"[^{CONTROL_CHARACTERS}{INVISIBLE_CHARACTERS}]")


def says_nothing_visible(value: str) -> bool:
    """Whether `value` is blank: no visible character, and no control character either (which is refused)."""
    return not _VISIBLE.search(value) and not _CONTROL.search(value)


def latest_day() -> date:
    return date.today() + AHEAD


# An ordinal such as a patent year: `3`, `3.0` (a number cell), `第3年`.
_ORDINAL = re.compile(r"第?\s*(\d{1,3})(?:\.0+)?\s*年?")
MAX_ORDINAL = 99


def _words(value: object) -> str:
    return " ".join(to_halfwidth(str(value)).split()).lower()


@cache
def _codes_by_word(enum: Enumeration) -> dict[str, str]:
    words: dict[str, str] = {}
    for choice in enum.choices:
        for word in (choice.code, choice.zh, choice.en, *choice.aliases):
            words.setdefault(_words(word), choice.code)
    return words


@cache
def _silent_words(enum: Enumeration) -> frozenset[str]:
    return frozenset(_words(word) for word in enum.silent)


def says_nothing(enum: Enumeration, value: object) -> bool:
    """Whether `value` is one of the words that say nothing of the enumeration's value."""
    return _words(value) in _silent_words(enum)


_YES = frozenset(("是", "yes", "y", "true", "1", "√", "✓", "有"))
_NO = frozenset(("否", "no", "n", "false", "0", "×", "无", "不是"))


def enum_code(enum: Enumeration, value: object) -> str:
    """A code, a Chinese or English label, or an alias of `enum`."""
    code = _codes_by_word(enum).get(_words(value))
    if code is not None:
        return code
    allowed = "、".join(c.zh for c in enum.choices)
    raise ValueError(f"“{value}”不是可选值（{allowed}）/ {value!r} is not one of {', '.join(enum.codes)}")


def clean_value(field: Field, value: Any, warnings: list[str] | None = None) -> Any:
    """The stored form of one value; raises InvalidValue (code, message)."""
    # A text starting with a letter or digit (most) shows something: the full check is for the rest.
    if value is None or (isinstance(value, str) and not value[:1].isalnum() and says_nothing_visible(value)):
        return None
    if isinstance(value, float) and field.type in ("money", "count"):
        # Floats are never trusted with figures; JSON clients send decimal strings.
        raise InvalidValue(
            f"{field.type}_float", '请以字符串传递精确数值 / send exact figures as strings, e.g. "12.50"'
        )
    match field.type:
        case "text" | "ip_number":
            text = str(value).strip()
            if _CONTROL.search(text):
                raise InvalidValue(
                    "control_character",
                    "含有不可见的控制字符或文字方向控制符 / contains a control character or a text-direction override",
                )
            if field.max_length and len(text) > field.max_length:
                raise InvalidValue(
                    "too_long", f"超过 {field.max_length} 字 / longer than {field.max_length} characters"
                )
            if field.type == "ip_number":
                refuse_scientific(text)  # whatever its kind: Excel's rounding is told before the rest
            return text
        case "uscc":
            code, notes = validate_uscc(str(value))
            if warnings is not None:
                warnings.extend(notes)
            return code
        case "date":
            day, latest = parse_date(value), latest_day()
            if not EARLIEST_DAY <= day <= latest:
                raise InvalidValue(
                    "date_range",
                    f"日期“{day}”不在 {EARLIEST_DAY} 至 {latest} 之间 / date {day} is not "
                    f"between {EARLIEST_DAY} and a year from today ({latest})",
                )
            return day
        case "money":
            fen = parse_money(value, field.unit or "元")
            if abs(fen) > MAX_FEN:
                raise InvalidValue("money_range", f"金额“{value}”超出范围 / amount {value} is beyond 10 trillion yuan")
            if fen < 0 and not field.signed:
                raise InvalidValue(
                    "money_negative", f"“{field.zh}”不能为负数：{value} / {field.en} cannot be negative: {value}"
                )
            return fen
        case "count":
            count = parse_count(value)
            if count > MAX_COUNT:
                raise InvalidValue("count_range", f"人数“{value}”超出范围 / count {value} is beyond {MAX_COUNT}")
            return count
        case "enum":
            assert field.enum is not None
            try:
                return enum_code(field.enum, value)
            except ValueError as error:
                raise InvalidValue("not_a_choice", str(error)) from error
        case "bool":
            if isinstance(value, bool):
                return value
            word = _words(value)
            if word in _YES or word in _NO:
                return word in _YES
            raise InvalidValue("not_a_choice", f"“{value}”应为“是”或“否” / {value!r} must be yes (是) or no (否)")
        case "period":
            return str(Period.parse(str(value)))
        case "ordinal":
            match = _ORDINAL.fullmatch(to_halfwidth(str(value)).strip())
            if match is None or not 1 <= int(match[1]) <= MAX_ORDINAL:
                raise InvalidValue(
                    "ordinal_format",
                    f"“{value}”应为 1–{MAX_ORDINAL} 的整数，如 3 或 第3年 / {value!r} "
                    f"must be a whole number 1–{MAX_ORDINAL}, e.g. 3",
                )
            return int(match[1])
    raise AssertionError(f"unknown field type {field.type}")


def clean(
    fields: tuple[Field, ...],
    data: Mapping[str, Any],
    *,
    partial: bool = False,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """Every error at once as ValidationFailed; unknown keys are errors too."""
    known = {f.key: f for f in fields}
    errors = [FieldError(key, "unknown_field", f"未知字段 / unknown field {key!r}") for key in data if key not in known]
    cleaned: dict[str, Any] = {}
    for field in fields:
        if field.key not in data:
            if field.required and not partial:
                errors.append(FieldError(field.key, "required", required_message(field)))
            continue
        try:
            value = clean_value(field, data[field.key], warnings)
        except InvalidValue as error:
            errors.append(FieldError(field.key, error.code, error.message))
            continue
        except TypeError as error:
            errors.append(FieldError(field.key, "type", str(error)))
            continue
        if value is None and field.required:
            errors.append(FieldError(field.key, "required", required_message(field)))
            continue
        cleaned[field.key] = value
    if errors:
        raise ValidationFailed("请求中有无效字段 / some fields are invalid", errors)
    return cleaned


# --- A record's rules, for every door: the single services and the bulk import ---------------------
#
# Each `*_change` takes the stored record (None: there is none yet) and the cleaned values proposed
# for it. For a new record it answers the record to create (defaults filled, required fields
# present); for a stored one, the values that change. Either way the record as it would be is
# checked, and ValidationFailed names every problem.


def changes(before: Mapping[str, Any], proposed: Mapping[str, Any]) -> dict[str, Any]:
    """The proposed values that differ from what is stored."""
    return {k: v for k, v in proposed.items() if before.get(k) != v}


def _require(fields: tuple[Field, ...], record: Mapping[str, Any], *, skip: tuple[str, ...] = ()) -> None:
    missing = [f for f in fields if f.required and f.key not in skip and record.get(f.key) is None]
    if missing:
        raise ValidationFailed(
            "缺少必填字段 / required fields are missing",
            [FieldError(f.key, "required", required_message(f)) for f in missing],
        )


def _check_tenant_dates(record: Mapping[str, Any]) -> None:
    moved_in, moved_out = record.get("moved_in_on"), record.get("moved_out_on")
    errors = []
    if moved_in and moved_out and moved_out < moved_in:
        errors.append(FieldError("moved_out_on", "before_move_in", "迁出日期早于入驻日期 / moved out before moving in"))
    founded = record.get("founded_on")
    if founded and moved_in and moved_in < founded:
        errors.append(FieldError("moved_in_on", "before_founding", "入驻日期早于成立日期 / moved in before founding"))
    graduated = record.get("graduated_on")
    if graduated and moved_in and graduated < moved_in:
        errors.append(FieldError("graduated_on", "before_move_in", "毕业日期早于入驻日期 / graduated before moving in"))
    if errors:
        raise ValidationFailed("日期不一致 / inconsistent dates", errors)


def tenant_change(before: Mapping[str, Any] | None, proposed: Mapping[str, Any]) -> dict[str, Any]:
    """A tenant: every required field for a new one (its platform level `none` unless given); the
    move-in not before the founding, the move-out not before the move-in."""
    if before is None:
        _require(TENANT_FIELDS, proposed)
        record = {"platform_level": "none", **proposed}
        _check_tenant_dates(record)
        return record
    diff = changes(before, proposed)
    _check_tenant_dates({**before, **diff})
    return diff


# What `settle_ip` reads: the number for its kind, the dates, the status.
IP_SETTLED = ("kind", "number", "filed_on", "granted_on", "status")


def settle_ip(record: dict[str, Any]) -> dict[str, Any]:
    """Normalise the number for its kind, check the dates and derive expires_on."""
    errors = []
    try:
        record["number"] = normalise_ip_number(record["kind"], record["number"])
    except InvalidValue as error:
        errors.append(FieldError("number", error.code, error.message))
    filed, granted = record.get("filed_on"), record.get("granted_on")
    if filed and granted and granted < filed:
        errors.append(FieldError("granted_on", "before_filing", "授权日早于申请日 / granted before it was filed"))
    if record.get("status") == "valid" and not granted:
        errors.append(
            FieldError("granted_on", "required", "有效的知识产权须有授权日 / a valid item needs its grant date")
        )
    if errors:
        raise ValidationFailed("知识产权信息无效 / invalid IP item", errors)
    record["expires_on"] = expires_on(record["kind"], filed, granted)
    return record


def ip_change(
    before: Mapping[str, Any] | None, proposed: Mapping[str, Any], settled: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An IP item (without its owner): every required field for a new one; its number normalised
    for its kind, not granted before filed, a valid item granted; `expires_on` derived. `settled`:
    `settle_ip` of `proposed` already made (when it states every key of IP_SETTLED)."""
    if before is None:
        _require(IP_FIELDS, proposed, skip=("uscc",))
        return {**proposed, **settled} if settled is not None else settle_ip(dict(proposed))
    if all(k not in proposed or proposed[k] == before[k] for k in IP_SETTLED):
        # Nothing `settle_ip` reads changes (the number given as stored): its number and expiry stand.
        return changes(before, proposed)
    merged = {**{k: before[k] for k in IP_SETTLED}, **proposed}
    merged = {**merged, **settled} if settled is not None else settle_ip(merged)
    return changes(before, {**proposed, "number": merged["number"], "expires_on": merged["expires_on"]})


def _check_report(record: Mapping[str, Any]) -> None:
    employees, rd_staff = record.get("employees"), record.get("rd_staff")
    if employees is not None and rd_staff is not None and rd_staff > employees:
        raise ValidationFailed(
            "人数不一致 / inconsistent head counts",
            [
                FieldError(
                    "rd_staff",
                    "above_employees",
                    f"研发人员（{rd_staff}）多于从业人员（{employees}）/ R&D staff ({rd_staff}) exceed employees ({employees})",
                )
            ],
        )


def report_change(before: Mapping[str, Any] | None, figures: Mapping[str, Any]) -> dict[str, Any]:
    """A period report's figures: a new report holds every figure (None where not given); a stored
    one changes the figures given. Its R&D staff are some of its employees: never more."""
    if before is None:
        record = {f.key: figures.get(f.key) for f in REPORT_FIELDS if f.key not in ("uscc", "period")}
        _check_report(record)
        return record
    diff = changes(before, figures)
    _check_report({**before, **diff})
    return diff
