"""The import template: the three import sheets, headers with units, a sample row, dropdowns.

A dropdown's choices go inline when they fit Excel's 255-character limit for list formulas;
longer lists (or labels holding a comma or quote) live on a hidden sheet the validation refers to.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from itertools import zip_longest

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from exports.cells import CellMaker, Looks
from exports.import_format import LOOK_OF_TYPE, cell_value, column_width, header, print_layout, sheet_name
from registry.ip_numbers import make_patent_number
from registry.page_setup import set_up_pages
from registry.uscc import SAMPLE_USCC
from registry.vocabulary import CLEAR_WORD, LANGS, SHEETS, Enumeration, Field, in_lang

INLINE_LIST_LIMIT = 255
LAST_ROW = 1_048_576
LISTS_SHEET = {"zh": "选项", "en": "Lists"}

# Stored values (codes, fen, dates) of the sample rows, rendered like any registry value.
SAMPLES: dict[str, dict[str, dict[str, object]]] = {
    "tenants": {
        "zh": {
            "uscc": SAMPLE_USCC,
            "name": "示例科技有限公司",
            "name_en": "Sample Technology Co., Ltd.",
            "industry": "electronic_info",
            "founded_on": date(2015, 6, 1),
            "moved_in_on": date(2016, 3, 1),
            "status": "incubating",
            "hte_certificate_no": "GR201643000123",
            "hte_certified_on": date(2016, 12, 6),
            "platform_level": "municipal",
            "platform_level_since": date(2017, 3, 1),
            "founder_type": "scientist",
            "tech_sme_no": "201743021100000123",
            "listing": "none",
            "contact_name": "张三",
            "contact_phone": "0731-28888888",
            "contact_email": "contact@example.com",
            "website": "https://www.example.com",
            "description": "示例行：导入时跳过，不会成为记录",
        },
        "en": {
            "name": "Sample Technology Co., Ltd.",
            "contact_name": "Zhang San",
            "description": "Sample row: skipped on import, never a record",
        },
    },
    "ip": {
        "zh": {
            "uscc": SAMPLE_USCC,
            "kind": "invention",
            "number": make_patent_number(2017, 1, 601862),
            "title": "一种示例装置",
            "filed_on": date(2017, 3, 5),
            "granted_on": date(2019, 8, 20),
            "status": "valid",
        },
        "en": {"title": "A sample device"},
    },
    "reports": {
        "zh": {
            "uscc": SAMPLE_USCC,
            "period": "2016",
            "total_income": 1_298_765_430,
            "revenue": 1_234_567_890,
            "net_profit": 123_456_700,
            "exports": 0,
            "rd_expense": 98_765_400,
            "tax_paid": 45_678_900,
            "employees": 120,
            "rd_staff": 35,
            "new_graduates": 8,
            "college_staff": 96,
            "returnee_staff": 3,
            "financing": 500_000_000,
            "grants": 20_000_000,
        },
        "en": {},
    },
}

_SAMPLE_NOTE = {
    "zh": "示例行：统一社会信用代码为示例代码，导入时整行跳过，不会成为记录。可在下面填写，或覆盖本行并填入企业自己的统一社会信用代码。"
    f"已登记的企业只需填要改的格：留空的格不改动，填“{CLEAR_WORD['zh']}”清除该项。",
    "en": "Sample row: its USCC is the sample code, so the whole row is skipped on import and never becomes a "
    "record. Fill in the rows below, or type over this one with the tenant's own USCC. For a tenant on record, "
    f"fill only the cells that change: a blank cell changes nothing, {CLEAR_WORD['en']} clears the value.",
}

_TYPE_HINTS = {
    "uscc": ("18位统一社会信用代码", "18-character unified social credit code"),
    "date": ("日期，如 2017-03-05", "a date, e.g. 2017-03-05"),
    "money": ("金额，单位见表头；可改为千元、万元或亿元", "amount in the unit in the header (元, 千元, 万元 or 亿元)"),
    "count": ("人数（整数）", "number of people (whole number)"),
    "period": ("报告期：2016、2017H1 或 2017Q3", "period: 2016, 2017H1 or 2017Q3"),
    "ip_number": ("申请号或登记号，如 201710601862.3", "application or registration number, e.g. 201710601862.3"),
    "ordinal": ("专利年度（整数），如 3 即第3年", "patent year (a whole number), e.g. 3 for the third year"),
}


def template_workbook(lang: str = "zh") -> bytes:
    if lang not in LANGS:
        raise ValueError(f"lang must be zh or en, not {lang!r}")
    book = Workbook()
    book.remove(book.active)
    lists = _ListSheet(book, lang)
    for kind, (_, _, fields) in SHEETS.items():
        _write_sheet(book.create_sheet(sheet_name(kind, lang)), kind, fields, lang, lists)
    lists.finish()
    book.properties.title = in_lang(lang, "园区登记导入模板", "Park registry import template")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(sheet, kind: str, fields: tuple[Field, ...], lang: str, lists: _ListSheet) -> None:
    cells = CellMaker(sheet, Looks(sheet))
    sheet.append(cells.row([header(f, lang) for f in fields], "header"))
    for column, field in enumerate(fields, 1):
        sheet.cell(1, column).comment = Comment(_hint(field, lang), "Park Registry", width=260, height=110)
        sheet.column_dimensions[get_column_letter(column)].width = column_width(field, lang)

    # A sample row is marked, and skipped on import, by the sample USCC; a sheet that names no tenant
    # (the annual fees: an IP item by kind and number) could not be told from a real row, so it has none.
    if kind in SAMPLES:
        _write_sample_row(sheet, cells, kind, fields, lang)
    sheet.freeze_panes = "B2"
    set_up_pages(sheet, sheet.title, lang=lang, **print_layout(fields, lang))
    _add_dropdowns(sheet, fields, lang, lists)


def _write_sample_row(sheet, cells: CellMaker, kind: str, fields: tuple[Field, ...], lang: str) -> None:
    sample = SAMPLES[kind]["zh"] | SAMPLES[kind][lang]
    sheet.append(
        [
            cells.cell(
                cell_value(f, sample.get(f.key), lang),
                "sample_" + LOOK_OF_TYPE[f.type] if f.type in LOOK_OF_TYPE else "sample",
            )
            for f in fields
        ]
    )
    for column, field in enumerate(fields, 1):
        if field.key == "uscc":
            sheet.cell(2, column).comment = Comment(_SAMPLE_NOTE[lang], "Park Registry", width=300, height=120)


def _add_dropdowns(sheet, fields: tuple[Field, ...], lang: str, lists: _ListSheet) -> None:
    for column, field in enumerate(fields, 1):
        if field.enum is None:
            continue
        letter = get_column_letter(column)
        clearable = not field.required  # its list offers the word that clears a stored value
        validation = DataValidation(
            type="list",
            formula1=lists.formula(field.enum, clearable),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=in_lang(lang, "无效的选项", "Not a choice"),
            error=_allowed(field.enum, lang, clearable),
            showInputMessage=True,
            promptTitle=field.label(lang)[:32],
            prompt=_allowed(field.enum, lang, clearable)[:255],
        )
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)


class _ListSheet:
    """Dropdown choices: inline when short, else on one hidden sheet written at the end."""

    def __init__(self, book: Workbook, lang: str) -> None:
        self.book, self.lang = book, lang
        self.lists: dict[str, list[str]] = {}

    def labels(self, enum: Enumeration, clearable: bool = False) -> list[str]:
        return [*enum.labels(self.lang).values()] + ([CLEAR_WORD[self.lang]] if clearable else [])

    def formula(self, enum: Enumeration, clearable: bool = False) -> str:
        labels = self.labels(enum, clearable)
        inline = ",".join(labels)
        if len(inline) <= INLINE_LIST_LIMIT and not any("," in x or '"' in x for x in labels):
            return f'"{inline}"'
        name = enum.name + (f" {CLEAR_WORD[self.lang]}" if clearable else "")
        self.lists.setdefault(name, labels)
        letter = get_column_letter(list(self.lists).index(name) + 1)
        return f"{quote_sheetname(LISTS_SHEET[self.lang])}!${letter}$2:${letter}${len(labels) + 1}"

    def finish(self) -> None:
        if not self.lists:
            return
        sheet = self.book.create_sheet(LISTS_SHEET[self.lang])
        cells = CellMaker(sheet)
        columns = [[name, *labels] for name, labels in self.lists.items()]
        for row in zip_longest(*columns):
            sheet.append(cells.row(row))
        sheet.sheet_state = "hidden"
        set_up_pages(sheet, sheet.title, lang=self.lang, repeat_rows="1:1")


def _allowed(enum: Enumeration, lang: str, clearable: bool = False) -> str:
    labels = in_lang(lang, "、", ", ").join(enum.labels(lang).values())
    if clearable:
        labels += in_lang(
            lang, f"（{CLEAR_WORD['zh']}清除已登记的值）", f" ({CLEAR_WORD['en']} clears the stored value)"
        )
    return in_lang(lang, "请从下拉列表中选择：", "Choose from the list: ") + labels


# How a cell changes a stored record (SPEC §4), said in every header's note.
_BLANK_KEEPS = {"zh": "留空则不改动已登记的值", "en": "a blank cell leaves the stored value as it is"}
_CLEAR_SAYS = {
    "zh": f"填“{CLEAR_WORD['zh']}”清除已登记的值",
    "en": f"write {CLEAR_WORD['en']} to clear the stored value",
}


def _hint(field: Field, lang: str) -> str:
    parts = [field.label(lang)]
    if field.required:
        parts.append(in_lang(lang, "必填", "required"))
    if field.enum is not None:
        parts.append(_allowed(field.enum, lang))
    elif field.type in _TYPE_HINTS:
        parts.append(in_lang(lang, *_TYPE_HINTS[field.type]))
    if field.max_length:
        parts.append(in_lang(lang, f"最多 {field.max_length} 字", f"at most {field.max_length} characters"))
    parts.append(_BLANK_KEEPS[lang] + ("" if field.required else in_lang(lang, "；", "; ") + _CLEAR_SAYS[lang]))
    return "\n".join(parts)


__all__ = ["INLINE_LIST_LIMIT", "template_workbook"]
