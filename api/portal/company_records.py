"""A company's records in forms, the same forms for the tenant at `/me` and for staff at `/tenants/{uscc}`:
its IP items (added, edited, deleted; the fee years paid for a patent) and its period reports (picked
from the periods it may report, entered in 元 or 万元).

A `Desk` says whose records and at which address; the registry services decide who may do what with
the actor's rights. Every edit form carries the record's version and the values it was opened with
(`was_*`), so a save someone else made stale is refused and shown field by field (`forms.reconcile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from api.portal.forms import edited_version, messages, reconcile
from api.portal.page import render, see_other
from registry.actor import Actor
from registry.errors import Conflict, FieldError, NotFound, PreconditionFailed, ValidationFailed
from registry.ip_deadlines import PATENT_KINDS, annual_fee, payable_years
from registry.money import in_unit
from registry.periods import Period
from registry.services import closed_years, deadlines, ip_items, reports
from registry.services.reports import FIGURE_FIELDS
from registry.vocabulary import FEE_FIELDS, IP_FIELDS, Field

IP_FORM_FIELDS = tuple(f for f in IP_FIELDS if f.key != "uscc")
FEE_FORM_FIELDS = tuple(f for f in FEE_FIELDS if f.key in ("patent_year", "paid_on", "amount"))
UNITS = ("元", "万元")
_IP_SHOWN = tuple(f.key for f in IP_FORM_FIELDS)
_REPORT_SHOWN = ("period", "unit", *(f.key for f in FIGURE_FIELDS), reports.CORRECTION_REASON)
_FEE_SHOWN = tuple(f.key for f in FEE_FORM_FIELDS)
_STALE = (
    "在您编辑期间，此记录已被其他人修改，尚未保存 / someone else changed this record while you were "
    "editing; your changes are not saved yet"
)
_ITEM_NOT_FOUND = "未找到该知识产权 / IP item not found"


@dataclass(frozen=True)
class Desk:
    """Whose records a form keeps (`uscc`) and the address of that company's page (`/me` or `/tenants/{uscc}`)."""

    uscc: str
    base: str


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def in_words(fen: int | None, unit: str) -> str:
    """A stored amount written in `unit` exactly, as a form field holds it: no float, no lost fen."""
    if fen is None:
        return ""
    text = format(in_unit(fen, unit), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _status(failed: Exception) -> int:
    return 422 if isinstance(failed, ValidationFailed) else 409


def _errors(failed: ValidationFailed | Conflict, shown: tuple[str, ...]) -> dict[str, str]:
    if isinstance(failed, Conflict):
        return {e.field: e.message for e in failed.errors} or {"form": failed.detail}
    return messages(failed, shown)


# -- IP items -------------------------------------------------------------------------------------


async def item_of(actor: Actor, desk: Desk, item_id: int) -> dict:
    """The item, if it is this company's: another company's is the same 404 as one that does not exist."""
    item = await ip_items.get_ip(actor, item_id)
    if item["uscc"] != desk.uscc:
        raise NotFound(_ITEM_NOT_FOUND)
    return item


def _item_values(item: dict) -> dict[str, str]:
    return {f.key: _text(item[f.key]) for f in IP_FORM_FIELDS}


def _typed(data: dict[str, str], fields: tuple[Field, ...]) -> dict[str, str]:
    return {f.key: data.get(f.key, "").strip() for f in fields}


async def ip_page(
    request: Request,
    actor: Actor,
    desk: Desk,
    item: dict | None,
    typed: dict[str, str],
    *,
    was: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    clashes: list | None = None,
    fee: dict[str, str] | None = None,
    fee_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """The item's form (a new one when `item` is None), and for a patent its paid fee years and the form
    that records one."""
    fees, years = [], range(0)
    if item is not None:
        fees = await deadlines.list_fees(actor, item["id"])
        years = payable_years(item["kind"], item["filed_on"], item["granted_on"])
        if fee is None:
            paid = {f["patent_year"] for f in fees}
            year = next((y for y in years if y not in paid), years[-1] if years else None)
            fee = _fee_values(item, fees, year)
    return render(
        request,
        "ip_item.html",
        {
            "desk": desk,
            "item": item,
            "typed": typed,
            "was": was if was is not None else typed,
            "version": item["version"] if item else 0,
            "fields": IP_FORM_FIELDS,
            "errors": errors or {},
            "clashes": clashes,
            "fees": fees,
            "years": years,
            "is_patent": item is not None and item["kind"] in PATENT_KINDS,
            "fee": fee or {},
            "fee_fields": {f.key: f for f in FEE_FORM_FIELDS},
            "fee_errors": fee_errors or {},
            "saved": request.query_params.get("saved"),
        },
        status_code=status_code,
        actor=actor,
    )


def _fee_values(item: dict, fees: list[dict], year: int | None) -> dict[str, str]:
    """The fee form for `year`: its paid record (with its version) when there is one, else the scheduled fee."""
    if year is None:
        return {}
    paid = next((f for f in fees if f["patent_year"] == year), None)
    if paid is not None:
        return {
            "patent_year": str(year),
            "paid_on": _text(paid["paid_on"]),
            "amount": in_words(paid["amount"], "元"),
            "version": str(paid["version"]),
        }
    return {"patent_year": str(year), "paid_on": "", "amount": in_words(annual_fee(item["kind"], year), "元")}


async def show_ip(request: Request, actor: Actor, desk: Desk, item_id: int, fee_year: int | None = None) -> Template:
    item = await item_of(actor, desk, item_id)
    fee = None
    if fee_year in payable_years(item["kind"], item["filed_on"], item["granted_on"]):  # else the form's default
        fee = _fee_values(item, await deadlines.list_fees(actor, item_id), fee_year)
    return await ip_page(request, actor, desk, item, _item_values(item), fee=fee)


async def add_ip(request: Request, actor: Actor, desk: Desk, data: dict[str, str]) -> Template | Redirect:
    typed = _typed(data, IP_FORM_FIELDS)
    try:
        await ip_items.create_ip(actor, desk.uscc, {k: v or None for k, v in typed.items()})
    except (ValidationFailed, Conflict) as failed:
        errors = _errors(failed, _IP_SHOWN)
        return await ip_page(request, actor, desk, None, typed, errors=errors, status_code=_status(failed))
    return see_other(f"{desk.base}?saved=ip#ip")


async def edit_ip(
    request: Request, actor: Actor, desk: Desk, item_id: int, data: dict[str, str]
) -> Template | Redirect:
    item = await item_of(actor, desk, item_id)
    typed = _typed(data, IP_FORM_FIELDS)
    was = {f.key: data.get(f"was_{f.key}", "") for f in IP_FORM_FIELDS}
    try:
        await ip_items.update_ip(actor, item_id, {k: v or None for k, v in typed.items()}, edited_version(data))
    except (ValidationFailed, Conflict) as failed:
        errors = _errors(failed, _IP_SHOWN)
        return await ip_page(request, actor, desk, item, typed, was=was, errors=errors, status_code=_status(failed))
    except PreconditionFailed:
        item = await item_of(actor, desk, item_id)
        clashes, merged = reconcile(IP_FORM_FIELDS, typed, was, _item_values(item))
        return await ip_page(
            request, actor, desk, item, merged, was=_item_values(item), clashes=clashes, status_code=409
        )
    return see_other(f"{desk.base}?saved=ip#ip")


async def delete_ip(
    request: Request, actor: Actor, desk: Desk, item_id: int, data: dict[str, str]
) -> Template | Redirect:
    await item_of(actor, desk, item_id)
    try:
        await ip_items.delete_ip(actor, item_id, edited_version(data))
    except ValidationFailed as failed:
        item = await item_of(actor, desk, item_id)
        return await ip_page(
            request, actor, desk, item, _item_values(item), errors=_errors(failed, ()), status_code=422
        )
    except PreconditionFailed:
        item = await item_of(actor, desk, item_id)
        errors = {"form": _STALE}
        return await ip_page(request, actor, desk, item, _item_values(item), errors=errors, status_code=409)
    return see_other(f"{desk.base}?saved=ip_deleted#ip")


async def record_fee(
    request: Request, actor: Actor, desk: Desk, item_id: int, data: dict[str, str]
) -> Template | Redirect:
    """A paid fee year, recorded or corrected (`PUT /ip/{id}/fees/{patent_year}`'s service)."""
    item = await item_of(actor, desk, item_id)
    fee = {**_typed(data, FEE_FORM_FIELDS), "version": data.get("version", "")}
    try:
        year = _patent_year(fee["patent_year"])
        version = edited_version({"version": fee["version"]}) or None
        paid = {k: fee[k] or None for k in ("paid_on", "amount")}
        await deadlines.record_fee(actor, item_id, year, paid, version, new_only=version is None)
    except ValidationFailed as failed:
        return await ip_page(
            request,
            actor,
            desk,
            item,
            _item_values(item),
            fee=fee,
            fee_errors=messages(failed, _FEE_SHOWN),
            status_code=422,
        )
    except PreconditionFailed:
        fees = await deadlines.list_fees(actor, item_id)
        stored = _fee_values(item, fees, year)
        clashes, merged = reconcile(FEE_FORM_FIELDS, fee, {**fee, "paid_on": "", "amount": ""}, stored)
        merged["version"] = stored.get("version", "")
        return await ip_page(
            request,
            actor,
            desk,
            item,
            _item_values(item),
            fee=merged,
            fee_errors={"form": _STALE},
            clashes=clashes,
            status_code=409,
        )
    return see_other(f"{desk.base}/ip/{item_id}?saved=fee#fees")


def _patent_year(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise ValidationFailed(
            "年费记录无效 / invalid annual fee record",
            [FieldError("patent_year", "required", "请选择年度 / pick the patent year")],
        )
    return int(text)


# -- period reports -------------------------------------------------------------------------------


def _report_values(report: dict, unit: str) -> dict[str, str]:
    return {f.key: in_words(report[f.key], unit) if f.type == "money" else _text(report[f.key]) for f in FIGURE_FIELDS}


def _unit(asked: str) -> str:
    return asked if asked in UNITS else "元"


async def report_page(
    request: Request,
    actor: Actor,
    desk: Desk,
    report: dict | None,
    typed: dict[str, str],
    *,
    was: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    clashes: list | None = None,
    status_code: int = 200,
) -> Template:
    """A report's form: a stored one's period in words and fixed; a new one's picked from the periods the
    company may report (open years only)."""
    closed = await closed_years.closed_years()
    period = Period.parse(report["period"]) if report else None
    choices = [] if report else await reports.reportable_periods(actor, desk.uscc)
    years: dict[int, list[Period]] = {}
    for choice in choices:
        years.setdefault(choice.year, []).append(choice)
    return render(
        request,
        "report.html",
        {
            "desk": desk,
            "report": report,
            "period": period,
            "years": years,
            "typed": typed,
            "was": was or {},
            "version": report["version"] if report else 0,
            "figures": FIGURE_FIELDS,
            "units": UNITS,
            "errors": errors or {},
            "clashes": clashes,
            "read_only": period is not None and period.year in closed,
        },
        status_code=status_code,
        actor=actor,
    )


async def new_report(request: Request, actor: Actor, desk: Desk, unit: str) -> Template:
    return await report_page(request, actor, desk, None, {"period": "", "unit": _unit(unit)})


async def show_report(request: Request, actor: Actor, desk: Desk, period: str, unit: str) -> Template:
    report = await reports.get_report(actor, desk.uscc, period)
    unit = _unit(unit)
    typed = {"period": report["period"], "unit": unit, **_report_values(report, unit)}
    return await report_page(request, actor, desk, report, typed, was=_stored_fen(report))


def _stored_fen(report: dict) -> dict[str, str]:
    """A report's figures as its form carries them back (`was_*`): fen and counts, whatever unit is shown."""
    return {f.key: _text(report[f.key]) for f in FIGURE_FIELDS}


async def save_report(request: Request, actor: Actor, desk: Desk, data: dict[str, str]) -> Template | Redirect:
    typed = _typed(data, FIGURE_FIELDS) | {
        k: data.get(k, "").strip() for k in ("period", "unit", reports.CORRECTION_REASON)
    }
    unit = typed["unit"] or "元"
    was_fen = {f.key: data.get(f"was_{f.key}", "") for f in FIGURE_FIELDS}
    existing = None
    try:
        version = edited_version(data)
        if version:
            existing = await reports.get_report(actor, desk.uscc, typed["period"])
        await reports.put_report(
            actor,
            desk.uscc,
            typed["period"],
            {f.key: typed[f.key] or None for f in FIGURE_FIELDS},
            version or None,
            unit=unit,
            new_only=not version,
            reason=typed[reports.CORRECTION_REASON] or None,
        )
    except (ValidationFailed, Conflict) as failed:
        errors = _errors(failed, _REPORT_SHOWN)
        return await report_page(
            request, actor, desk, existing, typed, was=was_fen, errors=errors, status_code=_status(failed)
        )
    except PreconditionFailed:
        # Saved meanwhile (another tab, another person): show theirs beside what this user typed.
        stored = await reports.get_report(actor, desk.uscc, typed["period"])
        shown_unit = _unit(unit)
        was = {k: _fen_in(v, shown_unit) if k in _MONEY else v for k, v in was_fen.items()}
        clashes, merged = reconcile(FIGURE_FIELDS, typed, was, _report_values(stored, shown_unit))
        return await report_page(
            request,
            actor,
            desk,
            stored,
            {**merged, "period": stored["period"], "unit": shown_unit},
            was=_stored_fen(stored),
            clashes=clashes,
            status_code=409,
        )
    return see_other(f"{desk.base}?saved=report#reports")


_MONEY = frozenset(f.key for f in FIGURE_FIELDS if f.type == "money")


def _fen_in(carried: str, unit: str) -> str:
    """A `was_*` amount (fen, as the form carried it) in the unit shown; anything else as it came."""
    return in_words(int(carried), unit) if carried.lstrip("-").isdigit() else carried
