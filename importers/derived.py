"""What a row of a real file says without a column of its own (SPEC §4, files as parks really have
them): a patent's kind from its number, its check character when written without it, its grant date
from CNIPA's status date or announcement date, a tenant's status from 是否毕业企业, its industry group
from its trade (国民经济行业分类), a report's period from the sheet's title.

Each rule that fills a field says so in one warning naming the rows it covered.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from importers.cells import shown
from importers.headers import Layout, fold
from importers.report import Issues
from registry.errors import InvalidValue
from registry.ip_deadlines import PATENT_KINDS
from registry.ip_numbers import kind_of_patent_number, normalise_ip_number, with_check_char
from registry.records import enum_code
from registry.vocabulary import INDUSTRY, IP_KIND

# CNIPA search exports name a published invention application 发明申请 (its date is the 申请公布日),
# a granted one 发明授权 (its date is the 授权公告日).
_PUBLICATION_RECORDS = frozenset(fold(word) for word in ("发明申请", "发明公布"))
# A kind written as the registry names it; anything else in the column (发明申请, 发明授权…) is a phrase
# read as a kind, and said so.
_KIND_LABELS = frozenset(fold(word) for choice in IP_KIND.choices for word in (choice.code, choice.zh, choice.en))
# What a granted item's status may be: granted at some time, whatever came after.
_GRANTED = ("valid", "lapsed", "expired")
# The park's own words for `other`: any other word the industry column reads as `other` names a trade
# of the national classification that none of the park's groups takes.
_OTHER_WORDS = frozenset(fold(word) for word in ("other", INDUSTRY.label("other"), INDUSTRY.label("other", "en")))


@lru_cache(maxsize=256)
def _folded(written: str) -> str:
    return fold(written)


def _is_phrase(written: str) -> bool:
    return _folded(written) not in _KIND_LABELS


def complete_row(
    layout: Layout,
    record: dict[str, Any],
    raw: dict[str, Any],
    row: int,
    sheet: str,
    letters: dict[str, str],
    issues: Issues,
) -> None:
    """Fill, in place, what the row leaves unsaid and the file's other columns tell."""
    if layout.kind == "ip":
        _complete_ip(record, raw, row, sheet, letters, issues)
        _check_number(layout, record, row, sheet, letters, issues)
    elif layout.kind == "tenants":
        graduated = record.pop("graduated", None) is True or record.get("graduated_on") is not None
        if graduated and record.get("status") is None:
            record["status"] = "graduated"
        _complete_industry(record, raw, row, sheet, letters, issues)
    elif layout.kind == "reports" and "period" not in record and layout.sheet_period:
        record["period"] = layout.sheet_period


def _complete_industry(
    record: dict[str, Any], raw: dict[str, Any], row: int, sheet: str, letters: dict[str, str], issues: Issues
) -> None:
    """The industry group a trade of the national classification names, through the vocabulary's one
    table (INDUSTRY's aliases, made from NATIONAL_INDUSTRIES); a trade no group takes is said in one
    warning listing the trades."""
    written = raw.get("industry")
    if record.get("industry") == "other" and isinstance(written, str) and _folded(written) not in _OTHER_WORDS:
        issues.warn_values(
            sheet,
            row,
            letters.get("industry"),
            written.strip(),
            "industry_outside_park_groups",
            "产业类别按国民经济行业分类填写，不属于园区任一产业类别，登记为“其他”，待分类",
            "industries of the national classification outside the park's groups, registered as "
            "other, to be classified",
        )
    trade = record.pop("trade", None)
    if trade is None or record.get("industry") is not None:
        return
    try:
        group = enum_code(INDUSTRY, trade)
    except ValueError:
        group = "other"
    if group != "other":
        record["industry"] = group
        return
    # A stored tenant keeps the group the park gave it; a new one is `other` (importers.defaults).
    issues.warn_values(
        sheet,
        row,
        letters.get("trade"),
        trade.strip(),
        "trade_not_an_industry_group",
        "所属行业不属于园区任一产业类别：新企业登记为“其他”，待分类；已有企业的产业类别不变",
        "trades outside the park's industry groups: new tenants are registered as other, to be "
        "classified; stored tenants keep their group",
    )


# Kinds whose numbers have a grammar: a number whose kind cannot be told must fit one of them. (A plant
# variety's number is kept as issued, so any text would pass for one.)
_CHECKED_KINDS = tuple(code for code in IP_KIND.codes if code != "plant_variety")


def _check_number(
    layout: Layout, record: dict[str, Any], row: int, sheet: str, letters: dict[str, str], issues: Issues
) -> None:
    """The number of a row the plan will not check (SPEC §4: a missing column never hides a cell's
    error): the plan checks a number by its kind only on rows with a kind and an owner. A row whose
    kind cannot be told is checked as a number — it must fit some kind's rules; a row of a sheet without
    an owner column is checked by its kind."""
    number, kind = record.get("number"), record.get("kind")
    if number is not None and (kind is None or layout.lacks_keys):
        _number_checked(kind, number, row, sheet, letters, issues)


def check_set_aside(
    layout: Layout,
    record: dict[str, Any],
    raw: dict[str, Any],
    row: int,
    sheet: str,
    letters: dict[str, str],
    issues: Issues,
    failed: set[str],
) -> None:
    """The number of an IP row set aside for another bad cell (`failed`: the fields in error), checked
    now, so that its error comes in the same pass as the other cell's and not after it is fixed."""
    written = raw.get("number")
    if layout.kind != "ip" or "number" in failed or not isinstance(written, str) or not written.strip():
        return
    number = written.strip()
    kind = None if "kind" in failed else record.get("kind")
    _number_checked(kind or kind_of_patent_number(number), number, row, sheet, letters, issues)


def _number_checked(
    kind: str | None, number: str, row: int, sheet: str, letters: dict[str, str], issues: Issues
) -> None:
    """An error at the number's cell unless it fits its kind's rules, or with no kind some kind's."""
    failure: InvalidValue | None = None
    for candidate in (kind,) if kind is not None else _CHECKED_KINDS:
        try:
            normalise_ip_number(candidate, number)
            return
        except InvalidValue as error:
            failure = failure or error
    assert failure is not None
    message = (
        failure.message
        if kind is not None
        else (
            "类型未知，且编号不符合专利、软件著作权、商标或集成电路布图设计的编号格式："
            f"{failure.message.split(' / ')[0]} / the kind is unknown and the number fits no patent, software "
            f"copyright, trademark or IC layout number: {failure.message.split(' / ')[-1]}"
        )
    )
    issues.error(sheet, row, letters.get("number"), shown(number), failure.code, message)


def _complete_ip(
    record: dict[str, Any], raw: dict[str, Any], row: int, sheet: str, letters: dict[str, str], issues: Issues
) -> None:
    if record.get("number") and record.get("kind") in (None, *PATENT_KINDS):
        checked = with_check_char(record["number"])
        if checked is not None:
            record["number"] = checked
            issues.warn_rows(
                sheet,
                row,
                letters.get("number"),
                None,
                "ip_number_check_computed",
                "申请号未带校验位，已按国家知识产权局的规则算出校验位补上，请核对",
                "application numbers written without their check character; it was computed by "
                "CNIPA's rule and added — please check them",
            )
    number, written = record.get("number"), raw.get("kind")
    if record.get("kind") is not None and isinstance(written, str) and _is_phrase(written):
        issues.warn_rows(
            sheet,
            row,
            letters.get("kind"),
            written.strip(),
            "kind_from_type_phrase",
            f"类型“{written.strip()}”按{IP_KIND.label(record['kind'])}读取",
            f"type {written.strip()!r} read as {IP_KIND.label(record['kind'], 'en')}",
        )
    if record.get("kind") is None and number:
        kind = kind_of_patent_number(number)
        if kind is not None:
            record["kind"] = kind
            issues.warn_rows(
                sheet,
                row,
                letters.get("number"),
                None,
                "kind_from_number",
                "未填知识产权类型，按申请号的类型码读取",
                "no kind given; read from the application number's type digit",
                part=(IP_KIND.label(kind), IP_KIND.label(kind, "en")),
            )
    status_dated = record.pop("status_changed_on", None)
    published = record.pop("published_on", None)
    if record.get("granted_on") is not None:
        return
    kind, status = record.get("kind"), record.get("status")
    if status == "valid" and status_dated is not None:
        record["granted_on"] = status_dated
        issues.warn_rows(
            sheet,
            row,
            letters.get("status_changed_on"),
            None,
            "granted_on_from_status_date",
            "无授权日，以“法律状态最后修改日期”（授权的日期）为授权日",
            "no grant date; the legal status's date (the day it was granted) is taken as the grant date",
        )
        return
    if published is None:
        return
    publication_record = isinstance(written, str) and _folded(written) in _PUBLICATION_RECORDS
    if kind in ("utility_model", "design") or (status in _GRANTED and not publication_record):
        record["granted_on"] = published
        return
    issues.warn_rows(
        sheet,
        row,
        letters.get("published_on"),
        None,
        "publication_date_not_grant",
        "“申请公布日/授权公告日”是未授权申请的公布日，不作为授权日",
        "the publication/grant announcement date of an item not granted is its publication date; "
        "not stored as a grant date",
    )
