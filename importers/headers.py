"""Finding a sheet's kind, its header row and what each column means, by the registry's vocabulary.

Labels match whatever the spelling: Chinese or English label, code or alias; full-width or
half-width; spaces and case ignored; a trailing `*` (required marker) dropped. A unit in the header
— `营业收入(万元)`, `营业收入（千元）`, `Revenue (10k yuan)`, `营业收入/亿元` — scales a money column; a
`单位：万元` note above the header sets the unit of money columns that state none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from registry.identifiers import to_halfwidth
from registry.money import InvalidMoney, unit_yuan
from registry.vocabulary import SHEETS, Field

# Header rows are looked for among the first rows only: below them is data.
HEADER_SEARCH_ROWS = 30
# What must be there for a sheet of unknown name to be taken for a kind.
_SIGNATURE = {"tenants": {"uscc", "name"}, "ip": {"kind", "number"}, "reports": {"uscc", "period"},
              "fees": {"number", "patent_year", "paid_on"}}
# Columns without which no row of the kind can be matched.
KEY_COLUMNS = {"tenants": ("uscc",), "ip": ("uscc", "kind", "number"), "reports": ("uscc", "period"),
               "fees": ("kind", "number", "patent_year")}
_SHEET_ALIASES = {
    "tenants": ("企业", "tenants", "tenant", "企业信息", "企业名单", "在孵企业", "入驻企业", "companies"),
    "ip": ("知识产权", "ip", "ipitems", "ip items", "知识产权清单", "知识产权明细", "intellectual property"),
    "reports": ("经营数据", "reports", "report", "period reports", "经营情况", "经济数据", "figures"),
    "fees": ("年费缴纳", "annual fees", "年费", "年费记录", "缴费记录", "专利年费", "fees", "fee payments"),
}
_TRAILING_NOTE = re.compile(r"^(?P<label>.*?)\s*[(\[【〔](?P<note>[^()\[\]【】〔〕]*)[)\]】〕]$")
_TRAILING_UNIT = re.compile(r"^(?P<label>.*?)\s*[/／]?\s*(?P<note>千元|万元|亿元|元)$")
_UNIT_NOTE = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>千元|万元|亿元|元)")
_MARKERS = str.maketrans("", "", "*:：")


def fold(text: str) -> str:
    return "".join(to_halfwidth(text).split()).translate(_MARKERS).casefold()


def _index(fields: tuple[Field, ...]) -> dict[str, Field]:
    index: dict[str, Field] = {}
    for f in fields:
        for label in (f.key, f.zh, f.en, *f.aliases):
            index.setdefault(fold(label), f)
    return index


_INDEXES = {kind: _index(fields) for kind, (_, _, fields) in SHEETS.items()}
_SHEET_NAMES = {fold(name): kind for kind, (zh, en, _) in SHEETS.items() for name in (zh, en, *_SHEET_ALIASES[kind])}


def kind_of_sheet_name(name: str) -> str | None:
    return _SHEET_NAMES.get(fold(name))


@dataclass(frozen=True)
class Column:
    index: int  # 0-based; column letter via column_letter(index)
    field: Field  # money fields carry the column's unit
    header: str


@dataclass
class HeaderProblem:
    index: int
    code: str
    message: str
    value: str


@dataclass
class Layout:
    kind: str
    header_row: int  # 0-based grid index
    columns: list[Column]
    unknown: list[tuple[int, str]] = field(default_factory=list)
    problems: list[HeaderProblem] = field(default_factory=list)
    sheet_unit: str | None = None

    def column_of(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.field.key == key), None)


def column_letter(index: int) -> str:
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _match(kind: str, text: str) -> tuple[Field | None, str | None]:
    """The field a header names and the unit it states (money fields only)."""
    index = _INDEXES[kind]
    plain = to_halfwidth(text).strip()
    found = index.get(fold(plain))
    if found is not None:
        return found, None
    for pattern in (_TRAILING_NOTE, _TRAILING_UNIT):
        match = pattern.match(plain)
        if match and (found := index.get(fold(match["label"]))) is not None:
            note = re.sub(r"^单位\s*[:：]?", "", match["note"].strip())
            return found, note if found.type == "money" else None
    return None, None


def _texts(row: list) -> list[tuple[int, str]]:
    return [(i, cell.strip()) for i, cell in enumerate(row) if isinstance(cell, str) and cell.strip()]


def _score(kind: str, row: list) -> set[str]:
    return {f.key for _, text in _texts(row) if (f := _match(kind, text)[0]) is not None}


def find_layout(rows: list[list], kind: str | None) -> Layout | None:
    """The header row (the row among the first ones naming most fields) and the columns it maps.

    With `kind` None the sheet's kind is told by its headers too; it needs its kind's signature
    fields (tenants: USCC and name; IP: kind and number; reports: USCC and period).
    """
    kinds = [kind] if kind else list(SHEETS)
    best: tuple[int, int, str] | None = None  # (matched fields, -row, kind)
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for candidate in kinds:
            keys = _score(candidate, row)
            if len(keys) < 2 or (kind is None and not _SIGNATURE[candidate] <= keys):
                continue
            score = (len(keys), -number, candidate)
            if best is None or score[:2] > best[:2]:
                best = score
    if best is None:
        return None
    return _layout(rows, best[2], -best[1])


def _sheet_unit(rows: list[list], header_row: int) -> str | None:
    for row in rows[: header_row + 1]:
        for _, text in _texts(row):
            if match := _UNIT_NOTE.search(to_halfwidth(text)):
                return match["unit"]
    return None


def _layout(rows: list[list], kind: str, header_row: int) -> Layout:
    layout = Layout(kind, header_row, [], sheet_unit=_sheet_unit(rows, header_row))
    taken: dict[str, int] = {}
    for index, text in _texts(rows[header_row]):
        found, unit = _match(kind, text)
        if found is None:
            if not _UNIT_NOTE.search(to_halfwidth(text)):
                layout.unknown.append((index, text))
            continue
        if found.key in taken:
            layout.problems.append(HeaderProblem(
                index, "duplicate_column",
                f"与 {column_letter(taken[found.key])} 列同为“{found.zh}”，请删去其一 / names the same field as column "
                f"{column_letter(taken[found.key])} ({found.en}); keep one",
                text,
            ))
            continue
        taken[found.key] = index
        if found.type == "money":
            unit = unit or layout.sheet_unit or found.unit or "元"
            try:
                unit_yuan(unit)
            except InvalidMoney as error:
                layout.problems.append(HeaderProblem(index, error.code, error.message, text))
                continue
            found = replace(found, unit=unit)
        layout.columns.append(Column(index, found, text))
    return layout
