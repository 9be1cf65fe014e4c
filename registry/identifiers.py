"""What every identifier check shares: its error and the full-width clean-up.

Spreadsheets typed on Chinese input methods often carry full-width letters, digits and spaces;
folding them first lets every later rule speak plain ASCII.
"""

from __future__ import annotations

# Row ids are 32-bit serials on both engines: a bigger number names no row, and would overflow the
# column's type if it reached a query.
MAX_ROW_ID = 2**31 - 1

# U+FF01..U+FF5E mirror ASCII 0x21..0x7E at a fixed offset; U+3000 is the ideographic space.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class InvalidIdentifier(ValueError):
    """An identifier that cannot be accepted.

    `code` is stable and machine-readable (e.g. `uscc_checksum`); `message` is for people,
    Chinese first, then English.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def to_halfwidth(text: str) -> str:
    """Fold full-width ASCII forms and the ideographic space to their ASCII counterparts."""
    return text.translate(_HALFWIDTH)


def is_row_id(number: int) -> bool:
    return 0 < number <= MAX_ROW_ID
