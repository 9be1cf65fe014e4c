"""The import format as the exports write it: sheet names, headers with units, values as labels.

Everything here is read from `registry.vocabulary`, so a field added there appears in the template
and the registry dump without a change in this package.
"""

from __future__ import annotations

from datetime import date
from math import ceil

from openpyxl.utils import get_column_letter

from exports.cells import display_width
from registry.money import in_unit
from registry.vocabulary import SHEETS, Field, in_lang

# English header units, spelled as registry.money reads them back.
_UNIT_EN = {"元": "yuan", "千元": "thousand yuan", "万元": "10k yuan", "亿元": "100m yuan", "人": "persons"}

# Display look per field type (see exports.cells.LOOK_DEFINITIONS).
LOOK_OF_TYPE = {"date": "date", "money": "money", "count": "integer", "ordinal": "integer"}

# Typical widths (in characters) for columns whose content is not known before streaming.
_WIDTH_OF_TYPE = {
    "uscc": 22,
    "date": 12,
    "money": 18,
    "count": 12,
    "enum": 18,
    "period": 10,
    "ip_number": 18,
    "ordinal": 8,
}


def sheet_name(kind: str, lang: str = "zh") -> str:
    zh, en, _ = SHEETS[kind]
    return in_lang(lang, zh, en)


def header(field: Field, lang: str = "zh") -> str:
    """`营业收入(元)` / `Revenue (yuan)`; fields without a unit carry just their label."""
    if lang == "zh":
        return f"{field.zh}({field.unit})" if field.unit else field.zh
    return f"{field.en} ({_UNIT_EN.get(field.unit, field.unit)})" if field.unit else field.en


def cell_value(field: Field, stored: object, lang: str = "zh") -> object:
    """A stored value as the import format shows it: labels for codes, 元 for fen."""
    if stored is None:
        return None
    match field.type:
        case "enum":
            assert field.enum is not None
            return field.enum.label(str(stored), lang)
        case "money":
            return in_unit(int(stored), field.unit or "元")
        case "count" | "ordinal":
            return int(stored)
        case "date":
            return stored if isinstance(stored, date) else date.fromisoformat(str(stored))
    return str(stored)


def column_width(field: Field, lang: str = "zh") -> int:
    typical = _WIDTH_OF_TYPE.get(field.type, min(field.max_length or 30, 40))
    return max(typical, display_width(header(field, lang)) + 2)


# Printing an import sheet: about this many characters of column width fit one landscape A4 page
# legibly (some 55 % scale); a wider sheet prints several pages across, each repeating at its left
# the leading columns that name the row (USCC and name, period, kind and number).
_PAGE_WIDTH = 250
_NAMING = ("uscc", "name", "kind", "number", "period")


def print_layout(fields: tuple[Field, ...], lang: str = "zh") -> dict[str, object]:
    """`set_up_pages` arguments for an import sheet: its header row atop every page and, when it is
    too wide for one page, how many pages across and which columns each repeats."""
    pages = max(1, ceil(sum(column_width(f, lang) for f in fields) / _PAGE_WIDTH))
    naming = next((n for n, f in enumerate(fields) if f.key not in _NAMING), len(fields))
    wide = pages > 1 and naming > 0
    return {
        "repeat_rows": "1:1",
        "repeat_columns": f"A:{get_column_letter(naming)}" if wide else None,
        "pages_wide": pages,
    }
