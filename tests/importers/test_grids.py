"""Sheets are read row by row (importers.grids): the same cells, at the same places, as calamine's
whole-sheet read from A1 — also when the used range starts below and right of A1."""

import io
from datetime import date

import pytest
import python_calamine

from importers.grids import read_grids
from importers.headers import HEADER_SEARCH_ROWS
from tests.importers.conftest import xls, xlsx

# A title two columns in, a blank row, a header and data from column C, a note further right and
# far below: the used range starts at C1 on one sheet and at B3 on the other.
_OFFSET = [
    [None, None, "2017 知识产权清单"],
    [],
    [None, None, "申请号", "名称", "申请日"],
    *[[None, None, f"20171000{n:04d}", f"装置{n}", date(2017, 1, 1 + n % 28)] for n in range(60)],
    [],
    [None, None, None, None, None, None, "填表人：张某"],
]
_FROM_B3 = [[], [], [None, "企业名称", 12.5]]


@pytest.mark.parametrize("make, fmt", [(xlsx, "xlsx"), (xls, "xls")])
def test_streamed_rows_are_the_whole_sheet_read_from_a1(make, fmt):
    content = make({"知识产权": _OFFSET, "企业": _FROM_B3})
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))

    grids = list(read_grids(fmt, f"f.{fmt}", content))

    assert [g.name for g in grids] == ["知识产权", "企业"]
    for grid in grids:
        whole = book.get_sheet_by_name(grid.name).to_python(skip_empty_area=False)
        assert grid.head == whole[:HEADER_SEARCH_ROWS]
        assert list(grid.rows_from(3)) == whole[3:]
    assert grids[1].head[2][:3] == ["", "企业名称", 12.5]


def test_a_grids_rows_are_read_once():
    (grid,) = read_grids("xlsx", "f.xlsx", xlsx({"知识产权": _OFFSET}))
    assert len(list(grid.rows_from(0))) == len(_OFFSET)
    with pytest.raises(RuntimeError):
        grid.rows_from(0)
