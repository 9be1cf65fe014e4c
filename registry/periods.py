"""Reporting periods (a year, a half or a quarter) and the shorter ones each is made of.

How a tenant's figure for a period is composed from its reports is SQL, where the reports are
(`registry.stats`): `Period.parts` lists the ways, the statistics pick the first complete one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from registry.errors import InvalidValue
from registry.identifiers import to_halfwidth

FIRST_YEAR, LAST_YEAR = 1900, 2999
_HALF_NAMES = {1: "上半年", 2: "下半年"}
_QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_CHINESE_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4}
_HALF_WORDS = {"上": 1, "下": 2}
# Matched after whitespace is removed and letters are upper-cased.
_YEAR = re.compile(r"(?P<year>\d{4})(?:年度?)?", re.ASCII)
_HALF = re.compile(r"(?P<year>\d{4})[-_/]?H(?P<half>[12])", re.ASCII)
_HALF_ZH = re.compile(r"(?P<year>\d{4})年?(?P<half>[上下])半年度?")
_QUARTER = re.compile(r"(?P<year>\d{4})[-_/]?Q(?P<quarter>[1-4])", re.ASCII)
_QUARTER_ZH = re.compile(r"(?P<year>\d{4})年?第?(?P<quarter>[1-4一二三四])季度?")


@dataclass(frozen=True)
class Period:
    """A year (half and quarter None), a half (1-2) or a quarter (1-4) of a year.

    Periods sort by start, and a longer period before the shorter ones starting with it:
    2017, 2017H1, 2017Q1, 2017Q2, 2017H2, 2017Q3, ...
    """

    year: int
    half: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise InvalidValue("period_year", f"年份超出范围 / year out of range: {self.year}")
        if self.half is not None and (self.quarter is not None or self.half not in (1, 2)):
            raise InvalidValue("period_format", "半年应为1或2 / half must be 1 or 2")
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise InvalidValue("period_format", "季度应为1至4 / quarter must be 1 to 4")

    @classmethod
    def parse(cls, text: str) -> Period:
        compact = "".join(to_halfwidth(text).split()).upper()
        if match := _YEAR.fullmatch(compact):
            return cls(int(match["year"]))
        if match := _HALF.fullmatch(compact):
            return cls(int(match["year"]), half=int(match["half"]))
        if match := _HALF_ZH.fullmatch(compact):
            return cls(int(match["year"]), half=_HALF_WORDS[match["half"]])
        if match := _QUARTER.fullmatch(compact) or _QUARTER_ZH.fullmatch(compact):
            quarter = match["quarter"]
            return cls(int(match["year"]), quarter=_CHINESE_NUMERALS.get(quarter) or int(quarter))
        raise InvalidValue(
            "period_format",
            f"无法识别的期间“{text}”，应为 2016、2017H1 或 2017Q3 / "
            f"unrecognised period {text!r}: expected 2016, 2017H1 or 2017Q3",
        )

    def __str__(self) -> str:
        if self.half is not None:
            return f"{self.year}H{self.half}"
        if self.quarter is not None:
            return f"{self.year}Q{self.quarter}"
        return str(self.year)

    @property
    def kind(self) -> Literal["year", "half", "quarter"]:
        if self.half is not None:
            return "half"
        return "year" if self.quarter is None else "quarter"

    @property
    def _first_month(self) -> int:
        if self.half is not None:
            return 6 * self.half - 5
        return 1 if self.quarter is None else 3 * self.quarter - 2

    @property
    def _months(self) -> int:
        return {"year": 12, "half": 6, "quarter": 3}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self._first_month, 1)

    @property
    def end(self) -> date:
        after = self._first_month + self._months
        next_start = date(self.year + 1, 1, 1) if after > 12 else date(self.year, after, 1)
        return next_start - timedelta(days=1)

    def label(self, lang: str = "zh") -> str:
        """The period in words, as pages, workbooks and messages show it: `2016年度` / `2017年上半年` /
        `2017年第三季度`; in English `2016`, `2017 H1`, `2017 Q3`."""
        if lang != "zh":
            return str(self).replace("H", " H").replace("Q", " Q")
        if self.half is not None:
            return f"{self.year}年{_HALF_NAMES[self.half]}"
        if self.quarter is not None:
            return f"{self.year}年{_QUARTER_NAMES[self.quarter]}"
        return f"{self.year}年度"

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.half, self.quarter)

    def parts(self) -> list[list[Period]]:
        """The complete ways to make this period out of shorter ones, halves first."""
        if self.kind == "year":
            return [
                [Period(self.year, half=h) for h in (1, 2)],
                [Period(self.year, quarter=q) for q in (1, 2, 3, 4)],
            ]
        if self.kind == "half":
            first = self._first_month // 3 + 1
            return [[Period(self.year, quarter=first), Period(self.year, quarter=first + 1)]]
        return []

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def _sort_key(self) -> tuple[int, int, int]:
        return (self.year, self._first_month, -self._months)

    def __lt__(self, other: Period) -> bool:
        return self._sort_key() < other._sort_key()

    def __le__(self, other: Period) -> bool:
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other: Period) -> bool:
        return self._sort_key() > other._sort_key()

    def __ge__(self, other: Period) -> bool:
        return self._sort_key() >= other._sort_key()
