"""How every workbook the registry writes prints (SPEC §5 "Ready to print and hand in").

One page setup for every sheet of every workbook — statistics, template, registry dump, import
errors, deadlines: landscape A4, fitted to the page width (as many pages down as it takes), the
header rows (and, on wide sheets, the name columns) repeated on every printed page, and a header
and footer naming the park, the sheet and the period, with `page x of y`.

It lives on the registry floor because both the importers (errors.xlsx) and the exports use it.
For a write-only (streaming) sheet call it before the first row is written: the fit-to-page flag
goes out with the sheet's first bytes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from itertools import combinations, pairwise
from math import ceil

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

# The park the registry serves, as its printed pages name it.
PARK_NAME = {"zh": "动力谷自主创新园", "en": "Power Valley Independent Innovation Park"}

A4 = 9  # paperSize code of ECMA-376 §18.18.43
_PAGE = {"zh": "第 &P 页，共 &N 页", "en": "Page &P of &N"}
_PERIOD = {"zh": "期间：{}", "en": "Period: {}"}
# Column width (in Excel's units of a character) a landscape A4 page holds at 100 % between its
# margins — as LibreOffice prints it, whose units run wider than Excel's 0.19 cm — and the smallest
# scale a wide sheet may print at: narrower than that, it prints more pages across. A tenth is kept
# in hand for fonts wider than the measure.
FULL_SCALE_WIDTH = 100
SMALLEST_SCALE = 0.6
_ROOM = FULL_SCALE_WIDTH / SMALLEST_SCALE * 0.9
# Margins in inches: narrow at the sides, room for the header and footer lines.
_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7, "header": 0.3, "footer": 0.3}


def _literal(text: str) -> str:
    """Text as a header/footer shows it: `&` starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


def set_up_pages(
    sheet,
    title: str,
    *,
    lang: str = "zh",
    period: str | None = None,
    repeat_rows: str | None = None,
    repeat_columns: str | None = None,
    pages_wide: int = 1,
) -> None:
    """Give `sheet` the park's page setup.

    `title` is the sheet as the printed header names it (usually its tab name); `period` what the
    sheet covers (`2017H1`, `2017-10-31`…), left out when it covers none; `repeat_rows` the header
    rows printed atop every page (`"1:4"`), `repeat_columns` the columns printed at the left of
    every page of a wide sheet (`"A:C"`), which may then print `pages_wide` pages across (read
    across, then down: a page's rows continue on the next). `lang` picks the words: zh or en.
    """
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = pages_wide
    if pages_wide > 1:
        sheet.page_setup.pageOrder = "overThenDown"
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    properties = sheet.sheet_properties
    if properties.pageSetUpPr is None:
        properties.pageSetUpPr = PageSetupProperties()
    properties.pageSetUpPr.fitToPage = True
    for side, inches in _MARGINS.items():
        setattr(sheet.page_margins, side, inches)
    sheet.print_options.horizontalCentered = True
    if repeat_rows:
        sheet.print_title_rows = repeat_rows
    if repeat_columns:
        sheet.print_title_cols = repeat_columns

    header = sheet.oddHeader
    header.left.text = _literal(PARK_NAME[lang])
    header.center.text = _literal(title)
    header.right.text = _literal(_PERIOD[lang].format(period)) if period else None
    sheet.oddFooter.center.text = _PAGE[lang]


def break_between_bands(sheet, bands: Sequence[Sequence[float]], repeated: int = 0, most_pages: int = 3) -> None:
    """Print a sheet with a banded header (a row of titles each over several columns) so that no band
    is split across pages: pages across break between bands only, at most `most_pages` of them,
    grouped so that the widest page is as narrow as it can be, all printed at the one scale that fits
    that page (in place of fitting to a number of pages). `bands` are the widths of each band's
    columns, left to right, the first band holding the `repeated` columns printed at the left of
    every page. Call it after `set_up_pages`, before a streaming sheet's first row."""
    kept = sum(bands[0][:repeated])
    widths = [sum(band) for band in bands]
    best: tuple[float, tuple[int, ...]] | None = None
    for count in range(1, min(most_pages, len(bands)) + 1):
        for cuts in combinations(range(1, len(bands)), count - 1):
            edges = (0, *cuts, len(bands))
            widest = max(sum(widths[a:b]) + (kept if a else 0) for a, b in pairwise(edges))
            if best is None or widest < best[0]:
                best = (widest, cuts)
    assert best is not None
    widest, cuts = best
    columns = [0]
    for band in bands:
        columns.append(columns[-1] + len(band))
    for cut in cuts:
        sheet.col_breaks.append(Break(id=columns[cut]))
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = max(10, min(100, int(100 * FULL_SCALE_WIDTH / widest)))


def pages_across(widths: Sequence[float], repeated: int = 0) -> int:
    """Pages across a sheet of these column widths needs to print at no less than SMALLEST_SCALE,
    each page repeating the first `repeated` columns at its left."""
    total, kept = sum(widths), sum(widths[:repeated])
    if total <= _ROOM:
        return 1
    return max(1, ceil((total - kept) / max(_ROOM - kept, _ROOM / 2)))


__all__ = ["A4", "PARK_NAME", "break_between_bands", "pages_across", "set_up_pages"]


def display_width(value: object) -> int:
    """Columns a value needs on the printed page: CJK characters count double."""
    if value is None:
        return 0
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        digits = len(f"{value:,.2f}") if isinstance(value, Decimal) else len(f"{value:,}")
        return digits + 1
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def fit_columns(sheet, columns: Iterable[Iterable[object]], minimum: int = 6, maximum: int = 60) -> None:
    """Set each column's width from the widest value it will hold (before a write-only sheet's
    first row is written)."""
    for index, values in enumerate(columns, 1):
        width = max((display_width(v) for v in values), default=0)
        sheet.column_dimensions[get_column_letter(index)].width = max(minimum, min(maximum, width + 2))
