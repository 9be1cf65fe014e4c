"""The checks on a return (审核规则, SPEC §9): one table of codes, severities and zh/en messages.

Errors block: a figure that is not a number (or a negative count or amount) is refused when the
return is saved as much as when it is submitted, since it cannot be stored; the relations between
figures (R&D staff above employees, net profit above revenue) block the submission only, so a draft
may be saved half done. Warnings do not block, but each must be explained at submission; the office
sees the explanation beside the warning.

- `change_vs_last_year`: a money figure more than 50 % above or below the same period a year
  earlier (only where last year's figure is not zero: from nothing every change is infinite);
- `unit_slip`: a figure 500 times or more its previous value, or a 500th or less of it — the mark of
  元 typed for 千元 (×1,000) or 万元 (×10,000) — against the period before (the same period last year
  when there is none);
- `revenue_without_employees`: revenue above zero with no employees (0 or left blank), where the
  round asks for employees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from registry.errors import FieldError, InvalidValue, ValidationFailed
from registry.money import format_yuan
from registry.records import clean_value
from registry.vocabulary import MONEY_KEYS, Field

Severity = Literal["error", "warning"]
Figures = Mapping[str, int | None]
CHANGE_LIMIT = Decimal("0.5")  # ±50 % against last year
UNIT_SLIP_RATIO = 500  # about 1,000× (or 10,000×) either way


@dataclass(frozen=True)
class Finding:
    """One check's finding on one field: its code, the field and the message (中文 / English)."""

    code: str
    field: str
    message: str


@dataclass(frozen=True)
class Facts:
    """What a check reads: the return's figures (fen, counts), the fields the round asks, the
    tenant's figures of the period before and of the same period a year earlier (empty if none)."""

    figures: Figures
    asked: tuple[Field, ...]
    last_period: Figures
    last_year: Figures


# A finder answers, for one check, the fields it finds and the values its message names.
Finder = Callable[[Facts], list[tuple[str, dict[str, str]]]]


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    zh: str  # the message, with {label}, {label_en} and the finder's values
    en: str
    find: Finder | None = None  # None: found while the figures are read (`read_figures`), by `value_codes`
    value_codes: tuple[str, ...] = ()  # registry.records' codes for a value this check refuses

    def message(self, field: Field, **values: str) -> str:
        named = {"label": field.zh, "label_en": field.en, **values}
        return f"{self.zh.format(**named)} / {self.en.format(**named)}"


def _shown(field: Field, value: int) -> str:
    return f"{format_yuan(value)} 元" if field.type == "money" else str(value)


def _value(facts: Facts, key: str) -> int | None:
    return facts.figures.get(key) if any(f.key == key for f in facts.asked) else None


def _rd_staff_above_employees(facts: Facts) -> list[tuple[str, dict[str, str]]]:
    rd_staff, employees = _value(facts, "rd_staff"), _value(facts, "employees")
    if rd_staff is not None and employees is not None and rd_staff > employees:
        return [("rd_staff", {"rd_staff": str(rd_staff), "employees": str(employees)})]
    return []


def _profit_above_revenue(facts: Facts) -> list[tuple[str, dict[str, str]]]:
    profit, revenue = _value(facts, "net_profit"), _value(facts, "revenue")
    if profit is not None and revenue is not None and profit > revenue:
        return [("net_profit", {"profit": format_yuan(profit), "revenue": format_yuan(revenue)})]
    return []


def _change_vs_last_year(facts: Facts) -> list[tuple[str, dict[str, str]]]:
    found = []
    for field in facts.asked:
        now, before = facts.figures.get(field.key), facts.last_year.get(field.key)
        if field.key not in MONEY_KEYS or now is None or not before:
            continue
        change = Decimal(now - before) / abs(before)
        if abs(change) > CHANGE_LIMIT:
            percent = f"{change * 100:+.0f}%"
            found.append((field.key, {"change": percent, "before": _shown(field, before), "now": _shown(field, now)}))
    return found


def _unit_slip(facts: Facts) -> list[tuple[str, dict[str, str]]]:
    found = []
    for field in facts.asked:
        now = facts.figures.get(field.key)
        before = facts.last_period.get(field.key) or facts.last_year.get(field.key)
        if not now or not before:
            continue
        ratio = abs(Decimal(now) / before)
        if ratio >= UNIT_SLIP_RATIO or ratio * UNIT_SLIP_RATIO <= 1:
            shown = f"{ratio:.0f}" if ratio >= 1 else f"1/{1 / ratio:.0f}"
            found.append((field.key, {"ratio": shown, "before": _shown(field, before), "now": _shown(field, now)}))
    return found


def _revenue_without_employees(facts: Facts) -> list[tuple[str, dict[str, str]]]:
    revenue = _value(facts, "revenue")
    if not any(f.key == "employees" for f in facts.asked) or not revenue or revenue <= 0:
        return []
    return [] if facts.figures.get("employees") else [("employees", {"revenue": format_yuan(revenue)})]


CHECKS: tuple[Check, ...] = (
    Check("not_a_number", "error", "“{label}”不是数字：{value}", "{label_en} is not a number: {value}",
          value_codes=("money_format", "money_fraction", "money_float", "money_range", "money_unit",
                       "count_format", "count_fraction", "count_float", "count_range", "type")),
    Check("negative_count", "error", "“{label}”不能为负数：{value}", "{label_en} cannot be negative: {value}",
          value_codes=("count_negative",)),
    Check("negative_amount", "error", "“{label}”不能为负数：{value}", "{label_en} cannot be negative: {value}",
          value_codes=("money_negative",)),
    Check("rd_staff_above_employees", "error",
          "研发人员（{rd_staff}）多于从业人员（{employees}）", "R&D staff ({rd_staff}) exceed employees ({employees})",
          _rd_staff_above_employees),
    Check("profit_above_revenue", "error",
          "净利润（{profit} 元）高于营业收入（{revenue} 元）", "net profit ({profit} yuan) exceeds revenue ({revenue} yuan)",
          _profit_above_revenue),
    Check("change_vs_last_year", "warning",
          "“{label}”比上年同期变化 {change}（{before} → {now}），请说明原因",
          "{label_en} changed by {change} against the same period last year ({before} → {now}); please explain",
          _change_vs_last_year),
    Check("unit_slip", "warning",
          "“{label}”约为上期的 {ratio} 倍（{before} → {now}），请核对金额单位（元、千元、万元）",
          "{label_en} is about {ratio} times its previous value ({before} → {now}); check the unit "
          "(yuan, thousand yuan, 10k yuan)",
          _unit_slip),
    Check("revenue_without_employees", "warning",
          "有营业收入（{revenue} 元）但从业人员为零或未填", "revenue ({revenue} yuan) with no employees",
          _revenue_without_employees),
)  # fmt: skip
BY_CODE = {check.code: check for check in CHECKS}
_BY_VALUE_CODE = {code: check for check in CHECKS for code in check.value_codes}


def read_figures(fields: tuple[Field, ...], data: Mapping[str, Any]) -> dict[str, int | None]:
    """The figures of `data` (money stated in each money field's unit) as stored, every field of
    `fields` given (None where blank): fen and counts. A figure the round does not ask is an
    `unknown_field`; one that cannot be read is named with its check's code, all at once (422)."""
    known = {f.key: f for f in fields}
    errors = [
        FieldError(key, "unknown_field", f"本轮未要求填报此项 / this round does not ask for {key!r}")
        for key in data
        if key not in known
    ]
    figures: dict[str, int | None] = {}
    for field in fields:
        value = data.get(field.key)
        try:
            figures[field.key] = clean_value(field, value)
        except (InvalidValue, TypeError) as error:
            check = _BY_VALUE_CODE.get(getattr(error, "code", "type"), BY_CODE["not_a_number"])
            errors.append(FieldError(field.key, check.code, check.message(field, value=str(value))))
    if errors:
        raise ValidationFailed("报表中有无法读取的数字 / some figures of the return cannot be read", errors)
    return figures


def findings(facts: Facts, severity: Severity) -> list[Finding]:
    """What the checks of `severity` find in `facts`, in the table's order."""
    fields = {f.key: f for f in facts.asked}
    found = []
    for check in CHECKS:
        if check.severity != severity or check.find is None:
            continue
        for key, values in check.find(facts):
            found.append(Finding(check.code, key, check.message(fields[key], **values)))
    return found


__all__ = ["BY_CODE", "CHECKS", "Check", "Facts", "Finding", "findings", "read_figures"]
