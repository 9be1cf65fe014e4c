"""Finding a sheet's kind, its header row and what each column means, by the registry's vocabulary.

Labels match whatever the spelling: Chinese or English label, code or alias; full-width or
half-width; spaces and case ignored; a trailing `*` (required marker) dropped. A unit in the header
— `营业收入(万元)`, `营业收入（千元）`, `Revenue (10k yuan)`, `营业收入/亿元` — scales a money column; a
`单位：万元` note above the header sets the unit of money columns that state none.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from registry.errors import InvalidValue
from registry.identifiers import to_halfwidth
from registry.money import unit_yuan
from registry.periods import Period
from registry.vocabulary import IMPORT_ONLY_FIELDS, NOT_KEPT, SHEETS, Field, check_sheet_kinds, field_named

# Header rows are looked for among the first rows only: below them is data.
HEADER_SEARCH_ROWS = 30
# What a sheet of unknown name must name to be taken for a kind: every field of one of its sets.
_SIGNATURES = {
    "tenants": ({"uscc", "name"},),
    "ip": ({"number", "kind"}, {"number", "title"}, {"number", "owner_name"}),
    "reports": ({"uscc", "period"},),
    "fees": ({"number", "patent_year", "paid_on"},),
}
# Headers that look like period figures (the Torch form's revenue, profit, staff…) make a reports
# sheet, whatever else the sheet names: this many of them.
_FIGURES_FOR_REPORTS = 2
_FIGURE_TYPES = ("money", "count")
# Columns without which no row of the kind can be matched; a tuple inside names alternatives.
KEY_COLUMNS: dict[str, tuple[tuple[str, ...], ...]] = {
    "tenants": (("uscc",),),
    "ip": (("number",), ("uscc", "owner_name")),
    "reports": (("uscc",), ("period",)),
    "fees": (("kind",), ("number",), ("patent_year",)),
}
_SHEET_ALIASES = {
    "tenants": ("企业", "tenants", "tenant", "企业信息", "企业名单", "在孵企业", "入驻企业", "companies"),
    "ip": ("知识产权", "ip", "ipitems", "ip items", "知识产权清单", "知识产权明细", "intellectual property"),
    "reports": ("经营数据", "reports", "report", "period reports", "经营情况", "经济数据", "figures"),
    "fees": ("年费缴纳", "annual fees", "年费", "年费记录", "缴费记录", "专利年费", "fees", "fee payments"),
}
_TRAILING_NOTE = re.compile(r"^(?P<label>.*?)\s*[(\[【〔](?P<note>[^()\[\]【】〔〕]*)[)\]】〕]$")
_TRAILING_UNIT = re.compile(r"^(?P<label>.*?)\s*[/／]?\s*(?P<note>千元|万元|亿元|元)$")
_UNIT_NOTE = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>千元|万元|亿元|元)")
# Marks that make no difference to a label: the required marker, a colon, and the separators crawlers and
# databases put between words (`filing_date`, `filing-date`, `Application No.` are `filing date`…).
_MARKERS = str.maketrans("", "", "*:：_-.")


def fold(text: str) -> str:
    return "".join(to_halfwidth(text).split()).translate(_MARKERS).casefold()


def _index(fields: tuple[Field, ...]) -> dict[str, Field]:
    index: dict[str, Field] = {}
    for f in fields:
        for label in (f.key, f.zh, f.en, *f.aliases):
            index.setdefault(fold(label), f)
    return index


_INDEXES = {kind: _index(fields + IMPORT_ONLY_FIELDS[kind]) for kind, (_, _, fields) in SHEETS.items()}
_NOT_KEPT = frozenset(fold(label) for label in NOT_KEPT)
# A title above a reports sheet's header that names its period: 2017年度…, 2017年上半年…, 2017年第三季度….
_TITLE_PERIOD = re.compile(
    r"(?P<period>\d{4}\s*年\s*(?:(?:上|下)\s*半\s*年|第?\s*[1-4一二三四]\s*季\s*度|度)?|\d{4}\s*[HhQq][1-4])"
)
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
    not_kept: list[tuple[int, str]] = field(default_factory=list)
    # Headers naming another kind's field (a tenant's name or founding date on a reports sheet): not read here.
    elsewhere: list[tuple[int, str, str]] = field(default_factory=list)
    problems: list[HeaderProblem] = field(default_factory=list)
    sheet_unit: str | None = None
    # A reports sheet without a period column: the period its title names, and that title.
    sheet_period: str | None = None
    period_title: str | None = None

    @cached_property
    def lacks_keys(self) -> bool:
        """Whether the sheet lacks a key column (asked per row once the layout is found)."""
        return bool(self.missing_keys())

    def missing_keys(self) -> list[tuple[str, ...]]:
        """The key columns (or sets of alternatives) this sheet lacks."""
        have = {c.field.key for c in self.columns} | ({"period"} if self.sheet_period else set())
        return [keys for keys in KEY_COLUMNS[self.kind] if not have & set(keys)]

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
    plain = re.sub(r"^其中\s*[:：]?\s*", "", to_halfwidth(text).strip())
    found = index.get(fold(plain))
    if found is not None:
        return found, None
    for pattern in (_TRAILING_NOTE, _TRAILING_UNIT):
        match = pattern.match(plain)
        if match and (found := index.get(fold(match["label"]))) is not None:
            note = re.sub(r"^单位\s*[:：]?", "", match["note"].strip())
            return found, note if found.type == "money" else None
    return None, None


def _not_kept(text: str) -> bool:
    """A header naming something the registry does not keep, with or without its unit (注册资本（万元）)."""
    plain = to_halfwidth(text).strip()
    if fold(plain) in _NOT_KEPT:
        return True
    for pattern in (_TRAILING_NOTE, _TRAILING_UNIT):
        if (match := pattern.match(plain)) and fold(match["label"]) in _NOT_KEPT:
            return True
    return False


def _texts(row: list) -> list[tuple[int, str]]:
    return [(i, cell.strip()) for i, cell in enumerate(row) if isinstance(cell, str) and cell.strip()]


def _score(kind: str, row: list) -> set[str]:
    return {f.key for _, text in _texts(row) if (f := _match(kind, text)[0]) is not None}


def _figures(kind: str, keys: set[str]) -> int:
    fields = SHEETS[kind][2]
    return sum(1 for f in fields if f.key in keys and f.type in _FIGURE_TYPES)


def _placed(kind: str, keys: set[str]) -> bool:
    if kind == "reports" and _figures(kind, keys) >= _FIGURES_FOR_REPORTS:
        return True
    return any(signature <= keys for signature in _SIGNATURES[kind])


def find_layout(rows: list[list], kind: str | None) -> Layout | None:
    """The header row (the row among the first ones naming most fields) and the columns it maps.

    With `kind` None the sheet's kind is told by its headers too: it needs one of its kind's
    signatures (tenants: USCC and name; IP: number with kind, title or owner; reports: USCC and
    period), and headers naming period figures make it a reports sheet whatever else it names.
    """
    kinds = [kind] if kind else list(SHEETS)
    best: tuple[int, int, int, str] | None = None  # (figures sheet, matched fields, -row, kind)
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for candidate in kinds:
            keys = _score(candidate, row)
            if len(keys) < 2 or (kind is None and not _placed(candidate, keys)):
                continue
            figures = kind is None and candidate == "reports" and _figures(candidate, keys) >= _FIGURES_FOR_REPORTS
            score = (int(figures), len(keys), -number, candidate)
            if best is None or score[:3] > best[:3]:
                best = score
    if best is None:
        return None
    return _layout(rows, best[3], -best[2])


def seen_headers(rows: list[list]) -> list[str]:
    """The texts of the row that looks most like a header (most text cells among the first rows)."""
    candidates = [_texts(row) for row in rows[:HEADER_SEARCH_ROWS]]
    best = max(candidates, key=len, default=[])
    return [text for _, text in best]


_KIND_WORDS = {
    "tenants": "企业表 / tenants",
    "ip": "知识产权表 / IP items",
    "reports": "经营数据表 / reports",
    "fees": "年费缴纳表 / annual fees",
}
for _table, _name in (
    (_SIGNATURES, "_SIGNATURES"),
    (KEY_COLUMNS, "KEY_COLUMNS"),
    (_SHEET_ALIASES, "_SHEET_ALIASES"),
    (_KIND_WORDS, "_KIND_WORDS"),
):
    check_sheet_kinds(_table, _name)


def headers_wanted(seen: list[str]) -> list[dict[str, Any]]:
    """For each kind, the headers it needs that `seen` lacks (`lacking`: each label in zh and en), and
    the known header nearest to each header seen (`nearest`: by spelling, when genuinely close:
    `spelled_near`), so a refused file says what to rename. The members of a refusal's problem."""
    wanted = []
    for kind in SHEETS:
        keys = {f.key for text in seen if (f := _match(kind, text)[0]) is not None}
        needed = min(_SIGNATURES[kind], key=lambda signature: len(signature - keys))
        fields = SHEETS[kind][2] + IMPORT_ONLY_FIELDS[kind]
        lacking = [field_named(fields, key) for key in sorted(needed - keys)]
        near = []
        for text in seen:
            # A header some kind knows, or knows to pass over, is no misspelling of another kind's.
            if any(_match(k, text)[0] is not None for k in SHEETS) or _not_kept(text):
                continue
            if (close := nearest_label(kind, text)) is not None:
                near.append({"header": text, "known": close})
        wanted.append({"kind": kind, "lacking": [{"zh": f.zh, "en": f.en} for f in lacking], "nearest": near})
    return wanted


def expected_headers(seen: list[str]) -> str:
    """`headers_wanted` in one bilingual sentence, for a refusal's detail."""
    parts = []
    for kind in headers_wanted(seen):
        lacking = [f"{f['zh']} ({f['en']})" for f in kind["lacking"]]
        near = [f"“{n['header']}”≈“{n['known']}”" for n in kind["nearest"]]
        parts.append(
            f"{_KIND_WORDS[kind['kind']]}: 缺 / lacks {'、'.join(lacking) or '—'}"
            + (f"; 相近 / nearest {', '.join(near)}" if near else "")
        )
    return "; ".join(parts)


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# How alike two folded labels must be (difflib's ratio, 2·matches / total length) to be offered as a
# rename. Chinese characters carry a word each, so sharing most of them is close (申请日期 ≈ 申请日, 0.86;
# 信用代码号 ≈ 信用代码, 0.89); Latin letters carry little, and at 0.6 `county` ≈ `contact` and
# `latitude` ≈ `title` (0.62 each) would be offered.
_NEAR_HAN = 0.6
_NEAR_LATIN = 0.8


def spelled_near(text: str, label: str) -> bool:
    """Whether header `text` is a likely misspelling of `label`: both written in the same script (a Latin
    header is never near a Chinese label, nor the reverse) and alike enough for that script."""
    a, b = fold(text), fold(label)
    han = bool(_HAN.search(a))
    if not a or han != bool(_HAN.search(b)):
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= (_NEAR_HAN if han else _NEAR_LATIN)


def nearest_label(kind: str, text: str) -> str | None:
    """The known header of `kind` spelled nearest to `text`, if `spelled_near`: a Chinese header gets the
    field's Chinese label, a Latin one the label it resembles."""
    best: tuple[float, str] | None = None
    folded = fold(text)
    for label, f in _labels(kind):
        if spelled_near(text, label):
            ratio = difflib.SequenceMatcher(None, folded, fold(label)).ratio()
            shown = f.zh if _HAN.search(folded) else label
            if best is None or ratio > best[0]:
                best = (ratio, shown)
    return None if best is None else best[1]


def _labels(kind: str) -> list[tuple[str, Field]]:
    fields = SHEETS[kind][2] + IMPORT_ONLY_FIELDS[kind]
    return [(label, f) for f in fields for label in (f.zh, f.en, *f.aliases)]


_MONTHS = re.compile(r"年\s*(?P<first>\d{1,2})\s*[-–—~至到]\s*(?P<last>\d{1,2})\s*月")
_MONTH_SPANS = {
    (1, 12): "年度",
    (1, 6): "年上半年",
    (7, 12): "年下半年",
    (1, 3): "年第一季度",
    (4, 6): "年第二季度",
    (7, 9): "年第三季度",
    (10, 12): "年第四季度",
}


def _title_period(rows: list[list], header_row: int) -> tuple[str | None, str | None]:
    for row in rows[:header_row]:
        for _, text in _texts(row):
            plain = to_halfwidth(text)
            spans = [(int(m["first"]), int(m["last"])) for m in _MONTHS.finditer(plain)]
            if any(span not in _MONTH_SPANS for span in spans):
                continue  # 1–9月, a running total, is no period and must not pass for the whole year
            plain = _MONTHS.sub(lambda m: _MONTH_SPANS[(int(m["first"]), int(m["last"]))], plain)
            for match in _TITLE_PERIOD.finditer(plain):
                try:
                    return str(Period.parse(match["period"])), text
                except InvalidValue:
                    continue
    return None, None


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
            if _not_kept(text):
                layout.not_kept.append((index, text))
            elif other := next((k for k in SHEETS if k != kind and _match(k, text)[0] is not None), None):
                layout.elsewhere.append((index, text, other))
            elif not _UNIT_NOTE.search(to_halfwidth(text)):
                layout.unknown.append((index, text))
            continue
        if found.key in taken:
            layout.problems.append(
                HeaderProblem(
                    index,
                    "duplicate_column",
                    f"与 {column_letter(taken[found.key])} 列同为“{found.zh}”，请删去其一 / names the same field as column "
                    f"{column_letter(taken[found.key])} ({found.en}); keep one",
                    text,
                )
            )
            continue
        taken[found.key] = index
        if found.type == "money":
            unit = unit or layout.sheet_unit or found.unit or "元"
            try:
                unit_yuan(unit)
            except InvalidValue as error:
                layout.problems.append(HeaderProblem(index, error.code, error.message, text))
                continue
            found = replace(found, unit=unit)
        layout.columns.append(Column(index, found, text))
    if kind == "reports" and "period" not in taken:
        layout.sheet_period, layout.period_title = _title_period(rows, header_row)
    return layout
