"""What every identifier check shares: its error and the full-width clean-up.

Spreadsheets typed on Chinese input methods often carry full-width letters, digits and spaces;
folding them first lets every later rule speak plain ASCII.
"""

from __future__ import annotations

import re

from registry.errors import InvalidValue

# Row ids are 32-bit serials on both engines: a bigger number names no row, and would overflow the
# column's type if it reached a query.
MAX_ROW_ID = 2**31 - 1

# U+FF01..U+FF5E mirror ASCII 0x21..0x7E at a fixed offset; U+3000 is the ideographic space.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Fold full-width ASCII forms and the ideographic space to their ASCII counterparts."""
    return text.translate(_HALFWIDTH)


# How Excel shows a long number it holds as a number (2.0121E+12): the sign is always written, which
# no identifier has.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?E\+\d{1,3}", re.ASCII)


def refuse_scientific(text: str) -> None:
    """Raise InvalidValue when `text` is a number Excel has turned into scientific notation.

    A long identifier held as a number is shown (and saved to CSV) as 2.0121E+12: its digits past the
    sixth are gone, and no rule can bring them back; only the source can, its column kept as text.
    """
    if "+" not in text and "＋" not in text:  # asked of every identifier cell: most have no sign
        return
    shown = "".join(to_halfwidth(text).split()).upper()
    if _SCIENTIFIC.fullmatch(shown):
        raise InvalidValue(
            "excel_scientific",
            f"“{shown}”是被 Excel 改成科学计数法的号码，后面的位数已丢失；请把该列设为“文本”格式，重新填入或导出号码 / "
            f"Excel altered {shown}: it turned the number into scientific notation and its digits are lost; "
            "format the column as Text and enter or export the numbers again",
        )


def is_row_id(number: int) -> bool:
    return 0 < number <= MAX_ROW_ID
